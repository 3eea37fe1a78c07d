import CNNCalc
import CNNFuzz
import CNNGraph
import CNNSpec
import Testing

/// Receptive fields against brute-force dependency sets and hand derivations.
@Suite struct ReceptiveFieldTests {
  struct WindowLayer {
    var kernel, stride, dilation, before, after: Int
    var isPool: Bool
  }

  /// The input positions (on an unbounded line: padding positions count) that output unit `unit`
  /// of the last layer depends on, found by walking the chain backwards.
  static func dependencies(of unit: Int, through layers: [WindowLayer]) -> Set<Int> {
    var positions: Set<Int> = [unit]
    for layer in layers.reversed() {
      var previous = Set<Int>()
      for q in positions {
        for m in 0..<layer.kernel { previous.insert(q * layer.stride - layer.before + m * layer.dilation) }
      }
      positions = previous
    }
    return positions
  }

  /// Random 1-D chains of convolutions and pools: size, jump and start equal the extent, spacing and
  /// centre of the brute-force dependency sets of units 0 and 1.
  @Test func randomChainsMatchBruteForce() throws {
    var generator = SeededGenerator(state: 2024)
    for _ in 0..<300 {
      var layers: [WindowLayer] = []
      var lines = ["input x 1x400"]
      for _ in 0..<Int.random(in: 1...5, using: &generator) {
        let isPool = Bool.random(using: &generator)
        let kernel = Int.random(in: 1...5, using: &generator)
        let dilation = isPool ? 1 : Int.random(in: 1...3, using: &generator)
        let span = dilation * (kernel - 1) + 1
        let before = Int.random(in: 0...(span / 2), using: &generator)
        let after = Int.random(in: 0...(span / 2), using: &generator)
        let stride = Int.random(in: 1...3, using: &generator)
        layers.append(
          WindowLayer(kernel: kernel, stride: stride, dilation: dilation, before: before, after: after, isPool: isPool))
        lines.append(
          isPool
            ? "maxpool k\(kernel) s\(stride) p=\(before):\(after)"
            : "conv 1 k\(kernel) s\(stride) d\(dilation) p=\(before):\(after)")
      }
      let spec = lines.joined(separator: "\n") + "\n"
      let analysis = try analyze(spec)
      let last = try #require(analysis.layers.last, "\(spec)")
      guard case .regular(let field) = last.output.receptiveField else {
        Issue.record("not regular: \(spec)")
        continue
      }
      let first = Self.dependencies(of: 0, through: layers)
      let second = Self.dependencies(of: 1, through: layers)
      let size = first.max()! - first.min()! + 1
      let start = try Rational(first.min()! + first.max()!, 2)
      let next = try Rational(second.min()! + second.max()!, 2)
      #expect(field.size == [Rational(size)], "\(spec)")
      #expect(field.start == [start], "\(spec)")
      let jump = try next - start
      #expect(field.jump == [jump], "\(spec)")
    }
  }

  /// The published fields of VGG16 (google-research/receptive_field RECEPTIVE_FIELD_TABLE.md,
  /// vgg_16 rows: conv1_1 3, conv1_2 5, pool1 6, conv2_1 10, conv2_2 14, pool5 212 with effective
  /// stride 32 and effective padding 90).
  @Test func vgg16PublishedFields() throws {
    let analysis = try analyze(
      """
      input image 3x224x224
      conv1_1: conv 64 k3 p1
      conv1_2: conv 64 k3 p1
      pool1: maxpool k2 s2
      conv2_1: conv 128 k3 p1
      conv2_2: conv 128 k3 p1
      pool2: maxpool k2 s2
      (conv 256 k3 p1) * 3
      pool3: maxpool k2 s2
      (conv 512 k3 p1) * 3
      pool4: maxpool k2 s2
      (conv 512 k3 p1) * 3
      pool5: maxpool k2 s2
      """)
    for (name, size) in [
      ("conv1_1", 3), ("conv1_2", 5), ("pool1", 6), ("conv2_1", 10), ("conv2_2", 14), ("pool5", 212),
    ] {
      guard case .regular(let field) = analysis.layer(name)?.output.receptiveField else {
        Issue.record("\(name) has no regular field")
        continue
      }
      #expect(field.size == [Rational(size), Rational(size)], "\(name)")
    }
    guard case .regular(let pool5) = analysis.layer("pool5")?.output.receptiveField else { return }
    #expect(pool5.jump == [Rational(32), Rational(32)])
    #expect(try pool5.effectivePadding() == [Rational(90), Rational(90)])
  }

