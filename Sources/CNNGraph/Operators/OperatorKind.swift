/// Every layer keyword of the language, by its canonical spelling. `declaration` is the one place
/// that says what each takes; adding a case is a compile error wherever it is not yet handled.
public enum OperatorKind: String, CaseIterable, Sendable {
  case conv, dwconv, pwconv, deconv
  case maxpool, avgpool, globalavgpool, globalmaxpool, adaptiveavgpool, adaptivemaxpool
  case fc, flatten, reshape
  case bn, layernorm, groupnorm, instancenorm, lrn, dropout, droppath, layerscale
  case relu, relu6, leakyrelu, prelu, sigmoid, tanh, gelu, silu, hardswish, hardsigmoid, softmax, elu
  case mish, selu, softplus
  case concat, add, mul
  case slice, shuffle, pixelshuffle, pixelunshuffle, upsample, pad, crop, identity, opaque

  /// The words arguments take besides numbers and names: choices, flags, padding and switches.
  public static let optionWords: Set<String> = {
    var words: Set<String> = ["same", "valid", "on", "off", "true", "false", "yes", "no"]
    for kind in allCases {
      for parameter in kind.declaration.parameters {
        switch parameter.type {
        case .choice(let options): words.formUnion(options)
        case .flag: words.insert(parameter.name)
        default: break
        }
      }
    }
    return words
  }()

  /// The kind a keyword or alias names, if any.
  public static func named(_ word: String) -> OperatorKind? { byName[word] }

  /// Every keyword and alias.
  public static var allNames: Dictionary<String, OperatorKind>.Keys { byName.keys }

  private static let byName: [String: OperatorKind] = {
    var table: [String: OperatorKind] = [:]
    for kind in allCases {
      table[kind.rawValue] = kind
      for alias in kind.declaration.aliases { table[alias] = kind }
    }
    return table
  }()

  /// The keyword's aliases, parameters and storage (built once per keyword: the expander, the
  /// memory planner and the engine ask for it on every layer).
  public var declaration: OperatorDeclaration { Self.declarations[self]! }

