import CNNCalc
import CNNGraph
import CNNReport

extension HTMLReport {
  /// The table's columns: header, whether the cells are numbers (right-aligned, sorted by value).
  static let columns: [(header: String, numeric: Bool)] = [
    ("#", true), ("Layer", false), ("Type", false), ("From", false), ("Output", false), ("Params", true),
    ("Param %", true), ("MACs", true), ("MAC %", true), ("Memory", true), ("RF", true), ("Jump", true),
    ("Start", true),
  ]

  /// One cell: its text and, for a number, the value it sorts by.
  struct Cell {
    var text: String
    var value: Double?

    init(_ text: String, _ value: Double? = nil) {
      self.text = text
      self.value = value
    }
  }

  /// The layer table: every input and every computed layer in execution order, exact figures
  /// (the text report's `--exact`), sortable by any column (the script; `#` restores the order).
  /// A row with diagnostics is marked and links to them.
  static func layerSection(_ analysis: Analysis, diagnostics: [Diagnostic]) -> String {
    var out = """
      <section id="layers" aria-labelledby="layers-heading">
      <h2 id="layers-heading">Layers</h2>
      <div class="table-scroll"><table class="layers">
      <thead><tr>
      """
    for (index, column) in columns.enumerated() {
      out += "<th scope=\"col\"\(column.numeric ? " class=\"num\"" : "")>"
      out += "<button type=\"button\" data-column=\"\(index)\">\(HTML.escaped(column.header))</button></th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    var marks: [String: [(index: Int, severity: Severity)]] = [:]
    for (index, diagnostic) in diagnostics.enumerated() {
      if let layer = diagnostic.layer { marks[layer, default: []].append((index, diagnostic.severity)) }
    }
    let totals = analysis.totalsComplete ? analysis.totals : nil
    for (position, input) in analysis.inputs.enumerated() {
      let bytes = SummaryReport.inputBytes(input, analysis)
      out += row(
        name: input.name, attributes: "data-input=\"\(position)\"", marks: marks[input.name] ?? [],
        cells: [
          Cell("", Double(position - analysis.inputs.count)), Cell(input.name), Cell("input"), Cell(""),
          Cell(ExtentText.of(input.shape)), Cell("", 0), Cell("", 0), Cell("", 0), Cell("", 0),
          bytes.map { Cell(Grouping.integer($0), Double($0)) } ?? Cell("beyond 2^63", .infinity),
        ] + fieldCells(input.receptiveField), depth: 0)
    }
    for layer in analysis.layers {
      let op = OperatorText.describe(analysis.network.layers[layer.index].op)
      let memory =
        layer.storage == .allocated
        ? Cell(Grouping.integer(layer.activationBytes), Double(layer.activationBytes))
        : Cell(layer.storage.rawValue, 0)
      out += row(
        name: layer.name, attributes: "data-index=\"\(layer.index)\"", marks: marks[layer.name] ?? [],
        cells: [
          Cell(String(layer.index + 1), Double(layer.index + 1)), Cell(layer.name), Cell(op),
          Cell(layer.inputs.joined(separator: ", ")), Cell(ExtentText.of(layer.output.shape)),
          count(layer.params), share(layer.params, of: totals?.params), count(layer.macs),
          share(layer.macs, of: totals?.macs), memory,
        ] + fieldCells(layer.output.receptiveField), depth: layer.depth)
    }
    out += "</tbody></table></div>\n"
    if let missing = SummaryReport.incompleteNote(analysis) {
      out += "<p class=\"incomplete\">Incomplete: \(HTML.escaped(missing))</p>\n"
    }
    return out + "</section>\n"
  }