  /// Merging paths: the union of the fields, the smallest path's size, and a warning when centres differ.
  @Test func mergesTakeTheUnion() throws {
    let aligned = try analyze(
      """
      input x 1x32x32
      a = conv 1 k1
      b = conv 1 k5 p2
      join: concat a b
      """)
    guard case .regular(let field) = aligned.layer("join")?.output.receptiveField else {
      Issue.record("irregular"); return
    }
    #expect(field.size == [Rational(5), Rational(5)])
    #expect(field.minSize == [Rational(1), Rational(1)])
    #expect(field.start == [Rational(0), Rational(0)])
    #expect(aligned.diagnostics(.rfMisaligned).isEmpty)

    // Without padding the 5x5 path's first unit is centred on pixel 2, the 1x1 path's on 0; the
    // union spans pixels 0…4 (size 5, centre 2). Shapes differ too, so use crop to align them.
    let shifted = try analyze(
      """
      input x 1x32x32
      a = conv 1 k1 | crop p2
      b = conv 1 k5
      join: add a b
      """)
    #expect(shifted.diagnostics(.rfMisaligned).isEmpty, "crop by 2 moves the 1x1 path's first unit to pixel 2")
    let misaligned = try analyze(
      """
      input x 1x32x32
      a = conv 1 k1 | crop p=0:4
      b = conv 1 k5
      join: add a b
      """)
    #expect(misaligned.diagnostics(.rfMisaligned).count == 1)
    guard case .regular(let union) = misaligned.layer("join")?.output.receptiveField else { return }
    #expect(union.size == [Rational(5), Rational(5)])
    #expect(union.start == [Rational(2), Rational(2)])
  }

  /// Transposed convolution k4 s2 p1 (the DCGAN upsampling layer; PyTorch: input i adds into
  /// outputs 2i − 1 + t, t = 0…3). Output 0 is reached from i = 0 (t = 1) and i = −1 (t = 3):
  /// pixels −1…0; output 1 from i = 1 (t = 0) and i = 0 (t = 2): pixels 0…1. Every unit depends on
  /// two pixels; the pattern moves one pixel every two units.
  @Test func transposedConvolutionDependsOnWholePixels() throws {
    let analysis = try analyze("input x 1x8\ndeconv 1 k4 s2 p1\n")
    #expect(analysis.layers[0].output.shape == [1, 16])
    guard case .regular(let field) = analysis.layers[0].output.receptiveField else { Issue.record("irregular"); return }
    #expect(field.size == [Rational(2)])
    #expect(field.minSize == [Rational(2)])
    #expect(field.jump == [try Rational(1, 2)])
    #expect(field.start == [try Rational(-1, 2)])
  }

  /// Issue 7's reproducer: `deconv k2 s2` and nearest ×2 both make every output depend on exactly
  /// one input pixel (⌊o/2⌋): size 1, jump ½, start 0, and concatenating them is aligned. A
  /// following `deconv k4 s2 p1` reads units ⌊(o+1)/2⌋ − 1 … ⌊(o+1)/2⌋ (see above), i.e. pixels
  /// ⌊(o−1)/4⌋ … ⌊(o+1)/4⌋: two pixels for o ≡ 0, 2 (mod 4) and one for o ≡ 1, 3 — never a fraction.
  @Test func resamplingLayersFollowTheirDependencies() throws {
    let analysis = try analyze(
      """
      input x 8x32x32
      a: deconv 8 k2 s2
      b = from x | upsample scale=2
      j: concat a b
      d: deconv 8 k4 s2 p1
      """)
    for name in ["a", "b", "j"] {
      guard case .regular(let field) = analysis.layer(name)?.output.receptiveField else {
        Issue.record("\(name) irregular"); continue
      }
      #expect(field.size == [Rational(1), Rational(1)], "\(name)")
      #expect(field.jump == [try Rational(1, 2), try Rational(1, 2)], "\(name)")
      #expect(field.start == [.zero, .zero], "\(name)")
    }
    #expect(analysis.diagnostics(.rfMisaligned).isEmpty)
    guard case .regular(let d) = analysis.layer("d")?.output.receptiveField else { Issue.record("d"); return }
    #expect(d.size == [Rational(2), Rational(2)])
    #expect(d.minSize == [Rational(1), Rational(1)])
    #expect(d.jump == [try Rational(1, 4), try Rational(1, 4)])
    for o in 0..<12 {
      let expected = PixelSpan(low: (o - 1).floorDivided(by: 4), high: (o + 1).floorDivided(by: 4))
      #expect(try d.axes[1].span(of: o) == expected, "unit \(o)")
    }
  }

  /// Upsampling by 2: nearest copies ⌊o/2⌋ (size 1, jump ½, start 0); bilinear
  /// (`align_corners=False`) blends ⌊x⌋ and ⌊x⌋ + 1 at x = (o + ½)/2 − ½: unit 0 at x = −¼ reads
  /// pixels −1 and 0 (size 2, centre −½), unit 1 at x = ¼ reads 0 and 1.
  @Test func upsampling() throws {
    let nearest = try analyze("input x 1x8\nupsample scale=2\n")
    let bilinear = try analyze("input x 1x8\nupsample scale=2 mode=bilinear\n")
    guard case .regular(let n) = nearest.layers[0].output.receptiveField,
      case .regular(let b) = bilinear.layers[0].output.receptiveField
    else { Issue.record("irregular"); return }
    let half = try Rational(1, 2)
    #expect(n.size == [Rational(1)])
    #expect(n.jump == [half])
    #expect(n.start == [Rational(0)])
    #expect(b.size == [Rational(2)])
    #expect(b.jump == [half])
    #expect(b.start == [try Rational(-1, 2)])
  }

