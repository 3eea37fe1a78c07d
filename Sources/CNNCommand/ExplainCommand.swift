import CNNCalc
import CNNGraph
import CNNReport

/// `cnncalc explain SPEC LAYER`: how LAYER's output extent and receptive field follow, layer by
/// layer, from the network input.
struct ExplainCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    let format = try options.format(among: ["text", "markdown"])
    guard options.operands.count == 2 else { throw UsageError(message: "explain takes a spec and a layer name") }
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let tool = Tool(environment: environment)
    let run = SpecRun(source, options: options)
    guard let analysis = run.runnableAnalysis(complete: false, environment: environment) else { return .failure }
    let name = options.operands[1]
    guard let derivation = Derivation.of(analysis, layer: name) else {
      let names = analysis.network.layers.map(\.name)
      var message = "cnncalc: \(analysis.network.name) has no layer '\(name)'"
      if names.contains(name) { message = "cnncalc: the analysis of \(analysis.network.name) stopped before '\(name)'" }
      if let suggestion = Suggestions.didYouMean(name, in: names) { message += "; \(suggestion)" }
      environment.writeError(message + " (cnncalc \(options.operands[0]) lists the layers)\n")
      return .failure
    }
    switch format {
    case "markdown": environment.writeOut(ExplainReport.markdown(derivation))
    default: environment.writeOut(ExplainReport.text(derivation, style: tool.outputStyle))
    }
    return .success
  }
}
