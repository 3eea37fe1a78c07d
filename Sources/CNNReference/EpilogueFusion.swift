import CNNGraph

/// Which layers the engine runs inside the layer before them, when `EngineOptions.fusesEpilogues`
/// is set: after a convolution, as its epilogue (`ConvolutionEpilogue`), a batch norm, then a ReLU
/// or ReLU6, or the activation alone; after an `add`, a ReLU or ReLU6 applied as each sum is
/// written. Each must come right after the layer it reads in spec order, read nothing else, and
/// read a tensor that nothing else reads and that is not a network output. Their results are bit-identical to running them alone; what changes is memory: the
/// fused layers write no tensors of their own (the batch norm's output buffer is never allocated),
/// so a fused pass's live bytes are not the memory plan's, and `verify` runs unfused.
struct EpilogueFusion {
  /// For each layer that absorbs others (a convolution or a sum): their indices, in order.
  let followers: [Int: [Int]]
  /// Every absorbed layer, with the layer it runs in.
  let host: [Int: Int]

  init(_ network: Network) {
    var readers = [TensorID: Int]()
    for layer in network.layers { for input in layer.inputs { readers[input, default: 0] += 1 } }
    let outputs = Set(network.outputs)
    var followers = [Int: [Int]]()
    var host = [Int: Int]()
    for (index, layer) in network.layers.enumerated() where host[index] == nil {
      let first = Self.firstStage(layer.op)
      guard first > 0 else { continue }
      var absorbed: [Int] = []
      var tail = index
      while tail + 1 < network.layers.count {
        let next = network.layers[tail + 1]
        let stage = Self.stage(next.op)
        guard let stage, stage >= first, stage > (absorbed.last.map { Self.stage(network.layers[$0].op)! } ?? 0),
          next.inputs == [.layer(tail)], readers[.layer(tail)] == 1, !outputs.contains(.layer(tail))
        else { break }
        absorbed.append(tail + 1)
        tail += 1
      }
      guard !absorbed.isEmpty else { continue }
      followers[index] = absorbed
      for follower in absorbed { host[follower] = index }
    }
    self.followers = followers
    self.host = host
  }

  /// The first stage `op` can run inside it: 1 for convolutions (a batch norm, then a clamp), 2 for
  /// an `add` (a clamp only: ResNet's ReLU after the residual sum), 0 for other layers.
  static func firstStage(_ op: Operator) -> Int {
    switch op {
    case .convolution, .transposedConvolution: 1
    case .add: 2
    default: 0
    }
  }

  /// Where `op` may sit in an epilogue (1: batch norm, 2: the clamp), nil if it may not.
  static func stage(_ op: Operator) -> Int? {
    switch op {
    case .batchNorm: 1
    case .activation(.relu), .activation(.relu6): 2
    default: nil
    }
  }
}
