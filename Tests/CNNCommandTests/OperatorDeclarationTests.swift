import CNNGraph
import CNNReport
import CNNSpec
import Foundation
import Testing

/// Every layer keyword reads, writes and reads back through its one declaration: spec text with
/// non-default arguments → operator → `specText` and JSON export → the same operator.
@Suite struct OperatorDeclarationTests {
  /// A layer of `kind` with arguments away from their defaults where it has any, and the input
  /// shape it needs. The switch has no default: a new keyword fails to compile here until it has
  /// a sample.
  static func sample(_ kind: OperatorKind) -> (input: String, layer: String) {
    switch kind {
    case .conv: ("4x9x9", "conv 8 k3x1 s2 p=0:1x1:0 d2 g2 bias=off")
    case .dwconv: ("4x9x9", "dwconv k3 s2 p1 mult=2")
    case .pwconv: ("4x9x9", "pwconv 6 s2 bias=off")
    case .deconv: ("4x9x9", "deconv 6 k4 s2 p1 op=1 g2")
    case .maxpool: ("4x9x9", "maxpool k3 s2 p1 d2 ceil")
    case .avgpool: ("4x9x9", "avgpool k3 s1 p=same countpad=off")
    case .globalavgpool: ("4x9x9", "globalavgpool")
    case .globalmaxpool: ("4x9x9", "gmp")
    case .adaptiveavgpool: ("4x9x9", "adaptiveavgpool 3x2")
    case .adaptivemaxpool: ("4x9x9", "adaptivemaxpool size=2")
    case .fc: ("12", "fc 5 bias=off")
    case .flatten: ("4x3x3", "flatten")
    case .reshape: ("4x3x3", "reshape 12x3")
    case .bn: ("4x9x9", "bn affine=off eps=1e-3 momentum=0.01")
    case .layernorm: ("4x9x9", "layernorm over=all affine=off eps=0.000001")
    case .groupnorm: ("4x9x9", "groupnorm 2 eps=0.001")
    case .instancenorm: ("4x9x9", "instancenorm affine=on")
    case .droppath: ("4x9x9", "droppath 0.125")
    case .layerscale, .mish, .selu, .softplus: ("4x9x9", kind.rawValue)
    case .slice: ("4x9x9", "slice 1 3")
    case .pixelshuffle: ("8x3x5", "pixelshuffle 2")
    case .pixelunshuffle: ("2x6x4", "pixelunshuffle 2")
    case .opaque: ("4x9x9", "opaque shape=7x2 params=10 macs=99")
    case .lrn: ("4x9x9", "lrn 3 alpha=0.001 beta=0.5 k=2")
    case .dropout: ("4x9x9", "dropout 0.25")
    case .relu, .relu6, .sigmoid, .tanh, .gelu, .silu, .hardswish, .hardsigmoid, .softmax, .elu, .identity:
      ("4x9x9", kind.rawValue)
    case .leakyrelu: ("4x9x9", "leakyrelu -0.125")
    case .prelu: ("4x9x9", "prelu shared")
    case .concat, .add, .mul: ("4x9x9", "r = identity\n\(kind.rawValue) x r")
    case .shuffle: ("4x9x9", "shuffle 2")
    case .upsample: ("4x9x9", "upsample size=5x7 bilinear")
    case .pad: ("4x9x9", "pad p=1:2")
    case .crop: ("4x9x9", "crop p1x2")
    }
  }

  static func lastOperator(_ text: String) throws -> Operator {
    let compilation = SpecCompiler.compile(SourceFile(path: "op.cnn", text: text))
    let network = try #require(compilation.network, "\(text): \(compilation.diagnostics.map(\.message))")
    return try #require(network.layers.last?.op)
  }

