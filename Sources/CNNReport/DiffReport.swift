import CNNCalc
import CNNGraph

/// `cnncalc diff` in text, Markdown and JSON.
public enum DiffReport {
  static func layerSummary(_ layer: LayerFacts?, network: Network?) -> String {
    guard let layer, let network else { return "" }
    let shape = ExtentText.of(layer.output.shape)
    return "\(OperatorText.describe(network.layers[layer.index].op)) → \(shape)"
  }

  /// `+1,234 (+0.56%)`, exact, with the percentage rounded to two decimals.
  public static func delta(_ change: NetworkDiff.TotalChange) -> String {
    let sign = change.delta > 0 ? "+" : ""
    var text = sign + Grouping.integer(change.delta)
    if change.old != 0, let ratio = try? Rational(change.delta, 1) * Rational(100) / Rational(change.old) {
      text += " (\(sign)\(Grouping.decimal(ratio, places: 2))%)"
    }
    return text
  }

  static func rows(_ diff: NetworkDiff, old: Network, new: Network) -> [[String]] {
    diff.layers.map { change in
      let countDelta: (KeyPath<LayerFacts, Int>) -> String = { key in
        let delta = (change.new?[keyPath: key] ?? 0) - (change.old?[keyPath: key] ?? 0)
        return delta == 0 ? "" : (delta > 0 ? "+" : "") + Grouping.integer(delta)
      }
      let what =
        change.change == .changed ? "changed: " + change.fields.joined(separator: ", ") : change.change.rawValue
      var cells = (layerSummary(change.old, network: old), layerSummary(change.new, network: new))
      if change.fields.contains("rf"), let before = change.old, let after = change.new {
        let field = fieldDifference(before.output.receptiveField, after.output.receptiveField)
        cells = (cells.0 + ", " + field.old, cells.1 + ", " + field.new)
      }
      return [change.name, what, cells.0, cells.1, countDelta(\.params), countDelta(\.macs)]
    }
  }

  /// The parts of two receptive fields that differ, as `rf 11` / `rf 15, jump 8`: size, jump and
  /// start as the summary prints them, then the narrowest path's size (`min rf`), and otherwise
  /// `field pattern` (the units' phases differ while every printed figure agrees).
  static func fieldDifference(_ old: ReceptiveField, _ new: ReceptiveField) -> (old: String, new: String) {
    let before = SummaryReport.fieldCells(old)
    let after = SummaryReport.fieldCells(new)
    var parts: [(String, String)] = []
    for (index, label) in ["rf", "jump", "start"].enumerated() where before[index] != after[index] {
      func text(_ cell: String) -> String { cell.isEmpty ? "no \(label)" : "\(label) \(cell)" }
      parts.append((text(before[index]), text(after[index])))
    }
    if parts.isEmpty, case .regular(let a) = old, case .regular(let b) = new, a.minSize != b.minSize {
      parts.append(("min rf \(ExtentText.of(a.minSize))", "min rf \(ExtentText.of(b.minSize))"))
    }
    if parts.isEmpty { parts.append(("field pattern", "another field pattern")) }
    return (parts.map(\.0).joined(separator: ", "), parts.map(\.1).joined(separator: ", "))
  }

  static let headers = ["Layer", "Change", "Old", "New", "Δ params", "Δ MACs"]
  static let alignments: [TextTable.Alignment] = [.left, .left, .left, .left, .right, .right]

  static func heading(_ diff: NetworkDiff) -> String {
    let counts = [NetworkDiff.Change.added, .removed, .changed].map { kind in
      "\(diff.layers.filter { $0.change == kind }.count) \(kind.rawValue)"
    }
    return "\(diff.oldName) → \(diff.newName): \(counts.joined(separator: ", ")), \(diff.unchanged) unchanged"
  }

  static func totalRows(_ diff: NetworkDiff) -> [[String]] {
    diff.totals.map { [$0.name, Grouping.integer($0.old), Grouping.integer($0.new), delta($0)] }
  }

  /// The two versions' source files, for locating their diagnostics.
  public struct Sources: Sendable {
    public var old: SourceFile?
    public var new: SourceFile?
    /// Pairs the files.
    public init(old: SourceFile?, new: SourceFile?) {
      self.old = old
      self.new = new
    }
  }

  /// `warnings and notes: 2 new, 1 kept, 1 gone`, counting what the change did to them.
  static func diagnosticsHeading(_ diff: NetworkDiff) -> String {
    let counts = [DiagnosticChange.Status.new, .kept, .gone].map { status in
      "\(diff.diagnostics.filter { $0.status == status }.count) \(status.rawValue)"
    }
    return "warnings and notes of \(diff.newName): " + counts.joined(separator: ", ") + " (since \(diff.oldName))"
  }

