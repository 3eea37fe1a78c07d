import CNNGraph
import CNNSpec
import Testing

/// How specs expand into layers: names, inputs, blocks, repetition.
@Suite struct ExpansionTests {
  func network(_ text: String) throws -> Network {
    let compilation = SpecCompiler.compile(SourceFile(path: "spec.cnn", text: text))
    let errors = compilation.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(errors.map(\.message))")
    return try #require(compilation.network)
  }

  func inputs(_ network: Network, _ name: String) -> [String] {
    network.layers.first { $0.name == name }!.inputs.map { network.name(of: $0) }
  }

  /// Labels that look like shorthands (`s1`, `s2.1.conv`) still name merge operands.
  @Test func mergeOperandsNamedLikeShorthands() throws {
    let net = try network(
      """
      input x 3x8x8
      block b(c)
        conv c k1
      end
      s2: b(8) * 2
      s1: conv 8 k1
      m: add s1 s2.1.conv_1
      n: add m s2 | conv 8 k3 p1
      """)
    #expect(inputs(net, "m") == ["s1", "s2.1.conv_1"])
    #expect(inputs(net, "n") == ["m", "s2.1.conv_1"])
    #expect(net.layers.last?.op.keyword == "conv")
  }

  @Test func chainsNameTheirStages() throws {
    let net = try network(
      """
      network t
      input image 3x8x8
      conv1: conv 4 k3 | bn | relu | conv 4 k1 | relu
      relu
      """)
    #expect(net.layers.map(\.name) == ["conv1", "conv1.bn", "conv1.relu", "conv1.conv", "conv1.relu_2", "relu_1"])
    #expect(inputs(net, "conv1") == ["image"])
    #expect(inputs(net, "relu_1") == ["conv1.relu_2"])
    #expect(net.outputs.map { net.name(of: $0) } == ["relu_1"])
  }

  @Test func branchesDoNotAdvanceTheTrunk() throws {
    let net = try network(
      """
      input x 3x8x8
      stem: conv 8 k3 p1
      a = conv 8 k1
      b = conv 8 k3 p1
      sum: add a b
      tail: from stem | relu
      """)
    #expect(inputs(net, "a") == ["stem"])
    #expect(inputs(net, "b") == ["stem"])
    #expect(inputs(net, "sum") == ["a", "b"])
    #expect(inputs(net, "tail") == ["stem"])
  }

  @Test func mergesLaterInAChainIncludeTheCurrentTensor() throws {
    let net = try network(
      """
      input x 3x8x8
      a: conv 3 k1
      b: conv 3 k1 | add x | relu
      """)
    #expect(inputs(net, "b.add") == ["b", "x"])
  }

  @Test func blocksExpandWithPrefixedNamesAndArithmetic() throws {
    let net = try network(
      """
      input x 16x8x8
      block pair(c, stride=1)
        first: conv c*2 k3 s=stride p1
        second: conv c/2 k1
      end
      p: pair(8, stride=2)
      q: pair(4) * 2
      """)
    #expect(net.layers.map(\.name) == ["p.first", "p.second", "q.0.first", "q.0.second", "q.1.first", "q.1.second"])
    guard case .convolution(let conv) = net.layers[0].op else { Issue.record("not a conv"); return }
    #expect(conv.outputs == 16)
    #expect(conv.window.stride == .all(2))
    #expect(net.layers[0].depth == 1)
    #expect(inputs(net, "q.1.first") == ["q.0.second"])
  }

  @Test func zeroRepetitionsPassTheInputThrough() throws {
    let net = try network(
      """
      input x 8x8x8
      block res(down=0)
        body: conv 8 k3 p1
        short = from in | (conv 8 k1) * down
        out: add body short
      end
      a: res()
      b: res(1)
      """)
    #expect(inputs(net, "a.out") == ["a.body", "x"])
    #expect(inputs(net, "b.out") == ["b.body", "b.short.0"])
  }

  @Test func flagsAndShorthands() throws {
    let net = try network(
      """
      input x 3x9x9
      maxpool k3x2 s2 ceil
      conv 4 k=3 p=0:1x1:0 d2 g1 bias=off
      """)
    guard case .pooling(let pool) = net.layers[0].op, case .convolution(let conv) = net.layers[1].op else {
      Issue.record("wrong operators")
      return
    }
    #expect(pool.ceilMode)
    #expect(pool.window.kernel == AxisValues([3, 2]))
    #expect(pool.window.stride == .all(2))
    #expect(conv.window.padding == .explicit(begin: AxisValues([0, 1]), end: AxisValues([1, 0])))
    #expect(conv.window.dilation == .all(2))
    #expect(!conv.bias)
  }

  @Test func perSidePaddingFromExpressions() throws {
    let net = try network(
      """
      input x 1x16
      block causal(d)
        conv 1 k2 d=d p=d:0
      end
      causal(4)
      """)
    guard case .convolution(let conv) = net.layers[0].op else {
      Issue.record("not a conv")
      return
    }
    #expect(conv.window.padding == .explicit(begin: .all(4), end: .all(0)))
  }

  @Test func expectationsResolveLabelsToChainOutputs() throws {
    let net = try network(
      """
      input x 3x8x8
      c: conv 4 k3 | relu
      expect c 4x6x6
      expect c.relu rf 3
      expect params <= 1.2K
      expect macs 3.5K ± 5%
      """)
    #expect(net.expectations.map(\.layer) == ["c.relu", "c.relu", nil, nil])
    guard case .value(let comparison, let value, _) = net.expectations[2].claim else {
      Issue.record("not a value"); return
    }
    #expect(comparison == .lessOrEqual)
    #expect(value == Rational(1200))
  }

