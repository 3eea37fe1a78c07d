extension Operator {
  /// The keyword that writes this operator back (a pointwise convolution reads back as `conv k1`).
  public var kind: OperatorKind {
    switch self {
    case .convolution(let conv): conv.isDepthwise ? .dwconv : .conv
    case .transposedConvolution: .deconv
    case .pooling(let pool): pool.kind == .max ? .maxpool : .avgpool
    case .globalPooling(let kind): kind == .max ? .globalmaxpool : .globalavgpool
    case .adaptivePooling(let kind, _): kind == .max ? .adaptivemaxpool : .adaptiveavgpool
    case .fullyConnected: .fc
    case .flatten: .flatten
    case .reshape: .reshape
    case .batchNorm: .bn
    case .layerNorm: .layernorm
    case .groupNorm: .groupnorm
    case .instanceNorm: .instancenorm
    case .stochasticDepth: .droppath
    case .layerScale: .layerscale
    case .slice: .slice
    case .pixelShuffle: .pixelshuffle
    case .pixelUnshuffle: .pixelunshuffle
    case .opaque: .opaque
    case .localResponseNorm: .lrn
    case .dropout: .dropout
    case .activation(let activation): activation.kind
    case .concat: .concat
    case .add: .add
    case .mul: .mul
    case .channelShuffle: .shuffle
    case .upsample: .upsample
    case .pad: .pad
    case .crop: .crop
    case .identity: .identity
    }
  }

  /// The spec-language keyword, as reports show it.
  public var keyword: String { kind.rawValue }

  /// Every argument by canonical parameter name, in declaration order, such that building
  /// `kind` from them gives this operator back (`OperatorBuilder`).
  public var arguments: [(name: String, value: OperatorArgument)] {
    switch self {
    case .convolution(let conv), .transposedConvolution(let conv):
      var args = conv.outputs.map { [("out", OperatorArgument.integer($0))] } ?? []
      args += Self.window(conv.window)
      if let groups = conv.groups {
        args.append(("g", .integer(groups)))
      } else {
        args.append(("mult", .integer(conv.depthMultiplier)))
      }
      if case .transposedConvolution = self { args.append(("op", .axes(conv.outputPadding))) }
      return args + [("bias", .boolean(conv.bias))]
    case .pooling(let pool):
      var args = Self.window(pool.window)
      args.append(("ceil", .flag(pool.ceilMode)))
      if pool.kind == .average {
        args.removeAll { $0.0 == "d" }
        args.append(("countpad", .boolean(pool.countsPadding)))
      }
      return args
    case .globalPooling, .flatten, .concat, .add, .mul, .identity: return []
    case .adaptivePooling(_, let size): return [("size", .axes(size))]
    case .fullyConnected(let outputs, let bias): return [("out", .integer(outputs)), ("bias", .boolean(bias))]
    case .reshape(let shape): return [("shape", .axes(AxisValues(shape)))]
    case .batchNorm(let norm): return Self.norm(norm) + [("momentum", .decimal(norm.momentum))]
    case .layerNorm(let norm, let over): return [("over", .word(over.rawValue))] + Self.norm(norm)
    case .groupNorm(let groups, let norm): return [("g", .integer(groups))] + Self.norm(norm)
    case .instanceNorm(let norm): return Self.norm(norm)
    case .stochasticDepth(let rate): return [("p", .decimal(rate))]
    case .layerScale: return []
    case .slice(let start, let end): return [("start", .integer(start)), ("end", .integer(end))]
    case .pixelShuffle(let factor), .pixelUnshuffle(let factor): return [("r", .integer(factor))]
    case .opaque(let opaque):
      return [
        ("shape", .axes(AxisValues(opaque.shape))), ("params", .integer(opaque.params)),
        ("macs", .integer(opaque.macs)),
      ]
    case .localResponseNorm(let lrn):
      return [
        ("size", .integer(lrn.size)), ("alpha", .decimal(lrn.alpha)), ("beta", .decimal(lrn.beta)),
        ("k", .decimal(lrn.k)),
      ]
    case .dropout(let rate): return [("p", .decimal(rate))]
    case .activation(let activation):
      switch activation {
      case .leakyRelu(let slope): return [("slope", .decimal(slope))]
      case .prelu(let shared): return [("shared", .flag(shared))]
      case .relu, .relu6, .sigmoid, .tanh, .gelu, .silu, .hardswish, .hardsigmoid, .softmax, .elu, .mish, .selu,
        .softplus:
        return []
      }
    case .channelShuffle(let groups): return [("g", .integer(groups))]
    case .upsample(let upsample):
      let mode: (String, OperatorArgument) = ("mode", .word(upsample.mode.rawValue))
      switch upsample.target {
      case .scale(let values): return [mode, ("scale", .axes(values))]
      case .size(let values): return [mode, ("size", .axes(values))]
      }
    case .pad(let amounts), .crop(let amounts): return [("p", .padding(amounts))]
    }
  }

  /// The operator as spec text that reads back to it: the keyword, then every argument that
  /// differs from its default as `name=value` (flags as their word), e.g. `conv out=64 k=3 p=1`.
  public var specText: String {
    ([keyword]
      + changedArguments.map { parameter, value in
        if case .flag = value { parameter.name } else { "\(parameter.name)=\(value.specText)" }
      }).joined(separator: " ")
  }

  /// The arguments that differ from their defaults, with their declarations, in order: what the
  /// full spec text writes and what the report's short form shows.
  public var changedArguments: [(parameter: ParameterDeclaration, value: OperatorArgument)] {
    let arguments = self.arguments
    let declaration = kind.declaration
    return arguments.compactMap { name, value in
      guard let parameter = declaration.parameter(name), !parameter.isDefault(value, among: arguments) else {
        return nil
      }
      return (parameter, value)
    }
  }

  private static func norm(_ norm: Normalization) -> [(String, OperatorArgument)] {
    [("affine", .boolean(norm.affine)), ("eps", .decimal(norm.epsilon))]
  }

  private static func window(_ window: Window) -> [(String, OperatorArgument)] {
    [
      ("k", .axes(window.kernel)), ("s", .axes(window.stride)), ("p", .padding(window.padding)),
      ("d", .axes(window.dilation)),
    ]
  }
}

extension Activation {
  /// The keyword of the activation.
  public var kind: OperatorKind {
    switch self {
    case .relu: .relu
    case .relu6: .relu6
    case .sigmoid: .sigmoid
    case .tanh: .tanh
    case .gelu: .gelu
    case .silu: .silu
    case .hardswish: .hardswish
    case .hardsigmoid: .hardsigmoid
    case .softmax: .softmax
    case .elu: .elu
    case .mish: .mish
    case .selu: .selu
    case .softplus: .softplus
    case .leakyRelu: .leakyrelu
    case .prelu: .prelu
    }
  }
}
