import CNNKernelSet

extension ConvolutionKernel {
  /// Whether a grouped convolution runs as direct planes rather than as one GEMM per group: every
  /// depthwise convolution, and groups of at most `directGroupWidth` input channels (ResNeXt's
  /// early stages), whose GEMMs are too thin to keep the micro-kernel's tile busy.
  static func runsDirect(inGroup: Int, groups: Int) -> Bool {
    groups > 1 && inGroup <= directGroupWidth
  }
  static let directGroupWidth = 4

  /// A grouped convolution plane by plane through the kernel set: each input plane is copied into
  /// zero-padded phase planes (`DepthwiseGeometry`), then added, tap by tap, into each output
  /// plane of its group. Inputs are taken in channel order and, for a kernel with taps along
  /// depth, slice after slice, so every output sums its (channel, tap) terms in the GEMM's order,
  /// from zero; slices in the depth padding add nothing and are skipped. Units of (sample,
  /// group, output depth) are split between threads; the result does not depend on the thread
  /// count.
  static func direct(
    _ input: Tensor, plan: WindowPlan, groups: Int, weights: [Float], threads: Int, kernels: KernelSet,
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
    let (inGroup, outGroup) = (channels / groups, outChannels / groups)
    let units = input.batch * groups * pd.count
    let chunks = max(1, min(threads, units))
    let tapOffsets = (0..<sliceTaps).map(geometry.tapOffset)
    tapOffsets.withUnsafeBufferPointer { offsets in
      input.data.withUnsafeBufferPointer { source in
        weights.withUnsafeBufferPointer { filters in
          output.data.withUnsafeMutableBufferPointer { target in
            nonisolated(unsafe) let (source, filters, target, offsets) = (source, filters, target, offsets)
            Parallel.run(chunks: chunks) { chunk in
              withUnsafeTemporaryAllocation(of: Float.self, capacity: geometry.bufferSize) { buffer in
                let phases = buffer.baseAddress!
                phases.update(repeating: 0, count: geometry.bufferSize)
                for unit in Parallel.chunk(chunk, of: chunks, total: units) {
                  let (sampleGroup, od) = unit.quotientAndRemainder(dividingBy: pd.count)
                  let (sample, group) = sampleGroup.quotientAndRemainder(dividingBy: groups)
                  let outBase =
                    target.baseAddress! + (sample * outChannels + group * outGroup) * outVolume + od * outPlane
                  var written = false
                  for c in 0..<inGroup {
                    let plane = sample * channels + group * inGroup + c
                    for z in 0..<pd.kernel {
                      let iz = pd.starts[od] + z * pd.dilation
                      guard iz >= 0, iz < extent.d else { continue }
                      fillPhases(
                        phases, geometry, from: source.baseAddress! + (plane * extent.d + iz) * inSlice,
                        height: extent.h, width: extent.w, top: ph.starts[0], left: pw.starts[0])
                      for m in 0..<outGroup {
                        let o = group * outGroup + m
                        kernels.depthwisePlane(
                          geometry, filters.baseAddress! + (o * inGroup + c) * taps + z * sliceTaps,
                          offsets.baseAddress!, phases,
                          outBase + m * outVolume, written)
                      }
                      written = true
                    }
                  }
                  if !written {
                    for m in 0..<outGroup { (outBase + m * outVolume).update(repeating: 0, count: outPlane) }
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
      guard iy >= 0, iy < height else {
        for p in 0..<s {
          (phases + p * geometry.phaseSize + r * geometry.phaseWidth).update(repeating: 0, count: geometry.phaseWidth)
        }
        continue
      }
      let source = plane + iy * width
      for p in 0..<s {
        // Columns j·s + p + left for j in first..<last lie inside the row: copied between zero
        // borders.
        let row = phases + p * geometry.phaseSize + r * geometry.phaseWidth
        let offset = p + left
        let first = min(geometry.phaseWidth, offset >= 0 ? 0 : (-offset + s - 1) / s)
        let last = max(first, min(geometry.phaseWidth, width - offset <= 0 ? 0 : (width - offset + s - 1) / s))
        row.update(repeating: 0, count: first)
        if s == 1 {
          (row + first).update(from: source + first + offset, count: last - first)
        } else {
          copyStrided(
            source + first * s + offset, step: s, to: row + first, count: last - first, readableEnd: source + width)
        }
        (row + last).update(repeating: 0, count: geometry.phaseWidth - last)
      }
    }
  }
}
