import CNNGraph

/// The syntax tree of a spec file, as written: nothing is evaluated or checked beyond the grammar.
public struct SpecSyntax: Sendable {
  /// The `network NAME` line, if any.
  public var network: Located<String>?
  /// `input NAME CxHxW` lines in order.
  public var inputs: [InputSyntax] = []
  /// `block … end` definitions, in order.
  public var blocks: [BlockSyntax] = []
  /// Top-level statements, in order.
  public var statements: [StatementSyntax] = []
}

/// `input NAME SHAPE`: a named network input; the shape excludes the batch axis.
public struct InputSyntax: Sendable {
  public var name: Located<String>
  /// The shape literal (`3x224x224`).
  public var shape: SourceRange
}

/// `block NAME(PARAMS) … end`: a parameterised sub-network with one input, named `in` in its body.
public struct BlockSyntax: Sendable {
  public var name: Located<String>
  public var parameters: [ParameterSyntax]
  public var body: [StatementSyntax]
  /// The `block` line.
  public var header: SourceRange
}

/// A block parameter, with an optional default value.
public struct ParameterSyntax: Sendable {
  public var name: Located<String>
  public var defaultValue: Expression?
}

/// One line of a network or block body.
public enum StatementSyntax: Sendable {
  /// `[LABEL (':' | '=')] STAGE | STAGE …`. With `=` the chain is a branch: it starts from the
  /// current trunk but does not advance it.
  case chain(label: Located<String>?, isBranch: Bool, chain: ChainSyntax)
  /// `expect …`
  case expect(ExpectSyntax)
  /// `output NAME…`: the network's (or block's) outputs.
  case output([Located<String>])
}

/// Stages joined by `|`; each stage reads the previous one's output.
public struct ChainSyntax: Sendable {
  public var stages: [StageSyntax]
  public var range: SourceRange
}

/// One stage of a chain.
public indirect enum StageSyntax: Sendable {
  /// A layer: its type word and arguments (`conv 64 k3 s2 p1`, `concat a b`).
  case layer(op: Located<String>, arguments: [ArgumentSyntax])
  /// A block call, possibly repeated: `bottleneck(64, stride=2) * 3`.
  case call(block: Located<String>, arguments: [CallArgumentSyntax], repeatCount: Repetition?, range: SourceRange)
  /// A parenthesised chain, possibly repeated: `(conv 64 k3 p1 | relu) * 2`.
  case group(ChainSyntax, repeatCount: Repetition?, range: SourceRange)
  /// `from NAME`: start the chain from a named tensor instead of the trunk.
  case from(Located<String>)
  /// `STAGE if CONDITION`: the stage, only when the condition is not 0; otherwise its input
  /// passes through (`se(c, s) if use_se`, `(conv c k1 | bn) if stride != 1`).
  case conditional(StageSyntax, condition: Expression, range: SourceRange)

  /// The source range of the whole stage.
  public var range: SourceRange {
    switch self {
    case .layer(let op, let arguments):
      arguments.reduce(op.range) { $0.union($1.range) }
    case .call(_, _, _, let range), .group(_, _, let range): range
    case .from(let name): name.range
    case .conditional(_, _, let range): range
    }
  }
}

/// A layer argument: positional (`64`, `(c*2)`, `ceil`) or keyed (`k=3`, `k3x5`, `bias=off`).
public enum ArgumentSyntax: Sendable {
  case positional(Expression)
  case keyed(key: Located<String>, value: Expression)

  /// The source range of the argument.
  public var range: SourceRange {
    switch self {
    case .positional(let value): value.range
    case .keyed(let key, let value): key.range.union(value.range)
    }
  }
}

/// `* COUNT` after a call or group, optionally `as NAME`: NAME is 0, 1, … in the repetitions.
public struct Repetition: Sendable {
  public var count: Expression
  /// The repetition's index, bound to 0 … COUNT − 1 in its arguments and conditions.
  public var index: Located<String>?

  /// The source range of the count and index.
  public var range: SourceRange { index.map { count.range.union($0.range) } ?? count.range }
}

/// An argument of a block call, optionally by parameter name.
public struct CallArgumentSyntax: Sendable {
  public var name: Located<String>?
  public var value: Expression
}

/// An integer expression, or a literal the consumer interprets (dims `3x5`, `1:2`, decimals).
public indirect enum Expression: Sendable {
  /// A number token's text (or part of a shorthand word, for `k3x5`).
  case literal(SourceRange)
  /// A name: a block parameter, a layer, or a word the layer takes (`same`, `off`, `ceil`).
  case name(Located<String>)
  case negate(Expression, SourceRange)
  /// `not x`: 1 when x is 0, else 0.
  case not(Expression, SourceRange)
  case binary(BinaryOperator, Expression, Expression)
  /// A function of integers: `min(a, b)`, `make_divisible(v, 8)` (see `Evaluator.functions`).
  case call(Located<String>, [Expression], SourceRange)
  /// `BEFORE:AFTER` with expressions on both sides (`p=d:0`), for padding every axis unevenly.
  case sides(Expression, Expression)

  /// The source range of the whole expression.
  public var range: SourceRange {
    switch self {
    case .literal(let range), .negate(_, let range), .not(_, let range), .call(_, _, let range): range
    case .name(let name): name.range
    case .binary(_, let lhs, let rhs), .sides(let lhs, let rhs): lhs.range.union(rhs.range)
    }
  }
}

/// Integer operators; `/` is floor division; comparisons and `and`/`or` give 1 or 0 (any
/// non-zero value counts as true).
public enum BinaryOperator: String, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
  case and, or
}

/// `expect [LAYER] [METRIC] …`: a claim about the network that `check` verifies.
///
/// `expect params <= 25M` (a total), `expect conv1 params 34944` (one layer's count),
/// `expect conv1 96x55x55` (a shape), `expect pool5 rf 195 jump 32` (a receptive field).
public struct ExpectSyntax: Sendable {
  /// The layer the claim is about; nil for a network total.
  public var layer: Located<String>?
  /// The quantity (`params`, `macs`, `peak`, …) for value claims.
  public var metric: Located<String>?
  public var claim: ClaimSyntax
  /// The whole line.
  public var range: SourceRange
}

/// What an `expect` line claims.
public enum ClaimSyntax: Sendable {
  /// `[op] VALUE [± TOLERANCE[%]]` about a total or a layer's count.
  case value(comparison: Located<Comparison>, value: SourceRange, tolerance: ToleranceSyntax?)
  /// A layer's output shape, without batch (`96x55x55`).
  case shape(SourceRange)
  /// `rf SIZE [jump J] [start S]` about a layer's receptive field (square sizes or per-axis dims).
  case receptiveField(size: SourceRange, jump: SourceRange?, start: SourceRange?)
}

/// `± VALUE` or `± VALUE %`.
public struct ToleranceSyntax: Sendable {
  public var value: SourceRange
  public var isPercent: Bool
}
