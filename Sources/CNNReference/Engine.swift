import CNNGraph
import CNNKernelSet
import Dispatch

/// How the reference engine runs.
public struct EngineOptions: Sendable {
  /// Threads for the GEMM-based kernels; results are bit-identical for every value.
  public var threads: Int
  /// Seed of the weights and the input.
  public var seed: UInt64
  /// Samples per batch.
  public var batch: Int
  /// The inner loops' instruction set; results are bit-identical for every thread count within a
  /// set (see `KernelSet` for how sets differ).
  public var kernels: KernelSet

  /// Whether a batch norm and a ReLU or ReLU6 right after a convolution, and a ReLU or ReLU6 right
  /// after a sum, run inside it (`EpilogueFusion`): the same outputs bit for bit, fewer passes over memory, but their tensors
  /// are never materialised, so the live bytes are no longer those of the memory plan. `bench`
  /// fuses; `verify`, which proves the plan, does not.
  public var fusesEpilogues: Bool

  /// Creates options; the kernel set defaults to `KernelSelection.preferred`.
  public init(
    threads: Int = 1, seed: UInt64 = 1, batch: Int = 1, kernels: KernelSet = KernelSelection.preferred,
    fusesEpilogues: Bool = false
  ) {
    self.threads = max(1, threads)
    self.seed = seed
    self.batch = max(1, batch)
    self.kernels = kernels
    self.fusesEpilogues = fusesEpilogues
  }
}

/// What the engine measured for one layer.
public struct LayerMeasurement: Sendable {
  /// The layer's name.
  public var name: String
  /// Output extents, batch first, as the kernel produced them.
  public var shape: [Int]
  /// Wall time of the layer's kernel, in seconds.
  public var seconds: Double
  /// Whether the output reused its input's memory (in place or a view).
  public var sharesInput: Bool
  /// The layer this one ran inside (`EngineOptions.fusesEpilogues`); its time is that layer's,
  /// `seconds` is 0.
  public var fusedInto: String?
}

/// The outcome of one forward pass.
public struct EngineResult: Sendable {
  /// Per-layer measurements in execution order.
  public var layers: [LayerMeasurement]
  /// The network's output tensors.
  public var outputs: [Tensor]
  /// The largest sum of live activation bytes (inputs included) at any step.
  public var peakLiveBytes: Int
  /// FNV-1a over the bit patterns of the outputs: equal checksums mean bit-identical outputs.
  public var checksum: UInt64
  /// Wall time of the whole pass, in seconds.
  public var seconds: Double
}

/// The reference forward pass: runs a network on seeded random weights and inputs, freeing each
/// tensor after its last reader and recording the live activation memory.
public struct Engine: Sendable {
  public let network: Network
  public let options: EngineOptions

  /// An engine for `network`.
  public init(network: Network, options: EngineOptions = EngineOptions()) {
    self.network = network
    self.options = options
  }

