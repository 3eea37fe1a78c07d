import CNNCaffe
import CNNCalc
import CNNFuzz
import CNNGraph
import Foundation
import Testing

@Suite struct CaffeImportTests {
  /// Published parameter counts: AlexNet and CaffeNet 60,965,224 (the BVLC model zoo); GoogLeNet
  /// 6,998,552 (torchvision's googlenet without auxiliary heads, the same layers); VGG16 138,357,544
  /// (Simonyan & Zisserman, table 2: 138M; torchvision); ResNet-50 25,557,096 = torchvision's
  /// 25,557,032 + conv1's 64 biases (KaimingHe's file has a bias on conv1); ResNet-101 and -152
  /// equal torchvision's 44,549,160 and 60,192,808 (BatchNorm statistics are buffers).
  @Test(arguments: [
    ("bvlc_alexnet.deploy.prototxt", 60_965_224, [3, 227, 227]),
    ("bvlc_reference_caffenet.deploy.prototxt", 60_965_224, [3, 227, 227]),
    ("bvlc_googlenet.deploy.prototxt", 6_998_552, [3, 224, 224]),
    ("VGG_ILSVRC_16_layers.deploy.prototxt", 138_357_544, [3, 224, 224]),
    ("ResNet-50.deploy.prototxt", 25_557_096, [3, 224, 224]),
    ("ResNet-101.deploy.prototxt", 44_549_160, [3, 224, 224]),
    ("ResNet-152.deploy.prototxt", 60_192_808, [3, 224, 224]),
  ])
  func publishedParameterCounts(file: String, params: Int, input: [Int]) throws {
    let analysis = try analyzeCaffeFixture(file)
    #expect(analysis.totals.params == params)
    #expect(analysis.inputs.map(\.shape) == [input], "the batch dim is dropped")
    #expect(analysis.isComplete)
    #expect(analysis.layers.last?.output.shape == [1000])
  }

  /// The zoo specs model the same networks (alexnet.cnn is BVLC AlexNet at 227, googlenet.cnn the
  /// BVLC GoogLeNet, vgg16.cnn VGG16): layer by layer the weighted and pooling layers agree.
  @Test(arguments: [
    ("bvlc_alexnet.deploy.prototxt", "alexnet"),
    ("bvlc_googlenet.deploy.prototxt", "googlenet"),
    ("VGG_ILSVRC_16_layers.deploy.prototxt", "vgg16"),
  ])
  func equalsTheZooSpecLayerByLayer(file: String, zoo: String) throws {
    let imported = try analyzeCaffeFixture(file)
    let spec = try analyzeZoo(zoo)
    #expect(weightedAndResampling(imported) == weightedAndResampling(spec))
    #expect(imported.totals.macs == spec.totals.macs)
    #expect(imported.layers.last?.output.receptiveField == spec.layers.last?.output.receptiveField)
  }

  /// ResNet-50 from Caffe is He et al.'s original ("v1": stride 2 on the first 1×1 of a stage),
  /// torchvision's is v1.5 (stride on the 3×3). The paper's table 1 gives 3.8 × 10^9 FLOPs
  /// (multiply-adds); the exact count follows from the layer shapes: it is the zoo's v1.5 count minus
  /// what moving the stride saves in three stages. Per stage, the first 1×1 conv shrinks by 4× in
  /// v1 and the 3×3 sees a 2×-smaller input: hand derivation below.
  @Test func resNet50IsTheOriginalV1() throws {
    let caffe = try analyzeCaffeFixture("ResNet-50.deploy.prototxt")
    let torchvision = try analyzeZoo("resnet50")
    // Stage (in channels, width, out extent): res3a (256 → 128, 28), res4a (512 → 256, 14), res5a (1024 → 512, 7).
    // v1.5: branch2a is a stride-1 1×1 at 2× extent: in·w·(2e)²; v1: in·w·e². The 3×3 runs at e in both.
    var saved = 0
    for (input, width, extent) in [(256, 128, 28), (512, 256, 14), (1024, 512, 7)] {
      saved += input * width * (2 * extent) * (2 * extent) - input * width * extent * extent
    }
    // conv1's bias adds no MAC (a bias is not a multiply-accumulate in cnncalc's convention).
    #expect(caffe.totals.macs == torchvision.totals.macs - saved)
    #expect(caffe.totals.params == torchvision.totals.params + 64)
  }

