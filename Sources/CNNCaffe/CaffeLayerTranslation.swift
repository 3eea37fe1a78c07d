import CNNGraph

/// What one Caffe layer becomes (docs/import.md, "Caffe"): each type maps onto the catalogue, so
/// every number keeps one formula.
enum CaffeLayerTranslation {
  enum Result {
    /// Layers, chained in order (most types make one).
    case operators([Operator])
    /// Every top is the bottom itself (Split).
    case alias
    /// Nothing to compute (Silence).
    case skip
    /// Scale, with or without its bias term: folded into the BatchNorm before it where it can be.
    case scale(bias: Bool)
    /// Nothing can be said: the layer needs its input's shape, which an upstream error left
    /// unknown (that error is reported).
    case unknownInput
  }

  /// A layer that cannot be translated, located at the offending field when there is one.
  struct Failure: Error {
    var diagnostic: Diagnostic
  }

  /// What a layer of `type` becomes, given its inputs' shapes (nil where unknown: an upstream
  /// layer failed, and said so).
  static func translate(type: String, layer: TextMessage, inputShapes: [[Int]?]) throws(Failure) -> Result {
    let inputs = inputShapes.count
    switch type {
    case "Convolution", "Deconvolution":
      let param = try parameters(layer, "convolution_param")
      guard let outputs = try integer(param, "num_output", default: nil) else {
        throw failure(.missingArgument, "num_output is missing", at: nil)
      }
      let conv = Convolution(
        outputs: outputs, window: try window(param, pooling: false), groups: try integer(param, "group", default: 1),
        bias: try boolean(param, "bias_term", default: true))
      return .operators([type == "Convolution" ? .convolution(conv) : .transposedConvolution(conv)])
    case "Pooling":
      return .operators([try pooling(try parameters(layer, "pooling_param"))])
    case "InnerProduct":
      let param = try parameters(layer, "inner_product_param")
      guard let outputs = try integer(param, "num_output", default: nil) else {
        throw failure(.missingArgument, "num_output is missing", at: nil)
      }
      try require(param, "axis", equals: 1, what: "an InnerProduct over axis 1 (all of a sample)")
      return .operators([.fullyConnected(outputs: outputs, bias: try boolean(param, "bias_term", default: true))])
    case "LRN":
      let param = try parameters(layer, "lrn_param")
      if let region = param.last("norm_region"), let word = CaffeValues.string(region),
        word != "ACROSS_CHANNELS", word != "0"
      {
        throw failure(.unsupportedOperator, "norm_region \(word) is not in the catalogue", at: region.range)
      }
      let lrn = LocalResponseNorm(
        size: try integer(param, "local_size", default: 5)!, alpha: try decimal(param, "alpha", default: Rational(1)),
        beta: try decimal(param, "beta", default: try! Rational(3, 4)), k: try decimal(param, "k", default: Rational(1))
      )
      return .operators([.localResponseNorm(lrn)])
    case "ReLU":
      let slope = try decimal(try parameters(layer, "relu_param"), "negative_slope", default: .zero)
      return .operators([.activation(slope == .zero ? .relu : .leakyRelu(slope: slope))])
    case "PReLU":
      let shared = try boolean(try parameters(layer, "prelu_param"), "channel_shared", default: false)
      return .operators([.activation(.prelu(shared: shared))])
    case "ELU":
      let param = try parameters(layer, "elu_param")
      try requireDecimal(param, "alpha", equals: Rational(1), what: "an ELU with alpha 1")
      return .operators([.activation(.elu)])
    case "Sigmoid": return .operators([.activation(.sigmoid)])
    case "TanH": return .operators([.activation(.tanh)])
    case "BNLL": return .operators([.activation(.softplus)])
    case "Softmax":
      try require(try parameters(layer, "softmax_param"), "axis", equals: 1, what: "a Softmax over the channels")
      return .operators([.activation(.softmax)])
    case "Dropout":
      let rate = try decimal(try parameters(layer, "dropout_param"), "dropout_ratio", default: try! Rational(1, 2))
      return .operators([.dropout(rate: rate)])
    case "BatchNorm":
      let param = try parameters(layer, "batch_norm_param")
      let fraction = try decimal(param, "moving_average_fraction", default: try! Rational(999, 1000))
      let norm = Normalization(
        affine: false, epsilon: try decimal(param, "eps", default: try! Rational(1, 100_000)),
        momentum: (try? Rational(1) - fraction) ?? .normMomentum)
      return .operators([.batchNorm(norm)])
    case "Scale":
      let param = try parameters(layer, "scale_param")
      try require(param, "axis", equals: 1, what: "a Scale per channel (axis 1)")
      try require(param, "num_axes", equals: 1, what: "a Scale per channel (num_axes 1)")
      guard inputs == 1 else { throw failure(.unsupportedOperator, "a Scale by a second bottom", at: nil) }
      return .scale(bias: try boolean(param, "bias_term", default: false))
    case "Concat":
      let param = try parameters(layer, "concat_param")
      try require(param, "axis", equals: 1, what: "a Concat of channels (axis 1)")
      try require(param, "concat_dim", equals: 1, what: "a Concat of channels (concat_dim 1)")
      try requireInputs(inputs, atLeast: 2)
      return .operators([.concat])
    case "Eltwise":
      let param = try parameters(layer, "eltwise_param")
      for coefficient in param.all("coeff") where CaffeValues.decimal(coefficient) != Rational(1) {
        throw failure(.unsupportedOperator, "a weighted Eltwise (coeff other than 1)", at: coefficient.range)
      }
      try requireInputs(inputs, atLeast: 2)
      let operation = param.last("operation")
      switch operation.flatMap(CaffeValues.string) ?? "SUM" {
      case "SUM", "1": return .operators([.add])
      case "PROD", "0": return .operators([.mul])
      case let other: throw failure(.unsupportedOperator, "Eltwise operation \(other)", at: operation?.range)
      }
    case "Flatten":
      let param = try parameters(layer, "flatten_param")
      try require(param, "axis", equals: 1, what: "a Flatten of all of a sample (axis 1)")
      try require(param, "end_axis", equals: -1, what: "a Flatten of all of a sample (end_axis -1)")
      return .operators([.flatten])
    case "Reshape":
      return try reshape(try parameters(layer, "reshape_param"), input: inputShapes.first ?? nil)
    case "Split": return .alias
    case "Silence": return .skip
    case "Data", "ImageData", "HDF5Data", "MemoryData", "WindowData", "DummyData":
      throw failure(
        .unsupportedOperator, "a data layer reads a training set; cnncalc reads deploy files", at: nil,
        hint: "declare the input instead: input: \"data\" with input_shape { dim: 1 dim: 3 dim: 227 dim: 227 }")
    default:
      throw failure(
        .unsupportedOperator, "type '\(type)' is not in cnncalc's catalogue", at: nil,
        hint: "docs/import.md lists the Caffe layer types cnncalc reads")
    }
  }

