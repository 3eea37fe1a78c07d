import Foundation
import Testing

/// `cnncalc fit` (issue 11, item 8): the next fitting sizes, every fitting size grouped, and one
/// line per axis for inputs that are not square. Expected sizes are derived by hand in each test.
@Suite(.serialized) struct FitTests {
  func fit(_ spec: String, radius: Int) throws -> String {
    let url = try temporaryFolder().appendingPathComponent("net.cnn")
    try spec.write(to: url, atomically: true, encoding: .utf8)
    let result = run(["fit", url.path, "--radius", "\(radius)"])
    #expect(result.code == 0, "\(result.error)")
    return result.out
  }

  /// A 3×3 stride-2 convolution without padding fits when n − 3 is even: the odd sizes. At 20 it
  /// drops a row and a column; 21 (+1) and 19 (−1) are equally near, the larger is named first.
  @Test func nearestSizesWhenTheDeclaredOneDoesNotFit() throws {
    let lines = try fit("input x 1x20x20\nc: conv 1 k3 s2\n", radius: 5).split(separator: "\n")
    #expect(lines.contains("the nearest sizes that fit are 21x21 (+1) and 19x19 (−1)"))
    #expect(lines.last == "within ±5: 15x15, 17x17, 19x19, 21x21, 23x23, 25x25 fit (every 2nd size)")
  }

  /// A padded 3×3 stride-1 convolution fits every size from 1 up; the search is 4…12 around 8.
  @Test func everySizeFitsSaysSoOnce() throws {
    let text = try fit("input x 1x8x8\nc: conv 1 k3 p1\n", radius: 4)
    #expect(
      text == """
        net: input 'x' declared 8x8
        every layer fits exactly at the declared 8x8

        the next sizes that also fit are 9x9 (+1) and 7x7 (−1)
        within ±4: every size from 4x4 to 12x12 fits

        """)
  }

  /// A 3-D input varies one axis at a time: one line per axis, the declared size never repeated.
  /// At 5x21x21 the k3 s2 windows fit (5 − 3 and 21 − 3 are even). Frames 5 ± 3 → 2…8, of which
  /// 3, 5, 7 fit; rows and columns 21 ± 3 → 18…24, of which 19, 21, 23 fit.
  @Test func threeDimensionalInputGetsOneLinePerAxis() throws {
    let text = try fit("input x 1x5x21x21\nc: conv 1 k3 s2\n", radius: 3)
    let axisLines = text.split(separator: "\n").filter { $0.hasPrefix("  ") }
    #expect(
      axisLines == [
        "  frame axis (5): the next sizes that also fit are 7 (+2) and 3 (−2); 3, 5, 7 fit (every 2nd size)",
        "  row axis (21): the next sizes that also fit are 23 (+2) and 19 (−2); 19, 21, 23 fit (every 2nd size)",
        "  column axis (21): the next sizes that also fit are 23 (+2) and 19 (−2); 19, 21, 23 fit (every 2nd size)",
      ])
    #expect(!text.contains("(+0)"))
  }

  /// At 4x20x20 every axis misfits, so no single axis can be changed to make the whole network fit:
  /// the lines say that the other axes are the obstacle rather than listing nothing silently.
  @Test func oneAxisAtATimeCanFindNothing() throws {
    let text = try fit("input x 1x4x20x20\nc: conv 1 k3 s2\n", radius: 3)
    let axisLines = text.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("axis (") }
    #expect(axisLines.count == 3)
    for line in axisLines { #expect(line.hasSuffix("no size fits every layer while the other axes stay as declared")) }
  }

  /// Two layers narrow the progression: `input 1x10` then a k4 s3 convolution without padding: n − 4 divisible by 3 → 4, 7, 10, 13, 16;
  /// a second, padded k2 s2 pooling then needs an even length: (n − 4)/3 + 1 even → n = 7, 13.
  /// With a radius of 6 (4…16) that is 7 and 13, one progression.
  @Test func twoLayersNarrowTheProgression() throws {
    let lines = try fit("input x 1x10\na: conv 1 k4 s3\nb: maxpool k2 s2\n", radius: 6).split(separator: "\n")
    #expect(lines.contains("the nearest sizes that fit are 13 (+3) and 7 (−3)"))
    #expect(lines.last == "within ±6: 7, 13 fit (every 6th size)")
  }
}