  /// The seeded input tensors (uniform in [0, 1)).
  public func inputs() -> [Tensor] {
    network.inputs.enumerated().map { index, input in
      var random = SeededRandom(seed: options.seed, stream: UInt64.max - UInt64(index))
      let shape = [options.batch] + input.shape
      return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in random.unit() })
    }
  }

  /// Runs the network; `progress(i, n)` is called before layer i of n. Parameters are drawn into
  /// `parameters` on first use; pass the same store again to time the kernels alone.
  public func run(parameters: ParameterStore = ParameterStore(), progress: ((Int, Int) -> Void)? = nil)
    throws(EngineError)
    -> EngineResult
  {
    let runner = LayerRunner(
      seed: options.seed, threads: options.threads, kernels: options.kernels, store: parameters)
    var remaining = [TensorID: Int]()
    for layer in network.layers { for input in layer.inputs { remaining[input, default: 0] += 1 } }
    let outputs = Set(network.outputs)
    var values = [TensorID: Tensor]()
    var buffer = [TensorID: Int]()
    var bufferBytes = [Int: Int]()
    var bufferUsers = [Int: Int]()
    var live = 0
    for (index, tensor) in inputs().enumerated() {
      values[.input(index)] = tensor
      buffer[.input(index)] = index
      bufferBytes[index] = tensor.bytes
      bufferUsers[index] = 1
      live += tensor.bytes
    }
    var nextBuffer = network.inputs.count
    var peak = live
    let fusion = options.fusesEpilogues ? EpilogueFusion(network) : nil
    var measurements: [LayerMeasurement] = []
    let start = DispatchTime.now().uptimeNanoseconds

    func release(_ id: TensorID) {
      guard let owner = buffer.removeValue(forKey: id) else { return }
      values[id] = nil
      bufferUsers[owner, default: 0] -= 1
      if bufferUsers[owner] == 0 { live -= bufferBytes[owner] ?? 0 }
    }

    // The rule of docs/conventions.md: every input is live at the start; one that no layer reads
    // is released before the first layer runs.
    for index in network.inputs.indices where remaining[.input(index), default: 0] == 0 {
      if !outputs.contains(.input(index)) { release(.input(index)) }
    }
    for (index, layer) in network.layers.enumerated() {
      progress?(index, network.layers.count)
      let id = TensorID.layer(index)
      let source = layer.inputs[0]
      // Views share their input's buffer; an in-place layer takes its input out of `values`, so
      // that the kernel owns the only reference and writes over it without a copy.
      let storage = layer.op.kind.declaration.storage
      let isView = storage == .view
      // A layer fused into the convolution before it passes that convolution's result on (which
      // already is its own), as an in-place layer whose kernel has already run.
      let host = fusion?.host[index]
      var writesInPlace = host != nil
      if storage == .inPlace, case .layer = source, remaining[source] == 1,
        !outputs.contains(source)
      {
        writesInPlace = true
      }
      let shares = isView || writesInPlace
      var operands = layer.inputs.map { writesInPlace ? values.removeValue(forKey: $0)! : values[$0]! }
      let begin = DispatchTime.now().uptimeNanoseconds
      let output =
        host != nil
        ? operands[0]
        : try runner.run(
          layer, index: index, inputs: &operands, inPlace: writesInPlace,
          fusing: (fusion?.followers[index] ?? []).map { ($0, network.layers[$0]) })
      let seconds = host != nil ? 0 : Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
      if shares {
        let owner = buffer[source]!
        buffer[id] = owner
        bufferUsers[owner, default: 0] += 1
      } else {
        buffer[id] = nextBuffer
        bufferBytes[nextBuffer] = output.bytes
        bufferUsers[nextBuffer] = 1
        nextBuffer += 1
        live += output.bytes
      }
      values[id] = output
      peak = max(peak, live)
      measurements.append(
        LayerMeasurement(
          name: layer.name, shape: output.shape, seconds: seconds, sharesInput: shares,
          fusedInto: host.map { network.layers[$0].name }))
      for input in layer.inputs {
        remaining[input, default: 0] -= 1
        if remaining[input] == 0, !outputs.contains(input) { release(input) }
      }
      if remaining[id, default: 0] == 0, !outputs.contains(id) { release(id) }
    }
    let results = network.outputs.compactMap { values[$0] }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return EngineResult(
      layers: measurements, outputs: results, peakLiveBytes: peak, checksum: Self.checksum(results), seconds: seconds)
  }

  /// FNV-1a over the outputs' shapes and float bit patterns.
  static func checksum(_ tensors: [Tensor]) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    func mix(_ value: UInt64) {
      hash ^= value
      hash &*= 0x0000_0100_0000_01B3
    }
    for tensor in tensors {
      for extent in tensor.shape { mix(UInt64(extent)) }
      for value in tensor.data { mix(UInt64(value.bitPattern)) }
    }
    return hash
  }
}
