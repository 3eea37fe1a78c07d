import CNNGraph

/// Sliding-window layers: convolution, transposed convolution, pooling.
extension LayerCalculator {
  /// The geometry of a window over an input: output extents, padding before and after (`same`
  /// resolved), dilated kernel, stride, and what the windows leave out.
  struct Placement {
    var extents: [Int] = []
    var before: [Int] = []
    var after: [Int] = []
    var kernel: [Int] = []
    var dilation: [Int] = []
    var dilatedKernel: [Int] = []
    var stride: [Int] = []
    var findings: [WindowFinding] = []

    /// The per-axis dependency maps of the windows.
    var maps: [AxisMap] {
      kernel.indices.map {
        AxisMap.window(kernel: kernel[$0], stride: stride[$0], dilation: dilation[$0], before: before[$0])
      }
    }

    /// Whether the layer produces one unit per axis whose taps reach both the first and the last
    /// input position: its field is then the hull of every input unit's, which is what `whole`
    /// means. (With dilation, taps may skip positions in between; that is exact only when every
    /// input unit's field has the same shape, so a resampled input with gaps stays a pattern.)
    func spansWholeInput(_ input: TensorFacts) -> Bool {
      guard extents.allSatisfy({ $0 == 1 }) else { return false }
      return kernel.indices.allSatisfy { axis in
        let last = input.shape[axis + 1] - 1 + before[axis]
        let tapsBothEnds =
          before[axis] >= 0 && before[axis] % dilation[axis] == 0 && before[axis] / dilation[axis] < kernel[axis]
          && last % dilation[axis] == 0 && last / dilation[axis] < kernel[axis]
        guard dilation[axis] > 1, case .regular(let field) = input.receptiveField else { return tapsBothEnds }
        return tapsBothEnds && field.axes[axis].isUniform
      }
    }
  }

  static func place(_ window: Window, ceilMode: Bool, _ input: TensorFacts) throws -> Placement {
    let kernel = try axes(window.kernel, "the kernel", input)
    let stride = try axes(window.stride, "the stride", input)
    let dilation = try axes(window.dilation, "the dilation", input)
    var begin = Array(repeating: 0, count: kernel.count)
    var end = begin
    if case .explicit(let b, let e) = window.padding {
      begin = try axes(b, "the padding", input)
      end = try axes(e, "the padding", input)
    }
    var placement = Placement(kernel: kernel, dilation: dilation, stride: stride)
    for axis in kernel.indices {
      let extent = input.shape[axis + 1]
      let dk = try WindowArithmetic.dilatedKernel(kernel[axis], dilation: dilation[axis])
      placement.dilatedKernel.append(dk)
      if window.padding == .same {
        let same = try WindowArithmetic.samePadding(input: extent, dilatedKernel: dk, stride: stride[axis])
        if same.before != same.after {
          placement.findings.append(.unevenPadding(axis: axis, before: same.before, after: same.after))
        }
        placement.extents.append(same.extent)
        placement.before.append(same.before)
        placement.after.append(same.after)
        continue
      }
      let (b, e) = (begin[axis], end[axis])
      let padded = try Checked.add(try Checked.add(extent, b), e)
      guard padded >= dk else {
        throw LayerProblem(
          .nonpositiveSize,
          b + e > 0
            ? "the window (\(dk)) is larger than the padded input (\(extent) + \(b + e) = \(padded))"
            : "the window (\(dk)) is larger than the input (\(extent))",
          hint: "use a larger input, more padding or a smaller kernel")
      }
      if ceilMode {
        let (out, dropped) = try WindowArithmetic.ceilExtent(
          input: extent, before: b, after: e, dilatedKernel: dk,
          stride: stride[axis])!
        if dropped { placement.findings.append(.ceilWindowDropped(axis: axis)) }
        let overhang = (out - 1) * stride[axis] + dk - padded
        if overhang > 0 { placement.findings.append(.partialWindow(axis: axis, overhang: overhang)) }
        placement.extents.append(out)
      } else {
        let out = try WindowArithmetic.floorExtent(
          input: extent, before: b, after: e, dilatedKernel: dk, stride: stride[axis])!
        // The last `unused` positions of the padded input are reached by no window. When the
        // kernel is narrower than the stride, the first `gap` of them are the regular gap between
        // windows (a 1x1 stride-2 conv skips every other row by design); what remains would be the
        // start of a window that does not fit. Only real elements there (not end padding) are lost.
        let unused = (padded - dk) % stride[axis]
        let gap = max(0, stride[axis] - dk)
        let dropped = unused - gap - e
        if dropped > 0 {
          placement.findings.append(
            .truncation(
              axis: axis, dropped: dropped, input: extent, padding: b + e,
              dilatedKernel: dk, stride: stride[axis]))
        }
        placement.extents.append(out)
      }
      placement.before.append(b)
      placement.after.append(e)
    }
    return placement
  }

