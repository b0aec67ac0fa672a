// The editor keys every long text field shares: words, undo / redo, whole-text moves, display-row
// Home / End, emoji, and re-wrapping only what changed.
import XCTest
@testable import CaseloadViewModels

final class EditorTests: XCTestCase {
    private func typed(_ text: String, into area: inout TextArea) {
        for c in text { _ = area.handle(c == "\n" ? .enter : .char(c)) }
    }

    private func cursor(_ a: TextArea, width: Int = 40, height: Int = 10) -> Point? {
        var b = ScreenBuffer(size: Size(width: width, height: height))
        a.render(into: &b, x: 0, y: 0, width: width, height: height)
        return b.cursor
    }

    func testUndoTakesBackAWordAtATimeAndRedoPutsItBack() {
        var a = TextArea(width: 40)
        typed("Client reports cravings", into: &a)
        XCTAssertEqual(a.undo(), .edited)
        XCTAssertEqual(a.text, "Client reports")
        _ = a.handle(.ctrl("z"))
        XCTAssertEqual(a.text, "Client")
        _ = a.handle(.ctrl("y"))
        XCTAssertEqual(a.text, "Client reports")
        _ = a.handle(.ctrl("z")); _ = a.handle(.ctrl("z"))
        XCTAssertEqual(a.text, "")
        XCTAssertEqual(a.handle(.ctrl("z")), .refused("Nothing to undo."))
        // A new edit after undo drops what could have been redone.
        typed("x", into: &a)
        XCTAssertEqual(a.handle(.ctrl("y")), .refused("Nothing to redo."))
    }

    func testUndoAfterAResizeWrapsAtTheNewWidth() {
        // Typed at 40 columns, the terminal narrowed to 20, then undo: the text must wrap at 20, as a fresh
        // field with the same text does (the undo step remembered rows made for 40 columns).
        var a = TextArea(width: 40, height: 10)
        // A first line that wraps alike at both widths, a second that does not.
        typed("Short.\nZoë Ñúñez 李 reports steady mornings since the dose change and", into: &a)
        typed(" sleeps", into: &a)
        a.resize(width: 20, height: 10)
        XCTAssertEqual(a.undo(), .edited)
        let fresh = TextArea(text: a.text, width: 20, height: 10)
        var got = ScreenBuffer(size: Size(width: 20, height: 10)), want = got
        a.render(into: &got, x: 0, y: 0, width: 20, height: 10)
        fresh.render(into: &want, x: 0, y: 0, width: 20, height: 10)
        XCTAssertEqual(got.text, want.text)
        XCTAssertTrue(got.text.split(separator: "\n").count > 2, "the text takes several rows at 20 columns")
    }

    func testUndoRestoresPastesLineJoinsAndTheCursor() {
        var a = TextArea(text: "one\ntwo", width: 40)
        _ = a.handle(.paste("Zoë Ñúñez 李\r\nsecond line"))
        XCTAssertEqual(a.text, "one\ntwoZoë Ñúñez 李\nsecond line")
        _ = a.handle(.ctrl("z"))
        XCTAssertEqual(a.text, "one\ntwo", "a paste undoes as one step")
        XCTAssertEqual(cursor(a), Point(x: 3, y: 1))
        _ = a.handle(.ctrlHome); _ = a.handle(.down)
        _ = a.handle(.backspace)
        XCTAssertEqual(a.text, "onetwo")
        _ = a.handle(.ctrl("z"))
        XCTAssertEqual(a.text, "one\ntwo")
        XCTAssertEqual(a.lines.count, 2)
        // Backspaces in a row undo together.
        _ = a.handle(.ctrlEnd)
        _ = a.handle(.backspace); _ = a.handle(.backspace)
        XCTAssertEqual(a.text, "one\nt")
        _ = a.handle(.ctrl("z"))
        XCTAssertEqual(a.text, "one\ntwo")
    }

    func testWordMovementCrossesPunctuationAndLineBreaks() {
        var a = TextArea(text: "Denies use — says: \"I'm okay\".\nNext step", width: 60)
        _ = a.handle(.ctrlHome)
        XCTAssertEqual(a.column, 0)
        _ = a.handle(.ctrlRight)
        XCTAssertEqual(a.column, 6, "to the end of “Denies”")
        _ = a.handle(.ctrlRight); _ = a.handle(.ctrlRight)
        XCTAssertEqual(a.column, 17, "past the dash to the end of “says”")
        _ = a.handle(.alt("f"))
        XCTAssertEqual(a.column, 23, "I'm is one word")
        _ = a.handle(.ctrlRight); _ = a.handle(.ctrlRight)
        XCTAssertEqual([a.line, a.column], [1, 4], "on over the line break to “Next”")
        _ = a.handle(.ctrlLeft)
        XCTAssertEqual([a.line, a.column], [1, 0])
        _ = a.handle(.alt("b"))
        XCTAssertEqual([a.line, a.column], [0, 24], "back to the start of “okay”")
        _ = a.handle(.ctrlEnd)
        XCTAssertEqual([a.line, a.column], [1, 9])
    }

