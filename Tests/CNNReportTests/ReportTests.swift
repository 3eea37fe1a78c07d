import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec
import Testing

@Suite struct JSONValueTests {
  @Test func escapesPerRFC8259() {
    #expect(JSONValue.quote("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
  }

  @Test func rationalsAreNumbersWhenWhole() throws {
    #expect(JSONValue.rational(Rational(4)).serialized() == "4")
    #expect(JSONValue.rational(try Rational(-1, 4)).serialized() == #""-1/4""#)
  }

  @Test func keepsKeyOrder() {
    let value = JSONValue.object([("b", .integer(1)), ("a", .array([.integer(1), .null]))])
    #expect(value.serialized() == #"{ "b": 1, "a": [1, null] }"#)
  }
}

@Suite struct HumanizeTests {
  @Test(arguments: [
    (0, "0"), (999, "999"), (1000, "1K"), (34_944, "34.9K"), (105_415_200, "105M"),
    (60_965_224, "61M"), (1_448_813_632, "1.45G"), (999_700, "1M"),
  ])
  func counts(value: Int, text: String) {
    #expect(Humanize.count(value) == text)
  }

  @Test(arguments: [
    (512, "512 B"), (1024, "1 KiB"), (1_161_600, "1.11 MiB"), (243_860_896, "233 MiB"), (1_023_768, "1000 KiB"),
    (1_048_500, "1 MiB"),
  ])
  func bytes(value: Int, text: String) {
    #expect(Humanize.bytes(value) == text)
  }

  @Test func grouping() throws {
    #expect(Grouping.integer(60_965_224) == "60,965,224")
    #expect(Grouping.integer(-1000) == "-1,000")
    #expect(Grouping.decimal(try Rational(2, 3), places: 2) == "0.67")
    #expect(Grouping.decimal(try Rational(-1, 8), places: 2) == "-0.13")
  }
}

@Suite struct TextTableTests {
  @Test func rendersAsciiBoxAndMarkdown() {
    var table = TextTable(headers: ["Layer", "Params"], alignments: [.left, .right])
    table.rows = [["conv1", "34.9K"], ["a|b", "7"]]
    #expect(
      table.render(box: false) == """
        +-------+--------+
        | Layer | Params |
        +-------+--------+
        | conv1 |  34.9K |
        | a|b   |      7 |
        +-------+--------+
        """)
    #expect(table.render(box: true).hasPrefix("┌───────┬────────┐"))
    #expect(table.markdown() == "| Layer | Params |\n| --- | ---: |\n| conv1 | 34.9K |\n| a\\|b | 7 |")
    #expect(TextTable.csv([["a,b", "c\"d"], ["1", "2"]]) == "\"a,b\",\"c\"\"d\"\n1,2\n")
  }
}

/// Fuzz finding: a 100,000-character label made every table row 100,000 characters wide.
@Suite struct TableClippingTests {
  @Test func longCellsKeepTheirEnds() {
    var table = TextTable(headers: ["Layer", "Params"], alignments: [.left, .right])
    let name = "stage." + String(repeating: "a", count: 1000) + ".conv"
    table.rows = [[name, "7"]]
    let row = table.render(box: false).split(separator: "\n")[3]
    // 79 first characters, '…', the last 40: 120 wide.
    let shown: String = String(name.prefix(79)) + "…" + String(name.suffix(40))
    let expected: String = "| " + shown + " |      7 |"
    #expect(row == expected)
    #expect(table.markdown().contains(name), "Markdown keeps every character")
  }
}

@Suite struct DiagnosticRendererTests {
  let source = SourceFile(path: "net.cnn", text: "input x 3x8x8\nconv1: cnv 8 k3\n")

  var diagnostic: Diagnostic {
    Diagnostic(.unknownLayer, "unknown layer type 'cnv'", at: SourceRange(21, 24), hint: "did you mean 'conv'?")
  }

