// Attendance-sheet reducer: each action against the whole state that should follow it.
import XCTest
import CaseloadCore
@testable import CaseloadViewModels

final class GroupSheetReducerTests: XCTestCase {
    static let names = ["Ñúñez, Zoë", "Okafor, Amaka", "Rene\u{301}, José", "李, 雷", "Søndergaard, Freja"]

    func sheet(signed: Bool = false) -> SheetState {
        let session = GroupSession(id: 900, groupID: 7, date: Fixtures.today, startMinute: 600, minutes: 90,
                                   topic: "Triggers", note: "Line one\nLine two", status: .scheduled,
                                   signedAt: signed ? Date(timeIntervalSince1970: 1_772_000_000) : nil,
                                   signedByID: signed ? 1 : nil, revision: 3)
        let group = CounselingGroup(id: 7, name: "Early Recovery", modalityID: 1, weekday: 0, startMinute: 600,
                                    minutes: 90, room: "B", isOpen: true, capacity: 12)
        let lines = Self.names.enumerated().map { i, n in
            AttendanceSheet.Line(clientID: RowID(100 + i), clientName: n, mrn: "M0000\(i)", attendance: nil)
        }
        return SheetState(sheet: AttendanceSheet(session: session, group: group, facilitatorIDs: [1], lines: lines),
                          area: Fixtures.area80)
    }

    func attendance(_ client: RowID, _ status: AttendanceStatus, _ minutes: Int, line: String = "") -> Attendance {
        Attendance(groupSessionID: 900, clientID: client, status: status, minutes: minutes, line: line)
    }

    func testPresentMarksTheSelectedMemberWithTheGroupLengthAndMovesOn() {
        var s = sheet()
        let r = SheetScreen.reduce(&s, .command(.markPresent))
        var expected = sheet()
        expected.sheet.lines[0].attendance = attendance(100, .present, 90)
        expected.cursor.select(1)
        XCTAssertEqual(s, expected)
        XCTAssertEqual(r, .mark(sessionID: 900, clientID: 100, status: .present, minutes: 90, line: nil, expectedRevision: 0))
    }

    func testAbsentThenAllPresentMarksOnlyTheUnmarked() {
        var s = sheet()
        _ = SheetScreen.reduce(&s, .command(.moveDown))
        XCTAssertEqual(SheetScreen.reduce(&s, .command(.markAbsent)),
                       .mark(sessionID: 900, clientID: 101, status: .absent, minutes: 0, line: nil, expectedRevision: 0))
        let r = SheetScreen.reduce(&s, .command(.markAllPresent))
        XCTAssertEqual(r, .markMany(sessionID: 900, clientIDs: [100, 102, 103, 104], status: .present, minutes: 90))
        var expected = sheet()
        expected.cursor.select(2)
        for (i, id) in (100...104).enumerated() {
            expected.sheet.lines[i].attendance = id == 101 ? attendance(101, .absent, 0) : attendance(RowID(id), .present, 90)
        }
        XCTAssertEqual(s, expected)
        XCTAssertEqual(SheetScreen.reduce(&s, .command(.markAllPresent)), .message("Everyone is already marked.", .info))
    }

    func testLateAsksForMinutesPrefilledWithTheLengthAndEnterAccepts() {
        var s = sheet()
        XCTAssertEqual(SheetScreen.reduce(&s, .command(.markLate)), Request.none)
        var asking = sheet()
        asking.prompt = ScreenPrompt(.minutes(clientID: 100, status: .late), "Late: minutes attended (1-90)? ", text: "90",
                                     selected: true)
        XCTAssertEqual(s, asking, "nothing is marked before the minutes are given")
        let r = SheetScreen.reduce(&s, .promptKey(.enter))
        var expected = sheet()
        expected.sheet.lines[0].attendance = attendance(100, .late, 90)
        expected.cursor.select(1)
        XCTAssertEqual(s, expected)
        XCTAssertEqual(r, .mark(sessionID: 900, clientID: 100, status: .late, minutes: 90, line: nil, expectedRevision: 0))
    }

