import CNNGraph

/// Merges, splits and rearrangements: arithmetic between tensors, Concat, Split, Slice, Resize,
/// Pad, and the Reshape/Transpose patterns exporters write for flatten, channel shuffle and
/// channels-last layers.
extension ONNXGraphBuilder {
  /// Add and Mul of two activations are merges; a bias added right after the MatMul that made
  /// its input folds into it; a Mul by a learned per-channel weight is a layer scale.
  mutating func arithmetic() throws -> ONNXValue {
    let op = node.opType
    if let step = try geluStep() { return step }
    switch (input(0), input(1)) {
    case (.activation(let a)?, .activation(let b)?):
      switch op {
      case "Add": return .activation(try emit(.add, [a, b]))
      case "Mul": return .activation(try emit(.mul, [a, b]))
      default: throw NodeProblem.unsupported("\(op) of two activations (cnncalc's merges are add, mul and concat)")
      }
    case (.activation(let tensor)?, let other?), (let other?, .activation(let tensor)?):
      return .activation(try withParameter(tensor, other, channelsLast: false))
    case (.channelsLast(let tensor)?, let other?), (let other?, .channelsLast(let tensor)?):
      return .channelsLast(try withParameter(tensor, other, channelsLast: true))
    default:
      throw NodeProblem.unsupported("\(op) of rearranged tensors")
    }
  }

  /// Follows GELU's arithmetic form: x/√2, erf, +1, ·x, ·½ (Erf itself is dispatched here too).
  mutating func geluStep() throws -> ONNXValue? {
    func constant(_ value: ONNXValue?) -> Double? {
      if case .constant(_, let values)? = value, values.count == 1 { return values.reals.first }
      return nil
    }
    func base(_ value: ONNXValue?) -> (TensorID, Bool)? {
      switch value {
      case .activation(let tensor)?: (tensor, false)
      case .channelsLast(let tensor)?: (tensor, true)
      default: nil
      }
    }
    switch (node.opType, input(0), input(1)) {
    case ("Div", let x, let divisor) where base(x) != nil && abs((constant(divisor) ?? 0) - 2.0.squareRoot()) < 1e-6:
      let (tensor, last) = base(x)!
      return .geluStep(tensor, channelsLast: last, stage: 1)
    case ("Erf", .geluStep(let tensor, let last, 1)?, _):
      return .geluStep(tensor, channelsLast: last, stage: 2)
    case ("Add", .geluStep(let tensor, let last, 2)?, let one), ("Add", let one, .geluStep(let tensor, let last, 2)?):
      guard constant(one) == 1 else { return nil }
      return .geluStep(tensor, channelsLast: last, stage: 3)
    case ("Mul", .geluStep(let tensor, let last, 3)?, let x), ("Mul", let x, .geluStep(let tensor, let last, 3)?):
      guard let (other, _) = base(x), other == tensor else { return nil }
      return .geluStep(tensor, channelsLast: last, stage: 4)
    case ("Mul", .geluStep(let tensor, let last, 4)?, let half), ("Mul", let half, .geluStep(let tensor, let last, 4)?):
      guard constant(half) == 0.5 else { return nil }
      let gelu = try emit(.activation(.gelu), [tensor])
      return last ? .channelsLast(gelu) : .activation(gelu)
    default:
      return nil
    }
  }

