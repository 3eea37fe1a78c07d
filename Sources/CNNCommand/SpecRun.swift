import CNNCaffe
import CNNCalc
import CNNGraph
import CNNONNX
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
    if var network = compilation.network {
      let (kept, skipped) = SpecRun.judgedUnderOverrides(network.expectations, options: options)
      network.expectations = kept
      if let first = skipped.first {
        diagnostics.append(
          Diagnostic(
            .expectNotEvaluated,
            "\(skipped.count) expect line\(skipped.count == 1 ? " is" : "s are") not judged: "
              + "\(skipped.count == 1 ? "it was" : "they were") stated for the declared "
              + "\(options.inputShapes.isEmpty ? "batch and element type" : "input")", at: first.range,
            hint: "run without --input, --batch and --dtype to judge them"))
      }
      let analysis = Analyzer.analyze(network, options: options.analysisOptions)
      self.analysis = analysis
      diagnostics += analysis.diagnostics
    }
    if !source.path.hasSuffix(".json"), !source.isBinary { diagnostics = Allowances.apply(diagnostics, source: source) }
  }

  /// Splits `expect` lines into those still meaningful under the command line's overrides and
  /// those stated for the declared input: under `--input` every line is skipped (shapes, fields and
  /// even parameter counts change with the input); under `--batch` the figures that scale with it
  /// (MACs, FLOPs, other ops, activation bytes); under `--dtype` the byte figures.
  static func judgedUnderOverrides(_ expectations: [Expectation], options: Options) -> (
    kept: [Expectation], skipped: [Expectation]
  ) {
    if !options.inputShapes.isEmpty { return ([], expectations) }
    var changed = Set<Metric>()
    if options.batch != 1 { changed.formUnion([.macs, .flops, .otherOps, .activations, .peak, .memory]) }
    if options.dtype != .f32 { changed.formUnion([.activations, .peak, .memory, .paramBytes]) }
    var kept: [Expectation] = []
    var skipped: [Expectation] = []
    for expectation in expectations {
      if let metric = expectation.metric, changed.contains(metric) {
        skipped.append(expectation)
      } else {
        kept.append(expectation)
      }
    }
    return (kept, skipped)
  }

  /// Compiles a file with the front end its name calls for: `.json` as a JSON spec, `.prototxt`
  /// as a Caffe network, anything else as the spec language.
  static func compile(_ source: SourceFile, options: Options) -> Compilation {
    if source.path.hasSuffix(".json") { return JSONSpecImporter.compile(source, inputShapes: options.inputShapes) }
    if source.isBinary {
      return ONNXImporter.compile(path: source.path, inputShapes: options.inputShapes, shapes: CalculatedShapes())
    }
    if CaffeImporter.handles(path: source.path) {
      return CaffeImporter.compile(source, inputShapes: options.inputShapes, shapes: CalculatedShapes())
    }
    return SpecCompiler.compile(source, inputShapes: options.inputShapes, shapes: CalculatedShapes())
  }

  /// Errors that leave the network undefined or unanalysable: every error except failed `expect`
  /// lines and budgets (which `verify`, `bench` and `diff` do not judge).
  var structuralErrors: [Diagnostic] {
    diagnostics.filter { $0.severity == .error && $0.code != .expectFailed && $0.code != .budgetExceeded }
  }

  /// The analysis, for the commands that run on any spec without structural errors (`verify`,
  /// `diff`, `explain`): writes those errors to stderr and returns nil when there are any, or
  /// when `complete` is asked and the analysis stopped early.
  func runnableAnalysis(complete: Bool, environment: Environment) -> Analysis? {
    let errors = structuralErrors
    let style = Tool(environment: environment).errorStyle
    environment.writeError(errors.map { DiagnosticRenderer.text($0, source: source, style: style) + "\n" }.joined())
    guard let analysis, errors.isEmpty, !complete || analysis.isComplete else { return nil }
    return analysis
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
