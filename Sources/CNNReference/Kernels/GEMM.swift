import CNNKernelSet

/// Single-precision matrix multiplication C += A·B in the BLIS structure (Van Zee & van de Geijn,
/// "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", 2015): the n dimension is cut
/// into nc-wide column blocks, k into kc-deep panels, m into mc-high row blocks; A and B panels are
/// packed into contiguous micro-panels, and an mr × nr micro-kernel keeps its C tile in registers.
///
/// Every C element accumulates its k products in increasing k order, one kc panel after the other,
/// whatever the thread count: threads split the n dimension into fixed contiguous chunks.
///
/// The micro-kernel, its tile (mr × nr) and the row-block height mc come from the kernel set
/// (CNNKernelSet); everything else here is portable code.
enum GEMM {
  // Blocking constants shared by every set. With AVX-512's 8 × 32 tile a kc × nr B micro-panel
  // (32 KiB) fits L1, an mc × kc A block (128 KiB) and a kc × nc B block (1 MiB, nc = 1024
  // measured best against 512 and 3072) fit L2.
  static let kc = 256
  static let nc = 1024

  /// C[m×n] += A[m×k] · B[k×n]; row-major with leading dimensions lda, ldb, ldc.
  static func multiply(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int, kernels: KernelSet
  ) {
    guard m > 0, n > 0, k > 0 else { return }
    if m <= 4 {
      rowTimesMatrix(
        m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, threads: threads, kernels: kernels)
      return
    }
    let (mr, nr) = (kernels.mr, kernels.nr)
    // Small products are not worth waking a second thread for. Wide products split their columns,
    // narrow ones (late convolutions with few positions) their rows; either way every element of C
    // is computed whole by one thread, in the same order.
    let chunks = m * n * k < 1 << 18 ? 1 : threads
    let splitRows = n < 4 * nr * chunks
    Parallel.run(chunks: chunks) { chunk in
      let columns = splitRows ? 0..<n : Parallel.chunk(chunk, of: chunks, total: n, alignment: nr)
      let rows = splitRows ? Parallel.chunk(chunk, of: chunks, total: m, alignment: mr) : 0..<m
      guard !columns.isEmpty, !rows.isEmpty else { return }
      loops(
        m: rows.count, columns: columns, k: k, a: .matrix(a + rows.lowerBound * lda, lda: lda),
        b: .matrix(b, ldb: ldb), c: c + rows.lowerBound * ldc, ldc: ldc, kernels: kernels)
    }
  }

  /// A matrix A packed once into the micro-panels of every (kc panel, mc block), for products whose
  /// A is reused across many calls (a convolution's weights across its im2col blocks). The packing
  /// follows one kernel set's tile; products with it use that set.
  struct PackedA: @unchecked Sendable {
    // Unchecked Sendable: the buffer is written once in `init` and only read afterwards.
    let m: Int
    let k: Int
    let kernels: KernelSet
    /// The depth of its panels (`GEMM.kc` unless packed deeper); the products with it take B in
    /// panels of this depth.
    let panelDepth: Int
    let storage: UnsafeMutablePointer<Float>
    /// offsets[p][i]: where the block of panel p (depth `panelDepth`) and row block i (height mc)
    /// starts.
    let offsets: [[Int]]

    init(_ a: UnsafePointer<Float>, lda: Int, m: Int, k: Int, kernels: KernelSet, panelDepth kc: Int = GEMM.kc) {
      self.m = m
      self.k = k
      self.kernels = kernels
      panelDepth = kc
      let (mr, mc) = (kernels.mr, kernels.mc)
      var offsets: [[Int]] = []
      var total = 0
      for pc in stride(from: 0, to: k, by: kc) {
        var row: [Int] = []
        for ic in stride(from: 0, to: m, by: mc) {
          row.append(total)
          total += (min(mc, m - ic) + mr - 1) / mr * mr * min(kc, k - pc)
        }
        offsets.append(row)
      }
      self.offsets = offsets
      // The column kernel reads 2 floats past a 6-row A block: 8 floats of slack.
      storage = UnsafeMutablePointer<Float>.allocate(capacity: total + 8)
      for (p, pc) in stride(from: 0, to: k, by: kc).enumerated() {
        for (i, ic) in stride(from: 0, to: m, by: mc).enumerated() {
          packA(
            a + ic * lda + pc, lda: lda, m: min(mc, m - ic), k: min(kc, k - pc), mr: mr, into: storage + offsets[p][i])
        }
      }
    }

