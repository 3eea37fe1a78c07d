import CNNGraph

/// Pooling kernels: sliding max and average, adaptive and global.
enum PoolingKernel {
  /// Max over the window's taps inside the input; average over the taps inside the padded input
  /// (PyTorch's `count_include_pad=True` and Caffe's divisor; a ceil-mode overhang is excluded),
  /// or, without `countsPadding`, over the taps inside the input (ONNX's default).
  static func sliding(
    _ input: Tensor, plan: WindowPlan, kind: PoolingKind, countsPadding: Bool = true, threads: Int = 1
  ) -> Tensor {
    let extent = Extent3(input.spatial)
    let outExtent = plan.outputs
    var output = Tensor(zeros: [input.batch, input.channels] + Array(outExtent.array.suffix(input.spatial.count)))
    // Per axis and output index: the input positions of the taps inside the input, and how many
    // taps lie inside the padded input (the average's divisor).
    func taps(_ axis: AxisPlan) -> (positions: [[Int]], padded: [Int]) {
      var positions: [[Int]] = []
      var padded: [Int] = []
      for start in axis.starts {
        var inside: [Int] = []
        var count = 0
        for t in 0..<axis.kernel {
          let position = start + t * axis.dilation
          if position >= -axis.before, position < axis.input + axis.after { count += 1 }
          if position >= 0, position < axis.input { inside.append(position) }
        }
        positions.append(inside)
        padded.append(countsPadding ? count : inside.count)
      }
      return (positions, padded)
    }
    let (tz, ty, tx) = (taps(plan.axes[0]), taps(plan.axes[1]), taps(plan.axes[2]))
    let padded = (tz.padded, ty.padded, tx.padded)
    let chunks = Parallel.chunkCount(elements: input.batch * input.channels * outExtent.volume, threads: threads)
    if kind == .max, plan.axes.allSatisfy({ $0.dilation == 1 }), outExtent.d == 1, extent.d == 1 {
      let runs = (ty.positions.map(Self.run), tx.positions.map(Self.run))
      maxRowsThenColumns(input, into: &output, extent: extent, outExtent: outExtent, taps: runs, chunks: chunks)
    } else if plan.axes.allSatisfy({ $0.dilation == 1 }) {
      // Undilated windows: each window's taps inside the input are one contiguous run per axis.
      pool(
        input, into: &output, extent: extent, outExtent: outExtent,
        taps: (tz.positions.map(Self.run), ty.positions.map(Self.run), tx.positions.map(Self.run)),
        padded: padded, kind: kind, chunks: chunks)
    } else {
      pool(
        input, into: &output, extent: extent, outExtent: outExtent, taps: (tz.positions, ty.positions, tx.positions),
        padded: padded, kind: kind, chunks: chunks)
    }
    return output
  }

  /// An undilated window's taps inside the input as one run.
  static func run(_ positions: [Int]) -> Range<Int> { (positions.first ?? 0)..<((positions.last ?? -1) + 1) }

  /// 2-D max pooling in two passes per plane: the maximum of each row's taps for every output
  /// column, then, along whole output rows (a vector loop), the maximum of those over each
  /// window's rows. The maximum of finite values does not depend on the order it is taken in, so
  /// this gives what the tap-by-tap loop gives. A window wholly in the padding gives 0, as there.
  static func maxRowsThenColumns(
    _ input: Tensor, into output: inout Tensor, extent: Extent3, outExtent: Extent3,
    taps: (rows: [Range<Int>], columns: [Range<Int>]), chunks: Int
  ) {
    let planes = input.batch * input.channels
    let (height, width, outWidth) = (extent.h, extent.w, outExtent.w)
    input.data.withUnsafeBufferPointer { source in
      output.data.withUnsafeMutableBufferPointer { target in
        nonisolated(unsafe) let (source, target) = (source.baseAddress!, target.baseAddress!)
        Parallel.run(chunks: chunks) { chunk in
          // The row maxima of one plane: height × output columns.
          let rowMaxima = UnsafeMutablePointer<Float>.allocate(capacity: height * outWidth)
          defer { rowMaxima.deallocate() }
          for plane in Parallel.chunk(chunk, of: chunks, total: planes) {
            let base = source + plane * extent.volume
            for y in 0..<height {
              let (line, maxima) = (base + y * width, rowMaxima + y * outWidth)
              for (ox, columns) in taps.columns.enumerated() {
                var best = -Float.infinity
                for x in columns { best = max(best, line[x]) }
                maxima[ox] = best
              }
            }
            var out = target + plane * outExtent.volume
            for rows in taps.rows {
              for ox in 0..<outWidth { out[ox] = -.infinity }
              for y in rows {
                let maxima = rowMaxima + y * outWidth
                for ox in 0..<outWidth { out[ox] = max(out[ox], maxima[ox]) }
              }
              for ox in 0..<outWidth where out[ox] == -.infinity { out[ox] = 0 }
              out += outWidth
            }
          }
        }
      }
    }
  }

