import CNNGraph

/// Builds an `Operator` from a keyword and its arguments, read as the keyword's declaration
/// (`OperatorKind.declaration`) says. The spec language and the JSON form both come here.
enum OperatorBuilder {
  typealias Failure = Evaluator.Failure

  /// Reads the arguments of `kind` and builds the operator; leftovers are errors, except for a
  /// merge, whose remaining words are its operands (the caller reads and then finishes them).
  static func make(_ kind: OperatorKind, _ reader: inout ArgumentReader) throws(Failure) -> Operator {
    let declaration = kind.declaration
    let args = try reader.read(declaration)
    let op = try build(kind, args)
    if !declaration.isMerge {
      try reader.finish(
        known: declaration.parameters.filter { $0.display != .hidden || $0.type != .flag }.map(\.name),
        aliases: declaration.parameters.flatMap { $0.names.dropFirst() })
    }
    return op
  }

  /// The operator of `kind` from read arguments.
  static func build(_ kind: OperatorKind, _ args: ReadArguments) throws(Failure) -> Operator {
    switch kind {
    case .conv, .pwconv, .deconv:
      let window =
        kind == .pwconv ? Window(kernel: .all(1), stride: args.axes("s")) : self.window(args)
      let conv = Convolution(
        outputs: args.integer("out"), window: window, groups: kind == .pwconv ? 1 : args.integer("g"),
        bias: args.boolean("bias"), outputPadding: kind == .deconv ? args.axes("op") : .all(0))
      return kind == .deconv ? .transposedConvolution(conv) : .convolution(conv)
    case .dwconv:
      return .convolution(
        Convolution(
          outputs: nil, depthMultiplier: args.integer("mult"), window: window(args), groups: nil,
          bias: args.boolean("bias")))
    case .maxpool, .avgpool:
      if args.boolean("ceil") && args.boolean("floor") {
        throw Failure(diagnostic: Diagnostic(.badArgument, "both 'ceil' and 'floor' given", at: args.range("floor")))
      }
      let window = Window(
        kernel: args.axes("k"), stride: args.axes("s"), dilation: kind == .maxpool ? args.axes("d") : .all(1),
        padding: args.padding("p"))
      return .pooling(
        Pooling(
          kind: kind == .maxpool ? .max : .average, window: window, ceilMode: args.boolean("ceil"),
          countsPadding: kind == .avgpool ? args.boolean("countpad") : true))
    case .globalavgpool: return .globalPooling(.average)
    case .globalmaxpool: return .globalPooling(.max)
    case .adaptiveavgpool: return .adaptivePooling(.average, outputSize: args.axes("size"))
    case .adaptivemaxpool: return .adaptivePooling(.max, outputSize: args.axes("size"))
    case .fc: return .fullyConnected(outputs: args.integer("out"), bias: args.boolean("bias"))
    case .flatten: return .flatten
    case .reshape: return .reshape(args.axes("shape").values)
    case .bn:
      return .batchNorm(
        Normalization(affine: args.boolean("affine"), epsilon: args.decimal("eps"), momentum: args.decimal("momentum")))
    case .layernorm: return .layerNorm(norm(args), over: LayerNormExtent(rawValue: args.word("over"))!)
    case .groupnorm: return .groupNorm(groups: args.integer("g"), norm(args))
    case .instancenorm: return .instanceNorm(norm(args))
    case .droppath: return .stochasticDepth(rate: try rate(args))
    case .layerscale: return .layerScale
    case .slice:
      let (start, end) = (args.integer("start"), args.integer("end"))
      guard start < end else {
        throw Failure(
          diagnostic: Diagnostic(
            .badArgument, "a slice needs start < end; \(start) ..< \(end) is empty", at: args.range("end"),
            hint: "slice START END takes channels START up to END − 1, as x[:, START:END]"))
      }
      return .slice(start: start, end: end)
    case .pixelshuffle: return .pixelShuffle(factor: args.integer("r"))
    case .pixelunshuffle: return .pixelUnshuffle(factor: args.integer("r"))
    case .opaque:
      return .opaque(
        Opaque(shape: args.axes("shape").values, params: args.integer("params"), macs: args.integer("macs")))
    case .lrn:
      return .localResponseNorm(
        LocalResponseNorm(
          size: args.integer("size"), alpha: args.decimal("alpha"), beta: args.decimal("beta"), k: args.decimal("k")))
    case .dropout: return .dropout(rate: try rate(args))
    case .relu: return .activation(.relu)
    case .relu6: return .activation(.relu6)
    case .leakyrelu: return .activation(.leakyRelu(slope: args.decimal("slope")))
    case .prelu: return .activation(.prelu(shared: args.boolean("shared")))
    case .sigmoid: return .activation(.sigmoid)
    case .tanh: return .activation(.tanh)
    case .gelu: return .activation(.gelu)
    case .silu: return .activation(.silu)
    case .hardswish: return .activation(.hardswish)
    case .hardsigmoid: return .activation(.hardsigmoid)
    case .softmax: return .activation(.softmax)
    case .elu: return .activation(.elu)
    case .mish: return .activation(.mish)
    case .selu: return .activation(.selu)
    case .softplus: return .activation(.softplus)
    case .concat: return .concat
    case .add: return .add
    case .mul: return .mul
    case .shuffle: return .channelShuffle(groups: args.integer("g"))
    case .upsample: return .upsample(try upsample(args))
    case .pad: return .pad(args.padding("p"))
    case .crop: return .crop(args.padding("p"))
    case .identity: return .identity
    }
  }

  private static func norm(_ args: ReadArguments) -> Normalization {
    Normalization(affine: args.boolean("affine"), epsilon: args.decimal("eps"))
  }

  /// A drop rate in [0, 1).
  private static func rate(_ args: ReadArguments) throws(Failure) -> Rational {
    let rate = args.decimal("p")
    guard rate >= .zero, rate < Rational(1) else {
      throw Failure(
        diagnostic: Diagnostic(
          .badArgument, "a drop rate must be at least 0 and below 1, found \(rate.exactDecimal)", at: args.range("p")))
    }
    return rate
  }

  private static func window(_ args: ReadArguments) -> Window {
    Window(kernel: args.axes("k"), stride: args.axes("s"), dilation: args.axes("d"), padding: args.padding("p"))
  }

  private static func upsample(_ args: ReadArguments) throws(Failure) -> Upsample {
    var mode = UpsampleMode(rawValue: args.word("mode"))!
    if args.boolean("bilinear") { mode = .bilinear }
    if args.boolean("nearest") { mode = .nearest }
    switch (args.given("scale"), args.given("size")) {
    case (.axes(let scale)?, nil): return Upsample(mode: mode, target: .scale(scale))
    case (nil, .axes(let size)?): return Upsample(mode: mode, target: .size(size))
    case (nil, nil):
      throw Failure(diagnostic: Diagnostic(.missingArgument, "'upsample' needs scale=N or size=HxW", at: args.whole))
    default:
      throw Failure(diagnostic: Diagnostic(.badArgument, "give either scale or size, not both", at: args.whole))
    }
  }
}
