import CNNCaffe
import CNNCalc
import CNNCommand
import CNNGraph
import CNNONNX
import CNNReport
import CNNSpec
import Foundation

/// Something a fuzz case showed that must never happen.
public struct Finding: Sendable, CustomStringConvertible {
  /// Which oracle saw it (`exit-code`, `unlocated-error`, `round-trip`, …).
  public var oracle: String
  public var detail: String

  public var description: String { "\(oracle): \(detail)" }
}

/// Runs one case through the command line in-process and judges the results. Crashes, hangs and
/// memory blow-ups are caught outside: by the process dying, or by `Watchdog`.
public struct Oracle {
  /// A scratch folder for the case's files.
  public let folder: String

  public init(folder: String) {
    self.folder = folder
  }

  /// What one case showed.
  public struct Judgement: Sendable {
    /// Everything that must never happen (none when all is well).
    public var findings: [Finding] = []
    /// Whether the spec analysed with exit code 0.
    public var clean = false
  }

  /// Runs `fuzzCase` through the commands and judges the results.
  public func judge(_ fuzzCase: FuzzCase) -> Judgement {
    var judgement = Judgement()
    judgement.findings = findings(fuzzCase, clean: &judgement.clean)
    return judgement
  }

  private func findings(_ fuzzCase: FuzzCase, clean: inout Bool) -> [Finding] {
    var findings: [Finding] = []
    let path = "\(folder)/case.\(fuzzCase.fileExtension)"
    guard FileManager.default.createFile(atPath: path, contents: Data(fuzzCase.bytes)) else {
      return [Finding(oracle: "setup", detail: "cannot write \(path)")]
    }
    let summary = Self.run(["summary", path, "--format", "json"])
    let check = Self.run(["check", path, "--format", "json"])
    // The table, markdown and csv renderers on every other case (they share the analysis).
    let format = ["table", "markdown", "table", "csv"][fuzzCase.index % 4]
    // Some table runs fit a narrow terminal and fold groups (issue 11's views).
    let view: [String] =
      format == "csv"
      ? []
      : [[], ["--width", "64"], ["--depth", "1"], ["--depth", "0", "--width", "100"]][
        fuzzCase.index / 4 % 4]
    let tableArguments = [path, "--format", format] + view
    let table = fuzzCase.index % 2 == 0 ? Self.run(tableArguments) : summary
    clean = summary.code == 0
    for (name, result) in [("summary", summary), (format, table), ("check", check)]
    where !(0...2).contains(result.code) {
      findings.append(Finding(oracle: "exit-code", detail: "\(name) exited \(result.code)"))
    }
    if summary.code != check.code || summary.code != table.code {
      findings.append(
        Finding(
          oracle: "check-agrees",
          detail: "summary --format json exited \(summary.code), summary \(table.code), check \(check.code)"))
    }
    findings += unlocatedErrors(check.out)
    if fuzzCase.index % 16 == 0 {
      let again = Self.run(["summary", path, "--format", "json"])
      let tableAgain = Self.run(tableArguments)
      if again.out != summary.out || again.error != summary.error || tableAgain.out != table.out {
        findings.append(Finding(oracle: "deterministic", detail: "two runs of summary differ"))
      }
    }
    findings += roundTrip(fuzzCase, path: path)
    if fuzzCase.index % 32 == 0, summary.code == 0 {
      let fit = Self.run(["fit", path])
      if !(0...1).contains(fit.code) { findings.append(Finding(oracle: "exit-code", detail: "fit exited \(fit.code)")) }
    }
    if fuzzCase.index % 32 == 16, summary.code == 0 {
      findings += Self.explained(path: path, report: summary.out, index: fuzzCase.index)
    }
    if fuzzCase.index % 32 == 8, summary.code == 0 {
      let format = fuzzCase.index % 64 == 8 ? "svg" : "dot"
      let graph = Self.run(["graph", path, "--format", format, "--depth", String(fuzzCase.index / 64 % 3 + 1)])
      if graph.code != 0 {
        findings.append(Finding(oracle: "graph", detail: "graph exited \(graph.code): \(graph.error.prefix(300))"))
      }
    }
    // The HTML report is written for any spec that yields a network, errors and all: a whole
    // page or none (exit 1 with the errors), never a part.
    if fuzzCase.index % 32 == 24 {
      let report = Self.run(["report", path])
      let whole = report.out.hasSuffix("</html>\n")
      if !(0...1).contains(report.code) || (report.code == 0 && !whole) || (!report.out.isEmpty && !whole) {
        findings.append(
          Finding(oracle: "report", detail: "report exited \(report.code): \(report.error.prefix(300))"))
      }
    }
    // The engine runs networks of modest cost: the point is calculator against engine, not speed.
    if fuzzCase.kind == .generated, fuzzCase.index % 8 == 0, summary.code == 0, Self.isSmall(summary.out) {
      let verify = Self.run(["verify", path, "--threads", "1"])
      if verify.code != 0 {
        findings.append(
          Finding(
            oracle: "verify",
            detail: "calculator and engine disagree: \(verify.out.suffix(400))\(verify.error.prefix(400))"))
      }
    }
    return findings
  }

