/// Writes random specs that are valid by construction: it tracks the shape of every tensor it
/// makes and chooses arguments that fit, so that most specs analyse cleanly and reach every layer
/// type, branch, merge, block, repetition and `expect` form of the language. (Some remain invalid
/// on purpose, at a low rate: a window that does not fit, a merge of different extents.)
public struct SpecGenerator {
  private var random: SeededGenerator
  private var lines: [String] = []
  private var blocks: [String] = []
  /// Named tensors with their shapes (channels first): inputs and labels.
  private var named: [(name: String, shape: [Int])] = []
  private var trunk: [Int] = []
  private var labels = 0
  /// Labels of block calls with at least one instance.
  private var instanced: [String] = []

  /// A generator for case `seed`.
  public init(seed: UInt64) {
    random = SeededGenerator(state: seed)
  }

  /// One spec.
  public mutating func spec() -> String {
    let rank = pick([1, 2, 2, 2, 2, 3])
    let extent = rank == 3 ? int(4...10) : int(6...40)
    let channels = int(1...8)
    trunk = [channels] + Array(repeating: extent, count: rank)
    if chance(0.2), rank >= 2 { trunk[rank] = int(5...24) }
    lines.append("network fuzz_\(int(0...999))")
    lines.append("input x \(text(trunk))")
    named.append(("x", trunk))
    if chance(0.15) {
      let side = [int(1...4)] + trunk.dropFirst()
      lines.append("input side \(text(side))")
      named.append(("side", side))
    }
    defineBlocks()
    for _ in 0..<int(1...14) { statement() }
    if chance(0.3), trunk.count >= 2 {
      lines.append(pick(["gap | flatten | fc \(int(1...20))", "adaptiveavgpool 1 | flatten"]))
    }
    expectations()
    return lines.joined(separator: chance(0.05) ? "\r\n" : "\n") + "\n"
  }

  // MARK: - Statements

  private mutating func statement() {
    switch int(0...9) {
    case 0, 1, 2, 3: chain()
    case 4: branchAndMerge()
    case 5: squeezeExcitation()
    case 6: blockCall()
    case 7: group()
    case 8: resample()
    default: chain()
    }
  }

  /// A sequential chain of one to four layers.
  private mutating func chain() {
    var stages: [String] = []
    for _ in 0..<int(1...4) {
      if let stage = layer() { stages.append(stage) }
    }
    guard !stages.isEmpty else { return }
    lines.append(label(":") + stages.joined(separator: " | "))
  }

  private mutating func label(_ mark: String) -> String {
    guard chance(0.4) else { return "" }
    labels += 1
    let name = pick(["l\(labels)", "s\(labels)", "stage\(labels)", "b\(labels).x", "_t\(labels)"])
    named.append((name, trunk))
    return "\(name)\(mark) "
  }

