import CNNFuzz
import Foundation

// cnncalc-fuzz: runs fuzz cases in-process and reports what they find (docs/robustness.md).
//
//   cnncalc-fuzz [--seed S] [--start N] [--cases N] [--folder DIR] [--time-limit SECONDS]
//                [--memory-limit MIB] [--corpus DIR] [--case N]
//
// --corpus DIR adds damaged model files: every .onnx and .prototxt under DIR (one case in four).
// Exit 0: no findings; 1: findings (listed, and each case written to DIR/finding-N.cnn|json|onnx|prototxt);
// 3: a case hung (index in DIR/hang); 4: memory over the limit (index in DIR/memory); 2: usage.

var seed: UInt64 = 1
var start = 0
var count = 1000
var folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnncalc-fuzz").path
var timeLimit = 5.0
var memoryLimit = 1024
var corpus = ModelCorpus.empty
var arguments = CommandLine.arguments.dropFirst().makeIterator()
@MainActor func value(_ flag: String) -> String {
  guard let next = arguments.next() else {
    FileHandle.standardError.write(Data("cnncalc-fuzz: \(flag) needs a value\n".utf8))
    exit(2)
  }
  return next
}
@MainActor func number(_ flag: String) -> Int {
  guard let parsed = Int(value(flag)), parsed >= 0 else {
    FileHandle.standardError.write(Data("cnncalc-fuzz: \(flag) takes a non-negative integer\n".utf8))
    exit(2)
  }
  return parsed
}
while let flag = arguments.next() {
  switch flag {
  case "--seed": seed = UInt64(number(flag))
  case "--start": start = number(flag)
  case "--cases": count = number(flag)
  case "--case":
    start = number(flag)
    count = 1
  case "--folder": folder = value(flag)
  case "--time-limit": timeLimit = Double(number(flag))
  case "--memory-limit": memoryLimit = number(flag)
  case "--corpus":
    let path = value(flag)
    corpus = ModelCorpus.load(folder: path)
    if corpus.files.isEmpty {
      FileHandle.standardError.write(Data("cnncalc-fuzz: no .onnx or .prototxt file under \(path)\n".utf8))
      exit(2)
    }
  default:
    FileHandle.standardError.write(Data("cnncalc-fuzz: unknown option \(flag)\n".utf8))
    exit(2)
  }
}
try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
let watchdog = Watchdog(folder: folder, timeLimit: timeLimit, memoryLimit: memoryLimit << 20)
let campaign = Campaign(
  seed: seed, start: start, count: count, folder: folder, timeLimit: timeLimit, corpus: corpus)
let result = campaign.run(watchdog: watchdog) { progress in
  FileHandle.standardError.write(
    Data(
      "cnncalc-fuzz: \(progress.cases) cases, \(progress.findings.count) findings, \(Int(progress.seconds)) s\n".utf8))
}
for (index, kind, finding) in result.findings {
  let fuzzCase = FuzzCase(index: index, seed: seed, corpus: corpus)
  print("case \(index) (\(kind.rawValue)\(fuzzCase.origin.map { " of \($0)" } ?? "")): \(finding)")
  _ = FileManager.default.createFile(
    atPath: "\(folder)/finding-\(index).\(fuzzCase.fileExtension)", contents: Data(fuzzCase.bytes))
}
let kinds = FuzzCase.Kind.allCases.map { "\($0.rawValue) \(result.byKind[$0] ?? 0)" }.joined(separator: ", ")
print(
  "seed \(seed), cases \(start)..<\(start + count): \(result.cases) run (\(kinds)); \(result.clean) analysed "
    + "cleanly; \(result.findings.count) findings; slowest case \(result.slowest.index) "
    + String(format: "%.3f s; %.1f s in all", result.slowest.seconds, result.seconds))
exit(result.findings.isEmpty ? 0 : 1)
