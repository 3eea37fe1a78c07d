/// Thrown when an integer result does not fit in 64 bits; callers turn it into an `overflow`
/// diagnostic at the line that caused it.
public struct ArithmeticOverflow: Error, Sendable, Equatable {
  public init() {}
}

/// Integer arithmetic that reports overflow instead of trapping.
public enum Checked {
  /// `a + b`, or `ArithmeticOverflow`.
  public static func add(_ a: Int, _ b: Int) throws(ArithmeticOverflow) -> Int {
    let (value, overflow) = a.addingReportingOverflow(b)
    if overflow { throw ArithmeticOverflow() }
    return value
  }

  /// `a − b`, or `ArithmeticOverflow`.
  public static func subtract(_ a: Int, _ b: Int) throws(ArithmeticOverflow) -> Int {
    let (value, overflow) = a.subtractingReportingOverflow(b)
    if overflow { throw ArithmeticOverflow() }
    return value
  }

  /// `a × b`, or `ArithmeticOverflow`.
  public static func multiply(_ a: Int, _ b: Int) throws(ArithmeticOverflow) -> Int {
    let (value, overflow) = a.multipliedReportingOverflow(by: b)
    if overflow { throw ArithmeticOverflow() }
    return value
  }

  /// The product of all values (1 for none), or `ArithmeticOverflow`.
  public static func product(_ values: [Int]) throws(ArithmeticOverflow) -> Int {
    var result = 1
    for value in values { result = try multiply(result, value) }
    return result
  }

  /// The sum of all values (0 for none), or `ArithmeticOverflow`.
  public static func sum(_ values: [Int]) throws(ArithmeticOverflow) -> Int {
    var result = 0
    for value in values { result = try add(result, value) }
    return result
  }
}

extension Int {
  /// The greatest common divisor of |a| and |b|, and 1 when both are 0 (so it can always divide).
  public static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a.magnitude, b.magnitude)
    while b != 0 { (a, b) = (b, a % b) }
    return Int(clamping: Swift.max(a, 1))
  }

  /// Floor division (rounds toward −∞, as Python's `//`); `divisor` must not be 0.
  public func floorDivided(by divisor: Int) -> Int {
    let quotient = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }

  /// Ceiling division (rounds toward +∞); `divisor` must not be 0.
  public func ceilDivided(by divisor: Int) -> Int {
    -((-self).floorDivided(by: divisor))
  }

  /// The remainder that goes with `floorDivided(by:)`: it has the divisor's sign.
  public func floorModulo(_ divisor: Int) -> Int {
    self - floorDivided(by: divisor) * divisor
  }
}
