import CNNGraph

/// The output-extent arithmetic of one layer in words and numbers (docs/conventions.md, "Shapes").
enum ShapeDerivation {
  /// One sliding window along one axis, with its padding resolved.
  struct AxisWindow {
    var input: Int
    var kernel: Int
    var stride: Int
    var dilation: Int
    var before: Int
    var after: Int
    /// TensorFlow `same`: the padding was derived from the output extent.
    var same: Bool

    /// d·(k − 1) + 1.
    var dilatedKernel: Int { dilation * (kernel - 1) + 1 }

    /// Axis `axis` of a transposed convolution's window (explicit padding only, as the calculator
    /// requires), over an input with spatial extents `extents`.
    static func transposed(_ window: Window, axis: Int, extents: [Int]) -> AxisWindow? {
      let rank = extents.count
      guard let k = window.kernel.resolved(rank: rank), let s = window.stride.resolved(rank: rank),
        let d = window.dilation.resolved(rank: rank), case .explicit(let begin, let end) = window.padding,
        let b = begin.resolved(rank: rank), let e = end.resolved(rank: rank)
      else { return nil }
      return AxisWindow(
        input: extents[axis], kernel: k[axis], stride: s[axis], dilation: d[axis], before: b[axis], after: e[axis],
        same: false)
    }

    /// `224 + 1 + 1 − 3`: the padded input less the dilated kernel, zero paddings left out.
    var spanText: String {
      var text = "\(input)"
      if before != 0 { text += " + \(before)" }
      if after != 0 { text += " + \(after)" }
      return text + " − \(dilatedKernel)"
    }

    /// `dk = 2·(3 − 1) + 1 = 5`, when the kernel is dilated.
    var dilationLine: String? {
      dilation == 1 ? nil : "dk = d·(k − 1) + 1 = \(dilation)·(\(kernel) − 1) + 1 = \(dilatedKernel)"
    }
  }

  /// `placement`: the calculator's placement of a convolution's or pooling's window (nil for
  /// other layers).
  static func lines(
    _ op: Operator, inputs: [TensorFacts], output: TensorFacts, placement: LayerCalculator.Placement?
  ) -> [String] {
    guard let input = inputs.first else { return [] }
    let extents = Array(input.shape.dropFirst())
    let outputExtents = Array(output.shape.dropFirst())
    func perAxis(_ line: (Int) -> [String]) -> [String] {
      Derivation.collapsed(extents.indices.map(line))
    }
    let same = op.slidingWindow?.padding == .same
    let windows = { (placement: LayerCalculator.Placement) in
      perAxis {
        windowLines(
          placement, axis: $0, input: extents[$0], same: same, ceil: op.isCeilModePooling, output: outputExtents[$0])
      }
    }
    switch op {
    case .convolution(let conv):
      return [channels(conv, input: input, output: output)] + (placement.map(windows) ?? [])
    case .pooling:
      return placement.map(windows) ?? []
    case .transposedConvolution(let conv):
      return [channels(conv, input: input, output: output)]
        + perAxis { axis in
          guard let w = AxisWindow.transposed(conv.window, axis: axis, extents: extents) else { return [] }
          let extra = conv.outputPadding.resolved(rank: extents.count)?[axis] ?? 0
          return [w.dilationLine].compactMap { $0 } + [
            "(i − 1)·s − b − e + dk + output_padding = (\(w.input) − 1)·\(w.stride) − \(w.before) − \(w.after) + "
              + "\(w.dilatedKernel) + \(extra) = \(outputExtents[axis])"
          ]
        }
    case .globalPooling: return ["one unit per channel: \(ExtentText.of(output.shape))"]
    case .adaptivePooling:
      return perAxis {
        [
          "the given size \(outputExtents[$0]); window j spans [⌊j·\(extents[$0])/\(outputExtents[$0])⌋, ⌈(j + 1)·\(extents[$0])/\(outputExtents[$0])⌉)"
        ]
      }
    case .upsample(let upsample):
      return perAxis { axis in
        switch upsample.target {
        case .scale(let scale):
          let factor = scale.resolved(rank: extents.count)?[axis] ?? 0
          return ["i·scale = \(extents[axis])·\(factor) = \(outputExtents[axis])"]
        case .size: return ["the given size \(outputExtents[axis]) (from \(extents[axis]))"]
        }
      }
    case .pad(let padding), .crop(let padding):
      let sign = op == .pad(padding) ? "+" : "−"
      return perAxis { axis in
        guard case .explicit(let b, let e) = padding, let before = b.resolved(rank: extents.count)?[axis],
          let after = e.resolved(rank: extents.count)?[axis]
        else { return ["\(extents[axis]) → \(outputExtents[axis])"] }
        return ["\(extents[axis]) \(sign) \(before) \(sign) \(after) = \(outputExtents[axis])"]
      }
    case .pixelShuffle(let r):
      return ["channels \(input.shape[0])/\(r)² = \(output.shape[0])"]
        + perAxis { ["\(extents[$0])·\(r) = \(outputExtents[$0])"] }
    case .pixelUnshuffle(let r):
      return ["channels \(input.shape[0])·\(r)² = \(output.shape[0])"]
        + perAxis { ["\(extents[$0])/\(r) = \(outputExtents[$0])"] }
    case .fullyConnected(let outputs, _):
      return [
        "\(outputs) features from the \(Grouping.integer(input.elements)) inputs (\(ExtentText.of(input.shape)) flattened)"
      ]
    case .flatten:
      return ["\(input.shape.map(String.init).joined(separator: "·")) = \(Grouping.integer(input.elements)) features"]
    case .reshape:
      return [
        "\(ExtentText.of(input.shape)) → \(ExtentText.of(output.shape)), the same \(Grouping.integer(input.elements)) elements"
      ]
    case .concat:
      return [
        "channels " + inputs.map { "\($0.shape.first ?? 0)" }.joined(separator: " + ")
          + " = \(output.shape.first ?? 0); the spatial extents agree"
      ]
    case .add, .mul:
      return [
        "the inputs' shape, \(ExtentText.of(output.shape))"
          + (inputs.contains { $0.shape != output.shape } ? " (a 1x1 map broadcasts)" : "")
      ]
    case .slice(let start, let end): return ["channels \(start) ..< \(end): \(end - start)"]
    case .opaque: return ["declared: \(ExtentText.of(output.shape))"]
    default: return ["unchanged: \(ExtentText.of(output.shape))"]
    }
  }