  private static let declarations = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.declared) })

  private var declared: OperatorDeclaration {
    typealias P = ParameterDeclaration
    switch self {
    case .conv:
      return OperatorDeclaration(aliases: ["conv1d", "conv2d", "conv3d"], [P.outputs] + P.window + [P.groups, P.bias])
    case .dwconv:
      return OperatorDeclaration(aliases: ["depthwise"], [P.multiplier] + P.window + [P.bias])
    case .pwconv:
      return OperatorDeclaration(aliases: ["pointwise"], [P.outputs, P.stride(.value(.axes(.all(1)))), P.bias])
    case .deconv:
      return OperatorDeclaration(
        aliases: ["convtranspose", "tconv"], [P.outputs] + P.window + [P.groups, P.outputPadding, P.bias])
    case .maxpool, .avgpool:
      let window = [P.kernel, P.stride(.sameAs("k")), P.padding(words: true)] + (self == .maxpool ? [P.dilation] : [])
      return OperatorDeclaration(
        window + [
          P(["ceil"], .flag, fallback: .value(.flag(false)), display: .bare, what: "ceil mode", example: "ceil"),
          P(["floor"], .flag, fallback: .value(.flag(false)), display: .hidden, what: "floor mode", example: "floor"),
        ]
          + (self == .avgpool
            ? [
              P(
                ["countpad"], .boolean, fallback: .value(.boolean(true)), what: "whether padding counts in the average",
                example: "countpad=off")
            ] : []))
    case .globalavgpool: return OperatorDeclaration(aliases: ["gap"])
    case .globalmaxpool: return OperatorDeclaration(aliases: ["gmp"])
    case .adaptiveavgpool, .adaptivemaxpool:
      return OperatorDeclaration([
        P(
          ["size", "out"], .extents, positional: true, fallback: .required, display: .bare, what: "an output size",
          example: "6x6")
      ])
    case .fc:
      return OperatorDeclaration(
        aliases: ["linear", "dense"],
        [
          P(
            ["out", "outputs"], .integer(minimum: 1), positional: true, fallback: .required, display: .hidden,
            what: "an output feature count", example: "1000"),
          P.bias,
        ])
    case .flatten: return OperatorDeclaration(storage: .view)
    case .reshape:
      return OperatorDeclaration(
        [
          P(
            ["shape"], .extents, positional: true, fallback: .required, display: .bare, what: "a shape",
            example: "256x36")
        ], storage: .view)
    case .bn:
      return OperatorDeclaration(
        aliases: ["batchnorm"], [P.affine(true), P.epsilon, P.decimal("momentum", .normMomentum)])
    case .layernorm:
      return OperatorDeclaration(
        aliases: ["ln"],
        [
          P(
            ["over"], .choice(["channels", "all"]), fallback: .value(.word("channels")),
            what: "what it normalises over",
            example: "over=all"),
          P.affine(true), P.epsilon,
        ])
    case .groupnorm:
      return OperatorDeclaration(
        aliases: ["gn"],
        [
          P(
            ["g", "groups"], .integer(minimum: 1), positional: true, fallback: .required, display: .bare,
            what: "the group count", example: "32"),
          P.affine(true), P.epsilon,
        ])
    case .instancenorm: return OperatorDeclaration([P.affine(false), P.epsilon])
    case .droppath:
      return OperatorDeclaration(
        aliases: ["stochasticdepth"],
        [
          P(
            ["p", "rate"], .decimal, positional: true, fallback: .value(.decimal(.zero)), display: .bare,
            what: "the drop rate", example: "0.1")
        ], storage: .view)
    case .layerscale: return OperatorDeclaration()
    case .slice:
      return OperatorDeclaration(
        [
          P(
            ["start"], .integer(minimum: 0), positional: true, fallback: .required, display: .bare,
            what: "the first channel", example: "0 32"),
          P(
            ["end"], .integer(minimum: 1), positional: true, fallback: .required, display: .bare,
            what: "the end channel (exclusive)", example: "0 32"),
        ], storage: .view)
    case .pixelshuffle, .pixelunshuffle:
      return OperatorDeclaration([
        P(
          ["r", "factor"], .integer(minimum: 1), positional: true, fallback: .required, display: .bare,
          what: "the factor", example: "2")
      ])
    case .opaque:
      return OperatorDeclaration([
        P(
          ["shape"], .extents, fallback: .required, display: .hidden, what: "an output shape", example: "shape=64x28x28"
        ),
        P(
          ["params"], .integer(minimum: 0), fallback: .value(.integer(0)), what: "the parameter count",
          example: "params=1000"),
        P(["macs"], .integer(minimum: 0), fallback: .value(.integer(0)), what: "the MAC count", example: "macs=5000"),
      ])
    case .lrn:
      return OperatorDeclaration([
        P(
          ["size", "n"], .integer(minimum: 1), positional: true, fallback: .value(.integer(5)), display: .bare,
          what: "the LRN window size", example: "5"),
        P.decimal("alpha", Rational.lrnAlpha), P.decimal("beta", Rational.lrnBeta), P.decimal("k", Rational(1)),
      ])
    case .dropout:
      return OperatorDeclaration(
        [
          P(
            ["p", "rate"], .decimal, positional: true, fallback: .value(.decimal(.zero)), display: .hidden,
            what: "the dropout rate", example: "0.5")
        ], storage: .inPlace)
    case .leakyrelu:
      return OperatorDeclaration(
        [
          P(
            ["slope"], .decimal, positional: true, fallback: .value(.decimal(Rational.leakySlope)), display: .bare,
            what: "the slope", example: "0.1")
        ], storage: .inPlace)
    case .prelu:
      return OperatorDeclaration([
        P(
          ["shared"], .flag, fallback: .value(.flag(false)), display: .bare, what: "one shared slope", example: "shared"
        )
      ])
    case .relu, .relu6, .elu, .hardswish, .hardsigmoid, .mish, .selu: return OperatorDeclaration(storage: .inPlace)
    case .silu: return OperatorDeclaration(aliases: ["swish"], storage: .inPlace)
    case .sigmoid, .tanh, .gelu, .softmax, .softplus: return OperatorDeclaration()
    case .concat: return OperatorDeclaration(aliases: ["cat"], isMerge: true)
    case .add: return OperatorDeclaration(aliases: ["sum"], isMerge: true)
    case .mul: return OperatorDeclaration(isMerge: true)
    case .shuffle:
      return OperatorDeclaration(
        aliases: ["channelshuffle"],
        [
          P(
            ["g", "groups"], .integer(minimum: 1), positional: true, fallback: .required, display: .bare,
            what: "the group count", example: "2")
        ])
    case .upsample:
      let modes = ["nearest", "bilinear"]
      return OperatorDeclaration([
        P(
          ["mode"], .choice(modes), fallback: .value(.word("nearest")), display: .bare, what: "the mode",
          example: "mode=bilinear"),
        P(
          ["nearest"], .flag, fallback: .value(.flag(false)), display: .hidden, what: "nearest mode", example: "nearest"
        ),
        P(
          ["bilinear"], .flag, fallback: .value(.flag(false)), display: .hidden, what: "bilinear mode",
          example: "bilinear"),
        P(
          ["scale"], .extents, positional: true, fallback: .absent, display: .glued("×"), what: "the scale",
          example: "scale=2"),
        P(["size"], .extents, fallback: .absent, display: .bare, what: "the output size", example: "size=28x28"),
      ])
    case .pad, .crop:
      return OperatorDeclaration([
        P(
          ["p", "pad", "amount"], .padding(words: false), fallback: .value(.padding(.symmetric(0))),
          display: .glued("p"), what: "the amounts", example: "p1")
      ])
    case .identity: return OperatorDeclaration(storage: .view)
    }
  }
}

