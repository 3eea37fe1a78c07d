import CNNCalc
import CNNGraph
import CNNReport

extension Charts {
  /// Live activation bytes while each layer runs, in execution order (the curve whose maximum is
  /// the peak of the summary), the peak marked with its layer and size and the tensors live at
  /// that moment (largest first, each tick on the axis where it was made), and the forward total
  /// and parameter bytes beside it. Nil when the analysis has no memory figures.
  public static func memory(_ analysis: Analysis) -> String? {
    guard let live = analysis.liveActivationBytes, !live.isEmpty else { return nil }
    let layers = analysis.layers
    let totals = analysis.totals
    let title = "\(analysis.network.name): live activation memory per layer"
    var frame = Frame(width: Double(max(640, min(1600, 160 + 10 * layers.count))), height: 392)
    frame.top = 72
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
    out += "<text class=\"legend\" x=\"\(SVG.number(frame.plotLeft))\" y=\"42\">\(SVG.escaped(summary))</text>\n"
    out += liveAtPeak(analysis, step: peakIndex, frame: frame)
    // Label layers spread evenly along the axis, at most 16, and the peak's.
    var labelled = thinned(Array(layers.indices), limit: 16, count: layers.count)
    if !labelled.contains(peakIndex) {
      // The peak's label replaces any label too close to it to read.
      let peakX = frame.x(peakIndex, of: layers.count)
      labelled = (labelled.filter { abs(frame.x($0, of: layers.count) - peakX) >= 16 } + [peakIndex]).sorted()
    }
    out += layerLabels(layers.map(\.name), at: labelled, frame: frame)
    return out + "</svg>\n"
  }

  /// How many of the tensors live at the peak are named; the rest are counted.
  static let namedAtPeak = 5

  /// The line naming the tensors live at the peak, and a tick under the axis where each was made.
  static func liveAtPeak(_ analysis: Analysis, step: Int, frame: Frame) -> String {
    let live = analysis.buffersLive(atStep: step)
    var parts = live.prefix(namedAtPeak).map {
      "\(analysis.network.name(of: $0.tensor)) \(Humanize.bytes($0.bytes))"
    }
    if live.count > namedAtPeak {
      let rest = live.dropFirst(namedAtPeak).reduce(0) { $0 &+ $1.bytes }
      parts.append("\(live.count - namedAtPeak) more \(Humanize.bytes(rest))")
    }
    var out = "<g class=\"live-at-peak\">"
    out += "<text class=\"legend\" x=\"\(SVG.number(frame.plotLeft))\" y=\"58\">"
    out += "\(SVG.escaped("live at the peak: " + parts.joined(separator: " · ")))</text>"
    let x = SVG.number(frame.x(step, of: analysis.layers.count))
    out += "<line class=\"reference\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(SVG.number(frame.plotTop))\" "
    out += "y2=\"\(SVG.number(frame.plotBottom))\"/>"
    for buffer in live {
      // The step that made the buffer (an input's: 0, before the first layer).
      let tick = SVG.number(frame.x(buffer.steps.lowerBound, of: analysis.layers.count))
      out += "<line class=\"live-tick\" x1=\"\(tick)\" x2=\"\(tick)\" y1=\"\(SVG.number(frame.plotBottom))\" "
      out +=
        "y2=\"\(SVG.number(frame.plotBottom + 6))\"><title>\(SVG.escaped(analysis.network.name(of: buffer.tensor))): "
      out += "\(Grouping.integer(buffer.bytes)) bytes, live at the peak</title></line>"
    }
    return out + "</g>\n"
  }
}
