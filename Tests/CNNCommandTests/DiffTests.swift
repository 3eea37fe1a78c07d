import Foundation
import Testing

/// `cnncalc diff` (issue 11, item 9): the new version's warnings, and rows that show what changed.
@Suite(.serialized) struct DiffTests {
  /// Writes two specs and runs `diff OLD NEW` with `arguments`.
  func diff(_ old: String, _ new: String, _ arguments: [String] = []) throws -> (
    code: Int32, out: String, error: String
  ) {
    let folder = try temporaryFolder()
    let oldURL = folder.appendingPathComponent("old.cnn")
    let newURL = folder.appendingPathComponent("new.cnn")
    try old.write(to: oldURL, atomically: true, encoding: .utf8)
    try new.write(to: newURL, atomically: true, encoding: .utf8)
    return run(["diff", oldURL.path, newURL.path] + arguments)
  }

  /// Widening `a` from k3 p1 to k5 p2 keeps every shape; `b` is unchanged itself but its field grows
  /// from 3 + 2 = 5 to 5 + 2 = 7 (r = r′ + (k − 1)·j′ with j′ = 1). The row must show 5 and 7, not
  /// two identical cells.
  @Test func fieldOnlyChangeShowsTheField() throws {
    let result = try diff(
      "input x 1x16x16\na: conv 4 k3 p1\nb: conv 4 k3 p1\n", "input x 1x16x16\na: conv 4 k5 p2\nb: conv 4 k3 p1\n")
    #expect(result.code == 0, "\(result.error)")
    let row = try #require(result.out.split(separator: "\n").first { $0.hasPrefix("| b ") })
    let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(cells[1] == "changed: rf")
    #expect(cells[2] == "conv k3 p1 → 4x16x16, rf 5")
    #expect(cells[3] == "conv k3 p1 → 4x16x16, rf 7")
  }

  /// Every figure of the field that differs is named. `a` k3 s2 p1 → k2 s2 keeps the 8x8 output;
  /// `b` (k3 p1, unchanged) then has r = r′ + (k − 1)·j′ = 3 + 2·2 = 7 before and 2 + 2·2 = 6 after,
  /// jump 2 both times, and its first field's centre moves from 0 to 1/2 (the k2 window over
  /// pixels 0 and 1; Araujo et al. 2019, start = start′ + ((k − 1)/2 − p)·j′).
  @Test func sizeAndStartChangesAreBothNamed() throws {
    let result = try diff(
      "input x 1x16x16\na: conv 4 k3 s2 p1\nb: conv 4 k3 p1\n", "input x 1x16x16\na: conv 4 k2 s2\nb: conv 4 k3 p1\n")
    let row = try #require(result.out.split(separator: "\n").first { $0.hasPrefix("| b ") })
    let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(cells[1] == "changed: rf")
    #expect(cells[2] == "conv k3 p1 → 4x8x8, rf 7, start 0")
    #expect(cells[3] == "conv k3 p1 → 4x8x8, rf 6, start 1/2")
  }

  /// A layer whose field is `whole` in both versions (after global pooling) is not a change, even
  /// when the layers before it changed their fields.
  @Test func wholeFieldsAreNotChanges() throws {
    let result = try diff(
      "input x 1x16x16\na: conv 4 k1\nb: maxpool k2 s2\ng: gap\n",
      "input x 1x16x16\na: conv 4 k3 p1\nb: maxpool k2 s2\ng: gap\n")
    #expect(result.code == 0, "\(result.error)")
    #expect(result.out.contains("| b ") && result.out.contains("changed: rf"))
    #expect(!result.out.contains("| g "), "gap's field is whole in both")
  }

  /// The new version's warnings are shown on stderr in full and listed after the totals as new,
  /// kept or gone. 20 − 3 = 17 is odd, so k3 s2 over 20 drops a row and a column; over 21 it fits;
  /// over 22 it drops again (19 is odd).
  @Test func newWarningsAreShownAndSorted() throws {
    let fits = "input x 1x21x21\na: conv 1 k3 s2\n"
    let drops = "input x 1x20x20\na: conv 1 k3 s2\n"
    let dropsToo = "input x 1x22x22\na: conv 1 k3 s2\n"

    let brought = try diff(fits, drops)
    #expect(brought.code == 0)
    #expect(brought.error.contains("new.cnn:2:4: warning: a drops 1 input row and 1 input column"))
    #expect(brought.out.contains("warnings and notes of new: 1 new, 0 kept, 0 gone (since old)"))
    #expect(brought.out.contains("  new: ") && brought.out.contains("new.cnn:2:4: warning: a drops"))

    let mended = try diff(drops, fits)
    #expect(mended.out.contains("0 new, 0 kept, 1 gone"))
    #expect(mended.out.contains("  gone: ") && mended.out.contains("old.cnn:2:4: warning: a drops"))

    let kept = try diff(drops, dropsToo, ["--format", "json"])
    #expect(kept.out.contains("\"status\": \"kept\""))
    #expect(kept.out.contains("\"code\": \"truncation\""))

    let markdown = try diff(fits, drops, ["--format", "markdown"])
    #expect(markdown.out.contains("- **new** warning `truncation` at `"))
  }

  /// Without a warning on either side nothing is added after the totals.
  @Test func cleanVersionsAddNothing() throws {
    let result = try diff("input x 1x21x21\na: conv 1 k3 s2\n", "input x 1x21x21\na: conv 2 k3 s2\n")
    #expect(!result.out.contains("warnings and notes"))
    #expect(result.error.isEmpty)
  }
}
