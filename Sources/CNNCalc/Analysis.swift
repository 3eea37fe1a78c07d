import CNNGraph

/// Options that scale the figures: batch size and element type.
public struct AnalysisOptions: Sendable {
  /// Samples per batch; MACs, other ops and activation bytes scale with it, parameters do not.
  public var batch: Int
  /// Element type for activation and parameter bytes.
  public var dtype: DType

  /// Creates options.
  public init(batch: Int = 1, dtype: DType = .f32) {
    self.batch = batch
    self.dtype = dtype
  }
}

/// Where a layer's output lives.
public enum Storage: String, Sendable {
  /// A new buffer.
  case allocated
  /// Written over its only input (PyTorch `inplace=True` activations and dropout, Caffe's in-place
  /// ReLU): no new memory.
  case inPlace = "in-place"
  /// A view of its input (flatten, reshape, identity): no new memory.
  case view
}

/// The facts about one tensor, as the calculator derives them.
public struct TensorFacts: Sendable {
  /// Unique name (the input's or the producing layer's).
  public var name: String
  /// Channels first, without batch.
  public var shape: [Int]
  /// The receptive field in network-input pixels.
  public var receptiveField: ReceptiveField

  /// Number of spatial axes (shape rank − 1; 0 for a flat tensor).
  public var spatialRank: Int { max(shape.count - 1, 0) }
  /// Elements per sample.
  public var elements: Int { (try? Checked.product(shape)) ?? Int.max }
}

/// Everything the calculator knows about one layer.
public struct LayerFacts: Sendable {
  /// Position in execution order.
  public var index: Int
  /// Unique name.
  public var name: String
  /// Spec keyword of the operator (`conv`, `maxpool`, …).
  public var op: String
  /// Names of the tensors it reads.
  public var inputs: [String]
  /// Block nesting depth, for indentation.
  public var depth: Int
  /// Output shape and receptive field.
  public var output: TensorFacts
  /// Trainable parameters: weights, biases, norm scale and shift.
  public var params: Int
  /// Non-trainable state: batch-norm running mean and variance.
  public var buffers: Int
  /// Multiply-accumulates (conv, transposed conv, fully connected), for the whole batch.
  public var macs: Int
  /// Other elementary operations (pooling, activation, norm, elementwise), for the whole batch.
  public var otherOps: Int
  /// Bytes of the output tensor: batch × elements × dtype size.
  public var activationBytes: Int
  /// Whether the output needs new memory.
  public var storage: Storage
}

/// Network-wide totals; each equals the sum of its per-layer column (see docs/conventions.md).
public struct Totals: Sendable {
  /// Σ params.
  public var params = 0
  /// Same as `params`: every parameter cnncalc counts is trainable.
  public var trainableParams = 0
  /// Σ buffers.
  public var buffers = 0
  /// Σ MACs.
  public var macs = 0
  /// 2 × MACs.
  public var flops = 0
  /// Σ other ops.
  public var otherOps = 0
  /// Bytes of the network inputs (batch × elements × dtype).
  public var inputBytes = 0
  /// Forward total: input bytes + Σ activation bytes of layers that allocate (cs231n's VGG figure).
  public var activationBytes = 0
  /// Largest sum of live tensors when layers run in order and a buffer is freed after its last reader.
  public var peakActivationBytes = 0
  /// (params + buffers) × dtype size.
  public var paramBytes = 0
  /// Training estimate with Adam: 4 × params bytes (weights, gradients, two moments) + buffers bytes
  /// + forward total (activations saved for the backward pass).
  public var trainingBytes = 0
}

/// The calculator's result for one network.
public struct Analysis: Sendable {
  /// The network analysed.
  public var network: Network
  /// Options used.
  public var options: AnalysisOptions
  /// Facts about each network input.
  public var inputs: [TensorFacts]
  /// Facts about each layer that could be computed, in execution order.
  public var layers: [LayerFacts]
  /// Totals over `layers`.
  public var totals: Totals
  /// Everything found: truncation, mismatches, failed expectations, ….
  public var diagnostics: [Diagnostic]

  /// Whether the totals were computed (every layer computed and the sums fit in 64 bits). When
  /// false, `totals` holds no figures a report may show.
  public var totalsComplete: Bool

  /// The live activation bytes while each layer runs (its inputs and output live), in execution
  /// order: the curve whose maximum (or the inputs' bytes, before the first layer) is the peak
  /// (docs/conventions.md, "Memory"). Nil when the totals were not computed.
  public var liveActivationBytes: [Int]?

  /// Every activation buffer with the steps it is live (the curve above is their sum per step).
  /// Nil when the totals were not computed.
  public var activationBuffers: [ActivationBuffer]?

  /// The buffers live while layer `step` runs, largest first (ties in creation order).
  public func buffersLive(atStep step: Int) -> [ActivationBuffer] {
    let live = (activationBuffers ?? []).enumerated().filter { $0.element.steps.contains(step) }
    return live.sorted { ($0.element.bytes, -$0.offset) > ($1.element.bytes, -$1.offset) }.map(\.element)
  }

  /// Whether every layer could be computed.
  public var isComplete: Bool { layers.count == network.layers.count }

  /// The name of the first layer that could not be computed, or nil when every layer was.
  public var stoppedAt: String? {
    var computed = Set<Int>()
    for layer in layers { computed.insert(layer.index) }
    return network.layers.indices.first { !computed.contains($0) }.map { network.layers[$0].name }
  }
}