  /// `explain` on one layer of a clean spec (text or Markdown by turns): exit 0 and a headline that
  /// names the network and the layer.
  static func explained(path: String, report: String, index: Int) -> [Finding] {
    guard let root = try? JSONReader.parse(SourceFile(path: "summary.json", text: report)),
      case .string(let network, _)? = root["network"], case .array(let layers, _)? = root["layers"], !layers.isEmpty,
      case .string(let name, _)? = layers[index / 32 % layers.count]["name"]
    else { return [] }
    let format = index % 64 == 16 ? "text" : "markdown"
    let result = run(["explain", path, name, "--format", format])
    guard result.code == 0 else {
      return [Finding(oracle: "explain", detail: "explain \(name) exited \(result.code): \(result.error.prefix(300))")]
    }
    let headline = (format == "markdown" ? "### " : "") + "\(network), \(name)"
    return result.out.hasPrefix(headline)
      ? [] : [Finding(oracle: "explain", detail: "explain \(name) begins \(result.out.prefix(120))")]
  }

  /// Whether a `summary --format json` report's totals are at most 200 M MACs and 64 MiB of peak.
  static func isSmall(_ report: String) -> Bool {
    guard let root = try? JSONReader.parse(SourceFile(path: "summary.json", text: report)),
      case .number(let macs, _)? = root["totals"]?["macs"],
      case .number(let peak, _)? = root["totals"]?["peak_activation_bytes"],
      let macCount = Int(macs), let peakBytes = Int(peak)
    else { return false }
    return macCount <= 200_000_000 && peakBytes <= 64 << 20
  }

  /// Every error in `check --format json` output has a line (or, for JSON syntax, a spot).
  func unlocatedErrors(_ output: String) -> [Finding] {
    guard let root = try? JSONReader.parse(SourceFile(path: "check.json", text: output)),
      case .array(let diagnostics, _) = root
    else {
      return output.isEmpty ? [] : [Finding(oracle: "check-json", detail: "check --format json is not a JSON array")]
    }
    var findings: [Finding] = []
    for diagnostic in diagnostics {
      guard case .string("error", _)? = diagnostic["severity"] else { continue }
      // A binary file's diagnostic is located by byte offset (or, for the graph's own findings,
      // by the layer that the model's node became).
      let binaryLocated: Bool
      switch (diagnostic["byte"], diagnostic["layer"]) {
      case (.number?, _), (_, .string?): binaryLocated = true
      default: binaryLocated = false
      }
      if case .null? = diagnostic["line"], !binaryLocated {
        let message: String
        if case .string(let text, _)? = diagnostic["message"] { message = text } else { message = "?" }
        findings.append(Finding(oracle: "unlocated-error", detail: message))
      }
    }
    return findings
  }