    func testLeftEarlyWithTypedMinutesAndBadMinutesKeepThePrompt() {
        var s = sheet()
        _ = SheetScreen.reduce(&s, .command(.markLeftEarly))
        // The prefilled length is selected: what is typed replaces it (not "9045x").
        for c in "45x" { _ = SheetScreen.reduce(&s, .promptKey(.char(c))) }
        XCTAssertEqual(s.prompt?.editor.text, "45x")
        XCTAssertEqual(SheetScreen.reduce(&s, .promptKey(.enter)),
                       .message("Minutes attended are a whole number from 1 to 90, the session's length.", .error))
        XCTAssertNotNil(s.prompt, "the prompt stays for a correction")
        XCTAssertNil(s.sheet.lines[0].attendance)
        _ = SheetScreen.reduce(&s, .promptKey(.backspace))
        XCTAssertEqual(SheetScreen.reduce(&s, .promptKey(.enter)),
                       .mark(sessionID: 900, clientID: 100, status: .leftEarly, minutes: 45, line: nil, expectedRevision: 0))
        XCTAssertNil(s.prompt)
        XCTAssertEqual(s.sheet.lines[0].attendance, attendance(100, .leftEarly, 45))
        // More than the session's length, or none, is not an attendance.
        for typed in ["91", "0", "200"] {
            var t = sheet()
            _ = SheetScreen.reduce(&t, .command(.markLate))
            for c in typed { _ = SheetScreen.reduce(&t, .promptKey(.char(c))) }
            XCTAssertEqual(SheetScreen.reduce(&t, .promptKey(.enter)),
                           .message("Minutes attended are a whole number from 1 to 90, the session's length.", .error), typed)
            XCTAssertNil(t.sheet.lines[0].attendance, typed)
        }
    }

    func testLineNeedsAMarkThenSavesWithTheSameStatus() {
        var s = sheet()
        XCTAssertEqual(SheetScreen.reduce(&s, .command(.memberLine)),
                       .message("Mark Ñúñez, Zoë first (p a e l o), then write the line.", .info))
        _ = SheetScreen.reduce(&s, .command(.markExcused))
        _ = SheetScreen.reduce(&s, .command(.moveUp))
        _ = SheetScreen.reduce(&s, .command(.memberLine))
        XCTAssertEqual(s.prompt?.label, "Line for Ñúñez, Zoë: ")
        for c in "Sick; called ahead 李" { _ = SheetScreen.reduce(&s, .promptKey(.char(c))) }
        let r = SheetScreen.reduce(&s, .promptKey(.enter))
        XCTAssertEqual(r, .mark(sessionID: 900, clientID: 100, status: .excused, minutes: 0, line: "Sick; called ahead 李",
                          expectedRevision: 1), "the line goes with the revision of the mark it belongs to")
        var expected = sheet()
        expected.sheet.lines[0].attendance = attendance(100, .excused, 0, line: "Sick; called ahead 李")
        XCTAssertEqual(s, expected)
    }

    func testAMarkSomeoneElseMadeFirstAsksReloadOrOverwriteOnThatMember() {
        var s = sheet()
        _ = SheetScreen.reduce(&s, .command(.markPresent))     // Ñúñez: the store says Pat marked her first
        var theirs = sheet().sheet
        theirs.lines[0].attendance = attendance(100, .absent, 0)
        _ = SheetScreen.reduce(&s, .loaded(theirs))
        let c = EditConflict(what: "The attendance mark of Ñúñez, Zoë", changedBy: "Pat Facilitator",
                             changedAt: Date(timeIntervalSince1970: 1_772_442_120))
        XCTAssertEqual(SheetScreen.reduce(&s, .markConflict(c, clientID: 100, status: .present, minutes: 90, line: nil)),
                       Request.none)
        var asking = sheet()
        asking.sheet = theirs
        asking.prompt = ScreenPrompt(.markConflict(c, clientID: 100, status: .present, minutes: 90, line: nil),
                                     "Ñúñez, Zoë marked by Pat Facilitator at 09:02: r reload / o overwrite")
        XCTAssertEqual(s, asking, "the selection goes back to that member; their mark shows")
        var overwrite = s
        XCTAssertEqual(SheetScreen.reduce(&overwrite, .promptKey(.char("o"))),
                       .mark(sessionID: 900, clientID: 100, status: .present, minutes: 90, line: nil, expectedRevision: nil))
        XCTAssertNil(overwrite.prompt)
        var reload = s
        XCTAssertEqual(SheetScreen.reduce(&reload, .promptKey(.char("r"))), .reloadSheet(sessionID: 900))
        XCTAssertNil(reload.prompt)
        var esc = s
        XCTAssertEqual(SheetScreen.reduce(&esc, .promptKey(.escape)), .reloadSheet(sessionID: 900), "Esc keeps theirs")
        XCTAssertEqual(SheetScreen.reduce(&s, .promptKey(.char("x"))), Request.none, "other keys leave the question open")
        XCTAssertNotNil(s.prompt)
    }

