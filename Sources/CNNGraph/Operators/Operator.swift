/// What a layer computes. Adding a case is a compile error everywhere it is not yet handled.
public enum Operator: Sendable, Equatable {
  /// Convolution (also depthwise and pointwise).
  case convolution(Convolution)
  /// Transposed convolution ("deconvolution").
  case transposedConvolution(Convolution)
  /// Max or average pooling over a sliding window.
  case pooling(Pooling)
  /// Pooling of each channel to one value.
  case globalPooling(PoolingKind)
  /// Pooling to a fixed output extent, with PyTorch's adaptive window bounds.
  case adaptivePooling(PoolingKind, outputSize: AxisValues)
  /// Fully connected layer over the flattened input (Caffe InnerProduct semantics).
  case fullyConnected(outputs: Int, bias: Bool)
  /// All axes into one.
  case flatten
  /// A new shape with the same element count (without batch; one entry may be -1).
  case reshape([Int])
  /// Batch normalisation with running statistics; `affine` adds a trainable scale and shift per
  /// channel.
  case batchNorm(Normalization)
  /// Layer normalisation over the channels at each position (ConvNeXt's `LayerNorm2d`) or over
  /// all of a sample's elements (`nn.LayerNorm([C, H, W])`), statistics computed per sample.
  case layerNorm(Normalization, over: LayerNormExtent)
  /// Group normalisation: statistics over each group of channels and all positions, per sample.
  case groupNorm(groups: Int, Normalization)
  /// Instance normalisation: statistics over each channel's positions, per sample.
  case instanceNorm(Normalization)
  /// Local response normalisation across channels.
  case localResponseNorm(LocalResponseNorm)
  /// Dropout with the given rate (identity at inference).
  case dropout(rate: Rational)
  /// A pointwise activation.
  case activation(Activation)
  /// Channel concatenation.
  case concat
  /// Elementwise sum.
  case add
  /// Elementwise product; a 1×1 map broadcasts over space (squeeze-and-excitation).
  case mul
  /// Stochastic depth with the given drop rate (identity at inference).
  case stochasticDepth(rate: Rational)
  /// A learned scale per channel (ConvNeXt's layer scale, CaiT).
  case layerScale
  /// Channels `start ..< end` of the input (a view; ShuffleNetV2's channel split).
  case slice(start: Int, end: Int)
  /// C·r² × H × W → C × rH × rW (`nn.PixelShuffle`).
  case pixelShuffle(factor: Int)
  /// C × rH × rW → C·r² × H × W (`nn.PixelUnshuffle`).
  case pixelUnshuffle(factor: Int)
  /// A layer cnncalc has no formulas for, declared by its output shape and counts.
  case opaque(Opaque)
  /// ShuffleNet channel shuffle with the given group count.
  case channelShuffle(groups: Int)
  /// Nearest or bilinear resampling by a scale or to a size.
  case upsample(Upsample)
  /// Zero padding of the spatial axes.
  case pad(Padding)
  /// Removal of border rows and columns (amounts per side).
  case crop(Padding)
  /// Passes its input through.
  case identity
}

/// Values given once for every spatial axis (`k3`) or once per axis (`k3x5`).
public struct AxisValues: Sendable, Equatable {
  /// One value, or one per spatial axis in order (D, H, W).
  public var values: [Int]

  /// Wraps a list of one value or one per axis.
  public init(_ values: [Int]) { self.values = values }

  /// The same value on every axis.
  public static func all(_ value: Int) -> AxisValues { AxisValues([value]) }

  /// Per-axis values as a model file gives them, written once when every axis has the same value
  /// (`[3, 3]` reads as `k3`, as a spec would write it).
  public static func collapsing(_ values: [Int]) -> AxisValues {
    if let first = values.first, values.allSatisfy({ $0 == first }) { return .all(first) }
    return AxisValues(values)
  }

  /// The values for a tensor with `rank` spatial axes, or nil when the count fits neither 1 nor rank.
  public func resolved(rank: Int) -> [Int]? {
    if values.count == 1 { return Array(repeating: values[0], count: rank) }
    return values.count == rank ? values : nil
  }
}

/// Spatial padding of a window layer.
public enum Padding: Sendable, Equatable {
  /// Explicit zeros before and after each axis.
  case explicit(begin: AxisValues, end: AxisValues)
  /// TensorFlow `SAME`: out = ceil(in / stride); any odd extra padding goes at the end.
  case same
  /// TensorFlow `VALID`: no padding.
  case valid

  /// The same amount on both sides of every axis.
  public static func symmetric(_ amount: Int) -> Padding { .explicit(begin: .all(amount), end: .all(amount)) }
}

/// Kernel, stride, dilation and padding of a sliding-window layer.
public struct Window: Sendable, Equatable {
  public var kernel: AxisValues
  public var stride: AxisValues
  public var dilation: AxisValues
  public var padding: Padding

  /// Creates a window.
  public init(
    kernel: AxisValues, stride: AxisValues = .all(1), dilation: AxisValues = .all(1), padding: Padding = .symmetric(0)
  ) {
    self.kernel = kernel
    self.stride = stride
    self.dilation = dilation
    self.padding = padding
  }
}