  /// Export → import gives the same analysis, and exporting again gives the same JSON; a model
  /// file's `export --format cnn` is a spec with the same numbers.
  func roundTrip(_ fuzzCase: FuzzCase, path: String) -> [Finding] {
    if fuzzCase.fileExtension == "onnx" || fuzzCase.fileExtension == "prototxt" {
      return modelExportRoundTrip(fuzzCase, path: path)
    }
    let source = SourceFile(path: path, bytes: fuzzCase.bytes)
    let compilation =
      fuzzCase.fileExtension == "json"
      ? JSONSpecImporter.compile(source) : SpecCompiler.compile(source, shapes: CalculatedShapes())
    guard let network = compilation.network else { return [] }
    let exported = SpecExport.json(network).serialized()
    let reimported = JSONSpecImporter.compile(SourceFile(path: "export.json", text: exported))
    guard let again = reimported.network else {
      return [
        Finding(
          oracle: "round-trip", detail: "the export does not import: \(reimported.diagnostics.map(\.message).prefix(3))"
        )
      ]
    }
    var findings: [Finding] = []
    if Self.facts(network) != Self.facts(again) {
      findings.append(Finding(oracle: "round-trip", detail: "the export analyses differently"))
    }
    if SpecExport.json(again).serialized() != exported {
      findings.append(Finding(oracle: "round-trip", detail: "exporting the import gives other JSON"))
    }
    return findings
  }

  /// An imported model without errors exports to spec text that compiles without errors and
  /// analyses to the same totals, shapes and fields (names may change: labels become words).
  func modelExportRoundTrip(_ fuzzCase: FuzzCase, path: String) -> [Finding] {
    let imported =
      fuzzCase.fileExtension == "onnx"
      ? ONNXImporter.compile(path: path, shapes: CalculatedShapes())
      : CaffeImporter.compile(SourceFile(path: path, bytes: fuzzCase.bytes), shapes: CalculatedShapes())
    guard let network = imported.network, !imported.diagnostics.contains(where: { $0.severity == .error }) else {
      return []
    }
    let text = SpecTextExport.text(network, source: fuzzCase.origin)
    let reread = SpecCompiler.compile(SourceFile(path: "export.cnn", text: text), shapes: CalculatedShapes())
    let errors = reread.diagnostics.filter { $0.severity == .error }
    guard let again = reread.network, errors.isEmpty else {
      return [
        Finding(oracle: "export-cnn", detail: "the exported spec does not compile: \(errors.map(\.message).prefix(3))")
      ]
    }
    if Self.numbers(network) != Self.numbers(again) {
      return [Finding(oracle: "export-cnn", detail: "the exported spec analyses differently")]
    }
    return []
  }

  /// Totals, and each layer's shape and field, without names.
  static func numbers(_ network: Network) -> String {
    let analysis = Analyzer.analyze(network, suggestFits: false)
    let totals = analysis.totals
    var lines = ["\(totals.params) \(totals.buffers) \(totals.macs) \(totals.peakActivationBytes)"]
    for layer in analysis.layers {
      lines.append("\(layer.output.shape) \(String(describing: layer.output.receptiveField))")
    }
    return lines.joined(separator: "\n")
  }

  /// The analysis without locations: totals, layers and diagnostic messages.
  static func facts(_ network: Network) -> String {
    let analysis = Analyzer.analyze(network, suggestFits: false)
    let report = JSONReport.report(analysis, diagnostics: [], source: nil).serialized()
    return report + analysis.diagnostics.map { "\n\($0.code.rawValue) \($0.message)" }.joined()
  }

  /// One command line, in-process.
  public static func run(_ arguments: [String]) -> (code: Int32, out: String, error: String) {
    let capture = OutputCapture()
    let code = Tool(environment: capture.environment).run(arguments)
    return (code, capture.out, capture.error)
  }
}

/// Collects what a command writes, for running the tool in-process (the fuzzer, the tests).
public final class OutputCapture: @unchecked Sendable {
  // A capture belongs to one command run; the lock guards writes from the engine's threads.
  private let lock = NSLock()
  private var outText = ""
  private var errorText = ""

  public init() {}

  /// Everything written to standard output.
  public var out: String { lock.withLock { outText } }
  /// Everything written to standard error.
  public var error: String { lock.withLock { errorText } }

  /// An environment that writes here.
  public var environment: Environment {
    Environment(
      writeOut: { text in self.lock.withLock { self.outText += text } },
      writeError: { text in self.lock.withLock { self.errorText += text } })
  }
}