  @Test func batchNormAndScaleFoldIntoOneNormalisation() throws {
    let compilation = importCaffe(
      """
      input: "data"
      input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
      layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
              convolution_param { num_output: 4 kernel_size: 3 bias_term: false } }
      layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" batch_norm_param { eps: 1e-3 } }
      layer { name: "scale" type: "Scale" bottom: "conv" top: "conv" scale_param { bias_term: true } }
      layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }
      """)
    #expect(compilation.diagnostics.isEmpty)
    let network = try #require(compilation.network)
    #expect(network.layers.map(\.name) == ["conv", "bn", "relu"])
    let expected = Normalization(affine: true, epsilon: try Rational(1, 1000), momentum: try Rational(1, 1000))
    #expect(network.layers[1].op == .batchNorm(expected))
    let analysis = Analyzer.analyze(network)
    // 4 filters of 3·3·3 without bias, then γ and β per channel; mean and variance are buffers.
    #expect(analysis.totals.params == 4 * 27 + 2 * 4)
    #expect(analysis.totals.buffers == 2 * 4)
  }

  @Test func legacyV1LayersAndRepeatedFields() throws {
    let compilation = importCaffe(
      """
      name: "v1"   # comment
      input: "data"
      input_dim: 10 input_dim: 3 input_dim: 32 input_dim: 24
      layers { name: 'conv' type: CONVOLUTION bottom: "data" top: "conv"
               convolution_param < num_output: 8 kernel_h: 3 kernel_w: 5 stride: 2 pad_h: 1 pad_w: 2 >; }
      layers { name: "pool" type: POOLING bottom: "conv" top: "pool" pooling_param { pool: AVE kernel_size: 2 stride: 2 } }
      layers { name: "ip" type: INNER_PRODUCT bottom: "pool" top: "ip" inner_product_param { num_output: 10 } }
      """)
    #expect(compilation.diagnostics.isEmpty)
    let analysis = Analyzer.analyze(try #require(compilation.network))
    // conv: (32 + 2 − 3)/2 + 1 = 16 rows, (24 + 4 − 5)/2 + 1 = 12 columns (floor: 11.5 → 12 as 23/2 = 11 + 1).
    #expect(analysis.layer("conv")?.output.shape == [8, 16, 12])
    // Caffe pooling rounds up: ceil((16 − 2)/2) + 1 = 8, ceil((12 − 2)/2) + 1 = 6.
    #expect(analysis.layer("pool")?.output.shape == [8, 8, 6])
    let fullyConnected = 8 * 8 * 6 * 10 + 10
    #expect(analysis.layer("ip")?.params == fullyConnected)
  }

  @Test func unknownTypeIsLocatedAndTheRestIsAnalysed() throws {
    let text = """
      input: "data"
      input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
      layer { name: "a" type: "Convolution" bottom: "data" top: "a" convolution_param { num_output: 4 kernel_size: 1 } }
      layer { name: "odd" type: "Crop" bottom: "a" top: "odd" }
      layer { name: "after" type: "ReLU" bottom: "odd" top: "after" }
      layer { name: "side" type: "Pooling" bottom: "a" top: "side" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
      """
    let compilation = importCaffe(text)
    let errors = compilation.diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1, "one error for the layer; its reader is skipped silently")
    let error = try #require(errors.first)
    #expect(error.code == .unsupportedOperator)
    #expect(error.message.contains("'odd'") && error.message.contains("Crop"))
    let source = caffeSource(text)
    #expect(source.lineAndColumn(of: try #require(error.range).start).line == 4)
    let network = try #require(compilation.network, "the layers that do not depend on it are analysed")
    #expect(network.layers.map(\.name) == ["a", "side"])
  }

