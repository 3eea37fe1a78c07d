import CNNGraph

/// Normalisation layers (formulas in docs/conventions.md, "Parameters and buffers" and "MACs").
extension LayerCalculator {
  /// Batch norm folds to a scale and shift per channel at inference: 2 ops per element; its
  /// running mean and variance are 2 buffers per channel.
  static func batchNorm(_ norm: Normalization, _ input: TensorFacts) throws -> LayerResult {
    let channels = input.shape[0]
    return LayerResult(
      shape: input.shape, receptiveField: input.receptiveField,
      params: norm.affine ? try Checked.multiply(2, channels) : 0,
      buffers: try Checked.multiply(2, channels), otherOps: try Checked.multiply(2, try Checked.product(input.shape)))
  }

  /// Layer, group and instance norm compute their statistics per sample at inference: 4 ops per
  /// element (sum, sum of squares, subtract the mean, scale), 2 more with the affine step. They keep
  /// no running statistics. Their scale and shift have one entry per channel, except layer norm
  /// over all elements (one per element, as `nn.LayerNorm([C, H, W])`).
  ///
  /// Statistics over positions make every output depend on every position of its sample: the
  /// field is whole. Layer norm over channels reads one position, and keeps its input's field.
  static func sampleNorm(_ norm: Normalization, _ op: Operator, _ input: TensorFacts) throws -> LayerResult {
    let channels = input.shape[0]
    let elements = try Checked.product(input.shape)
    var affineEntries = channels
    var field = input.spatialRank > 0 ? ReceptiveField.whole : input.receptiveField
    switch op {
    case .groupNorm(let groups, _):
      guard channels % groups == 0 else {
        throw LayerProblem(
          .channelMismatch, "\(groups) groups do not divide \(channels) channels",
          hint: "the group count must divide the channels (\(divisorsText(channels)))")
      }
    case .layerNorm(_, over: .channels): field = input.receptiveField
    case .layerNorm(_, over: .all): affineEntries = elements
    default: break
    }
    return LayerResult(
      shape: input.shape, receptiveField: field,
      params: norm.affine ? try Checked.multiply(2, affineEntries) : 0,
      otherOps: try Checked.multiply(norm.affine ? 6 : 4, elements))
  }

  static func divisorsText(_ n: Int) -> String {
    let small = (1...min(n, 64)).filter { n % $0 == 0 }
    return "divisors " + small.map(String.init).joined(separator: ", ") + (n > 64 ? ", …" : "")
  }
}