  /// One layer that fits the trunk, or nil; updates the trunk's shape.
  private mutating func layer() -> String? {
    let spatial = Array(trunk.dropFirst())
    let smallest = spatial.min() ?? 1
    switch int(0...15) {
    case 0, 1, 2:
      let k = int(1...max(1, min(5, smallest)))
      let s = int(1...2)
      let p = int(0...(k / 2))
      let out = int(1...16)
      let groups = chance(0.2) ? pick(divisors(trunk[0]).filter { out % $0 == 0 }) : 1
      let dilation = chance(0.1) && smallest >= 2 * k ? 2 : 1
      let dk = dilation * (k - 1) + 1
      guard smallest + 2 * p >= dk else { return nil }
      trunk = [out] + spatial.map { ($0 + 2 * p - dk) / s + 1 }
      var text = "conv \(out) k\(k) s\(s) p\(p)"
      if groups > 1 { text += " g\(groups)" }
      if dilation > 1 { text += " d\(dilation)" }
      if chance(0.3) { text += " bias=off" }
      return text
    case 3:
      if chance(0.5) { return "conv \(trunk[0]) k3 p=same" + (chance(0.5) ? " s1" : "") }
      let padded = spatial.map { _ in "\(int(0...1)):\(int(0...1))" }.joined(separator: "x")
      return "pad p=\(padded) | crop p=\(padded)"
    case 4:
      let mult = int(1...2)
      trunk = [trunk[0] * mult] + spatial
      return "dwconv k3 p1 mult=\(mult)"
    case 5:
      let out = int(1...12)
      trunk = [out] + spatial
      return "pwconv \(out)"
    case 6:
      guard smallest >= 2 else { return nil }
      let ceil = chance(0.3)
      trunk = [trunk[0]] + spatial.map { ceil ? ($0 - 1) / 2 + 1 : $0 / 2 }
      return pick(["maxpool", "avgpool", "avgpool countpad=off"]) + " k2 s2" + (ceil ? " ceil" : "")
    case 7:
      return "maxpool k3 s1 p1"
    case 8:
      return pick([
        "bn", "relu", "relu6", "sigmoid", "tanh", "gelu", "silu", "hardswish", "hardsigmoid", "elu", "mish", "selu",
        "softplus", "bn eps=1e-3 momentum=0.01", "layernorm", "layernorm over=all", "instancenorm affine=on",
        "layerscale", "droppath 0.1",
      ])
    case 9:
      return pick(["leakyrelu 0.1", "leakyrelu -1", "prelu", "prelu shared", "dropout 0.5", "identity", "softmax"])
    case 10:
      guard trunk[0] % 2 == 0 else { return "bn affine=off" }
      if trunk.count == 3, trunk[0] % 4 == 0, trunk[1] <= 32, chance(0.2) {
        trunk = [trunk[0] / 4, trunk[1] * 2, trunk[2] * 2]
        return "pixelshuffle 2"
      }
      if trunk.count == 3, trunk[1] % 2 == 0, trunk[2] % 2 == 0, chance(0.2) {
        trunk = [trunk[0] * 4, trunk[1] / 2, trunk[2] / 2]
        return "pixelunshuffle 2"
      }
      if chance(0.3) {
        let half = trunk[0] / 2
        trunk = [half] + spatial
        return pick(["slice 0 \(half)", "slice \(half) \(2 * half)", "groupnorm 2 | slice 0 \(half)"])
      }
      return "shuffle 2"
    case 11:
      guard trunk.count == 3 else { return "lrn 3" }
      return "lrn 5 alpha=0.0001 beta=0.75"
    case 12:
      let size = spatial.map { _ in int(1...4) }
      trunk = [trunk[0]] + size
      return pick(["adaptiveavgpool", "adaptivemaxpool"]) + " \(text(size))"
    case 13:
      guard trunk.reduce(1, *) <= 1 << 16 else { return nil }
      let out = int(1...8)
      trunk = [out] + spatial.map { $0 * 2 }
      return pick(["deconv \(out) k2 s2", "deconv \(out) k4 s2 p1", "deconv \(out) k3 s2 p1 op=1"])
    case 14:
      guard trunk.reduce(1, *) <= 4096 else { return nil }
      let elements = trunk.reduce(1, *)
      trunk = [elements]
      return "flatten"
    default:
      guard trunk.count == 1 else { return pick(["relu", "bn"]) }
      let out = int(1...32)
      trunk = [out]
      return "fc \(out)" + (chance(0.3) ? " bias=off" : "")
    }
  }

  /// A branch from a named tensor of the trunk's shape, merged back with add, concat or mul.
  private mutating func branchAndMerge() {
    guard trunk.count >= 2 else { return chain() }
    labels += 1
    let main = "m\(labels)"
    lines.append("\(main): identity")
    let shape = trunk
    let branch = "br\(labels)"
    let op = pick(["add", "concat", "mul"])
    let channels = op == "concat" ? int(1...8) : shape[0]
    let body = pick(["conv \(channels) k3 p1", "conv \(channels) k1 | bn | relu", "conv \(channels) k5 p2 | relu"])
    lines.append("\(branch) = from \(main) | \(body)")
    if chance(0.05) {
      lines.append("\(op) \(main) \(branch) | crop p1")  // sometimes invalid: crop may empty a map
    } else {
      lines.append("\(op) \(main) \(branch)")
    }
    trunk = op == "concat" ? [shape[0] + channels] + shape.dropFirst() : shape
    named.append((main, shape))
  }

  /// Squeeze-and-excitation, with one of the spellings of a global pool.
  private mutating func squeezeExcitation() {
    guard trunk.count >= 2 else { return chain() }
    labels += 1
    let spatial = Array(trunk.dropFirst())
    let pool = pick(["gap", "adaptiveavgpool 1", "avgpool k=\(text(spatial))", "globalmaxpool"])
    lines.append("se\(labels)in: identity")
    lines.append("se\(labels) = \(pool) | conv \(max(1, trunk[0] / 2)) k1 | relu | conv \(trunk[0]) k1 | sigmoid")
    lines.append("mul se\(labels)in se\(labels)")
  }

