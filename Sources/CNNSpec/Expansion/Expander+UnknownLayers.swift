import CNNGraph

/// Unknown layer types: every one in a chain reported in one run, each with a did-you-mean.
extension Expander {
  /// The statement words a misspelt first word may have meant (`netwrk`, `blok`, `expct`).
  static let statementKeywords = ["network", "input", "block", "end", "expect", "output", "from"]

  /// "unknown layer type", with a did-you-mean among layers, blocks and, for the first word of a
  /// statement, the statement keywords.
  func unknownLayer(_ op: Located<String>, startsStatement: Bool) -> Diagnostic {
    var candidates = Array(OperatorKind.allNames)
    if startsStatement { candidates += Self.statementKeywords }
    var hint = Suggestions.didYouMean(op.value, in: candidates + blocks.keys)
    if blocks[op.value] != nil { hint = "'\(op.value)' is a block: call it with parentheses, \(op.value)(…)" }
    return Diagnostic(
      .unknownLayer, "unknown layer type '\(op.value)'", at: op.range,
      hint: hint ?? "see docs/spec-format.md for the layer catalogue")
  }

  /// Whether a parameter holds a word (a layer or block passed in: `act=relu`).
  static func isWord(_ value: ArgumentValue?) -> Bool {
    if case .word? = value { return true }
    return false
  }

  /// Reports every unknown layer type in a chain at once (not only the first); true if any.
  mutating func reportUnknownLayers(_ chain: ChainSyntax, scope: Scope) -> Bool {
    var found = false
    func visit(_ stage: StageSyntax, first: Bool, _ expander: inout Expander) {
      switch stage {
      case .layer(let op, _) where OperatorKind.named(op.value) == nil && !Self.isWord(scope.parameters[op.value]):
        expander.report(expander.unknownLayer(op, startsStatement: first), in: scope)
        found = true
      case .group(let inner, _, _):
        for (index, stage) in inner.stages.enumerated() { visit(stage, first: first && index == 0, &expander) }
      case .conditional(let inner, _, _):
        visit(inner, first: first, &expander)
      default:
        break
      }
    }
    for (index, stage) in chain.stages.enumerated() { visit(stage, first: index == 0, &self) }
    return found
  }
}
