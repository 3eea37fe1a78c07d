import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// Every code in the diagnostic catalogue is produced by some spec, at a located place, with the
/// code's severity. Adding a code without a case here fails `everyCodeIsCovered`.
@Suite struct CatalogueTests {
  static let examples: [(DiagnosticCode, String)] = [
    (.badArgument, "input x 3x8x8\nconv 8 k3 s=1.5\n"),
    (.badNumber, "input x 3x8x8\nrelu\nexpect params 3Q\n"),
    (.budgetExceeded, "input x 3x8x8\nconv 8 k3\nexpect params <= 100\n"),
    (.ceilWindowDropped, "input x 1x5\nmaxpool k2 s2 p1 ceil\n"),
    (.channelMismatch, "input x 4x8x8\na = conv 5 k1\nadd x a\n"),
    (.duplicateName, "input x 3x8x8\na: relu\na: relu\n"),
    (.elementCountMismatch, "input x 4x8x8\nreshape 3x3\n"),
    (.expectFailed, "input x 3x8x8\nconv 8 k3\nexpect params 1\n"),
    (.expectNotEvaluated, "input x 3x8x8\nconv 8 k9\nexpect params 1\n"),
    (.invalidCharacter, "input x 3x8x8\nrelu $\n"),
    (.mergeMismatch, "input x 4x8x8\na = conv 4 k3\nadd x a\n"),
    (.missingArgument, "input x 3x8x8\nconv k3\n"),
    (.missingInput, "relu\n"),
    (.nonpositiveSize, "input x 4x4x4\nconv 4 k5\n"),
    (.overflow, "input x 3x8x8\nconv 99999999999999999999 k1\n"),
    (.partialWindow, "input x 64x112x112\nmaxpool k3 s2 ceil\n"),
    (.rankMismatch, "input x 4x8x8\nflatten | conv 4 k1\n"),
    (.recursionLimit, "input x 3x8x8\nblock b()\n  b()\nend\nb()\n"),
    (.rfExceedsInput, "input x 1x4x4\nconv 1 k3 p1 | conv 1 k3 p1\n"),
    (.rfMisaligned, "input x 1x32x32\na = conv 1 k1 | crop p=0:4\nb = conv 1 k5\nadd a b\n"),
    (.rfSubpixelOffset, "input x 1x32x32\na = maxpool k2 s2 | upsample scale=2\nconcat x a\n"),
    (.rfUnknown, "input x 1x5000\nadaptiveavgpool 4999\n"),
    (.syntax, "input x 3x8x8\nrelu )\n"),
    (.tooLarge, "input x 1x2000000000x2000000000\nrelu\n"),
    (.truncation, "input x 3x224x224\nconv 96 k11 s4\n"),
    (.unknownArgument, "input x 3x8x8\nconv 8 k3 stide=2\n"),
    (.unknownBlock, "input x 3x8x8\nbb()\n"),
    (.unknownLayer, "input x 3x8x8\ncnv 8 k3\n"),
    (.unknownName, "input x 3x8x8\nfrom y | relu\n"),
    (.unusedLayer, "input x 3x8x8\na = conv 4 k1\nb: relu\n"),
    (.wrongArity, "input x 3x8x8\nblock b(c)\nend\nb(1, 2)\n"),
  ]

  /// Codes only the model importers produce; CNNImportTests produce each of them
  /// (CaffeImportTests, ONNXOperatorTests, ONNXMalformedTests).
  static let importerCodes: Set<DiagnosticCode> = [
    .ceilRuleDiffers, .dynamicDimension, .ignoredField, .malformedFile, .unsupportedOperator,
  ]

  /// Codes about paths rather than specs: `check` produces them (CheckGateTests).
  static let commandCodes: Set<DiagnosticCode> = [.unreadable]

  @Test func everyCodeIsCovered() {
    let others = Self.importerCodes.union(Self.commandCodes)
    #expect(Set(Self.examples.map(\.0)).union(others) == Set(DiagnosticCode.allCases))
    #expect(Set(Self.examples.map(\.0)).isDisjoint(with: others))
  }

  @Test(arguments: examples.map(\.0.rawValue))
  func produced(code: String) throws {
    let (expected, text) = try #require(Self.examples.first { $0.0.rawValue == code })
    let source = SourceFile(path: "t.cnn", text: text)
    let compilation = SpecCompiler.compile(source, shapes: CalculatedShapes())
    var diagnostics = compilation.diagnostics
    if let network = compilation.network { diagnostics += Analyzer.analyze(network).diagnostics }
    let found = try #require(
      diagnostics.first { $0.code == expected }, "\(diagnostics.map { "\($0.code.rawValue): \($0.message)" })")
    #expect(found.severity == expected.defaultSeverity)
    #expect(found.range != nil || expected == .overflow)
    #expect(!found.message.hasSuffix("."), "messages have no final period")
  }
}

/// A graph built by code rather than a front end may give a layer the wrong number of inputs: the
/// analysis says so at the layer instead of skipping it silently (totals would go missing with
/// no error and exit code 0).
@Suite struct GraphArityTests {
  @Test func wrongInputCountsAreErrors() {
    let input = NetworkInput(name: "x", shape: [3, 8, 8])
    let cases: [(Operator, [TensorID], String)] = [
      (.activation(.relu), [], "has no input"),
      (.activation(.relu), [.input(0), .input(0)], "reads one input, has 2"),
      (.add, [.input(0)], "needs at least two inputs, has 1"),
    ]
    for (op, inputs, problem) in cases {
      let network = Network(
        name: "n", inputs: [input], layers: [Layer(name: "bad", op: op, inputs: inputs)], outputs: [.layer(0)])
      let analysis = Analyzer.analyze(network)
      #expect(analysis.diagnostics.map(\.code) == [.wrongArity], "\(op.keyword) of \(inputs.count)")
      #expect(analysis.diagnostics.first?.message.contains(problem) == true)
      #expect(analysis.diagnostics.first?.layer == "bad")
    }
  }
}
