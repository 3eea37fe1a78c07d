import CNNKernelSet

/// Winograd's minimal filtering F(2 × 2, 3 × 3) for 3 × 3, stride-1, undilated, ungrouped 2-D
/// convolutions (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016,
/// section 4.1): each 2 × 2 output tile is Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, d the 4 × 4 input patch
/// under the tile, g one 3 × 3 filter, so that 16 multiplications per (output channel, input
/// channel, tile) replace 36. Summed over input channels, the element-wise products become 16
/// GEMMs M_ξ [K × T] = U_ξ [K × C] · V_ξ [C × T], ξ one of the 4 × 4 transform positions, T tiles:
///
///     Bᵀ = | 1  0 −1  0 |     G = |  1    0    0  |     Aᵀ = | 1  1  1  0 |
///          | 0  1  1  0 |         | 1/2  1/2  1/2 |          | 0  1 −1 −1 |
///          | 0 −1  1  0 |         | 1/2 −1/2  1/2 |
///          | 0  1  0 −1 |         |  0    0    1  |
///
/// The result equals the convolution's in exact arithmetic but not in floating point: the
/// transforms add inputs and partial products that later cancel, so the rounding differs from the
/// direct sum's. Only `bench` takes this path (`EngineOptions.usesWinograd`); `verify`, the
/// reference whose values are the convolution's direct sums and whose memory is the plan's (this
/// path adds a workspace), never does.
enum Winograd {
  /// Whether F(2 × 2, 3 × 3) applies and pays: a 2-D 3 × 3 window of stride 1 and dilation 1,
  /// one group, and at least 128 input and output channels. With fewer, the 16 products are too
  /// shallow for the tile and the transforms' memory traffic costs more than the saved
  /// multiply-adds (VGG16's conv1_2, 64 channels: 20 → 28 ms; conv2_2, 128: 18.3 → 16.8;
  /// conv4_2, 512: 17.5 → 9.9; docs/performance.md).
  static func applies(plan: WindowPlan, inputs: Int, outputs: Int, groups: Int) -> Bool {
    groups == 1 && inputs >= 128 && outputs >= 128 && plan.axes[0].kernel == 1 && plan.axes[0].count == 1
      && plan.axes[1...].allSatisfy { $0.kernel == 3 && $0.stride == 1 && $0.dilation == 1 }
  }

  /// The most floats the transformed inputs and products of one block of tile rows take (8 Mi
  /// floats, 32 MiB): larger layers run a block of tile rows at a time.
  static let blockBudget = 1 << 23

  /// The 16 transformed weight matrices U_ξ = (G g Gᵀ)_ξ, each K × C, packed for the GEMM.
  final class TransformedWeights: @unchecked Sendable {
    // Unchecked Sendable: written once in `init`, read-only afterwards.
    let matrices: [GEMM.PackedA]
    let kernels: KernelSet

    /// Transforms `weights` ([K, C, 3, 3], PyTorch's layout).
    init(_ weights: [Float], outputs: Int, inputs: Int, kernels: KernelSet) {
      self.kernels = kernels
      var u = [Float](repeating: 0, count: 16 * outputs * inputs)
      weights.withUnsafeBufferPointer { w in
        for k in 0..<outputs {
          for c in 0..<inputs {
            let g = w.baseAddress! + (k * inputs + c) * 9
            for i in 0..<4 {
              // Row i of G g, then that row times Gᵀ.
              let (h0, h1, h2) = (
                Self.gTimes(g, row: i, column: 0), Self.gTimes(g, row: i, column: 1), Self.gTimes(g, row: i, column: 2)
              )
              // U_{4i+j}[k][c], the four matrices K · C floats apart.
              let (first, step) = ((4 * i * outputs + k) * inputs + c, outputs * inputs)
              u[first] = h0
              u[first + step] = (h0 + h1 + h2) * 0.5
              u[first + 2 * step] = (h0 - h1 + h2) * 0.5
              u[first + 3 * step] = h2
            }
          }
        }
      }
      matrices = u.withUnsafeBufferPointer { u in
        (0..<16).map {
          GEMM.PackedA(u.baseAddress! + $0 * outputs * inputs, lda: inputs, m: outputs, k: inputs, kernels: kernels)
        }
      }
    }

