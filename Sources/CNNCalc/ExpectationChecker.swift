import CNNGraph

/// Checks `expect` lines against an analysis; every failure is a located diagnostic saying the
/// expected value, the actual one and the difference.
enum ExpectationChecker {
  static func check(_ expectations: [Expectation], analysis: Analysis) -> [Diagnostic] {
    let byName = Dictionary(analysis.layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var diagnostics: [Diagnostic] = []
    for expectation in expectations {
      if let reason = unevaluable(expectation, analysis: analysis, layers: byName) {
        diagnostics.append(
          Diagnostic(
            .expectNotEvaluated, "this expect line is not evaluated: \(reason)", at: expectation.range,
            layer: expectation.layer))
        continue
      }
      if let group = expectation.group, let missing = group.members.first(where: { byName[$0] == nil }) {
        diagnostics.append(
          Diagnostic(
            .expectNotEvaluated,
            "this expect line is not evaluated: '\(missing)' of group '\(group.name)' was not computed",
            at: expectation.range, layer: expectation.layer))
        continue
      }
      if let message = failure(expectation, analysis: analysis, layers: byName) {
        var code = DiagnosticCode.expectFailed
        if case .value(let comparison, _, _) = expectation.claim, comparison == .lessOrEqual || comparison == .less {
          code = .budgetExceeded
        }
        diagnostics.append(Diagnostic(code, message, at: expectation.range, layer: expectation.layer))
      }
    }
    return diagnostics
  }

  /// Why `expectation` cannot be judged (the analysis stopped before what it names), or nil.
  static func unevaluable(_ expectation: Expectation, analysis: Analysis, layers: [String: LayerFacts]) -> String? {
    if let name = expectation.layer {
      guard layers[name] == nil, !analysis.inputs.contains(where: { $0.name == name }) else { return nil }
      return "'\(name)' was not computed (the analysis stopped at \(analysis.stoppedAt ?? "an earlier error"))"
    }
    guard !analysis.totalsComplete else { return nil }
    if analysis.isComplete { return "the network's totals exceed the 64-bit integer range" }
    return "the totals are incomplete (the analysis stopped at \(analysis.stoppedAt ?? "an earlier error"))"
  }

  /// The failure message, or nil when the expectation holds (or cannot be judged: see `unevaluable`).
  static func failure(_ expectation: Expectation, analysis: Analysis, layers: [String: LayerFacts]) -> String? {
    var tensor: TensorFacts?
    var layer: LayerFacts?
    if let name = expectation.layer {
      layer = layers[name]
      tensor = layer?.output ?? analysis.inputs.first { $0.name == name }
      guard tensor != nil else { return nil }
    } else if !analysis.isComplete {
      return nil
    }
    switch expectation.claim {
    case .value(let comparison, let claimed, let tolerance):
      guard let metric = expectation.metric else { return nil }
      let subject = (expectation.subject.map { "\($0) " } ?? "") + metric.rawValue
      let measured =
        if let group = expectation.group {
          groupValue(metric, group.members.compactMap { layers[$0] })
        } else {
          value(metric, totals: analysis.totals, layer: layer, analysis: analysis)
        }
      guard let actual = measured.map(Rational.init)
      else { return "\(subject) cannot be compared: it exceeds the 64-bit integer range" }
      return compare(
        subject, actual: actual, comparison: comparison, claimed: claimed, tolerance: tolerance,
        inBytes: metric.isBytes)
    case .shape(let shape):
      guard let tensor, tensor.shape != shape else { return nil }
      return
        "expected \(expectation.subject ?? "") to have shape \(ExtentText.of(shape)), actual \(ExtentText.of(tensor.shape))"
    case .receptiveField(let size, let jump, let start):
      guard let tensor else { return nil }
      guard case .regular(let field) = tensor.receptiveField else {
        return
          "expected \(expectation.subject ?? "") to have a regular receptive field, actual: \(FindingReporter.fieldText(tensor.receptiveField))"
      }
      let claims: [(String, [Rational]?, [Rational])] = [
        ("size", size, field.size), ("jump", jump, field.jump), ("start", start, field.start),
      ]
      for (name, claimed, actual) in claims {
        guard let claimed else { continue }
        let expanded = claimed.count == 1 ? Array(repeating: claimed[0], count: actual.count) : claimed
        if expanded != actual {
          return
            "expected \(expectation.subject ?? "") receptive-field \(name) \(ExtentText.of(claimed)), actual \(ExtentText.of(actual))"
        }
      }
      return nil
    }
  }

  /// A count summed over a group's members; nil when the sum leaves the 64-bit range.
  static func groupValue(_ metric: Metric, _ members: [LayerFacts]) -> Int? {
    var total = 0
    for member in members {
      guard let value = layerValue(metric, member),
        let sum = try? Checked.add(total, value)
      else { return nil }
      total = sum
    }
    return total
  }

  /// A per-layer count (the reader refuses network totals on a layer).
  static func layerValue(_ metric: Metric, _ layer: LayerFacts) -> Int? {
    switch metric {
    case .params, .trainableParams: return layer.params
    case .buffers: return layer.buffers
    case .macs: return layer.macs
    case .flops: return try? Checked.multiply(layer.macs, 2)
    case .otherOps: return layer.otherOps
    case .activations, .peak, .memory, .paramBytes, .layers: return nil
    }
  }

  static func value(_ metric: Metric, totals: Totals, layer: LayerFacts?, analysis: Analysis) -> Int? {
    if let layer { return layerValue(metric, layer) }
    switch metric {
    case .params: return totals.params
    case .trainableParams: return totals.trainableParams
    case .buffers: return totals.buffers
    case .macs: return totals.macs
    case .flops: return totals.flops
    case .otherOps: return totals.otherOps
    case .activations: return totals.activationBytes
    case .peak, .memory: return totals.peakActivationBytes
    case .paramBytes: return totals.paramBytes
    case .layers: return analysis.layers.count
    }
  }

  /// The failure message of a claim about a figure, or nil when the claim holds. Byte figures are
  /// written in binary units with the exact bytes in brackets (`8 MiB [8,388,608 B]`), as a user
  /// writes `expect peak <= 8MiB`.
  static func compare(
    _ subject: String, actual: Rational, comparison: Comparison, claimed: Rational, tolerance: Tolerance?,
    inBytes: Bool = false
  ) -> String? {
    guard let difference = try? actual - claimed else { return "\(subject) cannot be compared: overflow" }
    let holds: Bool
    switch comparison {
    case .equal:
      var allowed = Rational.zero
      switch tolerance {
      case .absolute(let amount): allowed = amount
      case .percent(let percent): allowed = (try? claimed * percent / Rational(100)) ?? .zero
      case nil: break
      }
      let magnitude = difference < .zero ? ((try? -difference) ?? difference) : difference
      holds = magnitude <= (allowed < .zero ? ((try? -allowed) ?? allowed) : allowed)
    case .lessOrEqual: holds = actual <= claimed
    case .less: holds = actual < claimed
    case .greaterOrEqual: holds = actual >= claimed
    case .greater: holds = actual > claimed
    }
    guard !holds else { return nil }
    let sign = difference < .zero ? "" : "+"
    var relative = ""
    if claimed != .zero, let ratio = try? difference * Rational(100) / claimed {
      relative = ", \(sign)\(Grouping.decimal(ratio, places: 2))%"
    }
    func figure(_ value: Rational) -> String {
      guard inBytes, value.isInteger, value.numerator >= 1024 else { return Grouping.exact(value) }
      return "\(Humanize.bytes(value.numerator)) [\(Grouping.integer(value.numerator)) B]"
    }
    func amount(_ value: Rational) -> String {
      guard inBytes, value.isInteger else { return Grouping.exact(value) }
      let magnitude = value.numerator.magnitude
      return (value.numerator < 0 ? "-" : "") + (magnitude >= 1024 ? Humanize.bytes(Int(magnitude)) : "\(magnitude) B")
    }
    let claim = comparison == .equal ? figure(claimed) : "\(comparison.rawValue) \(figure(claimed))"
    let toleranceText: String
    switch tolerance {
    case .absolute(let amount): toleranceText = " ± \(figure(amount))"
    case .percent(let percent): toleranceText = " ± \(Grouping.decimal(percent, places: 4))%"
    case nil: toleranceText = ""
    }
    return
      "expected \(subject) \(claim)\(toleranceText), actual \(figure(actual)) (\(sign)\(amount(difference))\(relative))"
  }

}
