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
