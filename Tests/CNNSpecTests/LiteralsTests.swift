import CNNGraph
import CNNSpec
import Testing

@Suite struct LiteralsTests {
  @Test(arguments: [
    ("0", 0), ("224", 224), ("60_965_224", 60_965_224), ("9223372036854775807", Int.max),
  ])
  func integers(text: String, value: Int) {
    #expect(Literals.integer(Substring(text)) == value)
  }

  @Test(arguments: ["", "x", "12a", "9223372036854775808", "-1", "1.5"])
  func nonIntegers(text: String) {
    #expect(Literals.integer(Substring(text)) == nil)
  }

  @Test func dimensionsAndSides() {
    #expect(Literals.dimensions("3x224x224") == [3, 224, 224])
    #expect(Literals.dimensions("3x") == nil)
    let sides = Literals.sides("0:1x2")
    #expect(sides?.map(\.begin) == [0, 2])
    #expect(sides?.map(\.end) == [1, 2])
    #expect(Literals.sides("1:2:3") == nil)
  }

  /// Suffixes: decimal for counts, binary for KiB…, exact decimal fractions.
  @Test(arguments: [
    ("4.2G", 4_200_000_000, 1), ("25M", 25_000_000, 1), ("200MiB", 200 * 1_048_576, 1), ("1.5KiB", 1536, 1),
    ("0.5", 1, 2), ("15.47G", 15_470_000_000, 1), ("3KB", 3000, 1),
  ])
  func quantities(text: String, numerator: Int, denominator: Int) throws {
    #expect(Literals.quantity(Substring(text)) == (try Rational(numerator, denominator)))
  }

  @Test(arguments: ["4.2Q", "1..2", "M", ".5"])
  func badQuantities(text: String) {
    #expect(Literals.quantity(Substring(text)) == nil)
  }
}

@Suite struct RationalTests {
  @Test func arithmeticIsExactAndReduced() throws {
    let half = try Rational(1, 2)
    let third = try Rational(2, 6)
    #expect(third == (try Rational(1, 3)))
    #expect(try half + third == (try Rational(5, 6)))
    #expect(try half - third == (try Rational(1, 6)))
    #expect(try half * third == (try Rational(1, 6)))
    #expect(try half / third == (try Rational(3, 2)))
    #expect(try Rational(3, -6) == (try Rational(-1, 2)))
    #expect((try Rational(5, 1)).isInteger)
    #expect((try Rational(-7, 2)).description == "-7/2")
  }

  @Test func overflowThrowsInsteadOfTrapping() {
    #expect(throws: ArithmeticOverflow.self) { try Rational(Int.max) + Rational(1) }
    #expect(throws: ArithmeticOverflow.self) { try Rational(Int.max) * Rational(2) }
    #expect(throws: ArithmeticOverflow.self) { try -Rational(Int.min) }
    #expect(throws: ArithmeticOverflow.self) { try Checked.product([1 << 32, 1 << 32]) }
  }

  @Test func comparisonDoesNotOverflow() throws {
    let big = try Rational(Int.max, 3)
    let bigger = try Rational(Int.max, 2)
    #expect(big < bigger)
    #expect(try Rational(-1, 2) < Rational.zero)
  }

  /// Floor and ceiling division against Double for a whole small domain.
  @Test func floorAndCeilingDivision() {
    for a in -20...20 {
      for b in [-7, -3, -1, 1, 2, 5] {
        #expect(a.floorDivided(by: b) == Int((Double(a) / Double(b)).rounded(.down)))
        #expect(a.ceilDivided(by: b) == Int((Double(a) / Double(b)).rounded(.up)))
        #expect(a.floorModulo(b) == a - b * a.floorDivided(by: b))
      }
    }
  }
}