  // MARK: - Layer families

  private static func pooling(_ param: TextMessage) throws(Failure) -> Operator {
    let poolField = param.last("pool")
    let kind: PoolingKind
    switch poolField.flatMap(CaffeValues.string) ?? "MAX" {
    case "MAX", "0": kind = .max
    case "AVE", "1": kind = .average
    case let other: throw failure(.unsupportedOperator, "pooling method \(other)", at: poolField?.range)
    }
    if try boolean(param, "global_pooling", default: false) { return .globalPooling(kind) }
    let window = try self.window(param, pooling: true)
    if case .explicit(let pad, _) = window.padding,
      zip(pad.values, window.kernel.resolved(rank: pad.values.count) ?? pad.values).contains(where: { $0 >= $1 })
    {
      throw failure(.badArgument, "Caffe needs the pad smaller than the kernel", at: param.last("pad")?.range)
    }
    let roundField = param.last("round_mode")
    let ceil: Bool
    switch roundField.flatMap(CaffeValues.string) ?? "CEIL" {
    case "CEIL", "0": ceil = true
    case "FLOOR", "1": ceil = false
    case let other: throw failure(.badArgument, "round_mode \(other) is neither CEIL nor FLOOR", at: roundField?.range)
    }
    return .pooling(Pooling(kind: kind, window: window, ceilMode: ceil))
  }

  /// Kernel, stride, padding and (convolution) dilation; `_h`/`_w` fields win over the general ones.
  private static func window(_ param: TextMessage, pooling: Bool) throws(Failure) -> Window {
    let kernel = try axes(param, "kernel_size", "kernel_h", "kernel_w", default: nil)
    guard let kernel else {
      throw failure(.missingArgument, "kernel_size (or kernel_h and kernel_w) is missing", at: nil)
    }
    let stride = try axes(param, "stride", "stride_h", "stride_w", default: 1)!
    let pad = try axes(param, "pad", "pad_h", "pad_w", default: 0)!
    let dilation = pooling ? AxisValues.all(1) : try axes(param, "dilation", nil, nil, default: 1)!
    return Window(kernel: kernel, stride: stride, dilation: dilation, padding: .explicit(begin: pad, end: pad))
  }

