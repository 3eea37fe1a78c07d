import CNNGraph

/// A message of the protobuf text format as written: its fields in order, each with where it is.
/// Nothing is typed here: the Caffe schema is applied by `CaffeGraphBuilder`.
struct TextMessage: Sendable {
  /// The fields in file order; a repeated field appears once per occurrence.
  var fields: [TextField] = []

  /// Every occurrence of a field.
  func all(_ name: String) -> [TextField] { fields.filter { $0.name.value == name } }

  /// The last occurrence of a field (the text format's rule for a singular field given twice).
  func last(_ name: String) -> TextField? { fields.last { $0.name.value == name } }

  /// The sub-message of a field, or nil when absent.
  func message(_ name: String) -> TextMessage? {
    if case .message(let message)? = last(name)?.value { return message }
    return nil
  }
}

/// One `name: value` or `name { … }` of a text-format message.
struct TextField: Sendable {
  var name: Located<String>
  var value: TextValue
  /// The whole field, name to value.
  var range: SourceRange
}

/// A field's value: a scalar (number, enum word, quoted string) or a nested message.
enum TextValue: Sendable {
  /// A number or an enum word, as written.
  case word(Located<String>)
  /// A quoted string, unescaped.
  case string(Located<String>)
  case message(TextMessage)
}