    func testAMarkedMemberIsMarkedAgainWithTheRevisionTheSheetShowed() {
        var s = sheet()
        s.sheet.lines[0].attendance = Attendance(groupSessionID: 900, clientID: 100, status: .absent, minutes: 0, revision: 4)
        XCTAssertEqual(SheetScreen.reduce(&s, .command(.markPresent)),
                       .mark(sessionID: 900, clientID: 100, status: .present, minutes: 90, line: nil, expectedRevision: 4))
    }

    func testNoteIsWrittenInAMultiLinePanelAndSavedWithRealLineBreaks() {
        var s = sheet()
        _ = SheetScreen.reduce(&s, .command(.editGroupNote))
        XCTAssertNil(s.prompt)
        XCTAssertEqual(s.noteEditor?.text.text, "Line one\nLine two")
        for k: Key in [.enter, .char("T"), .paste("hree\r\nFour ñ")] { _ = SheetScreen.reduce(&s, .promptKey(k)) }
        XCTAssertEqual(SheetScreen.reduce(&s, .promptKey(.ctrl("s"))),
                       .saveGroupNote(sessionID: 900, topic: "Triggers", note: "Line one\nLine two\nThree\nFour ñ",
                                      expectedRevision: 3))
        XCTAssertNil(s.noteEditor)
    }

    func testSignAsksThenSignedSheetRefusesEveryChange() {
        var s = sheet()
        // Members not marked: no signature is offered until each is marked or recorded as not recorded.
        XCTAssertEqual(SheetScreen.reduce(&s, .command(.signSession)),
                       .message("5 members not marked: mark them (A: all present), or N: not recorded.", .warning))
        XCTAssertNil(s.prompt)
        _ = SheetScreen.reduce(&s, .command(.markPresent))
        XCTAssertEqual(SheetScreen.reduce(&s, .command(.markRestNotRecorded)),
                       .markMany(sessionID: 900, clientIDs: [101, 102, 103, 104], status: .notRecorded, minutes: 0))
        XCTAssertEqual(s.sheet.lines.compactMap(\.attendance?.status), [.present] + Array(repeating: .notRecorded, count: 4))
        let marked = s
        _ = SheetScreen.reduce(&s, .command(.signSession))
        XCTAssertEqual(s.prompt?.label, "Sign this session? It cannot be changed afterwards. (y/n)")
        XCTAssertEqual(SheetScreen.reduce(&s, .promptKey(.char("n"))), .message("Not signed. The session stays open.", .info))
        XCTAssertEqual(s, marked, "n leaves everything as it was")
        _ = SheetScreen.reduce(&s, .command(.signSession))
        XCTAssertEqual(SheetScreen.reduce(&s, .promptKey(.char("y"))), .signSession(sessionID: 900))

        var signed = sheet(signed: true)
        for c: Command in [.markPresent, .markAbsent, .markExcused, .markLate, .markLeftEarly, .markAllPresent,
                           .memberLine, .editTopic, .editGroupNote, .signSession] {
            XCTAssertEqual(SheetScreen.reduce(&signed, .command(c)),
                           .message("This session is signed; the sheet is read-only.", .warning), "\(c)")
        }
        XCTAssertEqual(signed, sheet(signed: true))
        XCTAssertEqual(SheetScreen.reduce(&signed, .command(.moveDown)), Request.none, "reading still moves")
        XCTAssertEqual(signed.cursor.selected, 1)
    }

    func testConflictOffersReloadOrOverwrite() {
        var s = sheet()
        let c = EditConflict(what: "The group note", changedBy: "Ingrid López", changedAt: Date(timeIntervalSince1970: 1_772_442_000))
        _ = SheetScreen.reduce(&s, .conflict(c, topic: "Mine", note: "My note"))
        XCTAssertEqual(s.prompt?.label, "Note changed by Ingrid López at 2026-03-02 09:00: r reload / o overwrite")
        var other = s
        XCTAssertEqual(SheetScreen.reduce(&s, .promptKey(.char("r"))), .reloadSheet(sessionID: 900))
        XCTAssertNil(s.prompt)
        XCTAssertEqual(SheetScreen.reduce(&other, .promptKey(.char("o"))),
                       .saveGroupNote(sessionID: 900, topic: "Mine", note: "My note", expectedRevision: nil))
    }

    func testReloadKeepsThePlaceAndShowsOthersMarks() {
        var s = sheet()
        _ = SheetScreen.reduce(&s, .command(.markPresent))
        var fresh = sheet().sheet
        fresh.lines[0].attendance = attendance(100, .present, 90)
        fresh.lines[4].attendance = attendance(104, .absent, 0)
        _ = SheetScreen.reduce(&s, .loaded(fresh))
        XCTAssertEqual(s.cursor.selected, 1)
        XCTAssertEqual(s.sheet, fresh)
    }
}
