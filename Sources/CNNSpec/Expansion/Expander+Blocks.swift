import CNNGraph

extension Expander {
  /// Expands one instance of a block named `instance`, reading `input`; returns its output.
  mutating func expandCall(
    _ block: Located<String>, _ arguments: [CallArgumentSyntax], range: SourceRange, instance: String,
    input: TensorID?, scope: Scope
  ) throws(Stop) -> TensorID? {
    try countWork(range)
    guard let definition = blocks[block.value] else {
      var hint = Suggestions.didYouMean(block.value, in: blocks.keys)
      if OperatorKind.named(block.value) != nil {
        hint = "'\(block.value)' is a layer: write its arguments without parentheses, e.g. conv 64 k3"
      }
      throw Stop(diagnostic: Diagnostic(.unknownBlock, "unknown block '\(block.value)'", at: block.range, hint: hint))
    }
    guard scope.frames.count < limits.maximumCallDepth else {
      let chain = (scope.frames.suffix(4).map(\.block) + [block.value]).joined(separator: " → ")
      throw Stop(
        diagnostic: Diagnostic(
          .recursionLimit, "block calls nest deeper than \(limits.maximumCallDepth) levels (… \(chain))",
          at: block.range, hint: "a block that calls itself, directly or not, never ends"))
    }
    guard let input else {
      throw Stop(diagnostic: Diagnostic(.missingInput, "block '\(block.value)' has no input", at: block.range))
    }
    var inner = Scope(prefix: instance + ".")
    inner.parameters = try bind(arguments, to: definition, call: block, scope: scope, input: input)
    inner.names["in"] = input
    inner.trunk = input
    inner.depth = scope.depth + 1
    inner.frames = scope.frames + [ExpansionFrame(block: block.value, instance: instance, call: range)]
    let first = layers.count
    expandBody(definition.body, scope: &inner)
    var output = inner.trunk
    if let outputs = inner.outputs {
      guard outputs.count == 1 else {
        throw Stop(
          diagnostic: Diagnostic(
            .badArgument, "a block has one output; '\(block.value)' declares \(outputs.count)",
            at: definition.name.range))
      }
      output = outputs[0]
    }
    // The instance is a group (`expect layer1.0 params …`, `--depth`) when its layers are its own
    // and its output is the last of them.
    if layers.count - first > 1, output == .layer(layers.count - 1) {
      groups.append(LayerGroup(name: instance, layers: first..<layers.count, block: block.value))
    }
    return output
  }

  /// The value of a call argument or default: a number, extents, sides, or a word that names a
  /// layer, a block or an option (`same`, `off`, `bilinear`). Any other word is an unknown
  /// parameter, reported here rather than where the block uses it.
  private func parameterValue(_ expression: Expression, _ evaluator: Evaluator) throws(Stop) -> ArgumentValue {
    let value: ArgumentValue
    do { value = try evaluator.evaluate(expression) } catch { throw Stop(diagnostic: error.diagnostic) }
    guard case .word(let word) = value, case .name = expression else { return value }
    if OperatorKind.named(word) != nil || blocks[word] != nil || OperatorKind.optionWords.contains(word) {
      return value
    }
    let candidates = Array(evaluator.parameters.keys) + Array(blocks.keys) + Array(OperatorKind.allNames)
    throw Stop(
      diagnostic: Diagnostic(
        .unknownName, "unknown parameter '\(word)'", at: expression.range,
        hint: Suggestions.didYouMean(word, in: candidates)
          ?? "a block argument is a number, extents (1x7), a parameter, a layer keyword or a block name"))
  }

  /// Evaluates call arguments in the caller's scope and binds them to the block's parameters.
  private mutating func bind(
    _ arguments: [CallArgumentSyntax], to block: BlockSyntax, call: Located<String>, scope: Scope, input: TensorID
  ) throws(Stop) -> [String: ArgumentValue] {
    let evaluator = Evaluator(
      parameters: try parameters(with: arguments.map(\.value), scope: scope, stageInput: input), source: source)
    let names = block.parameters.map(\.name.value)
    var values: [String: ArgumentValue] = [:]
    var position = 0
    let signature = "\(block.name.value)(\(names.joined(separator: ", ")))"
    for argument in arguments {
      let value = try parameterValue(argument.value, evaluator)
      if let name = argument.name {
        guard names.contains(name.value) else {
          throw Stop(
            diagnostic: Diagnostic(
              .unknownArgument, "block '\(block.name.value)' has no parameter '\(name.value)'",
              at: name.range, hint: Suggestions.didYouMean(name.value, in: names) ?? signature))
        }
        guard values[name.value] == nil else {
          throw Stop(
            diagnostic: Diagnostic(.unknownArgument, "parameter '\(name.value)' is given twice", at: name.range))
        }
        values[name.value] = value
      } else {
        guard position < names.count else {
          throw Stop(
            diagnostic: Diagnostic(
              .wrongArity, "block '\(block.name.value)' takes \(names.count) arguments, given \(arguments.count)",
              at: argument.value.range, hint: signature))
        }
        guard values[names[position]] == nil else {
          throw Stop(
            diagnostic: Diagnostic(
              .unknownArgument, "parameter '\(names[position])' is given twice, by name and by position",
              at: argument.value.range, hint: "after a named argument, name the rest too: \(signature)"))
        }
        values[names[position]] = value
        position += 1
      }
    }
    for parameter in block.parameters where values[parameter.name.value] == nil {
      guard let fallback = parameter.defaultValue else {
        throw Stop(
          diagnostic: Diagnostic(
            .wrongArity, "block '\(block.name.value)' needs a value for '\(parameter.name.value)'",
            at: call.range, hint: signature))
      }
      // A default reads the block's own scope: its parameters so far, and `in` is the call's input.
      var blockScope = Scope(prefix: "")
      blockScope.parameters = values
      blockScope.names["in"] = input
      blockScope.frames = scope.frames + [ExpansionFrame(block: block.name.value, instance: "", call: call.range)]
      let parameters = try parameters(with: [fallback], scope: blockScope, stageInput: input)
      values[parameter.name.value] = try parameterValue(fallback, Evaluator(parameters: parameters, source: source))
    }
    return values
  }
}
