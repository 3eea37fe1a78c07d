import Foundation
import Testing

/// Model files through the command line: every command reads them as it reads specs.
@Suite struct ImportCommandTests {
  static let alexnetCaffe = "Tests/CNNImportTests/Fixtures/caffe/bvlc_alexnet.deploy.prototxt"
  static let resnetONNX = "Tests/CNNImportTests/Fixtures/onnx/resnet18.torchscript.onnx"

  @Test func summaryOfAnImportedModelMatchesGolden() throws {
    let caffe = run([Self.alexnetCaffe, "--exact"])
    #expect(caffe.code == 0)
    try expectGolden(caffe.out, "summary-bvlc-alexnet.txt")
    let onnx = run([Self.resnetONNX])
    #expect(onnx.code == 0)
    try expectGolden(onnx.out, "summary-resnet18-onnx.txt")
  }

  /// The Caffe AlexNet and the zoo's Caffe-style AlexNet describe the same network: identical
  /// totals (layer names differ: relu1 against conv1.relu).
  @Test func diffOfASpecAgainstItsModel() {
    let result = run(["diff", "alexnet", Self.alexnetCaffe, "--format", "json"])
    #expect(result.code == 0)
    #expect(result.out.contains("\"params\": { \"old\": 60965224, \"new\": 60965224, \"delta\": 0"))
  }

  @Test func checkWalksModelFilesInFolders() {
    let result = run(["check", "Tests/CNNImportTests/Fixtures/caffe"])
    #expect(result.code == 0, "\(result.out)")
    #expect(result.out.contains("7 specs checked: 7 passed"))
  }

  @Test func exportAsSpecText() {
    let result = run(["export", Self.resnetONNX, "--format", "cnn"])
    #expect(result.code == 0)
    #expect(result.out.hasPrefix("# Exported by cnncalc from \(Self.resnetONNX).\nnetwork resnet18_torchscript\n"))
    #expect(result.out.contains("layer1_0_conv1: conv out=64 k=3 p=1 bias=off"))
  }

  /// The reference engine runs imported models and agrees with the calculation (shapes, fields,
  /// peak memory), at small inputs to keep the test quick.
  @Test(arguments: [
    ("onnx/mobilenet_v3_small.dynamo.onnx", "3x32x32"), ("onnx/convnext_tiny.dynamo.onnx", "3x64x64"),
    ("onnx/efficientnet_b0.torchscript.onnx", "3x64x64"), ("onnx/densenet121.dynamo.onnx", "3x64x64"),
    ("onnx/googlenet.dynamo.onnx", "3x64x64"), ("onnx/resnet18.folded.onnx", "3x64x64"),
    ("caffe/bvlc_alexnet.deploy.prototxt", "3x227x227"), ("onnx/resampling.opset22.onnx", "3x97x97"),
  ])
  func verifyAgrees(file: String, input: String) {
    let result = run(["verify", "Tests/CNNImportTests/Fixtures/\(file)", "--input", input])
    #expect(result.code == 0, "\(result.error)")
    #expect(result.out.contains("shapes, receptive fields and memory agree"))
  }

  /// TorchScript bakes the traced shapes into Reshape constants: at another input size the file
  /// itself does not fit, and the error says why.
  @Test func tracedShapesAtAnotherInputAreExplained() {
    let result = run(["Tests/CNNImportTests/Fixtures/onnx/shufflenet_v2_x1_0.torchscript.onnx", "--input", "3x64x64"])
    #expect(result.code == 1)
    #expect(result.error.contains("[element-count-mismatch]"))
    #expect(result.error.contains("traced at another input size"))
  }

  @Test func dynamicInputsAndBadFilesAreLocated() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cnncalc-import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let bad = folder.appendingPathComponent("bad.onnx")
    try Data([0x3A, 0xFF, 0x01, 0x00]).write(to: bad)
    let result = run([bad.path])
    #expect(result.code == 1)
    #expect(result.error.contains("bad.onnx: byte 1: error: not a readable ONNX model"), "\(result.error)")
    #expect(result.error.contains("[malformed-file]"))
    let missing = run([folder.appendingPathComponent("absent.onnx").path])
    #expect(missing.code == 2)
  }
}
