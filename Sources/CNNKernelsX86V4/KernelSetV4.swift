import CNNKernelSet

extension KernelSet {
  /// x86-64-v4 (AVX-512F/BW/CD/DQ/VL, FMA): 8 × 32 tiles of 16-lane vectors, sixteen of the 32
  /// vector registers holding C. This module is built with `-target-cpu x86-64-v4`; its code runs
  /// only after `KernelSelection` has seen the processor and OS support every feature of the level.
  public static let x86_64_v4 = KernelSet(
    name: "x86-64-v4", summary: "AVX-512 with fused multiply-add; 8 × 32 tile", mr: 8, nr: 32, mc: 128,
    flopsPerPeakIteration: 16 * 16 * 2,
    microKernel: { k, a, b, bStride, c, ldc, rows, columns, readsC, epilogue in
      MicroKernels.tile(
        SIMD16<Float>.self, mr: 8, fused: true, k: k, a: a, b: StridedRows(b, stride: bStride), c: c, ldc: ldc,
        rows: rows, columns: columns, readsC: readsC, epilogue: epilogue)
    },
    halfKernel: { k, a, b, bStride, c, ldc, rows, columns, readsC, epilogue in
      MicroKernels.halfTile(
        SIMD16<Float>.self, mr: 8, fused: true, k: k, a: a, b: b, bStride: bStride, c: c, ldc: ldc,
        rows: rows, columns: columns, readsC: readsC, epilogue: epilogue)
    },
    indirectKernel: { k, a, table, c, ldc, rows, readsC, epilogue in
      MicroKernels.tile(
        SIMD16<Float>.self, mr: 8, fused: true, k: k, a: a, b: IndirectRows(table), c: c, ldc: ldc, rows: rows,
        columns: 32, readsC: readsC, epilogue: epilogue)
    },
    columnKernel: { k, a, panelStride, tiles, b, bStride, c, ldc, rows, readsC, epilogue in
      MicroKernels.column(
        mr: 8, fused: true, k: k, a: a, panelStride: panelStride, tiles: tiles, b: b, bStride: bStride, c: c,
        ldc: ldc, rows: rows, readsC: readsC, epilogue: epilogue)
    },
    axpy: { count, scale, x, y in MicroKernels.axpy(SIMD16<Float>.self, fused: true, count, scale, x, y) },
    depthwisePlane: { geometry, weights, tapOffsets, phases, output, accumulates in
      MicroKernels.depthwisePlane(
        SIMD16<Float>.self, fused: true, geometry, weights: weights, tapOffsets: tapOffsets, phases: phases,
        output: output,
        accumulates: accumulates)
    },
    elementwise: { function, count, x in MicroKernels.apply(SIMD16<Float>.self, function, count, x) },
    peakLoop: { iterations, seed in MicroKernels.peakLoop(SIMD16<Float>.self, fused: true, iterations, seed) })
}
