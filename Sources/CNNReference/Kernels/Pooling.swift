import CNNSpec

/// Pooling kernels: sliding max and average, adaptive and global.
enum PoolingKernel {
  /// Max over the window's taps inside the input; average over the taps inside the padded input
  /// (PyTorch's `count_include_pad=True` and Caffe's divisor; a ceil-mode overhang is excluded).
  static func sliding(_ input: Tensor, plan: WindowPlan, kind: PoolingKind, threads: Int = 1) -> Tensor {
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
        padded.append(count)
      }
      return (positions, padded)
    }
    let (tz, ty, tx) = (taps(plan.axes[0]), taps(plan.axes[1]), taps(plan.axes[2]))
    let planes = input.batch * input.channels
    let chunks = planes * outExtent.volume < 1 << 16 ? 1 : threads
    if plan.axes.allSatisfy({ $0.dilation == 1 }) {
      contiguous(
        input, into: &output, extent: extent, outExtent: outExtent, taps: (tz, ty, tx), kind: kind, chunks: chunks)
      return output
    }
    input.data.withUnsafeBufferPointer { source in
      output.data.withUnsafeMutableBufferPointer { target in
        let (source, target) = (source.baseAddress!, target.baseAddress!)
        Parallel.run(chunks: chunks) { chunk in
          for plane in Parallel.chunk(chunk, of: chunks, total: planes) {
            let base = source + plane * extent.volume
            var out = target + plane * outExtent.volume
            for od in 0..<outExtent.d {
              for oy in 0..<outExtent.h {
                for ox in 0..<outExtent.w {
                  var best = -Float.infinity
                  var sum: Float = 0
                  for iz in tz.positions[od] {
                    for iy in ty.positions[oy] {
                      let line = base + (iz * extent.h + iy) * extent.w
                      for ix in tx.positions[ox] {
                        let value = line[ix]
                        best = max(best, value)
                        sum += value
                      }
                    }
                  }
                  let divisor = tz.padded[od] * ty.padded[oy] * tx.padded[ox]
                  out.pointee = kind == .max ? (best == -.infinity ? 0 : best) : sum / Float(max(divisor, 1))
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

  /// The common case of undilated windows: each window's taps inside the input form one
  /// contiguous run per axis, so the loops run over plain index ranges.
  static func contiguous(
    _ input: Tensor, into output: inout Tensor, extent: Extent3, outExtent: Extent3,
    taps: (
      z: (positions: [[Int]], padded: [Int]), y: (positions: [[Int]], padded: [Int]),
      x: (positions: [[Int]], padded: [Int])
    ),
    kind: PoolingKind, chunks: Int
  ) {
    func runs(_ axis: (positions: [[Int]], padded: [Int])) -> [Range<Int>] {
      axis.positions.map { ($0.first ?? 0)..<(($0.last ?? -1) + 1) }
    }
    let (rz, ry, rx) = (runs(taps.z), runs(taps.y), runs(taps.x))
    let divisors = taps.z.padded.flatMap { dz in taps.y.padded.map { dy in dz * dy } }
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
                let rows = divisors[od * outExtent.h + oy]
                for ox in 0..<outExtent.w {
                  var best = -Float.infinity
                  var sum: Float = 0
                  let columns = rx[ox]
                  for iz in rz[od] {
                    for iy in ry[oy] {
                      let line = base + (iz * extent.h + iy) * extent.w
                      for ix in columns {
                        let value = line[ix]
                        best = max(best, value)
                        sum += value
                      }
                    }
                  }
                  out.pointee =
                    kind == .max ? (best == -.infinity ? 0 : best) : sum / Float(max(rows * taps.x.padded[ox], 1))
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

  static func adaptive(_ input: Tensor, size: [Int], kind: PoolingKind) -> Tensor {
    let extent = Extent3(input.spatial)
    let outExtent = Extent3(size)
    var output = Tensor(zeros: [input.batch, input.channels] + size)
    var index = 0
    for plane in 0..<(input.batch * input.channels) {
      let base = plane * extent.volume
      for od in 0..<outExtent.d {
        for oy in 0..<outExtent.h {
          for ox in 0..<outExtent.w {
            var best = -Float.infinity
            var sum: Float = 0
            var count = 0
            for iz in adaptiveWindow(od, input: extent.d, output: outExtent.d) {
              for iy in adaptiveWindow(oy, input: extent.h, output: outExtent.h) {
                for ix in adaptiveWindow(ox, input: extent.w, output: outExtent.w) {
                  let value = input.data[base + (iz * extent.h + iy) * extent.w + ix]
                  best = max(best, value)
                  sum += value
                  count += 1
                }
              }
            }
            output.data[index] = kind == .max ? best : sum / Float(count)
            index += 1
          }
        }
      }
    }
    return output
  }
}
