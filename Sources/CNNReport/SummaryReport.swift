import CNNCalc
import CNNGraph
import Foundation

/// The per-layer summary in each output format. Facts come from `Analysis`; this type only turns
/// them into text.
public enum SummaryReport {
  /// Presentation choices.
  public struct Options: Sendable {
    /// Exact integers instead of humanised figures.
    public var exact: Bool
    /// Box drawing and colour.
    public var style: Style
    /// The columns to show; nil for every column (fitted to `width` when one is given).
    public var columns: [SummaryColumn]?
    /// Fit the drawn table into this many characters (the terminal's width); nil keeps it whole.
    public var width: Int?
    /// Fold groups nested deeper than this into one row each (0: the network as one row); nil
    /// shows every layer.
    public var depth: Int?

    /// Creates options.
    public init(
      exact: Bool = false, style: Style = .plain, columns: [SummaryColumn]? = nil, width: Int? = nil, depth: Int? = nil
    ) {
      self.exact = exact
      self.style = style
      self.columns = columns
      self.width = width
      self.depth = depth
    }
  }

  /// The cells of one row per input and layer (or folded group, under `depth`), by column.
  static func rows(_ analysis: Analysis, exact: Bool, depth: Int? = nil) -> [[SummaryColumn: String]] {
    SummaryRows(analysis: analysis, exact: exact).rows(depth: depth)
  }

  /// Bytes of a network input: batch × elements × dtype size; nil beyond the 64-bit range.
  package static func inputBytes(_ input: TensorFacts, _ analysis: Analysis) -> Int? {
    try? Checked.product(input.shape + [analysis.options.batch, analysis.options.dtype.size])
  }

  package static func fieldCells(_ field: ReceptiveField) -> [String] {
    switch field {
    case .whole: return ["whole", "", ""]
    case .irregular: return ["irregular", "", ""]
    case .unknown: return ["n/a", "", ""]
    case .regular(let regular):
      if regular.size.isEmpty { return ["", "", ""] }
      return [ExtentText.of(regular.size), ExtentText.of(regular.jump), ExtentText.of(regular.start)]
    }
  }

  /// The field's size, jump and start as decimals (six places at most, exact when they end), for
  /// spreadsheets, which read `3/2` as a date; empty where the field has no numbers.
  static func decimalFieldCells(_ field: ReceptiveField) -> [String] {
    guard case .regular(let regular) = field, !regular.size.isEmpty else { return ["", "", ""] }
    func text(_ values: [Rational]) -> String {
      if let first = values.first, values.allSatisfy({ $0 == first }) { return Grouping.decimal(first, places: 6) }
      return values.map { Grouping.decimal($0, places: 6) }.joined(separator: "x")
    }
    return [text(regular.size), text(regular.jump), text(regular.start)]
  }

  /// The aligned table followed by the totals, and a line naming the columns hidden to fit.
  public static func table(_ analysis: Analysis, options: Options = Options()) -> String {
    var (table, columns) = layerTable(analysis, options: options)
    var hiddenNote = ""
    if let width = options.width, options.columns == nil {
      let fit = table.fitted(
        width: width, dropOrder: SummaryColumn.dropOrder.compactMap { columns.firstIndex(of: $0) },
        shortenable: SummaryColumn.shortenable.compactMap { columns.firstIndex(of: $0) },
        lastResort: SummaryColumn.lastResort.compactMap { columns.firstIndex(of: $0) },
        softLimits: columns.firstIndex(of: .from).map { [$0: 28] } ?? [:])
      table = fit.table
      if !fit.hidden.isEmpty {
        hiddenNote =
          "(\(fit.hidden.joined(separator: ", ")) hidden to fit \(width) columns; --columns all shows every column)\n"
      }
    }
    return title(analysis) + "\n" + table.render(box: options.style.boxDrawing) + "\n" + hiddenNote
      + totals(analysis, exact: options.exact)
  }