  static func convolution(_ conv: Convolution, _ input: TensorFacts) throws -> LayerResult {
    let channels = input.shape[0]
    let groups = conv.groups ?? channels
    let outputs = try conv.outputs ?? Checked.multiply(channels, conv.depthMultiplier)
    try checkGroups(groups, inputs: channels, outputs: outputs)
    let placement = try place(conv.window, ceilMode: false, input)
    let kernelVolume = try Checked.product(try axes(conv.window.kernel, "the kernel", input))
    let perOutput = try Checked.multiply(channels / groups, kernelVolume)
    let weights = try Checked.multiply(outputs, perOutput)
    let positions = try Checked.product(placement.extents)
    let field = placement.spansWholeInput(input) ? .whole : follow(input.receptiveField, placement.maps)
    return LayerResult(
      shape: [outputs] + placement.extents, receptiveField: field,
      params: try Checked.add(weights, conv.bias ? outputs : 0),
      macs: try Checked.multiply(try Checked.multiply(positions, outputs), perOutput),
      findings: placement.findings)
  }

  static func transposedConvolution(_ conv: Convolution, _ input: TensorFacts) throws -> LayerResult {
    let channels = input.shape[0]
    let groups = conv.groups ?? channels
    let outputs = try conv.outputs ?? Checked.multiply(channels, conv.depthMultiplier)
    try checkGroups(groups, inputs: channels, outputs: outputs)
    guard case .explicit(let beginValues, let endValues) = conv.window.padding else {
      throw LayerProblem(
        .badArgument, "transposed convolution takes explicit padding, not same/valid",
        hint: "PyTorch's ConvTranspose has no 'same' mode")
    }
    let kernel = try axes(conv.window.kernel, "the kernel", input)
    let stride = try axes(conv.window.stride, "the stride", input)
    let dilation = try axes(conv.window.dilation, "the dilation", input)
    let begin = try axes(beginValues, "the padding", input)
    let end = try axes(endValues, "the padding", input)
    let outputPadding = try axes(conv.outputPadding, "the output padding", input)
    var extents: [Int] = []
    var dilated: [Int] = []
    for axis in kernel.indices {
      guard outputPadding[axis] < max(stride[axis], dilation[axis]) else {
        throw LayerProblem(
          .badArgument, "output padding \(outputPadding[axis]) must be smaller than the stride or the dilation",
          hint: "as PyTorch requires")
      }
      let dk = try WindowArithmetic.dilatedKernel(kernel[axis], dilation: dilation[axis])
      dilated.append(dk)
      let extent = try WindowArithmetic.transposedExtent(
        input: input.shape[axis + 1], before: begin[axis], after: end[axis],
        dilatedKernel: dk, stride: stride[axis], outputPadding: outputPadding[axis])
      guard extent >= 1 else {
        throw LayerProblem(.nonpositiveSize, "the output extent would be \(extent)", hint: "reduce the padding")
      }
      extents.append(extent)
    }
    let perInput = try Checked.multiply(outputs / groups, try Checked.product(kernel))
    let weights = try Checked.multiply(channels, perInput)
    let positions = try Checked.product(Array(input.shape.dropFirst()))
    let field = follow(
      input.receptiveField,
      kernel.indices.map {
        AxisMap.transposed(kernel: kernel[$0], stride: stride[$0], dilation: dilation[$0], before: begin[$0])
      })
    return LayerResult(
      shape: [outputs] + extents, receptiveField: field,
      params: try Checked.add(weights, conv.bias ? outputs : 0),
      macs: try Checked.multiply(try Checked.multiply(positions, channels), perInput))
  }

