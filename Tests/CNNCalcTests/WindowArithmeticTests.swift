import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// The window formulas against brute-force placement of windows, over whole small domains:
/// inputs 1…40 × kernels 1…7 × strides 1…4 × paddings 0…3 on each side × dilations 1…3.
@Suite struct WindowArithmeticTests {
  /// Windows start at 0, s, 2s, … in the padded input and are kept while they fit inside it.
  static func bruteFloor(input: Int, before: Int, after: Int, span: Int, stride: Int) -> Int {
    var count = 0
    while count * stride + span <= input + before + after { count += 1 }
    return count
  }

  /// Ceil mode, simulated: add windows until the padded input is covered, then drop the windows
  /// that start inside the end padding (PyTorch and Caffe).
  static func bruteCeil(input: Int, before: Int, after: Int, span: Int, stride: Int) -> (Int, Bool) {
    var count = 1
    while (count - 1) * stride + span < input + before + after { count += 1 }
    var dropped = false
    while count > 1, (count - 1) * stride >= input + before {
      count -= 1
      dropped = true
    }
    return (count, dropped)
  }

  @Test func floorAndCeilMatchBruteForce() throws {
    var checked = 0
    for input in 1...40 {
      for kernel in 1...7 {
        for dilation in 1...3 {
          let span = dilation * (kernel - 1) + 1
          for stride in 1...4 {
            // PyTorch and Caffe pooling require padding ≤ kernel/2; with more, a window could lie
            // wholly in padding and the frameworks' single correction would not remove it.
            for before in 0...min(3, span / 2) {
              for after in 0...min(3, span / 2) where input + before + after >= span {
                let floor = try WindowArithmetic.floorExtent(
                  input: input, before: before, after: after, dilatedKernel: span, stride: stride)
                #expect(
                  floor == Self.bruteFloor(input: input, before: before, after: after, span: span, stride: stride))
                let ceil = try #require(
                  try WindowArithmetic.ceilExtent(
                    input: input, before: before, after: after, dilatedKernel: span, stride: stride))
                let brute = Self.bruteCeil(input: input, before: before, after: after, span: span, stride: stride)
                #expect(
                  ceil.extent == brute.0 && ceil.droppedLastWindow == brute.1,
                  "in \(input) k \(kernel) d \(dilation) s \(stride) p \(before):\(after)")
                checked += 1
              }
            }
          }
        }
      }
    }
    #expect(checked > 15_000)
  }

  @Test func windowLargerThanInputHasNoExtent() throws {
    #expect(try WindowArithmetic.floorExtent(input: 4, before: 0, after: 0, dilatedKernel: 5, stride: 1) == nil)
    #expect(try WindowArithmetic.ceilExtent(input: 4, before: 0, after: 0, dilatedKernel: 5, stride: 1) == nil)
  }

  /// TensorFlow SAME: out = ceil(in/s) and the padding makes the windows fit exactly, with the odd
  /// element at the end (checked by placing the windows).
  @Test func samePaddingCoversTheInput() throws {
    for input in 1...40 {
      for span in 1...9 {
        for stride in 1...4 {
          let same = try WindowArithmetic.samePadding(input: input, dilatedKernel: span, stride: stride)
          #expect(same.extent == (input + stride - 1) / stride)
          #expect(same.after - same.before == 0 || same.after - same.before == 1)
          #expect(
            Self.bruteFloor(input: input, before: same.before, after: same.after, span: span, stride: stride)
              == same.extent)
        }
      }
    }
  }

  /// Transposed convolution inverts the floor-mode convolution when output padding restores the
  /// remainder: conv(deconv(x)) has x's extent (PyTorch's ConvTranspose docs).
  @Test func transposedInvertsConvolution() throws {
    for input in 1...20 {
      for kernel in 1...5 {
        for stride in 1...3 {
          for pad in 0...2 where pad < kernel {
            for outputPadding in 0..<stride {
              let out = try WindowArithmetic.transposedExtent(
                input: input, before: pad, after: pad, dilatedKernel: kernel,
                stride: stride, outputPadding: outputPadding)
              guard out >= kernel - 2 * pad, out >= 1 else { continue }
              let back = try WindowArithmetic.floorExtent(
                input: out, before: pad, after: pad, dilatedKernel: kernel, stride: stride)
              #expect(back == input)
            }
          }
        }
      }
    }
  }

  /// PyTorch's adaptive windows cover the input and are as in aten's `start_index`/`end_index`.
  @Test func adaptiveWindows() {
    #expect(WindowArithmetic.adaptiveWindow(index: 0, input: 10, output: 3) == 0..<4)
    #expect(WindowArithmetic.adaptiveWindow(index: 1, input: 10, output: 3) == 3..<7)
    #expect(WindowArithmetic.adaptiveWindow(index: 2, input: 10, output: 3) == 6..<10)
    #expect(WindowArithmetic.adaptiveWindow(index: 0, input: 2, output: 4) == 0..<1)
    #expect(WindowArithmetic.adaptiveWindow(index: 3, input: 2, output: 4) == 1..<2)
  }
}
