/// Damages a protobuf file (an ONNX model) the ways a corrupt download, a hand-edited model or a
/// hostile file does, while keeping most of it well formed so that the damage reaches the importer's
/// graph code and not only its wire reader: a varint replaced by an extreme (0, −1 as a 10-byte
/// varint, 2³¹, 2⁶³−1, huge dims), a field deleted or duplicated, a string renamed to another
/// node's or to nothing, the fields of a message shuffled; and the plain byte damage of `Mutator`
/// (truncation, flipped bits) on one case in four.
///
/// The file is parsed into a tree of fields (a length-delimited payload counts as a message when it
/// parses as one to its last byte), mutated, and written back with every enclosing length
/// recomputed.
public struct ProtoMutator {
  private var random: SeededGenerator

  /// A mutator for case `seed`.
  public init(seed: UInt64) {
    random = SeededGenerator(state: seed)
  }

  /// Values that break arithmetic and allocation, as varints.
  static let extremes: [UInt64] = [
    0, 1, 2, 3, 7, 1 << 31, 1 << 32, UInt64(Int64.max), UInt64(bitPattern: -1), UInt64(bitPattern: -2),
    1 << 40, 1_000_000, 65_536,
  ]

  /// `bytes` with one to three mutations.
  public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
    if Int.random(in: 0..<4, using: &random) == 0 { return byteDamage(bytes) }
    guard var fields = ProtoField.parse(bytes[...], depth: 0) else { return byteDamage(bytes) }
    for _ in 0..<Int.random(in: 1...3, using: &random) { mutateOnce(&fields) }
    return ProtoField.serialize(fields)
  }

  private mutating func byteDamage(_ bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    guard !bytes.isEmpty else { return [0xFF] }
    switch Int.random(in: 0..<3, using: &random) {
    case 0: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
    case 1:
      for _ in 0..<Int.random(in: 1...8, using: &random) {
        bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 1 << UInt8.random(in: 0...7, using: &random)
      }
    default:
      let at = Int.random(in: 0..<bytes.count, using: &random)
      for _ in 0..<Int.random(in: 1...16, using: &random) {
        bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
      }
    }
    return bytes
  }

  private mutating func mutateOnce(_ fields: inout [ProtoField]) {
    // Count the places (fields at any depth), pick one uniformly, and act on it.
    let total = ProtoField.count(fields)
    guard total > 0 else { return }
    var target = Int.random(in: 0..<total, using: &random)
    let action = Int.random(in: 0..<8, using: &random)
    var names: [[UInt8]] = []
    ProtoField.collectStrings(fields, into: &names)
    let name = names.randomElement(using: &random) ?? []
    let extreme = Self.extremes.randomElement(using: &random)!
    let seed = random.next()
    ProtoField.visit(&fields, target: &target) { list, index in
      var local = SeededGenerator(state: seed)
      switch (action, list[index].value) {
      case (0...2, .varint):
        list[index].value = .varint(extreme)
      case (3, _):
        list.remove(at: index)
      case (4, _):
        list.insert(list[index], at: index)
      case (5, .bytes):
        list[index].value = .bytes(Bool.random(using: &local) ? name : [])
      case (6, .message(var children)):
        children.shuffle(using: &local)
        list[index].value = .message(children)
      case (_, .message(var children)):
        children.removeAll()
        list[index].value = .message(children)
      case (_, .varint(let value)):
        list[index].value = .varint(value &+ 1)
      default:
        list.remove(at: index)
      }
    }
  }
}

/// One field of a protobuf message, as the mutator sees it.
struct ProtoField {
  enum Value {
    case varint(UInt64)
    /// A length-delimited payload that does not parse as a message (a string, packed numbers).
    case bytes([UInt8])
    /// A length-delimited payload that parses as a message.
    case message([ProtoField])
    /// A fixed32 or fixed64 payload, kept as its bytes.
    case fixed([UInt8])
  }

  var number: UInt64
  var value: Value

  /// Messages nest no deeper than this: ONNX's graphs in attributes are a few levels.
  static let maximumDepth = 12

  /// The fields of `bytes`, or nil when they do not parse to the last byte.
  static func parse(_ bytes: ArraySlice<UInt8>, depth: Int) -> [ProtoField]? {
    var fields: [ProtoField] = []
    var position = bytes.startIndex
    func varint() -> UInt64? {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while position < bytes.endIndex, shift < 64 {
        let byte = bytes[position]
        position += 1
        value |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return value }
        shift += 7
      }
      return nil
    }
    while position < bytes.endIndex {
      guard let key = varint(), key >> 3 > 0 else { return nil }
      switch key & 7 {
      case 0:
        guard let value = varint() else { return nil }
        fields.append(ProtoField(number: key >> 3, value: .varint(value)))
      case 1, 5:
        let width = key & 7 == 1 ? 8 : 4
        guard bytes.endIndex - position >= width else { return nil }
        fields.append(ProtoField(number: key >> 3, value: .fixed(Array(bytes[position..<position + width]))))
        position += width
      case 2:
        guard let length = varint(), length <= UInt64(bytes.endIndex - position) else { return nil }
        let payload = bytes[position..<position + Int(length)]
        position += Int(length)
        if depth < maximumDepth, !payload.isEmpty, let children = parse(payload, depth: depth + 1) {
          fields.append(ProtoField(number: key >> 3, value: .message(children)))
        } else {
          fields.append(ProtoField(number: key >> 3, value: .bytes(Array(payload))))
        }
      default:
        return nil
      }
    }
    return fields
  }

  /// The wire bytes of `fields`.
  static func serialize(_ fields: [ProtoField]) -> [UInt8] {
    var out: [UInt8] = []
    func varint(_ value: UInt64) {
      var value = value
      while value >= 0x80 {
        out.append(UInt8(value & 0x7F) | 0x80)
        value >>= 7
      }
      out.append(UInt8(value))
    }
    for field in fields {
      switch field.value {
      case .varint(let value):
        varint(field.number << 3)
        varint(value)
      case .fixed(let payload):
        varint(field.number << 3 | (payload.count == 8 ? 1 : 5))
        out += payload
      case .bytes(let payload):
        varint(field.number << 3 | 2)
        varint(UInt64(payload.count))
        out += payload
      case .message(let children):
        let payload = serialize(children)
        varint(field.number << 3 | 2)
        varint(UInt64(payload.count))
        out += payload
      }
    }
    return out
  }

  /// How many fields there are at every depth.
  static func count(_ fields: [ProtoField]) -> Int {
    fields.reduce(0) { total, field in
      if case .message(let children) = field.value { return total + 1 + count(children) }
      return total + 1
    }
  }

  /// Every non-empty byte payload short enough to be a name.
  static func collectStrings(_ fields: [ProtoField], into names: inout [[UInt8]]) {
    for field in fields {
      switch field.value {
      case .bytes(let payload) where !payload.isEmpty && payload.count <= 64: names.append(payload)
      case .message(let children): collectStrings(children, into: &names)
      default: break
      }
    }
  }

  /// Calls `act` on the field numbered `target` in depth-first order (counting down), with the
  /// list that holds it, so that it may replace, remove or duplicate it.
  static func visit(_ fields: inout [ProtoField], target: inout Int, act: (inout [ProtoField], Int) -> Void) {
    var index = 0
    while index < fields.count {
      if target == 0 {
        act(&fields, index)
        target = -1
        return
      }
      target -= 1
      if case .message(var children) = fields[index].value {
        visit(&children, target: &target, act: act)
        fields[index].value = .message(children)
        if target < 0 { return }
      }
      index += 1
    }
  }
}
