import CNNCalc
import CNNPicture

/// `cnncalc chart SPEC --kind rf|memory|cost [-o FILE]`: one chart as a standalone SVG.
struct ChartCommand {
  let environment: Environment
  let options: Options

  static let kinds = ["rf", "memory", "cost"]

  func run() throws(UsageError) -> Tool.ExitCode {
    _ = try options.format(among: ["svg"])
    guard options.operands.count == 1 else { throw UsageError(message: "chart takes one spec") }
    let kind = options.kind ?? "rf"
    guard Self.kinds.contains(kind) else {
      throw UsageError(message: "--kind takes \(Self.kinds.joined(separator: ", ")), not '\(kind)'")
    }
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let run = SpecRun(source, options: options)
    guard let analysis = run.runnableAnalysis(complete: true, environment: environment) else { return .failure }
    let svg: String
    switch kind {
    case "memory":
      guard let chart = Charts.memory(analysis) else {
        environment.writeError("cnncalc: \(analysis.network.name): the memory figures could not be computed\n")
        return .failure
      }
      svg = chart
    case "cost": svg = Charts.cost(analysis)
    default: svg = Charts.field(analysis)
    }
    return environment.deliver(svg, to: options.output)
  }
}
