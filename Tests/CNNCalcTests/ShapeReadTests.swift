import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// Expressions that read tensor shapes (`in.c`, `in.h`, `stem.w`); each expected value is worked
/// out by hand in the comment.
@Suite struct ShapeReadTests {
  func shape(_ text: String, _ layer: String) throws -> [Int]? {
    try analyze(text).layer(layer)?.output.shape
  }

  /// DenseNet's transition halves the channels that reach it: 64 → conv 32, avgpool 32x16x16.
  @Test func transitionHalvesItsInput() throws {
    let text = """
      input x 3x32x32
      block transition()
        c: conv in.c/2 k1 | avgpool k2
      end
      stem: conv 64 k3 p1
      t: transition()
      """
    #expect(try shape(text, "t.c") == [32, 32, 32])
    #expect(try shape(text, "t.c.avgpool") == [32, 16, 16])
  }

  /// In a call's arguments at top level, `in` is what the call receives: 48 channels → out 24.
  @Test func callArgumentsReadTheCallsInput() throws {
    let text = """
      input x 3x8x8
      block proj(out)
        p: conv out k1
      end
      a: conv 48 k1 | proj(in.c/2)
      """
    #expect(try shape(text, "a.0.p") == [24, 8, 8])
  }

  /// Inside a block, `in` is the block's input, not the previous stage: 3 channels, not 5.
  @Test func inInsideABlockIsTheBlocksInput() throws {
    let text = """
      input x 3x8x8
      block b()
        c: conv 5 k1 | conv in.c k1
      end
      y: b()
      """
    #expect(try shape(text, "y.c.conv") == [3, 8, 8])
  }

  /// torchvision's `use_res_connect = stride == 1 and inp == oup`, with inp read from the input:
  /// 8 → 8 has the residual add, 8 → 16 does not.
  @Test func conditionsReadShapes() throws {
    let text = """
      input x 8x8x8
      block ir(out, s=1)
        r = conv out k3 s=s p1
        sum: add in r if s == 1 and in.c == out
      end
      same: ir(8)
      wider: ir(16)
      """
    let analysis = try analyze(text)
    #expect(analysis.layer("same.sum") != nil)
    #expect(analysis.layer("wider.sum") == nil)
  }

  /// Extents by axis: on 4x5x7, h is 5 and w is 7, so `conv 2 k=in.h` gives 1x3; a named tensor's
  /// channels, and a default parameter read from the input.
  @Test func extentsNamedTensorsAndDefaults() throws {
    let analysis = try analyze(
      """
      input x 4x5x7
      block keep(out=in.c)
        k: conv out k1
      end
      full: conv 2 k=in.h
      stem = from x | conv 16 k1
      double = from stem | conv stem.c*2 k=x.w p=x.w/2
      kept = from x | keep()
      """)
    #expect(analysis.layer("full")?.output.shape == [2, 1, 3])
    #expect(analysis.layer("double")?.output.shape == [32, 5, 7])
    #expect(analysis.layer("kept.k")?.output.shape == [4, 5, 7])
  }

  @Test func errorsSayWhatIsMissing() throws {
    func errors(_ text: String, shapes: (any ShapeOracle)? = CalculatedShapes()) -> [Diagnostic] {
      SpecCompiler.compile(SourceFile(path: "t.cnn", text: text), shapes: shapes).diagnostics.filter {
        $0.severity == .error
      }
    }
    // A flat tensor has no h.
    let flat = errors("input x 3x4x4\nf: flatten\nfc in.h\n")
    #expect(flat.first?.code == .rankMismatch)
    #expect(flat.first?.message.contains("no 'h' axis") == true)
    // The layer before has no shape (5 channels cannot be sliced to 9).
    let broken = errors("input x 5x4x4\nslice 0 9\nconv in.c k1\n")
    #expect(broken.contains { $0.message.contains("the shape of 'in' is not known") })
    // Found by the fuzzer: an input whose shape was refused has no shape to read (it crashed).
    let refused = errors("input x 0x4x4\nblock b()\n  relu if in.c > 1\nend\nb()\nr: relu\nconv r.c k1\n")
    #expect(refused.contains { $0.message.contains("input 'x' has no usable shape") })
    // Without a shape calculator, the read is refused with the reason.
    let none = errors("input x 5x4x4\nrelu\nconv in.c k1\n", shapes: nil)
    #expect(none.first?.message.contains("no shape calculator") == true)
  }
}