  @Test func textHasLocationCaretAndHint() {
    #expect(
      DiagnosticRenderer.text(diagnostic, source: source) == """
        net.cnn:2:8: error: unknown layer type 'cnv' [unknown-layer]
        2 | conv1: cnv 8 k3
          |        ^~~
          = hint: did you mean 'conv'?
        """)
  }

  /// A 1,000-character line shows a window around the spot, cut ends marked, caret in place.
  @Test func longLinesShowAWindow() {
    let line = String(repeating: "a", count: 500) + "XYZ" + String(repeating: "b", count: 497)
    let long = SourceFile(path: "long.cnn", text: line + "\n")
    let rendered = DiagnosticRenderer.text(
      Diagnostic(.unknownLayer, "bad", at: SourceRange(500, 503)), source: long
    ).split(separator: "\n")
    // The window starts 20 characters before the spot and is 160 wide: '…', 20 a's, XYZ, 137 b's, '…'.
    #expect(
      rendered[1] == "1 | …" + String(repeating: "a", count: 20) + "XYZ" + String(repeating: "b", count: 137) + "…")
    #expect(rendered[2] == "  | " + String(repeating: " ", count: 21) + "^~~")
  }

  @Test func colourOnlyWhenAsked() {
    let coloured = DiagnosticRenderer.text(diagnostic, source: source, style: Style(colour: true, boxDrawing: false))
    #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"))
    #expect(!DiagnosticRenderer.text(diagnostic, source: source).contains("\u{1B}"))
  }

  @Test func githubWorkflowCommand() {
    #expect(
      DiagnosticRenderer.github(diagnostic, source: source)
        == "::error file=net.cnn,line=2,col=8,title=cnncalc unknown-layer::unknown layer type 'cnv'%0Ahint: did you mean 'conv'?"
    )
  }

  @Test func json() {
    #expect(DiagnosticRenderer.json(diagnostic, source: source).serialized().contains(#""line": 2"#))
  }
}

/// A diagnostic about a layer a block made names the calls that made it, innermost first, as a
/// compiler names a macro's expansion.
@Suite struct ExpansionChainTests {
  /// The second `unit` of `layer2` meets a 1×1 map, so its 3×3 window does not fit; by hand:
  /// 9 → stem (p1) 9 → layer1.unit_1 7 → layer1.unit_2 (s2) 3 → layer2.unit_1 1 → layer2.unit_2 fails.
  let source = SourceFile(
    path: "net.cnn",
    text: """
      input x 3x9x9
      block unit(c, s)
        conv c k3 s=s
      end
      block stage(c)
        unit(c, 1)
        unit(c, 2)
      end
      stem: conv 8 k3 p1
      layer1: stage(8)
      layer2: stage(16)

      """)

  @Test func shapeErrorInANestedBlockNamesBothCalls() throws {
    let network = try #require(SpecCompiler.compile(source).network)
    let analysis = Analyzer.analyze(network)
    let error = try #require(analysis.diagnostics.first { $0.severity == .error })
    #expect(
      DiagnosticRenderer.text(error, source: source) == """
        net.cnn:3:3: error: layer2.unit_2.conv_1: the window (3) is larger than the input (1) [nonpositive-size]
        3 |   conv c k3 s=s
          |   ^~~~~~~~~~~~~
          = hint: use a larger input, more padding or a smaller kernel
          = in block 'unit' as 'layer2.unit_2', called at net.cnn:7:3
          = in block 'stage' as 'layer2', called at net.cnn:11:9
        """)
    let json = DiagnosticRenderer.json(error, source: source).serialized()
    #expect(json.contains(#"{ "block": "unit", "instance": "layer2.unit_2", "line": 7, "column": 3 },"#))
  }

  @Test func expansionErrorInABlockBodyNamesTheCall() {
    let broken = SourceFile(
      path: "net.cnn", text: "input x 3x9x9\nblock b(c)\n  conv c k3\n  frm\nend\nfirst: b(4)\n")
    // Offsets by hand: the lines before `first: ` are 14 + 11 + 12 + 6 + 4 = 47 bytes, the label 7.
    let diagnostics = SpecCompiler.compile(broken).diagnostics
    #expect(
      diagnostics.map(\.expansion) == [[ExpansionFrame(block: "b", instance: "first", call: SourceRange(54, 58))]])
  }

  /// Fuzz finding (seed 2, case 411532): a block calling itself twice nests 64 deep; the chain shows
  /// its ends, and the layer names' memory is bounded.
  @Test func deepChainsShowTheirEnds() throws {
    let text = "input x 8x35\nblock res(c)\n  conv c k3 p1\n  res(c) * 2\nend\nres(8)\n"
    let compilation = SpecCompiler.compile(
      SourceFile(path: "r.cnn", text: text), limits: ExpansionLimits(maximumLayers: 5_000, maximumCallDepth: 20))
    let error = try #require(compilation.diagnostics.first { $0.severity == .error })
    let rendered = DiagnosticRenderer.text(error, source: SourceFile(path: "r.cnn", text: text))
    let chain = rendered.split(separator: "\n").filter { $0.contains(" = in block") || $0.contains("more calls") }
    #expect(chain.count == 6)
    #expect(chain[3].hasSuffix("= … \(error.expansion.count - 5) more calls"))
    #expect(chain[5].hasSuffix("called at r.cnn:6:1"))
  }

  @Test func topLevelDiagnosticsHaveNoChain() throws {
    let flat = SourceFile(path: "net.cnn", text: "input x 3x2x2\nconv 4 k3\n")
    let analysis = Analyzer.analyze(try #require(SpecCompiler.compile(flat).network))
    #expect(analysis.diagnostics.allSatisfy { $0.expansion.isEmpty })
    #expect(!analysis.diagnostics.isEmpty)
  }
}