  /// Global by any name (issue 7): `gap`, `adaptiveavgpool 1x1` and an `avgpool` whose window is the
  /// whole map all cover the whole input, and so does a squeeze-and-excitation `mul` that broadcasts
  /// them, and every layer after it.
  @Test(arguments: ["globalavgpool", "adaptiveavgpool 1x1", "avgpool k32", "maxpool k32 s1", "conv 16 k32"])
  func squeezeAndExcitationCoversTheWholeInput(pool: String) throws {
    let analysis = try analyze(
      """
      input x 16x32x32
      b: conv 16 k3 p1
      s = \(pool) | conv 8 k1 | relu | conv 16 k1 | sigmoid
      m: mul b s
      c: conv 16 k3 p1
      """)
    #expect(analysis.layer("s")?.output.receptiveField == .whole)
    #expect(analysis.layer("m")?.output.receptiveField == .whole)
    #expect(analysis.layer("c")?.output.receptiveField == .whole)
    #expect(analysis.diagnostics(.rfMisaligned).isEmpty)
  }

  @Test func wholeAndIrregularCoverage() throws {
    let analysis = try analyze(
      """
      input x 3x10x10
      gap: globalavgpool
      a: from x | adaptiveavgpool 3x3
      b: from x | adaptiveavgpool 5x5
      c: from x | flatten | fc 4
      output gap a b c
      """)
    #expect(analysis.layer("gap")?.output.receptiveField == .whole)
    // 10 → 3: windows [0, 4), [3, 7), [6, 10) (PyTorch's start ⌊i·10/3⌋, end ⌈(i+1)·10/3⌉), then
    // the pattern repeats 10 pixels later: size 4, jump 10/3, first centre 3/2.
    guard case .regular(let uneven) = analysis.layer("a")?.output.receptiveField else {
      Issue.record("a is not a pattern"); return
    }
    #expect(uneven.size == [Rational(4), Rational(4)])
    #expect(uneven.jump == [try Rational(10, 3), try Rational(10, 3)])
    #expect(uneven.start == [try Rational(3, 2), try Rational(3, 2)])
    guard case .regular(let even) = analysis.layer("b")?.output.receptiveField else {
      Issue.record("b irregular"); return
    }
    #expect(even.size == [Rational(2), Rational(2)], "10/5: a 2x2 window with stride 2")
    #expect(analysis.layer("c.fc")?.output.receptiveField == .whole)
  }

  /// Real offsets warn (issue 7): the input shifted by one pixel against a centred 5x5 path
  /// (fields o−2…o+2 and o+1…o+1: neither centres nor ends agree, 1 pixel apart at jump 1), and a
  /// U-Net level whose skip crop removes one more row at the top than at the bottom.
  @Test(arguments: [
    """
    input x 8x32x32
    a: conv 8 k5 p2
    b = from x | crop p=1:0 | pad p=0:1
    m: add a b
    """,
    """
    input x 8x64x64
    enc: conv 8 k3 | conv 8 k3
    down: maxpool k2 s2 | conv 16 k3 | conv 16 k3
    up: deconv 8 k2 s2
    skip = from enc | crop p=5:3
    m: concat skip up
    """,
  ])
  func offsetMergesWarn(spec: String) throws {
    let analysis = try analyze(spec)
    #expect(analysis.diagnostics(.rfMisaligned).count == 1, "\(analysis.diagnostics.map(\.message))")
  }

  /// Designed-in offsets do not warn: a causal residual (fields end together), the same U-Net level
  /// with a centred crop (a repeating sub-pixel offset from the transposed convolution: a note), and
  /// a 2x2 average-pool shortcut beside a strided 3x3 path (ResNet-D: half a pixel at jump 2).
  @Test(arguments: [
    "input x 16x100\nr: conv 16 k2 d4 p=4:0\nm: add x r\n",
    """
    input x 8x64x64
    enc: conv 8 k3 | conv 8 k3
    down: maxpool k2 s2 | conv 16 k3 | conv 16 k3
    up: deconv 8 k2 s2
    skip = from enc | crop p4
    m: concat skip up
    """,
    """
    input x 8x32x32
    a: conv 8 k3 s2 p1
    b = from x | avgpool k2 s2 | conv 8 k1
    m: add a b
    """,
  ])
  func designedMergesDoNotWarn(spec: String) throws {
    let analysis = try analyze(spec)
    #expect(analysis.diagnostics(.rfMisaligned).isEmpty, "\(analysis.diagnostics.map(\.message))")
  }
}
