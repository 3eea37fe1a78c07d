/// The engine's arithmetic inner loops compiled for one instruction set, with the tile shape they
/// were written for. The engine's loops, packing and bookkeeping are portable code; only these
/// entry points differ between sets. Each set lives in its own module, which instantiates
/// `MicroKernels` for its vector width and is built for its own target (CNNKernelsPortable,
/// CNNKernelsX86V3, CNNKernelsX86V4), so that no vector instruction beyond the baseline appears
/// outside code that is only called after the processor was asked (CNNReference's
/// `KernelSelection`).
///
/// Within a set, every C element of a product accumulates its k terms in increasing k order in one
/// register lane, whatever the tile or thread count. Sets that fuse multiply-adds (v3, v4) give
/// bit-identical results to each other; the portable set rounds each product before adding it, so
/// its results differ from theirs in the last bits.
public struct KernelSet: Sendable, CustomStringConvertible {
  /// C tile (rows × columns of an mr × nr tile, at `c` with rows `ldc` apart) += A micro-panel ·
  /// B micro-panel over depth `k`. A holds mr values per k; B holds nr values per k, `bStride`
  /// apart. Tiles of at most nr / 2 columns take half the multiply-adds (one vector per row). With `readsC` false, C's previous contents are neither read nor needed. `epilogue` acts
  /// on the sums before they are stored (row r of the tile takes its parameters' element r).
  public typealias MicroKernel =
    @Sendable (
      _ k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ bStride: Int, _ c: UnsafeMutablePointer<Float>,
      _ ldc: Int, _ rows: Int, _ columns: Int, _ readsC: Bool, _ epilogue: TileEpilogue
    ) -> Void

  /// The micro-kernel on a whole mr × nr tile whose B rows are read where a table points
  /// (`IndirectRows`): row p of the micro-panel, nr floats, at `rows[p]`; at most `rows` rows of C stored. Same sums in the same
  /// order as `MicroKernel` on the same values.
  public typealias IndirectKernel =
    @Sendable (
      _ k: Int, _ a: UnsafePointer<Float>, _ rows: UnsafePointer<UnsafePointer<Float>>,
      _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ rows: Int, _ readsC: Bool, _ epilogue: TileEpilogue
    ) -> Void

  /// One column of C for up to eight row tiles of packed A (`MicroKernels.column`): (C +)= A · b
  /// over depth `k`, the tiles' micro-panels `panelStride` apart, b's values `bStride` apart, at
  /// most `rows` rows stored, `epilogue` applied as by the micro-kernel. For the last columns of a
  /// ragged panel.
  public typealias ColumnKernel =
    @Sendable (
      _ k: Int, _ a: UnsafePointer<Float>, _ panelStride: Int, _ tiles: Int, _ b: UnsafePointer<Float>,
      _ bStride: Int, _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ rows: Int, _ readsC: Bool,
      _ epilogue: TileEpilogue
    ) -> Void

  /// y[0..<count] += scale · x[0..<count], in index order.
  public typealias Axpy =
    @Sendable (
      _ count: Int, _ scale: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>
    ) -> Void

  /// One plane of a depthwise convolution from its zero-padded, phase-split input
  /// (`DepthwiseGeometry`, tap t at `tapOffsets[t]`): `output` (rows × columns) = the taps'
  /// weighted sums, each accumulated in tap order from zero, or added to `output` when
  /// `accumulates`.
  public typealias DepthwisePlane =
    @Sendable (
      _ geometry: DepthwiseGeometry, _ weights: UnsafePointer<Float>, _ tapOffsets: UnsafePointer<Int>,
      _ phases: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ accumulates: Bool
    ) -> Void

  /// x[0..<count] = f(x) for a function built on eˣ, in place.
  public typealias Elementwise =
    @Sendable (_ function: VectorFunction, _ count: Int, _ x: UnsafeMutablePointer<Float>) -> Void

  /// Runs `iterations` rounds of sixteen independent vector multiply-adds of this set's width and
  /// returns a value that depends on all of them; the peak probe times it.
  public typealias PeakLoop = @Sendable (_ iterations: Int, _ seed: Float) -> Float

  /// The instruction-set level, as `CNNCALC_KERNELS` names it: `portable`, `x86-64-v3`, `x86-64-v4`.
  public let name: String
  /// What the set uses, for people: "AVX-512F, FMA; 8 × 32 tile".
  public let summary: String
  /// Micro-tile height: rows of A (and C) one micro-kernel call covers.
  public let mr: Int
  /// Micro-tile width: columns of B (and C) one micro-kernel call covers.
  public let nr: Int
  /// Rows of A in one packed block; a multiple of `mr`.
  public let mc: Int
  /// Floating-point operations one `peakLoop` iteration performs (2 per lane per multiply-add).
  public let flopsPerPeakIteration: Int
  public let microKernel: MicroKernel
  /// The micro-kernel on an mr × (nr / 2) tile, one vector per row: for a ragged last panel of at
  /// most nr / 2 columns, half the multiply-adds of a whole tile. Each its own closure, so that
  /// each instantiation of `MicroKernels.tile` is inlined with its constants.
  public let halfKernel: MicroKernel
  public let indirectKernel: IndirectKernel
  public let columnKernel: ColumnKernel
  public let axpy: Axpy
  public let depthwisePlane: DepthwisePlane
  public let elementwise: Elementwise
  public let peakLoop: PeakLoop

  public init(
    name: String, summary: String, mr: Int, nr: Int, mc: Int, flopsPerPeakIteration: Int,
    microKernel: @escaping MicroKernel, halfKernel: @escaping MicroKernel,
    indirectKernel: @escaping IndirectKernel, columnKernel: @escaping ColumnKernel,
    axpy: @escaping Axpy,
    depthwisePlane: @escaping DepthwisePlane, elementwise: @escaping Elementwise, peakLoop: @escaping PeakLoop
  ) {
    precondition(mc % mr == 0, "mc must be a multiple of mr")
    self.name = name
    self.summary = summary
    self.mr = mr
    self.nr = nr
    self.mc = mc
    self.flopsPerPeakIteration = flopsPerPeakIteration
    self.microKernel = microKernel
    self.halfKernel = halfKernel
    self.indirectKernel = indirectKernel
    self.columnKernel = columnKernel
    self.axpy = axpy
    self.depthwisePlane = depthwisePlane
    self.elementwise = elementwise
    self.peakLoop = peakLoop
  }

  public var description: String { "\(name) (\(summary))" }
}
