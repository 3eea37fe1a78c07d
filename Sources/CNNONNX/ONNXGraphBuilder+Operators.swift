import CNNGraph

/// The translation of each ONNX operator onto the catalogue (docs/import.md has the table).
extension ONNXGraphBuilder {
  /// The values of the current node's outputs (fewer than its outputs when later ones are unused
  /// extras, such as MaxPool's indices; readers of those fail).
  mutating func outputs(of node: ONNXNode) throws -> [ONNXValue] {
    let op = node.opType
    if op == "Constant" { return [try constantNode()] }
    if op == "Shape" { return [try shapeNode()] }
    if Self.foldable.contains(op), inputsAreConstant { return try fold() }
    if op == "CastLike", case .constant(let dims, let values)? = input(0) {
      // The second input gives only the element type; activations are reals.
      var real = true
      if case .constant(_, .integers)? = input(1) { real = false }
      return [.constant(dims: dims, values: Self.cast(values, toReal: real))]
    }
    switch op {
    case "Identity":
      guard let value = input(0) else { throw NodeProblem(.missingArgument, "Identity needs an input") }
      return [value]
    case "Conv": return [.activation(try convolution())]
    case "ConvTranspose": return [.activation(try transposedConvolution())]
    case "MaxPool", "AveragePool": return [.activation(try pooling())]
    case "GlobalAveragePool": return [.activation(try emit(.globalPooling(.average), [try activation(0)]))]
    case "GlobalMaxPool": return [.activation(try emit(.globalPooling(.max), [try activation(0)]))]
    case "Gemm": return [.activation(try gemm())]
    case "MatMul": return [try matMul()]
    case "BatchNormalization":
      let norm = Normalization(
        affine: true, epsilon: try epsilon(),
        momentum: (try? Rational(1) - (Self.exact(try attributeFloat("momentum", default: 0.9)) ?? Rational(1)))
          ?? .normMomentum)
      return [.activation(try emit(.batchNorm(norm), [try activation(0)]))]
    case "InstanceNormalization":
      return [
        .activation(try emit(.instanceNorm(Normalization(affine: true, epsilon: try epsilon())), [try activation(0)]))
      ]
    case "GroupNormalization":
      let groups = try attributeInt("num_groups", default: 0)
      let norm = Normalization(affine: true, epsilon: try epsilon())
      return [.activation(try emit(.groupNorm(groups: groups, norm), [try activation(0)]))]
    case "LayerNormalization": return [try layerNormalization()]
    case "LRN":
      let lrn = LocalResponseNorm(
        size: try attributeInt("size", default: 0), alpha: try exactAttribute("alpha", default: 0.0001),
        beta: try exactAttribute("beta", default: 0.75), k: try exactAttribute("bias", default: 1))
      return [.activation(try emit(.localResponseNorm(lrn), [try activation(0)]))]
    case "Relu", "Sigmoid", "Tanh", "HardSwish", "Mish", "Softplus", "Gelu", "Elu", "Selu", "LeakyRelu", "HardSigmoid",
      "PRelu", "Softmax", "Clip":
      return [try pointwise(try activationFunction())]
    case "Dropout":
      let rate = try dropoutRate()
      return [try pointwise(.dropout(rate: rate))]
    case "Add", "Mul", "Sub", "Div": return [try arithmetic()]
    case "Erf":
      guard let step = try geluStep() else { throw NodeProblem.unsupported("Erf outside GELU's arithmetic form") }
      return [step]
    case "Concat": return [.activation(try concat())]
    case "Gather":
      // `as_strided` of a contiguous tensor: every element of the flattened tensor, in order,
      // gathered back into its shape.
      guard case .flatWithBatch(let tensor)? = input(0), case .constant(let dims, let indices)? = input(1),
        try dims == [1] + shape(tensor), indices.integers == Array(0..<indices.count)
      else {
        throw NodeProblem.unsupported(
          "Gather from an activation (cnncalc follows only a gather of every element in order)")
      }
      return [.activation(tensor)]
    case "Split": return try split()
    case "SplitToSequence": return [try splitToSequence()]
    case "SequenceAt": return [.activation(try sequenceAt())]
    case "Slice": return [.activation(try slice())]
    case "Resize", "Upsample": return [.activation(try resize())]
    case "Pad": return [.activation(try pad())]
    case "Flatten":
      let input = try activation(0)
      let axis = try Self.axis(try attributeInt("axis", default: 1), rank: try shape(input).count + 1)
      guard axis == 1 else {
        throw NodeProblem.unsupported("Flatten at axis \(axis); cnncalc flattens all of a sample (axis 1)")
      }
      return [.activation(try emit(.flatten, [input]))]
    case "Reshape": return [try reshape()]
    case "Transpose": return [try transpose()]
    case "Squeeze", "Unsqueeze": return [.activation(try squeeze())]
    case "ReduceMean", "ReduceMax": return [.activation(try reduce())]
    case "DepthToSpace":
      guard try attributeString("mode", default: "DCR") == "CRD" else {
        throw NodeProblem.unsupported(
          "DepthToSpace in DCR mode (a different channel order from PyTorch's pixel shuffle, which is CRD)")
      }
      return [
        .activation(try emit(.pixelShuffle(factor: try attributeInt("blocksize", default: 0)), [try activation(0)]))
      ]
    default:
      throw NodeProblem.unsupported(
        "operator '\(node.opType)' is not in cnncalc's catalogue",
        hint: "docs/import.md lists the ONNX operators cnncalc reads")
    }
  }

