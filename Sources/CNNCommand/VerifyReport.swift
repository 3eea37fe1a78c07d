import CNNCalc
import CNNGraph
import CNNReport
import CNNVerify
import Foundation

/// The verification table and summary line.
enum VerifyReport {
  /// Without `timings` the text is the same on every run (times go to `bench` or `--timings`).
  static func text(
    _ verification: Verification, analysis: Analysis, threads: Int, kernels: String, style: Style,
    timings: Bool = false,
    width: Int? = nil
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
      summary +=
        "; \(String(format: "%.3f", verification.seconds)) s on \(threads) thread\(threads == 1 ? "" : "s")"
        + ", \(kernels) kernels"
      summary += " (\(String(format: "%.1f", gflops)) GFLOP/s)"
    }
    summary += "; checksum \(String(verification.checksum, radix: 16))"
    var note = ""
    if let width {
      // GFLOP/s goes first; then layer names and field verdicts are shortened around '…'; Memory
      // goes only if that cannot make room. Shapes and the verdict always stay.
      let columns = table.headers
      let fit = table.fitted(
        width: width, dropOrder: ["GFLOP/s"].compactMap { columns.firstIndex(of: $0) },
        shortenable: [0, 3], lastResort: [4])
      table = fit.table
      if !fit.hidden.isEmpty {
        note = "(\(fit.hidden.joined(separator: ", ")) hidden to fit \(width) columns; a larger --width shows it)\n"
      }
    }
    if timings {
      note +=
        "(ms: the third pass on the same weights, after two that drew them and settled the memory; "
        + "bench gives medians)\n"
    }
    return table.render(box: style.boxDrawing) + "\n" + note + summary + "\n"
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