extension ParameterDeclaration {
  static let outputs = P(
    ["out", "outputs"], .integer(minimum: 1), positional: true, fallback: .required, display: .hidden,
    what: "an output channel count", example: "64")
  static let multiplier = P(
    ["mult", "multiplier"], .integer(minimum: 1), fallback: .value(.integer(1)), what: "the depth multiplier",
    example: "mult=2")
  static let kernel = P(
    ["k", "kernel"], .axes(minimum: 1), fallback: .required, display: .glued("k"), what: "a kernel size", example: "k3")
  static let dilation = P(
    ["d", "dilation"], .axes(minimum: 1), fallback: .value(.axes(.all(1))), display: .glued("d"), what: "the dilation",
    example: "d2")
  static let groups = P(
    ["g", "groups"], .integer(minimum: 1), fallback: .value(.integer(1)), display: .glued("g"), what: "the group count",
    example: "g2")
  static let bias = P(
    ["bias"], .boolean, fallback: .value(.boolean(true)), what: "the bias switch", example: "bias=off")
  static let outputPadding = P(
    ["op", "output_padding"], .axes(minimum: 0), fallback: .value(.axes(.all(0))), what: "the output padding",
    example: "op=1")
  /// Kernel, stride 1, padding and dilation of a convolution.
  static let window = [kernel, stride(.value(.axes(.all(1)))), padding(words: true), dilation]

  static let epsilon = decimal("eps", .normEpsilon)

  static func affine(_ on: Bool) -> P {
    P(
      ["affine"], .boolean, fallback: .value(.boolean(on)), what: "the affine switch",
      example: "affine=\(on ? "off" : "on")")
  }

  static func stride(_ fallback: Fallback) -> P {
    P(["s", "stride"], .axes(minimum: 1), fallback: fallback, display: .glued("s"), what: "the stride", example: "s2")
  }

  static func padding(words: Bool) -> P {
    P(
      ["p", "pad", "padding"], .padding(words: words), fallback: .value(.padding(.symmetric(0))), display: .glued("p"),
      what: "the padding", example: "p1")
  }

  static func decimal(_ name: String, _ fallback: Rational) -> P {
    P([name], .decimal, fallback: .value(.decimal(fallback)), what: name, example: "\(name)=\(fallback.exactDecimal)")
  }

  typealias P = ParameterDeclaration
}

extension Rational {
  /// LRN's α, β (AlexNet, Caffe and PyTorch defaults: 1e-4, 0.75).
  public static let lrnAlpha = try! Rational(1, 10_000)
  public static let lrnBeta = try! Rational(3, 4)
  /// Normalisation ε and batch norm's momentum (PyTorch defaults: 1e-5, 0.1).
  public static let normEpsilon = try! Rational(1, 100_000)
  public static let normMomentum = try! Rational(1, 10)
  /// Leaky ReLU's default negative slope (PyTorch: 0.01).
  static let leakySlope = try! Rational(1, 100)
}
