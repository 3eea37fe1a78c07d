/// Damages a spec (text or JSON) the ways hostile or careless input does: bytes deleted, inserted
/// and flipped; numbers replaced by extremes (0, −1, 2³¹, 2⁶³−1, −2⁶³, 10³⁰); keywords and
/// fragments spliced in; deep nesting; huge repetitions; NUL, CRLF, invalid UTF-8; a line of
/// 100,000 characters.
public struct Mutator {
  private var random: SeededGenerator
  /// What `mutate` splices in.
  private let splices: [String]

  /// A mutator for case `seed` that splices in `fragments` (by default the spec language's).
  public init(seed: UInt64, fragments: [String] = Mutator.fragments) {
    random = SeededGenerator(state: seed)
    splices = fragments
  }

  /// Numbers that break arithmetic.
  public static let extremes = [
    "0", "-1", "1", "2147483648", "4294967296", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    "1000000000000000000000000000000", "281474976710657", "1e300", "0.0000001", "-0", "3x0", "1:-1",
  ]

  /// Pieces of syntax, valid and not, spliced in at random.
  public static let fragments = [
    "(", ")", "|", "*", "=", ":", "x", "\n", "#", "\"", "\\", "{", "}", "[", "]", ",", "from ", "in", "end\n",
    "block b(c)\n", "expect ", "output ", "concat ", "add in ", "mul in ", "k0 ", "s0 ", "p=same ", "ceil ",
    "* 0", "* 1000000000", "upsample size=1 ", "deconv 4 k3 s2 op=1 ", "reshape 7 ", "flatten ", "fc 10 ",
    "gap ", "adaptiveavgpool 100000 ", "kernel=5 ", "stride=2 ", "crop p9 ", "pad p=1:0 ", "dwconv k3 ", "shuffle 7 ",
    "rf 3 ", "±",
    "\u{0}", "\r\n", "\u{FEFF}", "é", "network ", "input y 3x4x4\n", "\"op\": \"from\"", "\"inputs\": []",
    "\"args\": {\"k\": -1}", "\"expect\": [\"params 1\\nextra: conv 5 k1\"]", "true", "null", "-", "1e5",
  ]

  /// Pieces of Caffe's text format, valid and not, for mutating prototxt files.
  public static let prototxtFragments = [
    "{", "}", ":", "\"", "#", "\n", "layer {", "layers {", "top: \"data\"", "bottom: \"data\"", "bottom: \"x\"",
    "type: \"Convolution\"", "type: \"Deconvolution\"", "type: \"Pooling\"", "type: \"Concat\"",
    "type: \"Eltwise\"", "type: \"Reshape\"", "type: \"Flatten\"", "type: \"InnerProduct\"", "type: \"Nope\"",
    "type: CONVOLUTION", "kernel_size: 0", "kernel_size: 3", "stride: 0", "pad: -1", "num_output: 0", "group: 7",
    "dilation: 2", "pool: AVE", "global_pooling: true", "round_mode: FLOOR", "axis: 0", "axis: -1", "input: \"y\"",
    "input_dim: 0", "input_shape { dim: 1 dim: 3 dim: 9 dim: 9 }", "shape { dim: 0 dim: -1 }", "kernel_h: 2",
    "pad_w: 9", "operation: PROD", "convolution_param {", "pooling_param {", "\u{0}", "\r\n", "é",
  ]

  /// `text` with one to four mutations.
  public mutating func mutate(_ text: String) -> [UInt8] {
    var bytes = Array(text.utf8)
    for _ in 0..<Int.random(in: 1...4, using: &random) { mutateOnce(&bytes) }
    return bytes
  }

  private mutating func mutateOnce(_ bytes: inout [UInt8]) {
    let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
    switch Int.random(in: 0..<12, using: &random) {
    case 0:
      if !bytes.isEmpty { bytes.remove(at: position) }
    case 1:
      bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
    case 2:
      if !bytes.isEmpty { bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &random) }
    case 3, 4:
      replaceNumber(&bytes)
    case 5, 6:
      bytes.insert(contentsOf: Array(splices.randomElement(using: &random)!.utf8), at: position)
    case 7:
      // Duplicate a span (often a whole line).
      let end = min(bytes.count, position + Int.random(in: 1...80, using: &random))
      bytes.insert(contentsOf: Array(bytes[position..<end]), at: position)
    case 8:
      let depth = Int.random(in: 60...200, using: &random)
      bytes.insert(
        contentsOf: Array((String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)).utf8),
        at: position)
    case 9:
      bytes.insert(contentsOf: [0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80], at: position)
    case 10:
      bytes.insert(
        contentsOf: Array(repeating: UInt8(ascii: Bool.random(using: &random) ? "a" : "9"), count: 100_000),
        at: position)
    default:
      // Line ends: all CRLF, or a lone CR.
      if Bool.random(using: &random) {
        bytes = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
      } else {
        bytes.insert(UInt8(ascii: "\r"), at: position)
      }
    }
  }

  /// Replaces one run of digits with an extreme value.
  private mutating func replaceNumber(_ bytes: inout [UInt8]) {
    let digits = bytes.indices.filter { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
    guard let start = digits.randomElement(using: &random) else { return }
    var end = start
    while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
    var begin = start
    while begin > 0, bytes[begin - 1] >= UInt8(ascii: "0"), bytes[begin - 1] <= UInt8(ascii: "9") { begin -= 1 }
    bytes.replaceSubrange(begin..<end, with: Array(Self.extremes.randomElement(using: &random)!.utf8))
  }
}