  /// `64 output channels` or `groups`/`depthwise` wording, one line.
  static func channels(_ conv: Convolution, input: TensorFacts, output: TensorFacts) -> String {
    let outputs = output.shape.first ?? 0
    if conv.isDepthwise { return "depthwise: \(input.shape[0]) channels × \(conv.depthMultiplier) = \(outputs)" }
    let noun = outputs == 1 ? "output channel" : "output channels"
    if let groups = conv.groups, groups > 1 { return "\(outputs) \(noun) in \(groups) groups" }
    return "\(outputs) \(noun)"
  }

  /// The extent arithmetic of a window along one axis: floor, ceil or `same`, and what the
  /// calculator found the windows leave out there (its truncation and ceil-mode findings).
  static func windowLines(
    _ placement: LayerCalculator.Placement, axis: Int, input: Int, same: Bool, ceil: Bool, output out: Int
  ) -> [String] {
    let w = AxisWindow(placement, axis: axis, input: input, same: same)
    var lines = [w.dilationLine].compactMap { $0 }
    if w.same {
      lines.append(
        "same: ⌈\(w.input)/\(w.stride)⌉ = \(out); padding max((\(out) − 1)·\(w.stride) + \(w.dilatedKernel) − \(w.input), 0) "
          + "= \(w.before + w.after): \(w.before) before, \(w.after) after")
      return lines
    }
    let span = w.input + w.before + w.after - w.dilatedKernel
    guard w.stride > 1 else {
      lines.append("\(w.spanText) + 1 = \(out)")
      return lines
    }
    let quotient = (try? Rational(span, w.stride)) ?? .zero
    if quotient.isInteger {
      lines.append("(\(w.spanText))/\(w.stride) + 1 = \(quotient) + 1 = \(out)")
      return lines
    }
    let decimal = Grouping.decimal(quotient, places: 4)
    if ceil {
      let dropsLast = placement.findings.contains(.ceilWindowDropped(axis: axis))
      var line = "⌈(\(w.spanText))/\(w.stride)⌉ + 1 = ⌈\(decimal)⌉ + 1 = \(dropsLast ? out + 1 : out)"
      if dropsLast { line += "; its last window would start in the end padding, so \(out)" }
      lines.append(line)
      return lines
    }
    lines.append("⌊(\(w.spanText))/\(w.stride)⌋ + 1 = ⌊\(decimal)⌋ + 1 = \(out)")
    for case .truncation(axis, let dropped, _, _, _, _) in placement.findings {
      let unused = span % w.stride
      let fits =
        w.stride <= w.dilatedKernel
        ? "; an input of \(w.input - unused) or \(w.input + w.stride - unused) would fit" : ""
      lines.append(
        "\(span) mod \(w.stride) = \(unused): no window reaches the last "
          + "\(dropped == 1 ? "input element" : "\(dropped) input elements")\(fits)")
    }
    return lines
  }
}

extension ShapeDerivation.AxisWindow {
  /// Axis `axis` of a convolution's or pooling's window as the calculator placed it over its
  /// input (`same` padding resolved).
  init(_ placement: LayerCalculator.Placement, axis: Int, input: Int, same: Bool) {
    self.init(
      input: input, kernel: placement.kernel[axis], stride: placement.stride[axis],
      dilation: placement.dilation[axis], before: placement.before[axis], after: placement.after[axis], same: same)
  }
}