    /// `cached` when it is transformed for `kernels`' tile, otherwise `weights` transformed anew.
    static func reusing(
      _ cached: TransformedWeights?, _ weights: [Float], outputs: Int, inputs: Int, kernels: KernelSet
    ) -> TransformedWeights {
      if let cached, cached.kernels.name == kernels.name { return cached }
      return TransformedWeights(weights, outputs: outputs, inputs: inputs, kernels: kernels)
    }

    deinit { matrices.forEach { $0.deallocate() } }

    /// (G g)[row][column] for the 3 × 3 filter `g` (row-major): G's row combining g's rows.
    @inline(__always)
    static func gTimes(_ g: UnsafePointer<Float>, row: Int, column j: Int) -> Float {
      let (g0, g1, g2) = (g[j], g[3 + j], g[6 + j])
      switch row {
      case 0: return g0
      case 1: return (g0 + g1 + g2) * 0.5
      case 2: return (g0 - g1 + g2) * 0.5
      default: return g2
      }
    }
  }

  /// Floats of workspace `forward` needs for these extents: the transformed inputs and the
  /// products of one block of tile rows.
  static func workspace(plan: WindowPlan, inputs: Int, outputs: Int, budget: Int = blockBudget) -> Int {
    let rows = blockRows(plan: plan, inputs: inputs, outputs: outputs, budget: budget)
    return 16 * (inputs + outputs) * rows * tilesWide(plan)
  }

  /// Output tiles along the height and the width (a last tile may be half outside).
  static func tilesHigh(_ plan: WindowPlan) -> Int { (plan.axes[1].count + 1) / 2 }
  static func tilesWide(_ plan: WindowPlan) -> Int { (plan.axes[2].count + 1) / 2 }

  /// Tile rows per block: as many as fit `budget` floats, at least one.
  static func blockRows(plan: WindowPlan, inputs: Int, outputs: Int, budget: Int = blockBudget) -> Int {
    max(1, min(tilesHigh(plan), budget / (16 * (inputs + outputs) * tilesWide(plan))))
  }

  /// The convolution of `input` (N, C, H, W) by the transformed weights into `output` (N, K, H',
  /// W'), each block of output rows finished by `epilogue` (its bias, fused layers) as soon as it is
  /// written, using `workspace` (`workspace(plan:…)` floats for the same `budget`). Every output is
  /// computed by one thread in a fixed order: the result is the same for every thread count.
  static func forward(
    _ input: Tensor, plan: WindowPlan, weights: TransformedWeights,
    epilogue: ConvolutionEpilogue = ConvolutionEpilogue(),
    workspace: UnsafeMutablePointer<Float>, budget: Int = blockBudget, threads: Int, into output: inout Tensor
  ) {
    let (channels, outputs) = (input.channels, output.channels)
    let (tilesHigh, tilesWide) = (tilesHigh(plan), tilesWide(plan))
    let blockRows = blockRows(plan: plan, inputs: channels, outputs: outputs, budget: budget)
    let v = workspace
    let m = workspace + 16 * channels * blockRows * tilesWide
    input.data.withUnsafeBufferPointer { source in
      output.data.withUnsafeMutableBufferPointer { target in
        nonisolated(unsafe) let (source, target) = (source, target)
        for sample in 0..<input.batch {
          for firstRow in stride(from: 0, to: tilesHigh, by: blockRows) {
            let rows = firstRow..<min(tilesHigh, firstRow + blockRows)
            let tiles = rows.count * tilesWide
            let chunks = Parallel.chunkCount(elements: 16 * channels * tiles, threads: threads, units: channels)
            Parallel.run(chunks: chunks) { chunk in
              let channelRange = Parallel.chunk(chunk, of: chunks, total: channels)
              transformInputs(
                source.baseAddress! + sample * channels * plan.axes[1].input * plan.axes[2].input, plan: plan,
                channels: channelRange, of: channels, rows: rows, into: v)
            }
            // The 16 products, shared out between threads whole.
            let products = min(threads, 16)
            Parallel.run(chunks: products) { chunk in
              for xi in Parallel.chunk(chunk, of: products, total: 16) {
                GEMM.multiply(
                  packed: weights.matrices[xi], n: tiles, c: m + xi * outputs * tiles, ldc: tiles, threads: 1,
                  overwrite: true, b: .matrix(v + xi * channels * tiles, ldb: tiles))
              }
            }
            let outChunks = Parallel.chunkCount(elements: 16 * outputs * tiles, threads: threads, units: outputs)
            Parallel.run(chunks: outChunks) { chunk in
              transformOutputs(
                m, plan: plan, channels: Parallel.chunk(chunk, of: outChunks, total: outputs), of: outputs, rows: rows,
                epilogue: epilogue,
                into: target.baseAddress! + sample * outputs * plan.axes[1].count * plan.axes[2].count)
            }
          }
        }
      }
    }
  }

