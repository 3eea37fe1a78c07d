/// Decodes an ONNX `ModelProto` from the bytes of a file. Field numbers are onnx.proto's; unknown
/// fields are skipped, as protobuf requires; payloads of weights are never copied.
enum ONNXReader {
  /// Tensors with at most this many elements have their values decoded (shape constants, scales).
  static let maximumDecodedElements = 1 << 16
  /// Most dims a tensor or value may have.
  static let maximumRank = 64
  /// Most values one repeated attribute may hold.
  static let maximumListLength = 1 << 20

  typealias Malformed = WireReader.Malformed

  static func model(_ bytes: UnsafeRawBufferPointer) throws(Malformed) -> ONNXModel {
    var reader = WireReader(bytes, range: 0..<bytes.count)
    var model = ONNXModel()
    var sawGraph = false
    while let key = try reader.nextKey() {
      switch key.number {
      case 1:
        try reader.expect(key, .varint, "ir_version")
        model.irVersion = Int(truncatingIfNeeded: try reader.int64())
      case 2:
        try reader.expect(key, .lengthDelimited, "producer_name")
        model.producer = try reader.string()
      case 7:
        try reader.expect(key, .lengthDelimited, "graph")
        model.graph = try graph(bytes, try reader.lengthDelimited())
        sawGraph = true
      case 8:
        try reader.expect(key, .lengthDelimited, "opset_import")
        let (domain, version) = try opset(bytes, try reader.lengthDelimited())
        if domain.isEmpty || domain == "ai.onnx" { model.opset = version }
      default:
        try reader.skip(key)
      }
    }
    guard sawGraph else {
      throw Malformed(offset: 0, message: "the file holds no graph; it is not an ONNX model (or it is empty)")
    }
    return model
  }

