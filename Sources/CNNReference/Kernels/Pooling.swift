import CNNSpec

/// Pooling kernels: sliding max and average, adaptive and global.
enum PoolingKernel {
  /// Max over the window's taps inside the input; average over the taps inside the padded input
  /// (PyTorch's `count_include_pad=True` and Caffe's divisor; a ceil-mode overhang is excluded).
  static func sliding(_ input: Tensor, plan: WindowPlan, kind: PoolingKind) -> Tensor {
    let extent = Extent3(input.spatial)
    let (pd, ph, pw) = (plan.axes[0], plan.axes[1], plan.axes[2])
    let outExtent = plan.outputs
    var output = Tensor(zeros: [input.batch, input.channels] + Array(outExtent.array.suffix(input.spatial.count)))
    func inside(_ plan: AxisPlan, _ position: Int) -> Bool { position >= 0 && position < plan.input }
    func insidePadded(_ plan: AxisPlan, _ position: Int) -> Bool { position >= -plan.before && position < plan.input + plan.after }
    var index = 0
    for plane in 0..<(input.batch * input.channels) {
      let base = plane * extent.volume
      for od in 0..<pd.count {
        for oy in 0..<ph.count {
          for ox in 0..<pw.count {
            var best = -Float.infinity
            var sum: Float = 0
            var divisor = 0
            for z in 0..<pd.kernel {
              let iz = pd.starts[od] + z * pd.dilation
              for y in 0..<ph.kernel {
                let iy = ph.starts[oy] + y * ph.dilation
                for x in 0..<pw.kernel {
                  let ix = pw.starts[ox] + x * pw.dilation
                  if insidePadded(pd, iz), insidePadded(ph, iy), insidePadded(pw, ix) { divisor += 1 }
                  guard inside(pd, iz), inside(ph, iy), inside(pw, ix) else { continue }
                  let value = input.data[base + (iz * extent.h + iy) * extent.w + ix]
                  best = max(best, value)
                  sum += value
                }
              }
            }
            output.data[index] = kind == .max ? (best == -.infinity ? 0 : best) : sum / Float(max(divisor, 1))
            index += 1
          }
        }
      }
    }
    return output
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
