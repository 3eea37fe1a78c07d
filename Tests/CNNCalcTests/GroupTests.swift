import CNNCalc
import CNNGraph
import CNNSpec
import Testing

/// A label names its chain as a group: counts are the members' sums, shape and field the output's.
@Suite struct GroupTests {
  func diagnostics(_ text: String) throws -> [Diagnostic] {
    try analyze(text).diagnostics.filter { $0.code == .expectFailed || $0.code == .expectNotEvaluated }
  }

  /// docs/spec-format.md's example: AlexNet's conv1 has 96·3·11·11 + 96 = 34,944 parameters; its
  /// ReLU none. Output (227 − 11)/4 + 1 = 55.
  @Test func aLabelSumsItsChain() throws {
    let text = """
      input x 3x227x227
      conv1: conv 96 k11 s4 | relu
      expect conv1 params 34944
      expect conv1 96x55x55
      expect conv1 rf 11 jump 4
      expect conv1.conv params 34944
      expect conv1.relu params 0
      """
    #expect(try diagnostics(text).isEmpty)
  }

  /// A chain with batch norm: conv 8·3·9 + 8 = 224, bn 2·8 = 16 params and 16 buffers; the group's
  /// MACs are the convolution's 6·6·8·27 = 7,776.
  @Test func sumsIncludeEveryMember() throws {
    let text = """
      input x 3x8x8
      b: conv 8 k3 | bn | relu
      expect b params 240
      expect b buffers 16
      expect b macs 7776
      expect b params 239
      """
    let found = try diagnostics(text)
    #expect(found.count == 1)
    #expect(found.first?.message.contains("b params") == true)
  }

  /// A label on a block call, and a label inside a block: two blocks of conv 4·4·1 + 4 = 20 and
  /// bn 8 params; `s.0.c` is one block's conv-bn chain, 28.
  @Test func blockCallsAndLabelsInsideBlocks() throws {
    let text = """
      input x 4x4x4
      block unit()
        c: conv 4 k1 | bn
        relu
      end
      s: unit() * 2
      expect s params 56
      expect s.0.c params 28
      expect s.0.c.conv params 20
      """
    #expect(try diagnostics(text).isEmpty)
  }
}
