/// The parts of an ONNX `ModelProto` cnncalc reads (field numbers from onnx.proto). Weights are
/// described by their dims only; values are decoded just for small tensors (shape constants,
/// scales, pads), which the graph needs to resolve Reshape, Resize, Pad and the like.
struct ONNXModel {
  var irVersion: Int = 0
  /// The opset of the default domain ("" or "ai.onnx").
  var opset: Int = 0
  var producer: String = ""
  var graph = ONNXGraph()
}

struct ONNXGraph {
  var name: String = ""
  var nodes: [ONNXNode] = []
  var initializers: [ONNXTensor] = []
  var inputs: [ONNXValueInfo] = []
  var outputs: [ONNXValueInfo] = []
}

/// One operator application.
struct ONNXNode {
  var name: String = ""
  var opType: String = ""
  var domain: String = ""
  /// Tensor names read, in order; an empty name is an omitted optional input.
  var inputs: [String] = []
  var outputs: [String] = []
  var attributes: [String: ONNXAttribute] = [:]
  /// Byte offset of the node in the file.
  var offset: Int = 0
}

/// An attribute's value.
enum ONNXAttribute {
  case int(Int64)
  case float(Float)
  case string(String)
  case ints([Int64])
  case floats([Float])
  case tensor(ONNXTensor)
  /// A kind cnncalc does not read (graphs, sparse tensors, type protos, lists of strings).
  case other
}

/// A tensor's description: dims and element type, with its values when it is small.
struct ONNXTensor {
  var name: String = ""
  var dims: [Int] = []
  /// `TensorProto.DataType`: 1 float, 6 int32, 7 int64, 9 bool, 11 double, ….
  var dataType: Int = 0
  /// The values, when the tensor has at most `ONNXReader.maximumDecodedElements` elements of a
  /// numeric type and they are inline.
  var values: ConstantValues?
  /// Whether the data lives in an external file (only the dims are read).
  var isExternal = false
  var offset: Int = 0

  /// Elements, or nil when the product overflows.
  var elementCount: Int? {
    var count = 1
    for dim in dims {
      let (product, overflow) = count.multipliedReportingOverflow(by: dim)
      if overflow { return nil }
      count = product
    }
    return count
  }
}

/// The values of a constant tensor: integers exactly, floats as doubles.
enum ConstantValues: Equatable {
  case integers([Int])
  case reals([Double])

  var count: Int {
    switch self {
    case .integers(let values): values.count
    case .reals(let values): values.count
    }
  }

  /// The values as integers (reals only when whole).
  var integers: [Int]? {
    switch self {
    case .integers(let values): return values
    case .reals(let values):
      guard values.allSatisfy({ $0 == $0.rounded() && abs($0) < 9.0e15 }) else { return nil }
      return values.map { Int($0) }
    }
  }

  /// The values as doubles.
  var reals: [Double] {
    switch self {
    case .integers(let values): values.map(Double.init)
    case .reals(let values): values
    }
  }
}

/// A graph input or output: its name and, when declared, its dims.
struct ONNXValueInfo {
  var name: String = ""
  /// The declared dims; nil when no shape is declared.
  var dims: [ONNXDimension]?
  var elementType: Int = 0
  var offset: Int = 0
}

/// One declared dim: a number, a symbol (`batch`), or nothing.
enum ONNXDimension: Equatable {
  case value(Int)
  case symbol(String)
  case unknown
}
