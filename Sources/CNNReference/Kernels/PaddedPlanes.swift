/// A stride-1 convolution's input copied once into zero-padded planes, from which the GEMM's B rows
/// are plain copies instead of the im2col gather.
///
/// With stride 1, output (z, y, x) reads padded input (z, y, x) + tap · dilation, so on the
/// *extended grid*, where output positions are numbered like the padded planes
/// (e = (z · Hp + y) · Wp + x), im2col row (c, tap) is plane c read from offset
/// `tapOffsets[tap]` on: one contiguous run, with no bounds to check. The extended grid has
/// Wp − Wout (and Hp − Hout) columns per row that are not outputs; the product computes them too
/// and `compact` drops them. Row order, and so every sum's order, is the im2col gather's.
struct PaddedPlanes: @unchecked Sendable {
  // Unchecked Sendable: `storage` is written by `fill` before the GEMM reads it; threads fill
  // disjoint planes.
  /// Padded extents: the outputs plus the kernel's span minus one, per axis.
  let padded: Extent3
  let outputs: Extent3
  /// Where each tap (z, y, x in row-major order) reads, relative to its output's position.
  let tapOffsets: [Int]
  let channels: Int
  let storage: UnsafeMutablePointer<Float>
  /// Positions on the extended grid up to the last output: the product's column count.
  var extendedPositions: Int { Self.extendedPositions(outputs: outputs, padded: padded) }

  /// `extendedPositions` of the planes `plan` would have (nothing allocated).
  static func extendedPositions(_ plan: WindowPlan) -> Int {
    extendedPositions(outputs: plan.outputs, padded: paddedExtent(plan))
  }

  /// The extended-grid index of the last output, plus one.
  static func extendedPositions(outputs: Extent3, padded: Extent3) -> Int {
    ((outputs.d - 1) * padded.h + outputs.h - 1) * padded.w + outputs.w
  }

  /// The outputs plus the kernel's span minus one, per axis.
  static func paddedExtent(_ plan: WindowPlan) -> Extent3 {
    let extents = plan.axes.map { $0.count + ($0.kernel - 1) * $0.dilation }
    return Extent3(d: extents[0], h: extents[1], w: extents[2])
  }

  /// Whether `plan` is stride 1 on every axis.
  static func applies(to plan: WindowPlan) -> Bool { plan.axes.allSatisfy { $0.stride == 1 } }

  /// Floats the padded planes of `channels` channels take under `plan` (nothing allocated).
  static func floats(channels: Int, plan: WindowPlan) -> Int { channels * paddedExtent(plan).volume }

  init(channels: Int, plan: WindowPlan) {
    padded = Self.paddedExtent(plan)
    outputs = plan.outputs
    self.channels = channels
    let (pd, ph, pw) = (plan.axes[0], plan.axes[1], plan.axes[2])
    var offsets: [Int] = []
    for z in 0..<pd.kernel {
      for y in 0..<ph.kernel {
        for x in 0..<pw.kernel {
          offsets.append(((z * pd.dilation) * padded.h + y * ph.dilation) * padded.w + x * pw.dilation)
        }
      }
    }
    tapOffsets = offsets
    storage = UnsafeMutablePointer<Float>.allocate(capacity: max(1, channels * padded.volume))
  }

  func deallocate() { storage.deallocate() }

  /// Copies `channels` planes of `extent` from `input` (contiguous) into the padded planes, input
  /// element i along each axis at padded position i − start (start = the plan's first window
  /// start, ≤ 0); everything else zero. Threads split the planes.
  func fill(from input: UnsafePointer<Float>, extent: Extent3, plan: WindowPlan, threads: Int) {
    let before = (-plan.axes[0].starts[0], -plan.axes[1].starts[0], -plan.axes[2].starts[0])
    let (padded, storage) = (padded, storage)
    let chunks = Parallel.chunkCount(elements: channels * padded.volume, threads: threads, units: channels)
    Parallel.run(chunks: chunks) { chunk in
      for c in Parallel.chunk(chunk, of: chunks, total: channels) {
        let plane = storage + c * padded.volume
        plane.update(repeating: 0, count: padded.volume)
        let source = input + c * extent.volume
        // The input columns that land inside the padded row.
        let first = max(0, -before.2)
        let end = min(extent.w, padded.w - before.2)
        guard first < end else { continue }
        for z in 0..<extent.d where z + before.0 >= 0 && z + before.0 < padded.d {
          for y in 0..<extent.h where y + before.1 >= 0 && y + before.1 < padded.h {
            let row = plane + ((z + before.0) * padded.h + y + before.1) * padded.w + before.2
            (row + first).update(from: source + (z * extent.h + y) * extent.w + first, count: end - first)
          }
        }
      }
    }
  }

  /// The GEMM's B row writer: rows `depth` (channel, tap) and extended-grid columns `columns`,
  /// row-major into `block`, rows `ld` apart.
  func rows(_ depth: Range<Int>, _ columns: Range<Int>, _ block: UnsafeMutablePointer<Float>, _ ld: Int) {
    let taps = tapOffsets.count
    var (c, tap) = (depth.lowerBound / taps, depth.lowerBound % taps)
    for p in 0..<depth.count {
      let source = storage + c * padded.volume + tapOffsets[tap] + columns.lowerBound
      (block + p * ld).update(from: source, count: columns.count)
      tap += 1
      if tap == taps { (c, tap) = (c + 1, 0) }
    }
  }

  /// Copies the outputs of `rows` rows of an extended-grid product (rows `extendedPositions`
  /// apart) into `target` (rows of `outputs.volume`), dropping the extended grid's extra columns.
  /// Threads split the rows.
  func compact(_ product: UnsafePointer<Float>, rows: Int, into target: UnsafeMutablePointer<Float>, threads: Int) {
    let (ext, outputs, padded) = (extendedPositions, outputs, padded)
    let chunks = Parallel.chunkCount(elements: rows * outputs.volume, threads: threads, units: rows)
    Parallel.run(chunks: chunks) { chunk in
      for row in Parallel.chunk(chunk, of: chunks, total: rows) {
        for z in 0..<outputs.d {
          for y in 0..<outputs.h {
            (target + row * outputs.volume + (z * outputs.h + y) * outputs.w).update(
              from: product + row * ext + (z * padded.h + y) * padded.w, count: outputs.w)
          }
        }
      }
    }
  }
}