  // MARK: - Windows

  /// A convolution's input, its shape (without batch) and the weight's dims, which must have the
  /// input's rank (weight [out, in/groups, k…] against input [N, C, …]) and at least one kernel axis.
  private func convolutionOperands() throws -> (input: TensorID, shape: [Int], weight: [Int]) {
    let input = try activation(0)
    let inputShape = try shape(input)
    let weight = try dims(1)
    guard weight.count == inputShape.count + 1, weight.count >= 3 else {
      throw NodeProblem(.rankMismatch, "a weight of \(weight.count) dims for an input of \(inputShape.count + 1) dims")
    }
    return (input, inputShape, weight)
  }

  private mutating func convolution() throws -> TensorID {
    let (input, inputShape, weight) = try convolutionOperands()
    let groups = try attributeInt("group", default: 1)
    let window = try self.window(kernel: Array(weight.dropFirst(2)), input: inputShape, transposed: false)
    let bias = try hasBias(2)
    let outputs = weight[0]
    let channels = inputShape[0]
    if groups == channels, groups > 1, outputs % channels == 0 {
      return try emit(
        .convolution(
          Convolution(outputs: nil, depthMultiplier: outputs / channels, window: window, groups: nil, bias: bias)),
        [input])
    }
    return try emit(.convolution(Convolution(outputs: outputs, window: window, groups: groups, bias: bias)), [input])
  }

  private mutating func transposedConvolution() throws -> TensorID {
    let (input, inputShape, weight) = try convolutionOperands()
    if node.attributes["output_shape"] != nil {
      throw NodeProblem.unsupported("ConvTranspose with output_shape; give pads and output_padding instead")
    }
    let groups = try attributeInt("group", default: 1)
    let window = try self.window(kernel: Array(weight.dropFirst(2)), input: inputShape, transposed: true)
    let outputPadding = try attributeInts("output_padding") ?? [0]
    let conv = Convolution(
      outputs: weight[1] * groups, window: window, groups: groups, bias: try hasBias(2),
      outputPadding: .collapsing(outputPadding))
    return try emit(.transposedConvolution(conv), [input])
  }

  private mutating func pooling() throws -> TensorID {
    let input = try activation(0)
    let inputShape = try shape(input)
    guard let kernel = try attributeInts("kernel_shape") else {
      throw NodeProblem(.missingArgument, "kernel_shape is missing")
    }
    var window = try self.window(kernel: kernel, input: inputShape, transposed: false)
    if node.opType == "AveragePool" { window.dilation = .all(1) }
    if node.opType == "AveragePool", try attributeInts("dilations").map({ $0.contains { $0 != 1 } }) == true {
      throw NodeProblem.unsupported("a dilated AveragePool")
    }
    let ceil = try attributeInt("ceil_mode", default: 0) == 1
    let pool = Pooling(
      kind: node.opType == "MaxPool" ? .max : .average, window: window, ceilMode: ceil,
      countsPadding: try attributeInt("count_include_pad", default: 0) == 1)
    let tensor = try emit(.pooling(pool), [input])
    if ceil { checkCeilRule(window: window, input: inputShape, output: assembler.shape(of: tensor)) }
    return tensor
  }

