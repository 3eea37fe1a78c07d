import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// Compiles and analyses spec text, failing the test on any error.
func analyze(
  _ text: String, options: AnalysisOptions = AnalysisOptions(), sourceLocation: SourceLocation = #_sourceLocation
)
  throws -> Analysis
{
  let compilation = SpecCompiler.compile(SourceFile(path: "test.cnn", text: text), shapes: CalculatedShapes())
  let errors = compilation.diagnostics.filter { $0.severity == .error }
  #expect(errors.isEmpty, "\(errors.map(\.message))", sourceLocation: sourceLocation)
  let network = try #require(compilation.network, sourceLocation: sourceLocation)
  return Analyzer.analyze(network, options: options)
}

extension Analysis {
  /// The facts of the layer called `name`.
  func layer(_ name: String) -> LayerFacts? { layers.first { $0.name == name } }

  /// Diagnostics with the given code.
  func diagnostics(_ code: DiagnosticCode) -> [Diagnostic] { diagnostics.filter { $0.code == code } }
}
