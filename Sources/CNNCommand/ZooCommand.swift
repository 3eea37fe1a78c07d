import CNNGraph
import CNNSpec
import CNNZoo

/// `cnncalc zoo`: the bundled specs, each with its first comment line.
struct ZooCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    guard options.operands.isEmpty else { throw UsageError(message: "zoo takes no operands") }
    let width = Zoo.names.map(\.count).max() ?? 0
    for (name, text) in Zoo.specs.sorted(by: { $0.name < $1.name }) {
      // The first comment line up to its first colon: "AlexNet as trained", "ResNet-50".
      let line =
        text.split(separator: "\n").first { $0.hasPrefix("#") }.map { $0.dropFirst().trimmingPrefix(" ") } ?? ""
      let summary = line.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
      environment.writeOut(name + String(repeating: " ", count: width - name.count) + "  " + summary + "\n")
    }
    return .success
  }
}
