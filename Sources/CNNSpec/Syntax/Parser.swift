import CNNGraph

/// Turns tokens into a `SpecSyntax`. One method per grammar rule (see docs/spec-format.md).
///
/// After an error the parser reports it, skips to the end of the line and goes on, so one run
/// reports every syntax error in a file.
public struct Parser {
  let source: SourceFile
  private let tokens: [Token]
  private var index = 0
  private var nesting = 0
  var diagnostics: [Diagnostic]

  /// How deeply parentheses and groups may nest before the parser refuses (keeps recursion bounded).
  public static let maximumNesting = 64

  /// The words that name a network total or a per-layer count in `expect` lines.
  public static let metricWords: Set<String> = [
    "params", "trainable_params", "buffers", "macs", "flops", "other_ops", "activations", "peak",
    "memory", "param_bytes", "layers",
  ]

  /// Parses a whole file; diagnostics include the lexer's.
  public static func parse(_ source: SourceFile) -> (syntax: SpecSyntax, diagnostics: [Diagnostic]) {
    var lexer = Lexer(source)
    let tokens = lexer.tokenize()
    var parser = Parser(source: source, tokens: tokens, diagnostics: lexer.diagnostics)
    let syntax = parser.parseFile()
    return (syntax, parser.diagnostics)
  }

  init(source: SourceFile, tokens: [Token], diagnostics: [Diagnostic]) {
    self.source = source
    self.tokens = tokens
    self.diagnostics = diagnostics
  }

  struct Failure: Error {}

  // MARK: - Token access