  static func source(of change: DiagnosticChange, in sources: Sources) -> SourceFile? {
    change.status == .gone ? sources.old : sources.new
  }

  public static func text(
    _ diff: NetworkDiff, old: Network, new: Network, sources: Sources = Sources(old: nil, new: nil), style: Style
  ) -> String {
    var output = heading(diff) + "\n"
    if !diff.layers.isEmpty {
      var table = TextTable(headers: headers, alignments: alignments)
      table.rows = rows(diff, old: old, new: new).map { Optional($0) }
      output += table.render(box: style.boxDrawing) + "\n"
    }
    var totals = TextTable(headers: ["Total", "Old", "New", "Δ"], alignments: [.left, .right, .right, .right])
    totals.rows = totalRows(diff).map { Optional($0) }
    output += totals.render(box: style.boxDrawing) + "\n"
    guard !diff.diagnostics.isEmpty else { return output }
    output += diagnosticsHeading(diff) + "\n"
    for change in diff.diagnostics {
      let line = DiagnosticRenderer.headline(change.diagnostic, source: source(of: change, in: sources), style: style)
      output += "  \(change.status.rawValue): \(line)\n"
    }
    return output
  }

  public static func markdown(
    _ diff: NetworkDiff, old: Network, new: Network, sources: Sources = Sources(old: nil, new: nil)
  ) -> String {
    var output = "### \(heading(diff))\n\n"
    if !diff.layers.isEmpty {
      var table = TextTable(headers: headers, alignments: alignments)
      table.rows = rows(diff, old: old, new: new).map { Optional($0) }
      output += table.markdown() + "\n\n"
    }
    var totals = TextTable(headers: ["Total", "Old", "New", "Δ"], alignments: [.left, .right, .right, .right])
    totals.rows = totalRows(diff).map { Optional($0) }
    output += totals.markdown() + "\n"
    guard !diff.diagnostics.isEmpty else { return output }
    output += "\n" + diagnosticsHeading(diff) + "\n\n"
    for change in diff.diagnostics {
      let diagnostic = change.diagnostic
      let location = DiagnosticRenderer.location(diagnostic, source: source(of: change, in: sources))
      output +=
        "- **\(change.status.rawValue)** \(diagnostic.severity.rawValue) `\(diagnostic.code.rawValue)` at "
        + "`\(location.replacing("`", with: "'"))`: \(markdownText(diagnostic.message))\n"
    }
    return output
  }

  /// Text with Markdown's inline markup characters escaped, so a message prints as written.
  static func markdownText(_ text: String) -> String {
    var escaped = ""
    for character in text {
      if "\\`*_[]<>#|".contains(character) { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }

  /// `{"schema": "cnncalc-diff/1", "old", "new", "layers": […], "unchanged", "totals": {…}}`.
  public static func json(_ diff: NetworkDiff, sources: Sources = Sources(old: nil, new: nil)) -> JSONValue {
    func facts(_ layer: LayerFacts?) -> JSONValue {
      guard let layer else { return .null }
      return .object([
        ("op", .string(layer.op)), ("output_shape", .array(layer.output.shape.map(JSONValue.integer))),
        ("params", .integer(layer.params)), ("macs", .integer(layer.macs)),
        ("rf", JSONReport.field(layer.output.receptiveField)),
      ])
    }
    let layers: [JSONValue] = diff.layers.map { change in
      .object([
        ("name", .string(change.name)), ("change", .string(change.change.rawValue)),
        ("fields", .array(change.fields.map(JSONValue.string))), ("old", facts(change.old)), ("new", facts(change.new)),
      ])
    }
    let diagnostics: [JSONValue] = diff.diagnostics.map { change in
      guard
        case .object(let members) = DiagnosticRenderer.json(change.diagnostic, source: source(of: change, in: sources))
      else { return .null }
      return .object([("status", .string(change.status.rawValue))] + members)
    }
    let totals: [(String, JSONValue)] = diff.totals.map { change in
      var percent: JSONValue = .null
      if change.old != 0, let ratio = try? Rational(change.delta, 1) * Rational(100) / Rational(change.old) {
        percent = .raw(Grouping.decimal(ratio, places: 4))
      }
      return (
        change.name,
        .object([
          ("old", .integer(change.old)), ("new", .integer(change.new)), ("delta", .integer(change.delta)),
          ("percent", percent),
        ])
      )
    }
    return .object([
      ("schema", .string("cnncalc-diff/1")), ("old", .string(diff.oldName)), ("new", .string(diff.newName)),
      ("layers", .array(layers)), ("unchanged", .integer(diff.unchanged)), ("totals", .object(totals)),
      ("diagnostics", .array(diagnostics)),
    ])
  }
}
