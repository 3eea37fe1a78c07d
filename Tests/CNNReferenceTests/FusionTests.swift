import CNNGraph
import CNNKernelSet
import CNNSpec
import Testing

@testable import CNNReference

/// Layers run inside the layer before them (`EpilogueFusion`): which ones, and that a fused pass
/// computes exactly what the unfused one does.
struct FusionTests {
  /// Every rule of the plan, one case per trunk. Expected hosts and followers written from the
  /// rules (docs/verify.md), not from the code's output.
  static let spec = """
    input x 3x18x18
    a: conv 8 k3 p1 bias=off | bn | relu
    b: conv 8 k1 | relu
    c: conv 8 k3 p1 | relu | bn
    d: conv 8 k1 | bn | bn
    e: conv 8 k1 | sigmoid
    twice: conv 8 k1
    t1 = from twice | bn
    t2: add twice t1 | relu
    m: mul t2 d | relu
    g: dwconv k3 p1 | bn | relu6
    u: deconv 8 k2 s2 bias=off | bn | relu
    head: conv 4 k1 | bn
    """

  static func network() throws -> Network {
    try #require(SpecCompiler.compile(SourceFile(path: "fusion.cnn", text: spec)).network)
  }

  @Test func planFollowsTheRules() throws {
    let network = try Self.network()
    let fusion = EpilogueFusion(network)
    var plan: [String: [String]] = [:]
    for (host, followers) in fusion.followers {
      plan[network.layers[host].name] = followers.map { network.layers[$0].name }
    }
    #expect(
      plan == [
        // A batch norm then a ReLU.
        "a": ["a.bn", "a.relu"],
        // The activation alone, after a convolution with its bias.
        "b": ["b.relu"],
        // A ReLU then a batch norm: the clamp is last, the batch norm stays a layer.
        "c": ["c.relu"],
        // One batch norm only.
        "d": ["d.bn"],
        // e: a sigmoid never runs inside. twice: its output is read twice (t1's bn, t2's add).
        // t1's batch norm reads a tensor read elsewhere too. t2: a sum then its ReLU.
        "t2": ["t2.relu"],
        // m: a product takes no clamp. g: a depthwise convolution (direct planes) and ReLU6.
        "g": ["g.bn", "g.relu6"],
        // A transposed convolution.
        "u": ["u.bn", "u.relu"],
        // The network's output is the batch norm's, not the convolution's: still fused.
        "head": ["head.bn"],
      ])
  }

  /// The fused pass against the unfused one, bit for bit, for every kernel set on 1 and 2
  /// threads; every absorbed layer names its host and shares its buffer.
  @Test(arguments: KernelSelection.available.map(\.name)) func fusedPassIsBitIdentical(_ name: String) throws {
    let kernels = try #require(KernelSelection.available.first { $0.name == name })
    let network = try Self.network()
    let fusion = EpilogueFusion(network)
    for threads in 1...2 {
      let unfused = try Engine(network: network, options: EngineOptions(threads: threads, kernels: kernels)).run()
      let fused = try Engine(
        network: network, options: EngineOptions(threads: threads, kernels: kernels, fusesEpilogues: true)
      ).run()
      #expect(fused.checksum == unfused.checksum, "\(name), \(threads) threads")
      let differing = zip(fused.outputs, unfused.outputs).map { a, b in
        zip(a.data, b.data).filter { $0.bitPattern != $1.bitPattern }.count
      }
      #expect(differing.allSatisfy { $0 == 0 }, "\(name), \(threads) threads: \(differing) elements differ")
      for (index, layer) in fused.layers.enumerated() {
        let host = fusion.host[index].map { network.layers[$0].name }
        #expect(layer.fusedInto == host, "\(layer.name)")
        if host != nil { #expect(layer.sharesInput && layer.seconds == 0, "\(layer.name)") }
        #expect(unfused.layers[index].fusedInto == nil)
      }
      // The batch norms' buffers are never allocated.
      #expect(fused.peakLiveBytes < unfused.peakLiveBytes)
    }
  }
}

/// A batch run one sample at a time up to the first fully connected layer (`SampleSplit`): where
/// the cut falls, and that the outputs are those of the whole batch run, bit for bit.
struct SampleSplitTests {
  static func network(_ spec: String) throws -> Network {
    try #require(SpecCompiler.compile(SourceFile(path: "split.cnn", text: spec)).network)
  }

  static let classifier = """
    input x 3x20x20
    a: conv 8 k3 p1 | bn | relu
    pool: maxpool k2 s2
    b: conv 16 k3 p1 | relu
    side = from a | globalavgpool | flatten
    head: globalavgpool | flatten | fc 12 | relu | fc 5
    output head side
    """

  @Test func cutFallsAtTheFirstFullyConnectedLayer() throws {
    let network = try Self.network(Self.classifier)
    let split = try #require(SampleSplit(network))
    let name = { (id: TensorID) in network.name(of: id) }
    // head's first layer is a global pooling, its fc is the first fully connected layer; it reads
    // head's flatten, and side (a network output) is made before the cut.
    #expect(network.layers[split.suffix].name == "head.fc")
    #expect(Set(split.crossing.map(name)) == ["head.flatten", "side.flatten"])
    // No fully connected layer: the whole network, its output kept.
    let convolutional = try #require(SampleSplit(Self.network("input x 3x8x8\na: conv 4 k3 | relu\n")))
    #expect(convolutional.suffix == 2 && convolutional.crossing == [.layer(1)])
    // Not applicable: a fully connected layer first, or an opaque layer before the cut.
    #expect(SampleSplit(try Self.network("input x 12\nf: fc 4\n")) == nil)
    #expect(SampleSplit(try Self.network("input x 3x8x8\no: opaque shape=2x4x4\nf: flatten | fc 3\n")) == nil)
  }

  @Test(arguments: [1, 2]) func samplesOneAtATimeGiveTheBatchOutputs(threads: Int) throws {
    for spec in [Self.classifier, "input x 3x12x12\na: conv 8 k3 p1 | bn | relu\nb: conv 4 k3 s2 | sigmoid\n"] {
      let network = try Self.network(spec)
      let whole = try Engine(network: network, options: EngineOptions(threads: threads, batch: 3)).run()
      let split = try Engine(
        network: network,
        options: EngineOptions(threads: threads, batch: 3, fusesEpilogues: true, splitsBatch: true)
      ).run()
      #expect(split.checksum == whole.checksum)
      #expect(split.outputs.map(\.shape) == whole.outputs.map(\.shape))
      #expect(split.layers.map(\.shape) == whole.layers.map(\.shape))
      #expect(split.layers.map(\.name) == whole.layers.map(\.name))
      // One sample's activations at a time (and the batch norms never allocated).
      #expect(split.peakLiveBytes < whole.peakLiveBytes)
    }
  }
}
