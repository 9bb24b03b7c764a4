import Testing

@testable import AdvizOutput

/// `characterCount` and `visibleWidth` share one fast path (the usual characters of a trace)
/// and keep their own fallbacks (`count`; grapheme clusters without escape codes): these are the
/// numbers both gave before they shared it, pinned, over every kind of text a table meets.
@Suite struct TextWidthTests {
    /// (text, characterCount, visibleWidth), as the two separate loops counted them.
    static let pinned: [(String, Int, Int)] = [
        // ASCII and the trace's own characters, combining marks included.
        ("", 0, 0),
        ("x1 = 2.303", 10, 10),
        ("v̄₋₁ = v̄₁·∂v₁/∂v₋₁", 17, 17),
        ("ẋ1", 2, 2),
        ("e\u{0301}\u{0302}", 1, 1),
        ("R² → R¹", 7, 7),
        // A combining mark with no base before it: the fallbacks count it as a character.
        ("\u{0304}x", 2, 2),
        // Wide CJK and emoji: one per character (not two terminal cells), as before.
        ("漢字 ok", 5, 5),
        ("👍🏽 ok", 4, 4),
        ("👩‍👩‍👧 ✓", 3, 3),
        ("a\r\nb", 3, 3),
        ("\t", 1, 1),
        // ANSI escapes: counted as characters by characterCount, skipped by visibleWidth, on the
        // fast path and on the fallback alike.
        ("\u{1B}[1mv̄\u{1B}[0m", 9, 1),
        ("\u{1B}[1;33mwarning\u{1B}[0m: ∂", 21, 10),
        ("\u{1B}[1m漢\u{1B}[0m", 9, 1),
        ("\u{1B}[2m👍🏽\u{1B}[0m ok", 12, 4),
    ]

    @Test(arguments: pinned.indices)
    func widthsAreWhatTheyWere(index: Int) {
        let (text, characters, visible) = Self.pinned[index]
        #expect(text.characterCount == characters, "characterCount of \(text.debugDescription)")
        #expect(text.visibleWidth == visible, "visibleWidth of \(text.debugDescription)")
    }

    /// Without escape codes the two agree with each other and with `count`.
    @Test func withoutEscapesBothAreTheCount() {
        for (text, _, _) in Self.pinned where !text.contains("\u{1B}") {
            #expect(text.characterCount == text.count, "\(text.debugDescription)")
            #expect(text.visibleWidth == text.count, "\(text.debugDescription)")
        }
    }
}
