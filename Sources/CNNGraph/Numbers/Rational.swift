/// An exact fraction `numerator / denominator` in lowest terms with a positive denominator.
///
/// Receptive-field jumps and starts are rationals: transposed convolutions and upsampling divide
/// the jump by their factor. Arithmetic is exact; results that do not fit in 64 bits throw.
public struct Rational: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let numerator: Int
  public let denominator: Int

  /// The integer `value`.
  public init(_ value: Int) {
    numerator = value
    denominator = 1
  }

  /// `numerator / denominator` reduced; the denominator must not be 0.
  public init(_ numerator: Int, _ denominator: Int) throws(ArithmeticOverflow) {
    precondition(denominator != 0, "Rational with zero denominator")
    let divisor = Self.gcd(numerator.magnitude, denominator.magnitude)
    var n = numerator / Int(bitPattern: divisor)
    var d = denominator / Int(bitPattern: divisor)
    if d < 0 {
      guard n != Int.min, d != Int.min else { throw ArithmeticOverflow() }
      n = -n
      d = -d
    }
    self.numerator = n
    self.denominator = d
  }

  public static let zero = Rational(0)

  /// The nearest double (for the reference engine's constants).
  public var doubleValue: Double { Double(numerator) / Double(denominator) }
  public static let one = Rational(1)

  /// Whether the value is an integer.
  public var isInteger: Bool { denominator == 1 }

  /// `"p/q"`, or `"p"` when whole.
  public var description: String { isInteger ? "\(numerator)" : "\(numerator)/\(denominator)" }

  private static func gcd(_ a: UInt, _ b: UInt) -> UInt {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return max(a, 1)
  }

  public static func + (lhs: Rational, rhs: Rational) throws(ArithmeticOverflow) -> Rational {
    let g = Int(bitPattern: gcd(lhs.denominator.magnitude, rhs.denominator.magnitude))
    let left = try Checked.multiply(lhs.numerator, rhs.denominator / g)
    let right = try Checked.multiply(rhs.numerator, lhs.denominator / g)
    return try Rational(try Checked.add(left, right), try Checked.multiply(lhs.denominator / g, rhs.denominator))
  }

  public static prefix func - (value: Rational) throws(ArithmeticOverflow) -> Rational {
    guard value.numerator != Int.min else { throw ArithmeticOverflow() }
    return try Rational(-value.numerator, value.denominator)
  }

  public static func - (lhs: Rational, rhs: Rational) throws(ArithmeticOverflow) -> Rational {
    try lhs + (try -rhs)
  }

  public static func * (lhs: Rational, rhs: Rational) throws(ArithmeticOverflow) -> Rational {
    let a = try Rational(lhs.numerator, rhs.denominator)
    let b = try Rational(rhs.numerator, lhs.denominator)
    return try Rational(
      try Checked.multiply(a.numerator, b.numerator), try Checked.multiply(a.denominator, b.denominator))
  }

  /// `lhs / rhs`; `rhs` must not be zero.
  public static func / (lhs: Rational, rhs: Rational) throws(ArithmeticOverflow) -> Rational {
    precondition(rhs.numerator != 0, "Rational division by zero")
    return try lhs * (try Rational(rhs.denominator, rhs.numerator))
  }

  public static func < (lhs: Rational, rhs: Rational) -> Bool {
    // Compare a/b < c/d as a·d < c·b in 128-bit arithmetic, which cannot overflow.
    let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
    let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
    return (left.high, left.low) < (right.high, right.low)
  }
}