  private static func opset(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(Malformed) -> (String, Int) {
    var reader = WireReader(bytes, range: range)
    var domain = ""
    var version = 0
    while let key = try reader.nextKey() {
      switch key.number {
      case 1:
        try reader.expect(key, .lengthDelimited, "opset domain")
        domain = try reader.string()
      case 2:
        try reader.expect(key, .varint, "opset version")
        version = Int(truncatingIfNeeded: try reader.int64())
      default: try reader.skip(key)
      }
    }
    return (domain, version)
  }

  private static func graph(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(Malformed) -> ONNXGraph {
    var reader = WireReader(bytes, range: range)
    var graph = ONNXGraph()
    while let key = try reader.nextKey() {
      switch key.number {
      case 1:
        try reader.expect(key, .lengthDelimited, "node")
        graph.nodes.append(try node(bytes, try reader.lengthDelimited(), offset: key.offset))
      case 2:
        try reader.expect(key, .lengthDelimited, "graph name")
        graph.name = try reader.string()
      case 5:
        try reader.expect(key, .lengthDelimited, "initializer")
        graph.initializers.append(try tensor(bytes, try reader.lengthDelimited(), offset: key.offset))
      case 11, 12:
        try reader.expect(key, .lengthDelimited, key.number == 11 ? "graph input" : "graph output")
        let info = try valueInfo(bytes, try reader.lengthDelimited(), offset: key.offset)
        if key.number == 11 { graph.inputs.append(info) } else { graph.outputs.append(info) }
      default:
        try reader.skip(key)
      }
    }
    return graph
  }

  private static func node(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, offset: Int) throws(Malformed)
    -> ONNXNode
  {
    var reader = WireReader(bytes, range: range)
    var node = ONNXNode(offset: offset)
    while let key = try reader.nextKey() {
      switch key.number {
      case 1, 2, 3, 4, 7:
        try reader.expect(key, .lengthDelimited, "node field")
        let text = try reader.string()
        switch key.number {
        case 1: node.inputs.append(text)
        case 2: node.outputs.append(text)
        case 3: node.name = text
        case 4: node.opType = text
        default: node.domain = text
        }
      case 5:
        try reader.expect(key, .lengthDelimited, "attribute")
        let (name, value) = try attribute(bytes, try reader.lengthDelimited(), offset: key.offset)
        node.attributes[name] = value
      default:
        try reader.skip(key)
      }
    }
    return node
  }

  private static func attribute(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, offset: Int) throws(Malformed)
    -> (String, ONNXAttribute)
  {
    var reader = WireReader(bytes, range: range)
    var name = ""
    var type = 0
    var int: Int64?
    var float: Float?
    var string: String?
    var tensor: ONNXTensor?
    var ints: [Int64] = []
    var floats: [Float] = []
    while let key = try reader.nextKey() {
      switch key.number {
      case 1:
        try reader.expect(key, .lengthDelimited, "attribute name")
        name = try reader.string()
      case 20:
        try reader.expect(key, .varint, "attribute type")
        type = Int(truncatingIfNeeded: try reader.int64())
      case 2:
        try reader.expect(key, .fixed32, "attribute f")
        float = Float(bitPattern: try reader.fixed32())
      case 3:
        try reader.expect(key, .varint, "attribute i")
        int = try reader.int64()
      case 4:
        try reader.expect(key, .lengthDelimited, "attribute s")
        string = try reader.string()
      case 5:
        try reader.expect(key, .lengthDelimited, "attribute t")
        tensor = try self.tensor(bytes, try reader.lengthDelimited(), offset: key.offset)
      case 7: try reader.floats(key, into: &floats, limit: maximumListLength)
      case 8: try reader.varints(key, into: &ints, limit: maximumListLength)
      default: try reader.skip(key)
      }
    }
    // AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS; older files may omit
    // the type, so fall back on which field is present.
    let value: ONNXAttribute
    switch type {
    case 1: value = float.map(ONNXAttribute.float) ?? .other
    case 2: value = int.map(ONNXAttribute.int) ?? .other
    case 3: value = string.map(ONNXAttribute.string) ?? .other
    case 4: value = tensor.map(ONNXAttribute.tensor) ?? .other
    case 6: value = .floats(floats)
    case 7: value = .ints(ints)
    case 0:
      if let int {
        value = .int(int)
      } else if let float {
        value = .float(float)
      } else if let string {
        value = .string(string)
      } else if let tensor {
        value = .tensor(tensor)
      } else if !ints.isEmpty {
        value = .ints(ints)
      } else if !floats
        .isEmpty
      {
        value = .floats(floats)
      } else {
        value = .other
      }
    default: value = .other
    }
    return (name, value)
  }

  /// A TensorProto: dims, type, and the values when small and inline.
  static func tensor(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, offset: Int) throws(Malformed) -> ONNXTensor
  {
    var reader = WireReader(bytes, range: range)
    var tensor = ONNXTensor(offset: offset)
    var dims: [Int64] = []
    var raw: Range<Int>?
    var int64s: [Int64] = []
    var int32s: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var typedRanges: [(WireReader.Key, Range<Int>)] = []
    while let key = try reader.nextKey() {
      switch key.number {
      case 1:
        try reader.varints(key, into: &dims, limit: maximumRank)
      case 2:
        try reader.expect(key, .varint, "tensor data_type")
        tensor.dataType = Int(truncatingIfNeeded: try reader.int64())
      case 8:
        try reader.expect(key, .lengthDelimited, "tensor name")
        tensor.name = try reader.string()
      case 9:
        try reader.expect(key, .lengthDelimited, "raw_data")
        raw = try reader.lengthDelimited()
      case 4, 5, 7, 10:
        // Typed data: remember where it is; decode below only when the tensor is small.
        let start = reader.position
        try reader.skip(key)
        typedRanges.append((key, start..<reader.position))
      case 14:
        try reader.expect(key, .varint, "data_location")
        tensor.isExternal = try reader.int64() == 1
      default:
        try reader.skip(key)
      }
    }
    guard dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else {
      throw Malformed(offset: offset, message: "tensor '\(tensor.name)' has a negative or absurd dim \(dims)")
    }
    tensor.dims = dims.map { Int($0) }
    guard let count = tensor.elementCount, count <= maximumDecodedElements, !tensor.isExternal else { return tensor }
    if let raw {
      tensor.values = decodeRaw(bytes, raw, type: tensor.dataType, count: count)
    } else {
      for (key, range) in typedRanges {
        var typed = WireReader(bytes, range: range.lowerBound..<range.upperBound)
        switch key.number {
        case 4: try typed.floats(key, into: &floats, limit: count)
        case 5: try typed.varints(key, into: &int32s, limit: count)
        case 7: try typed.varints(key, into: &int64s, limit: count)
        default:
          var values: [Int64] = []
          if key.type == .lengthDelimited {
            var packed = WireReader(bytes, range: try typed.lengthDelimited())
            while packed.position < packed.end, values.count < count {
              values.append(Int64(bitPattern: try packed.fixed64()))
            }
          } else {
            values.append(Int64(bitPattern: try typed.fixed64()))
          }
          doubles += values.map { Double(bitPattern: UInt64(bitPattern: $0)) }
        }
      }
      if !int64s.isEmpty {
        tensor.values = .integers(int64s.map { Int($0) })
      } else if !int32s.isEmpty {
        tensor.values = .integers(int32s.map { Int($0) })
      } else if !floats.isEmpty {
        tensor.values = .reals(floats.map(Double.init))
      } else if !doubles.isEmpty {
        tensor.values = .reals(doubles)
      } else if count == 0 {
        tensor.values = tensor.dataType == 1 || tensor.dataType == 11 ? .reals([]) : .integers([])
      }
    }
    if let values = tensor.values, values.count != count { tensor.values = nil }
    return tensor
  }

  /// Little-endian raw data of a numeric type; nil for types cnncalc does not decode (float16, …).
  private static func decodeRaw(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, type: Int, count: Int)
    -> ConstantValues?
  {
    let width: Int
    switch type {
    case 1, 6: width = 4
    case 7, 11: width = 8
    case 2, 3, 9: width = 1
    default: return nil
    }
    guard range.count == width * count else { return nil }
    func word(_ index: Int) -> UInt64 {
      var value: UInt64 = 0
      for byte in 0..<width { value |= UInt64(bytes[range.lowerBound + index * width + byte]) << (8 * UInt64(byte)) }
      return value
    }
    switch type {
    case 1: return .reals((0..<count).map { Double(Float(bitPattern: UInt32(word($0)))) })
    case 11: return .reals((0..<count).map { Double(bitPattern: word($0)) })
    case 6: return .integers((0..<count).map { Int(Int32(bitPattern: UInt32(word($0)))) })
    case 7: return .integers((0..<count).map { Int(Int64(bitPattern: word($0))) })
    case 3: return .integers((0..<count).map { Int(Int8(bitPattern: UInt8(word($0)))) })
    default: return .integers((0..<count).map { Int(word($0)) })
    }
  }

  private static func valueInfo(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, offset: Int) throws(Malformed)
    -> ONNXValueInfo
  {
    var reader = WireReader(bytes, range: range)
    var info = ONNXValueInfo(offset: offset)
    while let key = try reader.nextKey() {
      switch key.number {
      case 1:
        try reader.expect(key, .lengthDelimited, "value name")
        info.name = try reader.string()
      case 2:
        try reader.expect(key, .lengthDelimited, "value type")
        try typeProto(bytes, try reader.lengthDelimited(), into: &info)
      default: try reader.skip(key)
      }
    }
    return info
  }

  /// TypeProto → tensor_type (1) → elem_type (1), shape (2) → dim (1) → dim_value (1) | dim_param (2).
  private static func typeProto(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, into info: inout ONNXValueInfo)
    throws(Malformed)
  {
    var reader = WireReader(bytes, range: range)
    while let key = try reader.nextKey() {
      guard key.number == 1, key.type == .lengthDelimited else {
        try reader.skip(key)
        continue
      }
      var tensorType = WireReader(bytes, range: try reader.lengthDelimited())
      while let inner = try tensorType.nextKey() {
        switch inner.number {
        case 1:
          try tensorType.expect(inner, .varint, "elem_type")
          info.elementType = Int(truncatingIfNeeded: try tensorType.int64())
        case 2:
          try tensorType.expect(inner, .lengthDelimited, "shape")
          var shape = WireReader(bytes, range: try tensorType.lengthDelimited())
          var dims: [ONNXDimension] = []
          while let dimKey = try shape.nextKey() {
            guard dimKey.number == 1, dimKey.type == .lengthDelimited else {
              try shape.skip(dimKey)
              continue
            }
            guard dims.count < maximumRank else {
              throw Malformed(offset: dimKey.offset, message: "a value declares more than \(maximumRank) dims")
            }
            var dim = WireReader(bytes, range: try shape.lengthDelimited())
            var value = ONNXDimension.unknown
            while let field = try dim.nextKey() {
              switch field.number {
              case 1:
                try dim.expect(field, .varint, "dim_value")
                let number = try dim.int64()
                value = number >= 0 && number <= Int64(Int32.max) ? .value(Int(number)) : .unknown
              case 2:
                try dim.expect(field, .lengthDelimited, "dim_param")
                value = .symbol(try dim.string())
              default: try dim.skip(field)
              }
            }
            dims.append(value)
          }
          info.dims = dims
        default: try tensorType.skip(inner)
        }
      }
    }
  }
}
