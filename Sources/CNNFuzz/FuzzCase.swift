import CNNCalc
import CNNGraph
import CNNReport
import CNNSpec
import CNNZoo

/// One fuzzing input, derived from its index and the campaign's seed alone, so that any case
/// replays exactly (`cnncalc-fuzz --case N`).
public struct FuzzCase: Sendable {
  /// How the input was made.
  public enum Kind: String, Sendable, CaseIterable {
    /// A valid-by-construction spec from `SpecGenerator`.
    case generated
    /// A generated spec, mutated.
    case mutated
    /// A zoo spec, mutated.
    case mutatedZoo
    /// The JSON export of a generated spec.
    case json
    /// That JSON, mutated.
    case mutatedJSON
    /// A Caffe prototxt from the corpus, mutated as text.
    case mutatedPrototxt
    /// An ONNX model from the corpus, mutated by `ProtoMutator`.
    case mutatedONNX
  }

  public var index: Int
  public var kind: Kind
  /// The file's bytes (not necessarily UTF-8).
  public var bytes: [UInt8]
  /// `cnn`, `json`, `prototxt` or `onnx`: decides which front end reads it.
  public var fileExtension: String
  /// The corpus file a model case was made from.
  public var origin: String?

  /// Case `index` of the campaign with `seed`; with a non-empty `corpus`, one case in four is a
  /// damaged model file from it (the other cases are the same as without a corpus).
  public init(index: Int, seed: UInt64, corpus: ModelCorpus = .empty) {
    self.index = index
    let caseSeed = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index)
    var choice = SeededGenerator(state: caseSeed ^ 0xA5A5)
    let roll = Int.random(in: 0..<100, using: &choice)
    if !corpus.files.isEmpty {
      var modelChoice = SeededGenerator(state: caseSeed ^ 0xC3C3)
      if Int.random(in: 0..<4, using: &modelChoice) == 0 {
        let file = corpus.files[Int.random(in: 0..<corpus.files.count, using: &modelChoice)]
        origin = file.name
        fileExtension = file.fileExtension
        if file.fileExtension == "onnx" {
          var mutator = ProtoMutator(seed: caseSeed ^ 0x3C3C)
          (kind, bytes) = (.mutatedONNX, mutator.mutate(file.bytes))
        } else {
          var mutator = Mutator(seed: caseSeed ^ 0x3C3C, fragments: Mutator.prototxtFragments)
          (kind, bytes) = (.mutatedPrototxt, mutator.mutate(String(decoding: file.bytes, as: UTF8.self)))
        }
        return
      }
    }
    var generator = SpecGenerator(seed: caseSeed)
    var mutator = Mutator(seed: caseSeed ^ 0x5A5A)
    let text = generator.spec()
    switch roll {
    case 0..<35:
      (kind, bytes, fileExtension) = (.generated, Array(text.utf8), "cnn")
    case 35..<65:
      (kind, bytes, fileExtension) = (.mutated, mutator.mutate(text), "cnn")
    case 65..<75:
      let zoo = Zoo.specs[Int.random(in: 0..<Zoo.specs.count, using: &choice)].text
      (kind, bytes, fileExtension) = (.mutatedZoo, mutator.mutate(zoo), "cnn")
    default:
      let json = Self.json(of: text) ?? Self.json(of: Zoo.text(named: "lenet5") ?? "") ?? "{}"
      if roll < 85 {
        (kind, bytes, fileExtension) = (.json, Array(json.utf8), "json")
      } else {
        (kind, bytes, fileExtension) = (.mutatedJSON, mutator.mutate(json), "json")
      }
    }
  }

  /// The JSON export of a spec that compiles.
  static func json(of text: String) -> String? {
    guard
      let network = SpecCompiler.compile(SourceFile(path: "case.cnn", text: text), shapes: CalculatedShapes()).network
    else { return nil }
    return SpecExport.json(network).serialized() + "\n"
  }
}
