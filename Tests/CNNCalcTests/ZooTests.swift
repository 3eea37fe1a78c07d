import CNNCalc
import CNNGraph
import CNNSpec
import CNNZoo
import Foundation
import Testing

/// The bundled zoo: every spec holds its `expect` lines, the published totals are reproduced, and
/// the embedded copies match `specs/`.
@Suite struct ZooTests {
  static let specsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("specs")

  static func zooAnalysis(_ name: String) throws -> Analysis {
    let text = try #require(Zoo.text(named: name))
    let compilation = SpecCompiler.compile(SourceFile(path: "\(name).cnn", text: text), shapes: CalculatedShapes())
    return Analyzer.analyze(try #require(compilation.network, "\(compilation.diagnostics.map(\.message))"))
  }

  @Test func embeddedZooMatchesSpecsFolder() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.specsFolder.path).filter {
      $0.hasSuffix(".cnn")
    }
    #expect(Set(files.map { String($0.dropLast(4)) }) == Set(Zoo.names), "run scripts/generate-zoo.sh")
    for file in files {
      let text = try String(contentsOf: Self.specsFolder.appendingPathComponent(file), encoding: .utf8)
      #expect(Zoo.text(named: String(file.dropLast(4))) == text, "\(file) is stale: run scripts/generate-zoo.sh")
    }
  }

  @Test(arguments: Zoo.names)
  func expectationsHold(name: String) throws {
    let analysis = try Self.zooAnalysis(name)
    #expect(analysis.isComplete)
    let failures = analysis.diagnostics.filter { $0.severity == .error }
    #expect(failures.isEmpty, "\(failures.map(\.message))")
    #expect(!analysis.network.expectations.isEmpty, "every zoo spec carries expect lines")
  }

  /// Published totals, restated here with their sources (independent of the specs' own expect lines).
  @Test(
    arguments: [
      // Caffe bvlc_alexnet deploy.prototxt blob sizes, and issue #2's MAC count.
      ("alexnet", 60_965_224, 724_406_816),
      // torchvision weights metadata (num_params).
      ("alexnet-torchvision", 61_100_840, nil), ("vgg11", 132_863_336, nil), ("vgg13", 133_047_848, nil),
      ("vgg16", 138_357_544, nil), ("vgg19", 143_667_240, nil), ("resnet18", 11_689_512, nil),
      ("resnet34", 21_797_672, nil), ("resnet50", 25_557_032, nil), ("resnet101", 44_549_160, nil),
      ("resnet152", 60_192_808, nil),
      // bvlc_googlenet without auxiliary heads (issue #2).
      ("googlenet", 6_998_552, nil),
    ] as [(String, Int, Int?)])
  func publishedTotals(name: String, params: Int, macs: Int?) throws {
    let analysis = try Self.zooAnalysis(name)
    #expect(analysis.totals.params == params)
    if let macs { #expect(analysis.totals.macs == macs) }
  }

  /// torchvision's GFLOPS column (multiply-accumulates, two decimals): our exact MACs round to it.
  @Test(arguments: [("vgg16", 1547), ("resnet50", 409), ("resnet18", 181), ("alexnet-torchvision", 71)])
  func torchvisionGigaMACs(name: String, hundredths: Int) throws {
    let macs = try Self.zooAnalysis(name).totals.macs
    #expect((macs + 5_000_000) / 10_000_000 == hundredths)
  }

  /// cs231n's VGG16 memory walk-through lists each layer's activations (INPUT 150K, CONV3-64
  /// 3.2M, …, FC 1000); its entries sum to 15,237,608 values. cnncalc's forward total adds the
  /// final softmax's 1,000 (ReLUs run in place, flatten is a view), at 4 bytes each.
  @Test func vgg16ForwardTotal() throws {
    let analysis = try Self.zooAnalysis("vgg16")
    #expect(analysis.totals.activationBytes == (15_237_608 + 1000) * 4)
  }

  /// The AlexNet paper's 224 input: a truncation warning at conv1, and the whole network fits at 227.
  @Test func alexnetPaperInputWarns() throws {
    let analysis = try Self.zooAnalysis("alexnet-224")
    let truncations = analysis.diagnostics(.truncation)
    #expect(truncations.count == 1)
    #expect(truncations.first?.layer == "conv1")
    #expect(truncations.first?.hint?.hasPrefix("network input 227x227 fits every layer") == true)
    let report = try #require(Fit.search(analysis.network))
    #expect(report.fitting.first?.extents == [227, 227])
  }

  /// Column sums equal totals, for every zoo network (the torchinfo invariant).
  @Test(arguments: Zoo.names)
  func columnsAddUpToTotals(name: String) throws {
    let analysis = try Self.zooAnalysis(name)
    let t = analysis.totals
    #expect(analysis.layers.map(\.params).reduce(0, +) == t.params)
    #expect(analysis.layers.map(\.buffers).reduce(0, +) == t.buffers)
    #expect(analysis.layers.map(\.macs).reduce(0, +) == t.macs)
    #expect(analysis.layers.map(\.otherOps).reduce(0, +) == t.otherOps)
    #expect(t.flops == 2 * t.macs)
    let allocated = analysis.layers.filter { $0.storage == .allocated }.map(\.activationBytes).reduce(0, +)
    #expect(t.inputBytes + allocated == t.activationBytes)
    #expect(t.peakActivationBytes <= t.activationBytes)
    #expect(t.peakActivationBytes >= analysis.layers.map(\.activationBytes).max()!)
    #expect(t.paramBytes == (t.params + t.buffers) * 4)
  }
}
