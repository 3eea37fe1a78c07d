import CNNCalc
import CNNGraph
import CNNReport

extension Charts {
  /// Receptive-field growth along the network (the chart of the lecture notes for VGG16): the field
  /// size per layer in execution order (the largest axis), a band down to the narrowest path's
  /// size where paths or phases make it differ, the jump as a dashed step line, the input extent
  /// as a reference line, and `whole` fields as hollow markers at the input extent. Layers whose
  /// field is irregular or unknown leave a gap. Labels mark the layers where the jump changes.
  public static func field(_ analysis: Analysis) -> String {
    let layers = analysis.layers
    let title = "\(analysis.network.name): receptive field size and jump per layer"
    var frame = Frame(width: Double(max(640, min(1600, 160 + 14 * layers.count))), height: 380)
    frame.width = frame.width.rounded()
    let inputExtent = Double(analysis.inputs.first.map { $0.shape.dropFirst().max() ?? 1 } ?? 1)
    struct Point {
      var size: Double
      var minimum: Double
      var jump: Double
    }
    var points: [Point?] = []
    var whole: [Int] = []
    for (index, layer) in layers.enumerated() {
      switch layer.output.receptiveField {
      case .regular(let field) where !field.size.isEmpty:
        points.append(
          Point(
            size: field.size.map(\.doubleValue).max() ?? 0, minimum: field.minSize.map(\.doubleValue).max() ?? 0,
            jump: field.jump.map(\.doubleValue).max() ?? 0))
      case .whole:
        points.append(nil)
        whole.append(index)
      default: points.append(nil)
      }
    }
    let values = points.compactMap { $0 }.flatMap { [$0.size, $0.minimum, $0.jump] } + [inputExtent]
    let axis = ChartAxis(covering: values, from: frame.plotBottom, to: frame.plotTop)
    var out = open(frame, title: title)
    out += valueAxis(axis, frame: frame, label: "input pixels") { Grouping.decimal(rational($0), places: 2) }
    let x = { (index: Int) in frame.x(index, of: layers.count) }
    // Runs of consecutive regular points, each drawn as its own line.
    var runs: [[Int]] = []
    for index in points.indices where points[index] != nil {
      if let last = runs.last?.last, last == index - 1 {
        runs[runs.count - 1].append(index)
      } else {
        runs.append([index])
      }
    }
    for run in runs {
      let band =
        run.map { (x($0), axis.position(points[$0]!.size)) }
        + run.reversed().map { (x($0), axis.position(points[$0]!.minimum)) }
      if run.contains(where: { points[$0]!.minimum != points[$0]!.size }) {
        out +=
          "<polygon class=\"band\" points=\"\(band.map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " "))\"/>\n"
      }
      var steps: [(Double, Double)] = []
      for index in run {
        let y = axis.position(points[index]!.jump)
        if let previous = steps.last { steps.append((x(index), previous.1)) }
        steps.append((x(index), y))
      }
      out += polyline(steps, className: "series-jump")
      out += polyline(run.map { (x($0), axis.position(points[$0]!.size)) }, className: "series-rf")
    }
    for (index, point) in points.enumerated() {
      guard let point else { continue }
      out +=
        "<circle class=\"dot\" data-layer=\"\(SVG.escaped(layers[index].name))\" cx=\"\(SVG.number(x(index)))\" cy=\"\(SVG.number(axis.position(point.size)))\" r=\"2.5\">"
      out +=
        "<title>\(SVG.escaped(layers[index].name)): r \(SVG.number(point.size)), jump \(SVG.number(point.jump))</title></circle>\n"
    }
    let reference = SVG.number(axis.position(inputExtent))
    out +=
      "<line class=\"reference\" x1=\"\(SVG.number(frame.plotLeft))\" x2=\"\(SVG.number(frame.plotRight))\" y1=\"\(reference)\" y2=\"\(reference)\"/>"
    out +=
      "<text class=\"legend\" x=\"\(SVG.number(frame.plotLeft + 6))\" y=\"\(reference)\" dy=\"-4\">input \(SVG.number(inputExtent))</text>\n"
    for index in whole {
      out +=
        "<circle class=\"whole\" cx=\"\(SVG.number(x(index)))\" cy=\"\(reference)\" r=\"4\"><title>\(SVG.escaped(layers[index].name)): whole</title></circle>\n"
    }
    if let first = whole.first {
      out +=
        "<text class=\"legend\" x=\"\(SVG.number(x(first)))\" y=\"\(reference)\" dy=\"16\" text-anchor=\"middle\">whole</text>\n"
    }
    // Label the layers where the jump changes (the downsampling steps), at most 24.
    var changes: [Int] = []
    var previousJump: Double?
    for (index, point) in points.enumerated() {
      guard let point else { continue }
      if point.jump != previousJump { changes.append(index) }
      previousJump = point.jump
    }
    out += layerLabels(layers.map(\.name), at: thinned(changes, limit: 24, count: layers.count), frame: frame)
    out += legend(
      frame: frame, entries: [("series-rf", "field size r"), ("series-jump", "jump j"), ("reference", "input extent")])
    return out + "</svg>\n"
  }

  /// A legend row under the title: a short line in each series' style and its name.
  static func legend(frame: Frame, entries: [(String, String)]) -> String {
    var out = "<g class=\"legend-row\">\n"
    var x = frame.plotLeft
    for (className, text) in entries {
      out += "<line class=\"\(className)\" x1=\"\(SVG.number(x))\" x2=\"\(SVG.number(x + 22))\" y1=\"40\" y2=\"40\"/>"
      out += "<text class=\"legend\" x=\"\(SVG.number(x + 28))\" y=\"44\">\(SVG.escaped(text))</text>\n"
      x += Double(text.count * 7 + 40)
    }
    return out + "</g>\n"
  }

  /// A tick value as an exact rational for printing (ticks are round numbers).
  static func rational(_ value: Double) -> Rational {
    (try? Rational(Int((value * 100).rounded()), 100)) ?? .zero
  }
}
