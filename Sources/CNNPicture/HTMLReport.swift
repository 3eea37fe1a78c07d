import CNNCalc
import CNNGraph
import CNNReport

/// `cnncalc report`: one self-contained HTML page (inline CSS, SVG and a little plain JavaScript;
/// nothing fetched) with the network's graph at every fold level, the three charts, the sortable
/// layer table and the diagnostics, each linked to its layer. Without JavaScript everything but
/// the fold switch, sorting and the details panel still reads; printed, every section shows.
public enum HTMLReport {
  /// The page for `analysis`; `diagnostics` are every diagnostic of the run (front end included),
  /// `source` the file they point into.
  public static func document(_ analysis: Analysis, diagnostics: [Diagnostic], source: SourceFile?) -> String {
    let name = analysis.network.name
    var out = """
      <!doctype html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="cnncalc">
      <title>\(HTML.escaped(name)) — cnncalc report</title>
      <style>\(SVG.style)
      \(HTMLPage.style)</style>
      </head>
      <body>
      <svg class="defs" aria-hidden="true" width="0" height="0">\(GraphPicture.arrowMarker)</svg>

      """
    out += header(analysis, diagnostics: diagnostics)
    out += "<main>\n"
    out += graphSection(analysis)
    out += chartSections(analysis)
    out += layerSection(analysis, diagnostics: diagnostics)
    out += diagnosticSection(diagnostics, source: source)
    out += "</main>\n<script>\n\(HTMLPage.script)</script>\n</body>\n</html>\n"
    return out
  }

  /// The title, the totals (or why there are none) and the links to the sections.
  static func header(_ analysis: Analysis, diagnostics: [Diagnostic]) -> String {
    var out = "<header>\n<h1>\(HTML.escaped(analysis.network.name))</h1>\n"
    out += "<p class=\"subtitle\">\(HTML.escaped(SummaryReport.title(analysis)))</p>\n"
    if let missing = SummaryReport.incompleteNote(analysis) {
      out += "<p class=\"incomplete\">Totals not computed: \(HTML.escaped(missing))</p>\n"
    } else {
      out += "<dl class=\"totals\">\n"
      for (label, value) in SummaryReport.totalItems(analysis) {
        out += "<div><dt>\(HTML.escaped(label))</dt><dd>\(HTML.escaped(value))</dd></div>\n"
      }
      out += "</dl>\n"
    }
    let tally = DiagnosticRenderer.tally(diagnostics).map { " (\($0))" } ?? ""
    out += """
      <nav aria-label="Sections"><a href="#graph">Graph</a> <a href="#field">Receptive field</a> \
      <a href="#memory">Memory</a> <a href="#cost">Cost</a> <a href="#layers">Layers</a> \
      <a href="#diagnostics">Diagnostics\(HTML.escaped(tally))</a></nav>
      </header>

      """
    return out
  }

  /// The three charts, each in its own section; a chart whose figures were not computed says why.
  static func chartSections(_ analysis: Analysis) -> String {
    let missing = SummaryReport.incompleteNote(analysis).map {
      "<p class=\"incomplete\">Not computed: \(HTML.escaped($0))</p>\n"
    }
    let sections: [(id: String, heading: String, svg: String?)] = [
      ("field", "Receptive field", Charts.field(analysis)),
      ("memory", "Memory over time", Charts.memory(analysis)),
      ("cost", "Where the cost is", analysis.totalsComplete ? Charts.cost(analysis) : nil),
    ]
    var out = ""
    for section in sections {
      out += "<section id=\"\(section.id)\" aria-labelledby=\"\(section.id)-heading\">\n"
      out += "<h2 id=\"\(section.id)-heading\">\(section.heading)</h2>\n"
      if let svg = section.svg {
        out += "<div class=\"chart\">" + inline(svg) + "</div>\n"
      } else {
        out += missing ?? "<p class=\"incomplete\">Not computed.</p>\n"
      }
      out += "</section>\n"
    }
    return out
  }

  /// A standalone SVG made ready to inline: the page's style sheet already holds its style.
  static func inline(_ svg: String) -> String {
    svg.replacing("<style>\(SVG.style)</style>\n", with: "")
  }
}

/// Escaping for HTML text and attributes.
enum HTML {
  /// `text` safe inside an element or a double-quoted attribute.
  static func escaped(_ text: String) -> String { XMLText.escaped(text) }

  /// The fragment that links to the table row of layer `name` (`#layer-conv1`), percent-encoded
  /// where the name holds characters a URL fragment may not.
  static func layerLink(_ name: String) -> String {
    var out = "#layer-"
    for byte in name.utf8 {
      let scalar = Unicode.Scalar(byte)
      if byte < 0x80,
        scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar))
          || "-._~/:".unicodeScalars.contains(scalar)
      {
        out.unicodeScalars.append(scalar)
      } else {
        out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
      }
    }
    return out
  }
}
