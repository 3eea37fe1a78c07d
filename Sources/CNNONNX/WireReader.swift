/// A reader of the protobuf wire format over bytes in memory (a mapped file): fields one at a
/// time, every length checked against the end of its message, never a copy of a payload it is
/// told to skip. Offsets are absolute byte offsets into the file, for diagnostics.
struct WireReader {
  /// The protobuf wire types (https://protobuf.dev/programming-guides/encoding/).
  enum WireType: Int {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
  }

  /// A field key: its number and how its value is encoded.
  struct Key {
    var number: Int
    var type: WireType
    /// Offset of the key's first byte.
    var offset: Int
  }

  /// The file breaks the wire format at `offset`.
  struct Malformed: Error {
    var offset: Int
    var message: String
  }

  let bytes: UnsafeRawBufferPointer
  /// The next byte to read.
  private(set) var position: Int
  /// One past the last byte of the message being read.
  let end: Int

  /// Reads `bytes[range]` as one message.
  init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
    self.bytes = bytes
    self.position = range.lowerBound
    self.end = range.upperBound
  }

  /// The next field's key, or nil at the end of the message.
  mutating func nextKey() throws(Malformed) -> Key? {
    guard position < end else { return nil }
    let offset = position
    let raw = try varint()
    guard let type = WireType(rawValue: Int(raw & 7)) else {
      throw Malformed(offset: offset, message: "wire type \(raw & 7) does not exist (a corrupt or non-ONNX file)")
    }
    let number = raw >> 3
    guard number >= 1, number < 1 << 29 else {
      throw Malformed(offset: offset, message: "field number \(number) is outside protobuf's range")
    }
    return Key(number: Int(number), type: type, offset: offset)
  }

  /// A base-128 varint of at most 10 bytes.
  mutating func varint() throws(Malformed) -> UInt64 {
    let start = position
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < end else { throw Malformed(offset: start, message: "a varint runs past the end of its message") }
      let byte = bytes[position]
      position += 1
      guard shift < 64 else { throw Malformed(offset: start, message: "a varint is longer than 10 bytes") }
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
  }

  /// A varint read as a signed 64-bit integer (int64 and int32 fields, two's complement).
  mutating func int64() throws(Malformed) -> Int64 { Int64(bitPattern: try varint()) }

  /// The byte range of a length-delimited value, checked against the message end.
  mutating func lengthDelimited() throws(Malformed) -> Range<Int> {
    let start = position
    let length = try varint()
    guard length <= UInt64(end - position) else {
      throw Malformed(offset: start, message: "a length of \(length) bytes runs past the end of its message")
    }
    let range = position..<position + Int(length)
    position = range.upperBound
    return range
  }

  /// Four little-endian bytes.
  mutating func fixed32() throws(Malformed) -> UInt32 {
    guard end - position >= 4 else { throw Malformed(offset: position, message: "a 32-bit value is cut short") }
    var value: UInt32 = 0
    for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * UInt32(index)) }
    position += 4
    return value
  }

  /// Eight little-endian bytes.
  mutating func fixed64() throws(Malformed) -> UInt64 {
    guard end - position >= 8 else { throw Malformed(offset: position, message: "a 64-bit value is cut short") }
    var value: UInt64 = 0
    for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
    position += 8
    return value
  }

  /// Skips the value of a field this reader does not need.
  mutating func skip(_ key: Key) throws(Malformed) {
    switch key.type {
    case .varint: _ = try varint()
    case .fixed64: _ = try fixed64()
    case .lengthDelimited: _ = try lengthDelimited()
    case .fixed32: _ = try fixed32()
    case .startGroup, .endGroup:
      throw Malformed(offset: key.offset, message: "groups (wire types 3 and 4) are not used by ONNX")
    }
  }

  /// A UTF-8 string field.
  mutating func string() throws(Malformed) -> String {
    let range = try lengthDelimited()
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  /// A repeated varint field, packed (one length-delimited run) or not (one value).
  mutating func varints(_ key: Key, into values: inout [Int64], limit: Int) throws(Malformed) {
    switch key.type {
    case .varint:
      values.append(try int64())
    case .lengthDelimited:
      var packed = WireReader(bytes, range: try lengthDelimited())
      while packed.position < packed.end {
        values.append(try packed.int64())
        guard values.count <= limit else {
          throw Malformed(offset: key.offset, message: "more than \(limit) values in one field")
        }
      }
    default:
      throw Malformed(offset: key.offset, message: "field \(key.number) should hold integers")
    }
  }

  /// A repeated float field, packed or not.
  mutating func floats(_ key: Key, into values: inout [Float], limit: Int) throws(Malformed) {
    switch key.type {
    case .fixed32:
      values.append(Float(bitPattern: try fixed32()))
    case .lengthDelimited:
      var packed = WireReader(bytes, range: try lengthDelimited())
      while packed.position < packed.end {
        values.append(Float(bitPattern: try packed.fixed32()))
        guard values.count <= limit else {
          throw Malformed(offset: key.offset, message: "more than \(limit) values in one field")
        }
      }
    default:
      throw Malformed(offset: key.offset, message: "field \(key.number) should hold floats")
    }
  }

  /// Checks a key's wire type, for fields of a known type.
  func expect(_ key: Key, _ type: WireType, _ what: String) throws(Malformed) {
    guard key.type == type else {
      throw Malformed(
        offset: key.offset, message: "\(what) (field \(key.number)) has the wrong wire type \(key.type.rawValue)")
    }
  }
}
