/// Number formatting shared by messages: digit grouping with commas, exact rationals.
public enum Grouping {
  /// `60965224` → `60,965,224`.
  public static func integer(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var grouped = ""
    for (offset, character) in digits.enumerated() {
      if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(",") }
      grouped.append(character)
    }
    return (value < 0 ? "-" : "") + grouped
  }

  /// An integer grouped, or `p/q`.
  public static func exact(_ value: Rational) -> String {
    value.isInteger ? integer(value.numerator) : value.description
  }

  /// A rational rounded to `places` decimals (half away from zero), trailing zeros trimmed.
  public static func decimal(_ value: Rational, places: Int) -> String {
    var scale = 1
    for _ in 0..<places { scale *= 10 }
    let negative = value < .zero
    let magnitude = negative ? ((try? -value) ?? value) : value
    guard let scaled = try? magnitude * Rational(scale), let twice = try? Checked.multiply(scaled.numerator, 2),
      let numerator = try? Checked.add(twice, scaled.denominator),
      let denominator = try? Checked.multiply(scaled.denominator, 2)
    else { return value.description }
    let rounded = numerator / denominator
    var text = String(rounded / scale)
    var fraction = String(rounded % scale)
    if places > 0 {
      fraction = String(repeating: "0", count: places - fraction.count) + fraction
      while fraction.hasSuffix("0") { fraction.removeLast() }
      if !fraction.isEmpty { text += "." + fraction }
    }
    return (negative && rounded != 0 ? "-" : "") + text
  }
}
