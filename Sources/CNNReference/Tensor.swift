/// A dense fp32 tensor in NC(D)(H)W order: `shape` is [batch, channels, spatial…] (or
/// [batch, features] when flat), elements row-major with the last axis fastest.
public struct Tensor: Sendable {
  /// Extents, batch first.
  public var shape: [Int]
  /// The elements, `shape` product of them.
  public var data: [Float]

  /// A tensor of zeros.
  public init(zeros shape: [Int]) {
    self.shape = shape
    data = [Float](repeating: 0, count: shape.reduce(1, *))
  }

  /// A tensor whose elements the caller overwrites before reading any (kernels that write every
  /// output element once): skips the zero fill.
  init(uninitialized shape: [Int]) {
    self.shape = shape
    let count = shape.reduce(1, *)
    data = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
  }

  /// A tensor with the given elements.
  public init(shape: [Int], data: [Float]) {
    precondition(shape.reduce(1, *) == data.count, "Tensor data does not match its shape")
    self.shape = shape
    self.data = data
  }

  /// Batch size.
  public var batch: Int { shape[0] }
  /// Channels (features when flat).
  public var channels: Int { shape[1] }
  /// The spatial extents (empty when flat).
  public var spatial: [Int] { Array(shape.dropFirst(2)) }
  /// Elements per channel of one sample.
  public var plane: Int { spatial.reduce(1, *) }
  /// Bytes of fp32 storage.
  public var bytes: Int { data.count * 4 }
}

/// Spatial extents padded to three axes (depth, height, width) with leading 1s, so that kernels are
/// written once for 1-D, 2-D and 3-D tensors.
struct Extent3: Equatable {
  var d: Int, h: Int, w: Int

  init(_ values: [Int], fill: Int = 1) {
    precondition(values.count <= 3, "at most three spatial axes")
    let padded = Array(repeating: fill, count: 3 - values.count) + values
    d = padded[0]
    h = padded[1]
    w = padded[2]
  }

  init(d: Int, h: Int, w: Int) {
    self.d = d
    self.h = h
    self.w = w
  }

  var volume: Int { d * h * w }
  var array: [Int] { [d, h, w] }
}
