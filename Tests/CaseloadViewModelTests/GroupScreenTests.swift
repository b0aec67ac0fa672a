// Groups, one group and the attendance sheet on a real SQLite demo store: goldens, navigation, marking.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

/// Its own demo store (same spec as DemoStore), because opening groups creates scheduled sessions and
/// marking changes attendance; the shared store's goldens must not see that.
enum GroupDemo {
    /// Opens the ccounselor's first group, then the session dated today (adding one if the schedule has none).
    static func openTodaysSheet(_ app: AppModel) throws -> SheetState {
        app.type("r")
        app.press(.enter)
        guard case .group(var g) = app.current else { throw CaseloadError.notFound(what: "group") }
        if !g.sessions.contains(where: { $0.date == GroupDemo.clock.day }) {
            app.type("a")
            guard case .group(let g2) = app.current else { throw CaseloadError.notFound(what: "group") }
            g = g2
        }
        if g.pane == .roster { app.press(.tab) }
        guard case .group(let g3) = app.current else { throw CaseloadError.notFound(what: "group") }
        let i = g3.sessions.firstIndex { $0.date == GroupDemo.clock.day }!
        app.press(.home)
        for _ in 0..<i { app.press(.down) }
        app.press(.enter)
        guard case .sheet(let sheet) = app.current else { throw CaseloadError.notFound(what: "sheet") }
        return sheet
    }

    static let clock = DemoStore.clock

    static func fresh() throws -> SQLiteStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-gvm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("demo.sqlite").path, create: true, clock: clock)
        _ = try DemoGenerator(clients: 60, years: 1, seed: 7, today: clock.day, osUsername: "ccounselor").generate(into: store)
        return store
    }

    static func app(_ store: SQLiteStore, _ size: Size = .design, user: String = "ccounselor") throws -> AppModel {
        guard let staff = try store.staff(username: user) else { throw CaseloadError.unknownUser(username: user) }
        return AppModel(repository: store, groups: store, identity: Identity(staff: staff), clock: clock, size: size)
    }
}

final class GroupScreenTests: XCTestCase {
    func screen(_ app: AppModel) -> String { frameText(app.render()) }

    func testGroupsListGoldensAndMineFirst() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        app.type("r")
        guard case .groups(let s) = app.current else { return XCTFail("r on Home opens the groups: \(app.message?.text ?? "")") }
        XCTAssertFalse(s.rows.isEmpty)
        XCTAssertTrue(s.rows.first!.isMine, "the groups I facilitate come first")
        let firstNotMine = s.rows.firstIndex { !$0.isMine } ?? s.rows.count
        XCTAssertTrue(s.rows[firstNotMine...].allSatisfy { !$0.isMine })
        let frame = app.render()
        XCTAssertTrue(frame.line(0).contains("Groups"))
        XCTAssertTrue(frame.line(2).hasPrefix("> * "), "my groups carry a star")
        assertGolden(screen(app), "groups-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "groups-60x20")
    }

