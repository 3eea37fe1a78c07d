import CNNCalc
import CNNReport
import CNNSpec

/// One spec read, expanded and analysed, with every diagnostic found on the way.
struct SpecRun {
  var source: SourceFile
  var analysis: Analysis?
  var diagnostics: [Diagnostic]

  /// Compiles and analyses a loaded spec.
  init(_ source: SourceFile, options: Options) {
    self.source = source
    let compilation = SpecRun.compile(source, options: options)
    diagnostics = compilation.diagnostics
    if let network = compilation.network {
      let analysis = Analyzer.analyze(network, options: options.analysisOptions)
      self.analysis = analysis
      diagnostics += analysis.diagnostics
    }
    if !source.path.hasSuffix(".json") { diagnostics = Allowances.apply(diagnostics, source: source) }
  }

  /// Compiles a `.json` file as a JSON spec and anything else as the spec language.
  static func compile(_ source: SourceFile, options: Options) -> Compilation {
    source.path.hasSuffix(".json")
      ? JSONSpecImporter.compile(source, inputShapes: options.inputShapes)
      : SpecCompiler.compile(source, inputShapes: options.inputShapes)
  }

  /// Errors that leave the network undefined or unanalysable: every error except failed `expect`
  /// lines and budgets (which `verify`, `bench` and `diff` do not judge).
  var structuralErrors: [Diagnostic] {
    diagnostics.filter { $0.severity == .error && $0.code != .expectFailed && $0.code != .budgetExceeded }
  }

  /// Whether the run fails: an error, or (strict) a warning.
  func fails(strict: Bool) -> Bool {
    diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
  }

  /// The diagnostics rendered as text, one block per diagnostic.
  func renderedDiagnostics(style: Style) -> String {
    diagnostics.map { DiagnosticRenderer.text($0, source: source, style: style) + "\n" }.joined()
  }
}
