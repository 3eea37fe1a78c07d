import CNNKernelSet

extension KernelSet {
  /// x86-64-v3 (AVX2, FMA): 6 × 16 tiles of 8-lane vectors, twelve of the 16 vector registers
  /// holding C. This module is built with `-target-cpu x86-64-v3`; its code runs only after
  /// `KernelSelection` has seen the processor and OS support every feature of the level.
  public static let x86_64_v3 = KernelSet(
    name: "x86-64-v3", summary: "AVX2 with fused multiply-add; 6 × 16 tile", mr: 6, nr: 16, mc: 120,
    flopsPerPeakIteration: 16 * 8 * 2,
    microKernel: { k, a, b, bStride, c, ldc, rows, columns, readsC, epilogue in
      MicroKernels.tile(
        SIMD8<Float>.self, mr: 6, fused: true, k: k, a: a, b: StridedRows(b, stride: bStride), c: c, ldc: ldc,
        rows: rows, columns: columns, readsC: readsC, epilogue: epilogue)
    },
    halfKernel: { k, a, b, bStride, c, ldc, rows, columns, readsC, epilogue in
      MicroKernels.halfTile(
        SIMD8<Float>.self, mr: 6, fused: true, k: k, a: a, b: b, bStride: bStride, c: c, ldc: ldc,
        rows: rows, columns: columns, readsC: readsC, epilogue: epilogue)
    },
    indirectKernel: { k, a, table, c, ldc, rows, readsC, epilogue in
      MicroKernels.tile(
        SIMD8<Float>.self, mr: 6, fused: true, k: k, a: a, b: IndirectRows(table), c: c, ldc: ldc, rows: rows,
        columns: 16, readsC: readsC, epilogue: epilogue)
    },
    columnKernel: { k, a, panelStride, tiles, b, bStride, c, ldc, rows, readsC, epilogue in
      MicroKernels.column(
        mr: 6, fused: true, k: k, a: a, panelStride: panelStride, tiles: tiles, b: b, bStride: bStride, c: c,
        ldc: ldc, rows: rows, readsC: readsC, epilogue: epilogue)
    },
    axpy: { count, scale, x, y in MicroKernels.axpy(SIMD8<Float>.self, fused: true, count, scale, x, y) },
    depthwisePlane: { geometry, weights, tapOffsets, phases, output, accumulates in
      MicroKernels.depthwisePlane(
        SIMD8<Float>.self, fused: true, geometry, weights: weights, tapOffsets: tapOffsets, phases: phases,
        output: output,
        accumulates: accumulates)
    },
    elementwise: { function, count, x in MicroKernels.apply(SIMD8<Float>.self, function, count, x) },
    peakLoop: { iterations, seed in MicroKernels.peakLoop(SIMD8<Float>.self, fused: true, iterations, seed) })
}
