import CNNGraph

/// Reads `expect` lines into `Expectation`s, resolving layer names against the expanded network.
struct ExpectationReader {
  let source: SourceFile

  func read(
    _ syntax: ExpectSyntax, scope: Expander.Scope, inputs: [NetworkInput], layers: [Layer], layerIndex: [String: Int],
    groups: [LayerGroup]
  ) throws(Expander.Stop) -> Expectation {
    var layerName: String?
    var group: (name: String, members: [String])?
    if let layer = syntax.layer {
      // `conv1.conv`: the first member of group `conv1`, which carries the group's own name.
      func firstMember() -> LayerGroup? {
        guard layerIndex[layer.value] == nil, scope.names[layer.value] == nil else { return nil }
        return groups.first {
          layers[$0.layers.lowerBound].name == $0.name
            && "\($0.name).\(layers[$0.layers.lowerBound].op.keyword)" == layer.value
        }
      }
      if let named = groups.first(where: { $0.name == layer.value }) {
        // A label over several layers names them as a group.
        layerName = layers[named.layers.upperBound - 1].name
        group = (named.name, named.layers.map { layers[$0].name })
      } else if let first = firstMember() {
        layerName = first.name
      } else if let tensor = scope.names[layer.value] {
        // A label may name an input (`a = from x`): the claim is about that input.
        switch tensor {
        case .layer(let index): layerName = layers[index].name
        case .input(let index): layerName = inputs[index].name
        }
        if case .input(let index) = tensor, let metric = syntax.metric {
          let input = inputs[index]
          let subject = input.name == layer.value ? "'\(input.name)'" : "'\(layer.value)' (input '\(input.name)')"
          throw Expander.Stop(
            diagnostic: Diagnostic(
              .badArgument, "\(subject) is a network input, which has no \(metric.value)", at: metric.range,
              hint: "claim its shape instead, e.g. expect \(layer.value) \(ExtentText.of(input.shape))"))
        }
      } else if layerIndex[layer.value] != nil {
        layerName = layer.value
      } else {
        throw Expander.Stop(
          diagnostic: Diagnostic(
            .unknownName, "unknown layer '\(layer.value)'", at: layer.range,
            hint: Suggestions.didYouMean(layer.value, in: Array(scope.names.keys) + Array(layerIndex.keys))))
      }
    }
    var metric: Metric?
    if let word = syntax.metric {
      metric = Metric(rawValue: word.value)
      if syntax.layer != nil, let found = metric,
        ![.params, .trainableParams, .buffers, .macs, .flops, .otherOps].contains(found)
      {
        throw Expander.Stop(
          diagnostic: Diagnostic(
            .badArgument, "'\(word.value)' is a network total, not a per-layer count",
            at: word.range, hint: "per layer: params, trainable_params, buffers, macs, flops, other_ops"))
      }
    }
    let claim: Claim
    switch syntax.claim {
    case .value(let comparison, let valueRange, let toleranceSyntax):
      let value = try quantity(valueRange)
      var tolerance = comparison.value == .equal ? implicitTolerance(valueRange) : nil
      if let toleranceSyntax {
        let amount = try quantity(toleranceSyntax.value)
        tolerance = toleranceSyntax.isPercent ? .percent(amount) : .absolute(amount)
        if comparison.value != .equal {
          throw Expander.Stop(
            diagnostic: Diagnostic(.badArgument, "a tolerance applies only to '=' claims", at: toleranceSyntax.value))
        }
      }
      claim = .value(comparison.value, value, tolerance: tolerance)
    case .shape(let range):
      guard let shape = Literals.dimensions(Substring(source.text(range))) else {
        throw Expander.Stop(
          diagnostic: Diagnostic(
            .badNumber, "cannot read '\(source.text(range))' as a shape", at: range,
            hint: "write the shape without batch, e.g. 96x55x55"))
      }
      claim = .shape(shape)
    case .receptiveField(let size, let jump, let start):
      claim = .receptiveField(
        size: try rationals(size), jump: try jump.map { r throws(Expander.Stop) in try rationals(r) },
        start: try start.map { r throws(Expander.Stop) in try rationals(r) })
    }
    var expectation = Expectation(layer: layerName, metric: metric, claim: claim, range: syntax.range)
    expectation.group = group
    return expectation
  }

  /// A value written with a unit suffix claims only the digits written: `15.47G` holds for
  /// anything that rounds to it, i.e. within half a unit of the last digit (± 0.005G).
  private func implicitTolerance(_ range: SourceRange) -> Tolerance? {
    let text = source.text(range)
    guard let suffixStart = text.firstIndex(where: { $0.isLetter }),
      let multiplier = Literals.suffixes[String(text[suffixStart...])],
      multiplier > 1
    else { return nil }
    let digits = text[..<suffixStart]
    let decimals = digits.firstIndex(of: ".").map { digits.distance(from: $0, to: digits.endIndex) - 1 } ?? 0
    var unit = Rational(multiplier)
    for _ in 0..<decimals { unit = (try? unit / Rational(10)) ?? unit }
    return (try? unit / Rational(2)).map { .absolute($0) }
  }

  private func quantity(_ range: SourceRange) throws(Expander.Stop) -> Rational {
    guard let value = Literals.quantity(Substring(source.text(range))) else {
      throw Expander.Stop(
        diagnostic: Diagnostic(
          .badNumber, "cannot read '\(source.text(range))' as a number", at: range,
          hint: "write e.g. 61100840, 61.1M, 4.2G or 200MiB"))
    }
    return value
  }

  /// `195`, `195x195`, `-2`, `99.5`: one value for every axis or one per axis.
  private func rationals(_ range: SourceRange) throws(Expander.Stop) -> [Rational] {
    var text = Substring(source.text(range))
    var negative = false
    if text.hasPrefix("-") {
      negative = true
      text = text.dropFirst().drop { $0 == " " || $0 == "\t" }
    }
    var values: [Rational] = []
    for part in text.split(separator: "x", omittingEmptySubsequences: false) {
      guard let value = Literals.decimal(part) else {
        throw Expander.Stop(
          diagnostic: Diagnostic(
            .badNumber, "cannot read '\(source.text(range))' as a receptive-field value", at: range))
      }
      values.append(negative ? (try? -value) ?? value : value)
    }
    return values
  }
}
