import CNNKernelSet

extension ConvolutionKernel {
  /// One filter per output channel, reading input channel ⌊o / multiplier⌋ only, plane by plane
  /// through the kernel set: each input plane is copied once into zero-padded phase planes
  /// (`DepthwiseGeometry`), then each of its `multiplier` output planes is a vector loop over
  /// contiguous rows. A kernel with taps along depth adds one input slice after another into the
  /// output plane, so every output still sums its taps in order from zero; slices in the depth
  /// padding add nothing and are skipped. Planes are split between threads; the result does not
  /// depend on the thread count.
  static func depthwise(
    _ input: Tensor, plan: WindowPlan, multiplier: Int, weights: [Float], threads: Int, kernels: KernelSet,
    into output: inout Tensor
  ) {
    let (pd, ph, pw) = (plan.axes[0], plan.axes[1], plan.axes[2])
    let extent = Extent3(input.spatial)
    let geometry = DepthwiseGeometry(
      rows: ph.count, columns: pw.count, kernelRows: ph.kernel, kernelColumns: pw.kernel, rowStride: ph.stride,
      rowDilation: ph.dilation, columnStride: pw.stride, columnDilation: pw.dilation)
    let (sliceTaps, taps) = (ph.kernel * pw.kernel, plan.kernelVolume)
    let (inSlice, outPlane) = (extent.h * extent.w, ph.count * pw.count)
    let outVolume = pd.count * outPlane
    let (channels, outChannels) = (input.channels, output.channels)
    // Units of work: (sample, input channel, output depth), each filling its planes' outputs.
    let units = input.batch * channels * pd.count
    let chunks = min(threads, units)
    input.data.withUnsafeBufferPointer { source in
      weights.withUnsafeBufferPointer { filters in
        output.data.withUnsafeMutableBufferPointer { target in
          nonisolated(unsafe) let (source, filters, target) = (source, filters, target)
          Parallel.run(chunks: chunks) { chunk in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: geometry.bufferSize) { buffer in
              let phases = buffer.baseAddress!
              phases.update(repeating: 0, count: geometry.bufferSize)
              for unit in Parallel.chunk(chunk, of: chunks, total: units) {
                let (plane, od) = unit.quotientAndRemainder(dividingBy: pd.count)
                let (sample, c) = plane.quotientAndRemainder(dividingBy: channels)
                var written = false
                for z in 0..<pd.kernel {
                  let iz = pd.starts[od] + z * pd.dilation
                  guard iz >= 0, iz < extent.d else { continue }
                  fillPhases(
                    phases, geometry, from: source.baseAddress! + (plane * extent.d + iz) * inSlice, height: extent.h,
                    width: extent.w, top: ph.starts[0], left: pw.starts[0])
                  for m in 0..<multiplier {
                    let o = c * multiplier + m
                    kernels.depthwisePlane(
                      geometry, filters.baseAddress! + o * taps + z * sliceTaps, phases,
                      target.baseAddress! + (sample * outChannels + o) * outVolume + od * outPlane, written)
                  }
                  written = true
                }
                if !written {
                  for m in 0..<multiplier {
                    (target.baseAddress! + (sample * outChannels + c * multiplier + m) * outVolume + od * outPlane)
                      .update(repeating: 0, count: outPlane)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Copies an input plane (`height` × `width` at `plane`) into the phase planes: padded row r is
  /// input row r + `top`, phase p's column j is input column j·s + p + `left`; positions outside
  /// the input are zero.
  static func fillPhases(
    _ phases: UnsafeMutablePointer<Float>, _ geometry: DepthwiseGeometry, from plane: UnsafePointer<Float>,
    height: Int, width: Int, top: Int, left: Int
  ) {
    let s = geometry.columnStride
    for r in 0..<geometry.phaseRows {
      let iy = r + top
      let source = plane + iy * width
      for p in 0..<s {
        let row = phases + p * geometry.phaseSize + r * geometry.phaseWidth
        guard iy >= 0, iy < height else {
          row.update(repeating: 0, count: geometry.phaseWidth)
          continue
        }
        if s == 1 {
          // A copy between zero borders.
          let first = min(max(0, -left), geometry.phaseWidth)
          let last = min(geometry.phaseWidth, max(first, width - left))
          row.update(repeating: 0, count: first)
          (row + first).update(from: source + first + left, count: last - first)
          (row + last).update(repeating: 0, count: geometry.phaseWidth - last)
        } else {
          for j in 0..<geometry.phaseWidth {
            let ix = j * s + p + left
            row[j] = ix >= 0 && ix < width ? source[ix] : 0
          }
        }
      }
    }
  }
}
