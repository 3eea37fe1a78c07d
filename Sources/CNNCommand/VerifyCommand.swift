import CNNCalc
import CNNGraph
import CNNReference
import CNNReport
import CNNSpec
import CNNVerify
import Dispatch
import Foundation

/// `cnncalc verify SPEC`: runs the reference forward pass and compares measured shapes, receptive
/// fields and memory with the calculated ones.
struct VerifyCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    guard options.operands.count == 1 else { throw UsageError(message: "verify takes one spec") }
    let kernels = try KernelSelection.requestedOrUsageError()
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let tool = Tool(environment: environment)
    let run = SpecRun(source, options: options)
    guard let analysis = run.runnableAnalysis(complete: true, environment: environment) else { return .failure }
    let needed = Self.memoryNeeded(analysis)
    let allowed = options.maxMemory ?? Int(ProcessInfo.processInfo.physicalMemory / 2)
    guard needed <= allowed else {
      environment.writeError(
        "cnncalc: verify \(analysis.network.name) needs about \(Humanize.bytes(needed)) "
          + "(\(Grouping.integer(needed)) bytes), more than the allowed \(Humanize.bytes(allowed)); "
          + "raise the limit with --max-memory, e.g. --max-memory \(Humanize.bytes(needed * 2).replacing(" ", with: "")), "
          + "or use a smaller --input or --batch\n")
      return .failure
    }
    Allocator.keepFreedMemory()
    let threads = options.threads ?? ProcessInfo.processInfo.activeProcessorCount
    let started = DispatchTime.now().uptimeNanoseconds
    let showProgress = environment.errorIsTerminal
    let verification: Verification
    do {
      verification = try Verifier.verify(
        analysis,
        options: EngineOptions(threads: threads, seed: options.seed, batch: options.batch, kernels: kernels),
        timed: options.timings
      ) { index, count in
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if showProgress, elapsed > 1 {
          environment.writeError("\r  layer \(index + 1) of \(count), \(String(format: "%.1f", elapsed)) s")
        }
      }
    } catch {
      environment.writeError("\ncnncalc: \(error.message)\n")
      return .failure
    }
    if showProgress { environment.writeError("\r\u{1B}[K") }
    environment.writeOut(
      VerifyReport.text(
        verification, analysis: analysis, threads: threads, kernels: kernels.name, style: tool.outputStyle,
        timings: options.timings,
        width: options.width ?? environment.terminalWidth))
    return verification.passed ? .success : .failure
  }

  /// Activation peak, plus the largest layer's weights twice (drawn and repacked), plus GEMM
  /// workspace: a generous bound on what the engine allocates.
  static func memoryNeeded(_ analysis: Analysis) -> Int {
    let weights = analysis.layers.map { $0.params * 4 }.max() ?? 0
    return analysis.totals.peakActivationBytes + 2 * weights + 64 << 20
  }
}