  /// The pooling loops over every output, with each output's taps per axis given as a collection
  /// of input positions (ranges for undilated windows, lists otherwise).
  static func pool<Taps: Collection<Int>>(
    _ input: Tensor, into output: inout Tensor, extent: Extent3, outExtent: Extent3, taps: ([Taps], [Taps], [Taps]),
    padded: ([Int], [Int], [Int]), kind: PoolingKind, chunks: Int
  ) {
    let planes = input.batch * input.channels
    input.data.withUnsafeBufferPointer { source in
      output.data.withUnsafeMutableBufferPointer { target in
        let (source, target) = (source.baseAddress!, target.baseAddress!)
        Parallel.run(chunks: chunks) { chunk in
          for plane in Parallel.chunk(chunk, of: chunks, total: planes) {
            let base = source + plane * extent.volume
            var out = target + plane * outExtent.volume
            for od in 0..<outExtent.d {
              for oy in 0..<outExtent.h {
                let rows = padded.0[od] * padded.1[oy]
                for ox in 0..<outExtent.w {
                  var best = -Float.infinity
                  var sum: Float = 0
                  for iz in taps.0[od] {
                    for iy in taps.1[oy] {
                      let line = base + (iz * extent.h + iy) * extent.w
                      for ix in taps.2[ox] {
                        let value = line[ix]
                        best = max(best, value)
                        sum += value
                      }
                    }
                  }
                  out.pointee =
                    kind == .max ? (best == -.infinity ? 0 : best) : sum / Float(max(rows * padded.2[ox], 1))
                  out += 1
                }
              }
            }
          }
        }
      }
    }
  }

  /// PyTorch's adaptive windows: output j along an axis pools [⌊j·in/out⌋, ⌈(j+1)·in/out⌉).
  static func adaptiveWindow(_ j: Int, input: Int, output: Int) -> Range<Int> {
    (j * input / output)..<(((j + 1) * input + output - 1) / output)
  }

  /// Adaptive pooling (global pooling is the 1 × 1 case): each output pools its window's inputs
  /// in row-major order. Planes are split between threads.
  static func adaptive(_ input: Tensor, size: [Int], kind: PoolingKind, threads: Int = 1) -> Tensor {
    let extent = Extent3(input.spatial)
    let outExtent = Extent3(size)
    var output = Tensor(zeros: [input.batch, input.channels] + size)
    let planes = input.batch * input.channels
    let windows = (
      (0..<outExtent.d).map { adaptiveWindow($0, input: extent.d, output: outExtent.d) },
      (0..<outExtent.h).map { adaptiveWindow($0, input: extent.h, output: outExtent.h) },
      (0..<outExtent.w).map { adaptiveWindow($0, input: extent.w, output: outExtent.w) }
    )
    let chunks = Parallel.chunkCount(elements: input.data.count, threads: threads, units: planes)
    input.data.withUnsafeBufferPointer { source in
      output.data.withUnsafeMutableBufferPointer { target in
        nonisolated(unsafe) let (source, target) = (source.baseAddress!, target.baseAddress!)
        Parallel.run(chunks: chunks) { chunk in
          for plane in Parallel.chunk(chunk, of: chunks, total: planes) {
            let base = source + plane * extent.volume
            var out = target + plane * outExtent.volume
            for zs in windows.0 {
              for ys in windows.1 {
                for xs in windows.2 {
                  var best = -Float.infinity
                  var sum: Float = 0
                  for iz in zs {
                    for iy in ys {
                      let line = base + (iz * extent.h + iy) * extent.w
                      for ix in xs {
                        best = max(best, line[ix])
                        sum += line[ix]
                      }
                    }
                  }
                  out.pointee = kind == .max ? best : sum / Float(zs.count * ys.count * xs.count)
                  out += 1
                }
              }
            }
          }
        }
      }
    }
    return output
  }
}