  @Test func networkNameDefaultsToTheFileName() throws {
    let compilation = SpecCompiler.compile(SourceFile(path: "dir/my-net.cnn", text: "input x 1x4\nrelu\n"))
    #expect(compilation.network?.name == "my-net")
  }

  @Test func inputOverride() throws {
    let compilation = SpecCompiler.compile(
      SourceFile(path: "a.cnn", text: "input x 3x8x8\nrelu\n"), inputShapes: ["": [3, 16, 16]])
    #expect(compilation.network?.inputs[0].shape == [3, 16, 16])
  }

  @Test func hugeRepetitionStopsAtTheLayerLimit() {
    let source = SourceFile(path: "a.cnn", text: "input x 1x4\nblock b()\n  (relu) * 1000\nend\nb() * 1000\n")
    let compilation = SpecCompiler.compile(source, limits: ExpansionLimits(maximumLayers: 10_000))
    #expect(compilation.network == nil)
    #expect(compilation.diagnostics.contains { $0.code == .tooLarge })
  }
}

@Suite struct ExpansionLimitTests {
  /// Repetitions that make no layers still end: the expansion work is bounded too.
  @Test func emptyRepetitionsAreBounded() {
    let source = SourceFile(path: "a.cnn", text: "input x 1x4\n((from x) * 10000) * 10000\n")
    let compilation = SpecCompiler.compile(source, limits: ExpansionLimits(maximumLayers: 10_000))
    #expect(compilation.diagnostics.contains { $0.code == .tooLarge && $0.message.contains("20,000 steps") })
  }
}

/// Issue 9, item 3: decisions in the language — comparisons, `and`/`or`/`not`, functions, and
/// stages present only when a condition holds.
@Suite struct DecisionTests {
  func channels(_ expression: String) throws -> Int {
    let compilation = SpecCompiler.compile(
      SourceFile(path: "e.cnn", text: "input x 1x4\nblock b(v=0)\n  conv \(expression) k1\nend\nb()\n"))
    let network = try #require(compilation.network, "\(compilation.diagnostics.map(\.message))")
    guard case .convolution(let conv) = network.layers[0].op else { throw DecisionError() }
    return try #require(conv.outputs)
  }

  struct DecisionError: Error {}

  /// Expected values by hand: torchvision's `_make_divisible(v, 8)` is
  /// `max(8, int(v + 4) // 8 * 8)`, plus 8 when that is below 0.9·v.
  @Test(arguments: [
    ("max(3, 8)", 8), ("min(4, 2, 9)", 2), ("abs(0 - 5)", 5), ("div_ceil(7, 2)", 4), ("div_round(7, 2)", 4),
    ("div_round(5, 4)", 1), ("div_round(6, 4)", 2), ("make_divisible(30, 8)", 32), ("make_divisible(4, 8)", 8),
    ("make_divisible(60, 8)", 64), ("make_divisible(10, 8)", 16), ("make_divisible(144, 8)", 144),
    ("1 + (3 == 3)", 2), ("1 + (3 != 3)", 1), ("2 + (1 < 2) + (2 <= 2) + (3 > 4) + (4 >= 4)", 5),
    ("1 + (1 and 0) + (1 or 0) + (not 0)", 3), ("1 + (0 and 1 / 0)", 1), ("7 + (not not 5)", 8),
  ])
  func evaluates(_ expression: String, _ expected: Int) throws {
    #expect(try channels(expression) == expected)
  }

  @Test func conditionalStagesComeAndGo() throws {
    let text = """
      input x 8x8x8
      block unit(inp, out, s=1)
        project: (conv out k1 | bn) if inp != out
        down: maxpool k2 if s == 2
        act: relu if not (s == 2 and inp == out)
        sum: add act in if s == 1 and inp == out
      end
      same: unit(8, 8)
      wider: unit(8, 16)
      halved: unit(16, 16, s=2)
      """
    let compilation = SpecCompiler.compile(SourceFile(path: "c.cnn", text: text))
    let network = try #require(compilation.network, "\(compilation.diagnostics.map(\.message))")
    // same: only act and sum; wider: project (conv, bn) and act; halved: down only.
    #expect(
      network.layers.map(\.name) == [
        "same.act", "same.sum", "wider.project", "wider.project.bn", "wider.act", "halved.down",
      ])
  }

  @Test(arguments: [
    ("conv mx(1, 2) k1", "unknown function 'mx'", "did you mean 'max'?"),
    ("conv abs(1, 2) k1", "'abs' takes 1 argument, given 2", nil),
    ("conv div_ceil(3, 0) k1", "'div_ceil' needs a positive divisor, found 0", nil),
    ("relu if undefined", "unknown parameter 'undefined'", nil),
  ])
  func mistakesAreLocated(_ line: String, _ message: String, _ hint: String?) throws {
    let text = "input x 1x4\n\(line)\n"
    let diagnostic = try #require(SpecCompiler.compile(SourceFile(path: "m.cnn", text: text)).diagnostics.first)
    #expect(diagnostic.message == message)
    if let hint { #expect(diagnostic.hint == hint) }
    #expect((diagnostic.range?.start ?? 0) >= 12, "points into the second line")
  }
}
