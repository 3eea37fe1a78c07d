import CNNGraph

/// `expect` lines: the claims `cnncalc check` verifies (docs/spec-format.md, "expect lines").
extension Parser {
  mutating func parseExpect() throws(Failure) -> ExpectSyntax {
    try parseClaim(start: advance().range)
  }

  /// Parses `source` as exactly one claim of an `expect` line, without the keyword: the JSON form's
  /// `expect` entries. Anything after the claim (a second line, a comment) is an error, so that no
  /// string can add statements.
  public static func parseExpectation(_ source: SourceFile) -> (syntax: ExpectSyntax?, diagnostics: [Diagnostic]) {
    var lexer = Lexer(source)
    let tokens = lexer.tokenize()
    var parser = Parser(source: source, tokens: tokens, diagnostics: lexer.diagnostics)
    guard parser.diagnostics.isEmpty else { return (nil, parser.diagnostics) }
    do {
      let claim = try parser.parseClaim(start: SourceRange(0, 0))
      guard parser.at(.endOfFile) else {
        _ = parser.fail("an expect entry is one claim; found more after it", at: parser.current.range)
        return (nil, parser.diagnostics)
      }
      return (claim, parser.diagnostics)
    } catch {
      return (nil, parser.diagnostics)
    }
  }

  private mutating func parseClaim(start: SourceRange) throws(Failure) -> ExpectSyntax {
    var layer: Located<String>?
    var metric: Located<String>?
    let first = try expectWord("a total (params, macs, peak, …) or a layer name")
    if Self.metricWords.contains(first.value) {
      metric = first
    } else {
      layer = first
      if at(.word), Self.metricWords.contains(text(current)) {
        metric = try expectWord("a quantity")
      }
    }
    let claim: ClaimSyntax
    if metric == nil, atWord("rf") {
      advance()
      let size = try expect(.number, "a receptive-field size").range
      var jump: SourceRange?
      var centre: SourceRange?
      while at(.word) {
        let key = try expectWord("'jump' or 'start'")
        switch key.value {
        case "jump": jump = try expect(.number, "a jump").range
        case "start":
          let minus = at(.minus) ? advance().range : nil
          let number = try expect(.number, "a start").range
          centre = minus.map { $0.union(number) } ?? number
        default: throw fail("expected 'jump' or 'start', found '\(key.value)'", at: key.range)
        }
      }
      claim = .receptiveField(size: size, jump: jump, start: centre)
    } else if metric == nil {
      let shape = try expect(
        .number, "a shape such as 96x55x55, 'rf', or a quantity",
        hint: "quantities: \(Self.metricWords.sorted().joined(separator: ", "))")
      claim = .shape(shape.range)
    } else {
      claim = try parseValueClaim()
    }
    let end = current.range.start
    try expectEndOfLine()
    return ExpectSyntax(layer: layer, metric: metric, claim: claim, range: SourceRange(start.start, end))
  }

  /// A number followed by a unit written apart (`8 MiB`) reads as one quantity.
  private mutating func withUnit(_ number: SourceRange) -> SourceRange {
    guard at(.word), Literals.suffixes[text(current)] != nil,
      source.text(number).allSatisfy({ $0.isNumber || $0 == "." || $0 == "_" })
    else { return number }
    return number.union(advance().range)
  }

  private mutating func parseValueClaim() throws(Failure) -> ClaimSyntax {
    var comparison = Located(value: Comparison.equal, range: current.range)
    let operators: [TokenKind: Comparison] = [
      .equals: .equal, .lessEqual: .lessOrEqual, .greaterEqual: .greaterOrEqual, .less: .less, .greater: .greater,
    ]
    if let op = operators[current.kind] {
      comparison = Located(value: op, range: advance().range)
    }
    let value = withUnit(try expect(.number, "a number such as 25M, 4.2G or 200MiB").range)
    var tolerance: ToleranceSyntax?
    if at(.plusMinus) {
      advance()
      let amount = withUnit(try expect(.number, "a tolerance such as 1% or 0.5M").range)
      let isPercent = at(.percent)
      if isPercent { advance() }
      tolerance = ToleranceSyntax(value: amount, isPercent: isPercent)
    }
    return .value(comparison: comparison, value: value, tolerance: tolerance)
  }
}
