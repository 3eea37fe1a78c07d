/// A grid of text cells rendered with box-drawing characters, ASCII, or as a Markdown table.
public struct TextTable: Sendable {
  /// How a column's cells line up.
  public enum Alignment: Sendable { case left, right }

  /// Column headers.
  public var headers: [String]
  /// Alignment per column.
  public var alignments: [Alignment]
  /// Rows of cells; a nil row draws a separator line.
  public var rows: [[String]?] = []

  /// Creates an empty table.
  public init(headers: [String], alignments: [Alignment]) {
    self.headers = headers
    self.alignments = alignments
  }

  private var widths: [Int] {
    headers.indices.map { column in
      rows.compactMap { $0 }.reduce(headers[column].count) { max($0, $1[column].count) }
    }
  }

  private func pad(_ text: String, _ width: Int, _ alignment: Alignment) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return alignment == .left ? text + fill : fill + text
  }

  /// The widest cell the drawn table shows; longer cells keep their start and end around '…'
  /// (Markdown and CSV keep every character).
  public static let maximumCellWidth = 120

  static func clipped(_ cell: String) -> String {
    guard cell.count > maximumCellWidth else { return cell }
    return String(cell.prefix(maximumCellWidth - 41)) + "…" + String(cell.suffix(40))
  }

  /// The table with every cell clipped as it is drawn.
  private var clippedForDrawing: TextTable {
    var table = self
    table.headers = headers.map(Self.clipped)
    table.rows = rows.map { $0?.map(Self.clipped) }
    return table
  }

  /// The width of each drawn column: its widest cell or header, as clipped for drawing.
  var naturalWidths: [Int] { clippedForDrawing.widths }

  /// The table with box-drawing characters, or ASCII when `box` is false.
  public func render(box: Bool) -> String {
    clippedForDrawing.draw(box: box)
  }

  private func draw(box: Bool) -> String {
    let widths = widths
    let (v, h, cross, top, bottom) =
      box ? ("│", "─", "┼", ("┌", "┬", "┐"), ("└", "┴", "┘")) : ("|", "-", "+", ("+", "+", "+"), ("+", "+", "+"))
    let left = box ? ("├", "┤") : ("+", "+")
    func rule(_ ends: (String, String, String)) -> String {
      ends.0 + widths.map { String(repeating: h, count: $0 + 2) }.joined(separator: ends.1) + ends.2
    }
    func line(_ cells: [String]) -> String {
      v + cells.indices.map { " " + pad(cells[$0], widths[$0], alignments[$0]) + " " }.joined(separator: v) + v
    }
    var lines = [rule(top), line(headers), rule((left.0, cross, left.1))]
    for row in rows {
      lines.append(row.map(line) ?? rule((left.0, cross, left.1)))
    }
    lines.append(rule(bottom))
    return lines.joined(separator: "\n")
  }

  /// The table in GitHub-flavoured Markdown; `|` in cells is escaped.
  public func markdown() -> String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |"
    }
    var lines = [line(headers), "|" + alignments.map { $0 == .left ? " --- |" : " ---: |" }.joined()]
    for case let row? in rows { lines.append(line(row)) }
    return lines.joined(separator: "\n")
  }

  /// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted.
  public static func csv(_ rows: [[String]]) -> String {
    rows.map { row in
      row.map { field in
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
          ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
      }.joined(separator: ",")
    }.joined(separator: "\n") + "\n"
  }
}
