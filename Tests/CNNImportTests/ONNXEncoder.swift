import Foundation

/// Writes protobuf wire format for hand-built ONNX models in tests (field numbers from
/// onnx.proto), so that each operator's translation can be checked on a model whose expected
/// figures are derived by hand, and malformed files can be made by cutting real ones.
struct ProtoWriter {
  var bytes: [UInt8] = []

  mutating func varint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  mutating func key(_ number: Int, _ wireType: Int) { varint(UInt64(number << 3 | wireType)) }

  mutating func int(_ number: Int, _ value: Int) {
    key(number, 0)
    varint(UInt64(bitPattern: Int64(value)))
  }

  mutating func bytesField(_ number: Int, _ payload: [UInt8]) {
    key(number, 2)
    varint(UInt64(payload.count))
    bytes += payload
  }

  mutating func string(_ number: Int, _ text: String) { bytesField(number, Array(text.utf8)) }

  mutating func message(_ number: Int, _ build: (inout ProtoWriter) -> Void) {
    var inner = ProtoWriter()
    build(&inner)
    bytesField(number, inner.bytes)
  }

  mutating func float(_ number: Int, _ value: Float) {
    key(number, 5)
    let bits = value.bitPattern
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((bits >> UInt32(shift)) & 0xFF)) }
  }
}

/// An attribute value of a hand-built node.
enum TestAttribute {
  case int(Int)
  case ints([Int])
  case float(Float)
  case string(String)
}

/// A node of a hand-built graph.
struct TestNode {
  var op: String
  var inputs: [String]
  var outputs: [String]
  var attributes: [(String, TestAttribute)] = []
  var name: String = ""
}

/// A hand-built ONNX model: one input, float weights as initializers (dims only, raw data of the
/// right length), int64 constants inline.
struct TestModel {
  var opset = 17
  /// The input's dims with the batch; a String is a symbolic dim.
  var input: (name: String, dims: [Any]) = ("x", [1, 3, 8, 8])
  var weights: [(String, [Int])] = []
  var integers: [(String, [Int])] = []
  var nodes: [TestNode] = []
  var outputs: [String] = []

  var data: Data {
    var model = ProtoWriter()
    model.int(1, 8)
    model.message(8) { opset in
      opset.string(1, "")
      opset.int(2, self.opset)
    }
    model.message(7) { graph in
      for (index, node) in nodes.enumerated() {
        graph.message(1) { writer in
          for input in node.inputs { writer.string(1, input) }
          for output in node.outputs { writer.string(2, output) }
          writer.string(3, node.name.isEmpty ? "\(node.op)_\(index)" : node.name)
          writer.string(4, node.op)
          for (name, value) in node.attributes {
            writer.message(5) { attribute in
              attribute.string(1, name)
              switch value {
              case .int(let number):
                attribute.int(3, number)
                attribute.int(20, 2)
              case .ints(let numbers):
                for number in numbers { attribute.int(8, number) }
                attribute.int(20, 7)
              case .float(let number):
                attribute.float(2, number)
                attribute.int(20, 1)
              case .string(let text):
                attribute.string(4, text)
                attribute.int(20, 3)
              }
            }
          }
        }
      }
      graph.string(2, "test")
      for (name, dims) in weights {
        graph.message(5) { tensor in
          for dim in dims { tensor.int(1, dim) }
          tensor.int(2, 1)
          tensor.string(8, name)
          tensor.bytesField(9, Array(repeating: 0, count: 4 * dims.reduce(1, *)))
        }
      }
      for (name, values) in integers {
        graph.message(5) { tensor in
          tensor.int(1, values.count)
          tensor.int(2, 7)
          tensor.string(8, name)
          var raw: [UInt8] = []
          for value in values {
            let bits = UInt64(bitPattern: Int64(value))
            for shift in stride(from: 0, to: 64, by: 8) { raw.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
          }
          tensor.bytesField(9, raw)
        }
      }
      graph.message(11) { value in
        value.string(1, input.name)
        value.message(2) { type in
          type.message(1) { tensorType in
            tensorType.int(1, 1)
            tensorType.message(2) { shape in
              for dim in input.dims {
                shape.message(1) { dimension in
                  if let number = dim as? Int { dimension.int(1, number) } else { dimension.string(2, "\(dim)") }
                }
              }
            }
          }
        }
      }
      for output in outputs.isEmpty ? [nodes.last?.outputs.first ?? ""] : outputs {
        graph.message(12) { value in value.string(1, output) }
      }
    }
    return Data(model.bytes)
  }
}
