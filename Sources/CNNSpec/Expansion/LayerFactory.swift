/// Builds an `Operator` from a layer keyword and its evaluated arguments; the catalogue of layer
/// keywords, their aliases and arguments lives here (documented in docs/spec-format.md).
enum LayerFactory {
  typealias Failure = Evaluator.Failure

  /// Every layer keyword with its aliases, mapped to the canonical keyword.
  static let keywords: [String: String] = {
    var table: [String: String] = [:]
    let groups: [[String]] = [
      ["conv", "conv1d", "conv2d", "conv3d"], ["dwconv", "depthwise"], ["pwconv", "pointwise"],
      ["deconv", "convtranspose", "tconv"], ["maxpool"], ["avgpool"],
      ["globalavgpool", "gap"], ["globalmaxpool", "gmp"], ["adaptiveavgpool"], ["adaptivemaxpool"],
      ["fc", "linear", "dense"], ["flatten"], ["reshape"], ["bn", "batchnorm"], ["lrn"], ["dropout"],
      ["relu"], ["relu6"], ["leakyrelu"], ["prelu"], ["sigmoid"], ["tanh"], ["gelu"], ["silu", "swish"],
      ["hardswish"], ["hardsigmoid"], ["softmax"], ["elu"], ["concat", "cat"], ["add", "sum"], ["mul"],
      ["shuffle", "channelshuffle"], ["upsample"], ["pad"], ["crop"], ["identity"],
    ]
    for group in groups {
      for alias in group { table[alias] = group[0] }
    }
    return table
  }()

  /// The bare words some layers read as switches (`maxpool k3 s2 ceil`): in JSON, `"ceil": true`.
  static let flagWords: Set<String> = ["ceil", "floor", "shared", "nearest", "bilinear"]

  /// The merge keywords, whose positional words name their operands.
  static let merges: Set<String> = ["concat", "add", "mul"]

  private static let simpleActivations: [String: Activation] = [
    "relu": .relu, "relu6": .relu6, "sigmoid": .sigmoid, "tanh": .tanh, "gelu": .gelu, "silu": .silu,
    "hardswish": .hardswish, "hardsigmoid": .hardsigmoid, "softmax": .softmax, "elu": .elu,
  ]

  private static let windowKeys = ["k", "kernel", "s", "stride", "p", "pad", "padding", "d", "dilation"]

  /// Builds the operator; `keyword` must be canonical (a value of `keywords`).
  static func make(_ keyword: String, _ arguments: inout ArgumentReader) throws(Failure) -> Operator {
    var known: [String] = []
    let op: Operator
    switch keyword {
    case "conv", "pwconv", "dwconv", "deconv":
      let outputs =
        keyword == "dwconv"
        ? nil : try arguments.integer(["out", "outputs"], positional: true, what: "an output channel count")
      let multiplier =
        keyword == "dwconv"
        ? try arguments.integer(["mult", "multiplier"], default: 1, what: "the depth multiplier") : 1
      let window =
        keyword == "pwconv"
        ? Window(
          kernel: .all(1), stride: try arguments.axisValues(["s", "stride"], default: .all(1), what: "the stride"))
        : try self.window(&arguments, defaultStride: .all(1))
      let groups =
        keyword == "dwconv" ? nil : try arguments.integer(["g", "groups"], default: 1, what: "the group count")
      let bias = try arguments.boolean(["bias"], default: true)
      let outputPadding =
        keyword == "deconv"
        ? try arguments.axisValues(["op", "output_padding"], default: .all(0), minimum: 0, what: "the output padding")
        : .all(0)
      let conv = Convolution(
        outputs: outputs, depthMultiplier: multiplier, window: window, groups: groups, bias: bias,
        outputPadding: outputPadding)
      op = keyword == "deconv" ? .transposedConvolution(conv) : .convolution(conv)
      known =
        ["out", "bias"] + (keyword == "pwconv" ? ["s", "stride"] : windowKeys)
        + (keyword == "dwconv" ? ["mult"] : ["g", "groups"]) + (keyword == "deconv" ? ["op", "output_padding"] : [])
    case "maxpool", "avgpool":
      let ceil = arguments.flag("ceil")
      let floor = arguments.flag("floor")
      if ceil && floor {
        throw Failure(diagnostic: Diagnostic(.badArgument, "both 'ceil' and 'floor' given", at: arguments.whole))
      }
      let kernel = try arguments.axisValues(["k", "kernel"], default: nil, what: "a kernel size")
      let window = try self.window(&arguments, defaultStride: kernel, kernel: kernel)
      if keyword == "avgpool", window.dilation != .all(1) {
        throw Failure(diagnostic: Diagnostic(.unknownArgument, "average pooling has no dilation", at: arguments.whole))
      }
      op = .pooling(Pooling(kind: keyword == "maxpool" ? .max : .average, window: window, ceilMode: ceil))
      known = windowKeys + ["ceil", "floor"]
    case "globalavgpool", "globalmaxpool":
      op = .globalPooling(keyword == "globalmaxpool" ? .max : .average)
    case "adaptiveavgpool", "adaptivemaxpool":
      guard let (value, range) = arguments.value(["size", "out"]) ?? arguments.nextPositional() else {
        throw Failure(
          diagnostic: Diagnostic(
            .missingArgument, "'\(keyword)' needs an output size", at: arguments.whole,
            hint: "for example \(keyword) 6x6"))
      }
      op = .adaptivePooling(
        keyword == "adaptivemaxpool" ? .max : .average, outputSize: try extents(value, range, "output size"))
      known = ["size"]
    case "fc":
      let outputs = try arguments.integer(["out", "outputs"], positional: true, what: "an output feature count")
      op = .fullyConnected(outputs: outputs, bias: try arguments.boolean(["bias"], default: true))
      known = ["out", "bias"]
    case "flatten":
      op = .flatten
    case "reshape":
      guard let (value, range) = arguments.value(["shape"]) ?? arguments.nextPositional() else {
        throw Failure(
          diagnostic: Diagnostic(
            .missingArgument, "'reshape' needs a shape", at: arguments.whole,
            hint: "for example reshape 256x36"))
      }
      op = .reshape(try extents(value, range, "shape").values)
      known = ["shape"]
    case "bn":
      op = .batchNorm(affine: try arguments.boolean(["affine"], default: true))
      known = ["affine"]
    case "lrn":
      let size = try arguments.integer(["size", "n"], positional: true, default: 5, what: "the LRN window size")
      for key in ["alpha", "beta", "k"] { _ = try arguments.decimal([key], default: .zero, what: key) }
      op = .localResponseNorm(size: size)
      known = ["size", "alpha", "beta", "k"]
    case "dropout":
      let probability = try arguments.decimal(
        ["p", "rate"], positional: true, default: .zero, what: "the dropout rate")
      guard probability < Rational(1) else {
        throw Failure(
          diagnostic: Diagnostic(
            .badArgument, "dropout rate must be below 1, found \(probability)", at: arguments.whole))
      }
      op = .dropout
      known = ["p"]
    case "leakyrelu":
      op = .activation(
        .leakyRelu(
          slope: try arguments.decimal(["slope"], positional: true, default: try! Rational(1, 100), what: "the slope")))
      known = ["slope"]
    case "prelu":
      op = .activation(.prelu(shared: arguments.flag("shared")))
      known = ["shared"]
    case "concat", "add", "mul":
      op = keyword == "concat" ? .concat : keyword == "add" ? .add : .mul
    case "shuffle":
      op = .channelShuffle(groups: try arguments.integer(["g", "groups"], positional: true, what: "the group count"))
      known = ["g", "groups"]
    case "upsample":
      op = .upsample(try upsample(&arguments))
      known = ["scale", "size", "mode", "nearest", "bilinear"]
    case "pad", "crop":
      let amounts = try arguments.padding(["p", "pad", "amount"], allowWords: false)
      op = keyword == "pad" ? .pad(amounts) : .crop(amounts)
      known = ["p"]
    case "identity":
      op = .identity
    default:
      guard let activation = simpleActivations[keyword] else {
        preconditionFailure("LayerFactory.make called with unknown keyword \(keyword)")
      }
      op = .activation(activation)
    }
    if !merges.contains(keyword) { try arguments.finish(known: known) }
    return op
  }

