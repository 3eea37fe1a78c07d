/// A diagnostic before it is placed: what is wrong and how to fix it, thrown from code that does
/// not know where it is (a layer's formulas, an importer's operator translation) and completed with
/// a location and a layer name by the code that catches it.
public struct DiagnosticDraft: Error, Sendable {
  public var code: DiagnosticCode
  public var message: String
  public var hint: String?

  public init(_ code: DiagnosticCode, _ message: String, hint: String? = nil) {
    self.code = code
    self.message = message
    self.hint = hint
  }
}
