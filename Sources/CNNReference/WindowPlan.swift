import CNNGraph

/// Where a sliding window visits along one axis, found by walking the axis (not from the
/// calculator's formulas): the start of every window in input coordinates (negative inside the
/// leading padding), the kernel taps, and the extent of the input.
struct AxisPlan: Equatable {
  var starts: [Int]
  var kernel: Int
  var dilation: Int
  var input: Int
  /// Padding before and after the input (for average pooling's divisor).
  var before = 0
  var after = 0

  /// The number of outputs along the axis.
  var count: Int { starts.count }
  /// The distance between window starts (1 when there is one window).
  var stride: Int { starts.count > 1 ? starts[1] - starts[0] : 1 }

  /// A unit axis (for the padding of 1-D and 2-D tensors to three axes).
  static func unit() -> AxisPlan { AxisPlan(starts: [0], kernel: 1, dilation: 1, input: 1) }

  /// Places windows of `kernel` taps `dilation` apart every `stride`, beginning `before` elements
  /// before the input. Floor mode keeps the windows that lie wholly inside the padded input. Ceil
  /// mode then adds windows while the padded input's end is not yet covered and the next window
  /// would start inside the input or the leading padding (PyTorch's and Caffe's rule).
  static func sliding(input: Int, kernel: Int, stride: Int, dilation: Int, before: Int, after: Int, ceil: Bool)
    -> AxisPlan
  {
    let span = dilation * (kernel - 1) + 1
    var starts: [Int] = []
    var start = -before
    while start + span <= input + after {
      starts.append(start)
      start += stride
    }
    if ceil, let last = starts.last {
      var next = last + stride
      while next - stride + span < input + after, next < input {
        starts.append(next)
        next += stride
      }
    }
    return AxisPlan(starts: starts, kernel: kernel, dilation: dilation, input: input, before: before, after: after)
  }

  /// TensorFlow SAME: one window for every `stride`-th input position, padded so that the last
  /// window fits; the odd element of padding goes after.
  static func same(input: Int, kernel: Int, stride: Int, dilation: Int) -> (plan: AxisPlan, before: Int, after: Int) {
    let span = dilation * (kernel - 1) + 1
    var count = 0
    while count * stride < input { count += 1 }
    let total = max(0, (count - 1) * stride + span - input)
    let before = total / 2
    let plan = sliding(
      input: input, kernel: kernel, stride: stride, dilation: dilation, before: before, after: total - before,
      ceil: false)
    return (plan, before, total - before)
  }
}

/// Window plans for the three (padded) spatial axes of a layer.
struct WindowPlan: Equatable {
  var axes: [AxisPlan]

  var outputs: Extent3 { Extent3(d: axes[0].count, h: axes[1].count, w: axes[2].count) }

  /// Whether the window is a 1x1 stride-1 unpadded one: output position p reads input position p.
  var isPointwiseIdentity: Bool {
    axes.allSatisfy { $0.kernel == 1 && $0.starts.count == $0.input && $0.starts.first == 0 && $0.stride == 1 }
  }
  var kernelVolume: Int { axes.reduce(1) { $0 * $1.kernel } }

  /// Plans `window` over `spatial` extents (1 to 3 axes), padding to three axes.
  static func make(_ window: Window, spatial: [Int], ceil: Bool) throws(EngineError) -> WindowPlan {
    let rank = spatial.count
    let kernel = try values(window.kernel, rank, "kernel")
    let stride = try values(window.stride, rank, "stride")
    let dilation = try values(window.dilation, rank, "dilation")
    var plans: [AxisPlan] = []
    for axis in 0..<rank {
      switch window.padding {
      case .same:
        plans.append(
          AxisPlan.same(input: spatial[axis], kernel: kernel[axis], stride: stride[axis], dilation: dilation[axis]).plan
        )
      case .valid:
        plans.append(
          .sliding(
            input: spatial[axis], kernel: kernel[axis], stride: stride[axis], dilation: dilation[axis],
            before: 0, after: 0, ceil: ceil))
      case .explicit(let b, let e):
        let before = try values(b, rank, "padding")
        let after = try values(e, rank, "padding")
        plans.append(
          .sliding(
            input: spatial[axis], kernel: kernel[axis], stride: stride[axis], dilation: dilation[axis],
            before: before[axis], after: after[axis], ceil: ceil))
      }
      if plans[axis].count == 0 { throw EngineError.emptyOutput("the window does not fit the input") }
    }
    return WindowPlan(axes: Array(repeating: .unit(), count: 3 - rank) + plans)
  }

  static func values(_ values: AxisValues, _ rank: Int, _ what: String) throws(EngineError) -> [Int] {
    if values.values.count == 1 { return Array(repeating: values.values[0], count: rank) }
    guard values.values.count == rank else { throw EngineError.unsupported("\(what) has the wrong number of axes") }
    return values.values
  }
}

/// Why the engine cannot run a network.
public enum EngineError: Error, Sendable, Equatable {
  /// A layer the engine does not run, or parameters it does not accept.
  case unsupported(String)
  /// A layer whose output would have no elements.
  case emptyOutput(String)
  /// The run would need more memory than allowed.
  case memoryLimit(needed: Int, allowed: Int)

  /// A sentence for users.
  public var message: String {
    switch self {
    case .unsupported(let what): "the reference engine cannot run this: \(what)"
    case .emptyOutput(let what): "empty output: \(what)"
    case .memoryLimit(let needed, let allowed): "needs about \(needed) bytes, more than the allowed \(allowed)"
    }
  }
}
