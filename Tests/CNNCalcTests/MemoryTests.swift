import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// Activation memory: forward total, in-place layers, views, and the peak of live buffers.
@Suite struct MemoryTests {
  /// By hand (f32, batch 1): x 16 el = 64 B; a 2x4x4 = 128 B; relu in place over a; c, d, e 64 B.
  /// Steps: conv a (x, a) 192; relu (a) 128; c (a, c) 192; d (a, c, d) 256; e (c, d, e) 192.
  /// Peak 256; forward total 64 + 128 + 64 + 64 + 64 = 384.
  static let spec = """
    input x 1x4x4
    a: conv 2 k1
    b: relu
    c = conv 1 k1
    d: from b | conv 1 k1
    e: add c d
    """

  @Test func handDerivedPeak() throws {
    let analysis = try analyze(Self.spec)
    #expect(analysis.layer("b")?.storage == .inPlace)
    #expect(analysis.totals.inputBytes == 64)
    #expect(analysis.totals.activationBytes == 384)
    #expect(analysis.totals.peakActivationBytes == 256)
  }

  @Test func batchAndDTypeScale() throws {
    let analysis = try analyze(Self.spec, options: AnalysisOptions(batch: 3, dtype: .f16))
    #expect(analysis.totals.activationBytes == 384 / 2 * 3)
    #expect(analysis.totals.peakActivationBytes == 256 / 2 * 3)
    #expect(analysis.layer("a")?.macs == 3 * 16 * 2)
    // params: a 2·1 + 2 = 4, c 1·2 + 1 = 3, d 3; two bytes each in f16.
    #expect(analysis.totals.paramBytes == (4 + 3 + 3) * 2)
  }

  /// A ReLU whose input is read elsewhere cannot run in place; views never allocate.
  @Test func inPlaceNeedsTheOnlyReader() throws {
    let analysis = try analyze(
      """
      input x 1x4x4
      a: conv 2 k1
      b: relu
      c: from a | flatten
      output b c
      """)
    #expect(analysis.layer("b")?.storage == .allocated)
    #expect(analysis.layer("c")?.storage == .view)
  }

  /// The Adam estimate: 4 × weight bytes + buffer bytes + forward total.
  @Test func trainingEstimate() throws {
    let analysis = try analyze("input x 1x4x4\nconv 2 k1 | bn\n")
    // params: conv 2·1 + 2 = 4, bn 4; buffers 4; f32.
    #expect(analysis.totals.params == 8)
    #expect(analysis.totals.trainingBytes == 4 * 8 * 4 + 4 * 4 + analysis.totals.activationBytes)
  }
}

/// Several named inputs: each starts its own path; the first is the initial trunk.
@Suite struct MultipleInputTests {
  @Test func twoInputsMerge() throws {
    let analysis = try analyze(
      """
      input image 3x32x32
      input mask 1x32x32
      features: conv 8 k3 p1
      gate: from mask | conv 8 k1 | sigmoid
      out: mul features gate
      """)
    #expect(analysis.layer("features")?.inputs == ["image"])
    #expect(analysis.layer("gate")?.inputs == ["mask"])
    #expect(analysis.layer("out")?.output.shape == [8, 32, 32])
    // Both inputs count in the forward total: (3 + 1) · 32 · 32 · 4 bytes.
    #expect(analysis.totals.inputBytes == 4 * 32 * 32 * 4)
  }
}
