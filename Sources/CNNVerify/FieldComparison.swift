import CNNCalc
import CNNGraph
import CNNReference

/// How a layer's measured receptive field compares with the calculated one.
public enum FieldCheck: Sendable, Equatable {
  /// Every unit of one full period (and the first unit of the next) depends on exactly the span the
  /// calculator gives it; `probeInput` is the input extents probed when they are not the declared ones.
  case match(probeInput: [Int]?)
  /// They disagree; the text names the unit and both spans.
  case mismatch(String)
  /// Not compared, for `reason`.
  case notCompared(NotComparedReason)

  /// Whether the field was compared (matched or not).
  public var wasCompared: Bool {
    if case .notCompared = self { return false }
    return true
  }

  /// Whether this counts as a failure.
  public var failed: Bool {
    if case .mismatch = self { return true }
    return false
  }
}

/// Why a field was not compared.
public enum NotComparedReason: String, Sendable, Equatable, CaseIterable {
  /// Every unit's calculated field reaches past what the input provides, at the declared input and
  /// (where the field does not depend on the input size) at a larger one.
  case clipped = "clipped at the border"
  /// The calculator describes no pattern (after flatten, reshape, mismatched jumps).
  case irregular = "irregular field"
  /// The calculator could not follow the field.
  case unknown = "field not computed"
  /// The calculated field is a pattern but the output is flat.
  case flat = "flat output"
  /// The units depend on no input coordinate.
  case noDependency = "depends on no input"
  /// The calculated and measured ranks differ (the shape check reports it).
  case rank = "rank differs"
}

/// Compares calculated fields with the dependency probe's spans.
public enum FieldComparison {
  /// Compares `calculated` with what the probe measured for the same layer.
  public static func compare(_ calculated: ReceptiveField, _ measured: ProbeResult, probeInput: [Int]? = nil)
    -> FieldCheck
  {
    switch (calculated, measured) {
    case (.irregular, _): return .notCompared(.irregular)
    case (.unknown, _): return .notCompared(.unknown)
    case (_, .none): return .notCompared(.noDependency)
    case (.whole, .flat(let covers)), (.whole, .spatial(_, _, let covers)):
      return covers
        ? .match(probeInput: probeInput)
        : .mismatch("calculated: every unit depends on all its inputs; measured: not every unit does")
    case (.regular, .flat): return .notCompared(.flat)
    case (.regular(let field), .spatial(let units, let available, _)):
      guard field.axes.count == units.count else { return .notCompared(.rank) }
      for axis in field.axes.indices {
        guard let region = available[axis] else { return .notCompared(.noDependency) }
        switch compareAxis(field.axes[axis], units[axis], region: region, axis: axis) {
        case .some(let problem): return problem
        case .none: continue
        }
      }
      return .match(probeInput: probeInput)
    }
  }

  /// Compares one full period of units plus one (for the shift) whose calculated spans lie inside
  /// `region`, chosen as close to the middle as possible. Returns nil when they all agree.
  static func compareAxis(_ field: AxisField, _ spans: [ClosedRange<Int>?], region: ClosedRange<Int>, axis: Int)
    -> FieldCheck?
  {
    let needed = min(field.period + 1, spans.count)
    guard needed > 0 else { return .notCompared(.noDependency) }
    let middle = (spans.count - needed) / 2
    var candidates = [middle]
    for step in 1...(field.period + 2) { candidates += [middle - step, middle + step] }
    for first in candidates where first >= 0 && first + needed <= spans.count {
      guard let expected = try? (first..<(first + needed)).map({ try field.span(of: $0) }) else {
        return .notCompared(.unknown)
      }
      let inside = expected.allSatisfy { span in
        span.map { $0.low >= region.lowerBound && $0.high <= region.upperBound } ?? true
      }
      guard inside else { continue }
      for (offset, span) in expected.enumerated() {
        let measured = spans[first + offset]
        let calculated = span.map { $0.low...$0.high }
        if measured != calculated {
          return .mismatch(
            "unit \(first + offset) on axis \(axis + 1): calculated \(text(calculated)), measured \(text(measured))")
        }
      }
      return nil
    }
    return .notCompared(.clipped)
  }

  static func text(_ span: ClosedRange<Int>?) -> String {
    guard let span else { return "no pixels" }
    return "pixels \(span.lowerBound)…\(span.upperBound)"
  }
}
