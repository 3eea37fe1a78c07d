import CNNCalc
import CNNGraph

/// The nesting of a network's groups for `--depth`: the spec's labelled statements and block
/// instances (`Network.groups`), or, for an imported model that has none, the groups its layer
/// names spell (`layer1.0.conv1` is in `layer1.0`, which is in `layer1`; Caffe's `inception_3a/1x1`
/// is in `inception_3a`) where those layers are contiguous, or, when the names spell none
/// (Caffe's ResNets: `res2a_branch2a`), the branching regions of the graph itself.
package struct LayerGroups {
  /// A group with its level: 1 for a group inside no other, 2 inside one, …
  package struct Node {
    package var name: String
    package var block: String?
    package var layers: Range<Int>
    package var level: Int
  }

  /// Groups in order of their first layer, outer before inner.
  package var nodes: [Node]

  package init(_ network: Network) {
    var groups = network.groups
    if groups.isEmpty { groups = Self.fromNames(network.layers.map(\.name)) }
    if groups.isEmpty { groups = Self.fromStructure(network) }
    groups.sort { ($0.layers.lowerBound, -$0.layers.count) < ($1.layers.lowerBound, -$1.layers.count) }
    var nodes: [Node] = []
    var open: [Node] = []
    for group in groups where group.layers.count > 1 {
      // Two groups over the same layers (a labelled call of one block instance) are one.
      if let last = nodes.last, last.layers == group.layers { continue }
      while let top = open.last,
        !(top.layers.contains(group.layers.lowerBound) && top.layers.upperBound >= group.layers.upperBound)
      {
        open.removeLast()
      }
      let node = Node(name: group.name, block: group.block, layers: group.layers, level: open.count + 1)
      nodes.append(node)
      open.append(node)
    }
    self.nodes = nodes
  }

  /// The group at `level` that holds layer `index`, if any.
  package func group(holding index: Int, atLevel level: Int) -> Node? {
    nodes.first { $0.level == level && $0.layers.contains(index) }
  }

  /// Layers `0..<count` in runs for folded views (the graph, the cost chart): each group at
  /// `level` is one run, every other layer a run of its own; a nil level leaves every layer alone.
  package func runs(count: Int, foldingAt level: Int?) -> [(layers: Range<Int>, group: Node?)] {
    var runs: [(layers: Range<Int>, group: Node?)] = []
    var index = 0
    while index < count {
      let folded = level.flatMap { self.group(holding: index, atLevel: $0) }
      let layers = folded.map { $0.layers.clamped(to: index..<count) } ?? index..<(index + 1)
      runs.append((layers, folded))
      index = layers.upperBound
    }
    return runs
  }

  /// Groups from the graph's structure: the network cut where a single tensor carries everything
  /// later layers read (in execution order), each stretch between two cuts that holds more than
  /// one layer (a residual block, an inception module, a dense layer: it branches) is a group with
  /// the in-place activations right after it, named by the stretch's common name prefix when
  /// that says something, else by its last layer (the merge).
  static func fromStructure(_ network: Network) -> [LayerGroup] {
    let count = network.layers.count
    guard count > 2 else { return [] }
    // Tensors open across the boundary after layer p: made at or before p, read after it. A
    // network input counts as made before layer 0; a network output as read at the end.
    var lastRead = [Int](repeating: -1, count: count)
    var inputLastRead = [Int](repeating: -1, count: network.inputs.count)
    for (index, layer) in network.layers.enumerated() {
      for tensor in layer.inputs {
        switch tensor {
        case .input(let number): inputLastRead[number] = max(inputLastRead[number], index)
        case .layer(let producer): lastRead[producer] = max(lastRead[producer], index)
        }
      }
    }
    for output in network.outputs {
      if case .layer(let producer) = output { lastRead[producer] = count }
    }
    var change = [Int](repeating: 0, count: count + 1)
    for last in inputLastRead where last > 0 {
      change[0] += 1
      change[last] -= 1
    }
    for (producer, last) in lastRead.enumerated() where last > producer {
      change[producer] += 1
      change[min(last, count)] -= 1
    }
    var cuts: [Int] = []
    var open = 0
    for boundary in 0..<count {
      open += change[boundary]
      // After layer `boundary` only its own output is open.
      if open == 1, lastRead[boundary] > boundary { cuts.append(boundary) }
    }
    var groups: [LayerGroup] = []
    var start = 0
    for stretchEnd in cuts + [count - 1] where stretchEnd >= start {
      // A stretch keeps the in-place activations that follow it (the ReLU after a residual add);
      // its name comes from the stretch itself (`res2a`, the add, not `res2a_relu`).
      var cut = stretchEnd
      while start < cut, cut + 1 < count, network.layers[cut + 1].inputs == [.layer(cut)],
        network.layers[cut + 1].op.kind.declaration.storage == .inPlace
      {
        cut += 1
      }
      let members = start..<(cut + 1)
      if members.count > 1 {
        let names = (start...stretchEnd).map { network.layers[$0].name }
        var prefix = names.dropFirst().reduce(names[0]) { String($0.commonPrefix(with: $1)) }
        while let last = prefix.last, "_./-:".contains(last) { prefix.removeLast() }
        let name = prefix.count >= 3 && !names.contains(prefix) ? prefix : names[names.count - 1]
        groups.append(LayerGroup(name: name, layers: members))
      }
      start = cut + 1
    }
    return groups
  }

  /// Groups from dotted or slashed names: each prefix shared by a contiguous run of two or more
  /// layers.
  static func fromNames(_ names: [String]) -> [LayerGroup] {
    var groups: [LayerGroup] = []
    var runs: [String: Range<Int>] = [:]
    var broken = Set<String>()
    for (index, name) in names.enumerated() {
      let parts = name.split(whereSeparator: { $0 == "." || $0 == "/" })
      guard parts.count > 1 else { continue }
      var prefix = ""
      for part in parts.dropLast() {
        prefix += (prefix.isEmpty ? "" : ".") + part
        if let run = runs[prefix] {
          if run.upperBound == index { runs[prefix] = run.lowerBound..<(index + 1) } else { broken.insert(prefix) }
        } else {
          runs[prefix] = index..<(index + 1)
        }
      }
    }
    for (prefix, run) in runs where !broken.contains(prefix) && run.count > 1 {
      groups.append(LayerGroup(name: prefix, layers: run))
    }
    return groups
  }
}
