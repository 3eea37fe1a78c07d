import CNNGraph
import CNNKernelSet

/// Convolution kernels: convolution as im2col + GEMM (ConvolutionProduct.swift), depthwise and
/// narrow grouped convolution as direct planes (DirectConvolution.swift), transposed convolution
/// as GEMM + col2im scatter. Weights are PyTorch's layouts: [out, in/groups, kd, kh, kw] and,
/// transposed, [in, out/groups, kd, kh, kw].
enum ConvolutionKernel {
  /// A convolution's weights packed for the GEMM's kernel set, one matrix per group; kept by the
  /// parameter store so that repeated runs do not repack them.
  final class PackedWeights: @unchecked Sendable {
    // Unchecked Sendable: written once in `init`, read-only afterwards.
    let groups: [GEMM.PackedA]
    let kernels: KernelSet

    init(_ weights: [Float], groups count: Int, rows: Int, depth: Int, kernels: KernelSet, panelDepth: Int = GEMM.kc) {
      self.kernels = kernels
      groups = weights.withUnsafeBufferPointer { w in
        (0..<count).map {
          GEMM.PackedA(
            w.baseAddress! + $0 * rows * depth, lda: depth, m: rows, k: depth, kernels: kernels, panelDepth: panelDepth)
        }
      }
    }

    /// The weights of a convolution with `outputs` channels and `groups` groups on `input`
    /// packed as its product's layout wants them (`ProductLayout`): `cached` when it already is,
    /// otherwise packed anew.
    static func reusing(
      _ cached: PackedWeights?, _ weights: [Float], input: Tensor, plan: WindowPlan, outputs: Int, groups: Int,
      threads: Int, kernels: KernelSet
    ) -> PackedWeights {
      let (inGroup, outGroup) = (input.channels / groups, outputs / groups)
      let layout = ProductLayout(
        plan: plan, inputs: inGroup, outputs: outGroup, units: input.batch * groups, threads: threads,
        kernels: kernels)
      if let cached, cached.kernels.name == kernels.name, cached.groups[0].panelDepth == layout.panelDepth {
        return cached
      }
      return PackedWeights(
        weights, groups: groups, rows: outGroup, depth: inGroup * plan.kernelVolume, kernels: kernels,
        panelDepth: layout.panelDepth)
    }

    deinit { groups.forEach { $0.deallocate() } }
  }

  /// The convolution's output with `epilogue` applied: its bias and any layers fused into it.
  static func forward(
    _ input: Tensor, plan: WindowPlan, outputs: Int, groups: Int, weights: [Float],
    epilogue: ConvolutionEpilogue = ConvolutionEpilogue(), threads: Int, kernels: KernelSet,
    packed cached: PackedWeights? = nil
  ) -> Tensor {
    // Every element is written exactly once below (the GEMM overwrites C, the direct planes
    // assign each output first), so the zero fill is skipped.
    var output = Tensor(
      uninitialized: [input.batch, outputs] + Array(plan.outputs.array.suffix(input.spatial.count)))
    let inGroup = input.channels / groups
    let outGroup = outputs / groups
    let k = inGroup * plan.kernelVolume
    if runsDirect(inGroup: inGroup, groups: groups) {
      direct(input, plan: plan, groups: groups, weights: weights, threads: threads, kernels: kernels, into: &output)
      epilogue.apply(to: &output, threads: threads)
    } else {
      let packed = PackedWeights.reusing(
        cached, weights, input: input, plan: plan, outputs: outputs, groups: groups, threads: threads,
        kernels: kernels)
      epilogue.withTileEpilogue(channels: outputs) { tileEpilogue in
        product(
          input, plan: plan, groups: groups, packed: packed, epilogue: tileEpilogue, threads: threads, into: &output)
      }
    }
    return output
  }

  /// The most floats a transposed convolution's column block holds (16 Mi floats, 64 MiB).
  static let columnBudget = 1 << 24