  var current: Token { tokens[index] }
  private func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }
  func at(_ kind: TokenKind) -> Bool { current.kind == kind }
  func text(_ token: Token) -> String { source.text(token.range) }
  func atWord(_ word: String) -> Bool { at(.word) && text(current) == word }
  var atEndOfLine: Bool { at(.newline) || at(.endOfFile) }

  @discardableResult
  mutating func advance() -> Token {
    let token = current
    if token.kind != .endOfFile { index += 1 }
    return token
  }

  private mutating func skipNewlines() {
    while at(.newline) { advance() }
  }

  mutating func fail(_ message: String, hint: String? = nil, at range: SourceRange? = nil) -> Failure {
    diagnostics.append(Diagnostic(.syntax, message, at: range ?? current.range, hint: hint))
    return Failure()
  }

  var describeCurrent: String {
    switch current.kind {
    case .newline: "end of line"
    case .endOfFile: "end of file"
    default: "'\(text(current))'"
    }
  }

  mutating func expect(_ kind: TokenKind, _ what: String, hint: String? = nil) throws(Failure) -> Token {
    guard at(kind) else { throw fail("expected \(what), found \(describeCurrent)", hint: hint) }
    return advance()
  }

  mutating func expectWord(_ what: String, hint: String? = nil) throws(Failure) -> Located<String> {
    let token = try expect(.word, what, hint: hint)
    return Located(value: text(token), range: token.range)
  }

  mutating func expectEndOfLine() throws(Failure) {
    guard atEndOfLine else {
      throw fail("expected end of line, found \(describeCurrent)", hint: "one statement per line; join stages with '|'")
    }
    advance()
  }

  /// Skips the rest of the current line after an error.
  private mutating func recover() {
    while !atEndOfLine { advance() }
    advance()
  }

  private mutating func nest() throws(Failure) {
    nesting += 1
    if nesting > Self.maximumNesting {
      throw fail("nesting deeper than \(Self.maximumNesting) levels", hint: "flatten the expression or group")
    }
  }

  // MARK: - File structure

  private mutating func parseFile() -> SpecSyntax {
    var spec = SpecSyntax()
    while !at(.endOfFile) {
      if at(.newline) {
        advance()
        continue
      }
      nesting = 0
      do throws(Failure) {
        try parseTopLevelLine(into: &spec)
      } catch {
        recover()
      }
    }
    return spec
  }

  private mutating func parseTopLevelLine(into spec: inout SpecSyntax) throws(Failure) {
    if atWord("network"), peek(1).kind == .word {
      advance()
      let name = try parseNetworkName()
      if let earlier = spec.network {
        let line = source.lineAndColumn(of: earlier.range.start).line
        diagnostics.append(
          Diagnostic(.duplicateName, "the network is already named '\(earlier.value)' on line \(line)", at: name.range))
      }
      spec.network = name
      try expectEndOfLine()
    } else if atWord("input"), peek(1).kind == .word {
      advance()
      let name = try expectWord("an input name")
      let shape = try expect(
        .number, "an input shape such as 3x224x224", hint: "shapes are CxHxW without the batch axis")
      spec.inputs.append(InputSyntax(name: name, shape: shape.range))
      try expectEndOfLine()
    } else if atWord("block"), peek(1).kind == .word {
      if let block = parseBlock() { spec.blocks.append(block) }
    } else if atWord("end"), peek(1).kind == .newline || peek(1).kind == .endOfFile {
      throw fail("'end' without a 'block'")
    } else {
      spec.statements.append(try parseStatement())
    }
  }

  /// A network name: a word, optionally joined without spaces to more words, numbers and `-`
  /// (`alexnet-224`, `resnet50.v1`).
  private mutating func parseNetworkName() throws(Failure) -> Located<String> {
    let first = try expect(.word, "a network name")
    var range = first.range
    while !atEndOfLine, current.range.start == range.end,
      [.word, .number, .minus].contains(current.kind)
    {
      range = range.union(advance().range)
    }
    return Located(value: source.text(range), range: range)
  }

  /// `block NAME(PARAMS)` NEWLINE statements `end`. Returns nil when the header is unreadable
  /// (the body is then skipped up to its `end`).
  private mutating func parseBlock() -> BlockSyntax? {
    let start = advance().range
    var header: (Located<String>, [ParameterSyntax])?
    do throws(Failure) {
      let name = try expectWord("a block name")
      let parameters = try parseParameters()
      try expectEndOfLine()
      header = (name, parameters)
    } catch {
      recover()
    }
    var body: [StatementSyntax] = []
    while true {
      if at(.endOfFile) {
        diagnostics.append(
          Diagnostic(.syntax, "block has no 'end'", at: start, hint: "close the block with a line 'end'"))
        break
      }
      if at(.newline) {
        advance()
        continue
      }
      if atWord("end") {
        advance()
        if !atEndOfLine { _ = fail("expected end of line after 'end', found \(describeCurrent)") }
        recover()
        break
      }
      if atWord("block"), peek(1).kind == .word {
        diagnostics.append(
          Diagnostic(
            .syntax, "blocks cannot be defined inside blocks", at: current.range,
            hint: "define it at the top level; blocks may call each other"))
        recover()
        continue
      }
      nesting = 0
      do throws(Failure) {
        body.append(try parseStatement())
      } catch {
        recover()
      }
    }
    guard let (name, parameters) = header else { return nil }
    return BlockSyntax(name: name, parameters: parameters, body: body, header: start.union(name.range))
  }

  private mutating func parseParameters() throws(Failure) -> [ParameterSyntax] {
    guard at(.leftParen) else { return [] }
    advance()
    skipNewlines()
    var parameters: [ParameterSyntax] = []
    while !at(.rightParen) {
      let name = try expectWord("a parameter name")
      var defaultValue: Expression?
      if at(.equals) {
        advance()
        defaultValue = try parseExpression()
      }
      parameters.append(ParameterSyntax(name: name, defaultValue: defaultValue))
      skipNewlines()
      if !at(.comma) { break }
      advance()
      skipNewlines()
    }
    _ = try expect(.rightParen, "')' or ',' in the parameter list")
    return parameters
  }

  // MARK: - Statements

  private mutating func parseStatement() throws(Failure) -> StatementSyntax {
    if atWord("expect") {
      return .expect(try parseExpect())
    }
    if atWord("output"), peek(1).kind == .word {
      advance()
      var names: [Located<String>] = []
      while at(.word) { names.append(try expectWord("a name")) }
      try expectEndOfLine()
      return .output(names)
    }
    var label: Located<String>?
    var isBranch = false
    if at(.word), peek(1).kind == .colon || peek(1).kind == .equals {
      label = try expectWord("a label")
      isBranch = advance().kind == .equals
    }
    let chain = try parseChain()
    try expectEndOfLine()
    return .chain(label: label, isBranch: isBranch, chain: chain)
  }

  private mutating func parseChain() throws(Failure) -> ChainSyntax {
    var stages = [try parseStage()]
    while at(.pipe) {
      advance()
      skipNewlines()
      stages.append(try parseStage())
    }
    if at(.star) {
      throw fail(
        "'*' repeats only block calls and parenthesised groups",
        hint: "write (\(source.text(stages.last!.range))) * N")
    }
    let range = stages.dropFirst().reduce(stages[0].range) { $0.union($1.range) }
    return ChainSyntax(stages: stages, range: range)
  }

  private mutating func parseStage() throws(Failure) -> StageSyntax {
    let stage = try parseUnconditionalStage()
    guard atWord("if") else { return stage }
    advance()
    let condition = try parseExpression()
    return .conditional(stage, condition: condition, range: stage.range.union(condition.range))
  }

  private mutating func parseUnconditionalStage() throws(Failure) -> StageSyntax {
    if at(.leftParen) {
      let open = advance().range
      try nest()
      skipNewlines()
      let chain = try parseChain()
      skipNewlines()
      let close = try expect(.rightParen, "')' to close the group")
      nesting -= 1
      let repeatCount = try parseRepeat()
      return .group(chain, repeatCount: repeatCount, range: open.union(repeatCount?.range ?? close.range))
    }
    let word = try expectWord("a layer, a block call, '(' or 'from'", hint: "for example: conv 64 k3 p1 | relu")
    if word.value == "from", at(.word) {
      return .from(try expectWord("a layer name"))
    }
    if at(.leftParen), current.range.start == word.range.end {
      return try parseCall(word)
    }
    var arguments: [ArgumentSyntax] = []
    while !atEndOfLine, !at(.pipe), !at(.rightParen), !atWord("if") {
      arguments.append(try parseArgument())
    }
    return .layer(op: word, arguments: arguments)
  }

  private mutating func parseCall(_ block: Located<String>) throws(Failure) -> StageSyntax {
    advance()
    try nest()
    var arguments: [CallArgumentSyntax] = []
    skipNewlines()
    while !at(.rightParen) {
      var name: Located<String>?
      if at(.word), peek(1).kind == .equals {
        name = try expectWord("a parameter name")
        advance()
      }
      arguments.append(CallArgumentSyntax(name: name, value: try parseExpression()))
      skipNewlines()
      if !at(.comma) { break }
      advance()
      skipNewlines()
    }
    let close = try expect(.rightParen, "')' or ',' in the argument list")
    nesting -= 1
    let repeatCount = try parseRepeat()
    return .call(
      block: block, arguments: arguments, repeatCount: repeatCount,
      range: block.range.union(repeatCount?.range ?? close.range))
  }

  private mutating func parseRepeat() throws(Failure) -> Repetition? {
    guard at(.star) else { return nil }
    advance()
    let count = try parsePrimary()
    guard atWord("as") else { return Repetition(count: count, index: nil) }
    advance()
    return Repetition(count: count, index: try expectWord("a name for the repetition's index", hint: "* 3 as i"))
  }

  /// The single-letter keys that may be written glued to their value: `k3`, `s2`, `p1`, `d2`, `g32`.
  public static let shorthandKeys: Set<UInt8> = Set("kspdg".utf8)

  private mutating func parseArgument() throws(Failure) -> ArgumentSyntax {
    if at(.word), peek(1).kind == .equals {
      let key = try expectWord("an argument name")
      advance()
      let value = try parseExpression()
      // `p=d:0`: per-side amounts given by expressions.
      if at(.colon), current.range.start == value.range.end {
        advance()
        return .keyed(key: key, value: .sides(value, try parseExpression()))
      }
      return .keyed(key: key, value: value)
    }
    if at(.word), let shorthand = shorthand(current) {
      advance()
      return shorthand
    }
    return .positional(try parseExpression())
  }

  /// Splits `k3x5` into key `k` and literal `3x5`; nil when the word is not such a shorthand.
  private func shorthand(_ token: Token) -> ArgumentSyntax? {
    let bytes = source.bytes
    let start = token.range.start
    guard token.range.end - start >= 2, Self.shorthandKeys.contains(bytes[start]),
      Lexer.isDigit(bytes[start + 1])
    else { return nil }
    // `s2.1.conv` is a name; a shorthand's value is number-shaped (`3x5`, `0:1`, `1.5`).
    let numberShaped = bytes[(start + 1)..<token.range.end].allSatisfy {
      Lexer.isDigit($0) || $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
    }
    guard numberShaped else { return nil }
    let key = Located(value: String(UnicodeScalar(bytes[start])), range: SourceRange(start, start + 1))
    return .keyed(key: key, value: .literal(SourceRange(start + 1, token.range.end)))
  }

  // MARK: - Expressions

  /// `expr = or`; `or = and { "or" and }`; `and = not { "and" not }`; `not = "not" not | compare`;
  /// `compare = sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum ]`.
  private mutating func parseExpression() throws(Failure) -> Expression {
    try nest()
    defer { nesting -= 1 }
    var lhs = try parseAnd()
    while atWord("or") {
      advance()
      lhs = .binary(.or, lhs, try parseAnd())
    }
    return lhs
  }

  private mutating func parseAnd() throws(Failure) -> Expression {
    var lhs = try parseNot()
    while atWord("and") {
      advance()
      lhs = .binary(.and, lhs, try parseNot())
    }
    return lhs
  }

  private mutating func parseNot() throws(Failure) -> Expression {
    guard atWord("not") else { return try parseComparison() }
    let word = advance().range
    try nest()
    defer { nesting -= 1 }
    let operand = try parseNot()
    return .not(operand, word.union(operand.range))
  }

  private static let comparisons: [TokenKind: BinaryOperator] = [
    .equalEqual: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessOrEqual, .greater: .greater,
    .greaterEqual: .greaterOrEqual,
  ]

  private mutating func parseComparison() throws(Failure) -> Expression {
    let lhs = try parseSum()
    guard let op = Self.comparisons[current.kind] else { return lhs }
    advance()
    return .binary(op, lhs, try parseSum())
  }

  private mutating func parseSum() throws(Failure) -> Expression {
    var lhs = try parseTerm()
    while at(.plus) || at(.minus) {
      let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
      lhs = .binary(op, lhs, try parseTerm())
    }
    return lhs
  }

  private mutating func parseTerm() throws(Failure) -> Expression {
    var lhs = try parsePrimary()
    while at(.star) || at(.slash) || at(.percent) {
      let kind = advance().kind
      let op: BinaryOperator = kind == .star ? .multiply : kind == .slash ? .divide : .remainder
      lhs = .binary(op, lhs, try parsePrimary())
    }
    return lhs
  }

  private mutating func parsePrimary() throws(Failure) -> Expression {
    switch current.kind {
    case .number:
      return .literal(advance().range)
    case .word:
      let token = advance()
      let name = Located(value: text(token), range: token.range)
      guard at(.leftParen), current.range.start == token.range.end else { return .name(name) }
      advance()
      var arguments: [Expression] = []
      while !at(.rightParen) {
        arguments.append(try parseExpression())
        if !at(.comma) { break }
        advance()
      }
      let close = try expect(.rightParen, "')' or ',' after a function argument")
      return .call(name, arguments, token.range.union(close.range))
    case .minus:
      let minus = advance().range
      try nest()
      defer { nesting -= 1 }
      let operand = try parsePrimary()
      return .negate(operand, minus.union(operand.range))
    case .leftParen:
      advance()
      let inner = try parseExpression()
      _ = try expect(.rightParen, "')' to close the expression")
      return inner
    default:
      throw fail("expected a value, found \(describeCurrent)")
    }
  }
}
