import CNNKernelSet

extension ConvolutionKernel {
  /// The GEMM path of a convolution: per group and sample, C (output channels × positions) =
  /// weights (output channels × taps) · B (taps × positions), B being the input itself for a
  /// pointwise convolution and otherwise its im2col matrix; `epilogue` (its arrays indexed by
  /// output channel) finishes every tile.
  ///
  /// Where B comes from, and how the products share the threads, is `ProductLayout`'s decision:
  /// the input (pointwise), padded planes, the im2col matrix gathered once (a product with few
  /// positions, whose threads split the output channels and would each gather the same blocks:
  /// ResNet's 14 × 14 and 7 × 7 stages), rows pointed at in the input, or the im2col gathered block
  /// by block.
  static func product(
    _ input: Tensor, plan: WindowPlan, groups: Int, packed: PackedWeights, epilogue: TileEpilogue = .none,
    threads: Int, into output: inout Tensor
  ) {
    let (batch, channels, outputs) = (input.batch, input.channels, output.channels)
    let inExtent = Extent3(input.spatial)
    let (inGroup, outGroup) = (channels / groups, outputs / groups)
    let k = inGroup * plan.kernelVolume
    let n = plan.outputs.volume
    let units = batch * groups
    let layout = ProductLayout(
      plan: plan, inputs: inGroup, outputs: outGroup, units: units, threads: threads, kernels: packed.kernels)
    let (unitChunks, gemmThreads) = (layout.unitChunks, layout.gemmThreads)
    let fromPaddedPlanes = layout.source == .paddedPlanes
    let gathersOnce = layout.source == .gatheredOnce
    // Rows of the gathered matrix hold the 7 floats `Im2colGather.write` may write past a row.
    let ld = (n + 14) / 8 * 8
    let matrix = UnsafeMutablePointer<Float>.allocate(capacity: gathersOnce ? k * ld : 1)
    defer { matrix.deallocate() }
    input.data.withUnsafeBufferPointer { source in
      output.data.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let (source, out) = (source, out)
        Parallel.run(chunks: unitChunks) { chunk in
          let planes = fromPaddedPlanes ? PaddedPlanes(channels: inGroup, plan: plan) : nil
          let extended = UnsafeMutablePointer<Float>.allocate(capacity: outGroup * (planes?.extendedPositions ?? 0) + 1)
          defer {
            planes?.deallocate()
            extended.deallocate()
          }
          for unit in Parallel.chunk(chunk, of: unitChunks, total: units) {
            let (sample, group) = (unit / groups, unit % groups)
            let epilogue = epilogue.advanced(by: group * outGroup)
            let base = source.baseAddress! + (sample * channels + group * inGroup) * inExtent.volume
            let target = out.baseAddress! + (sample * outputs + group * outGroup) * n
            if let planes {
              planes.fill(from: base, extent: inExtent, plan: plan, threads: gemmThreads)
              let columns = planes.extendedPositions
              GEMM.multiply(
                packed: packed.groups[group], n: columns, c: extended, ldc: columns, threads: gemmThreads,
                overwrite: true, epilogue: epilogue, b: .rows(planes.rows))
              planes.compact(extended, rows: outGroup, into: target, threads: gemmThreads)
              continue
            }
            // B: the input of a 1x1 stride-1 unpadded convolution read directly; the im2col
            // matrix gathered once into memory; or, as the GEMM goes (an implicit GEMM), its
            // rows pointed at in the input panel by panel or gathered block by block.
            let b: GEMM.BSource
            if layout.source == .input {
              b = .matrix(base, ldb: n)
            } else {
              let gather = Im2colGather(
                input: base, end: source.baseAddress! + source.count, extent: inExtent, plan: plan)
              switch layout.source {
              case .gatheredOnce:
                gather.matrix(rows: k, columns: n, into: matrix, ld: ld, threads: gemmThreads)
                b = .matrix(matrix, ldb: ld)
              case .pointed: b = .indirect(gather.panel)
              default: b = .rows(gather.rows)
              }
            }
            GEMM.multiply(
              packed: packed.groups[group], n: n, c: target, ldc: n, threads: gemmThreads, overwrite: true,
              epilogue: epilogue, b: b)
          }
        }
      }
    }
  }

  /// Whether an implicit GEMM points at B's rows in the input (`Im2colGather.panel`) instead of
  /// gathering them block by block: stride 1 along the width (a panel's row is then a run of one
  /// input line, or of consecutive lines), at most one mc block of output channels, so that each
  /// panel is indexed once per kc panel (with more, the block gather serves every row block from
  /// one copy), and panels 32 columns wide (AVX-512), over which the table's cost spreads.
  /// Measured: VGG16's conv1_2 5–7 % faster, U-Net's 64-channel layers 5–11 %, ResNet-50 and
  /// GoogLeNet unchanged; with x86-64-v3's 16-column panels conv1_2 7 % slower, portable's 8
  /// columns 6 % slower.
  static func readsInPlace(plan: WindowPlan, outputs: Int, kernels: KernelSet) -> Bool {
    plan.axes[2].stride == 1 && outputs <= kernels.mc && kernels.nr >= 32
  }

  /// Whether a convolution may read B from padded planes (`PaddedPlanes`; `ProductLayout` prefers
  /// pointing at the rows where lines are a panel wide): stride 1, not pointwise,
  /// and either few positions that every thread would gather alike (`sharedByThreads`: ResNet's
  /// 14 × 14 3 × 3 layers, 9 % faster than a shared gather), a shallow im2col (at most 32 rows:
  /// VGG's first layer, 33 % faster), or at most 32 output channels, where each gathered float
  /// feeds so few multiply-adds that the gather dominates (ResNeXt's grouped 3 × 3 convolutions,
  /// 8 to 32 channels per group: a third faster; DenseNet's 32-channel growth layers); not for
  /// large planes of many channels, where the gather
  /// measured faster (VGG's conv3_x: the planes' fill and compaction cost more than the gather's
  /// bounds checks). Only where the extended grid costs at most 10 % more nr-wide column tiles
  /// than the outputs, and the planes and the extended product together take under 8 Mi floats.
  static func readsPaddedPlanes(plan: WindowPlan, inputs: Int, outputs: Int, sharedByThreads: Bool, nr: Int) -> Bool {
    guard PaddedPlanes.applies(to: plan), !plan.isPointwiseIdentity,
      sharedByThreads || inputs * plan.kernelVolume <= 32 || outputs <= 32
    else { return false }
    let extended = PaddedPlanes.extendedPositions(plan)
    let tiles = (plan.outputs.volume + nr - 1) / nr
    guard 10 * ((extended + nr - 1) / nr) <= 11 * tiles else { return false }
    return PaddedPlanes.floats(channels: inputs, plan: plan) + outputs * extended <= 1 << 23
  }
}