  /// Before opset 22 the ONNX spec sizes a ceil-mode pooling as ceil((in + pads − window)/s) + 1,
  /// without dropping a last window that starts in the end padding; PyTorch, ONNX Runtime and
  /// opset 22 drop it (onnx/onnx#5711). cnncalc follows the runtimes and says where they differ.
  private mutating func checkCeilRule(window: Window, input: [Int], output: [Int]?) {
    guard opset < 22, let output, case .explicit(let begin, let end) = window.padding else { return }
    let rank = input.count - 1
    guard let kernel = window.kernel.resolved(rank: rank), let stride = window.stride.resolved(rank: rank),
      let dilation = window.dilation.resolved(rank: rank), let before = begin.resolved(rank: rank),
      let after = end.resolved(rank: rank)
    else { return }
    for axis in 0..<rank {
      let span = input[axis + 1] + before[axis] + after[axis] - ((kernel[axis] - 1) * dilation[axis] + 1)
      guard span >= 0 else { continue }
      let specSize = (span + stride[axis] - 1) / stride[axis] + 1
      if specSize != output[axis + 1] {
        report(
          NodeProblem(
            .ceilRuleDiffers,
            "ceil-mode size along axis \(axis + 2): \(output[axis + 1]) in PyTorch and ONNX Runtime (shown), "
              + "\(specSize) by the ONNX spec before opset 22 (this file is opset \(opset)); the last window would start in the padding",
            hint: "runtimes that follow the older spec give a different output size; opset 22 agrees with PyTorch"))
        return
      }
    }
  }

