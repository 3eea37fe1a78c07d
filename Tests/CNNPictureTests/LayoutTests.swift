import CNNCalc
import CNNGraph
import CNNPicture
import CNNSpec
import CNNZoo
import Testing

/// The layered layout (issue 12): no box overlaps another, every arrow is drawn from the bottom of
/// its producer to the top of its reader without passing through a box, the result is the same on
/// every run, and crossings are removed where an order without them exists.
@Suite struct LayoutTests {
  static func zooAnalysis(_ name: String) throws -> Analysis {
    try analysis(try #require(Zoo.text(named: name)), path: "\(name).cnn")
  }

  static func analysis(_ text: String, path: String = "test.cnn") throws -> Analysis {
    let compilation = SpecCompiler.compile(SourceFile(path: path, text: text), shapes: CalculatedShapes())
    return Analyzer.analyze(try #require(compilation.network, "\(compilation.diagnostics.map(\.message))"))
  }

  /// Checks the geometric promises of a layout of `graph`.
  static func expectSound(_ graph: DrawingGraph, _ layout: LayeredLayout, _ label: String) {
    #expect(layout.boxes.count == graph.nodes.count && layout.routes.count == graph.edges.count, "\(label)")
    let byRow = Dictionary(grouping: layout.boxes.indices, by: { layout.boxes[$0].row })
    for (_, members) in byRow {
      let sorted = members.map { layout.boxes[$0] }.sorted { $0.x < $1.x }
      for (a, b) in zip(sorted, sorted.dropFirst()) {
        #expect(!a.overlaps(b) && a.x + a.width <= b.x, "\(label): boxes overlap in row \(a.row)")
      }
    }
    for box in layout.boxes {
      #expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height)
    }
    for route in layout.routes {
      let from = layout.boxes[route.edge.from]
      let to = layout.boxes[route.edge.to]
      guard let first = route.points.first, let last = route.points.last else {
        Issue.record("\(label): an arrow without points")
        continue
      }
      #expect(first.y == from.y + from.height && first.x > from.x && first.x < from.x + from.width, "\(label)")
      #expect(last.y == to.y && last.x > to.x && last.x < to.x + to.width, "\(label)")
      // Between its ends the arrow passes rows on vertical segments at a waypoint's x: no box of
      // that row may contain that x.
      for (a, b) in zip(route.points.dropFirst(), route.points.dropFirst(2)) where a.x == b.x && b.y > a.y {
        let row = layout.boxes.filter { $0.y == a.y }
        #expect(!row.contains { a.x > $0.x && a.x < $0.x + $0.width }, "\(label): an arrow crosses a box")
      }
      #expect(route.points.count % 2 == 0, "\(label): waypoints come in pairs")
    }
  }

  @Test(arguments: Zoo.names)
  func zooLayoutsAreSound(name: String) throws {
    let analysis = try Self.zooAnalysis(name)
    for depth in [nil, 1, 2] as [Int?] {
      let graph = DrawingGraph(analysis, foldingAt: depth)
      let layout = LayeredLayout(graph)
      Self.expectSound(graph, layout, "\(name) at depth \(depth.map(String.init) ?? "all")")
      if depth == 1 { #expect(LayeredLayout(graph).boxes == layout.boxes, "deterministic") }
    }
  }

  /// in → {x, y}; y → p, x → q; {p, q} → out. Laid out in index order, p sits left of q under y
  /// right of x: one crossing. Barycentre ordering swaps p and q.
  @Test func barycentreRemovesACrossing() {
    func node(_ name: String) -> DrawingGraph.Node {
      DrawingGraph.Node(name: name, operation: "op", shape: "1x8x8", kind: .layer, layers: 0..<1, severity: nil)
    }
    let edges = [(0, 1), (0, 2), (2, 3), (1, 4), (3, 5), (4, 5)].map { DrawingGraph.Edge(from: $0.0, to: $0.1) }
    let graph = DrawingGraph(nodes: ["in", "x", "y", "p", "q", "out"].map(node), edges: edges)
    let layout = LayeredLayout(graph)
    #expect(layout.crossings == 0)
    #expect(layout.boxes[4].x < layout.boxes[3].x, "q (under x) is left of p (under y)")
    Self.expectSound(graph, layout, "synthetic")
  }

  /// An arrow that skips rows gets a waypoint in each: a residual connection around two layers.
  @Test func skippingArrowsPassBesideTheBoxes() throws {
    let spec = "input x 8x16x16\na: conv 8 k3 p1\nb: conv 8 k3 p1\nc: conv 8 k3 p1\nm: add a c\n"
    let compilation = SpecCompiler.compile(SourceFile(path: "r.cnn", text: spec), shapes: CalculatedShapes())
    let graph = DrawingGraph(Analyzer.analyze(try #require(compilation.network)))
    let layout = LayeredLayout(graph)
    let skip = try #require(
      layout.routes.first { graph.nodes[$0.edge.from].name == "a" && graph.nodes[$0.edge.to].name == "m" })
    #expect(skip.points.count == 6, "bottom of a, through the rows of b and c, top of m")
    Self.expectSound(graph, layout, "residual")
  }

  /// Folding: ResNet-50 at depth 1 has a box per top-level statement, each listing its layers.
  @Test func foldedGroupsCountTheirLayers() throws {
    let analysis = try Self.zooAnalysis("resnet50")
    let graph = DrawingGraph(analysis, foldingAt: 1)
    let layers = graph.nodes.reduce(0) { $0 + $1.layers.count }
    #expect(layers == analysis.layers.count, "every layer in exactly one box")
    #expect(graph.nodes.count < 40)
  }
}
