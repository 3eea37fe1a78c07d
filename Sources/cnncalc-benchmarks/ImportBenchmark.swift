import CNNCalc
import CNNGraph
import CNNONNX
import Foundation

/// The ONNX import benchmark: writes a VGG16-shaped model with every weight inline (about 553 MB
/// of raw data, zeros) to a temporary file, then imports it several times and reports the median
/// time and how much the process's resident memory grew (the weights are mapped, never touched).
enum ImportBenchmark {
  /// VGG16's layers: convolutions (out, in) with 3×3 kernels, then fully connected (out, in).
  static let convolutions = [
    (64, 3), (64, 64), (128, 64), (128, 128), (256, 128), (256, 256), (256, 256), (512, 256), (512, 512),
    (512, 512), (512, 512), (512, 512), (512, 512),
  ]
  static let fullyConnected = [(4096, 25088), (4096, 4096), (1000, 4096)]
  /// After these convolutions a 2×2 max pool halves the extent.
  static let poolAfter: Set<Int> = [1, 3, 6, 9, 12]

  static func run() throws {
    let path = NSTemporaryDirectory() + "cnncalc-import-benchmark.onnx"
    try write(path)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    let before = residentBytes()
    var compilation: Compilation?
    let milliseconds = medianMilliseconds(runs: 7) {
      compilation = ONNXImporter.compile(path: path, shapes: CalculatedShapes())
    }
    let after = residentBytes()
    guard let network = compilation?.network else {
      print("import failed: \(compilation?.diagnostics.map(\.message) ?? [])")
      exit(1)
    }
    let params = Analyzer.analyze(network).totals.params
    print("file MB   layers   params        median import ms   resident growth MB")
    print(
      pad("\(size / 1_000_000)", 10) + pad("\(network.layers.count)", 9) + pad("\(params)", 14)
        + pad(String(format: milliseconds), 19) + "\((after - before) / 1_000_000)")
  }

  /// Resident set size from /proc/self/statm (Linux), else 0.
  static func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(getpagesize()) : 0
  }

  // MARK: - Writing the model

  private static func write(_ path: String) throws {
    var graph: [UInt8] = []
    var payloads: [(header: [UInt8], raw: Int)] = []
    var previous = "x"
    var node = 0
    func addNode(_ op: String, _ inputs: [String], attributes: [[UInt8]] = []) -> String {
      node += 1
      let output = "t\(node)"
      var message: [UInt8] = []
      for input in inputs { message += field(1, string: input) }
      message += field(2, string: output) + field(3, string: "\(op)_\(node)") + field(4, string: op)
      for attribute in attributes { message += field(5, bytes: attribute) }
      graph += field(1, bytes: message)
      return output
    }
    func initializer(_ name: String, _ dims: [Int]) {
      var header: [UInt8] = []
      for dim in dims { header += key(1, 0) + varint(UInt64(dim)) }
      header += key(2, 0) + varint(1) + field(8, string: name)
      payloads.append((header, 4 * dims.reduce(1, *)))
    }
    func ints(_ name: String, _ values: [Int]) -> [UInt8] {
      var attribute = field(1, string: name)
      for value in values { attribute += key(8, 0) + varint(UInt64(value)) }
      return attribute + key(20, 0) + varint(7)
    }
    for (index, (out, input)) in convolutions.enumerated() {
      initializer("conv\(index).weight", [out, input, 3, 3])
      initializer("conv\(index).bias", [out])
      previous = addNode(
        "Conv", [previous, "conv\(index).weight", "conv\(index).bias"], attributes: [ints("pads", [1, 1, 1, 1])])
      previous = addNode("Relu", [previous])
      if poolAfter.contains(index) {
        previous = addNode(
          "MaxPool", [previous], attributes: [ints("kernel_shape", [2, 2]), ints("strides", [2, 2])])
      }
    }
    previous = addNode("Flatten", [previous])
    for (index, (out, input)) in fullyConnected.enumerated() {
      initializer("fc\(index).weight", [out, input])
      initializer("fc\(index).bias", [out])
      previous = addNode(
        "Gemm", [previous, "fc\(index).weight", "fc\(index).bias"],
        attributes: [field(1, string: "transB") + key(3, 0) + varint(1) + key(20, 0) + varint(2)])
    }
    // Input x: [1, 3, 224, 224] float; output: the last tensor.
    var shape: [UInt8] = []
    for dim in [1, 3, 224, 224] { shape += field(1, bytes: key(1, 0) + varint(UInt64(dim))) }
    let tensorType = key(1, 0) + varint(1) + field(2, bytes: shape)
    graph += field(11, bytes: field(1, string: "x") + field(2, bytes: field(1, bytes: tensorType)))
    graph += field(12, bytes: field(1, string: previous))
    // Initializers come last; their lengths count in the graph's length.
    var graphLength = graph.count
    for payload in payloads {
      let inner = payload.header.count + key(9, 2).count + varint(UInt64(payload.raw)).count + payload.raw
      graphLength += key(5, 2).count + varint(UInt64(inner)).count + inner
    }
    let opset = field(8, bytes: field(1, string: "") + key(2, 0) + varint(17))
    let head = key(1, 0) + varint(8) + opset + key(7, 2) + varint(UInt64(graphLength)) + graph
    guard FileManager.default.createFile(atPath: path, contents: Data(head)),
      let handle = FileHandle(forWritingAtPath: path)
    else { throw CocoaError(.fileWriteUnknown) }
    defer { try? handle.close() }
    try handle.seekToEnd()
    let zeros = Data(count: 1 << 24)
    for payload in payloads {
      let inner = payload.header.count + key(9, 2).count + varint(UInt64(payload.raw)).count + payload.raw
      try handle.write(
        contentsOf: Data(key(5, 2) + varint(UInt64(inner)) + payload.header + key(9, 2) + varint(UInt64(payload.raw))))
      var left = payload.raw
      while left > 0 {
        let chunk = min(left, zeros.count)
        try handle.write(contentsOf: zeros.prefix(chunk))
        left -= chunk
      }
    }
  }

  private static func varint(_ value: UInt64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    return bytes + [UInt8(value)]
  }

  private static func key(_ number: Int, _ wireType: Int) -> [UInt8] { varint(UInt64(number << 3 | wireType)) }
  private static func field(_ number: Int, bytes: [UInt8]) -> [UInt8] {
    key(number, 2) + varint(UInt64(bytes.count)) + bytes
  }
  private static func field(_ number: Int, string: String) -> [UInt8] { field(number, bytes: Array(string.utf8)) }
}
