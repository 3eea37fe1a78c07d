/// Short human-readable forms of exact figures. Reports print these unless asked for exact values;
/// the rounding is to three significant digits (half away from zero) and the unit says the scale.
public enum Humanize {
  /// Counts with decimal suffixes: 34944 → `34.9K`, 105415200 → `105M`, 999 → `999`.
  public static func count(_ value: Int) -> String {
    scaled(value, base: 1000, units: ["", "K", "M", "G", "T", "P", "E"])
  }

  /// Bytes with binary suffixes: 1161600 → `1.11 MiB`.
  public static func bytes(_ value: Int) -> String {
    scaled(value, base: 1024, units: [" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"])
  }

  private static func scaled(_ value: Int, base: Int, units: [String]) -> String {
    guard value >= 0 else { return value == Int.min ? "\(value)" : "-" + scaled(-value, base: base, units: units) }
    var unit = 0
    var divisor = 1
    let magnitude = value.magnitude
    while unit + 1 < units.count, magnitude >= UInt(divisor) * UInt(base) {
      divisor *= base
      unit += 1
    }
    if unit == 0 { return "\(value)\(units[0])" }
    guard let ratio = try? Rational(value, divisor) else { return "\(value)" }
    let whole = Int(magnitude) / divisor
    let places = whole >= 100 ? 0 : whole >= 10 ? 1 : 2
    let text = Grouping.decimal(ratio, places: places)
    // 999.7 rounds to "1000": say "1" of the next unit instead.
    if unit + 1 < units.count, let rounded = Int(text.drop { $0 == "-" }), rounded >= base {
      return (value < 0 ? "-1" : "1") + units[unit + 1]
    }
    return text + units[unit]
  }
}
