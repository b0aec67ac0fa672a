// Every yes/no question of the program answers by one rule (YesNo): `y` is yes, any other key is no and closes the
// question. Typing "x z j" before a late "y" must never sign, co-sign, discard or deactivate anything.
import XCTest
import CaseloadCore
@testable import CaseloadViewModels

final class YesNoQuestionTests: XCTestCase {
    /// Keys a person might hit by mistake while a question shows.
    static let strays: [Key] = [.char("x"), .char("z"), .char("j"), .char(" "), .down, .tab, .enter, .char("n"), .escape]

    static func sheet() -> SheetState {
        let session = GroupSession(id: 900, groupID: 7, date: Fixtures.today, startMinute: 600, minutes: 90,
                                   topic: "Triggers", note: "", status: .scheduled)
        let group = CounselingGroup(id: 7, name: "Early Recovery", modalityID: 1, weekday: 0, startMinute: 600,
                                    minutes: 90, room: "B", isOpen: true, capacity: 12)
        // Marked: a session with a member not marked is not offered for signing at all.
        let lines = [AttendanceSheet.Line(clientID: 100, clientName: "Ñúñez, Zoë", mrn: "M1",
                                          attendance: Attendance(groupSessionID: 900, clientID: 100, status: .present, minutes: 90))]
        return SheetState(sheet: AttendanceSheet(session: session, group: group, facilitatorIDs: [1], lines: lines),
                          area: Fixtures.area80)
    }

    static func editor() -> NoteEditorState {
        let now = Date(timeIntervalSince1970: 1_772_000_000)
        let note = ProgressNote(clientID: 42, staffID: 1, date: Fixtures.today, startMinute: 600, minutes: 50,
                                modalityID: 1, format: .individual, template: .dap, sections: ["D", "A", "P"],
                                status: .draft, billingUnits: 3, createdAt: now, updatedAt: now, revision: 0)
        return NoteEditorState(note: note, links: [], clientName: "Ñúñez, Zoë", mrn: "M04242",
                               modalities: [Modality(id: 1, name: "Individual counseling")], plan: nil,
                               area: Fixtures.area80, today: Fixtures.today, settings: ProgramSettings())
    }

    func testTheRule() {
        XCTAssertTrue(YesNo.isYes(.char("y")))
        XCTAssertTrue(YesNo.isYes(.char("Y")))
        for k in Self.strays { XCTAssertFalse(YesNo.isYes(k), "\(k)") }
    }

    func testTheSessionSignQuestion() {
        for stray in Self.strays {
            var s = Self.sheet()
            _ = SheetScreen.reduce(&s, .command(.signSession))
            XCTAssertNotNil(s.prompt)
            let r = SheetScreen.reduce(&s, .promptKey(stray))
            XCTAssertNil(s.prompt, "\(stray) answers the question")
            XCTAssertNotEqual(r, Request.signSession(sessionID: 900), "\(stray)")
            // The y that follows is an ordinary key again, not a late yes.
            XCTAssertNotEqual(SheetScreen.reduce(&s, .promptKey(.char("y"))), Request.signSession(sessionID: 900))
        }
        var s = Self.sheet()
        _ = SheetScreen.reduce(&s, .command(.signSession))
        XCTAssertEqual(SheetScreen.reduce(&s, .promptKey(.char("y"))), .signSession(sessionID: 900))
    }

    func testTheConflictQuestionStillWaitsForItsOwnAnswers() {
        var s = Self.sheet()
        let c = EditConflict(what: "The group note", changedBy: "Amaka Okafor", changedAt: nil)
        _ = SheetScreen.reduce(&s, .conflict(c, topic: "T", note: "N"))
        XCTAssertNotNil(s.prompt)
        _ = SheetScreen.reduce(&s, .promptKey(.char("x")))
        XCTAssertNotNil(s.prompt, "r / o / Esc: a stray key is not an answer there")
        _ = SheetScreen.reduce(&s, .promptKey(.escape))
        XCTAssertNil(s.prompt)
    }

    func testTheNoteSignQuestion() {
        for stray in Self.strays {
            var s = Self.editor()
            s.prompt = NoteEditorPrompt.sign
            let r = NoteEditor.key(&s, stray)
            XCTAssertNil(s.prompt, "\(stray)")
            XCTAssertEqual(r, Request.message("Not signed. The note is still a draft.", .info), "\(stray)")
        }
    }

    func testTheCosignQuestion() {
        let row = CosignRow(noteID: 7, clientID: 42, clientName: "Ñúñez, Zoë", mrn: "M1", staffName: "Ana Pérez",
                            date: Fixtures.today, format: .individual, signedAt: Date(timeIntervalSince1970: 1_772_000_000))
        for stray in Self.strays {
            var s = CosignState(rows: [row], area: Fixtures.area80)
            s.confirming = 7
            XCTAssertEqual(CosignQueue.key(&s, stray), .message("Not co-signed.", .info), "\(stray)")
            XCTAssertNil(s.confirming)
        }
        var s = CosignState(rows: [row], area: Fixtures.area80)
        s.confirming = 7
        XCTAssertEqual(CosignQueue.key(&s, .char("y")), .notes(.cosign(noteID: 7)))
    }

