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
    let style = Tool(environment: environment).errorStyle
    for operand in options.operands {
      guard let source = environment.loadSpec(operand) else { return .usage }
      let run = SpecRun(source, options: options)
      let errors = run.structuralErrors
      environment.writeError(errors.map { DiagnosticRenderer.text($0, source: source, style: style) + "\n" }.joined())
      guard let analysis = run.analysis, analysis.isComplete, errors.isEmpty else { return .failure }
      analyses.append(analysis)
    }
    let (old, new) = (analyses[0], analyses[1])
    let diff = NetworkDiff(old: old, new: new, describe: OperatorText.describe)
    switch format {
    case "markdown": environment.writeOut(DiffReport.markdown(diff, old: old.network, new: new.network))
    case "json": environment.writeOut(DiffReport.json(diff).serialized() + "\n")
    default:
      environment.writeOut(
        DiffReport.text(diff, old: old.network, new: new.network, style: Tool(environment: environment).outputStyle))
    }
    return .success
  }
}
