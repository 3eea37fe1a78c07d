import CNNKernelSet

extension KernelSet {
  /// Baseline x86-64 (SSE2) or the platform's default target (aarch64: NEON): 6 × 8 tiles of
  /// 4-lane vectors, a multiply then an add (no fused multiply-add is assumed).
  public static let portable = KernelSet(
    name: "portable", summary: "the build target's default instructions, no fused multiply-add; 6 × 8 tile",
    mr: 6, nr: 8, mc: 120, flopsPerPeakIteration: 16 * 4 * 2,
    microKernel: { k, a, b, bStride, c, ldc, rows, columns, readsC, epilogue in
      MicroKernels.tile(
        SIMD4<Float>.self, mr: 6, fused: false, k: k, a: a, b: StridedRows(b, stride: bStride), c: c, ldc: ldc,
        rows: rows, columns: columns, readsC: readsC, epilogue: epilogue)
    },
    halfKernel: { k, a, b, bStride, c, ldc, rows, columns, readsC, epilogue in
      MicroKernels.halfTile(
        SIMD4<Float>.self, mr: 6, fused: false, k: k, a: a, b: b, bStride: bStride, c: c, ldc: ldc,
        rows: rows, columns: columns, readsC: readsC, epilogue: epilogue)
    },
    indirectKernel: { k, a, table, c, ldc, rows, readsC, epilogue in
      MicroKernels.tile(
        SIMD4<Float>.self, mr: 6, fused: false, k: k, a: a, b: IndirectRows(table), c: c, ldc: ldc, rows: rows,
        columns: 8, readsC: readsC, epilogue: epilogue)
    },
    columnKernel: { k, a, panelStride, tiles, b, bStride, c, ldc, rows, readsC, epilogue in
      MicroKernels.column(
        mr: 6, fused: false, k: k, a: a, panelStride: panelStride, tiles: tiles, b: b, bStride: bStride, c: c,
        ldc: ldc, rows: rows, readsC: readsC, epilogue: epilogue)
    },
    axpy: { count, scale, x, y in MicroKernels.axpy(SIMD4<Float>.self, fused: false, count, scale, x, y) },
    depthwisePlane: { geometry, weights, tapOffsets, phases, output, accumulates in
      MicroKernels.depthwisePlane(
        SIMD4<Float>.self, fused: false, geometry, weights: weights, tapOffsets: tapOffsets, phases: phases,
        output: output,
        accumulates: accumulates)
    },
    elementwise: { function, count, x in MicroKernels.apply(SIMD4<Float>.self, function, count, x) },
    peakLoop: { iterations, seed in MicroKernels.peakLoop(SIMD4<Float>.self, fused: false, iterations, seed) })
}