  @Test func badValuesAreLocatedErrors() {
    let cases: [(String, DiagnosticCode)] = [
      ("convolution_param { num_output: 4 kernel_size: 3 stride: 0 }", .nonpositiveSize),
      ("convolution_param { num_output: 0 kernel_size: 3 }", .nonpositiveSize),
      ("convolution_param { kernel_size: 3 }", .missingArgument),
      ("convolution_param { num_output: 4 kernel_size: x }", .badNumber),
      ("convolution_param { num_output: 4 kernel_size: 3 bias_term: maybe }", .badArgument),
    ]
    for (parameters, code) in cases {
      let compilation = importCaffe(
        """
        input: "data"
        input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
        layer { name: "c" type: "Convolution" bottom: "data" top: "c" \(parameters) }
        """)
      #expect(compilation.diagnostics.map(\.code) == [code], "\(parameters)")
      #expect(compilation.diagnostics.allSatisfy { $0.range != nil })
    }
  }

  /// Caffe refuses a field its schema lacks; a misspelt one (`botto`, `strid`) would otherwise
  /// leave a layer without its input or with stride 1. A field far from every known one is a
  /// fork's extension: a warning, and the layer is still read.
  @Test func unknownFieldsAreMisspellingsOrForkExtensions() throws {
    let header = """
      input: "data"
      input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }

      """
    let misspelt: [(String, String, String)] = [
      ("layer { name: \"r\" type: \"ReLU\" botto: \"data\" top: \"r\" }", "botto", "bottom"),
      (
        "layer { name: \"c\" type: \"Convolution\" bottom: \"data\" top: \"c\" "
          + "convolution_param { num_output: 4 kernel_size: 3 strid: 2 } }", "strid", "stride"
      ),
      (
        "layer { name: \"p\" type: \"Pooling\" bottom: \"data\" top: \"p\" "
          + "pooling_param { pool: MAX kernal_size: 2 } }", "kernal_size", "kernel_size"
      ),
    ]
    for (layer, field, suggestion) in misspelt {
      let compilation = importCaffe(header + layer)
      let errors = compilation.diagnostics.filter { $0.severity == .error }
      #expect(errors.map(\.code) == [.unknownArgument], "\(layer)")
      let error = try #require(errors.first)
      #expect(error.message.contains("'\(field)'"))
      #expect(error.hint?.contains("'\(suggestion)'") == true)
      let source = caffeSource(header + layer)
      let location = source.lineAndColumn(of: try #require(error.range).start)
      #expect(location.line == 3)
      #expect(source.lineText(3).dropFirst(location.column - 1).hasPrefix(field))
    }
    let fork = importCaffe(
      header + """
        layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 1 } }
        layer { name: "bn" type: "BatchNorm" bottom: "c" top: "c" batch_norm_param { fused_relu: true } device: 0 }
        """)
    #expect(fork.diagnostics.map(\.code) == [.ignoredField, .ignoredField])
    #expect(fork.diagnostics.allSatisfy { $0.severity == .warning && $0.layer == "bn" })
    #expect(try #require(fork.network).layers.map(\.name) == ["c", "bn"])
  }

  /// FCN-32s's upsampling as its deploy file writes it (Long, Shelhamer & Darrell 2015:
  /// `upscore`, Deconvolution num_output 21, kernel 64, stride 32, no bias) on a 21×7×7 score map,
  /// then a Reshape that keeps the batch (dim 0), the classes, and folds the pixels (dim -1).
  /// By hand: (7 − 1)·32 + 64 = 256 rows and columns; 21·21·64·64 = 1,806,336 weights; each of
  /// the 21·7·7 input elements is scattered over 21 outputs × 64·64 taps: 88,510,464 MACs.
  @Test func deconvolutionAndReshape() throws {
    let compilation = importCaffe(
      """
      input: "score"
      input_shape { dim: 1 dim: 21 dim: 7 dim: 7 }
      layer { name: "upscore" type: "Deconvolution" bottom: "score" top: "upscore"
        convolution_param { num_output: 21 bias_term: false kernel_size: 64 stride: 32 } }
      layer { name: "flat" type: "Reshape" bottom: "upscore" top: "flat"
        reshape_param { shape { dim: 0 dim: 21 dim: -1 } } }
      """)
    #expect(compilation.diagnostics.isEmpty, "\(compilation.diagnostics.map(\.message))")
    let analysis = Analyzer.analyze(try #require(compilation.network))
    let upscore = try #require(analysis.layer("upscore"))
    #expect(upscore.output.shape == [21, 256, 256])
    #expect(upscore.params == 1_806_336)
    #expect(upscore.macs == 88_510_464)
    #expect(analysis.layer("flat")?.output.shape == [21, 65_536])
    // A 0 after the batch copies that axis; a -1 that cannot divide the count is located.
    for (dims, expected) in [("0 0 -1", [21, 65_536]), ("0 -1 256", [5_376, 256]), ("1 0 256 256", [21, 256, 256])] {
      let text = """
        input: "x"
        input_shape { dim: 1 dim: 21 dim: 256 dim: 256 }
        layer { name: "r" type: "Reshape" bottom: "x" top: "r" reshape_param { shape { DIMS } } }
        """
      let dimFields = dims.split(separator: " ").map { "dim: \($0)" }.joined(separator: " ")
      let reshaped = importCaffe(text.replacingOccurrences(of: "DIMS", with: dimFields))
      #expect(reshaped.diagnostics.isEmpty, "\(dims)")
      #expect(try Analyzer.analyze(#require(reshaped.network)).layer("r")?.output.shape == expected, "\(dims)")
    }
    let misfit = importCaffe(
      """
      input: "x"
      input_shape { dim: 1 dim: 21 dim: 7 dim: 7 }
      layer { name: "r" type: "Reshape" bottom: "x" top: "r" reshape_param { shape { dim: 0 dim: 10 dim: -1 } } }
      """)
    #expect(misfit.diagnostics.map(\.code) == [.elementCountMismatch])
    #expect(misfit.diagnostics.first?.message.contains("1029 elements") == true)
  }

  /// Found by the fuzzer (seed 15, cases 6055, 7341, 9383 of the fixtures corpus): an input whose
  /// dims were refused (`-1`, `3.5`, 2⁶³−1) left an empty shape that the analysis then indexed — a
  /// trap. The input's error is reported; the layers reading it are not computed.
  @Test func refusedInputDimsAreErrorsNotATrap() throws {
    let cases: [(String, DiagnosticCode)] = [
      ("-1", .nonpositiveSize), ("3.5", .badNumber), ("9223372036854775807", .tooLarge),
    ]
    for (dim, code) in cases {
      let compilation = importCaffe(
        """
        input: "data"
        input_shape { dim: 1 dim: 3 dim: DIM dim: 8 }
        layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 3 } }
        layer { name: "r" type: "ReLU" bottom: "c" top: "c" }
        """.replacingOccurrences(of: "DIM", with: dim))
      #expect(compilation.diagnostics.map(\.code) == [code], "\(dim)")
      let analysis = Analyzer.analyze(try #require(compilation.network))
      #expect(analysis.layers.isEmpty, "no layer reading the refused input is computed")
      #expect(!analysis.diagnostics.contains { $0.severity == .error }, "the one error is the input's")
    }
  }

  /// A layer other than a merge reads exactly one blob: Caffe's own check (`ExactNumBottomBlobs`).
  @Test func aLayerReadsTheBlobsItsTypeTakes() throws {
    for (bottoms, problem) in [("", "has no input"), ("bottom: \"data\" bottom: \"data\"", "reads one input, has 2")] {
      let compilation = importCaffe(
        """
        input: "data"
        input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }
        layer { name: "r" type: "ReLU" \(bottoms) top: "r" }
        """)
      #expect(compilation.diagnostics.map(\.code) == [.wrongArity], "\(bottoms)")
      #expect(compilation.diagnostics.first?.message.contains(problem) == true)
      #expect(compilation.diagnostics.first?.range != nil)
    }
  }

  /// Caffe drops a ceil-mode window that starts past the input only when the layer pads. Kernel 1,
  /// stride 2 over 6 rows: Caffe gives ceil((6 − 1)/2) + 1 = 4 (its last window starts at row 6,
  /// past the input); PyTorch's rule, cnncalc's, gives 3.
  @Test func caffesCeilRuleWithoutPaddingIsFlagged() throws {
    let compilation = importCaffe(
      """
      input: "data"
      input_shape { dim: 1 dim: 1 dim: 6 dim: 6 }
      layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { kernel_size: 1 stride: 2 } }
      """)
    let warning = try #require(compilation.diagnostics.first)
    #expect(warning.code == .ceilRuleDiffers && warning.severity == .warning)
    #expect(warning.message.contains("gives 4") && warning.message.contains("cnncalc's 3"))
  }

  @Test func syntaxErrorsPointAtTheSpot() throws {
    let cases: [(String, Int, Int)] = [
      ("layer { name: \"a\" ", 1, 19),
      ("input: \"data\n", 1, 8),
      ("layer { name \"a\" }", 1, 14),
      ("}", 1, 1),
    ]
    for (text, line, column) in cases {
      let compilation = importCaffe(text)
      let diagnostic = try #require(compilation.diagnostics.first, "\(text)")
      #expect(diagnostic.code == .syntax)
      let position = caffeSource(text).lineAndColumn(of: try #require(diagnostic.range).start)
      #expect(position.line == line && position.column == column, "\(text): \(diagnostic.message)")
      #expect(compilation.network == nil)
    }
  }

  @Test func deepNestingIsRefusedNotACrash() {
    let text = String(repeating: "a { ", count: 100_000)
    let compilation = importCaffe(text)
    #expect(compilation.diagnostics.first?.message.contains("nest") == true)
  }

  /// Random byte changes of a real deploy file never trap (a brief campaign).
  @Test func randomCorruptionIsHandled() throws {
    let data = try Data(contentsOf: fixtures.appendingPathComponent("caffe/bvlc_googlenet.deploy.prototxt"))
    let bytes = [UInt8](data)
    var generator = SeededGenerator(state: 11)
    let alphabet = Array("{}<>[]:;,#\"' \n-.0123456789abcXYZ_".utf8)
    for _ in 0..<300 {
      var corrupted = bytes
      for _ in 0..<Int.random(in: 1...6, using: &generator) {
        let index = Int.random(in: 0..<corrupted.count, using: &generator)
        corrupted[index] = alphabet.randomElement(using: &generator)!
      }
      let compilation = CaffeImporter.compile(
        SourceFile(path: "x.prototxt", bytes: corrupted), shapes: CalculatedShapes())
      if let network = compilation.network { _ = Analyzer.analyze(network) }
    }
  }

  /// A file that names no network is named after the file without its last extension, as spec,
  /// JSON and ONNX files are: dots inside the name stay (`vgg.v2.deploy`, not `vgg`).
  @Test func unnamedNetworkTakesTheFileName() throws {
    let text = """
      layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }
      layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 3 } }
      """
    for (path, name) in [("models/vgg.v2.deploy.prototxt", "vgg.v2.deploy"), ("deploy.prototxt", "deploy")] {
      let compilation = CaffeImporter.compile(SourceFile(path: path, text: text), shapes: CalculatedShapes())
      #expect(try #require(compilation.network).name == name)
    }
  }

  @Test func inputOverrides() throws {
    let compilation = importCaffe(
      """
      layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 10 dim: 3 dim: 227 dim: 227 } } }
      layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 11 stride: 4 } }
      """, inputShapes: ["data": [3, 224, 224]])
    let analysis = Analyzer.analyze(try #require(compilation.network))
    #expect(analysis.layer("c")?.output.shape == [2, 54, 54])
  }
}