    func deallocate() { storage.deallocate() }
  }

  /// Fills a row-major block of B: rows `depth` of B, columns `columns`, row p − depth.lowerBound
  /// at `into + (p − depth.lowerBound) · ld`; a row may be written up to 7 floats past its last
  /// column (ld leaves room for them).
  typealias BRowWriter = (
    _ depth: Range<Int>, _ columns: Range<Int>, _ into: UnsafeMutablePointer<Float>, _ ld: Int
  ) -> Void

  /// Points at the rows of one micro-panel of B, rows `depth` and columns `columns` (at most nr):
  /// `table[p − depth.lowerBound]` = where row p's floats for those columns start. Rows found
  /// nowhere contiguous are written into `scratch` (row i at `scratch + i · ld`, up to 7 floats past
  /// its columns) and pointed at there.
  typealias BPanelIndexer = (
    _ depth: Range<Int>, _ columns: Range<Int>, _ table: UnsafeMutablePointer<UnsafePointer<Float>>,
    _ scratch: UnsafeMutablePointer<Float>, _ ld: Int
  ) -> Void

  /// Where B comes from: produced block by block as rows (an implicit GEMM), a row-major matrix in
  /// memory, or rows pointed at panel by panel (an indirect implicit GEMM). Either of the first two
  /// is read in place by the micro-kernel, rows `ldb` apart, and the indirect one through its
  /// table; only a ragged last panel is packed.
  enum BSource {
    case rows(BRowWriter)
    case matrix(UnsafePointer<Float>, ldb: Int)
    case indirect(BPanelIndexer)
  }

  /// Where A comes from: packed once beforehand, or a row-major matrix packed block by block.
  enum ASource {
    case prepacked(PackedA)
    case matrix(UnsafePointer<Float>, lda: Int)
  }

  /// C[m×n] += A·B with A packed beforehand (C = A·B with `overwrite`: C's previous contents are
  /// neither read nor needed), each row then finished by `epilogue` (its arrays indexed by C's
  /// row, holding a value for every row up to m rounded up to whole tiles). Threads split the
  /// columns in nr-aligned chunks, or, for few columns, the rows in whole mc blocks.
  static func multiply(
    packed: PackedA, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int, overwrite: Bool = false,
    epilogue: TileEpilogue = .none, b source: BSource
  ) {
    guard packed.m > 0, n > 0, packed.k > 0 else { return }
    let (nr, mc) = (packed.kernels.nr, packed.kernels.mc)
    let (chunks, splitRows) = split(packed, n: n, threads: threads)
    let rowBlocks = (packed.m + mc - 1) / mc
    func run(_ source: BSource) {
      Parallel.run(chunks: chunks) { chunk in
        let columns = splitRows ? 0..<n : Parallel.chunk(chunk, of: chunks, total: n, alignment: nr)
        let blocks = splitRows ? Parallel.chunk(chunk, of: chunks, total: rowBlocks) : 0..<rowBlocks
        guard !columns.isEmpty, !blocks.isEmpty else { return }
        loops(
          m: packed.m, columns: columns, k: packed.k, a: .prepacked(packed), b: source, c: c, ldc: ldc,
          kernels: packed.kernels, rowBlocks: blocks, overwrite: overwrite, epilogue: epilogue)
      }
    }
    switch source {
    case .matrix: run(source)
    case .rows(let writer): withoutActuallyEscaping(writer) { run(.rows($0)) }
    case .indirect(let indexer): withoutActuallyEscaping(indexer) { run(.indirect($0)) }
    }
  }