  static func row(
    name: String, attributes: String, marks: [(index: Int, severity: Severity)], cells: [Cell], depth: Int
  ) -> String {
    let worst = marks.map(\.severity).max { DrawingGraph.rank($0) < DrawingGraph.rank($1) }
    let escaped = HTML.escaped(name)
    var out = "<tr id=\"layer-\(escaped)\" \(attributes)"
    out += worst.map { " class=\"\($0.rawValue)\"" } ?? ""
    out += ">"
    for (index, cell) in cells.enumerated() {
      // The script sorts a number by its text without the commas; data-sort only where that differs.
      let sort =
        cell.value.flatMap { value -> String? in
          let read = cell.text.isEmpty ? 0 : Double(cell.text.replacing(",", with: ""))
          guard read != value else { return nil }
          let text = value.isFinite ? (value == value.rounded() ? String(Int(value)) : String(value)) : "1e308"
          return " data-sort=\"\(text)\""
        } ?? ""
      if index == 1 {
        let indent = depth > 0 ? " style=\"padding-left:\(depth + 1)em\"" : ""
        out += "<th scope=\"row\"\(indent)><a href=\"\(HTML.layerLink(name))\">\(escaped)</a>"
        for mark in marks {
          out += " <a class=\"mark \(mark.severity.rawValue)\" href=\"#diagnostic-\(mark.index)\" "
          out += "title=\"\(mark.severity.rawValue)\" aria-label=\"\(mark.severity.rawValue)\">!</a>"
        }
        out += "</th>"
      } else {
        out += "<td\(sort)>\(HTML.escaped(cell.text))</td>"
      }
    }
    return out + "</tr>\n"
  }

  static func count(_ value: Int) -> Cell { Cell(value == 0 ? "" : Grouping.integer(value), Double(value)) }

  /// A share of a total; blank for nothing and when the totals were not computed.
  static func share(_ part: Int, of total: Int?) -> Cell {
    guard let total, part > 0, total > 0 else { return Cell("", 0) }
    // Sorted by the part itself: the same order as the share, exactly.
    return Cell(SummaryReport.percent(part, of: total), Double(part))
  }

  /// RF, jump and start, sorted by the largest axis; `whole` sorts above every size, an unknown
  /// or irregular field below.
  static func fieldCells(_ field: ReceptiveField) -> [Cell] {
    let texts = SummaryReport.fieldCells(field)
    switch field {
    case .regular(let regular) where !regular.size.isEmpty:
      return zip(texts, [regular.size, regular.jump, regular.start]).map { text, values in
        Cell(text, values.map(\.doubleValue).max())
      }
    case .whole: return [Cell(texts[0], .infinity), Cell("", -1), Cell("", -1)]
    default: return texts.map { Cell($0, -1) }
    }
  }

  /// Every diagnostic in the order the run found them, each linked to its layer (the script also
  /// selects the layer in the graph) and shown in full with its source line.
  static func diagnosticSection(_ diagnostics: [Diagnostic], source: SourceFile?) -> String {
    var out = "<section id=\"diagnostics\" aria-labelledby=\"diagnostics-heading\">\n"
    out += "<h2 id=\"diagnostics-heading\">Diagnostics</h2>\n"
    guard !diagnostics.isEmpty else { return out + "<p>None: no errors, warnings or notes.</p>\n</section>\n" }
    out += "<ol class=\"diagnostics\">\n"
    for (index, diagnostic) in diagnostics.enumerated() {
      let severity = diagnostic.severity.rawValue
      out += "<li id=\"diagnostic-\(index)\" class=\"diagnostic \(severity)\""
      out += diagnostic.layer.map { " data-layer=\"\(HTML.escaped($0))\"" } ?? ""
      out += "><p><span class=\"severity\">\(severity)</span>"
      if let layer = diagnostic.layer {
        out += " <a href=\"\(HTML.layerLink(layer))\">\(HTML.escaped(layer))</a>"
      }
      out += "</p><pre>\(HTML.escaped(DiagnosticRenderer.text(diagnostic, source: source)))</pre></li>\n"
    }
    return out + "</ol>\n</section>\n"
  }
}