    func testDeletingWordsBackAndForward() {
        var a = TextArea(text: "takes naloxone home", width: 40)
        _ = a.handle(.ctrl("w"))
        XCTAssertEqual(a.text, "takes naloxone ")
        _ = a.handle(.altBackspace)
        XCTAssertEqual(a.text, "takes ")
        _ = a.handle(.ctrl("z"))
        XCTAssertEqual(a.text, "takes naloxone ")
        _ = a.handle(.ctrlHome)
        _ = a.handle(.alt("d"))
        XCTAssertEqual(a.text, " naloxone ")
        // At the start of a line, Ctrl-W joins it to the word before, as Backspace would.
        var b = TextArea(text: "first\nsecond", width: 40)
        _ = b.handle(.ctrlEnd); _ = b.handle(.home)
        _ = b.handle(.ctrl("w"))
        XCTAssertEqual(b.text, "second")
    }

    func testHomeAndEndWorkOnTheDisplayRowThenTheLine() {
        var a = TextArea(text: "alpha beta gamma delta", width: 12, height: 5)
        // Rows: "alpha beta " / "gamma delta"; the cursor is at the very end.
        _ = a.handle(.home)
        XCTAssertEqual(a.column, 11, "Home goes to the start of the row")
        _ = a.handle(.home)
        XCTAssertEqual(a.column, 0, "again: the start of the line")
        _ = a.handle(.end)
        XCTAssertEqual(a.column, 10, "End stops at the end of the first row")
        _ = a.handle(.end)
        XCTAssertEqual(a.column, 22, "again: the end of the line")
    }

    func testEmojiWithModifiersAndJoinersAreOneCharacterOfTwoCells() {
        var a = TextArea(width: 20)
        typed("ok 👍🏽 👩‍👩‍👧", into: &a)
        XCTAssertEqual(a.lines[0].count, 6, "skin tone and family are one character each")
        XCTAssertEqual(cursor(a, width: 20, height: 2), Point(x: 3 + 2 + 1 + 2, y: 0))
        _ = a.handle(.backspace)
        XCTAssertEqual(a.text, "ok 👍🏽 ", "Backspace removes the whole family emoji")
        _ = a.handle(.ctrl("z"))
        XCTAssertEqual(a.text, "ok 👍🏽 👩‍👩‍👧")
    }

    func testEditsKeepTheWrappedRowsEqualToAFreshLayout() {
        // The editor re-wraps only the lines an edit touched; the result must equal wrapping it all again.
        var a = TextArea(width: 17, height: 6)
        let words = ["Zoë", "Ñúñez", "李小龍", "reports", "less", "craving", "🙂", "and", "steady", "dosing."]
        var rng = SystemRandomNumberGenerator()
        for i in 0..<400 {
            let choice = Int.random(in: 0..<10, using: &rng)
            switch choice {
            case 0: _ = a.handle(.enter)
            case 1: _ = a.handle(.backspace)
            case 2: _ = a.handle(.ctrl("w"))
            case 3: _ = a.handle(.up)
            case 4: _ = a.handle(.ctrlLeft)
            case 5: _ = a.handle(.ctrl("z"))
            case 6: _ = a.handle(.paste(words.shuffled().prefix(3).joined(separator: " ") + "\n"))
            default: typed(words[i % words.count] + " ", into: &a)
            }
            let fresh = TextArea(text: a.text, width: 17, height: 6)
            XCTAssertEqual(a.layout(width: 17), fresh.layout(width: 17), "after step \(i)")
        }
    }

    func testTwoThousandWordNoteKeepsEveryCharacter() {
        let words = (0..<2000).map { i in ["client", "Zoë", "李", "cravings", "naloxone", "🙂"][i % 6] }
        let text = stride(from: 0, to: words.count, by: 12).map { words[$0..<min($0 + 12, words.count)].joined(separator: " ") }
            .joined(separator: "\n")
        var a = TextArea(width: 76, height: 18)
        _ = a.handle(.paste(text))
        XCTAssertEqual(a.text, text)
        typed(" more", into: &a)
        XCTAssertEqual(a.text, text + " more")
        XCTAssertEqual(cursor(a, width: 76, height: 18)?.y, 17, "the cursor row stays in view at the bottom")
    }
}