    func testGroupAndSheetGoldens() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        app.type("r")
        app.press(.enter)
        guard case .group(let g) = app.current else { return XCTFail("Enter opens the group") }
        XCTAssertFalse(g.roster.isEmpty)
        XCTAssertEqual(g.sessions, g.sessions.sorted { $0.date > $1.date }, "sessions newest first")
        XCTAssertTrue(g.sessions.allSatisfy { $0.date >= GroupDemo.clock.day.adding(days: -56) && $0.date <= GroupDemo.clock.day.adding(days: 7) })
        assertGolden(screen(app), "group-80x24")
        app.press(.escape, .escape)
        let sheet = try GroupDemo.openTodaysSheet(app)
        XCTAssertFalse(sheet.isSigned)
        XCTAssertTrue(sheet.sheet.lines.allSatisfy { $0.attendance == nil }, "today's sheet starts unmarked")
        assertGolden(screen(app), "sheet-80x24")
        // Mark the first present and the second late for 60 minutes with a line; the store holds them.
        app.type("p")
        app.type("l")
        XCTAssertTrue(app.render().line(22).contains("Late: minutes attended (1-"))
        app.press(.ctrl("u")); app.type("60"); app.press(.enter)
        app.press(.up)
        app.type("n"); app.type("Arrived after the bus; joined the check-in."); app.press(.enter)
        let stored = try store.attendanceSheet(sessionID: sheet.sessionID)
        XCTAssertEqual(stored.lines[0].attendance?.status, .present)
        XCTAssertEqual(stored.lines[0].attendance?.minutes, sheet.sheet.session.minutes)
        XCTAssertEqual(stored.lines[1].attendance?.status, .late)
        XCTAssertEqual(stored.lines[1].attendance?.minutes, 60)
        XCTAssertEqual(stored.lines[1].attendance?.line, "Arrived after the bus; joined the check-in.")
        XCTAssertEqual(stored.session.status, .held)
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "sheet-marked-60x20")
        _ = app.handle(.resize(Size(width: 80, height: 24)))
        // Topic, then sign: the sheet says read-only and refuses marks.
        app.type("t"); app.press(.ctrl("u")); app.type("Coping with cravings"); app.press(.enter)
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).session.topic, "Coping with cravings")
        // Not everyone is marked: signing is not offered until they are, here by recording the rest as not recorded.
        app.type("S")
        XCTAssertTrue(app.render().text.contains("not marked: mark them (A: all present), or N: not recorded."))
        app.type("N")
        app.type("S")
        XCTAssertTrue(app.render().line(22).contains("Sign this session?"))
        app.type("y")
        guard case .sheet(let signed) = app.current else { return XCTFail("still on the sheet") }
        XCTAssertTrue(signed.isSigned)
        XCTAssertTrue(app.render().text.contains("Signed — read-only"))
        app.type("p")
        XCTAssertTrue(app.render().line(22).contains("read-only"))
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).lines[2].attendance?.status, .notRecorded)
        assertGolden(screen(app), "sheet-signed-80x24")
    }

    func testCoFacilitatorMarksShowAfterTheNextMarkAndNoteConflictOffersReload() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        let sheet = try GroupDemo.openTodaysSheet(app)
        XCTAssertGreaterThanOrEqual(sheet.sheet.lines.count, 3)
        let other = try XCTUnwrap(try store.staff(username: "ccounselor"))
        // "Another process" marks the last member while this sheet is open.
        let last = sheet.sheet.lines[sheet.sheet.lines.count - 1]
        try store.mark(sessionID: sheet.sessionID, clientID: last.clientID, status: .excused, minutes: 0, line: nil, by: other)
        app.type("p")
        guard case .sheet(let after) = app.current else { return XCTFail() }
        XCTAssertEqual(after.sheet.lines.last?.attendance?.status, .excused, "the co-facilitator's mark shows")
        XCTAssertEqual(after.sheet.lines.first?.attendance?.status, .present)
        // The note changes underneath us: saving offers reload / overwrite.
        try store.saveGroupNote(sessionID: sheet.sessionID, topic: "Theirs", note: "Their note",
                                expectedRevision: after.sheet.session.revision, by: other)
        app.type("w"); app.press(.ctrl("u")); app.type("My note"); app.press(.ctrl("s"))
        XCTAssertTrue(app.render().line(22).contains("r reload / o overwrite"), app.render().line(22))
        app.type("o")
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).session.note, "My note")
    }

    func testMarkingAMemberSomeoneElseMarkedMeanwhileAsksAndOverwritesOnlyWhenTold() throws {
        let store = try GroupDemo.fresh()
        let other = try SQLiteStore.open(path: store.path, clock: GroupDemo.clock)
        let app = try GroupDemo.app(store)
        let sheet = try GroupDemo.openTodaysSheet(app)
        let admin = try XCTUnwrap(try other.allStaff().first { $0.role == .supervisor })  // the facilitators' supervisor
        let first = try XCTUnwrap(sheet.sheet.lines.first)
        // The co-facilitator's process marks the first member while this sheet still shows them unmarked.
        try other.mark(sessionID: sheet.sessionID, clientID: first.clientID, status: .absent, minutes: 0, line: nil,
                       expectedRevision: 0, by: admin)
        app.type("p")
        var frame = app.render()
        XCTAssertTrue(frame.line(22).contains("marked by \(admin.displayName)"), frame.line(22))
        XCTAssertTrue(frame.line(23).contains("overwrite with mine"), frame.line(23))
        guard case .sheet(let asking) = app.current else { return XCTFail("still on the sheet") }
        XCTAssertEqual(asking.selectedLine?.clientID, first.clientID, "the selection is back on that member")
        XCTAssertEqual(asking.sheet.lines[0].attendance?.status, .absent, "their mark shows")
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).lines[0].attendance?.status, .absent)
        assertGolden(screen(app), "sheet-mark-conflict-80x24")
        // r keeps theirs.
        app.type("r")
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).lines[0].attendance?.status, .absent)
        // Marked again from a stale sheet: o puts mine over theirs, deliberately.
        try other.mark(sessionID: sheet.sessionID, clientID: first.clientID, status: .excused, minutes: 0, line: nil,
                       by: admin)
        app.press(.home); app.type("l")
        frame = app.render()
        XCTAssertTrue(frame.line(22).contains("minutes attended"), frame.line(22))
        app.press(.enter)
        XCTAssertTrue(app.render().line(22).contains("marked by"), app.render().line(22))
        app.type("o")
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).lines[0].attendance?.status, .late)
        XCTAssertEqual(app.message?.text, "Your mark replaced theirs.")
        // Everyone else: A marks the rest present; none of them conflicts.
        app.type("A")
        XCTAssertTrue(try store.attendanceSheet(sessionID: sheet.sessionID).lines.allSatisfy { $0.attendance != nil })
    }

    func testEnrollByMRNAndDischargeKeepHistory() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        app.type("r"); app.press(.enter)
        guard case .group(let g) = app.current else { return XCTFail() }
        let rows = try store.caseloadRows(for: app.identity.staffID, scope: .all, on: GroupDemo.clock.day)
        let outsider = try XCTUnwrap(rows.first { r in r.status == .active && !g.roster.contains { $0.clientID == r.id } })
        app.type("e"); app.type(outsider.mrn.lowercased()); app.press(.enter)
        guard case .group(let g2) = app.current else { return XCTFail() }
        XCTAssertTrue(g2.roster.contains { $0.clientID == outsider.id && $0.leftOn == nil }, app.message?.text ?? "")
        app.type("e"); app.type("NOPE123"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "No client has the MRN “NOPE123”.")
        // Discharge the first current member: asks, then sets the left date today.
        let member = g2.roster[0]
        app.press(.home)
        app.type("d")
        XCTAssertTrue(app.render().line(22).contains("Discharge \(member.clientName)"))
        app.type("y")
        let roster = try store.roster(groupID: g.groupID)
        XCTAssertEqual(roster.first { $0.memberID == member.memberID }?.leftOn, GroupDemo.clock.day)
    }

    func testGroupFormValidatesAndSaves() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        app.type("r"); app.press(.enter)
        guard case .group(let g) = app.current else { return XCTFail() }
        app.type("E")
        app.press(.enter)                                       // name kept
        app.press(.ctrl("u")); app.type("Room 7 Ñ"); app.press(.enter)
        app.press(.ctrl("u")); app.type("zero"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "Capacity must be a whole number from 1 to 200.")
        app.press(.ctrl("u")); app.type("14"); app.press(.enter)
        app.press(.ctrl("u")); app.type("closed"); app.press(.enter)
        app.press(.ctrl("u")); app.type("Thu 13:30 75"); app.press(.enter)
        let saved = try XCTUnwrap(try store.groups(for: app.identity.staffID).first { $0.id == g.groupID })
        XCTAssertEqual(saved.group.room, "Room 7 Ñ")
        XCTAssertEqual(saved.group.capacity, 14)
        XCTAssertFalse(saved.group.isOpen)
        XCTAssertEqual(saved.group.weekday, 3)
        XCTAssertEqual(saved.group.startMinute, 13 * 60 + 30)
        XCTAssertEqual(saved.group.minutes, 75)
        XCTAssertEqual(saved.group.name, g.row.group.name)
    }

    func testTabAndEnterOnHomesGroupsTodayOpensTodaysSheet() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        guard case .home(let home) = app.current, let today = home.summary?.groups.first else {
            return XCTFail("the demo gives the OS user a group today")
        }
        XCTAssertTrue(app.render().text.contains("Groups today (\(home.summary!.groups.count)) · Tab to select"))
        app.press(.tab)
        let frame = app.render()
        XCTAssertTrue(frame.text.contains("Enter takes attendance"))
        XCTAssertEqual(frame.cursor.map { frame.line($0.y).contains(today.name) }, true, "the cursor is on the group")
        app.press(.enter)
        guard case .sheet(let sheet) = app.current else { return XCTFail("Enter opens the sheet: \(app.message?.text ?? "")") }
        XCTAssertEqual(sheet.sheet.group.id, today.groupID)
        XCTAssertEqual(sheet.sheet.session.date, GroupDemo.clock.day)
        app.press(.escape)
        guard case .home(let back) = app.current else { return XCTFail("Esc goes home") }
        XCTAssertTrue(back.groupsFocused, "home keeps its place")
    }

    func testTwoAbsencesInARowFlagTheClientOnHomeAndInTheCaseload() throws {
        let store = try GroupDemo.fresh()
        let me = try XCTUnwrap(try store.staff(username: "ccounselor"))
        let today = GroupDemo.clock.day
        let mine = Set(try store.caseloadRows(for: me.id!, scope: .mine, on: today).map(\.id))
        let group = try XCTUnwrap(try store.groups(for: me.id!).first { $0.isMine })
        let alertsBefore = try store.absenceAlerts(counselorID: me.id!)
        let member = try XCTUnwrap(try store.roster(groupID: group.id).first {
            $0.leftOn == nil && mine.contains($0.clientID) && alertsBefore[$0.clientID] == nil
        })
        // Two held sessions today (the scheduled one and an ad-hoc one), absent from both.
        let scheduled = try XCTUnwrap(try store.groupSessions(groupID: group.id, from: today, to: today).first)
        let adHoc = try store.addSession(groupID: group.id, date: today, startMinute: 20 * 60, minutes: 60, by: me)
        for s in [scheduled, adHoc] {
            try store.mark(sessionID: s.id!, clientID: member.clientID, status: .absent, minutes: 0, line: nil, by: me)
        }
        let alerts = try store.absenceAlerts(counselorID: me.id!)
        XCTAssertNotNil(alerts[member.clientID])

        let app = try GroupDemo.app(store)
        XCTAssertTrue(app.render().text.contains("Missing groups: A \(alerts.count)"), screen(app))
        app.type("c")
        guard case .caseload(let c) = app.current else { return XCTFail("c opens the caseload") }
        XCTAssertEqual(Set(c.absences.keys), Set(alerts.keys))
        // Find the member's row and check its Flags cell carries the A.
        app.type("/"); app.type(member.mrn); app.press(.enter)
        let frame = app.render()
        let row = try XCTUnwrap((0..<24).map { frame.line($0) }.first { $0.hasPrefix(">") && $0.contains(member.mrn) }, frameText(frame))
        let header = try XCTUnwrap((0..<24).map { frame.line($0) }.first { $0.contains("Flags") }, frameText(frame))
        let flagsStart = try XCTUnwrap(header.range(of: "Flags"))
        XCTAssertTrue(String(Array(row)[header.distance(from: header.startIndex, to: flagsStart.lowerBound)...]).contains("A"), row)
    }

    func testAMarkTheStoreRefusesShowsItsSentenceAndTheSheetCatchesUp() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        let sheet = try GroupDemo.openTodaysSheet(app)
        // A co-facilitator signs in another process while this sheet is still open and unsigned here.
        let last = try XCTUnwrap(sheet.sheet.lines.last)
        try store.mark(sessionID: sheet.sessionID, clientID: last.clientID, status: .present, minutes: 90, line: nil,
                       by: app.identity.staff)
        // The others recorded as not recorded, as signing requires.
        for line in sheet.sheet.lines.dropLast() {
            try store.mark(sessionID: sheet.sessionID, clientID: line.clientID, status: .notRecorded, minutes: 0, line: nil,
                           by: app.identity.staff)
        }
        try store.signGroupSession(sessionID: sheet.sessionID, by: app.identity.staff)
        app.type("p")
        let message = try XCTUnwrap(app.message)
        XCTAssertEqual(message.role, .error)
        XCTAssertFalse(message.text.isEmpty)
        XCTAssertTrue(app.render().line(22).contains(String(message.text.prefix(30))), app.render().line(22))
        guard case .sheet(let after) = app.current else { return XCTFail("still on the sheet") }
        XCTAssertTrue(after.isSigned, "the reload shows it signed")
        XCTAssertEqual(after.sheet.lines[0].attendance?.status, .notRecorded, "the p was not saved: the sheet shows what is stored")
        XCTAssertEqual(try store.attendanceSheet(sessionID: sheet.sessionID).lines[0].attendance?.status, .notRecorded)
        print("Refused mark message: \(message.text)")
    }

    func testColonGroupsOpensTheGroupsAndEscReturns() throws {
        let store = try GroupDemo.fresh()
        let app = try GroupDemo.app(store)
        app.type(":groups"); app.press(.enter)
        guard case .groups = app.current else { return XCTFail(":groups opens the groups: \(app.message?.text ?? "")") }
        app.press(.escape)
        guard case .home = app.current else { return XCTFail("Esc goes back") }
    }
}
