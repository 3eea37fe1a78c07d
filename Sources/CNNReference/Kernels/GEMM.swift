/// Single-precision matrix multiplication C += A·B in the BLIS structure (Van Zee & van de Geijn,
/// "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", 2015): the n dimension is cut
/// into nc-wide column blocks, k into kc-deep panels, m into mc-high row blocks; A and B panels are
/// packed into contiguous micro-panels, and an mr × nr micro-kernel keeps its C tile in registers.
///
/// Every C element accumulates its k products in increasing k order, one kc panel after the other,
/// whatever the thread count: threads split the n dimension into fixed contiguous chunks.
enum GEMM {
  // Blocking constants, in one place. mr × nr = 8 × 32 uses 16 of AVX-512's 32 vector registers
  // for the C tile; a kc × nr B micro-panel (32 KiB) fits L1, an mc × kc A block (128 KiB) and a
  // kc × nc B block (1 MiB, nc = 1024 measured best against 512 and 3072) fit L2.
  static let mr = 8
  static let nr = 32
  static let kc = 256
  static let mc = 128
  static let nc = 1024

  /// C[m×n] += A[m×k] · B[k×n]; row-major with leading dimensions lda, ldb, ldc.
  static func multiply(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
  ) {
    guard m > 0, n > 0, k > 0 else { return }
    if m <= 4 {
      rowTimesMatrix(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, threads: threads)
      return
    }
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
        m: rows.count, columns: columns, k: k, packedA: nil, a: a + rows.lowerBound * lda, lda: lda,
        source: .matrix(b, ldb: ldb), c: c + rows.lowerBound * ldc, ldc: ldc)
    }
  }

  /// A matrix A packed once into the micro-panels of every (kc panel, mc block), for products whose
  /// A is reused across many calls (a convolution's weights across its im2col blocks).
  struct PackedA: @unchecked Sendable {
    // Unchecked Sendable: the buffer is written once in `init` and only read afterwards.
    let m: Int
    let k: Int
    let storage: UnsafeMutablePointer<Float>
    /// offsets[p][i]: where the block of panel p (depth kc) and row block i (height mc) starts.
    let offsets: [[Int]]

    init(_ a: UnsafePointer<Float>, lda: Int, m: Int, k: Int) {
      self.m = m
      self.k = k
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
      storage = UnsafeMutablePointer<Float>.allocate(capacity: max(total, 1))
      for (p, pc) in stride(from: 0, to: k, by: kc).enumerated() {
        for (i, ic) in stride(from: 0, to: m, by: mc).enumerated() {
          packA(a + ic * lda + pc, lda: lda, m: min(mc, m - ic), k: min(kc, k - pc), into: storage + offsets[p][i])
        }
      }
    }

    func deallocate() { storage.deallocate() }
  }

  /// Fills a packed B block: rows `depth` of B, columns `columns`, in micro-panels of nr columns.
  typealias BPacker = (_ depth: Range<Int>, _ columns: Range<Int>, _ into: UnsafeMutablePointer<Float>) -> Void

  /// Where B comes from: produced block by block (an implicit GEMM), or a row-major matrix in
  /// memory whose full nr-column panels the micro-kernel reads in place (rows `ldb` apart); only a
  /// ragged last panel is packed.
  enum BSource {
    case packer(BPacker)
    case matrix(UnsafePointer<Float>, ldb: Int)
  }

  /// C[m×n] += A·B with A packed beforehand (C = A·B with `overwrite`: C's previous contents are
  /// neither read nor needed). Threads split the columns in nr-aligned chunks, or, for few
  /// columns, the rows in whole mc blocks.
  static func multiply(
    packed: PackedA, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int, overwrite: Bool = false,
    b source: BSource
  ) {
    guard packed.m > 0, n > 0, packed.k > 0 else { return }
    let chunks = packed.m * n * packed.k < 1 << 18 ? 1 : threads
    let rowBlocks = (packed.m + mc - 1) / mc
    let splitRows = n < 4 * nr * chunks && rowBlocks >= chunks
    func run(_ source: BSource) {
      Parallel.run(chunks: chunks) { chunk in
        let columns = splitRows ? 0..<n : Parallel.chunk(chunk, of: chunks, total: n, alignment: nr)
        let blocks = splitRows ? Parallel.chunk(chunk, of: chunks, total: rowBlocks) : 0..<rowBlocks
        guard !columns.isEmpty, !blocks.isEmpty else { return }
        loops(
          m: packed.m, columns: columns, k: packed.k, packedA: packed, a: nil, lda: 0, source: source, c: c, ldc: ldc,
          rowBlocks: blocks, overwrite: overwrite)
      }
    }
    switch source {
    case .matrix: run(source)
    case .packer(let packer): withoutActuallyEscaping(packer) { run(.packer($0)) }
    }
  }

  /// Loops 5 to 1 of BLIS; A comes prepacked or is packed here block by block; B is packed from
  /// memory or by `packer`.
  static func loops(
    m: Int, columns: Range<Int>, k: Int, packedA prepacked: PackedA?, a: UnsafePointer<Float>?, lda: Int,
    source: BSource,
    c: UnsafeMutablePointer<Float>, ldc: Int, rowBlocks: Range<Int>? = nil, overwrite: Bool = false
  ) {
    do {
      let packedA = UnsafeMutablePointer<Float>.allocate(capacity: prepacked == nil ? mc * kc : 1)
      let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kc * nc)
      defer {
        packedA.deallocate()
        packedB.deallocate()
      }
      // Loop 5: column blocks of width nc.
      var jc = columns.lowerBound
      while jc < columns.upperBound {
        let ncCurrent = min(nc, columns.upperBound - jc)
        // Loop 4: panels of depth kc.
        var pc = 0
        while pc < k {
          let kcCurrent = min(kc, k - pc)
          // Each full micro-panel of B is read from `panelB(jr)` with rows `strideB(jr)` apart.
          var direct: (base: UnsafePointer<Float>, ldb: Int)?
          switch source {
          case .packer(let packer):
            packer(pc..<(pc + kcCurrent), jc..<(jc + ncCurrent), packedB)
          case .matrix(let b, let ldb):
            direct = (b + pc * ldb + jc, ldb)
            let full = ncCurrent / nr * nr
            if full < ncCurrent {
              packB(
                b + pc * ldb + jc + full, ldb: ldb, k: kcCurrent, n: ncCurrent - full, into: packedB + full * kcCurrent)
            }
          }
          // Loop 3: row blocks of height mc.
          var ic = (rowBlocks?.lowerBound ?? 0) * mc
          let rowEnd = min(m, (rowBlocks?.upperBound ?? (m + mc - 1) / mc) * mc)
          while ic < rowEnd {
            let mcCurrent = min(mc, m - ic)
            let panelA: UnsafeMutablePointer<Float>
            if let prepacked {
              panelA = prepacked.storage + prepacked.offsets[pc / kc][ic / mc]
            } else {
              packA(a! + ic * lda + pc, lda: lda, m: mcCurrent, k: kcCurrent, into: packedA)
              panelA = packedA
            }
            // Loops 2 and 1: micro-tiles.
            var jr = 0
            while jr < ncCurrent {
              let nrCurrent = min(nr, ncCurrent - jr)
              var ir = 0
              while ir < mcCurrent {
                let mrCurrent = min(mr, mcCurrent - ir)
                let cTile = c + (ic + ir) * ldc + jc + jr
                let inPlace = direct != nil && nrCurrent == nr
                microKernel(
                  k: kcCurrent, a: panelA + ir * kcCurrent,
                  b: inPlace ? direct!.base + jr : UnsafePointer(packedB + jr * kcCurrent),
                  bStride: inPlace ? direct!.ldb : nr, c: cTile, ldc: ldc, rows: mrCurrent, columns: nrCurrent,
                  readsC: !(overwrite && pc == 0))
                ir += mr
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

  /// C[m×n] += A[m×k]·B[k×n] for a few rows (fully connected layers at small batch): streams B once,
  /// each row of C accumulating rows of B scaled by A's elements, in increasing k. Threads split the
  /// columns.
  static func rowTimesMatrix(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
  ) {
    let chunks = n * k < 1 << 18 ? 1 : threads
    Parallel.run(chunks: chunks) { chunk in
      let columns = Parallel.chunk(chunk, of: chunks, total: n, alignment: 16)
      guard !columns.isEmpty else { return }
      let vectorEnd = columns.lowerBound + (columns.count / 16) * 16
      for row in 0..<m {
        let target = c + row * ldc
        for p in 0..<k {
          let scale = a[row * lda + p]
          let source = b + p * ldb
          var j = columns.lowerBound
          while j < vectorEnd {
            var accumulator = load(target + j)
            #if arch(x86_64)
              accumulator.addProduct(SIMD16(repeating: scale), load(source + j))
            #else
              accumulator += SIMD16(repeating: scale) * load(source + j)
            #endif
            store(accumulator, target + j)
            j += 16
          }
          while j < columns.upperBound {
            target[j] = target[j].addingProduct(scale, source[j])
            j += 1
          }
        }
      }
    }
  }

  /// Packs an m × k block of A into micro-panels of mr rows: for each k, mr consecutive values
  /// (zero beyond the last row).
  static func packA(_ a: UnsafePointer<Float>, lda: Int, m: Int, k: Int, into packed: UnsafeMutablePointer<Float>) {
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
  static func packB(_ b: UnsafePointer<Float>, ldb: Int, k: Int, n: Int, into packed: UnsafeMutablePointer<Float>) {
    var offset = 0
    var column = 0
    while column < n {
      let columns = min(nr, n - column)
      for p in 0..<k {
        let source = b + p * ldb + column
        let target = packed + offset + p * nr
        if columns == nr {
          target.update(from: source, count: nr)
        } else {
          for j in 0..<nr { target[j] = j < columns ? source[j] : 0 }
        }
      }
      offset += nr * k
      column += nr
    }
  }

  /// C tile (rows × columns of an mr × nr tile) += A micro-panel · B micro-panel.
  @inline(__always)
  static func microKernel(
    k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, bStride: Int = nr, c: UnsafeMutablePointer<Float>,
    ldc: Int,
    rows: Int, columns: Int, readsC: Bool = true
  ) {
    var c0 = (
      SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(),
      SIMD16<Float>(), SIMD16<Float>()
    )
    var c1 = c0
    let full = rows == mr && columns == nr
    if !readsC {
      // C starts at zero: nothing to read.
    } else if full {
      c0.0 = load(c); c1.0 = load(c + 16)
      c0.1 = load(c + ldc); c1.1 = load(c + ldc + 16)
      c0.2 = load(c + 2 * ldc); c1.2 = load(c + 2 * ldc + 16)
      c0.3 = load(c + 3 * ldc); c1.3 = load(c + 3 * ldc + 16)
      c0.4 = load(c + 4 * ldc); c1.4 = load(c + 4 * ldc + 16)
      c0.5 = load(c + 5 * ldc); c1.5 = load(c + 5 * ldc + 16)
      c0.6 = load(c + 6 * ldc); c1.6 = load(c + 6 * ldc + 16)
      c0.7 = load(c + 7 * ldc); c1.7 = load(c + 7 * ldc + 16)
    } else {
      // A ragged edge tile: go through a zero-padded tile on the stack.
      withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { buffer in
        let p = buffer.baseAddress!
        p.update(repeating: 0, count: mr * nr)
        for r in 0..<rows { (p + r * nr).update(from: c + r * ldc, count: columns) }
        c0.0 = load(p); c1.0 = load(p + 16); c0.1 = load(p + 32); c1.1 = load(p + 48)
        c0.2 = load(p + 64); c1.2 = load(p + 80); c0.3 = load(p + 96); c1.3 = load(p + 112)
        c0.4 = load(p + 128); c1.4 = load(p + 144); c0.5 = load(p + 160); c1.5 = load(p + 176)
        c0.6 = load(p + 192); c1.6 = load(p + 208); c0.7 = load(p + 224); c1.7 = load(p + 240)
      }
    }
    var pa = a
    var pb = b
    for _ in 0..<k {
      let b0 = load(pb)
      let b1 = load(pb + 16)
      fma(&c0.0, &c1.0, pa[0], b0, b1)
      fma(&c0.1, &c1.1, pa[1], b0, b1)
      fma(&c0.2, &c1.2, pa[2], b0, b1)
      fma(&c0.3, &c1.3, pa[3], b0, b1)
      fma(&c0.4, &c1.4, pa[4], b0, b1)
      fma(&c0.5, &c1.5, pa[5], b0, b1)
      fma(&c0.6, &c1.6, pa[6], b0, b1)
      fma(&c0.7, &c1.7, pa[7], b0, b1)
      pa += mr
      pb += bStride
    }
    if full {
      store(c0.0, c); store(c1.0, c + 16)
      store(c0.1, c + ldc); store(c1.1, c + ldc + 16)
      store(c0.2, c + 2 * ldc); store(c1.2, c + 2 * ldc + 16)
      store(c0.3, c + 3 * ldc); store(c1.3, c + 3 * ldc + 16)
      store(c0.4, c + 4 * ldc); store(c1.4, c + 4 * ldc + 16)
      store(c0.5, c + 5 * ldc); store(c1.5, c + 5 * ldc + 16)
      store(c0.6, c + 6 * ldc); store(c1.6, c + 6 * ldc + 16)
      store(c0.7, c + 7 * ldc); store(c1.7, c + 7 * ldc + 16)
    } else {
      withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { buffer in
        let p = buffer.baseAddress!
        store(c0.0, p); store(c1.0, p + 16); store(c0.1, p + 32); store(c1.1, p + 48)
        store(c0.2, p + 64); store(c1.2, p + 80); store(c0.3, p + 96); store(c1.3, p + 112)
        store(c0.4, p + 128); store(c1.4, p + 144); store(c0.5, p + 160); store(c1.5, p + 176)
        store(c0.6, p + 192); store(c1.6, p + 208); store(c0.7, p + 224); store(c1.7, p + 240)
        for r in 0..<rows { (c + r * ldc).update(from: p + r * nr, count: columns) }
      }
    }
  }

  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
  }

  @inline(__always)
  static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> { load(UnsafePointer(p)) }

  @inline(__always)
  static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
  }

  /// c0 += a·b0, c1 += a·b1 with fused multiply-adds where the target has them.
  @inline(__always)
  static func fma(
    _ c0: inout SIMD16<Float>, _ c1: inout SIMD16<Float>, _ a: Float, _ b0: SIMD16<Float>, _ b1: SIMD16<Float>
  ) {
    #if arch(x86_64)
      c0.addProduct(SIMD16(repeating: a), b0)
      c1.addProduct(SIMD16(repeating: a), b1)
    #else
      c0 += SIMD16(repeating: a) * b0
      c1 += SIMD16(repeating: a) * b1
    #endif
  }
}