    func testTheGroupDischargeQuestion() {
        let group = CounselingGroup(id: 7, name: "Early Recovery", modalityID: 1, weekday: 0, startMinute: 600,
                                    minutes: 90, room: "B", isOpen: true, capacity: 12)
        let row = GroupListRow(group: group, modality: "Group therapy", facilitatorIDs: [1], facilitatorNames: ["Ana"],
                               rosterSize: 1, isMine: true)
        for stray in Self.strays {
            var s = GroupState(row: row, roster: [], sessions: [], area: Fixtures.area80, today: Fixtures.today)
            s.prompt = ScreenPrompt(.discharge(memberID: 3), "Discharge Zoë from Early Recovery today? (y/n)")
            XCTAssertNotEqual(GroupScreen.reduce(&s, .promptKey(stray)), Request.discharge(groupID: 7, memberID: 3), "\(stray)")
            XCTAssertNil(s.prompt, "\(stray) answers the question")
        }
    }

    func testTheAddendumDiscardQuestion() {
        for stray in Self.strays {
            var s = AddendumState(noteID: 7, clientID: 42, title: "Addendum", area: Fixtures.area80)
            s.confirmingDiscard = true
            XCTAssertNotEqual(AddendumEditor.key(&s, stray), .back, "\(stray) keeps the addendum")
            XCTAssertFalse(s.confirmingDiscard)
        }
    }
}

/// `a` on a group asks the day, time and length of the new session, prefilled from the schedule.
final class NewSessionPromptTests: XCTestCase {
    func testTheSessionIsAskedAndBadAnswersKeepTheLine() {
        let group = CounselingGroup(id: 7, name: "Early Recovery", modalityID: 1, weekday: 0, startMinute: 17 * 60 + 30,
                                    minutes: 90, room: "B", isOpen: true, capacity: 12)
        let row = GroupListRow(group: group, modality: "Group therapy", facilitatorIDs: [1], facilitatorNames: ["Ana Pérez"],
                               rosterSize: 3, isMine: true)
        var s = GroupState(row: row, roster: [], sessions: [], area: Fixtures.area80, today: Fixtures.today)
        XCTAssertEqual(GroupScreen.reduce(&s, .command(.addSession)), Request.none, "nothing is added yet")
        XCTAssertEqual(s.prompt?.editor.text, "\(Fixtures.today) 17:30 90")
        XCTAssertEqual(GroupScreen.reduce(&s, .promptKey(.enter)),
                       .addSession(groupID: 7, date: Fixtures.today, startMinute: 17 * 60 + 30, minutes: 90))
        XCTAssertNil(s.prompt)
        for bad in ["tomorrow 17:30 90", "\(Fixtures.today) 25:00 90", "\(Fixtures.today) 17:30 0", "\(Fixtures.today)"] {
            _ = GroupScreen.reduce(&s, .command(.addSession))
            _ = GroupScreen.reduce(&s, .promptKey(.ctrl("u")))
            for c in bad { _ = GroupScreen.reduce(&s, .promptKey(.char(c))) }
            guard case .message(_, .error) = GroupScreen.reduce(&s, .promptKey(.enter)) else { return XCTFail(bad) }
            XCTAssertNotNil(s.prompt, "the line stays for a correction: \(bad)")
            _ = GroupScreen.reduce(&s, .promptKey(.escape))
        }
    }
}

/// A session of a later day that met early: marking it dates it today first, and says so; the store alone
/// refuses to mark or sign a session before its day.
final class EarlySessionTests: XCTestCase {
    func testMarkingASessionOfALaterDayMovesItToTodayFirst() throws {
        let store = try GroupDemo.fresh()
        let me = try XCTUnwrap(try store.staff(username: "ccounselor"))
        let today = GroupDemo.clock.day
        let group = try XCTUnwrap(try store.groups(for: me.id!).first { $0.isMine && $0.rosterSize > 0 })
        let later = try store.addSession(groupID: group.id, date: today.adding(days: 3), startMinute: 6 * 60, minutes: 60, by: me)
        let member = try XCTUnwrap(try store.attendanceSheet(sessionID: later.id!).lines.first)
        XCTAssertThrowsError(try store.mark(sessionID: later.id!, clientID: member.clientID, status: .present, minutes: 60,
                                            line: nil, by: me), "the store alone does not mark a session of a later day")
        let app = try GroupDemo.app(store)
        app.perform(.openSheet(sessionID: later.id!))
        app.type("p")
        XCTAssertEqual(app.message?.text,
                       "This session was dated \(today.adding(days: 3)); it met early, so it is now dated today, \(today).")
        let sheet = try store.attendanceSheet(sessionID: later.id!)
        XCTAssertEqual(sheet.session.date, today)
        XCTAssertEqual(sheet.lines.first { $0.clientID == member.clientID }?.attendance?.status, .present)
        // Audited, and a second session at that hour today is refused.
        XCTAssertThrowsError(try store.moveSessionToToday(
            sessionID: try store.addSession(groupID: group.id, date: today.adding(days: 4), startMinute: 6 * 60, minutes: 60, by: me).id!,
            by: me))
    }
}
