import CNNCalc
import CNNGraph

/// The per-layer summary in each output format. Facts come from `Analysis`; this type only turns
/// them into text.
public enum SummaryReport {
  /// Presentation choices.
  public struct Options: Sendable {
    /// Exact integers instead of humanised figures.
    public var exact: Bool
    /// Box drawing and colour.
    public var style: Style

    /// Creates options.
    public init(exact: Bool = false, style: Style = .plain) {
      self.exact = exact
      self.style = style
    }
  }

  static let headers = ["Layer", "Type", "Output", "Params", "MACs", "Memory", "RF", "Jump", "Start"]
  static let alignments: [TextTable.Alignment] = [.left, .left, .left, .right, .right, .right, .right, .right, .right]

  /// The cells of one row per input and layer.
  static func rows(_ analysis: Analysis, exact: Bool) -> [[String]] {
    func count(_ value: Int) -> String { exact ? Grouping.integer(value) : Humanize.count(value) }
    func bytes(_ value: Int) -> String { exact ? Grouping.integer(value) : Humanize.bytes(value) }
    var rows: [[String]] = []
    for input in analysis.inputs {
      let size = inputBytes(input, analysis).map(bytes) ?? "beyond 2^63"
      rows.append(
        [input.name, "input", ExtentText.of(input.shape), "", "", size] + fieldCells(input.receptiveField))
    }
    for layer in analysis.layers {
      let indent = String(repeating: "  ", count: layer.depth)
      let op = analysis.network.layers[layer.index].op
      let memory = layer.storage == .allocated ? bytes(layer.activationBytes) : layer.storage.rawValue
      rows.append(
        [
          indent + layer.name, OperatorText.describe(op), ExtentText.of(layer.output.shape),
          layer.params == 0 ? "" : count(layer.params), layer.macs == 0 ? "" : count(layer.macs), memory,
        ]
          + fieldCells(layer.output.receptiveField))
    }
    return rows
  }

  /// Bytes of a network input: batch × elements × dtype size; nil beyond the 64-bit range.
  static func inputBytes(_ input: TensorFacts, _ analysis: Analysis) -> Int? {
    try? Checked.product(input.shape + [analysis.options.batch, analysis.options.dtype.size])
  }

  static func fieldCells(_ field: ReceptiveField) -> [String] {
    switch field {
    case .whole: return ["whole", "", ""]
    case .irregular: return ["irregular", "", ""]
    case .unknown: return ["n/a", "", ""]
    case .regular(let regular):
      if regular.size.isEmpty { return ["", "", ""] }
      return [ExtentText.of(regular.size), ExtentText.of(regular.jump), ExtentText.of(regular.start)]
    }
  }

  /// The aligned table followed by the totals.
  public static func table(_ analysis: Analysis, options: Options = Options()) -> String {
    var table = TextTable(headers: headers, alignments: alignments)
    table.rows = rows(analysis, exact: options.exact).map { Optional($0) }
    return title(analysis) + "\n" + table.render(box: options.style.boxDrawing) + "\n"
      + totals(analysis, exact: options.exact)
  }

  /// A Markdown table and totals list, ready for a pull request or a README.
  public static func markdown(_ analysis: Analysis, options: Options = Options()) -> String {
    var table = TextTable(headers: headers, alignments: alignments)
    table.rows = rows(analysis, exact: options.exact).map { Optional($0) }
    if let missing = incompleteNote(analysis) {
      return "### \(title(analysis))\n\n" + table.markdown() + "\n\n**Totals not computed**: \(missing)\n"
    }
    let totalLines = totalItems(analysis).map { "- **\($0.0)**: \($0.1)" }
    return "### \(title(analysis))\n\n" + table.markdown() + "\n\n" + totalLines.joined(separator: "\n") + "\n"
  }

  /// Why the totals are missing, or nil when they were computed. Reports print this instead of
  /// any total: a partial sum or a zero would read as a fact.
  public static func incompleteNote(_ analysis: Analysis) -> String? {
    guard !analysis.totalsComplete else { return nil }
    let unevaluated = analysis.diagnostics.filter { $0.code == .expectNotEvaluated }.count
    let expectText =
      unevaluated == 0 ? "" : "; \(unevaluated) expect line\(unevaluated == 1 ? " was" : "s were") not evaluated"
    guard let stopped = analysis.stoppedAt else {
      return "the network's totals exceed the 64-bit integer range\(expectText)"
    }
    return "the analysis stopped at \(stopped) (\(analysis.layers.count) of \(analysis.network.layers.count) "
      + "layers computed)\(expectText)"
  }

  /// One CSV row per input and layer, exact figures, with header.
  public static func csv(_ analysis: Analysis) -> String {
    var rows = [
      [
        "name", "depth", "op", "inputs", "output_shape", "params", "buffers", "macs", "other_ops", "activation_bytes",
        "storage", "rf_size", "rf_jump", "rf_start",
      ]
    ]
    for input in analysis.inputs {
      rows.append(
        [
          input.name, "0", "input", "", ExtentText.of([analysis.options.batch] + input.shape), "0", "0", "0", "0",
          inputBytes(input, analysis).map { String($0) } ?? "",
          Storage.allocated.rawValue,
        ] + fieldCells(input.receptiveField))
    }
    for layer in analysis.layers {
      rows.append(
        [
          layer.name, String(layer.depth), OperatorText.describe(analysis.network.layers[layer.index].op),
          layer.inputs.joined(separator: " "), ExtentText.of([analysis.options.batch] + layer.output.shape),
          String(layer.params), String(layer.buffers), String(layer.macs), String(layer.otherOps),
          String(layer.activationBytes), layer.storage.rawValue,
        ] + fieldCells(layer.output.receptiveField))
    }
    if let missing = incompleteNote(analysis) {
      rows.append(["# incomplete: \(missing)"] + Array(repeating: "", count: rows[0].count - 1))
    }
    return TextTable.csv(rows)
  }

  static func title(_ analysis: Analysis) -> String {
    let inputs = analysis.inputs.map { "\($0.name) \(ExtentText.of($0.shape))" }.joined(separator: ", ")
    return "\(analysis.network.name) — \(inputs), batch \(analysis.options.batch), \(analysis.options.dtype.rawValue)"
  }

  /// Label and value of each total, exact figure first and a short form after it.
  static func totalItems(_ analysis: Analysis) -> [(String, String)] {
    let t = analysis.totals
    func both(_ value: Int, _ short: (Int) -> String) -> String {
      let humane = short(value)
      return humane == String(value) ? Grouping.integer(value) : "\(Grouping.integer(value)) (\(humane))"
    }
    return [
      ("params", both(t.params, Humanize.count) + (t.buffers > 0 ? ", buffers \(Grouping.integer(t.buffers))" : "")),
      ("MACs", both(t.macs, Humanize.count) + ", FLOPs \(both(t.flops, Humanize.count))"),
      ("other ops", both(t.otherOps, Humanize.count)),
      (
        "activations",
        "forward total \(both(t.activationBytes, Humanize.bytes)), peak \(both(t.peakActivationBytes, Humanize.bytes))"
      ),
      ("param bytes", both(t.paramBytes, Humanize.bytes)),
      ("training (Adam)", both(t.trainingBytes, Humanize.bytes)),
    ]
  }

  static func totals(_ analysis: Analysis, exact: Bool) -> String {
    if let missing = incompleteNote(analysis) { return "Totals not computed: \(missing)\n" }
    let items = totalItems(analysis)
    let width = items.map(\.0.count).max() ?? 0
    return "Totals\n"
      + items.map { "  " + $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }
      .joined(separator: "\n") + "\n"
  }
}
