import CNNSpec

/// Short descriptions of layers in the spec's own notation (`conv k11 s4`, `maxpool k3 s2 ceil`).
public enum OperatorText {
  /// The layer's keyword with its main hyper-parameters.
  public static func describe(_ op: Operator) -> String {
    switch op {
    case .convolution(let conv), .transposedConvolution(let conv):
      var parts = [op.keyword] + window(conv.window)
      if let groups = conv.groups, groups > 1 { parts.append("g\(groups)") }
      if conv.isDepthwise, conv.depthMultiplier > 1 { parts.append("mult=\(conv.depthMultiplier)") }
      if conv.outputPadding != .all(0) { parts.append("op=\(axes(conv.outputPadding))") }
      if !conv.bias { parts.append("bias=off") }
      return parts.joined(separator: " ")
    case .pooling(let pool):
      return ([op.keyword] + window(pool.window) + (pool.ceilMode ? ["ceil"] : [])).joined(separator: " ")
    case .adaptivePooling(_, let size): return "\(op.keyword) \(axes(size))"
    case .fullyConnected(_, let bias): return bias ? "fc" : "fc bias=off"
    case .reshape(let shape): return "reshape \(ExtentText.of(shape))"
    case .batchNorm(let affine): return affine ? "bn" : "bn affine=off"
    case .localResponseNorm(let size): return "lrn \(size)"
    case .activation(.leakyRelu(let slope)): return "leakyrelu \(slope)"
    case .activation(.prelu(let shared)): return shared ? "prelu shared" : "prelu"
    case .channelShuffle(let groups): return "shuffle \(groups)"
    case .upsample(let upsample):
      switch upsample.target {
      case .scale(let values): return "upsample \(upsample.mode.rawValue) ×\(axes(values))"
      case .size(let values): return "upsample \(upsample.mode.rawValue) \(axes(values))"
      }
    case .pad(let padding), .crop(let padding): return "\(op.keyword) \(self.padding(padding) ?? "p0")"
    default: return op.keyword
    }
  }

  private static func axes(_ values: AxisValues) -> String { ExtentText.of(values.values) }

  private static func window(_ window: Window) -> [String] {
    var parts = ["k\(axes(window.kernel))"]
    if window.stride != .all(1) { parts.append("s\(axes(window.stride))") }
    if let padding = padding(window.padding) { parts.append(padding) }
    if window.dilation != .all(1) { parts.append("d\(axes(window.dilation))") }
    return parts
  }

  private static func padding(_ padding: Padding) -> String? {
    switch padding {
    case .same: return "p=same"
    case .valid: return "p=valid"
    case .explicit(let begin, let end):
      if begin == end { return begin.values.allSatisfy { $0 == 0 } ? nil : "p\(axes(begin))" }
      return "p=" + ExtentText.sides(begin: begin, end: end)
    }
  }
}
