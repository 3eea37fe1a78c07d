import Foundation

/// Model files the fuzzer damages: every `.onnx` and `.prototxt` under a folder (the test
/// fixtures, by default in `scripts/fuzz.sh`), in path order so that a case replays from its index
/// and seed given the same folder.
public struct ModelCorpus: Sendable {
  /// One model file.
  public struct File: Sendable {
    /// Its path relative to the corpus folder.
    public var name: String
    public var bytes: [UInt8]
    /// `onnx` or `prototxt`.
    public var fileExtension: String
  }

  public var files: [File]

  /// No files: the campaign makes spec-language and JSON cases only.
  public static let empty = ModelCorpus(files: [])

  public init(files: [File]) {
    self.files = files
  }

  /// The model files under `folder` (none when it does not exist). Files over 64 MiB are left out:
  /// a case is copied, mutated and written for every run.
  public static func load(folder: String) -> ModelCorpus {
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return .empty }
    var files: [File] = []
    for case let name as String in walker {
      let fileExtension = (name as NSString).pathExtension.lowercased()
      guard fileExtension == "onnx" || fileExtension == "prototxt" else { continue }
      let path = (folder as NSString).appendingPathComponent(name)
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        let size = attributes[.size] as? Int, size <= 64 << 20,
        let data = FileManager.default.contents(atPath: path)
      else { continue }
      files.append(File(name: name, bytes: Array(data), fileExtension: fileExtension))
    }
    return ModelCorpus(files: files.sorted { $0.name < $1.name })
  }
}
