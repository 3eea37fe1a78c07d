import CNNPicture

/// `cnncalc report SPEC [-o FILE]`: the self-contained HTML report. Like the summary, it is
/// written for any spec that parses (what could not be computed says so); the diagnostics go to
/// stderr too, and an error makes the exit code 1.
struct ReportCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    _ = try options.format(among: ["html"])
    guard options.operands.count == 1 else { throw UsageError(message: "report takes one spec") }
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let run = SpecRun(source, options: options)
    environment.writeError(run.renderedDiagnostics(style: Tool(environment: environment).errorStyle))
    guard let analysis = run.analysis else { return .failure }
    let html = HTMLReport.document(analysis, diagnostics: run.diagnostics, source: run.source)
    let written = environment.deliver(html, to: options.output)
    return written == .success && run.fails(strict: false) ? .failure : written
  }
}
