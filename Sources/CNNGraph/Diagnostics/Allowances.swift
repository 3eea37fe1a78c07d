/// Warnings a spec accepts on purpose: a trailing comment `# cnncalc: allow CODE[, CODE…]` on the
/// line a warning points at turns that warning into a note, which `check --strict` does not fail
/// on and `--verbose` still lists. Errors cannot be allowed.
public enum Allowances {
  /// The marker that starts an allowance inside a comment.
  public static let marker = "cnncalc: allow"

  /// `diagnostics` with every warning allowed by a comment on its line turned into a note.
  public static func apply(_ diagnostics: [Diagnostic], source: SourceFile) -> [Diagnostic] {
    diagnostics.map { diagnostic in
      guard diagnostic.severity == .warning, let range = diagnostic.range else { return diagnostic }
      let line = source.lineText(source.lineAndColumn(of: range.start).line)
      guard allowedCodes(in: line).contains(diagnostic.code.rawValue) else { return diagnostic }
      var allowed = diagnostic
      allowed.severity = .note
      allowed.message += " (allowed by a comment on this line)"
      return allowed
    }
  }

  /// The codes named by an allowance comment on `line`.
  static func allowedCodes(in line: String) -> Set<String> {
    guard let hash = line.firstIndex(of: "#") else { return [] }
    let comment = line[line.index(after: hash)...].trimmingPrefix(while: { $0 == " " })
    guard comment.hasPrefix(marker) else { return [] }
    let list = comment.dropFirst(marker.count)
    return Set(list.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init))
  }
}

extension Substring {
  fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
    self[(firstIndex { !predicate($0) } ?? endIndex)...]
  }
}
