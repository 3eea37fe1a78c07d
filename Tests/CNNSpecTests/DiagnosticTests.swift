import CNNGraph
import CNNSpec
import Testing

/// Every diagnostic the spec language produces, with the exact place it points at. Each case is a
/// spec, the expected code, and the `line:column` of the caret.
@Suite struct DiagnosticTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var text: String
    var code: DiagnosticCode
    var at: String
    var hintContains: String? = nil
    var testDescription: String { "\(code.rawValue) at \(at)" }
  }

  static let header = "input x 3x32x32\n"

  static let cases: [Case] = [
    Case(text: header + "conv 8 k3 $\n", code: .invalidCharacter, at: "2:11"),
    Case(text: header + "cnv 8 k3\n", code: .unknownLayer, at: "2:1", hintContains: "'conv'"),
    Case(text: header + "conv 8 k3 stide=2\n", code: .unknownArgument, at: "2:11", hintContains: "'stride'"),
    // The short and the long name of one argument: a repeat, not an unknown argument.
    Case(text: header + "conv 8 k3 kernel=5\n", code: .unknownArgument, at: "2:11", hintContains: "remove one"),
    Case(text: header + "conv k3\n", code: .missingArgument, at: "2:1"),
    Case(text: header + "conv 8\n", code: .missingArgument, at: "2:1", hintContains: "k3"),
    Case(text: header + "conv 8 k0\n", code: .nonpositiveSize, at: "2:9"),
    Case(text: header + "conv 8 k3 s=1.5\n", code: .badArgument, at: "2:13"),
    Case(text: header + "conv 8 k3 p=half\n", code: .badArgument, at: "2:13"),
    Case(text: header + "from y | relu\n", code: .unknownName, at: "2:6"),
    Case(
      text: header + "a: relu\nb: from c | relu\nc: relu\n", code: .unknownName, at: "3:9",
      hintContains: "defined later, on line 4"),
    Case(text: header + "a: relu\na: relu\n", code: .duplicateName, at: "3:1"),
    Case(text: header + "concat x\n", code: .missingArgument, at: "2:1"),
    Case(text: header + "conv 8 k3 |\n", code: .syntax, at: "3:1"),
    Case(text: header + "conv 8 k3 )\n", code: .syntax, at: "2:11"),
    Case(text: header + "relu * 2\n", code: .syntax, at: "2:6"),
    Case(text: header + "block b(c)\n  conv c k1\n", code: .syntax, at: "2:1", hintContains: "'end'"),
    Case(text: header + "block b(c)\n  conv c k1\nend\nb(1, 2)\n", code: .wrongArity, at: "5:6"),
    Case(text: header + "block b(c)\n  conv c k1\nend\nb()\n", code: .wrongArity, at: "5:1"),
    Case(text: header + "bb(1)\n", code: .unknownBlock, at: "2:1"),
    Case(text: header + "block b(c)\n  conv d k1\nend\nb(1)\n", code: .unknownName, at: "3:8"),
    Case(text: header + "block b(c)\n  b(c)\nend\nb(1)\n", code: .recursionLimit, at: "3:3"),
    Case(text: header + "block b(c)\n  conv c*c*c*c k1\nend\nb(100000)\n", code: .overflow, at: "3:8"),
    Case(text: header + "conv 99999999999999999999 k1\n", code: .overflow, at: "2:6"),
    Case(text: header + "block b(c)\n  conv c/0 k1\nend\nb(1)\n", code: .badArgument, at: "3:10"),
    Case(text: header + "block b(k1)\nend\n", code: .badArgument, at: "2:9"),
    Case(text: header + "block relu(c)\nend\n", code: .duplicateName, at: "2:7"),
    Case(text: header + "(relu) * 2000000\n", code: .tooLarge, at: "2:10"),
    Case(text: header + "(relu) * -1\n", code: .badArgument, at: "2:10"),
    Case(text: header + "expect nothing 3x3\n", code: .unknownName, at: "2:8"),
    Case(text: header + "expect params 3Q\n", code: .badNumber, at: "2:15"),
    Case(text: "conv 8 k3\n", code: .missingInput, at: "1:1"),
    Case(text: "input x 3x0x4\n", code: .nonpositiveSize, at: "1:9"),
    Case(text: header + "maxpool k3 ceil floor\n", code: .badArgument, at: "2:17"),
    // Issue 9, item 7: misspelt statement words, every unknown layer of a chain, shorthands with a sign.
    Case(text: "netwrk n\n" + header, code: .unknownLayer, at: "1:1", hintContains: "'network'"),
    Case(text: header + "inptu y 3x4x4\n", code: .unknownLayer, at: "2:1", hintContains: "'input'"),
    Case(text: header + "blok b(c)\n", code: .unknownLayer, at: "2:1", hintContains: "'block'"),
    Case(text: header + "expct params 5\n", code: .unknownLayer, at: "2:1", hintContains: "'expect'"),
    Case(text: header + "conv 4 k3 | relu | reluu\n", code: .unknownLayer, at: "2:20", hintContains: "'relu'"),
    Case(text: header + "conv 4 k-2\n", code: .unknownName, at: "2:8", hintContains: "k=…"),
    // Issue 9, item 3: functions and conditions.
    Case(text: header + "conv mx(1, 2) k1\n", code: .unknownName, at: "2:6", hintContains: "'max'"),
    Case(text: header + "conv min() k1\n", code: .wrongArity, at: "2:6"),
    Case(text: header + "relu if nothing\n", code: .unknownName, at: "2:9"),
    // Issue 9, items 1, 2 and 5: slices, parameters of any kind, the new layers' arguments.
    Case(text: header + "slice 3 3\n", code: .badArgument, at: "2:9", hintContains: "x[:, START:END]"),
    Case(text: header + "droppath 1.5\n", code: .badArgument, at: "2:10"),
    Case(text: header + "layernorm over=rows\n", code: .badArgument, at: "2:16"),
    Case(text: header + "groupnorm\n", code: .missingArgument, at: "2:1", hintContains: "groupnorm 32"),
    Case(text: header + "opaque params=5\n", code: .missingArgument, at: "2:1", hintContains: "shape="),
    Case(text: header + "block b(k=3)\n  conv k*2 k1\nend\nb(k=1x7)\n", code: .badArgument, at: "3:8"),
    Case(text: header + "block b(act=relu)\n  act\nend\nb(act=rleu)\n", code: .unknownName, at: "5:7"),
  ]

  /// Every unknown layer type of a chain is reported in one run, not only the first.
  @Test func everyUnknownLayerOfAChain() {
    let compilation = SpecCompiler.compile(
      SourceFile(path: "t.cnn", text: Self.header + "cnv 4 k3 | rlu | (bnn) * 2\n"))
    #expect(
      compilation.diagnostics.map(\.message) == [
        "unknown layer type 'cnv'", "unknown layer type 'rlu'", "unknown layer type 'bnn'",
      ])
  }

  /// Parameter lists may span lines; `8 MiB` reads as `8MiB`.
  @Test func smallerThings() throws {
    let text =
      Self.header
      + "block b(c,\n        k=3)\n  conv c k=k p1\nend\nb(4)\nexpect peak <= 8 MiB\nexpect params 112 ± 1 K\n"
    let compilation = SpecCompiler.compile(SourceFile(path: "t.cnn", text: text))
    #expect(compilation.diagnostics.isEmpty, "\(compilation.diagnostics.map(\.message))")
    let network = try #require(compilation.network)
    #expect(network.expectations.count == 2)
  }

  @Test(arguments: cases)
  func located(_ testCase: Case) throws {
    let source = SourceFile(path: "t.cnn", text: testCase.text)
    let compilation = SpecCompiler.compile(source)
    let found = compilation.diagnostics.first { $0.code == testCase.code }
    let diagnostic = try #require(found, "got \(compilation.diagnostics.map { "\($0.code.rawValue): \($0.message)" })")
    let (line, column) = source.lineAndColumn(of: try #require(diagnostic.range).start)
    #expect("\(line):\(column)" == testCase.at, "\(diagnostic.message)")
    if let hint = testCase.hintContains {
      #expect(diagnostic.hint?.contains(hint) == true, "hint was \(diagnostic.hint ?? "nil")")
    }
    // An error leaves no network, except in an expect line: the other expect lines are still judged.
    let onExpectLine = source.lineText(line).hasPrefix("expect")
    if testCase.code.defaultSeverity == .error { #expect((compilation.network == nil) != onExpectLine) }
  }

  /// One mistake per line: the parser reports every line's error in one run.
  @Test func reportsEveryError() {
    let text = Self.header + "conv 8 k3 )\nrelu )\nmaxpool k2 )\n"
    let compilation = SpecCompiler.compile(SourceFile(path: "t.cnn", text: text))
    #expect(compilation.diagnostics.filter { $0.code == .syntax }.count == 3)
  }

  /// Binary junk yields a bounded number of diagnostics and no crash.
  @Test func binaryJunkIsBounded() {
    var bytes: [UInt8] = []
    var state: UInt32 = 12345
    for _ in 0..<100_000 {
      state = state &* 1_103_515_245 &+ 12345
      bytes.append(UInt8(truncatingIfNeeded: state >> 16))
    }
    let compilation = SpecCompiler.compile(SourceFile(path: "junk.bin", bytes: bytes))
    #expect(compilation.network == nil)
    #expect(compilation.diagnostics.filter { $0.code == .invalidCharacter }.count <= 10)
  }

  /// Deeply nested parentheses are refused, not a stack overflow.
  @Test func deepNestingIsRefused() {
    let text =
      Self.header + "conv " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
      + " k1\n"
    let compilation = SpecCompiler.compile(SourceFile(path: "t.cnn", text: text))
    #expect(compilation.diagnostics.contains { $0.code == .syntax && $0.message.contains("nesting") })
  }

  @Test func locationsCountCharactersNotBytes() {
    let source = SourceFile(path: "t.cnn", text: "# Größe\nab ±x\n")
    let position = source.bytes.firstIndex(of: UInt8(ascii: "x"))!
    #expect(source.lineAndColumn(of: position) == (2, 5))
    #expect(source.lineText(2) == "ab ±x")
  }
}

/// Issue 8, item 18: "did you mean" is the same whatever order the candidates come in.
@Suite struct SuggestionTests {
  /// Fuzz finding: a 100,000-character unknown name made every suggestion cost 100,000 × the
  /// keyword's length, 2 s per run. Names that long get no suggestion; the error is still located.
  @Test func hugeNamesGetNoSuggestion() {
    let name = "en" + String(repeating: "9", count: 100_000)
    #expect(Suggestions.closest(to: name, in: ["end", "relu", "conv"]) == nil)
    let compilation = SpecCompiler.compile(SourceFile(path: "long.cnn", text: "input x 1x8\n\(name)\n"))
    let error = compilation.diagnostics.first { $0.code == .unknownLayer }
    #expect(error?.range?.start == 12)
    #expect(error?.hint == "see docs/spec-format.md for the layer catalogue")
  }

  /// Candidates whose length differs by more than the allowed distance are not compared.
  @Test func lengthDifferencesBoundTheDistance() {
    #expect(Suggestions.closest(to: "conv", in: ["convolution", "cnv"]) == "cnv")
    #expect(Suggestions.closest(to: "maxpol", in: ["maxpool", "max"]) == "maxpool")
  }

  @Test func tiesGoToTheAlphabeticallyFirstCandidate() {
    let candidates = ["gmp", "gap", "relu"]
    for order in [candidates, candidates.reversed(), ["relu", "gmp", "gap"]] {
      #expect(Suggestions.closest(to: "gxp", in: order) == "gap")
    }
  }
}