  private mutating func withParameter(_ tensor: TensorID, _ other: ONNXValue, channelsLast: Bool) throws -> TensorID {
    let dims: [Int]
    switch other {
    case .weight(let weight): dims = weight.dims
    case .constant(let shape, _): dims = shape
    default: throw NodeProblem.unsupported("\(node.opType) of an activation and a rearranged tensor")
    }
    let channels = try shape(tensor)[0]
    let perChannel =
      channelsLast
      ? dims.last == channels && dims.dropLast().allSatisfy { $0 == 1 }
      : dims.reduce(1, *) == channels && (dims.count <= 1 || dims.first(where: { $0 != 1 }) == channels)
    if node.opType == "Add", perChannel, case .layer(let index) = tensor, index == assembler.layers.count - 1 {
      // An optimiser may have folded the weight's transpose into an unnamed initializer; the bias
      // still carries the module's name.
      let bias = node.inputs.compactMap { origin[$0] }.first { $0.hasSuffix(".bias") }
      let moduleName = bias.map { String($0.dropLast(5)) }
      var folded: Operator?
      switch assembler.layers[index].op {
      case .fullyConnected(let outputs, false): folded = .fullyConnected(outputs: outputs, bias: true)
      case .convolution(var conv) where !conv.bias && channelsLast:
        conv.bias = true
        folded = .convolution(conv)
      default: break
      }
      if let folded {
        assembler.replaceLastOperator(with: folded)
        if let moduleName, !assembler.layers[index].name.hasPrefix(moduleName) {
          assembler.renameLastLayer(to: moduleName)
        }
        return tensor
      }
    }
    let isLearned = node.inputs.contains { learned.contains($0) }
    if node.opType == "Mul", perChannel, isLearned { return try emit(.layerScale, [tensor]) }
    throw NodeProblem.unsupported(
      "\(node.opType) of an activation and a constant of dims \(dims) (cnncalc reads a bias after MatMul and a learned "
        + "per-channel scale)")
  }

  mutating func concat() throws -> TensorID {
    var tensors: [TensorID] = []
    for index in node.inputs.indices where !node.inputs[index].isEmpty { tensors.append(try activation(index)) }
    guard let first = tensors.first else { throw NodeProblem(.missingArgument, "Concat needs inputs") }
    let axis = try Self.axis(try attributeInt("axis", default: 1), rank: try shape(first).count + 1)
    guard axis == 1 else {
      throw NodeProblem.unsupported("Concat along axis \(axis); cnncalc concatenates channels (axis 1)")
    }
    if tensors.count == 1 { return first }
    return try emit(.concat, tensors)
  }

  /// Split along the channels: one slice per output.
  mutating func split() throws -> [ONNXValue] {
    let tensor = try activation(0)
    let inputShape = try shape(tensor)
    let axis = try Self.axis(try attributeInt("axis", default: 0), rank: inputShape.count + 1)
    guard axis == 1 else { throw NodeProblem.unsupported("Split along axis \(axis); cnncalc splits channels (axis 1)") }
    let channels = inputShape[0]
    let count = node.outputs.count
    var sizes = try attributeInts("split") ?? (try constantIntegers(1))
    if sizes == nil {
      let parts = try attributeInt("num_outputs", default: count)
      guard parts > 0 else { throw NodeProblem(.badArgument, "Split into \(parts) parts") }
      let size = (channels + parts - 1) / parts
      sizes = (0..<parts).map { min(size, max(channels - $0 * size, 0)) }
    }
    guard let sizes, sizes.reduce(0, +) == channels, sizes.count == count else {
      throw NodeProblem(.channelMismatch, "Split sizes \(sizes ?? []) do not add up to the \(channels) channels")
    }
    var values: [ONNXValue] = []
    var start = 0
    for (index, size) in sizes.enumerated() {
      values.append(
        .activation(try emit(.slice(start: start, end: start + size), [tensor], suffix: index == 0 ? nil : "\(index)")))
      start += size
    }
    return values
  }

  /// `SplitToSequence` along the channels (torch.chunk and torch.split in the dynamo exporter).
  mutating func splitToSequence() throws -> ONNXValue {
    let tensor = try activation(0)
    let inputShape = try shape(tensor)
    let axis = try Self.axis(try attributeInt("axis", default: 0), rank: inputShape.count + 1)
    guard axis == 1 else {
      throw NodeProblem.unsupported("SplitToSequence along axis \(axis); cnncalc splits channels")
    }
    guard try attributeInt("keepdims", default: 1) == 1 else {
      throw NodeProblem.unsupported("SplitToSequence without keepdims")
    }
    let channels = inputShape[0]
    let split = try constantIntegers(1) ?? [1]
    var sizes: [Int]
    if split.count == 1, let chunk = split.first, chunk > 0 {
      sizes = Array(repeating: chunk, count: channels / chunk)
      if channels % chunk != 0 { sizes.append(channels % chunk) }
    } else {
      sizes = split
    }
    guard sizes.reduce(0, +) == channels, sizes.allSatisfy({ $0 > 0 }) else {
      throw NodeProblem(.channelMismatch, "split sizes \(sizes) do not add up to the \(channels) channels")
    }
    return .sequence(tensor, sizes: sizes)
  }

