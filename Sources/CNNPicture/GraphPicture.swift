import CNNGraph

/// The network drawn as an SVG graph (`cnncalc graph --format svg`) and as Graphviz DOT.
public enum GraphPicture {
  /// A standalone SVG: one focusable `<g class="node">` per box (name, operator, shape as real
  /// text), one `<path class="edge">` per arrow, colours from `prefers-color-scheme`.
  public static func svg(_ graph: DrawingGraph, layout: LayeredLayout, title: String) -> String {
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(SVG.number(layout.width)) \(SVG.number(layout.height))" \
      width="\(SVG.number(layout.width))" height="\(SVG.number(layout.height))" role="img" \
      aria-label="\(SVG.escaped(title))">
      <title>\(SVG.escaped(title))</title>
      <style>\(SVG.style)</style>
      \(arrowMarker)
      <rect class="paper" width="100%" height="100%"/>

      """
    out += body(graph, layout: layout, idPrefix: "node-")
    return out + "</svg>\n"
  }

  /// The arrow head the edges end with (`url(#arrow)`), defined once per document.
  static let arrowMarker = """
    <defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="8" markerHeight="8" \
    orient="auto-start-reverse"><path class="arrow" d="M0,0L8,4L0,8z"/></marker></defs>
    """

  /// The edges and boxes without the `<svg>` wrapper (the HTML report embeds several drawings,
  /// each with its own `idPrefix` so that ids stay unique). A folded group's box carries the
  /// layers it stands for: `data-first` (index in the network) and `data-count`.
  /// `idPrefix` nil leaves the boxes without ids.
  static func body(_ graph: DrawingGraph, layout: LayeredLayout, idPrefix: String?) -> String {
    var out = "<g class=\"edges\">\n"
    for route in layout.routes {
      let path = route.points.enumerated().map { index, point in
        "\(index == 0 ? "M" : "L")\(SVG.number(point.x)),\(SVG.number(point.y))"
      }.joined()
      let from = SVG.escaped(graph.nodes[route.edge.from].name)
      let to = SVG.escaped(graph.nodes[route.edge.to].name)
      out += "<path class=\"edge\" data-from=\"\(from)\" data-to=\"\(to)\" d=\"\(path)\" marker-end=\"url(#arrow)\"/>\n"
    }
    out += "</g>\n<g class=\"nodes\">\n"
    for (node, box) in zip(graph.nodes, layout.boxes) {
      var classes = ["node"]
      var members = ""
      switch node.kind {
      case .input: classes.append("input")
      case .group(let count):
        classes.append("group")
        members = " data-first=\"\(node.layers.lowerBound)\" data-count=\"\(count)\""
      case .layer: break
      }
      if let severity = node.severity { classes.append(severity.rawValue) }
      let centre = SVG.number(box.x + box.width / 2)
      let name = SVG.escaped(node.name)
      out += """
        <g class="\(classes.joined(separator: " "))"\(idPrefix.map { " id=\"\($0)\(name)\"" } ?? "") data-layer="\(name)"\(members) tabindex="0">\
        <title>\(name): \(SVG.escaped(node.operation)) → \(SVG.escaped(node.shape))</title>\
        <rect x="\(SVG.number(box.x))" y="\(SVG.number(box.y))" width="\(SVG.number(box.width))" \
        height="\(SVG.number(box.height))" rx="4"/>\
        <text x="\(centre)" y="\(SVG.number(box.y + 15))" class="name">\(name)</text>\
        <text x="\(centre)" y="\(SVG.number(box.y + 30))" class="op">\(SVG.escaped(node.operation))</text>\
        <text x="\(centre)" y="\(SVG.number(box.y + 45))" class="shape">\(SVG.escaped(node.shape))</text>\
        </g>

        """
    }
    return out + "</g>\n"
  }

  /// Graphviz DOT: one box per node with its three lines, one arrow per edge, top to bottom.
  public static func dot(_ graph: DrawingGraph, title: String) -> String {
    func quoted(_ text: String) -> String {
      "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n") + "\""
    }
    var lines = [
      "digraph \(quoted(title)) {", "  rankdir=TB;",
      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f6f8fa\", fontname=\"monospace\", fontsize=10];",
    ]
    for (index, node) in graph.nodes.enumerated() {
      var attributes = ["label=\(quoted("\(node.name)\n\(node.operation)\n\(node.shape)"))"]
      switch node.kind {
      case .input: attributes.append("fillcolor=\"#fff8c5\"")
      case .group: attributes.append("fillcolor=\"#ddf4ff\"")
      case .layer: break
      }
      switch node.severity {
      case .error: attributes.append("color=\"#cf222e\", penwidth=2")
      case .warning: attributes.append("color=\"#bf8700\", penwidth=2")
      default: break
      }
      lines.append("  n\(index) [\(attributes.joined(separator: ", "))];")
    }
    for edge in graph.edges { lines.append("  n\(edge.from) -> n\(edge.to);") }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }
}
