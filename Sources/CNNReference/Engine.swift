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
  /// after a sum, run inside it (`EpilogueFusion`): the same outputs bit for bit, fewer passes
  /// over memory, but their tensors are never materialised, so the live bytes are no longer those
  /// of the memory plan. `bench` fuses; `verify`, which proves the plan, does not.
  public var fusesEpilogues: Bool

  /// Whether a batch runs a few samples at a time up to the first fully connected layer
  /// (`SampleSplit`), each chunk's activations about as small as at batch 1, and the rest on the
  /// whole batch (the fully connected layers stream their weights once per batch): the same
  /// outputs bit for bit, but a different memory profile than the plan's. `bench` splits;
  /// `verify` does not.
  public var splitsBatch: Bool

  /// Whether 3 × 3 stride-1 convolutions of at least 128 input and output channels run as
  /// Winograd F(2 × 2, 3 × 3) (`Winograd`): 16 multiplications per tile instead of 36, equal to
  /// the direct convolution in exact arithmetic but not bit for bit, with a workspace the memory
  /// plan does not have. `bench` uses it; `verify`, whose values are the direct sums and whose
  /// memory is the plan's, does not.
  public var usesWinograd: Bool

  /// Creates options; the kernel set defaults to `KernelSelection.preferred`.
  public init(
    threads: Int = 1, seed: UInt64 = 1, batch: Int = 1, kernels: KernelSet = KernelSelection.preferred,
    fusesEpilogues: Bool = false, splitsBatch: Bool = false, usesWinograd: Bool = false
  ) {
    self.threads = max(1, threads)
    self.seed = seed
    self.batch = max(1, batch)
    self.kernels = kernels
    self.fusesEpilogues = fusesEpilogues
    self.splitsBatch = splitsBatch
    self.usesWinograd = usesWinograd
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
  /// Whether the layer ran as Winograd F(2 × 2, 3 × 3) (`EngineOptions.usesWinograd`).
  public var winograd = false
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
      seed: options.seed, threads: options.threads, kernels: options.kernels, store: parameters,
      usesWinograd: options.usesWinograd)
    let fusion = options.fusesEpilogues ? EpilogueFusion(network) : nil
    var initial = [TensorID: Tensor]()
    for (index, tensor) in inputs().enumerated() { initial[.input(index)] = tensor }
    // The pass is timed from here: drawing the inputs is not part of it.
    let start = DispatchTime.now().uptimeNanoseconds
    let pass: Pass
    if options.splitsBatch, options.batch > 1, let split = SampleSplit(network) {
      pass = try runBySample(split, inputs: initial, runner: runner, fusion: fusion, progress: progress)
    } else {
      pass = try execute(
        0..<network.layers.count, values: initial, keeping: Set(network.outputs), runner: runner, fusion: fusion,
        progress: progress)
    }
    let results = network.outputs.compactMap { pass.values[$0] }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return EngineResult(
      layers: pass.measurements, outputs: results, peakLiveBytes: pass.peak, checksum: Self.checksum(results),
      seconds: seconds)
  }

  /// What running a range of layers left: the tensors kept, each layer's measurement, the peak.
  struct Pass {
    var values: [TensorID: Tensor]
    var measurements: [LayerMeasurement]
    var peak: Int
  }

  /// `EngineOptions.splitsBatch`: the layers before `split.suffix` a few samples at a time (the
  /// first alone; then as many as keep its live bytes within `SampleSplit.liveBytesBudget`), their
  /// tensors the rest reads joined into whole batches, then the rest on the whole batch. Every
  /// kernel computes each sample alone, so the outputs are those of the whole batch run. Times add
  /// up over the chunks; the peak is the largest a chunk's pass reached with the tensors gathered
  /// from the chunks before it, or the rest's.
  func runBySample(
    _ split: SampleSplit, inputs: [TensorID: Tensor], runner: LayerRunner, fusion: EpilogueFusion?,
    progress: ((Int, Int) -> Void)?
  ) throws(EngineError) -> Pass {
    var gathered = [TensorID: [Tensor]]()
    var gatheredBytes = 0
    var measurements: [LayerMeasurement] = []
    var peak = 0
    // The first sample alone, then as many at a time as keep the live bytes within the budget.
    var first = 0
    var chunk = 1
    while first < options.batch {
      let samples = first..<min(options.batch, first + chunk)
      let slices = inputs.mapValues { $0.samples(samples) }
      let part = try execute(
        0..<split.suffix, values: slices, keeping: split.crossing, runner: runner, fusion: fusion,
        progress: progress)
      if first == 0 { chunk = max(1, SampleSplit.liveBytesBudget / max(1, part.peak)) }
      first = samples.upperBound
      peak = max(peak, part.peak + gatheredBytes)
      for (id, tensor) in part.values {
        gathered[id, default: []].append(tensor)
        gatheredBytes += tensor.bytes
      }
      if measurements.isEmpty {
        measurements = part.measurements
      } else {
        for index in measurements.indices { measurements[index].seconds += part.measurements[index].seconds }
      }
    }
    for index in measurements.indices { measurements[index].shape[0] = options.batch }
    let whole = gathered.mapValues(Tensor.joiningSamples)
    guard split.suffix < network.layers.count else {
      return Pass(values: whole, measurements: measurements, peak: peak)
    }
    let outputs = Set(network.outputs)
    let rest = try execute(
      split.suffix..<network.layers.count, values: whole, keeping: outputs, runner: runner, fusion: fusion,
      progress: progress)
    // Outputs made before the cut come from the joined samples.
    let values = rest.values.merging(whole.filter { outputs.contains($0.key) }) { _, joined in joined }
    return Pass(values: values, measurements: measurements + rest.measurements, peak: max(peak, rest.peak))
  }

  /// Runs `layers` on `values` (network inputs, or the tensors an earlier range left), freeing each
  /// tensor after its last reader in the range unless it is in `keeping`, and recording the live
  /// activation memory: every value given is live at the start; one that no layer of the range
  /// reads and that is not kept is released before the first layer runs (docs/conventions.md).
  func execute(
    _ layers: Range<Int>, values initial: [TensorID: Tensor], keeping outputs: Set<TensorID>, runner: LayerRunner,
    fusion: EpilogueFusion?, progress: ((Int, Int) -> Void)?
  ) throws(EngineError) -> Pass {
    var remaining = [TensorID: Int]()
    for layer in network.layers[layers] { for input in layer.inputs { remaining[input, default: 0] += 1 } }
    var values = [TensorID: Tensor]()
    var buffer = [TensorID: Int]()
    var bufferBytes = [Int: Int]()
    var bufferUsers = [Int: Int]()
    var live = 0
    var nextBuffer = 0
    // In a fixed order (inputs, then layers), so that buffer numbers do not depend on hashing.
    let given = initial.keys.sorted(by: Self.precedes)
    for id in given {
      let tensor = initial[id]!
      values[id] = tensor
      buffer[id] = nextBuffer
      bufferBytes[nextBuffer] = tensor.bytes
      bufferUsers[nextBuffer] = 1
      live += tensor.bytes
      nextBuffer += 1
    }
    var peak = live
    var measurements: [LayerMeasurement] = []

    func release(_ id: TensorID) {
      guard let owner = buffer.removeValue(forKey: id) else { return }
      values[id] = nil
      bufferUsers[owner, default: 0] -= 1
      if bufferUsers[owner] == 0 { live -= bufferBytes[owner] ?? 0 }
    }

    for id in given where remaining[id, default: 0] == 0 && !outputs.contains(id) { release(id) }
    for index in layers {
      let layer = network.layers[index]
      progress?(index, network.layers.count)
      let id = TensorID.layer(index)
      let source = layer.inputs[0]
      // Views share their input's buffer; an in-place layer takes its input out of `values`, so
      // that the kernel owns the only reference and writes over it without a copy.
      let storage = layer.op.kind.declaration.storage
      let isView = storage == .view
      // A layer fused into the one before it (`EpilogueFusion`) passes that layer's result on
      // (which already is its own), as an in-place layer whose kernel has already run.
      let host = fusion?.host[index]
      var writesInPlace = host != nil
      if storage == .inPlace, case .layer = source, remaining[source] == 1,
        !outputs.contains(source)
      {
        writesInPlace = true
      }
      let shares = isView || writesInPlace
      var operands = layer.inputs.map { writesInPlace ? values.removeValue(forKey: $0)! : values[$0]! }
      let winograd = host == nil && operands.count == 1 && runner.runsWinograd(layer, input: operands[0])
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
          fusedInto: host.map { network.layers[$0].name }, winograd: winograd))
      for input in layer.inputs {
        remaining[input, default: 0] -= 1
        if remaining[input] == 0, !outputs.contains(input) { release(input) }
      }
      if remaining[id, default: 0] == 0, !outputs.contains(id) { release(id) }
    }
    return Pass(values: values.filter { outputs.contains($0.key) }, measurements: measurements, peak: peak)
  }

  /// Inputs before layers, each in index order.
  static func precedes(_ a: TensorID, _ b: TensorID) -> Bool {
    switch (a, b) {
    case (.input(let x), .input(let y)), (.layer(let x), .layer(let y)): x < y
    case (.input, .layer): true
    case (.layer, .input): false
    }
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
