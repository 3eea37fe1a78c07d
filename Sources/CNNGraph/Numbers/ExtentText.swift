/// The `x`-joined notation of per-axis values used everywhere cnncalc prints shapes and fields.
public enum ExtentText {
  /// `[3, 224, 224]` → `3x224x224`.
  public static func of(_ values: [Int]) -> String {
    values.map(String.init).joined(separator: "x")
  }

  /// `[11, 11]` → `11` when `collapsing` and every axis agrees, else `11x7`; fractions as `p/q`.
  public static func of(_ values: [Rational], collapsing: Bool = true) -> String {
    if collapsing, let first = values.first, values.allSatisfy({ $0 == first }) { return first.description }
    return values.map(\.description).joined(separator: "x")
  }

  /// Per-side amounts as the spec language writes them: `0:1x1:0` (a single value applies to
  /// every axis).
  public static func sides(begin: AxisValues, end: AxisValues) -> String {
    let count = max(begin.values.count, end.values.count)
    let b = begin.values.count == 1 ? Array(repeating: begin.values[0], count: count) : begin.values
    let e = end.values.count == 1 ? Array(repeating: end.values[0], count: count) : end.values
    return zip(b, e).map { "\($0):\($1)" }.joined(separator: "x")
  }
}
