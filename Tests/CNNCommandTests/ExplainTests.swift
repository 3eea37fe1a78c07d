import CNNZoo
import Foundation
import Testing

/// `cnncalc explain SPEC LAYER` (issue 11): the derivation a student reading the AlexNet and VGG
/// papers asks for. Expected values come from the papers' arithmetic and the recurrence by hand.
@Suite(.serialized) struct ExplainTests {
  @Test(arguments: [
    (["explain", "vgg16", "pool5"], "explain-vgg16-pool5.txt"),
    (["explain", "vgg16", "pool5", "--format", "markdown"], "explain-vgg16-pool5.md"),
    (["explain", "alexnet-224", "pool1"], "explain-alexnet-224-pool1.txt"),
    (["explain", "googlenet", "i3a"], "explain-googlenet-i3a.txt"),
    (["help", "explain"], "help-explain.txt"),
  ])
  func golden(arguments: [String], golden: String) throws {
    let result = run(arguments)
    #expect(result.code == 0, "\(result.error)")
    try expectGolden(result.out, golden)
  }

  /// VGG16's field grows 3, 5, 6, 10, 14, 16, 24, 32, 40, 44, 60, 76, 92, 100, 132, 164, 196, 212
  /// (each 3×3 conv adds 2·j′, each 2×2 pool adds j′ and doubles j; Simonyan & Zisserman 2015,
  /// table 1; google-research/receptive_field gives 212 for pool5).
  @Test func vggReadsAsTheLectureNotesTable() throws {
    let out = run(["explain", "vgg16", "pool5"]).out
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines[0] == "vgg16, pool5: receptive field 212, jump 32, start 31/2")
    #expect(
      lines[1]
        == "along 31 layers from image (3x224x224); r: 1 → 3, 5, 6, 10, 14, 16, 24, 32, 40, 44, 60, 76, 92, 100, 132, 164, 196, 212"
    )
    // The last step: pool5 (k2 s2) over conv5_3's field 196 at jump 16.
    #expect(out.contains("  field   r = r′ + (k − 1)·j′ = 196 + (2 − 1)·16 = 212\n"))
    #expect(out.contains("          j = j′·s = 16·2 = 32\n"))
    // conv5_1 over pool4 (r 100, j 16): 100 + 2·16 = 132.
    #expect(out.contains("r = r′ + (k − 1)·j′ = 100 + (3 − 1)·16 = 132"))
  }

  /// The AlexNet paper's 224 input: (224 − 11)/4 = 53.25, floor 54; one row is reached by no
  /// window; 223 and 227 fit (Krizhevsky et al. 2012; issue #2).
  @Test func alexnetShowsTheDroppedRow() throws {
    let out = run(["explain", "alexnet-224", "conv1"]).out
    #expect(out.contains("  extent  96 output channels\n          ⌊(224 − 11)/4⌋ + 1 = ⌊53.25⌋ + 1 = 54\n"))
    #expect(out.contains("213 mod 4 = 1: no window reaches the last input element; an input of 223 or 227 would fit"))
  }

  /// Dilation and TensorFlow SAME by hand. a: dk = 2·(3 − 1) + 1 = 5; 32 + 2 + 2 − 5 + 1 = 32;
  /// r = 1 + 2·2·1 = 5; c = 0 + (2 − 2)·1 = 0. b: ⌈32/2⌉ = 16, padding (16 − 1)·2 + 3 − 32 = 1,
  /// 0 before and 1 after; r = 5 + 2·1 = 7, j = 2, c = 0 + (1 − 0)·1 = 1.
  @Test func dilationAndSamePadding() throws {
    let url = try temporaryFolder().appendingPathComponent("d.cnn")
    try "input x 1x32x32\na: conv 1 k3 d2 p2\nb: conv 1 k3 s2 p=same\n".write(
      to: url, atomically: true, encoding: .utf8)
    let out = run(["explain", url.path, "b"]).out
    for line in [
      "dk = d·(k − 1) + 1 = 2·(3 − 1) + 1 = 5", "32 + 2 + 2 − 5 + 1 = 32",
      "r = r′ + (k − 1)·d·j′ = 1 + (3 − 1)·2·1 = 5",
      "c = c′ + ((k − 1)·d/2 − b)·j′ = 0 + ((3 − 1)·2/2 − 2)·1 = 0",
      "same: ⌈32/2⌉ = 16; padding max((16 − 1)·2 + 3 − 32, 0) = 1: 0 before, 1 after",
      "r = r′ + (k − 1)·j′ = 5 + (3 − 1)·1 = 7", "j = j′·s = 1·2 = 2",
      "c = c′ + ((k − 1)/2 − b)·j′ = 0 + ((3 − 1)/2 − 0)·1 = 1",
    ] {
      #expect(out.contains(line), "\(line)")
    }
  }

  /// Ceil mode's dropped last window (PyTorch `pooling_output_shape`): 5 + 1 + 1 − 2 = 5,
  /// ⌈5/2⌉ + 1 = 4, but the 4th window would start at 6 ≥ 5 + 1, inside the end padding: 3.
  @Test func ceilModeDropsTheLastWindow() throws {
    let url = try temporaryFolder().appendingPathComponent("c.cnn")
    try "input x 1x5x5\np: maxpool k2 s2 p1 ceil\n".write(to: url, atomically: true, encoding: .utf8)
    let out = run(["explain", url.path, "p"]).out
    #expect(
      out.contains("⌈(5 + 1 + 1 − 2)/2⌉ + 1 = ⌈2.5⌉ + 1 = 4; its last window would start in the end padding, so 3"))
  }

  /// A 2× nearest upsampling is not the plain recurrence: its units' fields come in two phases.
  /// After a k3 conv (r 3, j 1) it reads pixel ⌊o/2⌋: r stays 3, j = 1/2 (docs/conventions.md).
  @Test func resamplingStatesItsRule() throws {
    let url = try temporaryFolder().appendingPathComponent("u.cnn")
    try "input x 1x16x16\na: conv 1 k3 p1\nu: upsample scale=2\n".write(to: url, atomically: true, encoding: .utf8)
    let result = run(["explain", url.path, "u"])
    #expect(result.code == 0, "\(result.error)")
    #expect(result.out.contains("unit o reads input ⌊o·i/o_n⌋ (nearest)"))
    #expect(result.out.contains("r = 3, j = 1/2"))
    #expect(result.out.contains("i·scale = 16·2 = 32"))
  }

  /// Global pooling makes the field whole, and says why.
  @Test func wholeSaysWhy() throws {
    let out = run(["explain", "resnet18", "avgpool"]).out
    #expect(out.hasPrefix("resnet18, avgpool: receptive field whole"))
    #expect(out.contains("every unit depends on every pixel its input depends on: whole"))
  }

  @Test func unknownLayerSuggests() {
    let result = run(["explain", "vgg16", "pool55"])
    #expect(result.code == 1)
    #expect(result.error.contains("vgg16 has no layer 'pool55'; did you mean 'pool5'?"))
    #expect(run(["explain", "vgg16"]).code == 2)
  }
}

