import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec

/// `cnncalc [summary] SPEC…`: the per-layer table and totals of each spec.
struct SummaryCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    let format = try options.format(among: ["table", "markdown", "csv", "json"])
    guard !options.operands.isEmpty else { throw UsageError(message: "summary needs a spec (a file or a zoo name)") }
    let tool = Tool(environment: environment)
    var exit = Tool.ExitCode.success
    var documents: [JSONValue] = []
    for (position, operand) in options.operands.enumerated() {
      guard let source = environment.loadSpec(operand) else {
        exit = .usage
        continue
      }
      let run = SpecRun(source, options: options)
      // JSON reports carry their diagnostics; a spec that yields no report shows them on stderr.
      if format != "json" || run.analysis == nil {
        environment.writeError(run.renderedDiagnostics(style: tool.errorStyle))
      }
      if run.fails(strict: false), exit == .success { exit = .failure }
      guard let analysis = run.analysis else { continue }
      let reportOptions = SummaryReport.Options(
        exact: options.exact, style: tool.outputStyle, columns: options.columns,
        width: options.width ?? environment.terminalWidth, depth: options.depth)
      let separator = position > 0 ? "\n" : ""
      switch format {
      case "markdown": environment.writeOut(separator + SummaryReport.markdown(analysis, options: reportOptions))
      case "csv": environment.writeOut(SummaryReport.csv(analysis))
      case "json": documents.append(JSONReport.report(analysis, diagnostics: run.diagnostics, source: run.source))
      default: environment.writeOut(separator + SummaryReport.table(analysis, options: reportOptions))
      }
      // The diagnostics came before the table: a tally after it keeps the reason in sight.
      if format == "table" || format == "markdown", let tally = DiagnosticRenderer.tally(run.diagnostics) {
        environment.writeError("\(analysis.network.name): \(tally) (above the table)\n")
      }
    }
    if format == "json" {
      let document = documents.count == 1 ? documents[0] : .array(documents)
      environment.writeOut(document.serialized() + "\n")
    }
    return exit
  }
}
