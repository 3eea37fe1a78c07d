/// Gathers blocks of the im2col matrix of a convolution, row by row, for the GEMM to read in place.
///
/// Row r of the (virtual) matrix is one kernel tap of one channel, (c, z, y, x); column p is one
/// output position; the entry is the input element that tap of window p reads, or 0 in padding.
///
/// The rows of late convolutions are short runs (a 7 × 7 output: seven runs of seven), so the
/// gather copies with 8-float vectors and plain loops rather than `memmove` and `memset`, whose
/// call costs more than such a run. Everything `write` reads is a stored property, so that the hot
/// loop neither copies the plan nor retains its arrays.
struct Im2colGather: @unchecked Sendable {
  // Unchecked Sendable: read-only views of the input and the plan, shared by the GEMM's threads.
  let input: UnsafePointer<Float>
  /// The end of the buffer `input` lies in: the gather may read whole vectors up to it.
  let inputEnd: UnsafePointer<Float>
  let extent: Extent3
  /// Kernel taps and dilations along depth, height and width.
  let kernel: (d: Int, h: Int, w: Int)
  let dilation: (d: Int, h: Int)
  /// Output extents along height and width.
  let outputHeight: Int
  let outputWidth: Int
  /// The input index (negative in the leading padding) each output depth and height starts at.
  let depthStarts: [Int]
  let heightStarts: [Int]
  /// Input columns between neighbouring outputs along the width.
  let step: Int
  /// For each width tap: the first output column whose input column is inside the row, the end of
  /// those columns, and the input column the first one reads.
  let spans: [(first: Int, end: Int, source: Int)]

  init(input: UnsafePointer<Float>, end: UnsafePointer<Float>, extent: Extent3, plan: WindowPlan) {
    self.input = input
    inputEnd = end
    self.extent = extent
    let (pd, ph, pw) = (plan.axes[0], plan.axes[1], plan.axes[2])
    kernel = (pd.kernel, ph.kernel, pw.kernel)
    dilation = (pd.dilation, ph.dilation)
    outputHeight = ph.count
    outputWidth = pw.count
    depthStarts = pd.starts
    heightStarts = ph.starts
    step = pw.stride
    spans = (0..<pw.kernel).map { x in
      var first = 0
      while first < pw.count, pw.starts[first] + x * pw.dilation < 0 { first += 1 }
      var end = pw.count
      while end > first, pw.starts[end - 1] + x * pw.dilation >= extent.w { end -= 1 }
      return (first, end, first < end ? pw.starts[first] + x * pw.dilation : 0)
    }
  }

  /// One row of the im2col matrix: an input channel and a kernel tap (z, y, x).
  struct Row {
    var channel: Int
    var z: Int
    var y: Int
    var x: Int
  }

  /// Row `index` of the im2col matrix.
  func row(_ index: Int) -> Row {
    let taps = kernel.d * kernel.h * kernel.w
    let tap = index % taps
    return Row(channel: index / taps, z: tap / (kernel.h * kernel.w), y: (tap / kernel.w) % kernel.h, x: tap % kernel.w)
  }

  /// The row after `row`: the next tap, the next channel after the last tap.
  func advance(_ row: inout Row) {
    row.x += 1
    guard row.x == kernel.w else { return }
    row.x = 0
    row.y += 1
    guard row.y == kernel.h else { return }
    row.y = 0
    row.z += 1
    guard row.z == kernel.d else { return }
    row.z = 0
    row.channel += 1
  }