/// Every zoo network explains its last layer and a middle one; where the printed recurrence
/// applies, its result is the table's figure for that layer (the derivation never disagrees with
/// the summary it explains).
@Suite(.serialized) struct ExplainZooTests {
  @Test func everyZooNetworkExplains() throws {
    for spec in Zoo.specs {
      let names = try #require(zooLayerNames(spec.name))
      for name in [names[names.count / 2], names[names.count - 1]] {
        let result = run(["explain", spec.name, name])
        #expect(result.code == 0, "\(spec.name) \(name): \(result.error)")
        let headline = result.out.prefix { $0 != "\n" }
        #expect(headline.contains(", \(name): receptive field "), "\(spec.name) \(name)")
        // Each layer's `r = … = N` line ends in the figure the field table prints for it.
        let rows = result.out.split(separator: "\n").filter { $0.hasPrefix("| ") }
        let tableSizes = Dictionary(
          rows.dropFirst().map { row -> (String, String) in
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return (cells[0], cells[2])
          }, uniquingKeysWith: { a, _ in a })
        var layer = ""
        for line in result.out.split(separator: "\n") {
          if !line.hasPrefix(" "), let first = line.split(separator: " ").first { layer = String(first) }
          if line.hasPrefix("  field   r = r′"), let size = line.split(separator: " ").last {
            #expect(tableSizes[layer] == String(size), "\(spec.name) \(layer): \(line)")
          }
        }
      }
    }
  }

  func zooLayerNames(_ name: String) -> [String]? {
    let csv = run([name, "--format", "csv"]).out.split(separator: "\n").dropFirst()
    let names = csv.compactMap { $0.split(separator: ",").first.map(String.init) }
    return names.isEmpty ? nil : names
  }
}
