import CNNKernelSet

/// What a convolution does to its sums before they are stored: its own bias, then the layers the
/// engine runs inside it (`EpilogueFusion`): an inference batch norm as one scale and shift per
/// output channel, then a ReLU or ReLU6. Applied inside the product's micro-kernel where the
/// convolution is a GEMM (`TileEpilogue`), as one pass over the output otherwise; either way with
/// the roundings of the separate passes, so a convolution with an epilogue is bit-identical to the
/// convolution followed by those layers.
struct ConvolutionEpilogue {
  /// Per output channel, added first.
  var bias: [Float]?
  /// Per output channel: y = x · scale + shift.
  var batchNorm: (scale: [Float], shift: [Float])?
  var clamp: TileEpilogue.Clamp = .none

  /// An epilogue of the steps given; none by default (a convolution without bias or fused layers).
  init(bias: [Float]? = nil, batchNorm: (scale: [Float], shift: [Float])? = nil, clamp: TileEpilogue.Clamp = .none) {
    self.bias = bias
    self.batchNorm = batchNorm
    self.clamp = clamp
  }

  var isEmpty: Bool { bias == nil && batchNorm == nil && clamp == .none }

  /// Values the kernels may read past the last output channel: a ragged last tile's rows (the
  /// tallest tile of any kernel set has 8), or the 8 lanes the column kernel loads from a 6-row
  /// tile's first row.
  static let tilePadding = 8

  /// Runs `body` with a `TileEpilogue` whose arrays cover `channels` output channels plus
  /// `tilePadding` (zeros, for the ragged tile's rows, which are never stored).
  func withTileEpilogue<T>(channels: Int, _ body: (TileEpilogue) -> T) -> T {
    func padded(_ values: [Float]?) -> [Float] {
      guard let values else { return [] }
      return values + [Float](repeating: 0, count: Self.tilePadding)
    }
    let (bias, scale, shift) = (padded(self.bias), padded(batchNorm?.scale), padded(batchNorm?.shift))
    return bias.withUnsafeBufferPointer { b in
      scale.withUnsafeBufferPointer { a in
        shift.withUnsafeBufferPointer { s in
          body(
            TileEpilogue(
              bias: self.bias == nil ? nil : b.baseAddress, scale: batchNorm == nil ? nil : a.baseAddress,
              shift: batchNorm == nil ? nil : s.baseAddress, clamp: clamp))
        }
      }
    }
  }

  /// The epilogue as a pass over a finished output (N, C, spatial…), plane by plane.
  func apply(to output: inout Tensor, threads: Int) {
    guard !isEmpty else { return }
    let (plane, channels) = (output.plane, output.channels)
    let planes = output.batch * channels
    let chunks = Parallel.chunkCount(elements: output.data.count, threads: threads)
    output.data.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let base = buffer.baseAddress!
      Parallel.run(chunks: chunks) { chunk in
        for index in Parallel.chunk(chunk, of: chunks, total: planes) {
          apply(to: base + index * plane, count: plane, channel: index % channels)
        }
      }
    }
  }

  /// The epilogue on `count` outputs of output channel `channel`.
  func apply(to values: UnsafeMutablePointer<Float>, count: Int, channel: Int) {
    if let bias { for i in 0..<count { values[i] = values[i] + bias[channel] } }
    if let (scale, shift) = batchNorm {
      let (a, b) = (scale[channel], shift[channel])
      for i in 0..<count { values[i] = values[i] * a + b }
    }
    clamp.apply(values, count: count)
  }
}
