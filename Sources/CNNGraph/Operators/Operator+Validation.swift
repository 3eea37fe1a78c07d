extension Operator {
  /// The first argument outside what its declaration allows (a zero stride, a negative pad, a
  /// drop rate of 1, an empty slice, a size beyond `SizeLimits`), as a message naming it; nil when
  /// every argument is valid. Front ends that build operators directly from a model file (ONNX,
  /// Caffe) ask this, so that they accept exactly what the spec language accepts.
  public var argumentProblem: (code: DiagnosticCode, message: String)? {
    let declaration = kind.declaration
    for (name, value) in arguments {
      guard let parameter = declaration.parameter(name) else { continue }
      let values: [Int]
      var minimum = 0
      switch (parameter.type, value) {
      case (.integer(let least), .integer(let number)):
        (values, minimum) = ([number], least)
      case (.axes(let least), .axes(let axes)):
        (values, minimum) = (axes.values, least)
      case (.extents, .axes(let axes)):
        (values, minimum) = (axes.values, 1)
      case (.padding, .padding(.explicit(let begin, let end))):
        values = begin.values + end.values
      default:
        continue
      }
      if let bad = values.first(where: { $0 < minimum }) {
        return (
          minimum > 0 ? .nonpositiveSize : .badArgument,
          "\(parameter.what) must be at least \(minimum), found \(bad)"
        )
      }
      if let huge = values.first(where: { $0 > SizeLimits.maximumValue }) {
        return (
          .tooLarge, "\(parameter.what) \(huge) is beyond \(SizeLimits.maximumText), the largest size cnncalc accepts"
        )
      }
    }
    switch self {
    case .dropout(let rate), .stochasticDepth(let rate):
      if rate < .zero || rate >= Rational(1) {
        return (.badArgument, "a drop rate must be at least 0 and below 1, found \(rate.exactDecimal)")
      }
    case .slice(let start, let end) where start >= end:
      return (.badArgument, "a channel slice needs start < end; \(start) ..< \(end) is empty")
    default:
      break
    }
    return nil
  }
}
