/// Gathers blocks of the im2col matrix of a convolution straight into GEMM micro-panels.
///
/// Row r of the (virtual) matrix is one kernel tap of one channel, (c, z, y, x); column p is one
/// output position; the entry is the input element that tap of window p reads, or 0 in padding.
struct Im2colGather: @unchecked Sendable {
  // Unchecked Sendable: read-only views of the input and the plan, shared by the GEMM's threads.
  let input: UnsafePointer<Float>
  let extent: Extent3
  let plan: WindowPlan
  /// For each width tap: the first output column whose input column is inside the row, the end of
  /// those columns, and the input column the first one reads.
  let spans: [(first: Int, end: Int, source: Int)]

  init(input: UnsafePointer<Float>, extent: Extent3, plan: WindowPlan) {
    self.input = input
    self.extent = extent
    self.plan = plan
    let pw = plan.axes[2]
    spans = (0..<pw.kernel).map { x in
      var first = 0
      while first < pw.count, pw.starts[first] + x * pw.dilation < 0 { first += 1 }
      var end = pw.count
      while end > first, pw.starts[end - 1] + x * pw.dilation >= extent.w { end -= 1 }
      return (first, end, first < end ? pw.starts[first] + x * pw.dilation : 0)
    }
  }

  /// Writes row `row`, columns `columns` of the im2col matrix to `line`.
  func row(_ row: Int, columns: Range<Int>, into line: UnsafeMutablePointer<Float>) {
    let (pd, ph, pw) = (plan.axes[0], plan.axes[1], plan.axes[2])
    let taps = pd.kernel * ph.kernel * pw.kernel
    let (c, tap) = (row / taps, row % taps)
    let (z, y, x) = (tap / (ph.kernel * pw.kernel), (tap / pw.kernel) % ph.kernel, tap % pw.kernel)
    let channel = input + c * extent.volume
    let (first, end, source) = spans[x]
    let (oh, ow) = (ph.count, pw.count)
    let step = pw.stride
    var column = columns.lowerBound
    var written = 0
    while column < columns.upperBound {
      let outputRow = column / ow
      let startX = column % ow
      let stopX = min(ow, startX + columns.upperBound - column)
      let destination = line + written - startX
      let iz = pd.starts[outputRow / oh] + z * pd.dilation
      let iy = ph.starts[outputRow % oh] + y * ph.dilation
      if iz < 0 || iz >= extent.d || iy < 0 || iy >= extent.h || first >= end {
        (destination + startX).update(repeating: 0, count: stopX - startX)
      } else {
        let from = max(startX, first)
        let to = min(stopX, end)
        if from > startX { (destination + startX).update(repeating: 0, count: min(from, stopX) - startX) }
        if from < to {
          let lineStart = channel + (iz * extent.h + iy) * extent.w + source + (from - first) * step
          if step == 1 {
            (destination + from).update(from: lineStart, count: to - from)
          } else if step == 2 {
            // Stride 2: sixteen outputs from 32 contiguous inputs, keeping the even lanes, while
            // those 32 lie inside the input row.
            let count = to - from
            let rowEnd = channel + (iz * extent.h + iy + 1) * extent.w
            var offset = 0
            while offset + 16 <= count, lineStart + offset * 2 + 32 <= rowEnd {
              let pair = UnsafeRawPointer(lineStart + offset * 2).loadUnaligned(as: SIMD32<Float>.self)
              UnsafeMutableRawPointer(destination + from + offset).storeBytes(of: pair.evenHalf, as: SIMD16<Float>.self)
              offset += 16
            }
            while offset < count {
              destination[from + offset] = lineStart[offset * 2]
              offset += 1
            }
          } else {
            for offset in 0..<(to - from) { destination[from + offset] = lineStart[offset * step] }
          }
        }
        let zeroFrom = max(to, startX)
        if zeroFrom < stopX { (destination + zeroFrom).update(repeating: 0, count: stopX - zeroFrom) }
      }
      written += stopX - startX
      column += stopX - startX
    }
  }

  /// The GEMM's B packer: rows `depth`, columns `columns`, into nr-wide micro-panels.
  func pack(_ depth: Range<Int>, _ columns: Range<Int>, _ nr: Int, _ packed: UnsafeMutablePointer<Float>) {
    let kc = depth.count
    let width = columns.count
    let line = UnsafeMutablePointer<Float>.allocate(capacity: width + nr)
    defer { line.deallocate() }
    line.update(repeating: 0, count: width + nr)
    for (p, r) in depth.enumerated() {
      row(r, columns: columns, into: line)
      var panel = 0
      while panel * nr < width {
        let target = packed + panel * nr * kc + p * nr
        let count = min(nr, width - panel * nr)
        target.update(from: line + panel * nr, count: count)
        if count < nr { (target + count).update(repeating: 0, count: nr - count) }
        panel += 1
      }
    }
  }
}
