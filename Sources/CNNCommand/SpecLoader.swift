import CNNCaffe
import CNNGraph
import CNNONNX
import CNNSpec
import CNNZoo
import Foundation

/// A spec file that cannot be read; reported at file level with exit code 2.
struct FileError: Error {
  var path: String
  /// What is wrong with the file; printed after its path.
  var reason: String
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
        throw FileError(path: operand, reason: "is a folder; name a spec file (check takes folders)")
      }
      return try read(operand)
    }
    let name = operand.hasSuffix(".cnn") ? String(operand.dropLast(4)) : operand
    if !operand.contains("/"), let text = Zoo.text(named: name) {
      return SourceFile(path: "<zoo>/\(name).cnn", text: text)
    }
    let suggestion = Suggestions.closest(to: name, in: Zoo.names).map { "; did you mean the zoo spec '\($0)'?" } ?? ""
    throw FileError(path: operand, reason: "no such file or zoo spec\(suggestion) (cnncalc zoo lists the zoo)")
  }

  /// Reads a file with a size limit.
  static func read(_ path: String) throws(FileError) -> SourceFile {
    if ONNXImporter.handles(path: path) {
      // Mapped by the importer, never read whole: ONNX files may be hundreds of megabytes.
      guard FileManager.default.isReadableFile(atPath: path) else {
        throw FileError(path: path, reason: "cannot be read (permission denied or not a regular file)")
      }
      return SourceFile(binaryPath: path)
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw FileError(path: path, reason: "cannot be read (permission denied or not a regular file)")
    }
    defer { try? handle.close() }
    let data: Data
    do {
      data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
    } catch {
      throw FileError(path: path, reason: "cannot be read: \(error.localizedDescription)")
    }
    guard data.count <= maximumBytes else {
      throw FileError(path: path, reason: "is larger than \(maximumBytes >> 20) MiB; a spec is a small text file")
    }
    return SourceFile(path: path, bytes: Array(data))
  }

  /// Whether a folder walk picks up this file: specs (`.cnn`, `.json`) and models (`.onnx`,
  /// `.prototxt`).
  static func isModelFile(_ name: String) -> Bool {
    name.hasSuffix(".cnn") || name.hasSuffix(".json") || ONNXImporter.handles(path: name)
      || CaffeImporter.handles(path: name)
  }

  /// Whether a JSON file found in a folder is a cnncalc spec: it names the schema
  /// `"cnncalc-spec/…"` in its first 64 KiB (`export` writes it first). `package.json` and other
  /// JSON files are not specs; a JSON file named on the command line is always read as one.
  static func isSpecJSON(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return true }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 64 << 10)) ?? Data()
    return head.range(of: Data("\"cnncalc-spec/".utf8)) != nil
  }

  /// Every spec and model file under `path` (recursively, sorted), or `path` itself when it is
  /// a file. Folders are walked with `lstat`: symbolic links to folders are not followed (so link
  /// loops end), and folders that cannot be listed are reported, not fatal.
  static func specFiles(under path: String, problems: inout [FileError]) throws(FileError) -> [String] {
    var status = stat()
    guard stat(path, &status) == 0 else { throw FileError(path: path, reason: "no such file or folder") }
    guard status.st_mode & S_IFMT == S_IFDIR else { return [path] }
    var files: [String] = []
    var pending = [path]
    var visited = Set<String>()
    while let folder = pending.popLast() {
      guard visited.insert(folder).inserted, visited.count <= 100_000 else { continue }
      let entries: [String]
      do {
        entries = try FileManager.default.contentsOfDirectory(atPath: folder)
      } catch {
        problems.append(FileError(path: folder, reason: "cannot be listed"))
        continue
      }
      for entry in entries where !entry.hasPrefix(".") {
        let full = folder.hasSuffix("/") ? folder + entry : folder + "/" + entry
        var entryStatus = stat()
        guard lstat(full, &entryStatus) == 0 else { continue }
        switch entryStatus.st_mode & S_IFMT {
        case S_IFDIR: pending.append(full)
        case S_IFREG, S_IFLNK:
          if isModelFile(entry), !entry.hasSuffix(".json") || isSpecJSON(full) { files.append(full) }
        default: continue
        }
      }
    }
    return files.sorted()
  }
}
