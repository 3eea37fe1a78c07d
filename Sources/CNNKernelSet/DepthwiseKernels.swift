/// Where one plane of a depthwise convolution reads its input. The input plane has been copied,
/// zero-padded, into `columnStride` phase planes: phase p holds the padded columns p, p + s,
/// p + 2s, … (s = `columnStride`), so that the taps of consecutive outputs, s columns apart in the
/// input, are adjacent in one phase plane and an output row is a sum of contiguous vectors.
/// Output (y, x), tap (ky, kx) reads padded row y·`rowStride` + ky·`rowDilation` and padded
/// column x·s + kx·`columnDilation`, that is phase (kx·d) mod s, phase column x + ⌊kx·d / s⌋.
public struct DepthwiseGeometry: Sendable, Equatable {
  /// Output rows and columns of the plane.
  public var rows: Int
  public var columns: Int
  public var kernelRows: Int
  public var kernelColumns: Int
  /// Padded-input rows between consecutive output rows, and between consecutive kernel rows.
  public var rowStride: Int
  public var rowDilation: Int
  /// Padded-input columns between consecutive outputs (the number of phase planes), and between
  /// consecutive kernel columns.
  public var columnStride: Int
  public var columnDilation: Int
  /// Rows of the padded input the plane reads, and floats per row of one phase plane.
  public var phaseRows: Int
  public var phaseWidth: Int

  public init(
    rows: Int, columns: Int, kernelRows: Int, kernelColumns: Int, rowStride: Int, rowDilation: Int,
    columnStride: Int, columnDilation: Int
  ) {
    self.rows = rows
    self.columns = columns
    self.kernelRows = kernelRows
    self.kernelColumns = kernelColumns
    self.rowStride = rowStride
    self.rowDilation = rowDilation
    self.columnStride = columnStride
    self.columnDilation = columnDilation
    phaseRows = (rows - 1) * rowStride + (kernelRows - 1) * rowDilation + 1
    let paddedColumns = (columns - 1) * columnStride + (kernelColumns - 1) * columnDilation + 1
    phaseWidth = (paddedColumns + columnStride - 1) / columnStride
  }

  /// Floats in one phase plane.
  public var phaseSize: Int { phaseRows * phaseWidth }
  /// Floats the phase planes take, with room after them for the widest vector a kernel loads past
  /// the last column it needs (its extra lanes are computed and discarded).
  public var bufferSize: Int { columnStride * phaseSize + 64 }

  /// Where tap t = ky·kernelColumns + kx of output (0, 0) is, relative to the phase planes' start.
  public func tapOffset(_ t: Int) -> Int {
    let (ky, kx) = t.quotientAndRemainder(dividingBy: kernelColumns)
    let shift = kx * columnDilation
    return ky * rowDilation * phaseWidth + (shift % columnStride) * phaseSize + shift / columnStride
  }
}

extension MicroKernels {
  /// One plane of a depthwise convolution: out[y, x] = Σ_t weights[t] · input at tap t, the taps
  /// in order (t = ky·kernelColumns + kx) into an accumulator that starts at zero, or at the
  /// output's value when `accumulates` (the next depth slice of a 3-D kernel), one vector of
  /// outputs along a row at a time. Reads `phases` laid out as `geometry` says, tap t at
  /// `tapOffsets[t]` (`geometry.tapOffset(t)`) from an output's position; writes rows × columns
  /// floats at `output`.
  @inlinable @inline(__always)
  public static func depthwisePlane<V: SIMD>(
    _: V.Type, fused: Bool, _ geometry: DepthwiseGeometry, weights: UnsafePointer<Float>,
    tapOffsets offsets: UnsafePointer<Int>, phases: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    accumulates: Bool
  ) where V.Scalar == Float {
    // No closures here (no temporary allocation, no `withUnsafe…`): a closure becomes a function
    // of its own, named after this module, which scripts/isa-check.sh would find outside the sets.
    let w = lanes(V.self)
    let taps = geometry.kernelRows * geometry.kernelColumns
    for y in 0..<geometry.rows {
      let row = phases + y * geometry.rowStride * geometry.phaseWidth
      let out = output + y * geometry.columns
      var x = 0
      while x < geometry.columns {
        let count = min(w, geometry.columns - x)
        var sum = V()
        if accumulates { sum = count == w ? load(out + x) : loadPartial(out + x, count) }
        for t in 0..<taps {
          multiplyAdd(&sum, V(repeating: weights[t]), load(row + x + offsets[t]), fused: fused)
        }
        if count == w { store(sum, out + x) } else { storePartial(sum, out + x, count) }
        x += w
      }
    }
  }
}
