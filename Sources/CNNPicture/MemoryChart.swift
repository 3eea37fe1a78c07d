import CNNCalc
import CNNGraph
import CNNReport

extension Charts {
  /// Live activation bytes while each layer runs, in execution order (the curve whose maximum is
  /// the peak of the summary), the peak marked with its layer and size, and the forward total and
  /// parameter bytes beside it. Nil when the analysis has no memory figures.
  public static func memory(_ analysis: Analysis) -> String? {
    guard let live = analysis.liveActivationBytes, !live.isEmpty else { return nil }
    let layers = analysis.layers
    let totals = analysis.totals
    let title = "\(analysis.network.name): live activation memory per layer"
    let frame = Frame(width: Double(max(640, min(1600, 160 + 10 * layers.count))), height: 380)
    let axis = ChartAxis(
      covering: live.map(Double.init), from: frame.plotBottom, to: frame.plotTop, linear: true, binary: true)
    var out = open(frame, title: title)
    out += valueAxis(axis, frame: frame, label: "bytes live") { Humanize.bytes(Int($0)) }
    let points = live.enumerated().map { (frame.x($0, of: live.count), axis.position(Double($1))) }
    let area = [(points[0].0, frame.plotBottom)] + points + [(points[points.count - 1].0, frame.plotBottom)]
    out +=
      "<polygon class=\"area\" points=\"\(area.map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " "))\"/>\n"
    out += polyline(points, className: "series-memory")
    let peakIndex = live.indices.max { live[$0] < live[$1] } ?? 0
    let peak = points[peakIndex]
    let peakText = "peak \(Humanize.bytes(live[peakIndex])) at \(layers[peakIndex].name)"
    out +=
      "<circle class=\"peak\" cx=\"\(SVG.number(peak.0))\" cy=\"\(SVG.number(peak.1))\" r=\"4\"><title>\(SVG.escaped(peakText)) (\(Grouping.integer(live[peakIndex])) bytes)</title></circle>"
    let anchor = peak.0 > (frame.plotLeft + frame.plotRight) / 2 ? "end" : "start"
    out +=
      "<text class=\"legend\" x=\"\(SVG.number(peak.0 + (anchor == "end" ? -8 : 8)))\" y=\"\(SVG.number(peak.1))\" dy=\"4\" text-anchor=\"\(anchor)\">\(SVG.escaped(peakText))</text>\n"
    let summary =
      "forward total \(Humanize.bytes(totals.activationBytes)) · parameters \(Humanize.bytes(totals.paramBytes)) · "
      + "batch \(analysis.options.batch), \(analysis.options.dtype.rawValue)"
    out += "<text class=\"legend\" x=\"\(SVG.number(frame.plotLeft))\" y=\"44\">\(SVG.escaped(summary))</text>\n"
    // Label layers spread evenly along the axis, at most 16, and the peak's.
    var labelled = thinned(Array(layers.indices), limit: 16, count: layers.count)
    if !labelled.contains(peakIndex) { labelled = (labelled + [peakIndex]).sorted() }
    out += layerLabels(layers.map(\.name), at: labelled, frame: frame)
    return out + "</svg>\n"
  }
}
