import CNNCalc
import CNNGraph
import CNNReport

/// The charts of `cnncalc chart`: receptive-field growth, memory over time, and where the cost is.
/// Each is a standalone SVG with real text; the same drawing code feeds the HTML report.
public enum Charts {
  /// Plot geometry shared by the line charts.
  struct Frame {
    var width: Double
    var height: Double
    let left = 92.0
    let right = 24.0
    var top = 60.0
    let bottom = 110.0

    var plotLeft: Double { left }
    var plotRight: Double { width - right }
    var plotTop: Double { top }
    var plotBottom: Double { height - bottom }

    /// The x position of item `index` of `count`, spread across the plot.
    func x(_ index: Int, of count: Int) -> Double {
      count <= 1 ? (plotLeft + plotRight) / 2 : plotLeft + (plotRight - plotLeft) * Double(index) / Double(count - 1)
    }
  }

  static func open(_ frame: Frame, title: String) -> String {
    """
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(SVG.number(frame.width)) \(SVG.number(frame.height))" \
    width="\(SVG.number(frame.width))" height="\(SVG.number(frame.height))" role="img" aria-label="\(SVG.escaped(title))">
    <title>\(SVG.escaped(title))</title>
    <style>\(SVG.style)</style>
    <rect class="paper" width="100%" height="100%"/>
    <text class="title" x="\(SVG.number(frame.left))" y="24">\(SVG.escaped(title))</text>

    """
  }

  /// The y axis with its ticks and grid lines; `format` writes a tick value.
  static func valueAxis(_ axis: ChartAxis, frame: Frame, label: String, format: (Double) -> String) -> String {
    var out = "<g class=\"y-axis\">\n"
    for tick in axis.ticks {
      let y = SVG.number(axis.position(tick))
      out +=
        "<line class=\"grid\" x1=\"\(SVG.number(frame.plotLeft))\" x2=\"\(SVG.number(frame.plotRight))\" y1=\"\(y)\" y2=\"\(y)\"/>"
      out +=
        "<text class=\"label\" x=\"\(SVG.number(frame.plotLeft - 6))\" y=\"\(y)\" dy=\"4\" text-anchor=\"end\">\(SVG.escaped(format(tick)))</text>\n"
    }
    out += "<line class=\"axis\" x1=\"\(SVG.number(frame.plotLeft))\" x2=\"\(SVG.number(frame.plotLeft))\" "
    out += "y1=\"\(SVG.number(frame.plotTop))\" y2=\"\(SVG.number(frame.plotBottom))\"/>"
    out += "<line class=\"axis\" x1=\"\(SVG.number(frame.plotLeft))\" x2=\"\(SVG.number(frame.plotRight))\" "
    out += "y1=\"\(SVG.number(frame.plotBottom))\" y2=\"\(SVG.number(frame.plotBottom))\"/>\n"
    out +=
      "<text class=\"label\" transform=\"translate(14 \(SVG.number((frame.plotTop + frame.plotBottom) / 2))) rotate(-90)\" "
    out += "text-anchor=\"middle\">\(SVG.escaped(label + (axis.logarithmic ? " (log scale)" : "")))</text>\n"
    return out + "</g>\n"
  }

  /// Layer names under the x axis, rotated, at the given item indices.
  static func layerLabels(_ names: [String], at indices: [Int], frame: Frame) -> String {
    var out = "<g class=\"x-labels\">\n"
    for index in indices {
      let x = SVG.number(frame.x(index, of: names.count))
      let y = SVG.number(frame.plotBottom + 12)
      out +=
        "<text class=\"label\" transform=\"translate(\(x) \(y)) rotate(-40)\" text-anchor=\"end\">\(SVG.escaped(names[index]))</text>\n"
    }
    return out + "</g>\n"
  }

  static func polyline(_ points: [(Double, Double)], className: String) -> String {
    guard !points.isEmpty else { return "" }
    let text = points.map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " ")
    return "<polyline class=\"\(className)\" points=\"\(text)\"/>\n"
  }

  /// At most `limit` indices from `preferred` (kept in order, spread evenly), plus the last item.
  static func thinned(_ preferred: [Int], limit: Int, count: Int) -> [Int] {
    guard count > 0 else { return [] }
    var chosen = preferred
    if chosen.count > limit {
      let step = Double(chosen.count) / Double(limit)
      chosen = (0..<limit).map { chosen[Int(Double($0) * step)] }
    }
    if chosen.last != count - 1 { chosen.append(count - 1) }
    return chosen
  }
}
