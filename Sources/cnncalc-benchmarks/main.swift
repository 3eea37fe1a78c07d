import CNNCalc
// Analysis-speed benchmark: compile + analyse generated sequential specs of growing size and the
// bundled zoo, reporting the median of several runs. Run with
//   swift run -c release cnncalc-benchmarks
// Method and recorded figures: docs/performance.md.
import CNNGraph
import CNNReference
import CNNReport
import CNNSpec
import CNNZoo
import Dispatch
import Foundation

/// A sequential spec of `layers` layers cycling conv/bn/relu on an 8x32x32 input.
func sequentialSpec(layers: Int) -> String {
  var lines = ["network sequential-\(layers)", "input x 8x32x32"]
  let cycle = ["conv 8 k3 p1", "bn", "relu"]
  for index in 0..<layers { lines.append(cycle[index % cycle.count]) }
  return lines.joined(separator: "\n") + "\n"
}

/// Median wall time of `runs` executions of `body`, in milliseconds.
func medianMilliseconds(runs: Int, _ body: () -> Void) -> Double {
  var times: [Double] = []
  for _ in 0..<runs {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
  }
  return times.sorted()[times.count / 2]
}

func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }

if CommandLine.arguments.dropFirst().first == "gemm" {
  // GEMM shapes of VGG16's convolutions (m = out channels, n = positions, k = in channels × 9),
  // with every kernel set this processor runs (CNNCALC_KERNELS picks one).
  let sets = KernelSelection.requestedName == nil ? KernelSelection.available : [KernelSelection.preferred]
  print("kernels     m     n      k      1 thread GFLOP/s   2 threads GFLOP/s")
  for kernels in sets {
    for (m, n, k) in [
      (64, 50176, 576), (128, 12544, 1152), (256, 3136, 2304), (512, 784, 4608), (512, 196, 4608), (1000, 1, 4096),
    ] {
      let one = KernelBenchmarks.gemm(m: m, n: n, k: k, threads: 1, kernels: kernels)
      let two = KernelBenchmarks.gemm(m: m, n: n, k: k, threads: 2, kernels: kernels)
      print(
        pad(kernels.name, 12) + pad("\(m)", 6) + pad("\(n)", 7) + pad("\(k)", 7) + pad(String(format: one), 19)
          + String(format: two))
    }
  }
  exit(0)
}

if CommandLine.arguments.dropFirst().first == "report" {
  ReportBenchmark.run()
  exit(0)
}

if CommandLine.arguments.dropFirst().first == "import" {
  try ImportBenchmark.run()
  exit(0)
}

if CommandLine.arguments.dropFirst().first == "layers", CommandLine.arguments.count > 2 {
  // Per-layer profile of one zoo network: median of 7 runs after a warm-up.
  let name = CommandLine.arguments[2]
  guard let text = Zoo.text(named: name),
    let network = SpecCompiler.compile(SourceFile(path: name, text: text), shapes: CalculatedShapes()).network
  else {
    print("no zoo spec \(name)")
    exit(2)
  }
  let analysis = Analyzer.analyze(network, suggestFits: false)
  let engine = Engine(network: network, options: EngineOptions(threads: 2))
  let store = ParameterStore()
  _ = try engine.run(parameters: store)
  var times = [[Double]](repeating: [], count: network.layers.count)
  for _ in 0..<7 {
    let run = try engine.run(parameters: store)
    for (index, layer) in run.layers.enumerated() { times[index].append(layer.seconds) }
  }
  for (index, layer) in analysis.layers.enumerated() {
    let median = times[index].sorted()[3]
    let gflops = layer.macs > 0 ? 2 * Double(layer.macs) / median / 1e9 : 0
    let shape = ExtentText.of(layer.output.shape)
    print(
      pad(layer.name, 28) + pad(layer.op, 10) + pad(shape, 16) + pad(String(format: median * 1000), 10)
        + String(format: gflops))
  }
  exit(0)
}

print(pad("workload", 26) + pad("layers", 10) + pad("compile ms", 12) + pad("analyse ms", 12) + "table ms")
var workloads: [(String, String)] = [1_000, 10_000, 100_000].map { ("sequential \($0)", sequentialSpec(layers: $0)) }
workloads += ["resnet152", "googlenet", "vgg16"].map { ($0, Zoo.text(named: $0)!) }
for (name, text) in workloads {
  let source = SourceFile(path: "\(name).cnn", text: text)
  let runs = text.count > 1_000_000 ? 5 : 11
  var network: Network?
  let compile = medianMilliseconds(runs: runs) {
    network = SpecCompiler.compile(source, shapes: CalculatedShapes()).network
  }
  guard let network else { fatalError("\(name) does not compile") }
  var analysis: Analysis?
  let analyse = medianMilliseconds(runs: runs) { analysis = Analyzer.analyze(network) }
  let table = medianMilliseconds(runs: runs) { _ = SummaryReport.table(analysis!) }
  print(
    pad(name, 26) + pad("\(network.layers.count)", 10) + pad(String(format: compile), 12)
      + pad(String(format: analyse), 12) + String(format: table))
}

func String(format value: Double) -> String {
  let hundredths = Int((value * 100).rounded())
  let fraction = hundredths % 100
  return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
