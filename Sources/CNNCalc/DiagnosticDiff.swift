import CNNGraph

/// A diagnostic of either version of a network, and what the change did to it.
public struct DiagnosticChange: Sendable, Equatable {
  /// What the change did to a diagnostic.
  public enum Status: String, Sendable {
    /// Only the new version has it.
    case new
    /// Both versions have it (the message may differ in its numbers).
    case kept
    /// Only the old version had it.
    case gone
  }

  public var status: Status
  /// The new version's diagnostic for `new` and `kept`, the old version's for `gone`.
  public var diagnostic: Diagnostic

  /// Pairs the two versions' diagnostics: two are the same finding when they have the same code
  /// and are about the same layer (or, without a layer, say the same thing). Each finding pairs at
  /// most once, so a second truncation in a layer that had one is still `new`. Result: the new
  /// version's diagnostics in their order, then the old version's that are gone.
  public static func compare(old: [Diagnostic], new: [Diagnostic]) -> [DiagnosticChange] {
    func key(_ diagnostic: Diagnostic) -> String {
      "\(diagnostic.code.rawValue)\u{0}" + (diagnostic.layer ?? "\u{1}" + diagnostic.message)
    }
    var unmatched: [String: Int] = [:]
    for diagnostic in old { unmatched[key(diagnostic), default: 0] += 1 }
    var changes: [DiagnosticChange] = []
    for diagnostic in new {
      let k = key(diagnostic)
      if let count = unmatched[k], count > 0 {
        unmatched[k] = count - 1
        changes.append(DiagnosticChange(status: .kept, diagnostic: diagnostic))
      } else {
        changes.append(DiagnosticChange(status: .new, diagnostic: diagnostic))
      }
    }
    // The old diagnostics left unmatched, in their order: the last `count` of each key are gone
    // (any pairing of equal keys is as good as another).
    var remaining = unmatched
    var gone: [DiagnosticChange] = []
    for diagnostic in old.reversed() {
      let k = key(diagnostic)
      if let count = remaining[k], count > 0 {
        remaining[k] = count - 1
        gone.append(DiagnosticChange(status: .gone, diagnostic: diagnostic))
      }
    }
    return changes + gone.reversed()
  }
}
