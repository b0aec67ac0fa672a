// The multi-line text field, and the group note written with it on the attendance sheet of a real store.
import Foundation
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class TextAreaTests: XCTestCase {
    private func typed(_ text: String, into area: inout TextArea) {
        for c in text { XCTAssertEqual(area.handle(.char(c)), .edited) }
    }

    /// The frame a user would see in a w×h box at the top-left, plus the cursor.
    private func draw(_ area: TextArea, width: Int, height: Int) -> ScreenBuffer {
        var b = ScreenBuffer(size: Size(width: width + 2, height: height))
        area.render(into: &b, x: 1, y: 0, width: width, height: height)
        return b
    }

    func testTypingAndEnterMakeLines() {
        var a = TextArea()
        typed("Check-in", into: &a)
        _ = a.handle(.enter)
        typed("Zoë: cravings 李", into: &a)
        XCTAssertEqual(a.text, "Check-in\nZoë: cravings 李")
        XCTAssertEqual(a.lines.count, 2)
        XCTAssertEqual(a.count, 24)
        let b = draw(a, width: 30, height: 3)
        XCTAssertEqual(b.line(0), " Check-in")
        XCTAssertEqual(b.line(1), " Zoë: cravings 李")
        // "Zoë: cravings " is 14 columns, 李 two more: the cursor sits after it.
        XCTAssertEqual(b.cursor, Point(x: 1 + 16, y: 1))
    }

    func testBackspaceAtLineStartJoinsWithThePreviousLine() {
        var a = TextArea(text: "one\ntwo")
        _ = a.handle(.home)
        XCTAssertEqual(a.handle(.backspace), .edited)
        XCTAssertEqual(a.text, "onetwo")
        _ = a.handle(.char("-"))
        XCTAssertEqual(a.text, "one-two", "the cursor stays at the join")
        _ = a.handle(.ctrl("a"))
        XCTAssertEqual(a.handle(.backspace), .moved, "nothing before the start")
        XCTAssertEqual(a.text, "one-two")
    }

    func testDeleteAtLineEndJoinsTheNextLine() {
        var a = TextArea(text: "first\nsecond\nthird")
        _ = a.handle(.up); _ = a.handle(.up); _ = a.handle(.end)
        XCTAssertEqual(a.handle(.delete), .edited)
        XCTAssertEqual(a.text, "firstsecond\nthird")
        _ = a.handle(.down); _ = a.handle(.ctrl("e"))
        _ = a.handle(.delete)
        XCTAssertEqual(a.text, "firstsecond\nthird", "Delete at the very end changes nothing")
    }

    func testLeftAndRightCrossLineBreaks() {
        var a = TextArea(text: "ab\ncd")
        _ = a.handle(.home); _ = a.handle(.left)
        _ = a.handle(.char("X"))
        XCTAssertEqual(a.text, "abX\ncd")
        _ = a.handle(.right); _ = a.handle(.char("Y"))
        XCTAssertEqual(a.text, "abX\nYcd")
    }

    func testSeveralKilobytePasteArrivesIntact() {
        var lines: [String] = []
        for i in 1...120 { lines.append("Line \(i): Zoë Ñúñez 李 said the group helped; e\u{301} ok\tend") }
        let expected = lines.joined(separator: "\n")
        XCTAssertGreaterThan(expected.utf8.count, 6_000)
        var a = TextArea(text: "Before ", width: 40, height: 8)
        // Terminals paste Windows text with CRLF and old Mac text with CR; both are line breaks.
        let pasted = lines.prefix(60).joined(separator: "\r\n") + "\r" + lines.dropFirst(60).joined(separator: "\n")
        XCTAssertEqual(a.handle(.paste(pasted)), .edited)
        XCTAssertEqual(a.text, "Before " + expected)
        XCTAssertEqual(a.lines.count, 120)
        // The cursor ends after the paste, on screen.
        let b = draw(a, width: 40, height: 8)
        XCTAssertEqual(b.cursor?.y, 7)
        XCTAssertTrue(b.line(7).hasSuffix("end"), b.line(7))
    }

    func testControlCharactersInAPasteAreDroppedButTabsKept() {
        var a = TextArea()
        _ = a.handle(.paste("re\u{1B}\u{07}\tbell\u{0}\u{9B}2J"))
        XCTAssertEqual(a.text, "re\tbell2J")
        let b = draw(a, width: 20, height: 1)
        XCTAssertEqual(b.line(0), " re  bell2J", "the tab runs to the next 4-column stop")
    }

    func testWideCharactersAndCombiningMarks() {
        var a = TextArea(width: 20)
        typed("李王", into: &a)
        XCTAssertEqual(draw(a, width: 20, height: 1).cursor, Point(x: 1 + 4, y: 0), "CJK takes two cells each")
        _ = a.handle(.left)
        XCTAssertEqual(draw(a, width: 20, height: 1).cursor, Point(x: 1 + 2, y: 0))
        _ = a.handle(.end)
        // A combining acute typed after its base joins it: one character, one cell.
        typed("e", into: &a)
        _ = a.handle(.char("\u{301}"))
        XCTAssertEqual(a.lines[0].count, 3)
        XCTAssertEqual(a.text, "李王e\u{301}")
        XCTAssertEqual(draw(a, width: 20, height: 1).cursor, Point(x: 1 + 5, y: 0))
        _ = a.handle(.backspace)
        XCTAssertEqual(a.text, "李王", "Backspace removes the letter with its accent")
        let b = draw(a, width: 20, height: 1)
        XCTAssertEqual(b[1, 0].text, "李")
        XCTAssertTrue(b[2, 0].isContinuation)
    }

    func testSoftWrapAndUpDownByDisplayRow() {
        var a = TextArea(text: "alpha beta gamma delta", width: 9, height: 5)
        var b = draw(a, width: 9, height: 5)
        XCTAssertEqual((0..<4).map { b.line($0) }, [" alpha", " beta", " gamma", " delta"])
        XCTAssertEqual(b.cursor, Point(x: 1 + 5, y: 3))
        _ = a.handle(.up)
        b = draw(a, width: 9, height: 5)
        XCTAssertEqual(b.cursor, Point(x: 1 + 5, y: 2), "Up moves one display row inside the same line")
        _ = a.handle(.up); _ = a.handle(.up)
        b = draw(a, width: 9, height: 5)
        XCTAssertEqual(b.cursor, Point(x: 1 + 5, y: 0))
        _ = a.handle(.char("!"))
        XCTAssertEqual(a.text, "alpha! beta gamma delta")
        _ = a.handle(.down)
        _ = a.handle(.char("?"))
        XCTAssertEqual(a.text, "alpha! beta? gamma delta", "Down lands on the next row at the same column")
        XCTAssertEqual(a.lines.count, 1, "wrapping never adds line breaks")
    }

    func testWideCharactersWrapWithoutSplitting() {
        let a = TextArea(text: "李李李李李李", width: 5, height: 4)
        let b = draw(a, width: 5, height: 4)
        XCTAssertEqual((0..<3).map { b.line($0) }, [" 李李", " 李李", " 李李"])
        XCTAssertEqual(b.cursor, Point(x: 1 + 4, y: 2))
    }

    func testScrollsToKeepTheCursorRowVisible() {
        var a = TextArea(text: (1...10).map { "row \($0)" }.joined(separator: "\n"), width: 20, height: 3)
        var b = draw(a, width: 20, height: 3)
        XCTAssertEqual((0..<3).map { b.line($0) }, [" row 8", " row 9", " row 10"])
        XCTAssertEqual(b.cursor?.y, 2)
        _ = a.handle(.pageUp); _ = a.handle(.pageUp)
        b = draw(a, width: 20, height: 3)
        XCTAssertEqual(b.line(b.cursor!.y), " row 6", "PgUp moves a page less one row, twice")
        _ = a.handle(.pageDown)
        b = draw(a, width: 20, height: 3)
        XCTAssertEqual(b.line(b.cursor!.y), " row 8")
    }

    func testLengthLimitRefusesWithASentence() {
        var a = TextArea(limit: 10)
        typed("0123456789", into: &a)
        guard case .refused(let why) = a.handle(.char("x")) else { return XCTFail("the 11th character is refused") }
        XCTAssertTrue(why.contains("10 characters"), why)
        var b = TextArea(text: "abc", limit: 20_000)
        guard case .refused(let why2) = b.handle(.paste(String(repeating: "z", count: 20_000))) else {
            return XCTFail("a paste past the limit is refused")
        }
        XCTAssertTrue(why2.contains("20,000"), why2)
        XCTAssertEqual(b.text, "abc", "a refused paste adds nothing")
        XCTAssertEqual(b.handle(.enter), .edited)
    }

    func testAOneMebibytePasteIsRefusedAtOnce() {
        // What the decoder delivers for a 1 MiB paste: refused with the sentence, in well under a second.
        var a = TextArea(text: "abc", limit: 20_000)
        let started = Date()
        guard case .refused(let why) = a.handle(.paste(String(repeating: "lorem ipsum\n", count: (1 << 20) / 12))) else {
            return XCTFail("a 1 MiB paste is refused")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.0)
        XCTAssertTrue(why.contains("20,000"), why)
        XCTAssertEqual(a.text, "abc")
    }
}

