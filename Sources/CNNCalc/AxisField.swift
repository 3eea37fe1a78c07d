import CNNGraph

/// A closed interval of network-input pixel indices, `low...high`.
public struct PixelSpan: Sendable, Equatable, Hashable {
  /// First pixel.
  public var low: Int
  /// Last pixel (≥ `low`).
  public var high: Int

  /// Creates `low...high`.
  public init(low: Int, high: Int) {
    self.low = low
    self.high = high
  }

  /// Pixels covered: high − low + 1.
  public var extent: Int { high &- low &+ 1 }

  /// The span moved by `offset` pixels.
  func shifted(by offset: Int) throws(ArithmeticOverflow) -> PixelSpan {
    PixelSpan(low: try Checked.add(low, offset), high: try Checked.add(high, offset))
  }

  /// The smallest span holding both.
  func hull(_ other: PixelSpan) -> PixelSpan { PixelSpan(low: min(low, other.low), high: max(high, other.high)) }
}

/// The receptive field along one spatial axis, exact for every unit.
///
/// Unit `o` of a tensor depends on a set of network-input pixels; its field is the smallest span
/// holding that set (what the gradient of the unit lights up, holes of dilated kernels included).
/// Every layer cnncalc knows maps its output units to input units periodically: shifting the output
/// by `period` units shifts the dependency set by a fixed number of input units. So the fields of a
/// tensor repeat too: unit `q·period + φ` has the field `spans[φ]` moved by `q·shift` pixels.
/// A strided convolution has period 1 (every unit looks alike); a transposed convolution or a
/// 2× upsampling has period 2 (even and odd units depend on different sets: their *phases*).
///
/// Spans are unclipped: a unit near the border whose window reaches into padding is given the
/// span it would have on an unbounded input (the convention of Araujo et al., Distill 2019), so
/// `low` may be negative. See docs/conventions.md, "Receptive fields".
public struct AxisField: Sendable, Equatable {
  /// Units per repetition of the pattern (≥ 1).
  public var period: Int
  /// Input pixels the pattern moves per period (≥ 1).
  public var shift: Int
  /// The field of unit φ for φ in 0..<period; nil where the unit depends on no input pixel.
  public var spans: [PixelSpan?]
  /// The field of unit φ along the narrowest path into the tensor (equal to `spans` on a chain).
  public var narrowest: [PixelSpan?]

  /// A network input: unit i is pixel i.
  public static let identity = AxisField(
    period: 1, shift: 1, spans: [PixelSpan(low: 0, high: 0)], narrowest: [PixelSpan(low: 0, high: 0)])

  /// The largest period cnncalc follows; longer patterns are reported as unknown.
  public static let maximumPeriod = 1 << 12

  /// Pixels between neighbouring units on average: shift / period.
  public var jump: Rational { (try? Rational(shift, period)) ?? .zero }

  /// The largest field over all units.
  public var size: Int { spans.compactMap { $0?.extent }.max() ?? 0 }

  /// The smallest field along the narrowest path over all units (0 when a unit depends on nothing).
  public var minSize: Int { narrowest.map { $0?.extent ?? 0 }.min() ?? 0 }

  /// The centre of unit 0's field; where unit 0 depends on nothing, the centre the first unit that
  /// does depend on input would have if moved back to unit 0 by the jump.
  public var start: Rational {
    guard let phase = spans.firstIndex(where: { $0 != nil }), let span = spans[phase] else { return .zero }
    let centre = (try? Rational(span.low, 1) + Rational(span.high, 1)).flatMap { try? $0 / Rational(2) } ?? .zero
    return (try? centre - (try Rational(phase) * jump)) ?? centre
  }

  /// Whether every unit's field is the same up to translation (period 1).
  public var isUniform: Bool { period == 1 }

  /// The field of unit `unit` (any integer: negative units are the positions before the tensor).
  public func span(of unit: Int) throws(ArithmeticOverflow) -> PixelSpan? {
    try Self.span(of: unit, in: spans, period: period, shift: shift)
  }

  static func span(of unit: Int, in spans: [PixelSpan?], period: Int, shift: Int) throws(ArithmeticOverflow)
    -> PixelSpan?
  {
    let phase = unit.floorModulo(period)
    let repeats = unit.floorDivided(by: period)
    return try spans[phase]?.shifted(by: try Checked.multiply(repeats, shift))
  }

  /// The same field described with a period `times` longer (for comparing with a longer pattern).
  func repeated(_ times: Int) throws(ArithmeticOverflow) -> AxisField {
    var result = AxisField(
      period: try Checked.multiply(period, times), shift: try Checked.multiply(shift, times), spans: [], narrowest: [])
    for unit in 0..<result.period {
      result.spans.append(try span(of: unit))
      result.narrowest.append(try Self.span(of: unit, in: narrowest, period: period, shift: shift))
    }
    return result
  }

  /// The same field with the shortest period that describes it.
  func reduced() -> AxisField {
    guard period > 1 else { return self }
    for candidate in 1..<period where period % candidate == 0 && (shift * candidate) % period == 0 {
      let step = shift * candidate / period
      let repeats = (0..<(period - candidate)).allSatisfy { phase in
        (try? spans[phase]?.shifted(by: step)) == spans[phase + candidate]
          && (try? narrowest[phase]?.shifted(by: step)) == narrowest[phase + candidate]
      }
      if repeats {
        return AxisField(
          period: candidate, shift: step, spans: Array(spans.prefix(candidate)),
          narrowest: Array(narrowest.prefix(candidate)))
      }
    }
    return self
  }
}

/// Why a field could not be followed through a layer; the field becomes unknown with this reason.
public struct FieldTooComplex: Error, Sendable, Equatable {
  /// A short explanation for reports.
  public var reason: String
}