  /// Caffe's Reshape: the first dim is the batch (0 copies it); the others are the new shape, with
  /// at most one -1.
  /// Caffe's Reshape: a dim of 0 copies the input's axis, one −1 takes what the element count
  /// leaves (the rule ONNX shares); the batch (first dim) must stay.
  private static func reshape(_ param: TextMessage, input: [Int]?) throws(Failure) -> Result {
    try require(param, "axis", equals: 0, what: "a Reshape of the whole blob (axis 0)")
    try require(param, "num_axes", equals: -1, what: "a Reshape of the whole blob (num_axes -1)")
    guard case .message(let shape)? = param.last("shape")?.value else {
      throw failure(.missingArgument, "reshape_param { shape { dim … } } is missing", at: nil)
    }
    var dims: [Int] = []
    for field in shape.all("dim") {
      guard let value = CaffeValues.integer(field) else {
        throw failure(.badNumber, "a dim is an integer", at: field.range)
      }
      dims.append(value)
    }
    guard let batch = dims.first, batch == 0 || batch == 1 else {
      throw failure(
        .unsupportedOperator, "a Reshape that changes the batch (its first dim must be 0 or 1)",
        at: shape.all("dim").first?.range)
    }
    guard dims.dropFirst().contains(where: { $0 <= 0 }) else { return .operators([.reshape(Array(dims.dropFirst()))]) }
    // 0 and −1 need the input's shape; without it the upstream layer's error explains.
    guard let input, let count = ReshapeTarget.product(input) else { return .unknownInput }
    switch ReshapeTarget.resolve([1] + input, to: dims, count: count) {
    case .success(let resolved): return .operators([.reshape(Array(resolved.dropFirst()))])
    case .failure(.copiesMissingAxis(let axis)):
      throw failure(
        .badArgument, "dim \(axis) is 0 (copy the input's axis) but the input has \(input.count + 1) axes",
        at: shape.all("dim")[axis].range)
    case .failure(.doesNotFit):
      throw failure(
        .elementCountMismatch, "shape \(dims) does not hold the input's \(count) elements (\(ExtentText.of(input)))",
        at: param.last("shape")?.range)
    }
  }

  // MARK: - Fields

  private static func parameters(_ layer: TextMessage, _ name: String) throws(Failure) -> TextMessage {
    guard let field = layer.last(name) else { return TextMessage() }
    guard case .message(let message) = field.value else {
      throw failure(.syntax, "\(name) must be a message { … }", at: field.range)
    }
    return message
  }

  private static func integer(_ param: TextMessage, _ name: String, default value: Int?) throws(Failure) -> Int? {
    guard let field = param.last(name) else { return value }
    guard let number = CaffeValues.integer(field) else {
      throw failure(.badNumber, "\(name) must be an integer", at: field.range)
    }
    return number
  }

  private static func decimal(_ param: TextMessage, _ name: String, default value: Rational) throws(Failure) -> Rational
  {
    guard let field = param.last(name) else { return value }
    guard let number = CaffeValues.decimal(field) else {
      throw failure(.badNumber, "\(name) must be a decimal number", at: field.range)
    }
    return number
  }

  private static func boolean(_ param: TextMessage, _ name: String, default value: Bool) throws(Failure) -> Bool {
    guard let field = param.last(name) else { return value }
    guard let flag = CaffeValues.boolean(field) else {
      throw failure(.badArgument, "\(name) must be true or false", at: field.range)
    }
    return flag
  }

  /// A per-axis value from a repeated general field (one value, or one per axis) or the `_h`/`_w`
  /// pair.
  private static func axes(
    _ param: TextMessage, _ general: String, _ height: String?, _ width: String?, default value: Int?
  )
    throws(Failure) -> AxisValues?
  {
    if let height, let width, param.last(height) != nil || param.last(width) != nil {
      guard let h = try integer(param, height, default: nil), let w = try integer(param, width, default: nil) else {
        throw failure(
          .missingArgument, "\(height) and \(width) go together", at: (param.last(height) ?? param.last(width))?.range)
      }
      return .collapsing([h, w])
    }
    let fields = param.all(general)
    guard !fields.isEmpty else { return value.map(AxisValues.all) }
    var values: [Int] = []
    for field in fields {
      guard let number = CaffeValues.integer(field) else {
        throw failure(.badNumber, "\(general) must be an integer", at: field.range)
      }
      values.append(number)
    }
    return .collapsing(values)
  }

  private static func require(_ param: TextMessage, _ name: String, equals expected: Int, what: String) throws(Failure)
  {
    guard let field = param.last(name) else { return }
    guard CaffeValues.integer(field) == expected else {
      throw failure(.unsupportedOperator, "\(name) other than \(expected); cnncalc reads \(what)", at: field.range)
    }
  }

  private static func requireDecimal(_ param: TextMessage, _ name: String, equals expected: Rational, what: String)
    throws(Failure)
  {
    guard let field = param.last(name) else { return }
    guard CaffeValues.decimal(field) == expected else {
      throw failure(.unsupportedOperator, "\(name) other than \(expected); cnncalc reads \(what)", at: field.range)
    }
  }

  private static func requireInputs(_ count: Int, atLeast minimum: Int) throws(Failure) {
    guard count >= minimum else {
      throw failure(.missingArgument, "needs at least \(minimum) bottoms, found \(count)", at: nil)
    }
  }

  private static func failure(_ code: DiagnosticCode, _ message: String, at range: SourceRange?, hint: String? = nil)
    -> Failure
  {
    Failure(diagnostic: Diagnostic(code, message, at: range, hint: hint))
  }
}