  /// V_ξ[c][t] = (Bᵀ d B)_ξ for the input channels `channels` of `count` and the tiles of the tile
  /// rows `rows` (t counted from the first of them), V_ξ being C × T at `v + ξ · C · T`.
  static func transformInputs(
    _ input: UnsafePointer<Float>, plan: WindowPlan, channels: Range<Int>, of count: Int, rows: Range<Int>,
    into v: UnsafeMutablePointer<Float>
  ) {
    let (height, width) = (plan.axes[1].input, plan.axes[2].input)
    let (top, left) = (plan.axes[1].starts[0], plan.axes[2].starts[0])
    let wide = tilesWide(plan)
    let tiles = rows.count * wide
    // A tile's four input columns, split by parity: even[x] is input column left + 2x and
    // odd[x] column left + 2x + 1, for x up to the last tile plus one.
    let length = wide + 1
    let even = UnsafeMutablePointer<Float>.allocate(capacity: 8 * length)
    defer { even.deallocate() }
    let odd = even + 4 * length
    for c in channels {
      let plane = input + c * height * width
      for ty in rows {
        for r in 0..<4 {
          let y = top + 2 * ty + r
          let (e, o) = (even + r * length, odd + r * length)
          guard y >= 0, y < height else {
            e.update(repeating: 0, count: length)
            o.update(repeating: 0, count: length)
            continue
          }
          let line = plane + y * width
          for x in 0..<length {
            let column = left + 2 * x
            e[x] = column >= 0 && column < width ? line[column] : 0
            o[x] = column + 1 >= 0 && column + 1 < width ? line[column + 1] : 0
          }
        }
        // Bᵀ d along the rows, in place: rows 0..3 become d0 − d2, d1 + d2, d2 − d1, d1 − d3.
        rowTransform(even, length: length)
        rowTransform(odd, length: length)
        // (Bᵀ d) B along the columns: a tile's columns are even[tx], odd[tx], even[tx + 1],
        // odd[tx + 1].
        let first = (ty - rows.lowerBound) * wide
        for i in 0..<4 {
          let (e, o) = (UnsafePointer(even + i * length), UnsafePointer(odd + i * length))
          let (v0, v1, v2, v3) = (
            v + ((i * 4) * count + c) * tiles + first, v + ((i * 4 + 1) * count + c) * tiles + first,
            v + ((i * 4 + 2) * count + c) * tiles + first, v + ((i * 4 + 3) * count + c) * tiles + first
          )
          for tx in 0..<wide {
            v0[tx] = e[tx] - e[tx + 1]
            v1[tx] = o[tx] + e[tx + 1]
            v2[tx] = e[tx + 1] - o[tx]
            v3[tx] = o[tx] - o[tx + 1]
          }
        }
      }
    }
  }

