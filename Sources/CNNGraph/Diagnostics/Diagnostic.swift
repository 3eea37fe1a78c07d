/// How bad a diagnostic is. Errors make a spec fail; warnings fail only under `check --strict`.
public enum Severity: String, Sendable, Comparable, CaseIterable {
  case note, warning, error

  private var rank: Int {
    switch self {
    case .note: 0
    case .warning: 1
    case .error: 2
    }
  }

  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One finding about a spec: what is wrong, where, and how to fix it.
///
/// A diagnostic is data; it becomes text only in the reports module. The message states the rule and
/// names the thing (lowercase, no final period); the hint offers a fix.
public struct Diagnostic: Sendable, Equatable {
  /// How bad it is.
  public var severity: Severity
  /// The stable identifier, as printed in `[brackets]` and in JSON.
  public var code: DiagnosticCode
  /// What is wrong.
  public var message: String
  /// Where in the spec, when known.
  public var range: SourceRange?
  /// The layer it is about, when there is one (its unique expanded name).
  public var layer: String?
  /// A suggested fix, printed after the caret line.
  public var hint: String?
  /// For a spot inside a block body: the calls that led there, outermost first.
  public var expansion: [ExpansionFrame] = []

  /// Creates a diagnostic; severity defaults to the code's usual severity.
  public init(
    _ code: DiagnosticCode, _ message: String, at range: SourceRange?, layer: String? = nil,
    hint: String? = nil, severity: Severity? = nil
  ) {
    self.code = code
    self.message = message
    self.range = range
    self.layer = layer
    self.hint = hint
    self.severity = severity ?? code.defaultSeverity
  }
}

extension Array where Element == Diagnostic {
  /// Whether any diagnostic is an error.
  public var hasErrors: Bool { contains { $0.severity == .error } }
}