  /// Writes row `row`, columns `columns` of the im2col matrix to `line`. May also write up to 7
  /// floats past the last column (the caller's line has room for them and clears them).
  func write(_ row: Row, columns: Range<Int>, into line: UnsafeMutablePointer<Float>) {
    let (z, y, x) = (row.z, row.y, row.x)
    let channel = input + row.channel * extent.volume
    let (first, end, source) = spans[x]
    let (oh, ow) = (outputHeight, outputWidth)
    var column = columns.lowerBound
    var written = 0
    // The output (depth, height) the current column lies on, advanced without dividing again.
    var (od, oy) = ((column / ow) / oh, (column / ow) % oh)
    var startX = column % ow
    while column < columns.upperBound {
      let stopX = min(ow, startX + columns.upperBound - column)
      let destination = line + written - startX
      let iz = depthStarts[od] + z * dilation.d
      let iy = heightStarts[oy] + y * dilation.h
      if iz < 0 || iz >= extent.d || iy < 0 || iy >= extent.h || first >= end {
        Self.zero(destination + startX, count: stopX - startX)
      } else {
        let from = max(startX, first)
        let to = min(stopX, end)
        if from > startX { Self.zero(destination + startX, count: min(from, stopX) - startX) }
        if from < to {
          let rowStart = channel + (iz * extent.h + iy) * extent.w
          let lineStart = rowStart + source + (from - first) * step
          if step == 1 {
            copy(lineStart, to: destination + from, count: to - from)
          } else {
            copyStrided(
              lineStart, step: step, to: destination + from, count: to - from, readableEnd: rowStart + extent.w)
          }
        }
        let zeroFrom = max(to, startX)
        if zeroFrom < stopX { Self.zero(destination + zeroFrom, count: stopX - zeroFrom) }
      }
      written += stopX - startX
      column += stopX - startX
      startX = 0
      oy += 1
      if oy == oh { (od, oy) = (od + 1, 0) }
    }
  }

  /// Copies `count` floats in 8-float vectors, writing up to 7 floats past `target + count`. The
  /// last vector is read whole while it lies inside the input, otherwise lane by lane (nothing
  /// past `inputEnd` is read).
  @inline(__always)
  func copy(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
    var offset = 0
    while offset + 8 <= count || (offset < count && source + offset + 8 <= inputEnd) {
      UnsafeMutableRawPointer(target + offset).storeBytes(
        of: UnsafeRawPointer(source + offset).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
      offset += 8
    }
    if offset < count {
      var last = SIMD8<Float>()
      for lane in 0..<(count - offset) { last[lane] = source[offset + lane] }
      UnsafeMutableRawPointer(target + offset).storeBytes(of: last, as: SIMD8<Float>.self)
    }
  }

  /// Zeros `count` floats in 8-float vectors (up to 7 floats past `target + count` too).
  @inline(__always)
  static func zero(_ target: UnsafeMutablePointer<Float>, count: Int) {
    var offset = 0
    while offset < count {
      UnsafeMutableRawPointer(target + offset).storeBytes(of: SIMD8<Float>(), as: SIMD8<Float>.self)
      offset += 8
    }
  }

  /// The GEMM's B row writer: rows `depth`, columns `columns`, row-major into `block`, rows `ld`
  /// apart (each row may be written up to 7 floats long).
  func rows(_ depth: Range<Int>, _ columns: Range<Int>, _ block: UnsafeMutablePointer<Float>, _ ld: Int) {
    var current = row(depth.lowerBound)
    for p in 0..<depth.count {
      write(current, columns: columns, into: block + p * ld)
      advance(&current)
    }
  }

  /// The im2col matrix's first `rows` rows and `columns` columns into `matrix`, rows `ld` apart
  /// (ld ≥ columns + 7: a row may be written up to 7 floats long), the rows split between threads.
  func matrix(rows: Int, columns: Int, into matrix: UnsafeMutablePointer<Float>, ld: Int, threads: Int) {
    nonisolated(unsafe) let matrix = matrix
    let chunks = Parallel.chunkCount(elements: rows * columns, threads: threads, units: rows)
    Parallel.run(chunks: chunks) { chunk in
      let chunkRows = Parallel.chunk(chunk, of: chunks, total: rows)
      guard !chunkRows.isEmpty else { return }
      self.rows(chunkRows, 0..<columns, matrix + chunkRows.lowerBound * ld, ld)
    }
  }
}
