import CNNGraph
import CNNKernelSet

/// The seeded parameters of every layer, drawn on first use and kept, so that repeated runs (the
/// benchmark) time the kernels and not the random number generator.
public final class ParameterStore: @unchecked Sendable {
  // Unchecked Sendable: a store is used by one forward pass at a time (the engine's layer loop is
  // sequential; kernels never touch the store).
  fileprivate var arrays: [Int: [[Float]]] = [:]
  fileprivate var packed: [Int: ConvolutionKernel.PackedWeights] = [:]
  fileprivate var winograd: [Int: Winograd.TransformedWeights] = [:]
  /// Scratch memory for Winograd's transformed blocks, grown as needed and kept between runs.
  fileprivate var workspace = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  fileprivate var workspaceCount = 1

  /// `workspace`, at least `count` floats long.
  fileprivate func workspace(_ count: Int) -> UnsafeMutablePointer<Float> {
    if count > workspaceCount {
      workspace.deallocate()
      workspace = UnsafeMutablePointer<Float>.allocate(capacity: count)
      workspaceCount = count
    }
    return workspace
  }

  deinit { workspace.deallocate() }

  /// An empty store.
  public init() {}
}

/// Draws a layer's parameters in a fixed order, from the store when already drawn.
struct ParameterSource {
  var random: SeededRandom
  var cached: [[Float]]?
  var drawn: [[Float]] = []
  var position = 0

  mutating func uniform(_ count: Int, scale: Float) -> [Float] {
    defer { position += 1 }
    if let cached, position < cached.count { return cached[position] }
    let values = random.uniform(count, scale: scale)
    drawn.append(values)
    return values
  }

}

/// Runs one layer of a network on real tensors: draws its seeded weights and calls its kernel.
/// Output extents come from the kernels' own window plans and loops, never from CNNCalc.
struct LayerRunner {
  let seed: UInt64
  let threads: Int
  let kernels: KernelSet
  let store: ParameterStore
  /// Whether convolutions that `Winograd.applies` to run as F(2 × 2, 3 × 3)
  /// (`EngineOptions.usesWinograd`).
  var usesWinograd = false

  /// Whether `layer` runs as Winograd F(2 × 2, 3 × 3) on `input` in this runner.
  func runsWinograd(_ layer: Layer, input: Tensor) -> Bool {
    guard usesWinograd, case .convolution(let conv) = layer.op, !input.spatial.isEmpty,
      let plan = try? WindowPlan.make(conv.window, spatial: input.spatial, ceil: false)
    else { return false }
    return runsWinograd(conv, input: input, plan: plan)
  }

  /// Whether the convolution `conv` with window plan `plan` runs as Winograd on `input` here.
  private func runsWinograd(_ conv: Convolution, input: Tensor, plan: WindowPlan) -> Bool {
    usesWinograd
      && Winograd.applies(
        plan: plan, inputs: input.channels, outputs: conv.outputs ?? input.channels * conv.depthMultiplier,
        groups: conv.groups ?? input.channels)
  }

  /// PReLU's learned slopes (none for other activations).
  private func slopes(_ activation: Activation, channels: Int, _ random: inout ParameterSource) throws(EngineError)
    -> [Float]
  {
    guard case .prelu(let shared) = activation else { return [] }
    return random.uniform(shared ? 1 : channels, scale: 0.25).map { abs($0) }
  }

  /// Layer, group or instance norm with seeded scale and shift.
  private func sampleNorm(_ op: Operator, _ norm: Normalization, _ input: Tensor, _ random: inout ParameterSource)
    throws(EngineError) -> Tensor
  {
    let (channels, plane) = (input.channels, input.plane)
    var sets = channels
    var members: (Int) -> [Int] = { c in Array(c * plane..<(c + 1) * plane) }
    var parameterIndex: (Int) -> Int = { $0 / plane }
    var entries = channels
    switch op {
    case .layerNorm(_, over: .channels):
      sets = plane
      members = { p in (0..<channels).map { $0 * plane + p } }
    case .layerNorm(_, over: .all):
      sets = 1
      members = { _ in Array(0..<channels * plane) }
      parameterIndex = { $0 }
      entries = channels * plane
    case .groupNorm(let groups, _):
      guard channels % groups == 0 else { throw EngineError.unsupported("groups do not divide channels") }
      let width = channels / groups * plane
      sets = groups
      members = { g in Array(g * width..<(g + 1) * width) }
    default: break
    }
    let scale = norm.affine ? random.uniform(entries, scale: 0.5).map { 1 + $0 } : nil
    let shift = norm.affine ? random.uniform(entries, scale: 0.1) : nil
    return NormalizationKernel.normalize(
      input, sets: sets, members: members, epsilon: Float(norm.epsilon.doubleValue), scale: scale, shift: shift,
      parameterIndex: parameterIndex)
  }

