/// One argument of a layer after reading: the typed value a parameter declaration describes.
/// Reading (spec text, JSON), writing (JSON export) and display all go through these values.
public enum OperatorArgument: Sendable, Equatable {
  /// A whole number (channel counts, group counts, window sizes).
  case integer(Int)
  /// One value for every spatial axis or one per axis (`3`, `3x5`).
  case axes(AxisValues)
  /// Spatial padding (`1`, `1x2`, `0:1`, `same`).
  case padding(Padding)
  /// An exact decimal (`0.001`, `-1`).
  case decimal(Rational)
  /// An on/off switch (`bias=off`).
  case boolean(Bool)
  /// A bare word that is present or absent (`ceil`, `shared`).
  case flag(Bool)
  /// One word of a fixed set (`mode=bilinear`).
  case word(String)

  /// The value as the spec language writes it after `name=`.
  public var specText: String {
    switch self {
    case .integer(let value): String(value)
    case .axes(let values): ExtentText.of(values.values)
    case .padding(let padding): padding.specText
    case .decimal(let value):
      // A fraction with no finite decimal (0.1 · 1/17) is written as exact arithmetic: `1.0/170`.
      value.hasFiniteDecimal ? value.exactDecimal : "\(value.numerator).0/\(value.denominator)"
    case .boolean(let on): on ? "on" : "off"
    case .flag(let on): on ? "on" : "off"
    case .word(let word): word
    }
  }
}

extension Padding {
  /// `1`, `1x2`, `0:1x1:0`, `same` or `valid`.
  public var specText: String {
    switch self {
    case .same: "same"
    case .valid: "valid"
    case .explicit(let begin, let end):
      begin == end ? ExtentText.of(begin.values) : ExtentText.sides(begin: begin, end: end)
    }
  }

  /// Whether no axis is padded on either side.
  public var isZero: Bool {
    if case .explicit(let begin, let end) = self { return (begin.values + end.values).allSatisfy { $0 == 0 } }
    return self == .valid
  }
}

extension Rational {
  /// The exact decimal (`0.01`) when one with at most 18 places exists, else `p/q`. Values read
  /// from specs always have one.
  /// Whether the value has a decimal of at most 18 places (its denominator divides 10^18).
  public var hasFiniteDecimal: Bool { 1_000_000_000_000_000_000 % denominator == 0 }

  public var exactDecimal: String {
    if isInteger { return String(numerator) }
    var scale = 1
    for places in 1...18 {
      scale *= 10
      if scale % denominator == 0 { return Grouping.decimal(self, places: places) }
    }
    return description
  }
}
