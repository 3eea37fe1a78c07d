/// Readers for the literal forms of the spec language. Each returns nil for text it cannot read;
/// callers report `bad-number` with the literal's location.
public enum Literals {
  /// A non-negative decimal integer; `_` may separate digit groups (`60_965_224`).
  public static func integer(_ text: Substring) -> Int? {
    guard let first = text.first, first.isASCII, first.isNumber else { return nil }
    var value = 0
    for character in text {
      if character == "_" { continue }
      guard let digit = character.wholeNumberValue, character.isASCII else { return nil }
      guard let next = try? Checked.add(try Checked.multiply(value, 10), digit) else { return nil }
      value = next
    }
    return value
  }

  /// Extents joined by `x`: `3x224x224` → [3, 224, 224]; a single integer is a one-element list.
  public static func dimensions(_ text: Substring) -> [Int]? {
    let parts = text.split(separator: "x", omittingEmptySubsequences: false)
    var values: [Int] = []
    for part in parts {
      guard let value = integer(part) else { return nil }
      values.append(value)
    }
    return values
  }

  /// Per-axis `begin:end` pairs joined by `x` (`1:2x0:1`); a bare `n` means `n:n`.
  public static func sides(_ text: Substring) -> [(begin: Int, end: Int)]? {
    var result: [(begin: Int, end: Int)] = []
    for part in text.split(separator: "x", omittingEmptySubsequences: false) {
      let ends = part.split(separator: ":", omittingEmptySubsequences: false)
      guard ends.count == 1 || ends.count == 2, let begin = integer(ends[0]),
        let end = ends.count == 2 ? integer(ends[1]) : begin
      else { return nil }
      result.append((begin, end))
    }
    return result
  }

  /// The multipliers of quantity suffixes: decimal `K M G T` (counts), binary `KiB MiB GiB TiB`
  /// and `Ki Mi Gi Ti`, decimal bytes `B KB MB GB TB`.
  public static let suffixes: [String: Int] = [
    "": 1, "K": 1_000, "M": 1_000_000, "G": 1_000_000_000, "T": 1_000_000_000_000,
    "B": 1, "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
    "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40,
    "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
  ]

  /// A decimal number with an optional unit suffix, exactly: `4.2G` = 4 200 000 000,
  /// `1.5KiB` = 1536, `0.5` = 1/2.
  public static func quantity(_ written: Substring) -> Rational? {
    // `8 MiB` as well as `8MiB`.
    let text = Substring(written.filter { $0 != " " && $0 != "\t" })
    let numberEnd = text.firstIndex { !($0.isASCII && ($0.isNumber || $0 == "." || $0 == "_")) } ?? text.endIndex
    guard let multiplier = suffixes[String(text[numberEnd...])] else { return nil }
    guard let decimal = decimal(text[..<numberEnd]) else { return nil }
    return try? decimal * Rational(multiplier)
  }

  /// A decimal number such as `0.75` or `12`, exactly.
  public static func decimal(_ text: Substring) -> Rational? {
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      // Scientific notation: mantissa × 10^exponent, exactly, for exponents within ±18.
      var exponentText = text[text.index(after: e)...]
      let negative = exponentText.first == "-"
      if negative || exponentText.first == "+" { exponentText = exponentText.dropFirst() }
      guard let mantissa = decimal(text[..<e]), let exponent = integer(exponentText), exponent <= 18 else { return nil }
      var power = 1
      for _ in 0..<exponent { power *= 10 }
      return negative
        ? try? mantissa / Rational(power)
        : try? mantissa * Rational(power)
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let whole = integer(parts[0]) else { return nil }
    guard parts.count == 2 else { return Rational(whole) }
    guard !parts[1].isEmpty, let fraction = integer(parts[1]) else { return nil }
    let digits = parts[1].filter { $0 != "_" }.count
    guard digits <= 18 else { return nil }
    var scale = 1
    for _ in 0..<digits { scale *= 10 }
    guard let numerator = try? Checked.add(try Checked.multiply(whole, scale), fraction) else { return nil }
    return try? Rational(numerator, scale)
  }
}
