/// Fitting a drawn table into a terminal's width: columns are dropped in a stated order, then the
/// widest text columns are shortened around '…', and the caller says what was hidden.
extension TextTable {
  /// The table without the columns at `removed` (indices into the current columns).
  func removingColumns(_ removed: Set<Int>) -> TextTable {
    let kept = headers.indices.filter { !removed.contains($0) }
    var table = TextTable(headers: kept.map { headers[$0] }, alignments: kept.map { alignments[$0] })
    table.rows = rows.map { row in row.map { cells in kept.map { cells[$0] } } }
    return table
  }

  /// The table fitted into `width` characters: columns named in `dropOrder` (first to go first)
  /// are removed until it fits; then the columns in `shortenable` lose characters from the middle
  /// of their longest cells (down to `minimumShortened`); then the columns in `lastResort` are
  /// removed, and the rest shortened again. Columns with a `softLimits` entry are cut to it first.
  /// Returns the table and the headers of the removed columns, in table order.
  public func fitted(
    width: Int, dropOrder: [Int], shortenable: [Int], lastResort: [Int] = [], softLimits: [Int: Int] = [:],
    minimumShortened: Int = 16
  ) -> (table: TextTable, hidden: [String]) {
    // Before the last-resort columns go, cells are shortened less far than after.
    let gentleMinimum = minimumShortened + 6
    // The widths as drawn, measured once: every step below only lowers limits against them. A
    // drawn line is "│ cell │ cell │": each column adds its width plus three (spaces and border).
    let natural = naturalWidths
    var limits = natural
    func drawnWidth(_ limits: [Int], without removed: Set<Int> = []) -> Int {
      zip(natural, limits).enumerated().reduce(1) { total, item in
        removed.contains(item.offset) ? total : total + min(item.element.0, item.element.1) + 3
      }
    }
    if drawnWidth(limits) > width {
      for (column, limit) in softLimits where column < limits.count { limits[column] = min(limits[column], limit) }
    }
    var removed = Set<Int>()
    func drop(_ columns: [Int]) {
      for column in columns where drawnWidth(limits, without: removed) > width { removed.insert(column) }
    }
    func shorten(to minimum: Int) {
      while drawnWidth(limits, without: removed) > width {
        let candidates = shortenable.filter { !removed.contains($0) && limits[$0] > minimum }
        guard let widest = candidates.max(by: { limits[$0] < limits[$1] }) else { return }
        limits[widest] -= 1
      }
    }
    drop(dropOrder)
    shorten(to: gentleMinimum)
    // Each last-resort column stays if shortening further makes the table fit.
    for column in lastResort where drawnWidth(limits, without: removed) > width {
      let gentle = limits
      shorten(to: minimumShortened)
      if drawnWidth(limits, without: removed) <= width { break }
      limits = gentle
      removed.insert(column)
    }
    shorten(to: minimumShortened)
    // A very narrow terminal: names and types give up more rather than the table overflow.
    shorten(to: 6)
    let table = shortened(to: limits).removingColumns(removed)
    let hidden = headers.indices.filter { removed.contains($0) }.map { headers[$0] }
    return (table, hidden)
  }

  /// Every cell at most `limits[column]` characters: longer ones keep their start and end around '…'.
  private func shortened(to limits: [Int]) -> TextTable {
    func cut(_ text: String, _ limit: Int) -> String {
      let text = Self.clipped(text)
      guard text.count > limit, limit >= 2 else { return text }
      let tail = (limit - 1) / 3
      return String(text.prefix(limit - 1 - tail)) + "…" + String(text.suffix(tail))
    }
    var table = self
    table.headers = headers.indices.map { cut(headers[$0], limits[$0]) }
    table.rows = rows.map { row in row.map { cells in cells.indices.map { cut(cells[$0], limits[$0]) } } }
    return table
  }
}
