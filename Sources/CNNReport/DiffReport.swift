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
      return [
        change.name, what, layerSummary(change.old, network: old), layerSummary(change.new, network: new),
        countDelta(\.params), countDelta(\.macs),
      ]
    }
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

  public static func text(_ diff: NetworkDiff, old: Network, new: Network, style: Style) -> String {
    var output = heading(diff) + "\n"
    if !diff.layers.isEmpty {
      var table = TextTable(headers: headers, alignments: alignments)
      table.rows = rows(diff, old: old, new: new).map { Optional($0) }
      output += table.render(box: style.boxDrawing) + "\n"
    }
    var totals = TextTable(headers: ["Total", "Old", "New", "Δ"], alignments: [.left, .right, .right, .right])
    totals.rows = totalRows(diff).map { Optional($0) }
    return output + totals.render(box: style.boxDrawing) + "\n"
  }

  public static func markdown(_ diff: NetworkDiff, old: Network, new: Network) -> String {
    var output = "### \(heading(diff))\n\n"
    if !diff.layers.isEmpty {
      var table = TextTable(headers: headers, alignments: alignments)
      table.rows = rows(diff, old: old, new: new).map { Optional($0) }
      output += table.markdown() + "\n\n"
    }
    var totals = TextTable(headers: ["Total", "Old", "New", "Δ"], alignments: [.left, .right, .right, .right])
    totals.rows = totalRows(diff).map { Optional($0) }
    return output + totals.markdown() + "\n"
  }

  /// `{"schema": "cnncalc-diff/1", "old", "new", "layers": […], "unchanged", "totals": {…}}`.
  public static func json(_ diff: NetworkDiff) -> JSONValue {
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
    ])
  }
}
