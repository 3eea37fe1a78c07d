import CNNGraph

/// One layer stage: its keyword resolved, its arguments evaluated (block parameters and shape
/// reads included) and read through the keyword's declaration, its inputs resolved.
extension Expander {
  /// Expands a layer stage reading `input` (merges also read their named operands); returns its index.
  mutating func addLayer(
    _ op: Located<String>, _ arguments: [ArgumentSyntax], name: String, input: TensorID?, isFirst: Bool, scope: Scope
  ) throws(Stop) -> Int {
    guard let kind = OperatorKind.named(op.value) else {
      throw Stop(diagnostic: unknownLayer(op, startsStatement: isFirst))
    }
    let keyword = kind.rawValue
    let expressions = arguments.map { argument -> Expression in
      switch argument {
      case .positional(let expression), .keyed(_, let expression): expression
      }
    }
    let evaluator = Evaluator(
      parameters: try parameters(with: expressions, scope: scope, stageInput: input), source: source)
    var positional: [(value: ArgumentValue, range: SourceRange)] = []
    var keyed: [ArgumentReader.Keyed] = []
    let whole = arguments.reduce(op.range) { $0.union($1.range) }
    var reader: ArgumentReader
    let made: Operator
    do {
      for argument in arguments {
        // A merge operand labelled like a shorthand (`add r s1`) names a tensor, not `s=1`.
        if kind.declaration.isMerge, case .keyed(let key, .literal(let value)) = argument,
          key.range.end == value.start, key.range.end - key.range.start == 1
        {
          let word = source.text(SourceRange(key.range.start, value.end))
          if scope.names[word] != nil || (scope.frames.isEmpty && layerIndex[word] != nil) {
            positional.append((.word(word), SourceRange(key.range.start, value.end)))
            continue
          }
        }
        switch argument {
        case .positional(let expression):
          positional.append((try evaluator.evaluate(expression), expression.range))
        case .keyed(let key, let expression):
          keyed.append(
            .init(
              key: key.value, keyRange: key.range, value: try evaluator.evaluate(expression), range: expression.range))
        }
      }
      reader = ArgumentReader(op: keyword, positional: positional, keyed: keyed, whole: whole)
      reader.parameterNames = Array(scope.parameters.keys)
      made = try OperatorBuilder.make(kind, &reader)
    } catch {
      throw Stop(diagnostic: error.carriedDiagnostic)
    }
    var inputs: [TensorID] = []
    if kind.declaration.isMerge {
      if !isFirst, let input { inputs.append(input) }
      for (operand, range) in reader.remainingWords() {
        inputs.append(try resolve(Located(value: operand, range: range), scope: scope))
      }
      do { try reader.finish(known: []) } catch { throw Stop(diagnostic: error.carriedDiagnostic) }
      guard inputs.count >= 2 else {
        throw Stop(
          diagnostic: Diagnostic(
            .missingArgument, "'\(keyword)' needs at least two inputs", at: whole,
            hint: isFirst ? "name them: \(keyword) a b" : "name the other input: \(keyword) NAME"))
      }
    } else {
      guard let input else {
        throw Stop(
          diagnostic: Diagnostic(
            .missingInput, "'\(keyword)' has no input", at: op.range,
            hint: "start the chain with 'from NAME' or declare an input"))
      }
      inputs = [input]
    }
    return try append(
      Layer(
        name: name, op: made, inputs: inputs, range: whole, expansion: scope.frames,
        depth: scope.depth), range: op.range)
  }
}