  /// The rows of the table and Markdown forms, with the columns asked for or, by default, every
  /// column but From where no row reads other than the row above (a chain has no connections).
  static func layerTable(_ analysis: Analysis, options: Options) -> (TextTable, [SummaryColumn]) {
    let rows = rows(analysis, exact: options.exact, depth: options.depth)
    let connected = rows.contains { !($0[.from] ?? "").isEmpty }
    let columns = options.columns ?? SummaryColumn.allCases.filter { $0 != .from || connected }
    var table = TextTable(headers: columns.map(\.header), alignments: columns.map(\.alignment))
    table.rows = rows.map { cells in columns.map { cells[$0] ?? "" } }
    return (table, columns)
  }

  /// `part` of `total` in percent with one decimal (`61.9%`), `<0.1%` below that.
  package static func percent(_ part: Int, of total: Int) -> String {
    let value = Double(part) / Double(total) * 100
    return value < 0.05 ? "<0.1%" : String(format: "%.1f%%", value)
  }

  /// A Markdown table and totals list, ready for a pull request or a README.
  public static func markdown(_ analysis: Analysis, options: Options = Options()) -> String {
    let (table, _) = layerTable(analysis, options: options)
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
        "storage", "rf_size", "rf_jump", "rf_start", "rf_size_decimal", "rf_jump_decimal", "rf_start_decimal",
      ]
    ]
    for input in analysis.inputs {
      rows.append(
        [
          input.name, "0", "input", "", ExtentText.of([analysis.options.batch] + input.shape), "0", "0", "0", "0",
          inputBytes(input, analysis).map { String($0) } ?? "",
          Storage.allocated.rawValue,
        ] + fieldCells(input.receptiveField) + decimalFieldCells(input.receptiveField))
    }
    for layer in analysis.layers {
      rows.append(
        [
          layer.name, String(layer.depth), OperatorText.describe(analysis.network.layers[layer.index].op),
          layer.inputs.joined(separator: " "), ExtentText.of([analysis.options.batch] + layer.output.shape),
          String(layer.params), String(layer.buffers), String(layer.macs), String(layer.otherOps),
          String(layer.activationBytes), layer.storage.rawValue,
        ] + fieldCells(layer.output.receptiveField) + decimalFieldCells(layer.output.receptiveField))
    }
    if let missing = incompleteNote(analysis) {
      rows.append(["# incomplete: \(missing)"] + Array(repeating: "", count: rows[0].count - 1))
    }
    return TextTable.csv(rows)
  }

  package static func title(_ analysis: Analysis) -> String {
    let inputs = analysis.inputs.map { "\($0.name) \(ExtentText.of($0.shape))" }.joined(separator: ", ")
    return "\(analysis.network.name) — \(inputs), batch \(analysis.options.batch), \(analysis.options.dtype.rawValue)"
  }

  /// Label and value of each total, exact figure first and a short form after it.
  package static func totalItems(_ analysis: Analysis) -> [(String, String)] {
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
    ] + heaviest(analysis)
  }

  /// How many of the heaviest layers the totals name.
  static let heaviestCount = 3

  /// The layers with the most MACs and the most parameters, with their shares of the totals
  /// (none for a network of few layers, where the table says it all).
  static func heaviest(_ analysis: Analysis) -> [(String, String)] {
    guard analysis.layers.count > heaviestCount else { return [] }
    func top(_ value: (LayerFacts) -> Int, total: Int) -> String? {
      let ranked = analysis.layers.filter { value($0) > 0 }
        .sorted { (value($0), $1.index) > (value($1), $0.index) }.prefix(heaviestCount)
      guard total > 0, !ranked.isEmpty else { return nil }
      return ranked.map { "\($0.name) \(Humanize.count(value($0))) (\(percent(value($0), of: total)))" }
        .joined(separator: ", ")
    }
    var items: [(String, String)] = []
    if let macs = top(\.macs, total: analysis.totals.macs) { items.append(("top MACs", macs)) }
    if let params = top(\.params, total: analysis.totals.params) { items.append(("top params", params)) }
    return items
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