  /// Bᵀ d along four rows of `length` floats, `length` apart, in place: rows d0, d1, d2, d3 become
  /// d0 − d2, d1 + d2, d2 − d1, d1 − d3.
  @inline(__always)
  static func rowTransform(_ d: UnsafeMutablePointer<Float>, length: Int) {
    let (d0, d1, d2, d3) = (d, d + length, d + 2 * length, d + 3 * length)
    for x in 0..<length {
      let (a, b, e, f) = (d0[x], d1[x], d2[x], d3[x])
      d0[x] = a - e
      d1[x] = b + e
      d2[x] = e - b
      d3[x] = b - f
    }
  }

  /// Aᵀ applied to four vectors of `count` floats: first = x0 + x1 + x2, second = x1 − x2 − x3.
  @inline(__always)
  static func aTranspose(
    _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>,
    into first: UnsafeMutablePointer<Float>, _ second: UnsafeMutablePointer<Float>, count: Int
  ) {
    for t in 0..<count {
      first[t] = x0[t] + x1[t] + x2[t]
      second[t] = x1[t] - x2[t] - x3[t]
    }
  }

  /// Y = Aᵀ M A for the output channels `channels` of `count` and the tile rows `rows` (M_ξ being
  /// K × T at `m + ξ · K · T`), written to the output planes at `output`, then `epilogue` on the
  /// rows written.
  static func transformOutputs(
    _ m: UnsafePointer<Float>, plan: WindowPlan, channels: Range<Int>, of count: Int, rows: Range<Int>,
    epilogue: ConvolutionEpilogue, into output: UnsafeMutablePointer<Float>
  ) {
    let (outH, outW) = (plan.axes[1].count, plan.axes[2].count)
    let wide = tilesWide(plan)
    let tiles = rows.count * wide
    // Aᵀ M's two rows for one tile row, four columns each, then Y's four values per tile.
    let sums = UnsafeMutablePointer<Float>.allocate(capacity: 12 * wide)
    defer { sums.deallocate() }
    let values = sums + 8 * wide
    for k in channels {
      let plane = output + k * outH * outW
      for ty in rows {
        let first = (ty - rows.lowerBound) * wide
        // Aᵀ M: column j of M (M_j, M_{4+j}, M_{8+j}, M_{12+j}) into sums rows j and 4 + j.
        for j in 0..<4 {
          aTranspose(
            m + (j * count + k) * tiles + first, m + ((4 + j) * count + k) * tiles + first,
            m + ((8 + j) * count + k) * tiles + first, m + ((12 + j) * count + k) * tiles + first,
            into: sums + j * wide, sums + (4 + j) * wide, count: wide)
        }
        // (Aᵀ M) A: row i of Aᵀ M (sums rows 4i … 4i + 3) into Y's row i, left and right columns.
        for i in 0..<2 {
          aTranspose(
            sums + 4 * i * wide, sums + (4 * i + 1) * wide, sums + (4 * i + 2) * wide, sums + (4 * i + 3) * wide,
            into: values + 2 * i * wide, values + (2 * i + 1) * wide, count: wide)
        }
        for i in 0..<2 where 2 * ty + i < outH {
          let line = plane + (2 * ty + i) * outW
          let (left, right) = (values + 2 * i * wide, values + (2 * i + 1) * wide)
          for tx in 0..<(outW / 2) {
            line[2 * tx] = left[tx]
            line[2 * tx + 1] = right[tx]
          }
          if outW % 2 == 1 { line[outW - 1] = left[wide - 1] }
        }
      }
      if !epilogue.isEmpty {
        let (firstRow, endRow) = (2 * rows.lowerBound, min(outH, 2 * rows.upperBound))
        epilogue.apply(to: plane + firstRow * outW, count: (endRow - firstRow) * outW, channel: k)
      }
    }
  }
}
