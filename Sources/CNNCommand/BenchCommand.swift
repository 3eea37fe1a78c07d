import CNNCalc
import CNNGraph
import CNNKernelSet
import CNNReference
import CNNReport
import CNNSpec
import Foundation

/// `cnncalc bench SPEC…`: forward-pass speed of the reference engine, next to the machine's FMA peak.
struct BenchCommand {
  let environment: Environment
  let options: Options

  struct Result {
    var name: String
    var medianSeconds: Double
    /// The fastest run: on a shared machine, the least disturbed.
    var bestSeconds: Double
    var gflops: Double
    var runs: Int
    /// The five slowest layers, or with `--verbose` every layer in network order.
    var slowest: [LayerTime]
    /// Time per operator type, largest first (layers run inside the layer before them left out).
    var byOperator: [(String, Double)]
    /// How many layers of each operator type ran inside the layer before them, most first.
    var fused: [(String, Int)]
    /// How many layers ran as Winograd F(2 × 2, 3 × 3).
    var winogradLayers: Int
  }

  struct LayerTime {
    var name: String
    /// Mean wall time per run.
    var seconds: Double
    /// 2 × MACs / seconds / 10⁹; 0 for layers without multiply-adds.
    var gflops: Double
    /// The layer this one ran inside, if it did (`EngineOptions.fusesEpilogues`).
    var fusedInto: String?
    /// Whether it ran as Winograd F(2 × 2, 3 × 3) (`EngineOptions.usesWinograd`).
    var winograd: Bool
  }

  func run() throws(UsageError) -> Tool.ExitCode {
    let format = try options.format(among: ["text", "json"])
    guard !options.operands.isEmpty else { throw UsageError(message: "bench needs a spec") }
    let kernels = try KernelSelection.requestedOrUsageError()
    Allocator.keepFreedMemory()
    let threads = options.threads ?? ProcessInfo.processInfo.activeProcessorCount
    // The machine's peak, with the widest vectors it runs, whichever set the networks use.
    let peak = PeakProbe.gigaflops(threads: threads)
    var results: [Result] = []
    for operand in options.operands {
      guard let source = environment.loadSpec(operand) else { return .usage }
      let run = SpecRun(source, options: options)
      guard let analysis = run.analysis, analysis.isComplete, run.structuralErrors.isEmpty else {
        environment.writeError(run.renderedDiagnostics(style: Tool(environment: environment).errorStyle))
        return .failure
      }
      do {
        results.append(try measure(analysis, threads: threads, kernels: kernels))
      } catch {
        environment.writeError("cnncalc: \(analysis.network.name): \(error.message)\n")
        return .failure
      }
    }
    environment.writeOut(
      format == "json"
        ? json(results, peak: peak, threads: threads, kernels: kernels)
        : text(results, peak: peak, threads: threads, kernels: kernels))
    return .success
  }

