import CNNGraph

/// Where `EngineOptions.splitsBatch` cuts a network: the layers before `suffix` (up to the first
/// fully connected layer, or all of them) run a few samples at a time, the rest on the whole batch.
/// Every kernel computes each sample on its own, so the outputs do not depend on the cut; what it
/// changes is how much is live at once: each sample's activations are as small as at batch 1,
/// while the fully connected layers still read their weights once per batch.
struct SampleSplit {
  /// How many bytes of activations a chunk of samples may keep live at once: 20 MiB, two samples
  /// of ResNet-50 or MobileNetV2 (9.2 MiB each at their peak), four of GoogLeNet, one of VGG16.
  /// Measured at batch 32 (per image, ms): ResNet-50 50.6 one sample at a time, 50.8 two, 52.9
  /// eight, 60.4 the whole batch; MobileNetV2 10.1, 9.4, 9.2, 10.3: small chunks keep each
  /// layer's tensors in the caches, larger ones spread each layer's fixed costs over more samples.
  static let liveBytesBudget = 20 << 20

  /// The first layer run on the whole batch (the layer count when none is).
  let suffix: Int
  /// The tensors made before the cut that the rest reads or that are network outputs: kept from
  /// every sample and joined into whole batches.
  let crossing: Set<TensorID>

  /// Nil where the cut does not apply: nothing before it, a network input read after it, or an
  /// `opaque` layer before it (its seeded stand-in values are drawn for the whole batch at once).
  init?(_ network: Network) {
    let layers = network.layers
    let suffix =
      layers.firstIndex {
        if case .fullyConnected = $0.op { true } else { false }
      } ?? layers.count
    guard suffix > 0 else { return nil }
    // What the rest reads, and what the network gives back.
    var crossing = Set<TensorID>()
    for tensor in layers[suffix...].flatMap(\.inputs) + network.outputs {
      switch tensor {
      case .input: return nil
      case .layer(let index) where index < suffix: crossing.insert(tensor)
      case .layer: break
      }
    }
    for layer in layers[..<suffix] {
      if case .opaque = layer.op { return nil }
    }
    self.suffix = suffix
    self.crossing = crossing
  }
}

extension Tensor {
  /// Samples `range` of the batch, as a batch of their own.
  func samples(_ range: Range<Int>) -> Tensor {
    let size = data.count / batch
    return Tensor(
      shape: [range.count] + shape.dropFirst(),
      data: Array(data[(range.lowerBound * size)..<(range.upperBound * size)]))
  }

  /// Batches of the same sample shape, one after the other, as one batch.
  static func joiningSamples(_ parts: [Tensor]) -> Tensor {
    Tensor(
      shape: [parts.map(\.batch).reduce(0, +)] + parts[0].shape.dropFirst(), data: parts.flatMap(\.data))
  }
}
