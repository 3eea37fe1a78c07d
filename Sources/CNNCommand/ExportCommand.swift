import CNNGraph
import CNNReport
import CNNSpec

/// `cnncalc export SPEC --format json`: the expanded graph as a JSON spec, readable by every command.
struct ExportCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    _ = try options.format(among: ["json"])
    guard options.operands.count == 1 else { throw UsageError(message: "export takes one spec") }
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let compilation = SpecRun.compile(source, options: options)
    let style = Tool(environment: environment).errorStyle
    environment.writeError(
      compilation.diagnostics.map { DiagnosticRenderer.text($0, source: source, style: style) + "\n" }.joined())
    guard let network = compilation.network else { return .failure }
    environment.writeOut(SpecExport.json(network).serialized() + "\n")
    return .success
  }
}
