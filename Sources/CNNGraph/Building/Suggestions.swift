/// "Did you mean" suggestions by edit distance.
public enum Suggestions {
  /// The closest candidate within a small edit distance, if any. Ties go to the alphabetically
  /// first candidate, so the same input always gets the same suggestion, whatever order the
  /// candidates come in (they often come from a dictionary).
  /// Names longer than `maximumLength` get no suggestion: nobody mistypes a 100,000-character name,
  /// and the distance costs the product of the lengths.
  public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
    let length = name.unicodeScalars.count
    guard length <= maximumLength else { return nil }
    let limit = max(1, length / 3)
    let lowered = name.lowercased()
    var best: (String, Int)?
    for candidate in candidates {
      // The distance is at least the difference in length.
      guard abs(candidate.unicodeScalars.count - length) <= limit else { continue }
      let distance = editDistance(lowered, candidate.lowercased())
      guard distance <= limit else { continue }
      if let (current, currentDistance) = best,
        distance > currentDistance || (distance == currentDistance && candidate >= current)
      {
        continue
      }
      best = (candidate, distance)
    }
    return best?.0
  }

  /// The longest name that gets a suggestion.
  public static let maximumLength = 256

  /// A hint sentence `did you mean 'x'?`, or nil.
  public static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> String? {
    closest(to: name, in: candidates).map { "did you mean '\($0)'?" }
  }

  /// Edit distance counting insertions, deletions, substitutions and swaps of two neighbours
  /// (optimal string alignment): `inptu` is one edit from `input`.
  public static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    var beforePrevious = Array(0...b.count)
    var previous = beforePrevious
    var row = previous
    for i in 1...a.count {
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          row[j] = min(row[j], beforePrevious[j - 2] + 1)
        }
      }
      (beforePrevious, previous, row) = (previous, row, beforePrevious)
    }
    return previous[b.count]
  }
}