/// A (possibly grouped, depthwise or transposed) convolution.
public struct Convolution: Sendable, Equatable {
  /// Output channels, or nil for depthwise: input channels × `depthMultiplier`.
  public var outputs: Int?
  /// For depthwise convolution, output channels per input channel.
  public var depthMultiplier: Int
  /// The sliding window.
  public var window: Window
  /// Channel groups; nil for depthwise (one group per input channel).
  public var groups: Int?
  /// Whether there is a bias per output channel.
  public var bias: Bool
  /// Extra rows and columns at the end of a transposed convolution's output.
  public var outputPadding: AxisValues

  /// Whether it is a depthwise convolution.
  public var isDepthwise: Bool { outputs == nil }

  /// Creates a convolution.
  public init(
    outputs: Int?, depthMultiplier: Int = 1, window: Window, groups: Int? = 1, bias: Bool = true,
    outputPadding: AxisValues = .all(0)
  ) {
    self.outputs = outputs
    self.depthMultiplier = depthMultiplier
    self.window = window
    self.groups = groups
    self.bias = bias
    self.outputPadding = outputPadding
  }
}

/// Max or average.
public enum PoolingKind: String, Sendable, Equatable {
  case max, average
}

/// Sliding-window pooling.
public struct Pooling: Sendable, Equatable {
  public var kind: PoolingKind
  /// The window; stride defaults to the kernel, as in PyTorch.
  public var window: Window
  /// Ceil mode: out = ceil((in + pads − k)/s) + 1, dropping a last window that would start in the
  /// end padding (PyTorch `ceil_mode=True`, Caffe pooling).
  public var ceilMode: Bool
  /// Average pooling: whether taps in the padding count in the divisor (PyTorch's
  /// `count_include_pad=True` and Caffe: yes; ONNX's default `count_include_pad=0`: no). Taps of a
  /// ceil-mode overhang past the padding never count. No effect on shapes or counts.
  public var countsPadding: Bool

  /// Creates a pooling layer.
  public init(kind: PoolingKind, window: Window, ceilMode: Bool = false, countsPadding: Bool = true) {
    self.kind = kind
    self.window = window
    self.ceilMode = ceilMode
    self.countsPadding = countsPadding
  }
}

/// Cross-channel local response normalisation: x / (k + α/n · Σ x²)^β over `size` channels
/// centred on each channel (AlexNet, Caffe `LRN`, PyTorch `LocalResponseNorm`).
public struct LocalResponseNorm: Sendable, Equatable {
  public var size: Int
  public var alpha: Rational
  public var beta: Rational
  public var k: Rational

  public init(size: Int, alpha: Rational = .lrnAlpha, beta: Rational = .lrnBeta, k: Rational = Rational(1)) {
    self.size = size
    self.alpha = alpha
    self.beta = beta
    self.k = k
  }
}

/// The constants of a normalisation layer.
public struct Normalization: Sendable, Equatable {
  /// Whether a trainable scale and shift (per channel, or per element for layer norm over all)
  /// follow the normalisation.
  public var affine: Bool
  /// ε added to the variance.
  public var epsilon: Rational
  /// The running statistics' momentum (batch norm; shown, no effect at inference).
  public var momentum: Rational

  public init(affine: Bool = true, epsilon: Rational = .normEpsilon, momentum: Rational = .normMomentum) {
    self.affine = affine
    self.epsilon = epsilon
    self.momentum = momentum
  }
}

/// What layer normalisation normalises over.
public enum LayerNormExtent: String, Sendable, Equatable {
  /// The channels at each position.
  case channels
  /// Every element of a sample.
  case all
}

/// The declared facts of an opaque layer.
public struct Opaque: Sendable, Equatable {
  /// Output shape without the batch.
  public var shape: [Int]
  public var params: Int
  public var macs: Int

  public init(shape: [Int], params: Int, macs: Int) {
    self.shape = shape
    self.params = params
    self.macs = macs
  }
}

/// Pointwise activations (softmax normalises over channels, or over the only axis when flat).
public enum Activation: Sendable, Equatable {
  case relu, relu6, sigmoid, tanh, gelu, silu, hardswish, hardsigmoid, softmax, elu, mish, selu, softplus
  /// Leaky ReLU with a fixed negative slope.
  case leakyRelu(slope: Rational)
  /// PReLU with a learned slope per channel, or one shared slope.
  case prelu(shared: Bool)
}

/// Resampling mode of `upsample`.
public enum UpsampleMode: String, Sendable, Equatable {
  case nearest, bilinear
}

/// How `upsample` sets its output extent.
public enum UpsampleTarget: Sendable, Equatable {
  /// out = in × factor on each axis.
  case scale(AxisValues)
  /// A fixed output extent.
  case size(AxisValues)
}

/// Resampling (PyTorch `nn.Upsample`, `align_corners=False`).
public struct Upsample: Sendable, Equatable {
  public var mode: UpsampleMode
  public var target: UpsampleTarget

  /// Creates an upsample layer.
  public init(mode: UpsampleMode, target: UpsampleTarget) {
    self.mode = mode
    self.target = target
  }
}