/// The group note on the sheet: written in the panel, saved to a real store with real line breaks.
final class GroupNoteEditorTests: XCTestCase {
    func testTwoLineNonASCIINoteIsSavedWithRealLineBreaks() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        let sheet = try GroupDemo.openTodaysSheet(app)
        app.type("w")
        guard case .sheet(let open) = app.current, open.noteEditor != nil else { return XCTFail("w opens the note panel") }
        var frame = app.render()
        XCTAssertTrue((0..<24).contains { frame.line($0).contains("Group note — Ctrl-S save · Esc cancel") })
        // Everything typed goes into the note, even keys that mean something on the sheet.
        app.type("Topic: coping — Zoë Ñúñez 李 led"); app.press(.enter); app.type("pause; A e\u{301}")
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).session.note, "", "nothing saved before Ctrl-S")
        guard case .sheet(let marks) = app.current else { return XCTFail() }
        XCTAssertTrue(marks.sheet.lines.allSatisfy { $0.attendance == nil }, "p and A typed into the note marked nobody")
        assertGolden(frameText(app.render()), "sheet-note-editing-80x24")
        app.press(.ctrl("s"))
        let stored = try store.attendanceSheet(sessionID: sheet.sessionID).session.note
        XCTAssertEqual(stored, "Topic: coping — Zoë Ñúñez 李 led\npause; A e\u{301}")
        XCTAssertEqual(stored.split(separator: "\n").count, 2)
        guard case .sheet(let after) = app.current else { return XCTFail() }
        XCTAssertNil(after.noteEditor, "Ctrl-S closes the panel")
        frame = app.render()
        XCTAssertTrue(frame.text.contains("Topic: coping — Zoë Ñúñez 李 led"))
        XCTAssertTrue(frame.text.contains("pause; A é"), "the sheet shows the note's first lines")
        assertGolden(frameText(frame), "sheet-note-saved-80x24")
    }

    func testAHangUpWhileWritingSavesTheNote() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        let sheet = try GroupDemo.openTodaysSheet(app)
        XCTAssertFalse(app.hasUnsavedChanges)
        app.type("w"); app.type("Half-written — Zoë"); app.press(.enter); app.type("second line")
        XCTAssertTrue(app.hasUnsavedChanges, "a changed note counts as unsaved")
        XCTAssertEqual(app.handle(.hangup), .quit)
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).session.note, "Half-written — Zoë\nsecond line")
    }

    func testEscWithChangesAsksBeforeDiscarding() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        let sheet = try GroupDemo.openTodaysSheet(app)
        app.type("w"); app.type("draft")
        app.press(.escape)
        assertGolden(frameText(app.render()), "sheet-note-discard-80x24")
        app.type("n")
        guard case .sheet(let kept) = app.current else { return XCTFail() }
        XCTAssertEqual(kept.noteEditor?.text.text, "draft", "n keeps writing")
        app.press(.escape); app.type("y")
        guard case .sheet(let gone) = app.current else { return XCTFail() }
        XCTAssertNil(gone.noteEditor)
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).session.note, "")
        // Without changes Esc just closes.
        app.type("w"); app.press(.escape)
        guard case .sheet(let closed) = app.current else { return XCTFail() }
        XCTAssertNil(closed.noteEditor)
    }

    func testEscOnAConflictBringsTheUnsavedTextBack() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        let sheet = try GroupDemo.openTodaysSheet(app)
        let other = try XCTUnwrap(try store.staff(username: "ccounselor"))
        app.type("w"); app.type("Mine, line 1"); app.press(.enter); app.type("línea 2")
        try store.saveGroupNote(sessionID: sheet.sessionID, topic: sheet.sheet.session.topic, note: "Theirs",
                                expectedRevision: sheet.sheet.session.revision, by: other)
        app.press(.ctrl("s"))
        XCTAssertTrue(app.render().line(22).contains("r reload / o overwrite"), app.render().line(22))
        app.press(.escape)
        guard case .sheet(let back) = app.current else { return XCTFail() }
        XCTAssertEqual(back.noteEditor?.text.text, "Mine, line 1\nlínea 2", "nothing typed is lost")
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).session.note, "Theirs")
    }
}
