import CNNSpec
import CNNZoo
import Foundation

/// A spec file that cannot be read; reported at file level with exit code 2.
struct FileError: Error {
  var path: String
  var message: String
}

/// Finds spec text: a path on disk, or the name of a bundled zoo spec.
enum SpecLoader {
  /// Files larger than this are refused (a spec is a few kilobytes).
  static let maximumBytes = 16 << 20

  /// Reads `operand` as a file, or as a zoo name when no such file exists.
  static func load(_ operand: String) throws(FileError) -> SourceFile {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: operand, isDirectory: &isDirectory) {
      if isDirectory.boolValue {
        throw FileError(path: operand, message: "is a folder; name a spec file (check takes folders)")
      }
      return try read(operand)
    }
    let name = operand.hasSuffix(".cnn") ? String(operand.dropLast(4)) : operand
    if !operand.contains("/"), let text = Zoo.text(named: name) {
      return SourceFile(path: "<zoo>/\(name).cnn", text: text)
    }
    let suggestion = Suggestions.closest(to: name, in: Zoo.names).map { "; did you mean the zoo spec '\($0)'?" } ?? ""
    throw FileError(path: operand, message: "no such file or zoo spec\(suggestion) (cnncalc zoo lists the zoo)")
  }

  /// Reads a file with a size limit.
  static func read(_ path: String) throws(FileError) -> SourceFile {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw FileError(path: path, message: "cannot be read (permission denied or not a regular file)")
    }
    defer { try? handle.close() }
    let data: Data
    do {
      data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
    } catch {
      throw FileError(path: path, message: "cannot be read: \(error.localizedDescription)")
    }
    guard data.count <= maximumBytes else {
      throw FileError(path: path, message: "is larger than \(maximumBytes >> 20) MiB; a spec is a small text file")
    }
    return SourceFile(path: path, bytes: Array(data))
  }

  /// Every `.cnn` and `.json` file under `path` (recursively, sorted), or `path` itself when it is a file.
  /// Symbolic links to folders are not followed, so link loops end.
  static func specFiles(under path: String) throws(FileError) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FileError(path: path, message: "no such file or folder")
    }
    guard isDirectory.boolValue else { return [path] }
    guard let enumerator = FileManager.default.enumerator(atPath: path) else {
      throw FileError(path: path, message: "cannot be listed")
    }
    var files: [String] = []
    while let relative = enumerator.nextObject() as? String {
      if relative.hasSuffix(".cnn") || relative.hasSuffix(".json") {
        files.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
      }
    }
    return files.sorted()
  }
}
