import CNNCalc
import CNNGraph
import CNNPicture
import Foundation

/// `cnncalc graph SPEC [--format svg|dot] [--depth N] [-o FILE]`: the network as a drawing.
struct GraphCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    let format = try options.format(among: ["svg", "dot"])
    guard options.operands.count == 1 else { throw UsageError(message: "graph takes one spec") }
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let run = SpecRun(source, options: options)
    guard let analysis = run.runnableAnalysis(complete: false, environment: environment) else { return .failure }
    let depth = options.depth ?? DrawingGraph.defaultFoldLevel(analysis)
    let graph = DrawingGraph(analysis, foldingAt: depth == 0 ? 1 : depth)
    let title = "\(analysis.network.name) — " + ExtentTextForTitle.inputs(analysis)
    let text =
      format == "dot"
      ? GraphPicture.dot(graph, title: analysis.network.name)
      : GraphPicture.svg(graph, layout: LayeredLayout(graph), title: title)
    return environment.deliver(text, to: options.output)
  }
}

/// `image 3x224x224` for titles.
enum ExtentTextForTitle {
  static func inputs(_ analysis: Analysis) -> String {
    analysis.inputs.map { "\($0.name) \(ExtentText.of($0.shape))" }.joined(separator: ", ")
  }
}

extension Environment {
  /// Writes `text` to the file at `path` (or standard output without one); exit 2 when the file
  /// cannot be written.
  func deliver(_ text: String, to path: String?) -> Tool.ExitCode {
    guard let path else {
      writeOut(text)
      return .success
    }
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return .success
    } catch {
      writeError("cnncalc: cannot write \(path)\n")
      return .usage
    }
  }
}
