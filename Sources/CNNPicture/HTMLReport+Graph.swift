import CNNCalc
import CNNGraph
import CNNReport

extension HTMLReport {
  /// One way of drawing the network: the groups at `level` folded (nil: every layer drawn).
  struct View {
    var level: Int?
    var graph: DrawingGraph
    var label: String
  }

  /// The drawings the page can switch between, coarsest first: one per level of the network's
  /// groups and one of every layer, leaving out any that draws the same boxes as a finer one.
  static func views(_ analysis: Analysis) -> [View] {
    let levels = Set(LayerGroups(analysis.network).nodes.map(\.level)).sorted()
    var views: [View] = []
    for level in levels.map(Optional.some) + [nil] {
      let graph = DrawingGraph(analysis, foldingAt: level)
      let label =
        switch level {
        case 1: "top-level groups"
        case let level?: "groups at level \(level)"
        case nil: "every layer"
        }
      views.append(View(level: level, graph: graph, label: "\(label) · \(Grouping.integer(graph.nodes.count)) boxes"))
    }
    // A level that folds nothing more than the next finer one is the same drawing twice.
    return views.enumerated().filter { index, view in
      index == views.count - 1 || view.graph.nodes.map(\.name) != views[index + 1].graph.nodes.map(\.name)
    }.map(\.element)
  }

  /// Drawings of more boxes than this are left out of the page (a browser would crawl and nobody
  /// reads them); the page names them and the command that draws them. The coarsest drawing is
  /// always in.
  static let drawnBoxesAtMost = 2_500

  /// The graph section: a switch between the fold levels (when there is more than one), the
  /// drawings (all but the default hidden), and the details panel the script fills.
  static func graphSection(_ analysis: Analysis) -> String {
    let all = views(analysis)
    let drawn = { (index: Int) in index == 0 || all[index].graph.nodes.count <= drawnBoxesAtMost }
    let views = all.indices.filter(drawn).map { all[$0] }
    let left = all.indices.filter { !drawn($0) }.map { all[$0] }
    let preferred = DrawingGraph.defaultFoldLevel(analysis)
    // The default level, or the next finer drawing when it drew the same boxes.
    let shown =
      views.firstIndex { view in
        guard let preferred else { return view.level == nil }
        return view.level.map { $0 >= preferred } ?? true
      } ?? views.count - 1
    var out = """
      <section id="graph" aria-labelledby="graph-heading">
      <h2 id="graph-heading">Graph</h2>

      """
    if views.count > 1 {
      out += "<div class=\"fold\" role=\"group\" aria-label=\"Fold level\"><span>Show:</span>"
      for (index, view) in views.enumerated() {
        out += "<button type=\"button\" data-view=\"view-\(index)\" aria-pressed=\"\(index == shown)\">"
        out += "\(HTML.escaped(view.label))</button>"
      }
      out += "</div>\n"
    }
    if !left.isEmpty {
      let deepest = left.last?.level.map(String.init) ?? "64"
      out += "<p class=\"hint\">Not drawn here, over \(Grouping.integer(drawnBoxesAtMost)) boxes: "
      out += HTML.escaped(left.map(\.label).joined(separator: "; "))
      out +=
        ". <code>cnncalc graph SPEC --depth \(deepest) -o graph.svg</code> draws \(left.count == 1 ? "it" : "the finest")"
      out += " as its own picture; the table below lists every layer.</p>\n"
    }
    out += """
      <p class="hint">Click a box, or Tab to it and press Enter, for its numbers; a folded group \
      opens one level deeper with Expand.</p>
      <div class="graph-area">
      <div class="drawings">

      """
    for (index, view) in views.enumerated() {
      let layout = LayeredLayout(view.graph)
      out += "<figure class=\"drawing\" id=\"view-\(index)\"\(index == shown ? "" : " hidden")>"
      out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(SVG.number(layout.width)) "
      out += "\(SVG.number(layout.height))\" width=\"\(SVG.number(layout.width))\" "
      out += "height=\"\(SVG.number(layout.height))\" role=\"group\" "
      out += "aria-label=\"\(HTML.escaped("graph, \(view.label)"))\">\n"
      out += "<rect class=\"paper\" width=\"100%\" height=\"100%\"/>\n"
      out += GraphPicture.body(view.graph, layout: layout, idPrefix: nil)
      out += "</svg></figure>\n"
    }
    out += """
      </div>
      <aside id="details" aria-live="polite" aria-label="Selected layer">
      <p class="hint">No box selected.</p>
      </aside>
      </div>
      </section>

      """
    return out
  }
}
