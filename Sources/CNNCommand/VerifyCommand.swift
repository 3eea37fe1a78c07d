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
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let tool = Tool(environment: environment)
    let run = SpecRun(source, options: options)
    environment.writeError(
      run.structuralErrors.map { DiagnosticRenderer.text($0, source: source, style: tool.errorStyle) + "\n" }.joined())
    guard let analysis = run.analysis, analysis.isComplete, run.structuralErrors.isEmpty else { return .failure }
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
        analysis, options: EngineOptions(threads: threads, seed: options.seed, batch: options.batch)
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
        verification, analysis: analysis, threads: threads, style: tool.outputStyle, timings: options.timings))
    return verification.passed ? .success : .failure
  }

  /// Activation peak, plus the largest layer's weights twice (drawn and repacked), plus GEMM
  /// workspace: a generous bound on what the engine allocates.
  static func memoryNeeded(_ analysis: Analysis) -> Int {
    let weights = analysis.layers.map { $0.params * 4 }.max() ?? 0
    return analysis.totals.peakActivationBytes + 2 * weights + 64 << 20
  }
}

/// The verification table and summary line.
enum VerifyReport {
  /// Without `timings` the text is the same on every run (times go to `bench` or `--timings`).
  static func text(
    _ verification: Verification, analysis: Analysis, threads: Int, style: Style, timings: Bool = false
  ) -> String {
    var table = TextTable(
      headers: ["Layer", "Calculated", "Measured", "RF", "Memory", ""] + (timings ? ["ms", "GFLOP/s"] : []),
      alignments: [.left, .left, .left, .left, .right, .left] + (timings ? [.right, .right] : []))
    let ok = style.boxDrawing ? "✓" : "ok"
    let bad = style.boxDrawing ? "✗" : "FAIL"
    for (check, facts) in zip(verification.layers, analysis.layers) {
      let field: String
      switch check.field {
      case .match(let probeInput): field = probeInput.map { "match at \(ExtentText.of($0))" } ?? "match"
      case .mismatch(let text): field = "MISMATCH: \(text)"
      case .notCompared(let reason): field = "not compared: \(reason.rawValue)"
      }
      let gflops =
        check.macs > 0 && check.seconds > 0 ? String(format: "%.1f", 2 * Double(check.macs) / check.seconds / 1e9) : ""
      table.rows.append(
        [
          String(repeating: "  ", count: facts.depth) + check.name, ExtentText.of(check.calculatedShape),
          ExtentText.of(check.measuredShape), field, Humanize.bytes(check.measuredBytes),
          check.passed ? ok : bad,
        ] + (timings ? [String(format: "%.2f", check.seconds * 1000), gflops] : []))
    }
    let failures = verification.layers.filter { !$0.passed }
    let peak =
      verification.calculatedPeak == verification.measuredPeak
      ? "peak \(Humanize.bytes(verification.measuredPeak)) as calculated"
      : "PEAK MISMATCH: calculated \(Grouping.integer(verification.calculatedPeak)), measured \(Grouping.integer(verification.measuredPeak))"
    let gflops = 2 * Double(analysis.totals.macs) / verification.seconds / 1e9
    var summary = "\(analysis.network.name): \(verification.layers.count) layers, "
    summary +=
      failures.isEmpty
      ? "shapes, receptive fields and memory agree" : "\(failures.count) disagree (first: \(failures[0].name))"
    summary += "; \(fieldSummary(verification))"
    summary += "; \(peak)"
    if timings {
      summary += "; \(String(format: "%.3f", verification.seconds)) s on \(threads) thread\(threads == 1 ? "" : "s")"
      summary += " (\(String(format: "%.1f", gflops)) GFLOP/s)"
    }
    summary += "; checksum \(String(verification.checksum, radix: 16))"
    return table.render(box: style.boxDrawing) + "\n" + summary + "\n"
  }

  /// `fields: 52 compared (3 at a larger input), 2 not compared (2 irregular field)`.
  static func fieldSummary(_ verification: Verification) -> String {
    var compared = 0
    var larger = 0
    var missed = [NotComparedReason: Int]()
    for check in verification.layers {
      switch check.field {
      case .match(let probeInput):
        compared += 1
        if probeInput != nil { larger += 1 }
      case .mismatch: compared += 1
      case .notCompared(let reason): missed[reason, default: 0] += 1
      }
    }
    var text = "fields: \(compared) compared"
    if larger > 0 { text += " (\(larger) at a larger input)" }
    let notCompared = missed.values.reduce(0, +)
    if notCompared > 0 {
      let reasons = NotComparedReason.allCases.compactMap { reason in missed[reason].map { "\($0) \(reason.rawValue)" }
      }
      text += ", \(notCompared) not compared (\(reasons.joined(separator: ", ")))"
    }
    return text
  }

}
