import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec

/// `cnncalc diff OLD NEW`: what changed between two versions of an architecture.
struct DiffCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    let format = try options.format(among: ["table", "markdown", "json"])
    guard options.operands.count == 2 else { throw UsageError(message: "diff takes two specs: OLD NEW") }
    var analyses: [Analysis] = []
    var runs: [SpecRun] = []
    let style = Tool(environment: environment).errorStyle
    for (position, operand) in options.operands.enumerated() {
      guard let source = environment.loadSpec(operand) else { return .usage }
      let run = SpecRun(source, options: options)
      guard let analysis = run.runnableAnalysis(complete: true, environment: environment) else { return .failure }
      // The new version's warnings and notes in full, as `summary` shows them; the report after
      // says which of them the change brought.
      if position == 1, format != "json" { environment.writeError(run.renderedDiagnostics(style: style)) }
      analyses.append(analysis)
      runs.append(run)
    }
    let (old, new) = (analyses[0], analyses[1])
    let diff = NetworkDiff(
      old: old, new: new, diagnostics: (runs[0].diagnostics, runs[1].diagnostics), describe: OperatorText.describe)
    let sources = DiffReport.Sources(old: runs[0].source, new: runs[1].source)
    switch format {
    case "markdown":
      environment.writeOut(DiffReport.markdown(diff, old: old.network, new: new.network, sources: sources))
    case "json": environment.writeOut(DiffReport.json(diff, sources: sources).serialized() + "\n")
    default:
      environment.writeOut(
        DiffReport.text(
          diff, old: old.network, new: new.network, sources: sources, style: Tool(environment: environment).outputStyle)
      )
    }
    return .success
  }
}
