import CNNKernelSet

extension ConvolutionKernel {
  /// How a convolution's GEMM path (`product`) runs: where each product takes B from, how the
  /// products and their threads are shared out, and how deep the packed weights' panels are.
  /// One decision, made from shapes alone, for the packing and the product alike.
  struct ProductLayout {
    /// Where B comes from.
    enum Source {
      /// The input itself (a 1 × 1 stride-1 unpadded convolution).
      case input
      /// Zero-padded planes on the extended grid (`PaddedPlanes`).
      case paddedPlanes
      /// The im2col matrix gathered once, its rows shared between threads.
      case gatheredOnce
      /// Rows pointed at in the input panel by panel (`Im2colGather.panel`).
      case pointed
      /// The im2col gathered block by block.
      case gathered
    }

    let source: Source
    /// Threads sharing out whole products (one per sample and group), and threads per product.
    let unitChunks: Int
    let gemmThreads: Int
    /// The depth of the weights' packed panels: all of k where B is pointed at and k is at most
    /// `deepestPanel` (one table per micro-panel, C loaded once), otherwise `GEMM.kc`.
    let panelDepth: Int

    /// Pointed products keep all of k in one panel up to this depth (VGG16's conv2_2: 1,152).
    static let deepestPanel = 1152

    /// The layout of `units` products (samples × groups) of `outputs` × (`inputs` · taps) weights
    /// on `threads` threads with `kernels`.
    init(plan: WindowPlan, inputs: Int, outputs: Int, units: Int, threads: Int, kernels: KernelSet) {
      // The products are shared out between threads whole when there are enough of them
      // (ResNeXt's 32 groups; the samples of a batch), each on one thread: small products are not
      // worth splitting, and whole ones spare a fork and join each. Otherwise each product is
      // split between the threads.
      (unitChunks, gemmThreads) = units >= threads ? (threads, 1) : (1, threads)
      let k = inputs * plan.kernelVolume
      let split = GEMM.split(m: outputs, k: k, n: plan.outputs.volume, threads: gemmThreads, kernels: kernels)
      let sharedByThreads = split.chunks > 1 && split.byRows
      let pointed = !sharedByThreads && readsInPlace(plan: plan, outputs: outputs, kernels: kernels)
      if plan.isPointwiseIdentity {
        source = .input
      } else if pointed && plan.outputs.w >= kernels.nr {
        // Output lines at least a panel wide: pointing at the rows costs less than filling
        // padded planes and compacting the extended product (VGG16's conv1_1 3.7 → 2.9 ms,
        // DenseNet-121's 32-channel 3 × 3 layers at 56 × 56 1.48 → 1.36).
        source = .pointed
      } else if readsPaddedPlanes(
        plan: plan, inputs: inputs, outputs: outputs, sharedByThreads: sharedByThreads, nr: kernels.nr)
      {
        source = .paddedPlanes
      } else if sharedByThreads {
        source = .gatheredOnce
      } else if pointed {
        source = .pointed
      } else {
        source = .gathered
      }
      panelDepth = source == .pointed && k <= Self.deepestPanel ? k : GEMM.kc
    }
  }
}
