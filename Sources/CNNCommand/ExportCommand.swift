import CNNGraph
import CNNReport
import CNNSpec

/// `cnncalc export SPEC --format json|cnn`: the expanded graph as a JSON spec or as a flat spec in
/// the language, readable by every command (an imported model becomes a spec to edit).
struct ExportCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    let format = try options.format(among: ["json", "cnn"])
    guard options.operands.count == 1 else { throw UsageError(message: "export takes one spec") }
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let compilation = SpecRun.compile(source, options: options)
    let style = Tool(environment: environment).errorStyle
    environment.writeError(
      compilation.diagnostics.map { DiagnosticRenderer.text($0, source: source, style: style) + "\n" }.joined())
    guard let network = compilation.network else { return .failure }
    switch format {
    case "cnn": environment.writeOut(SpecTextExport.text(network, source: source.path))
    default: environment.writeOut(SpecExport.json(network).serialized() + "\n")
    }
    return .success
  }
}