/// Groups for imported models whose names spell none (Caffe's ResNets): the branching stretches
/// of the graph between single-tensor cuts.
@Suite struct StructuralGroupTests {
  /// The network of `text` with its spec groups dropped and its layers renamed to `names`.
  static func network(_ text: String, names: [String]) throws -> Network {
    var network = try #require(
      SpecCompiler.compile(SourceFile(path: "t.cnn", text: text), shapes: CalculatedShapes()).network)
    network.groups = []
    for index in network.layers.indices { network.layers[index].name = names[index] }
    return network
  }

  /// stem → a → b → c, and d = c + stem, then e and f. Only stem's output crosses the boundary
  /// after stem; a, b and c each leave stem open beside their own; after d, e and f a single
  /// tensor is open again. So a, b, c, d are one stretch, with e, the in-place ReLU after it,
  /// named by d, the merge (their names share no prefix); stem and f stay ungrouped.
  @Test func aResidualBlockIsOneGroup() throws {
    let text = """
      input x 4x8x8
      stem: conv 4 k3 p1
      a: conv 4 k3 p1
      b: relu
      c: conv 4 k3 p1
      d: add c stem
      e: relu
      f: conv 4 k1

      """
    // The ReLU after the add (in place, reading only the add) joins the stretch; the name is the add's.
    let plain = try Self.network(text, names: ["conv1", "convA", "reluA", "convB", "sum", "relu2", "head"])
    #expect(LayerGroups(plain).nodes.map { "\($0.name) \($0.layers)" } == ["sum 1..<6"])
    // Members sharing a prefix are named by it, without the trailing separator.
    let named = try Self.network(text, names: ["conv1", "blk_x1", "blk_x2", "blk_x3", "blk_sum", "blk_relu", "head"])
    #expect(LayerGroups(named).nodes.map(\.name) == ["blk"])
  }

  /// A chain has no branching stretch; names that spell groups win over structure.
  @Test func chainsAndNamedModelsAreLeftAlone() throws {
    let chain = try Self.network(
      "input x 4x8x8\nc1: conv 4 k3\nr1: relu\nc2: conv 4 k3\n", names: ["conv1", "relu1", "conv2"])
    #expect(LayerGroups(chain).nodes.isEmpty)
    // The same chain with dotted names: the names group its first two layers.
    let dotted = try Self.network(
      "input x 4x8x8\nc1: conv 4 k3\nr1: relu\nc2: conv 4 k3\n", names: ["stage.conv1", "stage.relu1", "conv2"])
    #expect(LayerGroups(dotted).nodes.map { "\($0.name) \($0.layers)" } == ["stage 0..<2"])
  }
}
