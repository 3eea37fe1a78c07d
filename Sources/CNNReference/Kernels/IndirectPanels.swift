import CCPUFeatures

/// B's micro-panels pointed at rather than gathered (`GEMM.BSource.indirect`): the rows of an
/// im2col panel that are runs of consecutive input elements are read where they lie.
///
/// With stride 1 along the width, the nr output positions of a panel that lie on one output line
/// read, for one tap of one channel, consecutive elements of one input line; on consecutive
/// output lines, consecutive input lines, which are contiguous in memory when the padding keeps
/// the width (W_out = W_in). A row is read in place when its positions all read inside the input
/// and those reads are one run; otherwise it is copied into the panel's scratch, zeros where the
/// window lies in the padding. Either way its values, and so every sum, are the gather's.
extension Im2colGather {
  /// One output line's part of a panel, for one tap: panel columns `start..<start + count`; of
  /// them `from..<to` read inside the input, starting at plane offset `source` for column `from`.
  struct Segment {
    var start: Int
    var count: Int
    var from: Int
    var to: Int
    var source: Int
  }

  /// The GEMM's B panel indexer: rows `depth` of the columns `columns` (one micro-panel, at most nr
  /// positions), each pointed at in the input or written into `scratch` (rows `ld` apart, up to 7
  /// floats past the columns) and pointed at there.
  func panel(
    _ depth: Range<Int>, _ columns: Range<Int>, _ table: UnsafeMutablePointer<UnsafePointer<Float>>,
    _ scratch: UnsafeMutablePointer<Float>, _ ld: Int
  ) {
    guard step == 1 else {
      // Strided along the width: no row is a run; all gathered.
      rows(depth, columns, scratch, ld)
      for p in 0..<depth.count { table[p] = UnsafePointer(scratch + p * ld) }
      return
    }
    let taps = kernel.d * kernel.h * kernel.w
    let lines = (columns.lowerBound % outputWidth + columns.count + outputWidth - 1) / outputWidth
    withUnsafeTemporaryAllocation(of: Segment.self, capacity: taps * lines) { segments in
      // inPlace[t]: tap t's plane offset for column 0 when its row is read in place, else -1.
      withUnsafeTemporaryAllocation(of: Int.self, capacity: taps) { inPlace in
        describe(columns, lines: lines, segments: segments.baseAddress!, inPlace: inPlace.baseAddress!)
        let (firstChannel, firstTap) = depth.lowerBound.quotientAndRemainder(dividingBy: taps)
        var plane = input + firstChannel * extent.volume
        // The last input offset whose 48 floats lie inside the input (negative: too small to bother).
        let lastAhead = (inputEnd - input) - 48
        var p = 0
        var tap = firstTap
        // Channel by channel, its taps from `tap` on.
        while p < depth.count {
          let end = min(taps, tap + depth.count - p)
          // The next panel reads the nr floats after these (the other width taps a few floats
          // further): lines of 48 floats from each first width tap's cover them. (Addresses kept
          // inside the input, though a prefetch never faults.)
          for line in stride(from: (tap + kernel.w - 1) / kernel.w * kernel.w, to: end, by: kernel.w)
          where lastAhead >= 0 {
            let offset = (plane - input) + segments[line * lines + lines - 1].source + columns.count
            let ahead = input + max(0, min(lastAhead, offset))
            cnncalc_prefetch(ahead)
            cnncalc_prefetch(ahead + 16)
            cnncalc_prefetch(ahead + 32)
          }
          for t in tap..<end {
            let offset = inPlace[t]
            if offset >= 0 {
              table[p] = plane + offset
            } else {
              let target = scratch + p * ld
              for segment in segments[(t * lines)..<(t * lines + lines)] { fill(target, segment, from: plane) }
              table[p] = UnsafePointer(target)
            }
            p += 1
          }
          tap = 0
          plane += extent.volume
        }
      }
    }
  }

  /// Every tap's segments for the panel `columns` (`lines` of them per tap, tap t's at
  /// `segments + t · lines`), and whether the tap's row is one run read in place.
  private func describe(
    _ columns: Range<Int>, lines: Int, segments: UnsafeMutablePointer<Segment>, inPlace: UnsafeMutablePointer<Int>
  ) {
    let (firstLine, x0) = columns.lowerBound.quotientAndRemainder(dividingBy: outputWidth)
    var tap = 0
    for z in 0..<kernel.d {
      for y in 0..<kernel.h {
        for x in 0..<kernel.w {
          let (first, end, source) = spans[x]
          var (start, lineStart, whole) = (0, x0, true)
          for line in 0..<lines {
            let (od, oy) = (firstLine + line).quotientAndRemainder(dividingBy: outputHeight)
            let count = min(outputWidth - lineStart, columns.count - start)
            let iz = depthStarts[od] + z * dilation.d
            let iy = heightStarts[oy] + y * dilation.h
            let inside = iz >= 0 && iz < extent.d && iy >= 0 && iy < extent.h
            // Clamped to the segment: the first output inside may lie past it (a causal
            // dilation's padding, WaveNet's 512 zeros, is longer than a panel).
            let from = min(count, max(0, first - lineStart))
            let to = inside ? max(from, min(count, end - lineStart)) : from
            let segment = Segment(
              start: start, count: count, from: from, to: to,
              source: (iz * extent.h + iy) * extent.w + source + lineStart + from - first)
            let previous = line > 0 ? segments[tap * lines + line - 1] : nil
            whole =
              whole && from == 0 && to == count
              && (previous.map { $0.source + $0.to == segment.source } ?? true)
            segments[tap * lines + line] = segment
            (start, lineStart) = (start + count, 0)
          }
          inPlace[tap] = whole ? segments[tap * lines].source : -1
          tap += 1
        }
      }
    }
  }

  /// Writes one segment of a copied row into `target` (the row's column 0): the plane's values
  /// where the window lies inside, zeros elsewhere. The copy and the zeros after it may write up to
  /// 7 floats past their ends; segments are written left to right, each over the previous one's
  /// overrun, and the last one's lands in the row's slack.
  @inline(__always)
  private func fill(_ target: UnsafeMutablePointer<Float>, _ segment: Segment, from plane: UnsafePointer<Float>) {
    // Debug builds check the bounds a heap overrun of the scratch row would break.
    assert(0 <= segment.from && segment.from <= segment.to && segment.to <= segment.count)
    let row = target + segment.start
    for column in 0..<segment.from { row[column] = 0 }
    if segment.from < segment.to {
      copy(plane + segment.source, to: row + segment.from, count: segment.to - segment.from)
    }
    Self.zero(row + segment.to, count: segment.count - segment.to)
  }
}
