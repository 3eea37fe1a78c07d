import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec
import Dispatch
import Foundation

/// `cnncalc check PATH…`: validates every spec under the paths and evaluates their `expect` lines.
struct CheckCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    let format = try options.format(among: ["text", "github", "json"])
    guard !options.operands.isEmpty else { throw UsageError(message: "check needs files or folders") }
    let style = Tool(environment: environment).errorStyle
    var exit = Tool.ExitCode.success
    var checked = 0
    var failed = 0
    var json: [JSONValue] = []
    var cases: [JUnitReport.Case] = []
    var failedNames: [String] = []
    var unreadableNames: [String] = []
    /// A path that cannot be checked: a usage error (exit 2) that CI reports see as well.
    func unreadable(_ name: String, _ message: String) {
      environment.writeError("cnncalc: \(message)\n")
      exit = .usage
      unreadableNames.append(name)
      cases.append(JUnitReport.Case(name: name, failures: [message], seconds: 0))
      let diagnostic = Diagnostic(.unreadable, message, at: nil)
      let source = SourceFile(path: name, text: "")
      switch format {
      case "github": environment.writeOut(DiagnosticRenderer.github(diagnostic, source: source) + "\n")
      case "json": json.append(DiagnosticRenderer.json(diagnostic, source: source))
      default: break
      }
    }
    for operand in options.operands {
      let files: [String]
      var problems: [FileError] = []
      do {
        files = try SpecLoader.specFiles(under: operand, problems: &problems)
      } catch {
        unreadable(operand, error.message)
        continue
      }
      for problem in problems { unreadable(problem.path, (problem as Error).message) }
      if files.isEmpty, problems.isEmpty {
        // A CI gate that checks nothing must not pass.
        unreadable(
          operand,
          "\(operand): no spec or model under it (.cnn, .json naming \"cnncalc-spec/1\", .onnx, .prototxt)")
      }
      for file in files {
        // A file that cannot be read is not checked: it is listed under "not checked" only.
        let source: SourceFile
        do {
          source = try SpecLoader.read(file)
        } catch {
          unreadable(file, error.message)
          continue
        }
        checked += 1
        let started = DispatchTime.now().uptimeNanoseconds
        var run = SpecRun(source, options: options)
        if !options.verbose { run.diagnostics.removeAll { $0.severity == .note } }
        let failing = run.diagnostics.filter { $0.severity == .error || (options.strict && $0.severity == .warning) }
        cases.append(
          JUnitReport.Case(
            name: file, failures: failing.map { DiagnosticRenderer.text($0, source: source) },
            seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        if run.fails(strict: options.strict) {
          failed += 1
          failedNames.append(file)
          if exit == .success { exit = .failure }
        }
        switch format {
        case "github":
          environment.writeOut(run.diagnostics.map { DiagnosticRenderer.github($0, source: source) + "\n" }.joined())
        case "json": json += run.diagnostics.map { DiagnosticRenderer.json($0, source: source) }
        default: environment.writeOut(run.renderedDiagnostics(style: style))
        }
      }
    }
    if let path = options.junit {
      do {
        try JUnitReport.xml(cases).write(toFile: path, atomically: true, encoding: .utf8)
      } catch {
        environment.writeError("cnncalc: cannot write the JUnit report to \(path)\n")
        exit = .usage
      }
    }
    if format == "json" {
      environment.writeOut(JSONValue.array(json).serialized() + "\n")
    } else {
      var line = "\(checked) spec\(checked == 1 ? "" : "s") checked: \(checked - failed) passed, \(failed) failed"
      func list(_ names: [String]) -> String {
        names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", and \(names.count - 5) more" : "")
      }
      if !failedNames.isEmpty { line += " (\(list(failedNames)))" }
      if !unreadableNames.isEmpty { line += "; not checked: \(list(unreadableNames))" }
      environment.writeOut(line + "\n")
    }
    return exit
  }
}