  /// One warm-up run (which also draws the weights), then timed runs: at least 3, more for fast
  /// networks, up to about two seconds; the median is reported.
  func measure(_ analysis: Analysis, threads: Int, kernels: KernelSet) throws(EngineError) -> Result {
    let engine = Engine(
      network: analysis.network,
      options: EngineOptions(
        threads: threads, seed: options.seed, batch: options.batch, kernels: kernels,
        fusesEpilogues: !options.unfused, splitsBatch: !options.unfused,
        usesWinograd: !options.unfused && !options.noWinograd))
    let parameters = ParameterStore()
    let warmUp = try engine.run(parameters: parameters)
    let runs = options.runs ?? max(3, min(25, Int(2 / max(warmUp.seconds, 1e-4))))
    var times: [Double] = []
    var layerTimes = [Double](repeating: 0, count: analysis.layers.count)
    for _ in 0..<runs {
      let result = try engine.run(parameters: parameters)
      times.append(result.seconds)
      for (index, layer) in result.layers.enumerated() { layerTimes[index] += layer.seconds / Double(runs) }
    }
    let median = times.sorted()[times.count / 2]
    let listed = Array(layerTimes.enumerated())
    let chosen = options.verbose ? listed : Array(listed.sorted { $0.element > $1.element }.prefix(5))
    let slowest = chosen.map { index, seconds in
      let macs = analysis.layers[index].macs
      return LayerTime(
        name: analysis.layers[index].name, seconds: seconds, gflops: macs > 0 ? 2 * Double(macs) / seconds / 1e9 : 0,
        fusedInto: warmUp.layers[index].fusedInto, winograd: warmUp.layers[index].winograd)
    }
    var byOperator: [String: Double] = [:]
    var fused: [String: Int] = [:]
    for (index, seconds) in layerTimes.enumerated() {
      let op = analysis.layers[index].op
      if warmUp.layers[index].fusedInto == nil {
        byOperator[op, default: 0] += seconds
      } else {
        fused[op, default: 0] += 1
      }
    }
    return Result(
      name: analysis.network.name, medianSeconds: median, bestSeconds: times.min() ?? median,
      gflops: 2 * Double(analysis.totals.macs) / median / 1e9, runs: runs, slowest: slowest,
      byOperator: byOperator.sorted { $0.value > $1.value },
      fused: fused.sorted { ($1.value, $0.key) < ($0.value, $1.key) },
      winogradLayers: warmUp.layers.filter(\.winograd).count)
  }

  func text(_ results: [Result], peak: Double, threads: Int, kernels: KernelSet) -> String {
    var lines = [
      "kernels: \(kernels) — \(KernelSelection.howChosen)",
      "FMA peak of this machine: \(format(peak, 1)) GFLOP/s on \(threads) thread\(threads == 1 ? "" : "s") "
        + "(fp32, \(KernelSelection.available[0].name) vectors)",
    ]
    for result in results {
      lines.append(
        "\(result.name): median \(format(result.medianSeconds * 1000, 2)) ms (best \(format(result.bestSeconds * 1000, 2))) over \(result.runs) runs, "
          + "\(format(result.gflops, 1)) GFLOP/s (\(format(100 * result.gflops / peak, 1))% of peak)")
      lines.append(options.verbose ? "  every layer:" : "  slowest layers:")
      for layer in result.slowest {
        if let host = layer.fusedInto {
          lines.append("    \(layer.name): inside \(host)")
          continue
        }
        lines.append(
          "    \(layer.name): \(format(layer.seconds * 1000, 2)) ms"
            + (layer.gflops > 0 ? ", \(format(layer.gflops, 1)) GFLOP/s" : "") + (layer.winograd ? " (Winograd)" : ""))
      }
      lines.append(
        "  time by operator: "
          + result.byOperator.prefix(6).map { "\($0.0) \(format($0.1 * 1000, 1)) ms" }.joined(separator: ", "))
      if !result.fused.isEmpty {
        lines.append(
          "  fused into the layer before: " + result.fused.map { "\($0.0) ×\($0.1)" }.joined(separator: ", "))
      }
      if result.winogradLayers > 0 {
        lines.append(
          "  Winograd F(2×2, 3×3): \(result.winogradLayers) layer\(result.winogradLayers == 1 ? "" : "s") "
            + "(GFLOP/s count the direct convolution's multiply-adds; --no-winograd runs them directly)")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  func json(_ results: [Result], peak: Double, threads: Int, kernels: KernelSet) -> String {
    let networks = results.map { result in
      "{\"name\": \(JSONValue.quote(result.name)), \"threads\": \(threads), \"median_ms\": \(format(result.medianSeconds * 1000, 3)), \"best_ms\": \(format(result.bestSeconds * 1000, 3)), "
        + "\"gflops\": \(format(result.gflops, 2)), \"runs\": \(result.runs), \"winograd_layers\": \(result.winogradLayers)}"
    }
    return "{\"kernels\": \(JSONValue.quote(kernels.name)), \"peak_gflops\": \(format(peak, 2)), \"networks\": ["
      + networks.joined(separator: ", ") + "]}\n"
  }

  func format(_ value: Double, _ places: Int) -> String { String(format: "%.\(places)f", value) }
}