  /// How `multiply(packed:…)` splits a product with `n` columns between threads: into how many
  /// chunks (1 for small products), and whether the chunks are whole mc row blocks (few columns,
  /// enough rows; each thread then reads all of B) rather than nr-aligned column ranges.
  static func split(_ packed: PackedA, n: Int, threads: Int) -> (chunks: Int, byRows: Bool) {
    split(m: packed.m, k: packed.k, n: n, threads: threads, kernels: packed.kernels)
  }

  /// `split` for an m × k A packed for `kernels`, before it is packed.
  static func split(m: Int, k: Int, n: Int, threads: Int, kernels: KernelSet) -> (chunks: Int, byRows: Bool) {
    let (nr, mc) = (kernels.nr, kernels.mc)
    let chunks = m * n * k < 1 << 18 ? 1 : threads
    return (chunks, n < 4 * nr * chunks && (m + mc - 1) / mc >= chunks)
  }

  /// Loops 5 to 1 of BLIS over C's rows 0..<m (or the mc blocks `rowBlocks`) and `columns`; A and
  /// B come from their sources, packed here block by block unless prepacked; the last kc panel's
  /// tiles apply `epilogue`.
  static func loops(
    m: Int, columns: Range<Int>, k: Int, a source: ASource, b: BSource,
    c: UnsafeMutablePointer<Float>, ldc: Int, kernels: KernelSet, rowBlocks: Range<Int>? = nil,
    overwrite: Bool = false, epilogue: TileEpilogue = .none
  ) {
    let (mr, nr, mc, microKernel, halfKernel, columnKernel) = (
      kernels.mr, kernels.nr, kernels.mc, kernels.microKernel, kernels.halfKernel, kernels.columnKernel
    )
    let indirectKernel = kernels.indirectKernel
    do {
      var prepacked: PackedA?
      if case .prepacked(let packed) = source { prepacked = packed }
      // The panel depth: the prepacked A's, otherwise the shared constant.
      let kc = prepacked?.panelDepth ?? Self.kc
      // The column kernel reads 2 floats past a 6-row A block: 8 floats of slack.
      let packedA = UnsafeMutablePointer<Float>.allocate(capacity: prepacked == nil ? mc * kc + 8 : 1)
      let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kc * nr)
      // The block a row writer fills, rows `rowsLD` apart: room for a row's 7-float overshoot, and
      // 64-byte aligned rows whose start does not repeat every 4 KiB (measured: VGG16's conv1_2
      // 9 % faster than gathering straight into micro-panels, which copied each row twice).
      var rowsLD = 0
      if case .rows = b { rowsLD = (min(nc, columns.count) + 7 + 15) / 16 * 16 + 16 }
      let rowBlock = UnsafeMutableRawPointer.allocate(byteCount: (kc * rowsLD + 1) * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: kc * rowsLD + 1)
      // An indirect B's table of one panel's rows, and the rows its indexer writes out.
      var isIndirect = false
      if case .indirect = b { isIndirect = true }
      let table = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: isIndirect ? kc : 1)
      let scratchLD = nr + 8
      let scratch = UnsafeMutableRawPointer.allocate(byteCount: (isIndirect ? kc * scratchLD : 1) * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: isIndirect ? kc * scratchLD : 1)
      defer {
        packedA.deallocate()
        packedB.deallocate()
        UnsafeMutableRawPointer(rowBlock).deallocate()
        table.deallocate()
        UnsafeMutableRawPointer(scratch).deallocate()
      }
      // Loop 5: column blocks of width nc.
      var jc = columns.lowerBound
      while jc < columns.upperBound {
        let ncCurrent = min(nc, columns.upperBound - jc)
        // Loop 4: panels of depth kc.
        var pc = 0
        while pc < k {
          let kcCurrent = min(kc, k - pc)
          let last = pc + kcCurrent == k
          // Each full micro-panel of B is read in place from `direct` (rows `ldb` apart), or for an
          // indirect B through the table its indexer fills panel by panel (below); a ragged last
          // one is packed into `packedB`, kcCurrent × nr floats.
          var direct: (base: UnsafePointer<Float>, ldb: Int) = (UnsafePointer(packedB), nr)
          switch b {
          case .rows(let writer):
            writer(pc..<(pc + kcCurrent), jc..<(jc + ncCurrent), rowBlock, rowsLD)
            direct = (UnsafePointer(rowBlock), rowsLD)
          case .matrix(let b, let ldb):
            direct = (b + pc * ldb + jc, ldb)
          case .indirect: break
          }
          let full = ncCurrent / nr * nr
          if full < ncCurrent && !isIndirect {
            packB(
              direct.base + full, ldb: direct.ldb, k: kcCurrent, n: ncCurrent - full, nr: nr,
              into: packedB)
          }
          // Loop 3: row blocks of height mc.
          var ic = (rowBlocks?.lowerBound ?? 0) * mc
          let rowEnd = min(m, (rowBlocks?.upperBound ?? (m + mc - 1) / mc) * mc)
          while ic < rowEnd {
            let mcCurrent = min(mc, m - ic)
            var panelA = packedA
            switch source {
            case .prepacked(let prepacked): panelA = prepacked.storage + prepacked.offsets[pc / kc][ic / mc]
            case .matrix(let a, let lda):
              packA(a + ic * lda + pc, lda: lda, m: mcCurrent, k: kcCurrent, mr: mr, into: packedA)
            }
            // Loops 2 and 1: micro-tiles; a ragged last panel's columns split between tiles (whole
            // or half) and the column kernel (`raggedSplit`).
            var jr = 0
            while jr < ncCurrent {
              let nrCurrent = min(nr, ncCurrent - jr)
              let (tileColumns, columnsAlone) = nrCurrent == nr ? (nr, 0) : raggedSplit(nrCurrent, kernels: kernels)
              let inPlace = nrCurrent == nr
              let panelB = inPlace ? direct.base + jr : UnsafePointer(packedB)
              let bStride = inPlace ? direct.ldb : nr
              let kernel = tileColumns > nr / 2 ? microKernel : halfKernel
              if case .indirect(let indexer) = b {
                indexer(pc..<(pc + kcCurrent), (jc + jr)..<(jc + jr + nrCurrent), table, scratch, scratchLD)
                if !inPlace {
                  for p in 0..<kcCurrent {
                    packRow(table[p], count: nrCurrent, into: packedB, row: p, depth: kcCurrent, nr: nr)
                  }
                }
              }
              var ir = 0
              while ir < mcCurrent && tileColumns > 0 {
                let mrCurrent = min(mr, mcCurrent - ir)
                if isIndirect && inPlace {
                  indirectKernel(
                    kcCurrent, panelA + ir * kcCurrent, table, c + (ic + ir) * ldc + jc + jr, ldc, mrCurrent,
                    !(overwrite && pc == 0), last ? epilogue.advanced(by: ic + ir) : .none)
                  ir += mr
                  continue
                }
                kernel(
                  kcCurrent, panelA + ir * kcCurrent, panelB, bStride, c + (ic + ir) * ldc + jc + jr, ldc, mrCurrent,
                  tileColumns, !(overwrite && pc == 0), last ? epilogue.advanced(by: ic + ir) : .none)
                ir += mr
              }
              for column in tileColumns..<(tileColumns + columnsAlone) {
                // Eight row tiles per call.
                var ir = 0
                while ir < mcCurrent {
                  let rows = min(8 * mr, mcCurrent - ir)
                  columnKernel(
                    kcCurrent, panelA + ir * kcCurrent, mr * kcCurrent, (rows + mr - 1) / mr, panelB + column, bStride,
                    c + (ic + ir) * ldc + jc + jr + column, ldc, rows, !(overwrite && pc == 0),
                    last ? epilogue.advanced(by: ic + ir) : .none)
                  ir += 8 * mr
                }
              }
              jr += nr
            }
            ic += mc
          }
          pc += kc
        }
        jc += nc
      }
    }
  }

  /// How the r < nr columns of a ragged last panel are computed: the first `tiles` by the
  /// micro-kernel (a whole tile, or a half tile of one vector per row when r ≤ nr / 2), the other
  /// `alone` one by one by the column kernel, whichever costs the fewest vector multiply-adds per
  /// k and mr rows: a whole tile 2·mr, a half tile mr, a column 1 (8 rows in one vector; 2 where
  /// the set's vectors have 4 lanes). Ties go to tiles, which read less. For 49 positions and
  /// 32-column tiles: one whole tile, a half tile and one column (25 multiply-adds instead of 32).
  static func raggedSplit(_ r: Int, kernels: KernelSet) -> (tiles: Int, alone: Int) {
    let (mr, half) = (kernels.mr, kernels.nr / 2)
    let column = max(1, 16 / kernels.nr)
    let whole = (cost: 2 * mr, split: (r, 0))
    let halfAndColumns = (cost: mr + max(0, r - half) * column, split: (min(r, half), max(0, r - half)))
    let columns = (cost: r * column, split: (0, r))
    return [whole, halfAndColumns, columns].min { $0.cost < $1.cost }!.split
  }

  /// C[m×n] += A[m×k]·B[k×n] for a few rows (fully connected layers at small batch): streams B once,
  /// each row of C accumulating rows of B scaled by A's elements, in increasing k. Threads split the
  /// columns.
  static func rowTimesMatrix(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int, kernels: KernelSet
  ) {
    let chunks = n * k < 1 << 18 ? 1 : threads
    let axpy = kernels.axpy
    Parallel.run(chunks: chunks) { chunk in
      let columns = Parallel.chunk(chunk, of: chunks, total: n, alignment: 16)
      guard !columns.isEmpty else { return }
      for row in 0..<m {
        for p in 0..<k {
          axpy(columns.count, a[row * lda + p], b + p * ldb + columns.lowerBound, c + row * ldc + columns.lowerBound)
        }
      }
    }
  }

  /// Packs an m × k block of A into micro-panels of mr rows: for each k, mr consecutive values
  /// (zero beyond the last row).
  static func packA(
    _ a: UnsafePointer<Float>, lda: Int, m: Int, k: Int, mr: Int, into packed: UnsafeMutablePointer<Float>
  ) {
    var offset = 0
    var row = 0
    while row < m {
      let rows = min(mr, m - row)
      for p in 0..<k {
        for r in 0..<mr { packed[offset + p * mr + r] = r < rows ? a[(row + r) * lda + p] : 0 }
      }
      offset += mr * k
      row += mr
    }
  }

  /// Packs a k × n block of B into micro-panels of nr columns: for each k, nr consecutive values
  /// (zero beyond the last column).
  static func packB(
    _ b: UnsafePointer<Float>, ldb: Int, k: Int, n: Int, nr: Int, into packed: UnsafeMutablePointer<Float>
  ) {
    for p in 0..<k { packRow(b + p * ldb, count: n, into: packed, row: p, depth: k, nr: nr) }
  }

  /// Row `p` of a packed B block of depth `kc`: `count` floats from `source` into its nr-column
  /// micro-panels (panel j's row p at `packed + j · nr · kc + p · nr`), zeros past the last
  /// column (`packB`'s rows: a ragged last panel of B read from a matrix or a row block; and
  /// an indirect B's ragged panel, row by row from its table).
  @inline(__always)
  static func packRow(
    _ source: UnsafePointer<Float>, count: Int, into packed: UnsafeMutablePointer<Float>, row p: Int, depth kc: Int,
    nr: Int
  ) {
    var column = 0
    while column + nr <= count {
      let target = packed + column * kc + p * nr
      if nr % 8 == 0 {
        copyVectors(source + column, to: target, count: nr)
      } else {
        target.update(from: source + column, count: nr)
      }
      column += nr
    }
    if column < count {
      let target = packed + column * kc + p * nr
      for j in 0..<nr { target[j] = column + j < count ? source[column + j] : 0 }
    }
  }

  /// Copies `count` floats, a multiple of 8, in 8-float vectors: for the short copies of packing,
  /// where calling `memmove` costs more than the copy.
  @inline(__always)
  static func copyVectors(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
    for offset in stride(from: 0, to: count, by: 8) {
      UnsafeMutableRawPointer(target + offset).storeBytes(
        of: UnsafeRawPointer(source + offset).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
    }
  }
}