  private mutating func resample() {
    guard trunk.count >= 2, (trunk.dropFirst().max() ?? 0) <= 32, trunk.reduce(1, *) <= 1 << 16 else { return chain() }
    let mode = pick(["", " mode=bilinear", " nearest", " bilinear"])
    if chance(0.5) {
      trunk = [trunk[0]] + trunk.dropFirst().map { $0 * 2 }
      lines.append("upsample scale=2\(mode)")
    } else {
      let size = trunk.dropFirst().map { $0 + int(0...3) }
      trunk = [trunk[0]] + size
      lines.append("upsample size=\(text(size))\(mode)")
    }
  }

  // MARK: - Blocks

  private mutating func defineBlocks() {
    guard chance(0.5) else { return }
    lines.append("block unit(c, k=3, act=1)")
    lines.append("  conv c k=k p=k/2 | bn")
    lines.append(pick(["  (relu) * act", "  relu if act", "  (relu | identity) if act != 0 and k >= 1"]))
    lines.append("end")
    lines.append(pick(["block res(c)", "block res(c=in.c)"]))
    lines.append(
      "  r = conv max(c, 1) k3 p1 | relu | conv min(in.c, make_divisible(c, 1)) k=1+2*min(1, in.w/3) p=min(1, in.w/3)")
    lines.append("  out: add in r if c == div_round(2 * c, 2) and in.c == c or not 1")
    lines.append("end")
    lines.append("block cba(c, act=relu, rate=0.1)")
    lines.append("  conv c k1 | bn | act | dropout rate * 2 if rate > 0")
    lines.append("end")
    blocks = ["unit", "res", "cba"]
  }

  private mutating func blockCall() {
    guard !blocks.isEmpty, trunk.count >= 2 else { return chain() }
    if chance(0.2) {
      let c = int(1...8)
      trunk = [c] + trunk.dropFirst()
      let act = pick(["", ", act=silu", ", act=mish", ", act=unit", ", act=identity", ", act=rleu"])
      lines.append(label(":") + "cba(\(c)\(act), rate=\(pick(["0", "0.25", "1e-1", "0.5"])))")
    } else if chance(0.5) {
      let c = int(1...8)
      let repeated = chance(0.5)
      let count = repeated ? int(0...3) : 1
      if count > 0 { trunk = [c] + trunk.dropFirst() }
      let mark = label(":")
      // A labelled call's instances are groups: `expect LABEL.0 …` sums the first one.
      if count > 0, !mark.isEmpty { instanced.append(String(mark.dropLast(2))) }
      if repeated, chance(0.3) {
        lines.append(mark + "unit(\(c), k=\(pick([1, 3])), act=j % 2) * \(count) as j")
      } else {
        lines.append(mark + "unit(\(c), k=\(pick([1, 3])), act=\(int(0...1)))" + (repeated ? " * \(count)" : ""))
      }
    } else {
      lines.append(label(":") + pick(["res(\(trunk[0]))", "res(in.c)", "res()"]) + " * \(int(0...2))")
    }
  }

  private mutating func group() {
    guard trunk.count >= 2 else { return chain() }
    lines.append("(conv \(trunk[0]) k3 p1 | relu) * \(int(0...3))")
  }

  // MARK: - Expectations

  private mutating func expectations() {
    if chance(0.3) { lines.append("expect params <= 10G") }
    if chance(0.2) { lines.append("expect layers >= 1") }
    if chance(0.1) { lines.append("expect macs 1.5M ± 100%") }
    if chance(0.1), let tensor = named.randomElement(using: &random) {
      lines.append("expect \(tensor.name) \(text(tensor.shape))")
    }
    if chance(0.05) { lines.append("expect x rf 1 jump 1 start 0") }
    if chance(0.8), let name = instanced.randomElement(using: &random) { lines.append("expect \(name).0 params >= 0") }
    if chance(0.1) { lines.append("output \(named.last?.name ?? "x")") }
  }

  // MARK: - Randomness

  private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
  private mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }
  private mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &random)! }
  private func text(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }
  private func divisors(_ n: Int) -> [Int] { (1...max(1, n)).filter { n % $0 == 0 } }
}
