import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec

/// `cnncalc fit SPEC`: input sizes near the declared one that every layer divides evenly, and the
/// padding that would make the declared size fit.
struct FitCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    guard options.operands.count == 1 else { throw UsageError(message: "fit takes one spec") }
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let run = SpecRun(source, options: options)
    guard let analysis = run.analysis else {
      environment.writeError(run.renderedDiagnostics(style: Tool(environment: environment).errorStyle))
      return .failure
    }
    guard let report = Fit.search(analysis.network, radius: options.radius) else {
      environment.writeOut("\(analysis.network.name): the first input has no spatial axes; nothing to fit\n")
      return .success
    }
    environment.writeOut(text(report, analysis: analysis, source: source))
    return .success
  }

  private func text(_ report: Fit.Report, analysis: Analysis, source: SourceFile) -> String {
    let declared = ExtentText.of(report.declared)
    var lines = ["\(analysis.network.name): input '\(report.inputName)' declared \(declared)"]
    let problems = analysis.diagnostics.filter { [.truncation, .ceilWindowDropped, .partialWindow].contains($0.code) }
    lines.append(
      problems.isEmpty
        ? "at \(declared) every layer fits exactly"
        : "at \(declared), \(problems.count) layer finding\(problems.count == 1 ? "" : "s"):")
    for problem in problems {
      let line =
        problem.range.map {
          source.isBinary ? " (byte \($0.start))" : " (line \(source.lineAndColumn(of: $0.start).line))"
        } ?? ""
      lines.append("  \(problem.code.rawValue)\(line): \(problem.message)")
      if problem.code == .truncation, let hint = problem.hint { lines.append("    fix: \(hint)") }
    }
    let fitting = report.fitting
    let axisWord = report.isSquare ? "sizes" : "extents (one axis varied at a time)"
    lines.append("")
    if fitting.isEmpty {
      lines.append("no input \(axisWord) within ±\(options.radius) of \(declared) fit every layer exactly")
    } else {
      lines.append(
        "input \(axisWord) within ±\(options.radius) of \(declared) that fit every layer exactly, nearest first:")
      for candidate in fitting.prefix(12) {
        let delta = zip(candidate.extents, report.declared).map { $0 - $1 }.first { $0 != 0 } ?? 0
        lines.append("  \(ExtentText.of(candidate.extents))  (\(delta >= 0 ? "+" : "")\(delta))")
      }
      if fitting.count > 12 { lines.append("  … and \(fitting.count - 12) more") }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