  /// Runs `body` with the parameter source of layer `index` (its own seeded stream, or what the
  /// store kept of it) and keeps what it drew.
  private func parameters<T>(of index: Int, _ body: (inout ParameterSource) throws(EngineError) -> T)
    throws(EngineError) -> T
  {
    var random = ParameterSource(random: SeededRandom(seed: seed, stream: UInt64(index)), cached: store.arrays[index])
    defer { if store.arrays[index] == nil, !random.drawn.isEmpty { store.arrays[index] = random.drawn } }
    return try body(&random)
  }

  /// Inference batch norm's seeded statistics and affine parameters folded into y = x · scale + shift
  /// per channel: scale = γ / √(var + ε), shift = β − mean · scale.
  private func batchNorm(_ norm: Normalization, channels: Int, _ random: inout ParameterSource) -> (
    scale: [Float], shift: [Float]
  ) {
    let mean = random.uniform(channels, scale: 0.1)
    let variance = random.uniform(channels, scale: 0.5).map { 1 + $0 }
    let gamma = norm.affine ? random.uniform(channels, scale: 0.5).map { 1 + $0 } : Array(repeating: 1, count: channels)
    let beta = norm.affine ? random.uniform(channels, scale: 0.1) : Array(repeating: 0, count: channels)
    let epsilon = Float(norm.epsilon.doubleValue)
    let scale = (0..<channels).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
    let shift = (0..<channels).map { beta[$0] - mean[$0] * scale[$0] }
    return (scale, shift)
  }

  /// The epilogue of a convolution with `channels` outputs and `bias` (or a sum's, without), followed
  /// by the layers `fused` (`EpilogueFusion`: a batch norm, a ReLU or ReLU6), each drawing its
  /// parameters from its own stream as it would when run alone.
  private func epilogue(bias: [Float]?, channels: Int, fused: [(index: Int, layer: Layer)]) throws(EngineError)
    -> ConvolutionEpilogue
  {
    var epilogue = ConvolutionEpilogue(bias: bias)
    for (index, layer) in fused {
      switch layer.op {
      case .batchNorm(let norm):
        epilogue.batchNorm = try parameters(of: index) { random in batchNorm(norm, channels: channels, &random) }
      case .activation(.relu): epilogue.clamp = .relu
      case .activation(.relu6): epilogue.clamp = .relu6
      default: throw EngineError.unsupported("\(layer.name) cannot run inside the layer before it")
      }
    }
    return epilogue
  }

  /// Runs `layer` on `inputs`. With `inPlace`, the kernel takes the single input out of `inputs`
  /// and overwrites it (the engine guarantees nothing else holds it).
  func run(_ layer: Layer, index: Int, inputs: inout [Tensor], inPlace: Bool) throws(EngineError) -> Tensor {
    try run(layer, index: index, inputs: &inputs, inPlace: inPlace, fusing: [])
  }

  /// Runs `layer` and, inside it, the layers `fused` that follow it (`EpilogueFusion`: after a
  /// convolution or a sum): the result is theirs.
  func run(
    _ layer: Layer, index: Int, inputs: inout [Tensor], inPlace: Bool, fusing fused: [(index: Int, layer: Layer)]
  )
    throws(EngineError) -> Tensor
  {
    try parameters(of: index) { random throws(EngineError) in
      try run(layer, index: index, inputs: &inputs, inPlace: inPlace, fusing: fused, &random)
    }
  }