  private static func window(
    _ arguments: inout ArgumentReader, defaultStride: AxisValues,
    kernel: AxisValues? = nil
  ) throws(Failure) -> Window {
    let kernel =
      if let kernel { kernel } else {
        try arguments.axisValues(["k", "kernel"], default: nil, what: "a kernel size")
      }
    let stride = try arguments.axisValues(["s", "stride"], default: defaultStride, what: "the stride")
    let padding = try arguments.padding(["p", "pad", "padding"])
    let dilation = try arguments.axisValues(["d", "dilation"], default: .all(1), what: "the dilation")
    return Window(kernel: kernel, stride: stride, dilation: dilation, padding: padding)
  }

  private static func extents(_ value: ArgumentValue, _ range: SourceRange, _ what: String) throws(Failure)
    -> AxisValues
  {
    switch value {
    case .integer(let number) where number >= 1 && number <= SizeLimits.maximumValue: return .all(number)
    case .dimensions(let numbers) where numbers.allSatisfy({ $0 >= 1 && $0 <= SizeLimits.maximumValue }):
      return AxisValues(numbers)
    default:
      throw Failure(
        diagnostic: Diagnostic(
          .badArgument,
          "\(what) must be positive extents like 6x6 (at most \(SizeLimits.maximumText)), found \(value.description)",
          at: range))
    }
  }

  private static func upsample(_ arguments: inout ArgumentReader) throws(Failure) -> Upsample {
    var mode = UpsampleMode(
      rawValue: try arguments.choice(["mode"], among: ["nearest", "bilinear"], default: "nearest"))!
    if arguments.flag("bilinear") { mode = .bilinear }
    if arguments.flag("nearest") { mode = .nearest }
    let scale = arguments.value(["scale"])
    let size = arguments.value(["size"])
    switch (scale, size) {
    case (let (value, range)?, nil):
      return Upsample(mode: mode, target: .scale(try extents(value, range, "scale")))
    case (nil, let (value, range)?):
      return Upsample(mode: mode, target: .size(try extents(value, range, "size")))
    case (nil, nil):
      if let (value, range) = arguments.nextPositional() {
        return Upsample(mode: mode, target: .scale(try extents(value, range, "scale")))
      }
      throw Failure(
        diagnostic: Diagnostic(.missingArgument, "'upsample' needs scale=N or size=HxW", at: arguments.whole))
    default:
      throw Failure(diagnostic: Diagnostic(.badArgument, "give either scale or size, not both", at: arguments.whole))
    }
  }
}