  static func pooling(_ pool: Pooling, _ input: TensorFacts) throws -> LayerResult {
    let placement = try place(pool.window, ceilMode: pool.ceilMode, input)
    if case .explicit(let beginValues, let endValues) = pool.window.padding {
      // PyTorch (`pool2d_shape_check`): on each axis, pad ≤ dilated kernel / 2.
      let begin = try axes(beginValues, "the padding", input)
      let end = try axes(endValues, "the padding", input)
      for axis in begin.indices {
        let widest = max(begin[axis], end[axis])
        let kernel = placement.dilatedKernel[axis]
        if widest > kernel / 2 {
          throw LayerProblem(
            .badArgument, "padding \(widest) is more than half the window \(kernel) on axis \(axis + 1)",
            hint: "PyTorch and Caffe require pooling padding ≤ kernel/2 on each axis")
        }
      }
    }
    let channels = input.shape[0]
    let field = placement.spansWholeInput(input) ? .whole : follow(input.receptiveField, placement.maps)
    let kernelVolume = try Checked.product(try axes(pool.window.kernel, "the kernel", input))
    let outputs = try Checked.multiply(channels, try Checked.product(placement.extents))
    return LayerResult(
      shape: [channels] + placement.extents, receptiveField: field,
      otherOps: try Checked.multiply(outputs, kernelVolume), findings: placement.findings)
  }

  static func globalPooling(_ input: TensorFacts) throws -> LayerResult {
    guard input.spatialRank > 0 else {
      throw LayerProblem(
        .rankMismatch, "global pooling needs spatial axes; its input is flat \(ExtentText.of(input.shape))")
    }
    return LayerResult(
      shape: [input.shape[0]] + Array(repeating: 1, count: input.spatialRank), receptiveField: .whole,
      otherOps: try Checked.product(input.shape))
  }

  static func adaptivePooling(_ size: AxisValues, _ input: TensorFacts) throws -> LayerResult {
    let extents = try axes(size, "the output size", input)
    var ops = input.shape[0]
    for axis in extents.indices {
      let (extent, out) = (input.shape[axis + 1], extents[axis])
      guard out <= 1 << 24, extent <= 1 << 31 else {
        throw LayerProblem(.tooLarge, "adaptive pooling to \(out) from \(extent) is beyond what cnncalc counts")
      }
      var covered = 0
      for index in 0..<out {
        covered += WindowArithmetic.adaptiveWindow(index: index, input: extent, output: out).count
      }
      ops = try Checked.multiply(ops, covered)
    }
    let field =
      extents.allSatisfy { $0 == 1 }
      ? .whole
      : follow(
        input.receptiveField,
        extents.indices.map { AxisMap.adaptive(input: input.shape[$0 + 1], output: extents[$0]) })
    return LayerResult(shape: [input.shape[0]] + extents, receptiveField: field, otherOps: ops)
  }

  private static func checkGroups(_ groups: Int, inputs: Int, outputs: Int) throws(LayerProblem) {
    guard inputs % groups == 0 else {
      throw LayerProblem(.channelMismatch, "\(groups) groups do not divide the \(inputs) input channels")
    }
    guard outputs % groups == 0 else {
      throw LayerProblem(.channelMismatch, "\(groups) groups do not divide the \(outputs) output channels")
    }
  }
}
