import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// Truncation: real input elements that no window reaches and that a further window would start on.
@Suite struct TruncationTests {
  /// Counts by placing windows: the real positions (not padding) after the last window's end from
  /// where the next window would start.
  static func bruteDropped(input: Int, before: Int, after: Int, span: Int, stride: Int) -> Int {
    let count = WindowArithmeticTests.bruteFloor(input: input, before: before, after: after, span: span, stride: stride)
    let nextStart = count * stride
    let lastEnd = (count - 1) * stride + span
    return max(0, before + input - max(nextStart, lastEnd))
  }

  @Test func truncationMatchesBruteForce() throws {
    for input in 3...30 {
      for kernel in 1...5 {
        for stride in 1...4 {
          for pad in 0...2 where pad < kernel && input + 2 * pad >= kernel {
            let analysis = try analyze("input x 1x\(input)\nconv 1 k\(kernel) s\(stride) p\(pad)\n")
            let dropped = analysis.diagnostics(.truncation).count
            let brute = Self.bruteDropped(input: input, before: pad, after: pad, span: kernel, stride: stride)
            #expect((dropped > 0) == (brute > 0), "in \(input) k \(kernel) s \(stride) p \(pad)")
            if brute > 0 {
              let message = analysis.diagnostics(.truncation)[0].message
              #expect(message.contains("drops \(brute) input position"), "\(message)")
            }
          }
        }
      }
    }
  }

  /// The AlexNet paper's 224 input (Krizhevsky et al. 2012, section 3.5): (224 − 11) / 4 is not an
  /// integer; one row and one column are dropped, floor gives 54 and 227 fits.
  @Test func alexNetPaperInput() throws {
    let analysis = try analyze("input data 3x224x224\nconv1: conv 96 k11 s4\nrelu\n")
    let diagnostic = try #require(analysis.diagnostics(.truncation).first)
    #expect(
      diagnostic.message
        == "conv1 drops 1 input row and 1 input column: 224 − 11 = 213 is not a multiple of stride 4, so floor mode gives 54 outputs"
    )
    // For this one-layer network the nearest fit is 223 (223 − 11 = 212 = 4 × 53); with the whole
    // AlexNet it is 227 (ZooTests), because 223 leaves later pooling windows uneven.
    #expect(diagnostic.hint?.hasPrefix("network input 223x223 fits every layer") == true)
    #expect(diagnostic.hint?.contains("a layer input of 227 or 223 fits exactly") == true)
    #expect(diagnostic.severity == .warning)
    #expect(analysis.layer("conv1")?.output.shape == [96, 54, 54])
  }

  /// A 1x1 stride-2 projection skips every other row by design: no truncation (ResNet shortcuts).
  @Test func subsamplingIsNotTruncation() throws {
    let analysis = try analyze("input x 64x56x56\nconv 128 k1 s2\n")
    #expect(analysis.diagnostics(.truncation).isEmpty)
  }

  @Test func ceilModeFindings() throws {
    // 5 + 2·1 − 2 = 5; ceil(5/2) + 1 = 4, but the 4th window would start at 6 ≥ 5 + 1: dropped.
    let dropped = try analyze("input x 1x5\nmaxpool k2 s2 p1 ceil\n")
    #expect(dropped.diagnostics(.ceilWindowDropped).count == 1)
    #expect(dropped.layers[0].output.shape == [1, 3])
    // GoogLeNet's pool1: 112 → ceil(109/2) + 1 = 56; the last window runs one past the input.
    let partial = try analyze("input x 64x112x112\nmaxpool k3 s2 ceil\n")
    #expect(partial.layers[0].output.shape == [64, 56, 56])
    #expect(partial.diagnostics(.partialWindow).count == 1)
  }
}

/// How `fit` groups the fitting sizes of one search.
struct FitRunsTests {
  @Test(arguments: [
    // Consecutive sizes are one range; a lone size is a one-element range.
    ([4, 5, 6, 7], Fit.Sizes.Runs.list([4...7])),
    ([9], .list([9...9])),
    ([], .list([])),
    // Evenly spaced with a step above 1: a progression, however long.
    ([163, 195, 227, 259, 291], .progression([163, 195, 227, 259, 291], step: 32)),
    ([3, 5], .progression([3, 5], step: 2)),
    // Uneven gaps: runs of consecutive sizes.
    ([1, 2, 3, 7, 8, 12], .list([1...3, 7...8, 12...12])),
    ([1, 3, 4], .list([1...1, 3...4])),
  ])
  func runs(fitting: [Int], expected: Fit.Sizes.Runs) {
    #expect(Fit.Sizes(declared: 5, fitting: fitting).runs == expected)
  }

  /// The neighbours are the nearest fitting sizes strictly below and above the declared one.
  @Test func neighbours() {
    let sizes = Fit.Sizes(declared: 227, fitting: [163, 195, 227, 259])
    #expect(sizes.below == 195 && sizes.above == 259 && sizes.declaredFits)
    let misfit = Fit.Sizes(declared: 224, fitting: [227, 259])
    #expect(misfit.below == nil && misfit.above == 227 && !misfit.declaredFits)
  }
}