  /// Kernel, strides, dilations and padding from the attributes; SAME_LOWER (its padding depends
  /// on the input) becomes the explicit pads it means for this input.
  private func window(kernel: [Int], input: [Int], transposed: Bool) throws -> Window {
    let rank = kernel.count
    guard rank == input.count - 1 else {
      throw NodeProblem(.rankMismatch, "a \(rank)-D window on an input with \(input.count - 1) spatial axes")
    }
    if let declared = try attributeInts("kernel_shape"), declared != kernel {
      throw NodeProblem(.badArgument, "kernel_shape \(declared) disagrees with the weight's \(kernel)")
    }
    let strides = try attributeInts("strides") ?? Array(repeating: 1, count: rank)
    let dilations = try attributeInts("dilations") ?? Array(repeating: 1, count: rank)
    guard strides.count == rank, dilations.count == rank else {
      throw NodeProblem(.badArgument, "strides and dilations need one value per spatial axis (\(rank))")
    }
    var padding: Padding
    switch try attributeString("auto_pad", default: "NOTSET") {
    case "NOTSET", "":
      let pads = try attributeInts("pads") ?? Array(repeating: 0, count: 2 * rank)
      guard pads.count == 2 * rank else {
        throw NodeProblem(.badArgument, "pads needs \(2 * rank) values, found \(pads.count)")
      }
      padding = .explicit(
        begin: .collapsing(Array(pads[..<rank])), end: .collapsing(Array(pads[rank...])))
    case "VALID": padding = .valid
    case "SAME_UPPER" where !transposed: padding = .same
    case "SAME_LOWER" where !transposed:
      var begin: [Int] = []
      var end: [Int] = []
      for axis in 0..<rank {
        let extent = input[axis + 1]
        let out = (extent + strides[axis] - 1) / max(strides[axis], 1)
        let total = max((out - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - extent, 0)
        begin.append(total - total / 2)
        end.append(total / 2)
      }
      padding = .explicit(begin: .collapsing(begin), end: .collapsing(end))
    case let other: throw NodeProblem.unsupported("auto_pad \(other)\(transposed ? " on a ConvTranspose" : "")")
    }
    return Window(
      kernel: .collapsing(kernel), stride: .collapsing(strides), dilation: .collapsing(dilations), padding: padding)
  }

  /// Whether input `index` is a bias: an initializer, or a computed constant that is not all zero
  /// (the dynamo exporter writes a zero bias for `bias=False`).
  private func hasBias(_ index: Int) throws(NodeProblem) -> Bool {
    if index < node.inputs.count, learned.contains(node.inputs[index]) { return true }
    switch input(index) {
    case nil: return false
    case .weight?: return true
    case .constant(_, let values)?: return values.reals.contains { $0 != 0 }
    default: throw NodeProblem.unsupported("a bias computed by the network")
    }
  }

  // MARK: - Fully connected

  private mutating func gemm() throws -> TensorID {
    let input = try activation(0)
    guard try attributeInt("transA", default: 0) == 0 else { throw NodeProblem.unsupported("Gemm with transA") }
    let weight = try dims(1)
    guard weight.count == 2 else { throw NodeProblem(.rankMismatch, "a Gemm weight of \(weight.count) dims") }
    let transposed = try attributeInt("transB", default: 0) == 1
    let (outputs, inputs) = transposed ? (weight[0], weight[1]) : (weight[1], weight[0])
    let elements = try shape(input).reduce(1, *)
    guard try shape(input).count == 1 else {
      throw NodeProblem(.rankMismatch, "Gemm reads a flat input; this one is \(try shape(input))")
    }
    guard inputs == elements else {
      throw NodeProblem(.channelMismatch, "the weight takes \(inputs) features; the input has \(elements)")
    }
    return try emit(.fullyConnected(outputs: outputs, bias: try hasBias(2)), [input])
  }

  /// MatMul by a 2-D weight: a fully connected layer on a flat input, a 1×1 convolution on a
  /// channels-last view. A following Add of a bias folds into it (see `arithmetic`).
  private mutating func matMul() throws -> ONNXValue {
    let weight = try dims(1)
    guard weight.count == 2 else { throw NodeProblem.unsupported("MatMul by anything but a 2-D weight") }
    switch input(0) {
    case .activation(let tensor)?:
      let inputShape = try shape(tensor)
      guard inputShape.count == 1, inputShape[0] == weight[0] else {
        throw NodeProblem.unsupported(
          "MatMul of a \(inputShape) activation (cnncalc reads MatMul as a fully connected layer on a flat input)")
      }
      return .activation(try emit(.fullyConnected(outputs: weight[1], bias: false), [tensor]))
    case .channelsLast(let tensor)?:
      let inputShape = try shape(tensor)
      guard inputShape[0] == weight[0] else {
        throw NodeProblem(.channelMismatch, "the weight takes \(weight[0]) channels; the input has \(inputShape[0])")
      }
      let conv = Convolution(outputs: weight[1], window: Window(kernel: .all(1)), bias: false)
      return .channelsLast(try emit(.convolution(conv), [tensor]))
    default:
      throw NodeProblem.unsupported("MatMul of two computed tensors (attention) is not in the catalogue")
    }
  }

  // MARK: - Normalisation and pointwise

  private func epsilon() throws(NodeProblem) -> Rational {
    Self.exact(try attributeFloat("epsilon", default: 1e-5)) ?? .normEpsilon
  }

  private func exactAttribute(_ name: String, default value: Float) throws(NodeProblem) -> Rational {
    let number = try attributeFloat(name, default: value)
    guard let exact = Self.exact(number) else {
      throw NodeProblem(.badArgument, "\(name) \(number) is not a finite number")
    }
    return exact
  }

  /// LayerNormalization over the last axis of a channels-last view (ConvNeXt) is a norm over the
  /// channels; over every axis after the batch, a norm over all of a sample.
  private mutating func layerNormalization() throws -> ONNXValue {
    let axis = try attributeInt("axis", default: -1)
    let norm = Normalization(affine: isParameter(1), epsilon: try epsilon())
    switch input(0) {
    case .channelsLast(let tensor)?:
      let rank = try shape(tensor).count + 1
      guard axis == -1 || axis == rank - 1 else {
        throw NodeProblem.unsupported("LayerNormalization over other than the channels of a channels-last tensor")
      }
      return .channelsLast(try emit(.layerNorm(norm, over: .channels), [tensor]))
    case .activation(let tensor)?:
      let rank = try shape(tensor).count + 1
      let resolved = try Self.axis(axis, rank: rank)
      if resolved == 1 { return .activation(try emit(.layerNorm(norm, over: .all), [tensor])) }
      throw NodeProblem.unsupported(
        "LayerNormalization from axis \(resolved) (cnncalc normalises over all of a sample or over channels)")
    default:
      throw NodeProblem.unsupported("LayerNormalization of a rearranged tensor")
    }
  }

  private func activationFunction() throws -> Operator {
    switch node.opType {
    case "Relu": return .activation(.relu)
    case "Sigmoid": return .activation(.sigmoid)
    case "Tanh": return .activation(.tanh)
    case "HardSwish": return .activation(.hardswish)
    case "Mish": return .activation(.mish)
    case "Softplus": return .activation(.softplus)
    case "Selu": return .activation(.selu)
    case "Gelu":
      guard try attributeString("approximate", default: "none") == "none" else {
        throw NodeProblem.unsupported("tanh-approximated GELU")
      }
      return .activation(.gelu)
    case "Elu":
      guard try attributeFloat("alpha", default: 1) == 1 else {
        throw NodeProblem.unsupported("an ELU with alpha other than 1")
      }
      return .activation(.elu)
    case "LeakyRelu": return .activation(.leakyRelu(slope: try exactAttribute("alpha", default: 0.01)))
    case "HardSigmoid":
      // PyTorch's hardsigmoid is relu6(x + 3)/6: alpha 1/6, beta 1/2.
      let (alpha, beta) = (try attributeFloat("alpha", default: 0.2), try attributeFloat("beta", default: 0.5))
      guard abs(alpha - 1.0 / 6) < 1e-6, beta == 0.5 else {
        throw NodeProblem.unsupported(
          "HardSigmoid with alpha \(alpha), beta \(beta) (cnncalc's is PyTorch's: 1/6, 1/2)")
      }
      return .activation(.hardsigmoid)
    case "PRelu":
      let slope = try dims(1)
      return .activation(.prelu(shared: slope.reduce(1, *) == 1))
    case "Softmax":
      return .activation(.softmax)
    case "Clip":
      let low = try constantReals(1)?.first ?? Double(try attributeFloat("min", default: -.infinity))
      let high = try constantReals(2)?.first ?? Double(try attributeFloat("max", default: .infinity))
      if low == 0, high == 6 { return .activation(.relu6) }
      if low == 0, high == .infinity { return .activation(.relu) }
      throw NodeProblem.unsupported("Clip to [\(low), \(high)] (cnncalc reads [0, 6] as relu6 and [0, ∞) as relu)")
    default:
      throw NodeProblem.unsupported("operator '\(node.opType)'")
    }
  }

  /// Softmax must normalise over the channels (or the only axis of a flat tensor).
  private func checkSoftmaxAxis(_ tensor: TensorID) throws {
    let rank = try shape(tensor).count + 1
    let fallback = opset >= 13 ? -1 : 1
    let axis = try Self.axis(try attributeInt("axis", default: fallback), rank: rank)
    guard axis == 1 else {
      throw NodeProblem.unsupported(
        "Softmax over axis \(axis); cnncalc's softmax normalises over the channels (axis 1)")
    }
  }

  /// A pointwise layer on an activation or, unchanged, on a channels-last view.
  private mutating func pointwise(_ op: Operator) throws -> ONNXValue {
    switch input(0) {
    case .activation(let tensor)?:
      if node.opType == "Softmax" { try checkSoftmaxAxis(tensor) }
      return .activation(try emit(op, [tensor]))
    case .channelsLast(let tensor)? where node.opType != "Softmax" && node.opType != "PRelu":
      return .channelsLast(try emit(op, [tensor]))
    default:
      throw NodeProblem.unsupported("\(node.opType) of a value that is not an activation")
    }
  }

  private func dropoutRate() throws(NodeProblem) -> Rational {
    if let ratio = try constantReals(1)?.first {
      return Self.exact(Float(ratio)) ?? Rational(0)
    }
    return try exactAttribute("ratio", default: 0.5)
  }
}
