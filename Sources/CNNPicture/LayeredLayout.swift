/// A layered ("Sugiyama") layout of a drawing, top to bottom: boxes are assigned to rows by the
/// longest path from the inputs, arrows that skip rows get a waypoint in every row they cross,
/// rows are ordered to reduce crossings (barycentre sweeps, the best order kept), and boxes are
/// placed near the mean of their neighbours without overlapping. All coordinates are in pixels of
/// the SVG drawing, with the origin at the top left.
///
/// Sugiyama, Tagawa & Toda, "Methods for Visual Understanding of Hierarchical System Structures"
/// (IEEE SMC 1981); barycentre ordering as in their §IV.
public struct LayeredLayout: Sendable {
  /// A placed box.
  public struct Box: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    /// The row (0: the inputs).
    public var row: Int

    /// Whether two boxes share any area.
    public func overlaps(_ other: Box) -> Bool {
      x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
    }
  }

  /// A drawn arrow: the polyline from the bottom of its producer to the top of its reader.
  public struct Route: Sendable, Equatable {
    public var edge: DrawingGraph.Edge
    public var points: [(x: Double, y: Double)]

    public static func == (a: Route, b: Route) -> Bool {
      a.edge == b.edge && a.points.count == b.points.count
        && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
    }
  }

  /// Sizes of the drawing, in pixels.
  public struct Metrics: Sendable {
    /// Height of every box.
    public var boxHeight: Double = 52
    /// Width per character of box text (monospace at 12 px) and the padding around it.
    public var characterWidth: Double = 7.2
    public var textPadding: Double = 16
    /// Narrowest box.
    public var minimumWidth: Double = 72
    /// Space between boxes in a row, and between rows.
    public var horizontalGap: Double = 20
    public var verticalGap: Double = 40
    /// Width reserved in a row for an arrow passing through it.
    public var waypointWidth: Double = 10
    /// Margin around the drawing.
    public var margin: Double = 16

    public init() {}
  }

  /// One box per drawing node, in the same order.
  public var boxes: [Box]
  /// One route per drawing edge, in the same order.
  public var routes: [Route]
  /// The drawing's extent.
  public var width: Double
  public var height: Double
  /// Arrow crossings left after ordering (counted between adjacent rows).
  public var crossings: Int

  /// Lays out `graph`; `widthOf` gives a box's width (default: from its longest line of text).
  public init(_ graph: DrawingGraph, metrics: Metrics = Metrics()) {
    let count = graph.nodes.count
    // Rows: the longest path from a node without inputs.
    var row = Array(repeating: 0, count: count)
    for edge in graph.edges.sorted(by: { $0.to < $1.to }) { row[edge.to] = max(row[edge.to], row[edge.from] + 1) }
    // Slots: real boxes and waypoints, per row.
    struct Slot {
      var node: Int?  // nil for a waypoint
      var width: Double
      var x: Double = 0
      var above: [Int] = []  // slot indices in the row above
      var below: [Int] = []
    }
    let rowCount = (row.max() ?? 0) + 1
    var rows: [[Slot]] = Array(repeating: [], count: rowCount)
    var slotOfNode = Array(repeating: 0, count: count)
    for node in 0..<count {
      let item = graph.nodes[node]
      let longest = max(item.name.count, item.operation.count, item.shape.count)
      let width = max(metrics.minimumWidth, Double(longest) * metrics.characterWidth + metrics.textPadding)
      slotOfNode[node] = rows[row[node]].count
      rows[row[node]].append(Slot(node: node, width: width))
    }
    // Each edge becomes a chain of slots, one per row it spans.
    var chains: [[(row: Int, slot: Int)]] = []
    for edge in graph.edges {
      var chain: [(row: Int, slot: Int)] = [(row[edge.from], slotOfNode[edge.from])]
      for r in (row[edge.from] + 1)..<row[edge.to] {
        rows[r].append(Slot(node: nil, width: metrics.waypointWidth))
        chain.append((r, rows[r].count - 1))
      }
      chain.append((row[edge.to], slotOfNode[edge.to]))
      for (a, b) in zip(chain, chain.dropFirst()) {
        rows[a.row][a.slot].below.append(b.slot)
        rows[b.row][b.slot].above.append(a.slot)
      }
      chains.append(chain)
    }
    // Order each row by barycentres, sweeping down and up; keep the best order seen.
    var order = rows.map { Array($0.indices) }  // order[r][position] = slot
    func positions(_ r: Int) -> [Int: Int] {
      Dictionary(uniqueKeysWithValues: order[r].enumerated().map { ($1, $0) })
    }
    func crossingsBelow(_ r: Int) -> Int {
      let top = positions(r)
      let bottom = positions(r + 1)
      var pairs: [(Int, Int)] = []
      for slot in order[r] { for target in rows[r][slot].below { pairs.append((top[slot]!, bottom[target]!)) } }
      pairs.sort { $0 < $1 }
      var count = 0
      for i in pairs.indices {
        for j in (i + 1)..<pairs.count where pairs[j].0 > pairs[i].0 && pairs[j].1 < pairs[i].1 { count += 1 }
      }
      return count
    }
    func totalCrossings() -> Int { (0..<max(0, rowCount - 1)).reduce(0) { $0 + crossingsBelow($1) } }
    var best = order
    var bestCrossings = totalCrossings()
    let large = rows.reduce(0) { $0 + $1.count } > 4000
    for sweep in 0..<(large ? 4 : 24) where bestCrossings > 0 {
      let downward = sweep % 2 == 0
      for r in downward ? Array(1..<max(1, rowCount)) : Array((0..<max(0, rowCount - 1)).reversed()) {
        let neighbour = positions(downward ? r - 1 : r + 1)
        let current = positions(r)
        func barycentre(_ slot: Int) -> Double {
          let links = downward ? rows[r][slot].above : rows[r][slot].below
          guard !links.isEmpty else { return Double(current[slot]!) }
          return Double(links.reduce(0) { $0 + neighbour[$1]! }) / Double(links.count)
        }
        order[r].sort { (barycentre($0), current[$0]!) < (barycentre($1), current[$1]!) }
      }
      let now = totalCrossings()
      if now < bestCrossings {
        best = order
        bestCrossings = now
      }
    }
    order = best
    // Horizontal placement: packed, then pulled towards the neighbours' centres without overlap.
    for r in 0..<rowCount {
      var x = 0.0
      for slot in order[r] {
        rows[r][slot].x = x
        x += rows[r][slot].width + metrics.horizontalGap
      }
    }
    func centre(_ r: Int, _ slot: Int) -> Double { rows[r][slot].x + rows[r][slot].width / 2 }
    for pass in 0..<(large ? 2 : 8) {
      let downward = pass % 2 == 0
      for r in downward ? Array(0..<rowCount) : Array((0..<rowCount).reversed()) {
        var wanted: [Double] = order[r].map { slot in
          let links = (downward ? rows[r][slot].above : rows[r][slot].below)
          let other = downward ? r - 1 : r + 1
          guard !links.isEmpty else { return centre(r, slot) }
          return links.reduce(0.0) { $0 + centre(other, $1) } / Double(links.count)
        }
        // Left to right: no box starts before the previous one ends plus the gap; then right to
        // left the same from the end, and the two placements averaged.
        var left = wanted
        var previousEnd = -Double.infinity
        for (position, slot) in order[r].enumerated() {
          let half = rows[r][slot].width / 2
          left[position] = max(wanted[position], previousEnd + metrics.horizontalGap + half)
          previousEnd = left[position] + half
        }
        var right = wanted
        var nextStart = Double.infinity
        for (position, slot) in order[r].enumerated().reversed() {
          let half = rows[r][slot].width / 2
          right[position] = min(wanted[position], nextStart - metrics.horizontalGap - half)
          nextStart = right[position] - half
        }
        for position in wanted.indices { wanted[position] = (left[position] + right[position]) / 2 }
        // The average can overlap again where the two disagreed: one more left-to-right pass.
        previousEnd = -Double.infinity
        for (position, slot) in order[r].enumerated() {
          let half = rows[r][slot].width / 2
          let centreX = max(wanted[position], previousEnd + metrics.horizontalGap + half)
          rows[r][slot].x = centreX - half
          previousEnd = centreX + half
        }
      }
    }
    let minimumX = rows.flatMap { $0.map(\.x) }.min() ?? 0
    let shift = metrics.margin - minimumX
    var boxes = Array(repeating: Box(x: 0, y: 0, width: 0, height: 0, row: 0), count: count)
    var width = 0.0
    for r in 0..<rowCount {
      for slot in rows[r].indices {
        rows[r][slot].x += shift
        width = max(width, rows[r][slot].x + rows[r][slot].width + metrics.margin)
        guard let node = rows[r][slot].node else { continue }
        boxes[node] = Box(
          x: rows[r][slot].x, y: metrics.margin + Double(r) * (metrics.boxHeight + metrics.verticalGap),
          width: rows[r][slot].width, height: metrics.boxHeight, row: r)
      }
    }
    func top(_ r: Int) -> Double { metrics.margin + Double(r) * (metrics.boxHeight + metrics.verticalGap) }
    routes = zip(graph.edges, chains).map { edge, chain in
      var points: [(x: Double, y: Double)] = []
      let first = chain[0]
      points.append((centre(first.row, first.slot), top(first.row) + metrics.boxHeight))
      for step in chain.dropFirst().dropLast() {
        let x = centre(step.row, step.slot)
        points.append((x, top(step.row)))
        points.append((x, top(step.row) + metrics.boxHeight))
      }
      let last = chain[chain.count - 1]
      points.append((centre(last.row, last.slot), top(last.row)))
      return Route(edge: edge, points: points)
    }
    self.boxes = boxes
    self.width = width
    self.height = top(rowCount - 1) + metrics.boxHeight + metrics.margin
    self.crossings = bestCrossings
  }
}
