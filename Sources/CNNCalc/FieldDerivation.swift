import CNNGraph

/// The receptive-field step of one layer in words and numbers (docs/conventions.md, "Receptive
/// fields"): the recurrence of Araujo, Norris & Sim (Distill 2019) with the numbers filled in where
/// it reproduces the calculator's field exactly (a window over units that all look alike), and the
/// rule in words with the calculator's figures everywhere else.
enum FieldDerivation {
  /// `placement`: the calculator's placement of a convolution's or pooling's window (nil for
  /// other layers); `names` are the inputs' names.
  static func lines(
    _ op: Operator, inputs: [TensorFacts], output: TensorFacts, placement: LayerCalculator.Placement?,
    layers names: [String]
  ) -> [String] {
    switch output.receptiveField {
    case .whole: return [wholeReason(op, inputs: inputs, names: names)]
    case .irregular: return [irregularReason(op, inputs: inputs)]
    case .unknown(let why): return ["not computed: \(why)"]
    case .regular(let field):
      if inputs.count > 1 { return merge(inputs: inputs, names: names, output: field) }
      guard case .regular(let input) = inputs.first?.receptiveField else { return [figuresLine(field)] }
      if let placement, input.axes.allSatisfy(\.isUniform),
        let steps = recurrence(
          placement, same: op.slidingWindow?.padding == .same, input: input, output: field,
          extents: Array(inputs[0].shape.dropFirst()))
      {
        return steps
      }
      return [rule(op)].compactMap { $0 } + [figuresLine(field)]
    }
  }

  /// `r = 5, j = 1, c = 0` per axis (`min r` where paths or phases make it differ, the period where
  /// the units' fields differ by phase).
  static func figuresLine(_ field: RegularField) -> String {
    Derivation.collapsed(
      field.axes.map { axis in
        var text = "r = \(axis.size), j = \(axis.jump), c = \(axis.start)"
        if axis.minSize != axis.size { text += ", min r = \(axis.minSize)" }
        if !axis.isUniform { text += " (period \(axis.period): neighbouring units' fields differ)" }
        return [text]
      }
    ).joined(separator: "; ")
  }

  /// The three recurrences per axis, or nil when they do not give the calculator's figures.
  static func recurrence(
    _ placement: LayerCalculator.Placement, same: Bool, input: RegularField, output: RegularField, extents: [Int]
  ) -> [String]? {
    var perAxis: [[String]] = []
    for axis in extents.indices {
      guard axis < input.axes.count, axis < output.axes.count, axis < placement.kernel.count else { return nil }
      let w = ShapeDerivation.AxisWindow(placement, axis: axis, input: extents[axis], same: same)
      let (a, b) = (input.axes[axis], output.axes[axis])
      guard b.isUniform, let size = try? Rational(a.size) + Rational(w.dilatedKernel - 1) * a.jump,
        let jump = try? a.jump * Rational(w.stride),
        let offset = try? Rational(w.dilatedKernel - 1, 2) - Rational(w.before),
        let start = try? a.start + offset * a.jump,
        size == Rational(b.size), jump == b.jump, start == b.start
      else { return nil }
      let d = w.dilation == 1 ? "" : "·d"
      let dValue = w.dilation == 1 ? "" : "·\(w.dilation)"
      perAxis.append([
        "r = r′ + (k − 1)\(d)·j′ = \(a.size) + (\(w.kernel) − 1)\(dValue)·\(a.jump) = \(b.size)",
        "j = j′·s = \(a.jump)·\(w.stride) = \(b.jump)",
        "c = c′ + ((k − 1)\(d)/2 − b)·j′ = \(a.start) + ((\(w.kernel) − 1)\(dValue)/2 − \(w.before))·\(a.jump) = \(b.start)",
      ])
    }
    return Derivation.collapsed(perAxis)
  }

  /// The hull rule of merges, with each path's figures and the result.
  static func merge(inputs: [TensorFacts], names: [String], output: RegularField) -> [String] {
    var lines = ["each unit's field is the hull of the paths' fields for that unit; min r follows the narrowest path"]
    for (input, name) in zip(inputs, names) {
      switch input.receptiveField {
      case .regular(let field): lines.append("  \(name): \(figuresLine(field))")
      case .whole: lines.append("  \(name): whole")
      case .irregular: lines.append("  \(name): irregular")
      case .unknown: lines.append("  \(name): not computed")
      }
    }
    lines.append("→ \(figuresLine(output))")
    return lines
  }

  /// Which input units an output unit reads, for the layers whose field is not the plain recurrence.
  static func rule(_ op: Operator) -> String? {
    switch op {
    case .transposedConvolution:
      return
        "unit o reads every input i with i·s − b + t·d = o for some t < k: a pattern of s phases, moving j′/s per unit"
    case .upsample(let upsample):
      return upsample.mode == .nearest
        ? "unit o reads input ⌊o·i/o_n⌋ (nearest): a pattern of phases, moving j′·i/o_n per unit"
        : "unit o reads ⌊x⌋ and ⌊x⌋ + 1 at x = (o + ½)·i/o_n − ½ (bilinear; only ⌊x⌋ when x is whole)"
    case .adaptivePooling: return "unit o reads ⌊o·i/o_n⌋ … ⌈(o + 1)·i/o_n⌉ − 1 (adaptive windows)"
    case .pad: return "unit o reads input o − b: the field moves by the padding before"
    case .crop: return "unit o reads input o + b: the field moves by the amount cropped before"
    case .pixelShuffle: return "unit o reads ⌊o/r⌋, as nearest upsampling by r"
    case .pixelUnshuffle: return "unit o reads o·r … o·r + r − 1, a window with k = s = r"
    case .convolution, .pooling:
      return "a window over units whose fields differ by phase: each phase's span grows by the window"
    default: return "each unit reads its own input unit: the field is unchanged"
    }
  }

  static func wholeReason(_ op: Operator, inputs: [TensorFacts], names: [String]) -> String {
    let suffix = "every unit depends on every pixel its input depends on: whole"
    if let index = inputs.firstIndex(where: { $0.receptiveField == .whole }) {
      return inputs.count > 1
        ? "the path from \(names[index]) is whole, so the merge is: \(suffix)"
        : "the input's field is whole, and so is this one's"
    }
    switch op {
    case .globalPooling: return "global pooling: \(suffix)"
    case .fullyConnected: return "fully connected: \(suffix)"
    case .layerNorm, .groupNorm, .instanceNorm: return "the normalisation's statistics read the whole map: \(suffix)"
    default: return "one unit per axis whose window reaches the first and the last input position: \(suffix)"
    }
  }

  static func irregularReason(_ op: Operator, inputs: [TensorFacts]) -> String {
    if inputs.contains(where: { $0.receptiveField == .irregular }) {
      return "the input's field is irregular, and so is this one's"
    }
    switch op {
    case .flatten, .reshape, .fullyConnected:
      return "elements move between axes: no size, jump and start describe the units (irregular)"
    default: return "the paths move at different jumps: no size, jump and start describe the units (irregular)"
    }
  }
}

extension Operator {
  /// The sliding window of a convolution or pooling layer (not a transposed convolution).
  var slidingWindow: Window? {
    switch self {
    case .convolution(let conv): conv.window
    case .pooling(let pooling): pooling.window
    default: nil
    }
  }

  /// Whether it is a ceil-mode pooling layer.
  var isCeilModePooling: Bool {
    if case .pooling(let pooling) = self { pooling.ceilMode } else { false }
  }
}