  /// Transposed convolution: each input element scatters `weights` into the output. Output
  /// positions are those the scatter reaches, minus `before` and `after` cropped, plus
  /// `outputPadding` zeros at the end; `epilogue` (its bias, fused layers) is applied last.
  static func transposed(
    _ input: Tensor, outputs: Int, groups: Int, kernel: [Int], stride: [Int], dilation: [Int], before: [Int],
    after: [Int],
    outputPadding: [Int], weights: [Float], epilogue: ConvolutionEpilogue = ConvolutionEpilogue(), threads: Int,
    kernels: KernelSet,
    columnBudget: Int = columnBudget
  ) throws(EngineError) -> Tensor {
    let rank = input.spatial.count
    let k3 = Extent3(kernel)
    let s3 = Extent3(stride)
    let d3 = Extent3(dilation)
    let b3 = Extent3(before, fill: 0)
    let inExtent = Extent3(input.spatial)
    var reach = [Int]()
    for axis in 0..<rank {
      // The farthest position any (input, tap) pair scatters to, plus one.
      var farthest = 0
      for i in 0..<input.spatial[axis] {
        for t in 0..<kernel[axis] { farthest = max(farthest, i * stride[axis] + t * dilation[axis]) }
      }
      let extent = farthest + 1 - before[axis] - after[axis] + outputPadding[axis]
      guard extent >= 1 else { throw EngineError.emptyOutput("transposed convolution crops everything") }
      reach.append(extent)
    }
    let outExtent = Extent3(reach)
    var output = Tensor(zeros: [input.batch, outputs] + reach)
    let inGroup = input.channels / groups
    let outGroup = outputs / groups
    let taps = k3.volume
    let rows = outGroup * taps
    let n = inExtent.volume
    // A = Wᵀ for the group: row (m, t), column c holds W[c, m, t].
    var transposedWeights = [Float](repeating: 0, count: groups * rows * inGroup)
    for group in 0..<groups {
      for c in 0..<inGroup {
        for m in 0..<outGroup {
          for t in 0..<taps {
            transposedWeights[(group * rows + m * taps + t) * inGroup + c] =
              weights[((group * inGroup + c) * outGroup + m) * taps + t]
          }
        }
      }
    }
    // The columns (output channel, tap) × input position are made a block at a time, at most
    // `columnBudget` floats, so that a large 3-D transposed convolution never needs gigabytes.
    let channelsPerBlock = max(1, min(outGroup, columnBudget / max(1, taps * n)))
    let positionsPerBlock = max(1, min(n, columnBudget / (channelsPerBlock * taps)))
    var columns = [Float](repeating: 0, count: channelsPerBlock * taps * positionsPerBlock)
    for sample in 0..<input.batch {
      for group in 0..<groups {
        for m0 in Swift.stride(from: 0, to: outGroup, by: channelsPerBlock) {
          let mc = min(channelsPerBlock, outGroup - m0)
          for i0 in Swift.stride(from: 0, to: n, by: positionsPerBlock) {
            let nc = min(positionsPerBlock, n - i0)
            for index in 0..<(mc * taps * nc) { columns[index] = 0 }
            transposedWeights.withUnsafeBufferPointer { a in
              input.data.withUnsafeBufferPointer { b in
                columns.withUnsafeMutableBufferPointer { c in
                  GEMM.multiply(
                    m: mc * taps, n: nc, k: inGroup, a: a.baseAddress! + (group * rows + m0 * taps) * inGroup,
                    lda: inGroup, b: b.baseAddress! + (sample * input.channels + group * inGroup) * n + i0, ldb: n,
                    c: c.baseAddress!, ldc: nc, threads: threads, kernels: kernels)
                }
              }
            }
            for m in m0..<(m0 + mc) {
              let target = (sample * outputs + group * outGroup + m) * outExtent.volume
              for t in 0..<taps {
                let (tz, ty, tx) = (t / (k3.h * k3.w), (t / k3.w) % k3.h, t % k3.w)
                let row = ((m - m0) * taps + t) * nc
                for i in i0..<(i0 + nc) {
                  let (iz, iy, ix) = (i / (inExtent.h * inExtent.w), (i / inExtent.w) % inExtent.h, i % inExtent.w)
                  let oz = iz * s3.d + tz * d3.d - b3.d
                  let oy = iy * s3.h + ty * d3.h - b3.h
                  let ox = ix * s3.w + tx * d3.w - b3.w
                  guard oz >= 0, oz < outExtent.d, oy >= 0, oy < outExtent.h, ox >= 0, ox < outExtent.w else {
                    continue
                  }
                  output.data[target + (oz * outExtent.h + oy) * outExtent.w + ox] += columns[row + i - i0]
                }
              }
            }
          }
        }
      }
    }
    epilogue.apply(to: &output, threads: threads)
    return output
  }
}
