/// Where a micro-kernel finds the rows of its B micro-panel, one per k step in increasing k: each
/// row is nr floats (the tile's columns) starting at the pointer `next()` returns.
public protocol PanelRows {
  /// The current row's first float; moves on to the next row.
  mutating func next() -> UnsafePointer<Float>
}

/// Rows `stride` floats apart from `base`: a packed micro-panel (stride nr) or a row-major block
/// read in place (stride: its leading dimension).
@frozen
public struct StridedRows: PanelRows {
  @usableFromInline var current: UnsafePointer<Float>
  @usableFromInline let stride: Int

  @inlinable
  public init(_ base: UnsafePointer<Float>, stride: Int) {
    current = base
    self.stride = stride
  }

  @inlinable @inline(__always)
  public mutating func next() -> UnsafePointer<Float> {
    defer { current += stride }
    return current
  }
}

/// Rows wherever a table of pointers says, row p at `table[p]`: an implicit GEMM whose B rows are
/// read where they already lie (a stride-1 convolution's input rows) rather than copied together.
@frozen
public struct IndirectRows: PanelRows {
  @usableFromInline var table: UnsafePointer<UnsafePointer<Float>>

  @inlinable
  public init(_ table: UnsafePointer<UnsafePointer<Float>>) { self.table = table }

  @inlinable @inline(__always)
  public mutating func next() -> UnsafePointer<Float> {
    defer { table += 1 }
    return table.pointee
  }
}
