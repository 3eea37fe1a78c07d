import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec

/// `cnncalc fit SPEC`: input sizes near the declared one that every layer divides evenly, and the
/// padding that would make the declared size fit.
struct FitCommand {
  let environment: Environment
  let options: Options

  func run() throws(UsageError) -> Tool.ExitCode {
    guard options.operands.count == 1 else { throw UsageError(message: "fit takes one spec") }
    guard let source = environment.loadSpec(options.operands[0]) else { return .usage }
    let run = SpecRun(source, options: options)
    guard let analysis = run.analysis else {
      environment.writeError(run.renderedDiagnostics(style: Tool(environment: environment).errorStyle))
      return .failure
    }
    guard let report = Fit.search(analysis.network, radius: options.radius) else {
      environment.writeOut("\(analysis.network.name): the first input has no spatial axes; nothing to fit\n")
      return .success
    }
    environment.writeOut(text(report, analysis: analysis, source: source))
    return .success
  }

  /// "the next sizes that also fit are 225x225 (+1) and 223x223 (−1)" when the declared size fits,
  /// "the nearest sizes that fit are 227x227 (+3) and 195x195 (−29)" (nearest first) when it does not.
  static func nearest(_ sizes: Fit.Sizes, format: (Int) -> String) -> String {
    let neighbours = sizes.neighbours
      .map { "\(format($0)) (\($0 > sizes.declared ? "+" : "−")\(abs($0 - sizes.declared)))" }
    let also = sizes.declaredFits ? " also" : ""
    switch neighbours.count {
    case 0: return sizes.declaredFits ? "no other size fits" : "no size fits every layer"
    case 1: return "the \(sizes.declaredFits ? "next" : "nearest") size that\(also) fits is \(neighbours[0])"
    default:
      return
        "the \(sizes.declaredFits ? "next" : "nearest") sizes that\(also) fit are \(neighbours[0]) and \(neighbours[1])"
    }
  }

  /// Every fitting size of the search, grouped: "every size from 160x160 to 288x288 fits",
  /// "163x163, 195x195, 227x227, 259x259 fit (every 32nd size)", "30 to 40 and 50 fit".
  static func summary(_ sizes: Fit.Sizes, format: (Int) -> String) -> String {
    let limit = 8
    switch sizes.runs {
    case .progression(let values, let step):
      let shown =
        values.count <= limit ? values.map(format) : values.prefix(limit - 1).map(format) + ["…", format(values.last!)]
      return "\(shown.joined(separator: ", ")) fit (every \(Self.ordinal(step)) size)"
    case .list(let ranges):
      if ranges.isEmpty { return "no size fits every layer" }
      if ranges.count == 1, let only = ranges.first, only.count > 1 {
        return "every size from \(format(only.lowerBound)) to \(format(only.upperBound)) fits"
      }
      let text = ranges.prefix(limit).map {
        $0.count == 1 ? format($0.lowerBound) : "\(format($0.lowerBound)) to \(format($0.upperBound))"
      }
      let more = ranges.count > limit ? ", and \(ranges.count - limit) more runs" : ""
      let count = sizes.fitting.count
      return text.joined(separator: ", ") + more + (count == 1 ? " fits" : " fit (\(count) sizes)")
    }
  }

  /// 2 → "2nd", 11 → "11th", 32 → "32nd".
  static func ordinal(_ n: Int) -> String {
    let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
    return "\(n)\(suffix)"
  }

  private func text(_ report: Fit.Report, analysis: Analysis, source: SourceFile) -> String {
    let declared = ExtentText.of(report.declared)
    var lines = ["\(analysis.network.name): input '\(report.inputName)' declared \(declared)"]
    let problems = analysis.diagnostics.filter { [.truncation, .ceilWindowDropped, .partialWindow].contains($0.code) }
    lines.append(
      problems.isEmpty
        ? "every layer fits exactly at the declared \(declared)"
        : "at \(declared), \(problems.count) layer finding\(problems.count == 1 ? "" : "s"):")
    for problem in problems {
      let line =
        problem.range.map {
          source.isBinary ? " (byte \($0.start))" : " (line \(source.lineAndColumn(of: $0.start).line))"
        } ?? ""
      lines.append("  \(problem.code.rawValue)\(line): \(problem.message)")
      if problem.code == .truncation, let hint = problem.hint { lines.append("    fix: \(hint)") }
    }
    lines.append("")
    if report.isSquare {
      let sizes = report.sizes(along: nil)
      let square = { (size: Int) in ExtentText.of(Array(repeating: size, count: report.declared.count)) }
      lines.append(Self.nearest(sizes, format: square))
      lines.append("within ±\(options.radius): " + Self.summary(sizes, format: square))
    } else {
      lines.append("one axis varied at a time, the others as declared, within ±\(options.radius):")
      for axis in report.searches {
        let sizes = report.sizes(along: axis)
        let format = { (size: Int) in String(size) }
        let found =
          sizes.fitting.isEmpty
          ? "no size fits every layer while the other axes stay as declared"
          : "\(Self.nearest(sizes, format: format)); \(Self.summary(sizes, format: format))"
        lines.append("  \(report.axisName(axis)) axis (\(sizes.declared)): \(found)")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
