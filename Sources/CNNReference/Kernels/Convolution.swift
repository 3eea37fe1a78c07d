import CNNSpec

/// Convolution kernels: grouped convolution as im2col + GEMM, depthwise convolution as a direct
/// loop, transposed convolution as GEMM + col2im scatter. Weights are PyTorch's layouts:
/// [out, in/groups, kd, kh, kw] and, transposed, [in, out/groups, kd, kh, kw].
enum ConvolutionKernel {
  /// Output positions per im2col block (the workspace is K × about 2048 floats).
  static let columnBlock = 2048

  static func forward(
    _ input: Tensor, plan: WindowPlan, outputs: Int, groups: Int, weights: [Float], bias: [Float]?, threads: Int
  ) -> Tensor {
    let (batch, channels) = (input.batch, input.channels)
    let inExtent = Extent3(input.spatial)
    let outExtent = plan.outputs
    var output = Tensor(zeros: [batch, outputs] + Array(outExtent.array.suffix(input.spatial.count)))
    let inGroup = channels / groups
    let outGroup = outputs / groups
    let k = inGroup * plan.kernelVolume
    let n = outExtent.volume
    if inGroup == 1 && outGroup >= 1 && groups == channels {
      depthwise(input, plan: plan, multiplier: outGroup, weights: weights, into: &output)
    } else if plan.isPointwiseIdentity {
      // A 1x1 stride-1 unpadded convolution reads its input as the GEMM's B matrix directly.
      input.data.withUnsafeBufferPointer { source in
        weights.withUnsafeBufferPointer { w in
          output.data.withUnsafeMutableBufferPointer { out in
            for sample in 0..<batch {
              for group in 0..<groups {
                GEMM.multiply(m: outGroup, n: n, k: k, a: w.baseAddress! + group * outGroup * k, lda: k,
                              b: source.baseAddress! + (sample * channels + group * inGroup) * n, ldb: n,
                              c: out.baseAddress! + (sample * outputs + group * outGroup) * n, ldc: n, threads: threads)
              }
            }
          }
        }
      }
    } else {
      // Whole output rows per block, about `columnBlock` columns each, so that a block's im2col
      // workspace stays in L2 while the GEMM packs it. With enough blocks, threads take contiguous
      // runs of blocks (each doing its own im2col); otherwise the GEMM splits its rows.
      let rowWidth = outExtent.w
      let rowsPerBlock = max(1, columnBlock / rowWidth)
      let totalRows = outExtent.d * outExtent.h
      let blocks = (totalRows + rowsPerBlock - 1) / rowsPerBlock
      let blockThreads = blocks >= 2 * threads ? threads : 1
      input.data.withUnsafeBufferPointer { source in
        weights.withUnsafeBufferPointer { w in
          output.data.withUnsafeMutableBufferPointer { out in
            let (source, w, out) = (source.baseAddress!, w.baseAddress!, out.baseAddress!)
            let packed = blockThreads > 1 ? (0..<groups).map { GEMM.PackedA(w + $0 * outGroup * k, lda: k, m: outGroup, k: k) } : []
            defer { packed.forEach { $0.deallocate() } }
            Parallel.run(chunks: blockThreads) { chunk in
              let workspace = UnsafeMutablePointer<Float>.allocate(capacity: k * min(totalRows, rowsPerBlock) * rowWidth)
              defer { workspace.deallocate() }
              for block in Parallel.chunk(chunk, of: blockThreads, total: blocks) {
                let rows = (block * rowsPerBlock)..<min(totalRows, (block + 1) * rowsPerBlock)
                let width = rows.count * rowWidth
                for sample in 0..<batch {
                  for group in 0..<groups {
                    let inBase = source + (sample * channels + group * inGroup) * inExtent.volume
                    let outBase = out + (sample * outputs + group * outGroup) * n
                    im2col(inBase, extent: inExtent, channels: inGroup, plan: plan, rows: rows, into: workspace)
                    if packed.isEmpty {
                      GEMM.multiply(m: outGroup, n: width, k: k, a: w + group * outGroup * k, lda: k, b: workspace, ldb: width,
                                    c: outBase + rows.lowerBound * rowWidth, ldc: n, threads: threads)
                    } else {
                      GEMM.multiply(packed: packed[group], n: width, b: workspace, ldb: width, c: outBase + rows.lowerBound * rowWidth,
                                    ldc: n)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    if let bias { addBias(bias, to: &output) }
    return output
  }

  /// Lays out, for the output rows `rows` (flattened depth × height), every kernel tap of every
  /// channel as a row of the workspace: row (c, z, y, x), column p holds the input element that
  /// tap (z, y, x) of window p sees, or 0 in padding.
  static func im2col(
    _ input: UnsafePointer<Float>, extent: Extent3, channels: Int, plan: WindowPlan, rows: Range<Int>,
    into workspace: UnsafeMutablePointer<Float>
  ) {
    let (pd, ph, pw) = (plan.axes[0], plan.axes[1], plan.axes[2])
    let (oh, ow) = (ph.count, pw.count)
    let width = rows.count * ow
    // For each width tap: the output columns whose input column is inside the row, and the first one's source.
    let spans: [(first: Int, end: Int, source: Int)] = (0..<pw.kernel).map { x in
      var first = 0
      while first < ow, pw.starts[first] + x * pw.dilation < 0 { first += 1 }
      var end = ow
      while end > first, pw.starts[end - 1] + x * pw.dilation >= extent.w { end -= 1 }
      return (first, end, first < end ? pw.starts[first] + x * pw.dilation : 0)
    }
    let step = pw.stride
    var row = 0
    for c in 0..<channels {
      let channel = input + c * extent.volume
      for z in 0..<pd.kernel {
        for y in 0..<ph.kernel {
          for x in 0..<pw.kernel {
            let (first, end, source) = spans[x]
            let target = workspace + row * width
            for (index, outputRow) in rows.enumerated() {
              let iz = pd.starts[outputRow / oh] + z * pd.dilation
              let iy = ph.starts[outputRow % oh] + y * ph.dilation
              let destination = target + index * ow
              guard iz >= 0, iz < extent.d, iy >= 0, iy < extent.h, first < end else {
                destination.update(repeating: 0, count: ow)
                continue
              }
              let line = channel + (iz * extent.h + iy) * extent.w + source
              if first > 0 { destination.update(repeating: 0, count: first) }
              if step == 1 {
                (destination + first).update(from: line, count: end - first)
              } else {
                for column in 0..<(end - first) { destination[first + column] = line[column * step] }
              }
              if end < ow { (destination + end).update(repeating: 0, count: ow - end) }
            }
            row += 1
          }
        }
      }
    }
  }

  /// One filter per output channel, reading input channel ⌊o / multiplier⌋ only.
  static func depthwise(_ input: Tensor, plan: WindowPlan, multiplier: Int, weights: [Float], into output: inout Tensor) {
    let extent = Extent3(input.spatial)
    let (pd, ph, pw) = (plan.axes[0], plan.axes[1], plan.axes[2])
    let taps = plan.kernelVolume
    let outputs = output.channels
    let n = plan.outputs.volume
    for sample in 0..<input.batch {
      for o in 0..<outputs {
        let c = o / multiplier
        let channel = (sample * input.channels + c) * extent.volume
        let target = (sample * outputs + o) * n
        var position = 0
        for od in 0..<pd.count {
          for oy in 0..<ph.count {
            for ox in 0..<pw.count {
              var sum: Float = 0
              var tap = 0
              for z in 0..<pd.kernel {
                let iz = pd.starts[od] + z * pd.dilation
                for y in 0..<ph.kernel {
                  let iy = ph.starts[oy] + y * ph.dilation
                  for x in 0..<pw.kernel {
                    let ix = pw.starts[ox] + x * pw.dilation
                    if iz >= 0, iz < extent.d, iy >= 0, iy < extent.h, ix >= 0, ix < extent.w {
                      sum += weights[o * taps + tap] * input.data[channel + (iz * extent.h + iy) * extent.w + ix]
                    }
                    tap += 1
                  }
                }
              }
              output.data[target + position] = sum
              position += 1
            }
          }
        }
      }
    }
  }

  /// Transposed convolution: each input element scatters `weights` into the output. Output
  /// positions are those the scatter reaches, minus `before` and `after` cropped, plus
  /// `outputPadding` zeros at the end.
  static func transposed(
    _ input: Tensor, outputs: Int, groups: Int, kernel: [Int], stride: [Int], dilation: [Int], before: [Int], after: [Int],
    outputPadding: [Int], weights: [Float], bias: [Float]?, threads: Int
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
            transposedWeights[(group * rows + m * taps + t) * inGroup + c] = weights[((group * inGroup + c) * outGroup + m) * taps + t]
          }
        }
      }
    }
    var columns = [Float](repeating: 0, count: rows * n)
    for sample in 0..<input.batch {
      for group in 0..<groups {
        for index in columns.indices { columns[index] = 0 }
        transposedWeights.withUnsafeBufferPointer { a in
          input.data.withUnsafeBufferPointer { b in
            columns.withUnsafeMutableBufferPointer { c in
              GEMM.multiply(m: rows, n: n, k: inGroup, a: a.baseAddress! + group * rows * inGroup, lda: inGroup,
                            b: b.baseAddress! + (sample * input.channels + group * inGroup) * n, ldb: n,
                            c: c.baseAddress!, ldc: n, threads: threads)
            }
          }
        }
        for m in 0..<outGroup {
          let target = (sample * outputs + group * outGroup + m) * outExtent.volume
          for t in 0..<taps {
            let (tz, ty, tx) = (t / (k3.h * k3.w), (t / k3.w) % k3.h, t % k3.w)
            let row = (m * taps + t) * n
            for i in 0..<n {
              let (iz, iy, ix) = (i / (inExtent.h * inExtent.w), (i / inExtent.w) % inExtent.h, i % inExtent.w)
              let oz = iz * s3.d + tz * d3.d - b3.d
              let oy = iy * s3.h + ty * d3.h - b3.h
              let ox = ix * s3.w + tx * d3.w - b3.w
              guard oz >= 0, oz < outExtent.d, oy >= 0, oy < outExtent.h, ox >= 0, ox < outExtent.w else { continue }
              output.data[target + (oz * outExtent.h + oy) * outExtent.w + ox] += columns[row + i]
            }
          }
        }
      }
    }
    if let bias { addBias(bias, to: &output) }
    return output
  }

  static func addBias(_ bias: [Float], to output: inout Tensor) {
    let plane = output.plane
    for sample in 0..<output.batch {
      for c in 0..<output.channels {
        let base = (sample * output.channels + c) * plane
        for i in 0..<plane { output.data[base + i] += bias[c] }
      }
    }
  }
}
