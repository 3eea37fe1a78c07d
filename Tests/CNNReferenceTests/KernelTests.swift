import CNNFuzz
import CNNGraph
import CNNKernelSet
import CNNSpec
import Foundation
import Testing

@testable import CNNReference

/// Every kernel against a naive direct loop written here, over many random sizes.
@Suite struct KernelTests {

  static func randomValues(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
    (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
  }

  /// Where two results first differ (index, values), nil when they are identical bit for bit: a
  /// failure names one element instead of printing thousands.
  static func firstDifference(_ x: [Float], _ y: [Float]) -> String? {
    guard x.count == y.count else { return "\(x.count) against \(y.count) elements" }
    guard let i = x.indices.first(where: { x[$0].bitPattern != y[$0].bitPattern }) else { return nil }
    return "element \(i): \(x[i]) against \(y[i])"
  }

  /// The kernel sets this processor runs (every set on this machine, an x86-64-v4 processor).
  static let sets = KernelSelection.available.map(\.name)

  static func kernels(_ name: String) -> KernelSet { KernelSelection.available.first { $0.name == name }! }

  /// C += A·B against the triple loop, bit for bit: within a set every element accumulates its k
  /// products in increasing k order, fused (v3, v4: `addingProduct`, one rounding) or a rounded
  /// product then a rounded sum (portable). Sizes straddle the micro-tiles (6, 8 rows; 8, 16, 32
  /// columns), the kc = 256 panels and the few-rows path (m ≤ 4); one and two threads.
  @Test(arguments: sets) func gemmMatchesTripleLoopExactly(_ name: String) {
    let kernels = Self.kernels(name)
    let fused = name != "portable"
    var generator = SeededGenerator(state: 1)
    for trial in 0..<60 {
      let m = Int.random(in: 1...40, using: &generator)
      let n = Int.random(in: 1...80, using: &generator)
      let k = Int.random(in: 1...600, using: &generator)
      let a = Self.randomValues(m * k, &generator)
      let b = Self.randomValues(k * n, &generator)
      var c = Self.randomValues(m * n, &generator)
      var expected = c
      for i in 0..<m {
        for j in 0..<n {
          for p in 0..<k {
            let (x, y) = (a[i * k + p], b[p * n + j])
            expected[i * n + j] = fused ? expected[i * n + j].addingProduct(x, y) : expected[i * n + j] + x * y
          }
        }
      }
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer { pc in
            GEMM.multiply(
              m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n,
              threads: 1 + trial % 2, kernels: kernels)
          }
        }
      }
      #expect(Self.firstDifference(c, expected) == nil, "\(name) m \(m) n \(n) k \(k)")
    }
  }

  /// Runs `body` with a tile epilogue adding `bias` where given, then multiplying by `scale` and
  /// adding `shift` where `scale` is given, then clamping.
  static func withEpilogue(
    bias: [Float]?, scale: [Float]?, _ shift: [Float], _ clamp: TileEpilogue.Clamp, _ body: (TileEpilogue) -> Void
  ) {
    (bias ?? []).withUnsafeBufferPointer { pBias in
      (scale ?? []).withUnsafeBufferPointer { pScale in
        shift.withUnsafeBufferPointer { pShift in
          body(
            TileEpilogue(
              bias: bias == nil ? nil : pBias.baseAddress, scale: scale == nil ? nil : pScale.baseAddress,
              shift: scale == nil ? nil : pShift.baseAddress, clamp: clamp))
        }
      }
    }
  }

  /// The micro-kernel alone against the naive tile, bit for bit: every ragged edge (rows 1...mr,
  /// columns 1...nr; the half tile on up to nr / 2; the indirect kernel on whole-width tiles, its
  /// B rows found through a table), B read in place (a wider stride) or packed,
  /// C read or overwritten, and each
  /// epilogue (none, bias and ReLU, batch norm and ReLU6, bias and batch norm) applied as the
  /// separate passes would: a rounded sum, a rounded product and sum, then the clamp.
  @Test(arguments: sets) func microKernelMatchesNaiveTile(_ name: String) {
    let kernels = Self.kernels(name)
    let (mr, nr, fused) = (kernels.mr, kernels.nr, name != "portable")
    var generator = SeededGenerator(state: 11)
    for rows in 1...mr {
      for columns in 1...nr {
        let k = Int.random(in: 1...9, using: &generator)
        let bStride = nr + (columns % 2) * 5
        let ldc = nr + 3
        let readsC = (rows + columns) % 3 != 0
        let a = Self.randomValues(k * mr, &generator)
        let b = Self.randomValues(k * bStride, &generator)
        let c = Self.randomValues(mr * ldc, &generator)
        let (bias, scale, shift) = (
          Self.randomValues(mr, &generator), Self.randomValues(mr, &generator).map { 4 * $0 },
          Self.randomValues(mr, &generator)
        )
        let variant = (rows * nr + columns) % 4
        let (addsBias, normalizes) = (variant == 1 || variant == 3, variant >= 2)
        let clamp: TileEpilogue.Clamp = variant == 1 ? .relu : variant == 2 ? .relu6 : .none
        var expected = c
        for r in 0..<rows {
          for j in 0..<columns {
            var sum = readsC ? c[r * ldc + j] : 0
            for p in 0..<k {
              sum =
                fused ? sum.addingProduct(a[p * mr + r], b[p * bStride + j]) : sum + a[p * mr + r] * b[p * bStride + j]
            }
            if addsBias { sum = sum + bias[r] }
            if normalizes { sum = sum * scale[r] + shift[r] }
            if clamp != .none, sum < 0 { sum = 0 }
            if clamp == .relu6, sum > 6 { sum = 6 }
            expected[r * ldc + j] = sum
          }
        }
        // The half tile too, on the columns it takes.
        let variants = columns <= nr / 2 ? [kernels.microKernel, kernels.halfKernel] : [kernels.microKernel]
        for (index, kernel) in variants.enumerated() {
          var c = c
          a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
              c.withUnsafeMutableBufferPointer { pc in
                Self.withEpilogue(bias: addsBias ? bias : nil, scale: normalizes ? scale : nil, shift, clamp) {
                  kernel(k, pa.baseAddress!, pb.baseAddress!, bStride, pc.baseAddress!, ldc, rows, columns, readsC, $0)
                }
              }
            }
          }
          #expect(
            Self.firstDifference(c, expected) == nil,
            "\(name) \(index == 0 ? "tile" : "half tile") \(rows)×\(columns) k \(k) readsC \(readsC) epilogue \(variant)"
          )
        }
        // The indirect kernel (whole-width tiles) on the same B rows scattered in reverse order,
        // `nr + 3` floats apart, and found through a table.
        guard columns == nr else { continue }
        var scattered = [Float](repeating: .nan, count: k * (nr + 3))
        for p in 0..<k { for j in 0..<nr { scattered[(k - 1 - p) * (nr + 3) + j] = b[p * bStride + j] } }
        var indirect = c
        scattered.withUnsafeBufferPointer { ps in
          let table = (0..<k).map { p in ps.baseAddress! + (k - 1 - p) * (nr + 3) }
          a.withUnsafeBufferPointer { pa in
            indirect.withUnsafeMutableBufferPointer { pc in
              Self.withEpilogue(bias: addsBias ? bias : nil, scale: normalizes ? scale : nil, shift, clamp) {
                kernels.indirectKernel(k, pa.baseAddress!, table, pc.baseAddress!, ldc, rows, readsC, $0)
              }
            }
          }
        }
        #expect(
          Self.firstDifference(indirect, expected) == nil,
          "\(name) indirect tile \(rows)×\(columns) k \(k) readsC \(readsC) epilogue \(variant)")
      }
    }
  }

  /// The column kernel against the naive column, bit for bit: one to eight row tiles (missing
  /// ones not stored), every count of stored rows, k from 0 to 9, C read or overwritten, each
  /// epilogue; A packed as the GEMM packs it (mr values per k, tiles `mr · k` apart, followed by
  /// the 2 floats of slack a 6-row set reads).
  @Test(arguments: sets) func columnKernelMatchesNaiveColumn(_ name: String) {
    let kernels = Self.kernels(name)
    let (mr, fused) = (kernels.mr, name != "portable")
    var generator = SeededGenerator(state: 13)
    for tiles in 1...8 {
      for rows in stride(from: (tiles - 1) * mr + 1, through: tiles * mr, by: max(1, mr / 3)) {
        let k = Int.random(in: 0...9, using: &generator)
        let (bStride, ldc) = (3, 5)
        let readsC = (rows + k) % 3 != 0
        let a = Self.randomValues(tiles * mr * k + 8, &generator)
        let b = Self.randomValues(max(1, k * bStride), &generator)
        var c = Self.randomValues(8 * mr * ldc, &generator)
        let parameters = (0..<3).map { _ in Self.randomValues(8 * mr + 8, &generator) }
        let variant = (tiles + rows) % 4
        let (addsBias, normalizes) = (variant == 1 || variant == 3, variant >= 2)
        let clamp: TileEpilogue.Clamp = variant == 1 ? .relu : variant == 2 ? .relu6 : .none
        var expected = c
        for r in 0..<rows {
          let (tile, lane) = (r / mr, r % mr)
          var sum = readsC ? c[r * ldc] : 0
          for p in 0..<k {
            let x = a[tile * mr * k + p * mr + lane]
            sum = fused ? sum.addingProduct(x, b[p * bStride]) : sum + x * b[p * bStride]
          }
          if addsBias { sum = sum + parameters[0][r] }
          if normalizes { sum = sum * parameters[1][r] + parameters[2][r] }
          if clamp != .none, sum < 0 { sum = 0 }
          if clamp == .relu6, sum > 6 { sum = 6 }
          expected[r * ldc] = sum
        }
        a.withUnsafeBufferPointer { pa in
          b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
              Self.withEpilogue(
                bias: addsBias ? parameters[0] : nil, scale: normalizes ? parameters[1] : nil, parameters[2], clamp
              ) {
                kernels.columnKernel(
                  k, pa.baseAddress!, mr * k, tiles, pb.baseAddress!, bStride, pc.baseAddress!, ldc, rows, readsC, $0)
              }
            }
          }
        }
        #expect(
          Self.firstDifference(c, expected) == nil,
          "\(name) \(tiles) tiles, \(rows) rows, k \(k), readsC \(readsC), epilogue \(variant)")
      }
    }
  }

  /// The epilogue's clamps on the values where comparisons are subtle (±0, ±∞, NaNs of both signs,
  /// the neighbours of 0 and 6), against the engine's ReLU pass (`x < 0` gives 0) and ReLU6 as
  /// Swift writes it (`min(max(x, 0), 6)`), bit for bit: a tile with k = 0 that reads C applies
  /// the epilogue to C alone.
  @Test(arguments: sets) func epilogueClampsMatchScalarComparisons(_ name: String) {
    let kernels = Self.kernels(name)
    let (mr, nr) = (kernels.mr, kernels.nr)
    let specials: [Float] = [
      -.infinity, -7, -6, -1e-45, -0.0, 0, 1e-45, 1, 5.999_999_5, 6, 6.000_000_5, 7, .infinity,
      .greatestFiniteMagnitude, -.greatestFiniteMagnitude, Float(bitPattern: 0x7FC0_0000),
      Float(bitPattern: 0xFFC0_0000), Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFF80_0001),
    ]
    let values = (0..<(mr * nr)).map { specials[$0 % specials.count] }
    for clamp in [TileEpilogue.Clamp.relu, .relu6] {
      var c = values
      let expected = values.map { x -> Float in
        clamp == .relu ? (x < 0 ? 0 : x) : min(max(x, 0), 6)
      }
      let nothing = [Float](repeating: 0, count: nr)
      nothing.withUnsafeBufferPointer { zero in
        c.withUnsafeMutableBufferPointer { pc in
          kernels.microKernel(
            0, zero.baseAddress!, zero.baseAddress!, nr, pc.baseAddress!, nr, mr, nr, true, TileEpilogue(clamp: clamp))
        }
      }
      #expect(Self.firstDifference(c, expected) == nil, "\(name) \(clamp)")
    }
  }

  /// The sets that fuse (x86-64-v3 and -v4) give bit-identical products despite different tiles;
  /// the portable set, which rounds each product, agrees within rounding.
  @Test func fusedSetsAgreeBitForBit() {
    var generator = SeededGenerator(state: 12)
    let (m, n, k) = (37, 75, 530)
    let a = Self.randomValues(m * k, &generator)
    let b = Self.randomValues(k * n, &generator)
    let products = KernelSelection.available.map { kernels in
      var c = [Float](repeating: 0, count: m * n)
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer { pc in
            GEMM.multiply(
              m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n, c: pc.baseAddress!, ldc: n,
              threads: 2, kernels: kernels)
          }
        }
      }
      return (kernels.name, c)
    }
    let fused = products.filter { $0.0 != "portable" }
    for (name, c) in fused.dropFirst() {
      #expect(Self.firstDifference(c, fused[0].1) == nil, "\(name) differs from \(fused[0].0)")
    }
    let portable = products.first { $0.0 == "portable" }!.1
    for (name, c) in fused {
      let worst = zip(c, portable).map { abs($0 - $1) }.max() ?? 0
      #expect(worst > 0 && worst < 1e-3, "\(name) vs portable: \(worst)")
    }
  }

  /// The peak probe's loop runs on every set and reports a positive figure.
  @Test(arguments: sets) func peakLoopRuns(_ name: String) {
    #expect(PeakProbe.gigaflops(threads: 1, repeats: 1, kernels: Self.kernels(name)) > 0)
  }

  /// Direct convolution: out[o, p] = Σ_c Σ_taps w · in at p·s − b + t·d (zero outside), summed
  /// in (channel, tap) order, each term's multiply-add `fused` (one rounding) or not.
  static func naiveConvolution(
    _ input: Tensor, weights: [Float], outputs: Int, groups: Int, kernel: [Int], stride: [Int], dilation: [Int],
    before: [Int],
    outExtents: [Int], fused: Bool = false
  ) -> [Float] {
    let inExtent = Extent3(input.spatial)
    let (k3, s3, d3, b3, o3) = (
      Extent3(kernel), Extent3(stride), Extent3(dilation), Extent3(before, fill: 0), Extent3(outExtents)
    )
    let inGroup = input.channels / groups
    let outGroup = outputs / groups
    var result = [Float](repeating: 0, count: input.batch * outputs * o3.volume)
    for n in 0..<input.batch {
      for o in 0..<outputs {
        let g = o / outGroup
        for z in 0..<o3.d {
          for y in 0..<o3.h {
            for x in 0..<o3.w {
              var sum: Float = 0
              for c in 0..<inGroup {
                for tz in 0..<k3.d {
                  for ty in 0..<k3.h {
                    for tx in 0..<k3.w {
                      let iz = z * s3.d - b3.d + tz * d3.d
                      let iy = y * s3.h - b3.h + ty * d3.h
                      let ix = x * s3.w - b3.w + tx * d3.w
                      guard iz >= 0, iz < inExtent.d, iy >= 0, iy < inExtent.h, ix >= 0, ix < inExtent.w else {
                        continue
                      }
                      let w = weights[((o * inGroup + c) * k3.d + tz) * k3.h * k3.w + ty * k3.w + tx]
                      let v = input.data[
                        ((n * input.channels + g * inGroup + c) * inExtent.d + iz) * inExtent.h * inExtent.w + iy
                          * inExtent.w + ix]
                      sum = fused ? sum.addingProduct(w, v) : sum + w * v
                    }
                  }
                }
              }
              result[((n * outputs + o) * o3.d + z) * o3.h * o3.w + y * o3.w + x] = sum
            }
          }
        }
      }
    }
    return result
  }

  @Test(arguments: sets) func convolutionMatchesDirectLoop(_ name: String) throws {
    let kernels = Self.kernels(name)
    var generator = SeededGenerator(state: 2)
    var checked = 0
    while checked < 150 {
      let rank = Int.random(in: 1...3, using: &generator)
      let groups = [1, 1, 2, 3].randomElement(using: &generator)!
      let channels = groups * Int.random(in: 1...3, using: &generator)
      let outputs = groups * Int.random(in: 1...4, using: &generator)
      let spatial = (0..<rank).map { _ in Int.random(in: 3...(rank == 3 ? 7 : 12), using: &generator) }
      let kernel = (0..<rank).map { _ in Int.random(in: 1...3, using: &generator) }
      let stride = (0..<rank).map { _ in Int.random(in: 1...3, using: &generator) }
      let dilation = (0..<rank).map { _ in Int.random(in: 1...2, using: &generator) }
      let before = (0..<rank).map { _ in Int.random(in: 0...2, using: &generator) }
      let after = (0..<rank).map { _ in Int.random(in: 0...2, using: &generator) }
      let window = Window(
        kernel: AxisValues(kernel), stride: AxisValues(stride), dilation: AxisValues(dilation),
        padding: .explicit(begin: AxisValues(before), end: AxisValues(after)))
      guard let plan = try? WindowPlan.make(window, spatial: spatial, ceil: false) else { continue }
      let batch = Int.random(in: 1...2, using: &generator)
      let input = Tensor(
        shape: [batch, channels] + spatial, data: Self.randomValues(batch * channels * spatial.reduce(1, *), &generator)
      )
      let weights = Self.randomValues(outputs * channels / groups * kernel.reduce(1, *), &generator)
      let output = ConvolutionKernel.forward(
        input, plan: plan, outputs: outputs, groups: groups, weights: weights, threads: 2,
        kernels: kernels)
      let outExtents = Array(output.shape.dropFirst(2))
      let expected = Self.naiveConvolution(
        input, weights: weights, outputs: outputs, groups: groups, kernel: kernel, stride: stride,
        dilation: dilation, before: before, outExtents: outExtents)
      let worst = zip(output.data, expected).map { abs($0 - $1) }.max() ?? 0
      #expect(worst < 1e-4, "rank \(rank) groups \(groups) k \(kernel) s \(stride) d \(dilation) p \(before):\(after)")
      checked += 1
    }
  }

  /// Wide rows exercise the vector paths of the im2col gather (stride 1 copies, stride 2 takes the
  /// even lanes of 32 inputs), including windows that reach into the padding at both ends.
  @Test(arguments: sets) func wideRowsMatchDirectLoop(_ name: String) throws {
    let kernels = Self.kernels(name)
    var generator = SeededGenerator(state: 5)
    for (stride, padding, width) in [(2, 3, 70), (2, 0, 67), (2, 1, 33), (1, 1, 48), (3, 2, 50)] {
      let kernel = 7
      let window = Window(kernel: .all(kernel), stride: .all(stride), padding: .symmetric(padding))
      let spatial = [9, width]
      let plan = try WindowPlan.make(window, spatial: spatial, ceil: false)
      let input = Tensor(shape: [1, 2] + spatial, data: Self.randomValues(2 * 9 * width, &generator))
      let weights = Self.randomValues(3 * 2 * kernel * kernel, &generator)
      let output = ConvolutionKernel.forward(
        input, plan: plan, outputs: 3, groups: 1, weights: weights, threads: 2, kernels: kernels)
      let expected = Self.naiveConvolution(
        input, weights: weights, outputs: 3, groups: 1, kernel: [kernel, kernel], stride: [stride, stride],
        dilation: [1, 1],
        before: [padding, padding], outExtents: Array(output.shape.dropFirst(2)))
      let worst = zip(output.data, expected).map { abs($0 - $1) }.max() ?? 0
      #expect(worst < 1e-4, "stride \(stride) padding \(padding) width \(width)")
    }
  }

  /// The im2col alternatives against the direct loop bit for bit (same (channel, tap) order;
  /// padding terms add exact zeros), on one thread and two: products with few positions and
  /// enough output channels that two threads split the channels, where the im2col matrix is
  /// gathered once and shared (strided) or B is read from zero-padded planes on the extended grid
  /// (stride 1: ResNet's 14 × 14 stage); shallow products (at most 32 im2col rows: VGG's first
  /// layer) from padded planes on any plane, and so are products of at most 32 output channels
  /// (grouped ones among them). Runs of one to eight floats, whole-vector reads that end at the
  /// input's last element, strides 1 to 3, dilation, asymmetric padding, 1-D and 3-D.
  @Test(arguments: sets) func sharedAndPaddedIm2colMatchDirectLoopExactly(_ name: String) throws {
    let kernels = Self.kernels(name)
    var generator = SeededGenerator(state: 6)
    let cases: [(spatial: [Int], kernel: Int, stride: Int, dilation: Int, before: Int, after: Int, channels: Int)] = [
      ([7, 7], 3, 1, 1, 1, 1, 24), ([14, 14], 3, 2, 1, 1, 1, 16), ([5, 9], 3, 1, 2, 2, 2, 20),
      ([9, 8], 1, 1, 1, 0, 0, 40), ([9, 8], 1, 1, 1, 1, 0, 40), ([3, 3], 3, 1, 1, 1, 1, 64),
      ([1, 1], 1, 1, 1, 0, 0, 200), ([40], 5, 3, 1, 2, 2, 36), ([4, 5, 6], 3, 1, 1, 1, 1, 12),
      ([8, 8], 2, 2, 1, 0, 0, 48), ([6, 11], 2, 1, 1, 0, 1, 30),
      // Shallow (channels × taps ≤ 32) on planes wider than the tiles (with AVX-512's 32-column
      // panels, lines of 32 or more point at their rows instead).
      ([40, 45], 3, 1, 1, 1, 1, 3), ([30, 37], 3, 1, 2, 0, 3, 2), ([300], 5, 1, 1, 2, 2, 6),
      ([6, 9, 10], 3, 1, 1, 1, 0, 1), ([33, 34], 1, 1, 1, 1, 2, 5),
    ]
    // (channels, groups, outputs) beyond the single-group cases: at most 32 output channels per
    // group (padded planes at stride 1, the gather at stride 2), ResNeXt's shapes among them.
    let grouped: [(spatial: [Int], kernel: Int, stride: Int, channels: Int, groups: Int, outputs: Int)] = [
      ([14, 14], 3, 1, 64, 8, 64), ([7, 7], 3, 1, 128, 4, 96), ([9, 10], 3, 2, 48, 6, 48), ([12, 13], 3, 1, 24, 1, 24),
      ([28, 28], 3, 1, 256, 32, 256),
      // Lines of 40: with 32-column panels these point at their rows, group by group.
      ([6, 40], 3, 1, 48, 2, 64), ([5, 33], 3, 1, 36, 3, 60),
    ]
    let all =
      cases.map {
        (
          $0.spatial, $0.kernel, $0.stride, $0.dilation, $0.before, $0.after, $0.channels, 1,
          136 + $0.channels % 3 * 120
        )
      }
      + grouped.map { ($0.spatial, $0.kernel, $0.stride, 1, 1, 1, $0.channels, $0.groups, $0.outputs) }
    for (spatial, kernel, stride, dilation, before, after, channels, groups, outputs) in all {
      let rank = spatial.count
      let window = Window(
        kernel: .all(kernel), stride: .all(stride), dilation: .all(dilation),
        padding: .explicit(begin: .all(before), end: .all(after)))
      let plan = try WindowPlan.make(window, spatial: spatial, ceil: false)
      let input = Tensor(
        shape: [1, channels] + spatial, data: Self.randomValues(channels * spatial.reduce(1, *), &generator))
      let weights = Self.randomValues(
        outputs * channels / groups * Int(pow(Double(kernel), Double(rank))), &generator)
      let results = [1, 2].map { threads in
        ConvolutionKernel.forward(
          input, plan: plan, outputs: outputs, groups: groups, weights: weights, threads: threads,
          kernels: kernels)
      }
      let expected = Self.naiveConvolution(
        input, weights: weights, outputs: outputs, groups: groups, kernel: Array(repeating: kernel, count: rank),
        stride: Array(repeating: stride, count: rank), dilation: Array(repeating: dilation, count: rank),
        before: Array(repeating: before, count: rank), outExtents: Array(results[0].shape.dropFirst(2)),
        fused: name != "portable")
      for (threads, result) in zip([1, 2], results) {
        #expect(
          Self.firstDifference(result.data, expected) == nil,
          "\(name) \(spatial) k\(kernel) s\(stride) d\(dilation) p\(before):\(after) g\(groups) on \(threads) threads")
      }
    }
  }

  /// Products whose B rows are pointed at in the input (`Im2colGather.panel`) against the direct
  /// loop, bit for bit, on one thread and two, with every kernel set (the GEMM's 256-deep panels),
  /// and the convolutions themselves, which take that path with 32-column panels (one panel of
  /// all k): panels on one output line, panels across
  /// lines that are one run (the width kept by padding) and that are not (no padding, asymmetric
  /// padding, dilation), lines shorter than a tile, stride 2 along the height only, kernels one
  /// tap wide, 1-D and 3-D (panels across depth slices), deep products whose second kc panel
  /// starts inside a channel's taps, output channels that are not whole tiles, ragged last panels;
  /// then 60 random shapes.
  @Test(arguments: sets) func pointedPanelsMatchDirectLoopExactly(_ name: String) throws {
    let kernels = Self.kernels(name)
    var generator = SeededGenerator(state: 12)
    let cases: [(spatial: [Int], kernel: [Int], stride: [Int], dilation: Int, before: Int, after: Int, channels: Int)] =
      [
        ([9, 70], [3, 3], [1, 1], 1, 1, 1, 5), ([12, 20], [3, 3], [1, 1], 1, 1, 1, 4),
        ([10, 21], [3, 3], [1, 1], 1, 0, 0, 6),
        ([11, 37], [3, 3], [1, 1], 2, 2, 1, 4), ([13, 40], [3, 3], [2, 1], 1, 1, 1, 4),
        ([9, 45], [3, 1], [1, 1], 1, 1, 0, 12),
        ([300], [5], [1], 1, 2, 2, 8), ([4, 6, 7], [3, 3, 3], [1, 1, 1], 1, 1, 1, 3),
        ([8, 50], [3, 3], [1, 1], 1, 1, 1, 40),
        ([7, 9], [2, 2], [1, 1], 1, 0, 1, 20),
        // Padding longer than a panel (and its 8 floats of slack): WaveNet's causal dilated
        // convolutions, which wrote zeros past the scratch row before the fix.
        ([300], [2], [1], 64, 64, 0, 40), ([5, 90], [2, 2], [1, 1], 20, 40, 0, 20),
        // Strided along the width: the indexer gathers every row (the convolution itself takes the
        // block gather).
        ([9, 70], [3, 3], [1, 2], 1, 1, 1, 5),
      ]
    // Then random ones: any rank, kernel, dilation (up to 16) and padding (up to twice the
    // dilation), strides along the height and depth, lines of 1 to 80 positions; deep enough (over
    // 32 im2col rows) not to read padded planes.
    var random = cases
    while random.count < cases.count + 60 {
      let rank = [1, 2, 2, 2, 3].randomElement(using: &generator)!
      let spatial = (0..<rank).map { axis in
        Int.random(in: 1...(rank == 3 ? 7 : axis == rank - 1 ? (rank == 1 ? 300 : 80) : 12), using: &generator)
      }
      let kernel = (0..<rank).map { axis in Int.random(in: 1...(axis == rank - 1 ? 5 : 4), using: &generator) }
      let stride = (0..<rank).map { axis in axis == rank - 1 ? 1 : Int.random(in: 1...2, using: &generator) }
      let dilation = [1, 1, 1, 2, 2, 5, 16].randomElement(using: &generator)!
      let (before, after) = (
        Int.random(in: 0...max(2, 2 * dilation), using: &generator), Int.random(in: 0...2, using: &generator)
      )
      let taps = kernel.reduce(1, *)
      let channels = max((32 + taps) / taps, Int.random(in: 1...8, using: &generator))
      let window = Window(
        kernel: AxisValues(kernel), stride: AxisValues(stride), dilation: .all(dilation),
        padding: .explicit(begin: .all(before), end: .all(after)))
      guard let plan = try? WindowPlan.make(window, spatial: spatial, ceil: false), !plan.isPointwiseIdentity else {
        continue
      }
      random.append((spatial, kernel, stride, dilation, before, after, channels))
    }
    for (index, (spatial, kernel, stride, dilation, before, after, channels)) in random.enumerated() {
      let rank = spatial.count
      let outputs = index < cases.count ? [40, 36, 60, 34][index % 4] : Int.random(in: 33...70, using: &generator)
      let window = Window(
        kernel: AxisValues(kernel), stride: AxisValues(stride), dilation: .all(dilation),
        padding: .explicit(begin: .all(before), end: .all(after)))
      let plan = try WindowPlan.make(window, spatial: spatial, ceil: false)
      let k = channels * kernel.reduce(1, *)
      let weights = Self.randomValues(outputs * k, &generator)
      let packed = GEMM.PackedA(weights, lda: k, m: outputs, k: k, kernels: kernels)
      defer { packed.deallocate() }
      let input = Tensor(
        shape: [1, channels] + spatial, data: Self.randomValues(channels * spatial.reduce(1, *), &generator))
      let n = plan.outputs.volume
      // The product with B pointed at, on one thread and two, whatever the set.
      var results = [1, 2].map { threads in
        var c = [Float](repeating: .nan, count: outputs * n)
        input.data.withUnsafeBufferPointer { source in
          c.withUnsafeMutableBufferPointer { pc in
            let gather = Im2colGather(
              input: source.baseAddress!, end: source.baseAddress! + source.count, extent: Extent3(spatial),
              plan: plan)
            GEMM.multiply(
              packed: packed, n: n, c: pc.baseAddress!, ldc: n, threads: threads, overwrite: true,
              b: .indirect(gather.panel))
          }
        }
        return c
      }
      // The convolution itself takes that path where the rule sends it (32-column panels), with
      // its weights packed in one panel of all k.
      let layout = ConvolutionKernel.ProductLayout(
        plan: plan, inputs: channels, outputs: outputs, units: 1, threads: 2, kernels: kernels)
      #expect(
        (layout.source == .pointed) == (kernels.nr >= 32 && stride.last == 1), "\(name) case \(index): \(layout.source)"
      )
      #expect(layout.source != .pointed || layout.panelDepth == k, "\(name) case \(index): \(layout.panelDepth)")
      results += [1, 2].map { threads in
        ConvolutionKernel.forward(
          input, plan: plan, outputs: outputs, groups: 1, weights: weights, threads: threads, kernels: kernels
        ).data
      }
      let expected = Self.naiveConvolution(
        input, weights: weights, outputs: outputs, groups: 1, kernel: kernel, stride: stride,
        dilation: Array(repeating: dilation, count: rank), before: Array(repeating: before, count: rank),
        outExtents: plan.axes.suffix(rank).map(\.count), fused: name != "portable")
      for (run, result) in results.enumerated() {
        let what = run < 2 ? "product" : "convolution"
        #expect(
          Self.firstDifference(result, expected) == nil,
          "\(name) case \(index) \(spatial) k\(kernel) s\(stride) d\(dilation) p\(before):\(after), \(what) on \(run % 2 + 1) threads"
        )
      }
    }
  }

  /// Depthwise and narrow grouped convolutions (the direct planes) against the direct loop, bit
  /// for bit: each output sums its in-range (channel, tap) terms channel by channel, taps in
  /// order, from zero (fused where the set fuses), padded taps adding w · 0 = 0. Ranks 1 to 3
  /// (3-D kernels add depth slices), strides 1 to 3 (the phase planes), dilations, asymmetric
  /// padding, 1 to `directGroupWidth` channels per group, several outputs per group, widths on
  /// both sides of the vector lanes, one to three threads.
  @Test(arguments: sets) func directGroupsMatchDirectLoopExactly(_ name: String) throws {
    let kernels = Self.kernels(name)
    let fused = name != "portable"
    var generator = SeededGenerator(state: 7)
    var checked = 0
    while checked < 200 {
      let rank = [1, 2, 2, 2, 3].randomElement(using: &generator)!
      let groups = Int.random(in: 2...5, using: &generator)
      let inGroup = [1, 1, Int.random(in: 1...ConvolutionKernel.directGroupWidth, using: &generator)]
        .randomElement(using: &generator)!
      let outGroup = [1, 1, 2, 3].randomElement(using: &generator)!
      let (channels, outputs) = (groups * inGroup, groups * outGroup)
      #expect(ConvolutionKernel.runsDirect(inGroup: inGroup, groups: groups))
      let spatial = (0..<rank).map { axis in
        rank == 3 && axis == 0 ? Int.random(in: 1...4, using: &generator) : Int.random(in: 1...40, using: &generator)
      }
      let kernel = (0..<rank).map { axis in
        rank == 3 && axis == 0 ? Int.random(in: 1...2, using: &generator) : Int.random(in: 1...7, using: &generator)
      }
      let stride = (0..<rank).map { _ in Int.random(in: 1...3, using: &generator) }
      let dilation = (0..<rank).map { _ in Int.random(in: 1...2, using: &generator) }
      let before = (0..<rank).map { _ in Int.random(in: 0...3, using: &generator) }
      let after = (0..<rank).map { _ in Int.random(in: 0...3, using: &generator) }
      let window = Window(
        kernel: AxisValues(kernel), stride: AxisValues(stride), dilation: AxisValues(dilation),
        padding: .explicit(begin: AxisValues(before), end: AxisValues(after)))
      guard let plan = try? WindowPlan.make(window, spatial: spatial, ceil: false), plan.outputs.volume > 0 else {
        continue
      }
      let batch = Int.random(in: 1...2, using: &generator)
      let input = Tensor(
        shape: [batch, channels] + spatial, data: Self.randomValues(batch * channels * spatial.reduce(1, *), &generator)
      )
      let taps = kernel.reduce(1, *)
      let weights = Self.randomValues(outputs * inGroup * taps, &generator)
      let output = ConvolutionKernel.forward(
        input, plan: plan, outputs: outputs, groups: groups, weights: weights,
        threads: 1 + checked % 3, kernels: kernels)
      let (inExtent, outExtent) = (Extent3(spatial), Extent3(Array(output.shape.dropFirst(2))))
      let (k3, s3, d3, b3) = (Extent3(kernel), Extent3(stride), Extent3(dilation), Extent3(before, fill: 0))
      var expected = [Float](repeating: 0, count: batch * outputs * outExtent.volume)
      for n in 0..<batch {
        for o in 0..<outputs {
          for z in 0..<outExtent.d {
            for y in 0..<outExtent.h {
              for x in 0..<outExtent.w {
                var sum: Float = 0
                for c in 0..<inGroup {
                  let plane = (n * channels + o / outGroup * inGroup + c) * inExtent.volume
                  for t in 0..<taps {
                    let (tz, ty, tx) = (t / (k3.h * k3.w), (t / k3.w) % k3.h, t % k3.w)
                    let iz = z * s3.d - b3.d + tz * d3.d
                    let iy = y * s3.h - b3.h + ty * d3.h
                    let ix = x * s3.w - b3.w + tx * d3.w
                    guard iz >= 0, iz < inExtent.d, iy >= 0, iy < inExtent.h, ix >= 0, ix < inExtent.w else {
                      continue
                    }
                    let w = weights[(o * inGroup + c) * taps + t]
                    let v = input.data[plane + (iz * inExtent.h + iy) * inExtent.w + ix]
                    sum = fused ? sum.addingProduct(w, v) : sum + w * v
                  }
                }
                expected[((n * outputs + o) * outExtent.d + z) * outExtent.h * outExtent.w + y * outExtent.w + x] = sum
              }
            }
          }
        }
      }
      #expect(
        Self.firstDifference(output.data, expected) == nil,
        "\(name) \(spatial) k \(kernel) s \(stride) d \(dilation) p \(before):\(after) \(inGroup) → \(outGroup)")
      checked += 1
    }
  }

  /// Merges with broadcasting against the definition: output element i combines, in input order
  /// from 1 (product) or 0 (sum), each input's element at i's coordinates with broadcast axes
  /// taken at 0. Shapes mix whole and size-1 axes in every position (squeeze-and-excitation's
  /// [N, C, 1, 1], a per-position [N, 1, H, W], a scalar [1, 1, 1, 1]); large enough to split.
  @Test func broadcastingMergeMatchesDefinition() throws {
    var generator = SeededGenerator(state: 17)
    for trial in 0..<60 {
      let shape =
        [Int.random(in: 1...2, using: &generator)] + (0..<3).map { _ in Int.random(in: 1...40, using: &generator) }
      let count = Int.random(in: 2...3, using: &generator)
      let inputs = (0..<count).map { _ in
        let own = shape.map { Bool.random(using: &generator) ? $0 : 1 }
        return Tensor(shape: own, data: Self.randomValues(own.reduce(1, *), &generator))
      }
      let full = inputs.reduce(shape.map { _ in 1 }) { zip($0, $1.shape).map { max($0, $1) } }
      let multiply = trial % 2 == 0
      let output = try StructuralKernel.elementwise(inputs, multiply: multiply, threads: 2)
      #expect(output.shape == full)
      var expected = [Float](repeating: multiply ? 1 : 0, count: full.reduce(1, *))
      for index in expected.indices {
        var rest = index
        var coordinates = [Int](repeating: 0, count: full.count)
        for axis in full.indices.reversed() {
          coordinates[axis] = rest % full[axis]
          rest /= full[axis]
        }
        for input in inputs {
          var source = 0
          for axis in full.indices {
            source = source * input.shape[axis] + (input.shape[axis] == 1 ? 0 : coordinates[axis])
          }
          expected[index] = multiply ? expected[index] * input.data[source] : expected[index] + input.data[source]
        }
      }
      #expect(Self.firstDifference(output.data, expected) == nil, "\(inputs.map(\.shape))")
    }
  }

  /// The kernel sets' vector eˣ against Foundation's (in double precision, then rounded): within
  /// 2 ulp wherever eˣ is a normal float; +∞ past the largest float, 0 where eˣ would be subnormal,
  /// NaN for NaN; exact at 0. The sigmoid and SiLU built on it within 4 ulp (relative 5e-7).
  @Test(arguments: sets) func vectorExponentialMatchesFoundation(_ name: String) {
    let kernels = Self.kernels(name)
    var generator = SeededGenerator(state: 13)
    var inputs: [Float] = [0, -0, 1, -1, 88.72283, 88.72284, 89, -87.33654, -87.3366, -88, -104, 1e-8, -1e-8, 0.5]
    inputs += [.infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
    inputs += (0..<4000).map { _ in Float.random(in: -90...90, using: &generator) }
    inputs += (0..<1000).map { _ in Float.random(in: -1...1, using: &generator) }
    var values = inputs
    // An odd count: the last partial vector takes the copying path.
    values.withUnsafeMutableBufferPointer { kernels.elementwise(.exp, $0.count, $0.baseAddress!) }
    for (x, y) in zip(inputs, values) {
      let exact = Foundation.exp(Double(x))
      if x.isNaN {
        #expect(y.isNaN)
      } else if exact > Double(Float.greatestFiniteMagnitude) {
        #expect(y == .infinity, "\(name) exp(\(x))")
      } else if exact < Double(Float.leastNormalMagnitude) {
        #expect(y == 0, "\(name) exp(\(x)) = \(y)")
      } else {
        let ulps = abs(Double(y) - exact) / Double(Float(exact).ulp)
        #expect(ulps <= 2, "\(name) exp(\(x)) = \(y), \(ulps) ulp from \(exact)")
      }
    }
    #expect(values[0] == 1 && values[1] == 1)
    for function in [VectorFunction.sigmoid, .silu] {
      let finite = inputs.filter { $0.isFinite && abs($0) < 80 }
      var results = finite
      results.withUnsafeMutableBufferPointer { kernels.elementwise(function, $0.count, $0.baseAddress!) }
      for (x, y) in zip(finite, results) {
        let sigmoid = 1 / (1 + Foundation.exp(-Double(x)))
        let exact = function == .sigmoid ? sigmoid : Double(x) * sigmoid
        #expect(abs(Double(y) - exact) <= 5e-7 * abs(exact), "\(name) \(function)(\(x)) = \(y) against \(exact)")
      }
    }
  }

  /// Transposed convolution against the scatter it is defined by.
  @Test(arguments: sets) func transposedMatchesScatter(_ name: String) throws {
    let kernels = Self.kernels(name)
    var generator = SeededGenerator(state: 3)
    for trial in 0..<80 {
      let rank = Int.random(in: 1...2, using: &generator)
      let channels = Int.random(in: 1...3, using: &generator)
      let outputs = Int.random(in: 1...3, using: &generator)
      let spatial = (0..<rank).map { _ in Int.random(in: 1...6, using: &generator) }
      let kernel = (0..<rank).map { _ in Int.random(in: 1...4, using: &generator) }
      let stride = (0..<rank).map { _ in Int.random(in: 1...3, using: &generator) }
      let pad = (0..<rank).map { kernel[$0] > 1 ? Int.random(in: 0...(kernel[$0] - 1) / 2, using: &generator) : 0 }
      let input = Tensor(
        shape: [1, channels] + spatial, data: Self.randomValues(channels * spatial.reduce(1, *), &generator))
      let taps = kernel.reduce(1, *)
      let weights = Self.randomValues(channels * outputs * taps, &generator)
      let output = try ConvolutionKernel.transposed(
        input, outputs: outputs, groups: 1, kernel: kernel, stride: stride,
        dilation: kernel.map { _ in 1 }, before: pad, after: pad,
        outputPadding: kernel.map { _ in 0 }, weights: weights, threads: 1, kernels: kernels,
        // Every other trial works in tiny column blocks, as a large 3-D layer does.
        columnBudget: trial % 2 == 0 ? ConvolutionKernel.columnBudget : Int.random(in: 1...7, using: &generator))
      let outExtent = Extent3(Array(output.shape.dropFirst(2)))
      var expected = [Float](repeating: 0, count: output.data.count)
      let (inExtent, k3, s3, p3) = (Extent3(spatial), Extent3(kernel), Extent3(stride), Extent3(pad, fill: 0))
      for c in 0..<channels {
        for o in 0..<outputs {
          for i in 0..<inExtent.volume {
            for t in 0..<taps {
              let (iy, ix) = ((i / inExtent.w) % inExtent.h, i % inExtent.w)
              let (ty, tx) = ((t / k3.w) % k3.h, t % k3.w)
              let (oy, ox) = (iy * s3.h + ty - p3.h, ix * s3.w + tx - p3.w)
              guard oy >= 0, oy < outExtent.h, ox >= 0, ox < outExtent.w else { continue }
              expected[o * outExtent.volume + oy * outExtent.w + ox] +=
                input.data[c * inExtent.volume + i] * weights[(c * outputs + o) * taps + t]
            }
          }
        }
      }
      let worst = zip(output.data, expected).map { abs($0 - $1) }.max() ?? 0
      #expect(worst < 1e-4)
      // PyTorch's extent: (in − 1)·s − 2p + k.
      var pytorch: [Int] = []
      for axis in 0..<rank { pytorch.append((spatial[axis] - 1) * stride[axis] - 2 * pad[axis] + kernel[axis]) }
      let extents = Array(output.shape.dropFirst(2))
      #expect(extents == pytorch)
    }
  }

  /// Hand-computed values: a 3x3 input, a 2x2 all-ones kernel, stride 1: each output sums a 2x2 block.
  @Test func handComputedConvolutionAndPooling() throws {
    let input = Tensor(shape: [1, 1, 3, 3], data: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let plan = try WindowPlan.make(Window(kernel: .all(2)), spatial: [3, 3], ceil: false)
    let conv = ConvolutionKernel.forward(
      input, plan: plan, outputs: 1, groups: 1, weights: [1, 1, 1, 1], epilogue: ConvolutionEpilogue(bias: [0.5]),
      threads: 1,
      kernels: KernelSelection.preferred)
    #expect(conv.data == [12.5, 16.5, 24.5, 28.5])
    let pool = try WindowPlan.make(Window(kernel: .all(2), stride: .all(2)), spatial: [3, 3], ceil: true)
    #expect(PoolingKernel.sliding(input, plan: pool, kind: .max).data == [5, 6, 8, 9])
    // Average with ceil mode: the edge windows hold 2 and 1 input elements.
    #expect(PoolingKernel.sliding(input, plan: pool, kind: .average).data == [3, 4.5, 7.5, 9])
    #expect(PoolingKernel.adaptive(input, size: [1, 1], kind: .average).data == [5])
    let up = StructuralKernel.upsample(Tensor(shape: [1, 1, 2], data: [0, 4]), to: [4], bilinear: true)
    // x = (o + ½)/2 − ½ = −¼ (clamped to 0), ¼, ¾, 1¼ (clamped to the last): 0, 1, 3, 4.
    #expect(up.data == [0, 1, 3, 4])
  }

  /// Sliding max and average pooling against the tap-by-tap loop, bit for bit: 1-D to 3-D,
  /// kernels 1 to 4, strides 1 to 3, dilation 1 or 2, padding up to half the kernel (floor mode;
  /// windows are placed at o · s − before), one and two threads. The max takes the maximum of the
  /// taps inside the input in (z, y, x) order with `Swift.max` (an equal later value wins, so +0
  /// and −0 ties are decided alike; the inputs hold both, repeated values and −∞), 0 for a window
  /// wholly in the padding; the average sums in the same order and divides by the taps inside the
  /// padded input.
  @Test func slidingPoolingMatchesTapLoop() throws {
    var generator = SeededGenerator(state: 21)
    for trial in 0..<120 {
      let rank = [1, 2, 2, 2, 3][trial % 5]
      let kernel = (0..<rank).map { _ in Int.random(in: 1...4, using: &generator) }
      let stride = (0..<rank).map { _ in Int.random(in: 1...3, using: &generator) }
      let dilation = (0..<rank).map { _ in trial % 3 == 0 ? 2 : 1 }
      let pad = (0..<rank).map { kernel[$0] / 2 > 0 ? Int.random(in: 0...(kernel[$0] / 2), using: &generator) : 0 }
      let spatial = (0..<rank).map { axis in
        max(dilation[axis] * (kernel[axis] - 1) + 1 - 2 * pad[axis], Int.random(in: 1...13, using: &generator))
      }
      let channels = Int.random(in: 1...3, using: &generator)
      let palette: [Float] = [0, -0.0, 1, -1, 2.5, -.infinity, 0.25]
      let values = (0..<(channels * spatial.reduce(1, *))).map { _ in
        Bool.random(using: &generator)
          ? palette.randomElement(using: &generator)! : Float.random(in: -1...1, using: &generator)
      }
      let input = Tensor(shape: [1, channels] + spatial, data: values)
      let window = Window(
        kernel: AxisValues(kernel), stride: AxisValues(stride), dilation: AxisValues(dilation),
        padding: .explicit(begin: AxisValues(pad), end: AxisValues(pad)))
      let plan = try WindowPlan.make(window, spatial: spatial, ceil: false)
      let outs: [Int] = (0..<rank).map { axis in
        let span = dilation[axis] * (kernel[axis] - 1) + 1
        return (spatial[axis] + 2 * pad[axis] - span) / stride[axis] + 1
      }
      let ones = [Int](repeating: 1, count: 3 - rank)
      let (inE, outE, k, s, d) = (ones + spatial, ones + outs, ones + kernel, ones + stride, ones + dilation)
      let p = [Int](repeating: 0, count: 3 - rank) + pad
      var expectedMax: [Float] = []
      var expectedAverage: [Float] = []
      for c in 0..<channels {
        for oz in 0..<outE[0] {
          for oy in 0..<outE[1] {
            for ox in 0..<outE[2] {
              var (best, sum, taps) = (-Float.infinity, Float(0), 0)
              for tz in 0..<k[0] {
                for ty in 0..<k[1] {
                  for tx in 0..<k[2] {
                    let z = oz * s[0] + tz * d[0] - p[0]
                    let y = oy * s[1] + ty * d[1] - p[1]
                    let x = ox * s[2] + tx * d[2] - p[2]
                    taps += 1
                    guard z >= 0, z < inE[0], y >= 0, y < inE[1], x >= 0, x < inE[2] else { continue }
                    let value = values[((c * inE[0] + z) * inE[1] + y) * inE[2] + x]
                    best = max(best, value)
                    sum += value
                  }
                }
              }
              expectedMax.append(best == -.infinity ? 0 : best)
              expectedAverage.append(sum / Float(taps))
            }
          }
        }
      }
      for threads in 1...2 {
        let maxed = PoolingKernel.sliding(input, plan: plan, kind: .max, threads: threads)
        let averaged = PoolingKernel.sliding(input, plan: plan, kind: .average, threads: threads)
        #expect(Array(maxed.shape.dropFirst(2)) == outs)
        let label = "\(spatial) k\(kernel) s\(stride) d\(dilation) p\(pad), \(threads) threads"
        #expect(Self.firstDifference(maxed.data, expectedMax) == nil, "max \(label)")
        #expect(Self.firstDifference(averaged.data, expectedAverage) == nil, "average \(label)")
      }
    }
  }

  /// Average pooling's divisor with padding: k3 s1 p1 over a 3×3 of ones. Counting the padding
  /// (PyTorch's count_include_pad=True, Caffe) the corner sees 4 ones of 9 taps, an edge 6 of 9;
  /// without it (ONNX's default) every window averages ones to 1.
  @Test func averageDivisorWithAndWithoutPadding() throws {
    let ones = Tensor(shape: [1, 1, 3, 3], data: Array(repeating: 1, count: 9))
    let plan = try WindowPlan.make(Window(kernel: .all(3), padding: .symmetric(1)), spatial: [3, 3], ceil: false)
    let counted = PoolingKernel.sliding(ones, plan: plan, kind: .average, countsPadding: true).data
    #expect(counted == [4, 6, 4, 6, 9, 6, 4, 6, 4].map { Float($0) / 9 })
    let excluded = PoolingKernel.sliding(ones, plan: plan, kind: .average, countsPadding: false).data
    #expect(excluded == Array(repeating: 1, count: 9))
  }

  /// Ceil-mode placement agrees with PyTorch's formula on GoogLeNet's pool1 (112 → 56) and drops
  /// the window that would start in the padding.
  @Test func ceilPlacement() {
    #expect(
      AxisPlan.sliding(input: 112, kernel: 3, stride: 2, dilation: 1, before: 0, after: 0, ceil: true).count == 56)
    #expect(AxisPlan.sliding(input: 5, kernel: 2, stride: 2, dilation: 1, before: 1, after: 1, ceil: true).count == 3)
    #expect(AxisPlan.same(input: 7, kernel: 3, stride: 2, dilation: 1).plan.count == 4)
  }

  /// PyTorch's documented layout: pixel_shuffle of channels c·r² + i·r + j at (y, x) lands at
  /// (y·r + i, x·r + j); pixel_unshuffle undoes it exactly.
  @Test func pixelShuffleLayoutAndInverse() {
    // One channel group of 4 single pixels valued 0, 1, 2, 3 → the 2x2 map [[0, 1], [2, 3]].
    let four = Tensor(shape: [1, 4, 1, 1], data: [0, 1, 2, 3])
    #expect(StructuralKernel.pixelShuffle(four, factor: 2).data == [0, 1, 2, 3])
    #expect(StructuralKernel.pixelShuffle(four, factor: 2).shape == [1, 1, 2, 2])
    var generator = SeededGenerator(state: 5)
    let input = Tensor(shape: [2, 8, 3, 5], data: Self.randomValues(2 * 8 * 15, &generator))
    let shuffled = StructuralKernel.pixelShuffle(input, factor: 2)
    #expect(shuffled.shape == [2, 2, 6, 10])
    // Channel 1·4 + 1·2 + 0 = 6 of sample 1 at (2, 3) moves to channel 1, (2·2 + 1, 3·2 + 0).
    let to: Int = ((1 * 2 + 1) * 6 + 5) * 10 + 6
    let from: Int = ((1 * 8 + 6) * 3 + 2) * 5 + 3
    #expect(shuffled.data[to] == input.data[from])
    #expect(StructuralKernel.pixelUnshuffle(shuffled, factor: 2).data == input.data)
  }

  /// After instance, group and layer norm without affine, every normalised set has mean 0 and
  /// variance 1 (up to ε and rounding); a channel slice keeps the channels' values.
  @Test func normalisedSetsHaveZeroMeanUnitVariance() throws {
    var generator = SeededGenerator(state: 6)
    let input = Tensor(shape: [2, 4, 3, 3], data: Self.randomValues(72, &generator).map { $0 * 5 + 2 })
    func moments(_ values: [Float]) -> (Double, Double) {
      let mean = values.reduce(0) { $0 + Double($1) } / Double(values.count)
      return (mean, values.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count))
    }
    let norm = Normalization(affine: false)
    let runner = LayerRunner(seed: 1, threads: 1, kernels: KernelSelection.preferred, store: ParameterStore())
    let perChannel: [[Int]] = (0..<8).map { Array($0 * 9..<($0 + 1) * 9) }
    let perGroup: [[Int]] = (0..<4).map { Array($0 * 18..<($0 + 1) * 18) }
    let perSample: [[Int]] = (0..<2).map { Array($0 * 36..<($0 + 1) * 36) }
    var perPosition: [[Int]] = []
    for sample in 0..<2 {
      for position in 0..<9 { perPosition.append((0..<4).map { sample * 36 + $0 * 9 + position }) }
    }
    let cases: [(Operator, [[Int]])] = [
      (.instanceNorm(norm), perChannel), (.groupNorm(groups: 2, norm), perGroup),
      (.layerNorm(norm, over: .all), perSample), (.layerNorm(norm, over: .channels), perPosition),
    ]
    for (op, sets) in cases {
      var operands = [input]
      let layer = Layer(name: "n", op: op, inputs: [.input(0)], range: nil)
      let output = try runner.run(layer, index: 0, inputs: &operands, inPlace: false)
      for set in sets {
        let (mean, variance) = moments(set.map { output.data[$0] })
        #expect(abs(mean) < 1e-5, "\(op)")
        #expect(abs(variance - 1) < 1e-3, "\(op)")
      }
    }
    let sliced = StructuralKernel.slice(input, channels: 1..<3)
    #expect(sliced.data == Array(input.data[9..<27] + input.data[45..<63]))
  }
}
