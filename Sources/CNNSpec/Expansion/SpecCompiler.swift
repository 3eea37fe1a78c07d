import CNNGraph

/// Reads spec text into an expanded `Network`.
public enum SpecCompiler {
  /// Lexes, parses and expands `source`. `inputShapes` overrides declared input shapes by name
  /// (or, with the key `""`, the first input's).
  /// `shapes` computes layer output shapes for expressions that read them (`in.c`); pass
  /// CNNCalc's `CalculatedShapes()`.
  public static func compile(
    _ source: SourceFile, inputShapes: [String: [Int]] = [:], limits: ExpansionLimits = ExpansionLimits(),
    shapes: (any ShapeOracle)? = nil
  ) -> Compilation {
    let (syntax, syntaxDiagnostics) = Parser.parse(source)
    var expander = Expander(source: source, syntax: syntax, limits: limits)
    expander.shapeOracle = shapes
    let network = expander.expand(inputShapes: inputShapes)
    var diagnostics = syntaxDiagnostics + expander.diagnostics
    diagnostics.sort { ($0.range?.start ?? -1) < ($1.range?.start ?? -1) }
    let errors = diagnostics.filter { $0.severity == .error }.count
    let keepsNetwork = errors == expander.unreadableExpectations
    return Compilation(source: source, network: keepsNetwork ? network : nil, diagnostics: diagnostics)
  }
}