  private func run(
    _ layer: Layer, index: Int, inputs: inout [Tensor], inPlace: Bool, fusing fused: [(index: Int, layer: Layer)],
    _ random: inout ParameterSource
  ) throws(EngineError) -> Tensor {
    if inPlace {
      var output = inputs.removeFirst()
      if case .activation(let activation) = layer.op {
        PointwiseKernel.activation(
          activation, &output, slopes: try slopes(activation, channels: output.channels, &random), threads: threads,
          kernels: kernels)
      }
      return output
    }
    let input = inputs[0]
    switch layer.op {
    case .convolution(let conv):
      guard !input.spatial.isEmpty else { throw EngineError.unsupported("convolution of a flat tensor") }
      let groups = conv.groups ?? input.channels
      let outputs = conv.outputs ?? input.channels * conv.depthMultiplier
      guard input.channels % groups == 0, outputs % groups == 0 else {
        throw EngineError.unsupported("groups do not divide channels")
      }
      let plan = try WindowPlan.make(conv.window, spatial: input.spatial, ceil: false)
      let fanIn = input.channels / groups * plan.kernelVolume
      let weights = random.uniform(outputs * fanIn, scale: heScale(fanIn: fanIn))
      let bias = conv.bias ? random.uniform(outputs, scale: 0.1) : nil
      if runsWinograd(conv, input: input, plan: plan) {
        let transformed = Winograd.TransformedWeights.reusing(
          store.winograd[index], weights, outputs: outputs, inputs: input.channels, kernels: kernels)
        store.winograd[index] = transformed
        // Every output element is written once by the output transform.
        var output = Tensor(
          uninitialized: [input.batch, outputs] + Array(plan.outputs.array.suffix(input.spatial.count)))
        let workspace = store.workspace(Winograd.workspace(plan: plan, inputs: input.channels, outputs: outputs))
        Winograd.forward(
          input, plan: plan, weights: transformed, epilogue: try epilogue(bias: bias, channels: outputs, fused: fused),
          workspace: workspace, threads: threads, into: &output)
        return output
      }
      let direct = ConvolutionKernel.runsDirect(inGroup: input.channels / groups, groups: groups)
      let packed =
        direct
        ? nil
        : ConvolutionKernel.PackedWeights.reusing(
          store.packed[index], weights, input: input, plan: plan, outputs: outputs, groups: groups, threads: threads,
          kernels: kernels)
      if !direct { store.packed[index] = packed }
      return ConvolutionKernel.forward(
        input, plan: plan, outputs: outputs, groups: groups, weights: weights,
        epilogue: try epilogue(bias: bias, channels: outputs, fused: fused), threads: threads, kernels: kernels,
        packed: packed)
    case .transposedConvolution(let conv):
      let rank = input.spatial.count
      guard rank > 0 else { throw EngineError.unsupported("transposed convolution of a flat tensor") }
      let groups = conv.groups ?? input.channels
      let outputs = conv.outputs ?? input.channels * conv.depthMultiplier
      guard case .explicit(let b, let e) = conv.window.padding else {
        throw EngineError.unsupported("same padding on deconv")
      }
      let kernel = try WindowPlan.values(conv.window.kernel, rank, "kernel")
      let weights = random.uniform(
        input.channels * outputs / groups * kernel.reduce(1, *),
        scale: heScale(fanIn: input.channels / groups * kernel.reduce(1, *)))
      let bias = conv.bias ? random.uniform(outputs, scale: 0.1) : nil
      return try ConvolutionKernel.transposed(
        input, outputs: outputs, groups: groups, kernel: kernel,
        stride: try WindowPlan.values(conv.window.stride, rank, "stride"),
        dilation: try WindowPlan.values(conv.window.dilation, rank, "dilation"),
        before: try WindowPlan.values(b, rank, "padding"),
        after: try WindowPlan.values(e, rank, "padding"),
        outputPadding: try WindowPlan.values(conv.outputPadding, rank, "output padding"),
        weights: weights, epilogue: try epilogue(bias: bias, channels: outputs, fused: fused), threads: threads,
        kernels: kernels)
    case .pooling(let pool):
      guard !input.spatial.isEmpty else { throw EngineError.unsupported("pooling of a flat tensor") }
      let plan = try WindowPlan.make(pool.window, spatial: input.spatial, ceil: pool.ceilMode)
      return PoolingKernel.sliding(
        input, plan: plan, kind: pool.kind, countsPadding: pool.countsPadding, threads: threads)
    case .globalPooling(let kind):
      guard !input.spatial.isEmpty else { throw EngineError.unsupported("global pooling of a flat tensor") }
      return PoolingKernel.adaptive(input, size: input.spatial.map { _ in 1 }, kind: kind, threads: threads)
    case .adaptivePooling(let kind, let size):
      return PoolingKernel.adaptive(
        input, size: try WindowPlan.values(size, input.spatial.count, "size"), kind: kind, threads: threads)
    case .fullyConnected(let outputs, let bias):
      let features = input.data.count / input.batch
      let weights = random.uniform(features * outputs, scale: heScale(fanIn: features))
      var output = Tensor(zeros: [input.batch, outputs])
      input.data.withUnsafeBufferPointer { a in
        weights.withUnsafeBufferPointer { b in
          output.data.withUnsafeMutableBufferPointer { c in
            GEMM.multiply(
              m: input.batch, n: outputs, k: features, a: a.baseAddress!, lda: features, b: b.baseAddress!,
              ldb: outputs, c: c.baseAddress!, ldc: outputs, threads: threads, kernels: kernels)
          }
        }
      }
      if bias { ConvolutionEpilogue(bias: random.uniform(outputs, scale: 0.1)).apply(to: &output, threads: threads) }
      return output
    case .flatten:
      return Tensor(shape: [input.batch, input.data.count / input.batch], data: input.data)
    case .reshape(let shape):
      guard shape.reduce(1, *) * input.batch == input.data.count else {
        throw EngineError.unsupported("reshape changes the element count")
      }
      return Tensor(shape: [input.batch] + shape, data: input.data)
    case .batchNorm(let norm):
      let (scale, shift) = batchNorm(norm, channels: input.channels, &random)
      return PointwiseKernel.batchNorm(input, scale: scale, shift: shift, threads: threads)
    case .localResponseNorm(let lrn):
      return PointwiseKernel.localResponseNorm(input, lrn)
    case .layerNorm(let norm, _), .groupNorm(_, let norm), .instanceNorm(let norm):
      return try sampleNorm(layer.op, norm, input, &random)
    case .dropout, .stochasticDepth, .identity:
      return input
    case .layerScale:
      let gamma = random.uniform(input.channels, scale: 0.5)
      return PointwiseKernel.batchNorm(
        input, scale: gamma, shift: Array(repeating: 0, count: input.channels), threads: threads)
    case .slice(let start, let end):
      guard end <= input.channels else { throw EngineError.unsupported("slice past the channels") }
      return StructuralKernel.slice(input, channels: start..<end)
    case .pixelShuffle(let factor):
      guard input.spatial.count == 2, input.channels % (factor * factor) == 0 else {
        throw EngineError.unsupported("pixel shuffle needs C×H×W with C divisible by r²")
      }
      return StructuralKernel.pixelShuffle(input, factor: factor)
    case .pixelUnshuffle(let factor):
      guard input.spatial.count == 2, input.spatial.allSatisfy({ $0 % factor == 0 }) else {
        throw EngineError.unsupported("pixel unshuffle needs C×H×W with H and W divisible by r")
      }
      return StructuralKernel.pixelUnshuffle(input, factor: factor)
    case .opaque(let opaque):
      // No formulas: a seeded tensor of the declared shape, so later layers can run.
      let values = random.uniform(opaque.shape.reduce(input.batch, *), scale: 1)
      return Tensor(shape: [input.batch] + opaque.shape, data: values)
    case .activation(let activation):
      var output = input
      PointwiseKernel.activation(
        activation, &output, slopes: try slopes(activation, channels: input.channels, &random), threads: threads,
        kernels: kernels)
      return output
    case .concat: return try StructuralKernel.concat(inputs)
    case .add:
      return try StructuralKernel.elementwise(
        inputs, multiply: false, clamp: try epilogue(bias: nil, channels: input.channels, fused: fused).clamp,
        threads: threads)
    case .mul: return try StructuralKernel.elementwise(inputs, multiply: true, threads: threads)
    case .channelShuffle(let groups):
      guard input.channels % groups == 0 else { throw EngineError.unsupported("shuffle groups do not divide channels") }
      return StructuralKernel.shuffle(input, groups: groups)
    case .upsample(let upsample):
      let rank = input.spatial.count
      guard rank > 0 else { throw EngineError.unsupported("upsampling a flat tensor") }
      let extents: [Int]
      switch upsample.target {
      case .scale(let factors):
        extents = zip(input.spatial, try WindowPlan.values(factors, rank, "scale")).map { $0 * $1 }
      case .size(let sizes): extents = try WindowPlan.values(sizes, rank, "size")
      }
      return StructuralKernel.upsample(input, to: extents, bilinear: upsample.mode == .bilinear)
    case .pad(let padding), .crop(let padding):
      guard case .explicit(let b, let e) = padding else { throw EngineError.unsupported("pad with same/valid") }
      let sign = layer.op == .pad(padding) ? 1 : -1
      let rank = input.spatial.count
      return try StructuralKernel.pad(
        input, before: try WindowPlan.values(b, rank, "padding").map { $0 * sign },
        after: try WindowPlan.values(e, rank, "padding").map { $0 * sign })
    }
  }
}
