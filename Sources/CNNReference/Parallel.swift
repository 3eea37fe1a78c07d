import Dispatch

/// Work split into a fixed number of contiguous chunks. Chunk boundaries depend only on the total
/// and the chunk count, and every output element is written by exactly one chunk with one fixed
/// reduction order, so results are bit-identical for every thread count.
///
/// Dispatch's `concurrentPerform` is used rather than structured concurrency: the kernels are
/// synchronous, CPU-bound loops over raw buffers, and `concurrentPerform` runs the chunks on the
/// calling thread plus the pool without task allocation or `async` colouring of the engine.
enum Parallel {
  /// The half-open range of chunk `index` of `count` chunks over `0..<total`, aligned to `alignment`.
  static func chunk(_ index: Int, of count: Int, total: Int, alignment: Int = 1) -> Range<Int> {
    let units = (total + alignment - 1) / alignment
    let start = units * index / count * alignment
    let end = min(total, units * (index + 1) / count * alignment)
    return min(start, total)..<end
  }

  /// How many chunks an element-wise pass over `elements` floats is split into: one below 64 Ki
  /// elements (starting threads would cost more than they save), otherwise `threads`, at most
  /// `units` (the pieces that cannot be split, such as planes) and at least one.
  static func chunkCount(elements: Int, threads: Int, units: Int = .max) -> Int {
    elements < 1 << 16 ? 1 : max(1, min(threads, units))
  }

  /// Runs `body(chunk)` for `chunks` chunks, on up to `chunks` threads; one chunk runs inline.
  static func run(chunks: Int, _ body: (Int) -> Void) {
    if chunks <= 1 {
      body(0)
      return
    }
    withoutActuallyEscaping(body) { escapable in
      // Safe to share: chunks write disjoint parts of their outputs, read-only inputs are not
      // modified while the loop runs, and concurrentPerform returns only after every chunk ends.
      nonisolated(unsafe) let work = escapable
      DispatchQueue.concurrentPerform(iterations: chunks) { work($0) }
    }
  }
}
