import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// Block parameters that are not integers: extents, layers and blocks, decimals and rates.
@Suite struct BlockParameterTests {
  func network(_ text: String) throws -> Network {
    let compilation = SpecCompiler.compile(SourceFile(path: "t.cnn", text: text), shapes: CalculatedShapes())
    let errors = compilation.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(errors.map(\.message))")
    return try #require(compilation.network)
  }

  func errors(_ text: String) -> [Diagnostic] {
    SpecCompiler.compile(SourceFile(path: "t.cnn", text: text), shapes: CalculatedShapes()).diagnostics.filter {
      $0.severity == .error
    }
  }

  /// Inception-v3's factorised 1x7 convolution: on 3x17x17, k 1x7 with p 0x3 keeps 17x17;
  /// 8·3·7 weights + 2·8 batch norm = 184 parameters.
  @Test func extentsAsParameters() throws {
    let text = """
      input x 3x17x17
      block bconv(c, k=1, p=0)
        conv c k=k p=p bias=off | bn | relu
      end
      a: bconv(8, k=1x7, p=0x3)
      expect a 8x17x17
      expect a params 184
      """
    let analysis = try analyze(text)
    #expect(analysis.diagnostics.filter { $0.code == .expectFailed }.isEmpty)
  }

  /// An activation passed as a layer keyword, with a default; and a block passed by name.
  @Test func layersAndBlocksAsParameters() throws {
    let net = try network(
      """
      input x 3x8x8
      block hswish_gate()
        hardswish | dropout 0.1
      end
      block cba(c, act=relu)
        conv c k3 p1 | bn | act
      end
      a: cba(8)
      b: cba(8, act=silu)
      c: cba(8, act=hswish_gate)
      """)
    let keywords = net.layers.map(\.op.keyword)
    #expect(keywords == ["conv", "bn", "relu", "conv", "bn", "silu", "conv", "bn", "hardswish", "dropout"])
  }

  /// torchvision's stochastic depth rate 0.2 · block_id / total_blocks, exactly: block 4 of 16 is 0.05.
  @Test func decimalsAndRates() throws {
    let net = try network(
      """
      input x 3x8x8
      block unit(i, total=16, p=0.2)
        conv 3 k3 p1 | droppath p*i/total if p > 0
      end
      u: unit(4)
      v: unit(4, p=0)
      """)
    #expect(net.layers[1].op == .stochasticDepth(rate: try Rational(1, 20)))
    #expect(net.layers.count == 3)
  }

  @Test func misusesAreLocatedErrors() {
    // A misspelt activation is an unknown parameter with a did-you-mean.
    let typo = errors("input x 3x8x8\nblock cba(act=relu)\n  act\nend\ncba(act=rleu)\n")
    #expect(typo.first?.code == .unknownName)
    #expect(typo.first?.hint?.contains("relu") == true)
    // Extents in integer arithmetic.
    let extents = errors("input x 3x8x8\nblock b(k=3)\n  conv k*2 k1\nend\nb(k=1x7)\n")
    #expect(extents.first?.message.contains("'k' is 1x7, not an integer") == true)
    // A decimal where a count is needed.
    let decimal = errors("input x 3x8x8\nblock b(c)\n  conv c k1\nend\nb(2.5)\n")
    #expect(decimal.first?.code == .badArgument)
  }

  /// `* N as j` binds j to 0, 1, … N − 1: torchvision's per-block stochastic depth rate 0.1 · j / 4.
  @Test func repetitionIndex() throws {
    let net = try network(
      """
      input x 4x8x8
      block unit(i)
        droppath 0.1*i/4
      end
      s: unit(j) * 3 as j
      g: (conv 4 k1 | droppath 0.5*k) * 2 as k
      """)
    let rates = net.layers.compactMap { layer -> Rational? in
      if case .stochasticDepth(let rate) = layer.op { return rate } else { return nil }
    }
    #expect(rates == [.zero, try Rational(1, 40), try Rational(1, 20), .zero, try Rational(1, 2)])
    #expect(net.layers.map(\.name).prefix(3) == ["s.0.droppath_1", "s.1.droppath_1", "s.2.droppath_1"])
    // An index may not hide a block parameter.
    let hidden = errors("input x 4x8x8\nblock b(i)\n  (relu) * 2 as i\nend\nb(1)\n")
    #expect(hidden.first?.code == .duplicateName)
  }
}
