import CNNGraph

/// Activation memory when the graph runs in execution order.
///
/// Each tensor lives in a buffer. A layer that allocates gets a new buffer; an in-place layer or a
/// view shares its input's buffer. A buffer lives from the step that creates it (network inputs:
/// from the start) through the last step that reads it or any tensor sharing it; the network's
/// outputs live to the end. The peak is the largest sum of live buffers at any step, the producing
/// layer's inputs and output both counted.
enum MemoryPlanner {
  /// Where each layer's output lives: a view, in place over its only-read input, or a new buffer.
  static func storage(for network: Network) -> [Storage] {
    var readers = [TensorID: Int]()
    for layer in network.layers {
      for input in layer.inputs { readers[input, default: 0] += 1 }
    }
    let outputs = Set(network.outputs)
    return network.layers.map { layer in
      let storage = layer.op.kind.declaration.storage
      if storage == .view { return .view }
      guard storage == .inPlace, let input = layer.inputs.first, case .layer = input,
        readers[input] == 1, !outputs.contains(input)
      else { return .allocated }
      return .inPlace
    }
  }

  /// The live activation bytes while each layer runs (its inputs and its output are live), in
  /// execution order: the curve whose maximum is the peak; and every buffer with its lifetime.
  static func liveBytes(network: Network, storage: [Storage], inputBytes: [Int], layerBytes: [Int])
    throws(ArithmeticOverflow) -> (curve: [Int], buffers: [ActivationBuffer])
  {
    let steps = network.layers.count
    guard steps > 0 else { return ([], []) }
    // Buffer of each tensor: inputs own buffers 0..<I; an allocating layer gets the next id.
    let bufferOfInput = Array(inputBytes.indices)
    var bufferOfLayer = [Int](repeating: 0, count: steps)
    var bytes = inputBytes
    var first = Array(repeating: 0, count: inputBytes.count)
    var owner: [TensorID] = inputBytes.indices.map { .input($0) }
    func buffer(of tensor: TensorID) -> Int {
      switch tensor {
      case .input(let index): bufferOfInput[index]
      case .layer(let index): bufferOfLayer[index]
      }
    }
    for (step, layer) in network.layers.enumerated() {
      if storage[step] == .allocated || layer.inputs.isEmpty {
        bufferOfLayer[step] = bytes.count
        bytes.append(layerBytes[step])
        first.append(step)
        owner.append(.layer(step))
      } else {
        bufferOfLayer[step] = buffer(of: layer.inputs[0])
      }
    }
    // An input that no layer reads is released before the first layer runs (last = -1): it
    // counts only in the moment before, when every input is live.
    var last = first
    for index in inputBytes.indices { last[index] = -1 }
    for (step, layer) in network.layers.enumerated() {
      for input in layer.inputs { last[buffer(of: input)] = max(last[buffer(of: input)], step) }
    }
    for output in network.outputs { last[buffer(of: output)] = max(steps - 1, 0) }
    var change = [Int](repeating: 0, count: steps + 1)
    for id in bytes.indices {
      change[first[id]] = try Checked.add(change[first[id]], bytes[id])
      change[last[id] + 1] = try Checked.subtract(change[last[id] + 1], bytes[id])
    }
    var live = 0
    var curve: [Int] = []
    curve.reserveCapacity(steps)
    for step in 0..<steps {
      live = try Checked.add(live, change[step])
      curve.append(live)
    }
    let buffers = bytes.indices.map {
      ActivationBuffer(tensor: owner[$0], bytes: bytes[$0], steps: first[$0]..<(last[$0] + 1))
    }
    return (curve, buffers)
  }
}

/// One activation buffer of the memory plan: the tensor that created it (a network input or an
/// allocating layer; in-place layers and views after it share it) and the steps it is live.
public struct ActivationBuffer: Sendable, Equatable {
  /// The input or layer whose output first occupies the buffer.
  public var tensor: TensorID
  /// Its size in bytes.
  public var bytes: Int
  /// The execution steps (layer indices) during which it is live; empty for an input no layer
  /// reads (live only before the first layer).
  public var steps: Range<Int>
}