  /// One chunk of a sequence: a channel slice.
  mutating func sequenceAt() throws -> TensorID {
    guard case .sequence(let tensor, let sizes)? = input(0) else {
      throw NodeProblem.unsupported("SequenceAt of a sequence cnncalc did not make")
    }
    guard let position = try constantIntegers(1)?.first else {
      throw NodeProblem(.missingArgument, "SequenceAt needs a position")
    }
    let index = position < 0 ? position + sizes.count : position
    guard index >= 0, index < sizes.count else {
      throw NodeProblem(.badArgument, "position \(position) is outside the sequence")
    }
    let start = sizes[..<index].reduce(0, +)
    return try emit(.slice(start: start, end: start + sizes[index]), [tensor])
  }

  /// A Slice with step 1: along the channels a `slice`, along spatial axes a `crop`.
  mutating func slice() throws -> TensorID {
    let tensor = try activation(0)
    let inputShape = try shape(tensor)
    let rank = inputShape.count + 1
    let starts = try attributeInts("starts") ?? (try constantIntegers(1)) ?? []
    let ends = try attributeInts("ends") ?? (try constantIntegers(2)) ?? []
    let axes = try attributeInts("axes") ?? (try constantIntegers(3)) ?? Array(0..<starts.count)
    let steps = try constantIntegers(4) ?? Array(repeating: 1, count: starts.count)
    guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
      throw NodeProblem(.badArgument, "starts, ends, axes and steps differ in length")
    }
    var channels: (Int, Int)?
    var begin = Array(repeating: 0, count: rank - 2)
    var end = Array(repeating: 0, count: rank - 2)
    for index in starts.indices {
      let axis = try Self.axis(axes[index], rank: rank)
      guard steps[index] == 1 else { throw NodeProblem.unsupported("Slice with step \(steps[index])") }
      let extent = axis == 0 ? 1 : inputShape[axis - 1]
      let (from, to) = Self.clampedRange(start: starts[index], end: ends[index], extent: extent)
      switch axis {
      case 0:
        guard from == 0, to == 1 else { throw NodeProblem.unsupported("Slice of the batch axis") }
      case 1: channels = (from, to)
      default:
        begin[axis - 2] = from
        end[axis - 2] = extent - max(to, from)
      }
    }
    var current = tensor
    if let (from, to) = channels, from != 0 || to != inputShape[0] {
      current = try emit(.slice(start: from, end: to), [current])
    }
    if (begin + end).contains(where: { $0 != 0 }) {
      current = try emit(
        .crop(.explicit(begin: .collapsing(begin), end: .collapsing(end))), [current],
        suffix: current == tensor ? nil : "crop")
    }
    if current == tensor { return try emit(.identity, [tensor]) }
    return current
  }

  /// Resize and Upsample as PyTorch exports them: nearest with asymmetric coordinates and floor
  /// rounding, or linear with half-pixel coordinates (`align_corners=False`).
  mutating func resize() throws -> TensorID {
    let tensor = try activation(0)
    let inputShape = try shape(tensor)
    let rank = inputShape.count + 1
    let modeText = try attributeString("mode", default: "nearest")
    let mode: UpsampleMode
    switch modeText {
    case "nearest":
      mode = .nearest
      if node.opType == "Resize", opset >= 11 {
        let coordinates = try attributeString("coordinate_transformation_mode", default: "half_pixel")
        let rounding = try attributeString("nearest_mode", default: "round_prefer_floor")
        guard coordinates == "asymmetric", rounding == "floor" else {
          throw NodeProblem.unsupported(
            "nearest Resize with \(coordinates) coordinates and \(rounding) rounding (cnncalc's is PyTorch's: asymmetric, floor)"
          )
        }
      }
    case "linear", "bilinear":
      mode = .bilinear
      let coordinates = try attributeString(
        "coordinate_transformation_mode", default: opset >= 11 ? "half_pixel" : "asymmetric")
      guard coordinates == "half_pixel" || coordinates == "pytorch_half_pixel", rank == 4 else {
        throw NodeProblem.unsupported(
          "linear Resize with \(coordinates) coordinates (cnncalc's is PyTorch's align_corners=False: half_pixel)")
      }
    default: throw NodeProblem.unsupported("Resize mode '\(modeText)'")
    }
    var scales: [Double]?
    var sizes: [Int]?
    if node.opType == "Upsample" {
      scales =
        try constantReals(1)
        ?? (node.attributes["scales"].flatMap { if case .floats(let f) = $0 { f.map(Double.init) } else { nil } })
    } else if opset < 11 {
      scales = try constantReals(1)
    } else {
      scales = try constantReals(2)
      sizes = try constantIntegers(3)
    }
    if let scales, !scales.isEmpty {
      guard scales.count == rank, scales[0] == 1, scales[1] == 1 else {
        throw NodeProblem.unsupported("Resize scales \(scales) (cnncalc resamples spatial axes only)")
      }
      let spatial = Array(scales.dropFirst(2))
      if spatial.allSatisfy({ $0 >= 1 && $0 == $0.rounded() }) {
        return try emit(.upsample(Upsample(mode: mode, target: .scale(.collapsing(spatial.map { Int($0) })))), [tensor])
      }
      let target = zip(inputShape.dropFirst(), spatial).map { Int((Double($0) * $1).rounded(.down)) }
      return try emit(.upsample(Upsample(mode: mode, target: .size(AxisValues(target)))), [tensor])
    }
    guard let sizes, sizes.count == rank, sizes[1] == inputShape[0] else {
      throw NodeProblem(.missingArgument, "Resize needs scales or sizes for every axis")
    }
    return try emit(.upsample(Upsample(mode: mode, target: .size(AxisValues(Array(sizes.dropFirst(2)))))), [tensor])
  }

  /// Constant zero padding of the spatial axes (negative amounts crop).
  mutating func pad() throws -> TensorID {
    let tensor = try activation(0)
    let rank = try shape(tensor).count + 1
    guard try attributeString("mode", default: "constant") == "constant" else {
      throw NodeProblem.unsupported("Pad mode '\(try attributeString("mode", default: ""))' (cnncalc pads with zeros)")
    }
    if let value = try constantReals(2)?.first, value != 0 {
      throw NodeProblem.unsupported("padding with \(value) instead of 0")
    }
    guard let pads = try attributeInts("pads") ?? (try constantIntegers(1)), pads.count == 2 * rank else {
      throw NodeProblem(.badArgument, "pads needs \(2 * rank) values")
    }
    if node.inputs.count > 3, !node.inputs[3].isEmpty { throw NodeProblem.unsupported("Pad with axes") }
    guard pads[0] == 0, pads[1] == 0, pads[rank] == 0, pads[rank + 1] == 0 else {
      throw NodeProblem.unsupported("padding of the batch or channel axis")
    }
    let begin = Array(pads[2..<rank])
    let end = Array(pads[(rank + 2)...])
    if (begin + end).allSatisfy({ $0 >= 0 }) {
      return try emit(.pad(.explicit(begin: .collapsing(begin), end: .collapsing(end))), [tensor])
    }
    if (begin + end).allSatisfy({ $0 <= 0 }) {
      return try emit(
        .crop(.explicit(begin: .collapsing(begin.map { -$0 }), end: .collapsing(end.map { -$0 }))), [tensor])
    }
    throw NodeProblem.unsupported("padding that pads some sides and crops others")
  }

  /// Reshape: to [N, features] a flatten; to [N, g, C/g, H, W] the first step of a channel
  /// shuffle, whose last step reshapes back; anything else a `reshape`.
  mutating func reshape() throws -> ONNXValue {
    let target = try constantIntegers(1) ?? []
    switch input(0) {
    case .activation(let tensor)?:
      let inputShape = try shape(tensor)
      let count = inputShape.reduce(1, *)
      let result = try Self.reshaped([1] + inputShape, to: target, count: count)
      if result == [count] { return .flatWithBatch(tensor) }
      guard result.first == 1 else {
        throw NodeProblem.unsupported("a Reshape that moves elements into the batch axis")
      }
      let sample = Array(result.dropFirst())
      if sample == inputShape { return .activation(try emit(.identity, [tensor])) }
      if sample.count == 1 { return .activation(try emit(.flatten, [tensor])) }
      if sample.count == 4, inputShape.count == 3, sample[0] * sample[1] == inputShape[0],
        Array(sample[2...]) == Array(inputShape[1...])
      {
        return .grouped(tensor, groups: sample[0])
      }
      if let blocks = Self.pixelBlocks(of: inputShape, reshapedTo: sample) {
        return .pixelBlocks(tensor, factor: blocks.factor, stage: blocks.stage)
      }
      return .activation(try emit(.reshape(sample), [tensor]))
    case .pixelBlocks(let tensor, let factor, let stage)?:
      let inputShape = try shape(tensor)
      let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
      let dims =
        switch stage {
        case .unshuffleSplit: [1, c, h / factor, factor, w / factor, factor]
        case .unshuffleMoved: [1, c, factor, factor, h / factor, w / factor]
        case .shuffleSplit: [1, c / (factor * factor), factor, factor, h, w]
        case .shuffleMoved: [1, c / (factor * factor), h, factor, w, factor]
        }
      let result = try Self.reshaped(dims, to: target, count: c * h * w)
      switch stage {
      case .unshuffleMoved where result == [1, c * factor * factor, h / factor, w / factor]:
        return .activation(try emit(.pixelUnshuffle(factor: factor), [tensor]))
      case .shuffleMoved where result == [1, c / (factor * factor), h * factor, w * factor]:
        return .activation(try emit(.pixelShuffle(factor: factor), [tensor]))
      default:
        throw NodeProblem.unsupported("a Reshape of a pixel shuffle's blocks other than the one that completes it")
      }
    case .shuffled(let tensor, let groups)?:
      let inputShape = try shape(tensor)
      let result = try Self.reshaped(
        [1, inputShape[0] / groups, groups] + inputShape.dropFirst(), to: target, count: inputShape.reduce(1, *))
      guard Array(result.dropFirst()) == inputShape else {
        throw NodeProblem.unsupported(
          "a Reshape of a transposed channel grouping other than back to its shape (channel shuffle)")
      }
      return .activation(try emit(.channelShuffle(groups: groups), [tensor]))
    default:
      throw NodeProblem.unsupported("a Reshape of a rearranged tensor")
    }
  }

  /// The first step of a pixel unshuffle ([C, H, W] to [C, H/r, r, W/r, r]) or shuffle (to
  /// [C/r², r, r, H, W]) by a factor r > 1, if `sample` is one.
  static func pixelBlocks(of shape: [Int], reshapedTo sample: [Int]) -> (factor: Int, stage: PixelBlockStage)? {
    guard shape.count == 3, sample.count == 5 else { return nil }
    let (c, h, w) = (shape[0], shape[1], shape[2])
    let r = sample[2]
    if r > 1, sample[4] == r, sample == [c, h / r, r, w / r, r], h % r == 0, w % r == 0 {
      return (r, .unshuffleSplit)
    }
    let s = sample[1]
    if s > 1, sample[2] == s, c % (s * s) == 0, sample == [c / (s * s), s, s, h, w] { return (s, .shuffleSplit) }
    return nil
  }

  /// Transposes cnncalc can follow: to and from channels-last, the swap of a channel shuffle, the
  /// block move of a pixel shuffle or unshuffle, and of a weight (a Linear layer's, before MatMul), whose dims it permutes.
  mutating func transpose() throws -> ONNXValue {
    let perm = try attributeInts("perm")
    switch input(0) {
    case .weight(var tensor)?:
      let order = perm ?? Array(tensor.dims.indices.reversed())
      guard order.sorted() == Array(tensor.dims.indices) else {
        throw NodeProblem(.badArgument, "perm \(order) is not a permutation")
      }
      tensor.dims = order.map { tensor.dims[$0] }
      return .weight(tensor)
    case .activation(let tensor)?:
      let rank = try shape(tensor).count + 1
      if perm == nil && rank == 1 || perm == Array(0..<rank) { return .activation(tensor) }
      if rank == 4, perm == [0, 2, 3, 1] { return .channelsLast(tensor) }
    case .channelsLast(let tensor)?:
      if perm == [0, 3, 1, 2] { return .activation(tensor) }
    case .grouped(let tensor, let groups)?:
      if perm == [0, 2, 1, 3, 4] { return .shuffled(tensor, groups: groups) }
    case .pixelBlocks(let tensor, let factor, .unshuffleSplit)?:
      if perm == [0, 1, 3, 5, 2, 4] { return .pixelBlocks(tensor, factor: factor, stage: .unshuffleMoved) }
    case .pixelBlocks(let tensor, let factor, .shuffleSplit)?:
      if perm == [0, 1, 4, 2, 5, 3] { return .pixelBlocks(tensor, factor: factor, stage: .shuffleMoved) }
    default: break
    }
    throw NodeProblem.unsupported(
      "Transpose with perm \(perm.map { "\($0)" } ?? "reversed") (cnncalc follows channels-last views and channel shuffles)"
    )
  }

  /// Squeeze and Unsqueeze of an activation: a reshape (a flatten when the result is flat).
  mutating func squeeze() throws -> TensorID {
    let tensor = try activation(0)
    let inputShape = try shape(tensor)
    var dims = [1] + inputShape
    let axes = try attributeInts("axes") ?? (try constantIntegers(1))
    if node.opType == "Squeeze" {
      let rank = dims.count
      let drop = Set(
        try (axes ?? dims.indices.dropFirst().filter { dims[$0] == 1 }).map { try Self.axis($0, rank: rank) })
      guard !drop.contains(0), drop.allSatisfy({ dims[$0] == 1 }) else {
        throw NodeProblem(.badArgument, "Squeeze of an axis whose extent is not 1")
      }
      dims = dims.indices.filter { !drop.contains($0) }.map { dims[$0] }
    } else {
      let rank = dims.count + (axes?.count ?? 0)
      for axis in try (axes ?? []).map({ try Self.axis($0, rank: rank) }).sorted() {
        guard axis > 0 else { throw NodeProblem.unsupported("Unsqueeze in front of the batch axis") }
        dims.insert(1, at: min(axis, dims.count))
      }
    }
    let sample = Array(dims.dropFirst())
    if sample.count == 1, inputShape.count > 1 { return try emit(.flatten, [tensor]) }
    return try emit(.reshape(sample), [tensor])
  }

  /// ReduceMean or ReduceMax over every spatial axis: global pooling (then a flatten without
  /// keepdims).
  mutating func reduce() throws -> TensorID {
    let tensor = try activation(0)
    let rank = try shape(tensor).count + 1
    // The axes moved from an attribute to an input in opset 18.
    let axes = try attributeInts("axes") ?? (opset >= 18 ? try constantIntegers(1) : nil) ?? []
    let resolved = Set(try axes.map { try Self.axis($0, rank: rank) })
    guard rank > 2, resolved == Set(2..<rank) else {
      throw NodeProblem.unsupported(
        "\(node.opType) over axes \(axes.sorted()) (cnncalc reads a reduction over every spatial axis as global pooling)"
      )
    }
    let pooled = try emit(.globalPooling(node.opType == "ReduceMean" ? .average : .max), [tensor])
    if try attributeInt("keepdims", default: 1) == 1 { return pooled }
    return try emit(.flatten, [pooled], suffix: "flatten")
  }
}
