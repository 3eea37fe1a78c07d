import CNNCalc
import CNNGraph
import CNNPicture
import CNNZoo
import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The charts (issue 12): well-formed SVG for every zoo network, and the figures they mark are the
/// calculator's, checked against hand derivations and the papers.
@Suite struct ChartTests {
  /// Whether `text` parses as XML.
  static func wellFormed(_ text: String) -> Bool {
    XMLParser(data: Data(text.utf8)).parse()
  }

  @Test(arguments: Zoo.names)
  func everyZooChartAndGraphIsWellFormedSVG(name: String) throws {
    let analysis = try LayoutTests.zooAnalysis(name)
    let memory = try #require(Charts.memory(analysis))
    for (kind, svg) in [("rf", Charts.field(analysis)), ("memory", memory), ("cost", Charts.cost(analysis))] {
      #expect(Self.wellFormed(svg), "\(name) \(kind)")
    }
    let graph = DrawingGraph(analysis, foldingAt: 1)
    #expect(Self.wellFormed(GraphPicture.svg(graph, layout: LayeredLayout(graph), title: name)), "\(name) graph")
  }

  /// The live-memory curve peaks at the summary's peak (or the inputs alone are the peak, before
  /// the first layer runs), for every zoo network.
  @Test(arguments: Zoo.names)
  func liveCurvePeaksAtThePeak(name: String) throws {
    let analysis = try LayoutTests.zooAnalysis(name)
    let live = try #require(analysis.liveActivationBytes)
    #expect(live.count == analysis.layers.count)
    #expect(max(live.max() ?? 0, analysis.totals.inputBytes) == analysis.totals.peakActivationBytes)
  }

  /// A chain by hand: x 1x8x8 (256 B), a conv 2 k3 p1 (512 B), b relu in place, c conv 1 k1 (256 B).
  /// While a runs: x and a live, 768; while b runs: a only (x was last read by a), 512; while c
  /// runs: a and c, 768.
  @Test func liveBytesByHand() throws {
    let analysis = try LayoutTests.analysis("input x 1x8x8\na: conv 2 k3 p1\nb: relu\nc: conv 1 k1\n")
    #expect(analysis.liveActivationBytes == [768, 512, 768])
    // While c runs: a's buffer (shared by b in place, 512 B) and c's own (256 B); x is gone.
    let live = analysis.buffersLive(atStep: 2).map { (analysis.network.name(of: $0.tensor), $0.bytes) }
    #expect(live.map(\.0) == ["a", "c"] && live.map(\.1) == [512, 256])
    #expect(analysis.buffersLive(atStep: 0).map { analysis.network.name(of: $0.tensor) } == ["a", "x"])
  }

  /// The buffers the plan says are live at a step add up to the curve at that step, for every
  /// step of every zoo network.
  @Test(arguments: Zoo.names)
  func liveBuffersAddUpToTheCurve(name: String) throws {
    let analysis = try LayoutTests.zooAnalysis(name)
    let live = try #require(analysis.liveActivationBytes)
    for step in live.indices {
      #expect(analysis.buffersLive(atStep: step).reduce(0) { $0 + $1.bytes } == live[step], "\(name) step \(step)")
    }
  }

  /// VGG16 (Simonyan & Zisserman 2015): pool5's field 212 at jump 32; the peak is conv1_1 and
  /// conv1_2 together, 2 × 64 × 224 × 224 × 4 B = 25,690,112 B = 24.5 MiB, while conv1_2 runs;
  /// fc6 holds 25,088 × 4,096 + 4,096 = 102,764,544 of 138,357,544 parameters: 74.3 %.
  @Test func vggFiguresAreMarked() throws {
    let analysis = try LayoutTests.zooAnalysis("vgg16")
    #expect(Charts.field(analysis).contains("<title>pool5: r 212, jump 32</title>"))
    let memory = try #require(Charts.memory(analysis))
    #expect(memory.contains("peak 24.5 MiB at conv1_2 (25,690,112 bytes)"))
    // Live at that moment: conv1_1's and conv1_2's outputs, 64 × 224 × 224 × 4 = 12,845,056 B each.
    #expect(memory.contains("live at the peak: conv1_1 12.3 MiB · conv1_2 12.3 MiB<"))
    #expect(memory.contains("<title>conv1_1: 12,845,056 bytes, live at the peak</title>"))
    #expect(Charts.cost(analysis).contains(">74.3%<"))
  }

  /// The README shows docs/vgg16-rf.svg; it must be what `cnncalc chart vgg16 --kind rf` draws.
  @Test func readmePictureIsCurrent() throws {
    let analysis = try LayoutTests.zooAnalysis("vgg16")
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/vgg16-rf.svg")
    if ProcessInfo.processInfo.environment["CNNCALC_RECORD"] == "1" {
      try Charts.field(analysis).write(to: url, atomically: true, encoding: .utf8)
    }
    #expect(try String(contentsOf: url, encoding: .utf8) == Charts.field(analysis), "re-record with CNNCALC_RECORD=1")
  }
}