  @Test(arguments: OperatorKind.allCases)
  func readsWritesAndReadsBack(kind: OperatorKind) throws {
    let (input, layer) = Self.sample(kind)
    let op = try Self.lastOperator("input x \(input)\n\(layer)\n")
    #expect(op.kind == (kind == .pwconv ? .conv : kind))
    // The full spec text reads back to the same operator.
    let written = kind.declaration.isMerge ? op.specText + " x r" : op.specText
    let prefix = kind.declaration.isMerge ? "r = identity\n" : ""
    #expect(try Self.lastOperator("input x \(input)\n\(prefix)\(written)\n") == op, "\(written)")
    // The JSON form carries the same arguments.
    let network = try #require(
      SpecCompiler.compile(SourceFile(path: "op.cnn", text: "input x \(input)\n\(layer)\n")).network)
    let imported = JSONSpecImporter.compile(SourceFile(path: "op.json", text: SpecExport.json(network).serialized()))
    #expect(imported.network?.layers.last?.op == op, "\(imported.diagnostics.map(\.message))")
  }

  /// A rate with no finite decimal (ConvNeXt's 0.1 · 1/17) is written as exact arithmetic in spec
  /// text (`1.0/170`) and as a fraction string in JSON, and reads back exactly.
  @Test func fractionsWithoutFiniteDecimalsRoundTrip() throws {
    let text = "input x 4x9x9\ndroppath 0.1*1/17\n"
    let op = try Self.lastOperator(text)
    #expect(op == .stochasticDepth(rate: try Rational(1, 170)))
    #expect(op.specText == "droppath p=1.0/170")
    #expect(try Self.lastOperator("input x 4x9x9\n\(op.specText)\n") == op)
    let network = try #require(SpecCompiler.compile(SourceFile(path: "op.cnn", text: text)).network)
    let json = SpecExport.json(network).serialized()
    #expect(json.contains(#""p": "1/170""#))
    #expect(JSONSpecImporter.compile(SourceFile(path: "op.json", text: json)).network?.layers.last?.op == op)
  }

  /// Hand-written expectations for the report's short form: defaults hidden, glued prefixes.
  @Test func shortDescriptions() throws {
    let cases: [(String, String)] = [
      ("conv 8 k3 p1", "conv k3 p1"),
      ("conv 8 k3 s1 p=0:1", "conv k3 p=0:1"),
      ("maxpool k2", "maxpool k2"),
      ("maxpool k3 s2 ceil", "maxpool k3 s2 ceil"),
      ("avgpool k3 s1 p=same", "avgpool k3 s1 p=same"),
      ("avgpool k3 s1 p1 countpad=off", "avgpool k3 s1 p1 countpad=off"),
      ("dwconv k3 mult=2 bias=off", "dwconv k3 mult=2 bias=off"),
      ("upsample 2", "upsample ×2"),
      ("upsample size=4x6 bilinear", "upsample bilinear 4x6"),
      ("leakyrelu 0.2", "leakyrelu 0.2"),
      ("lrn 3", "lrn 3"),
      ("pad p=0:1", "pad p=0:1"),
    ]
    for (layer, expected) in cases {
      let op = try Self.lastOperator("input x 4x8x8\n\(layer)\n")
      #expect(OperatorText.describe(op) == expected)
    }
  }

  /// docs/spec-format.md's layer table names every keyword, alias and parameter.
  @Test func everyKeywordIsDocumented() throws {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/spec-format.md"), encoding: .utf8)
    let start = try #require(text.range(of: "## Layers"))
    let end = try #require(text.range(of: "\n## ", range: start.upperBound..<text.endIndex))
    let table = text[start.upperBound..<end.lowerBound]
    for kind in OperatorKind.allCases {
      for name in [kind.rawValue] + kind.declaration.aliases {
        #expect(table.contains("`\(name)`"), "docs/spec-format.md does not list `\(name)`")
      }
      let row = table.split(separator: "\n").first { $0.contains("`\(kind.rawValue)`") } ?? ""
      for parameter in kind.declaration.parameters where !parameter.positional && parameter.display != .hidden {
        #expect(
          row.contains(parameter.name) || table.contains("`\(parameter.name)`"),
          "the row of `\(kind.rawValue)` does not mention `\(parameter.name)`")
      }
    }
  }
}
