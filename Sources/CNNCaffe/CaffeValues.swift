import CNNGraph

/// Reading typed values out of text-format fields, with Caffe's conventions.
enum CaffeValues {
  /// A string field's text; an unquoted word is accepted too (V1 files quote inconsistently).
  static func string(_ field: TextField) -> String? {
    switch field.value {
    case .string(let text), .word(let text): text.value
    case .message: nil
    }
  }

  /// An integer field (`-1` allowed).
  static func integer(_ field: TextField) -> Int? {
    guard case .word(let word) = field.value else { return nil }
    let text = Substring(word.value)
    if text.hasPrefix("-") { return Literals.integer(text.dropFirst()).map { -$0 } }
    return Literals.integer(text.hasPrefix("+") ? text.dropFirst() : text)
  }

  /// A float field, exactly as written (`0.0001`, `1e-05`, `-0.5`).
  static func decimal(_ field: TextField) -> Rational? {
    guard case .word(let word) = field.value else { return nil }
    var text = Substring(word.value)
    if text.hasSuffix("f") || text.hasSuffix("F") { text = text.dropLast() }
    let negative = text.hasPrefix("-")
    if negative || text.hasPrefix("+") { text = text.dropFirst() }
    if text.hasPrefix(".") { text = "0" + text }
    guard let value = Literals.decimal(text) else { return nil }
    return negative ? try? Rational.zero - value : value
  }

  /// A bool field: `true`/`false` (also `1`/`0`, `True`, `t`).
  static func boolean(_ field: TextField) -> Bool? {
    guard case .word(let word) = field.value else { return nil }
    switch word.value {
    case "true", "True", "t", "1": return true
    case "false", "False", "f", "0": return false
    default: return nil
    }
  }

  /// The layer's type in the V2 spelling: `type: "Convolution"`, or a V1 enum (`type: CONVOLUTION`)
  /// translated to it.
  static func typeName(_ layer: TextMessage) -> String? {
    guard let field = layer.last("type") else { return nil }
    switch field.value {
    case .string(let text): return text.value
    case .word(let word): return v1Types[word.value] ?? word.value
    case .message: return nil
    }
  }

  /// V1 `LayerParameter.LayerType` names (caffe.proto) and their V2 type strings.
  static let v1Types: [String: String] = [
    "ABSVAL": "AbsVal", "ACCURACY": "Accuracy", "BNLL": "BNLL", "CONCAT": "Concat", "CONVOLUTION": "Convolution",
    "DATA": "Data", "DECONVOLUTION": "Deconvolution", "DROPOUT": "Dropout", "ELTWISE": "Eltwise", "EXP": "Exp",
    "FLATTEN": "Flatten", "IMAGE_DATA": "ImageData", "INNER_PRODUCT": "InnerProduct", "LRN": "LRN",
    "MEMORY_DATA": "MemoryData", "POOLING": "Pooling", "POWER": "Power", "RELU": "ReLU", "SIGMOID": "Sigmoid",
    "SILENCE": "Silence", "SOFTMAX": "Softmax", "SOFTMAX_LOSS": "SoftmaxWithLoss", "SPLIT": "Split", "TANH": "TanH",
    "THRESHOLD": "Threshold",
  ]

  /// Whether the layer runs in the TEST phase (deploy): `include { phase: TRAIN }` and
  /// `exclude { phase: TEST }` leave it out.
  static func runsAtTest(_ layer: TextMessage) -> Bool {
    func phase(_ rule: TextField) -> String? {
      guard case .message(let message) = rule.value else { return nil }
      return message.last("phase").flatMap(string)
    }
    let included = layer.all("include").compactMap(phase)
    if !included.isEmpty, !included.contains(where: { $0 == "TEST" || $0 == "1" }) { return false }
    return !layer.all("exclude").compactMap(phase).contains { $0 == "TEST" || $0 == "1" }
  }
}
