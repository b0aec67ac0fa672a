// The roles as people meet them on screen (issue 6): an administrator's `:breakglass MRN` asks for a reason,
// records it and opens the chart marked as emergency access; a facilitator opening a group member's chart sees
// its group part only; a refused chart is a sentence, never a chart. Each app runs on its own handle of the
// demo store, bound to the person as the app's sign-in binds it.
import CaseloadCore
import CaseloadStore
import CaseloadViewModels
import Foundation
import GRDB
import XCTest

final class AccessScreenTests: XCTestCase {
    /// An app for `user` on a new handle of `store`'s file, bound to them.
    private func session(_ store: SQLiteStore, _ user: String) throws -> AppModel {
        let h = try SQLiteStore.open(path: store.path, clock: NoteDemo.clock)
        let staff = try XCTUnwrap(try h.staff(username: user))
        try h.bind(viewer: staff)
        return AppModel(repository: h, groups: h, notes: h, caseManagement: h, identity: Identity(staff: staff),
                        clock: NoteDemo.clock, size: .design)
    }

    private func command(_ app: AppModel, _ line: String) {
        app.type(":"); app.type(line); app.press(.enter)
    }

    func testAnAdministratorBreaksTheGlassWithAReasonAndTheChartSaysSo() throws {
        let store = try NoteDemo.fresh()
        let admin = try XCTUnwrap(try store.allStaff().first { $0.role == .admin })
        let client = try XCTUnwrap(try store.caseloadRows(for: admin.id!, scope: .all, on: NoteDemo.clock.day).first)
        let app = try session(store, admin.username)

        command(app, "breakglass")
        XCTAssertEqual(app.message?.text, "Give the chart number: :breakglass MRN (then the reason, which is recorded).")
        command(app, "breakglass \(client.mrn)")
        XCTAssertEqual(app.message?.text,
                       "Emergency access to chart \(client.mrn): type the reason (recorded). Esc cancels.")
        XCTAssertTrue(app.render().line(22).hasPrefix("Reason:"), app.render().text)
        XCTAssertTrue(app.render().line(21).contains("type the reason (recorded). Esc cancels."), "the whole sentence fits")
        // Too short: the line stays open with the sentence; nothing is recorded.
        app.type("urgent"); app.press(.enter)
        XCTAssertTrue(app.message?.text.hasPrefix("Give the reason in a few words (12 characters at least); it is recorded.") ?? false)
        XCTAssertTrue(app.render().line(22).hasPrefix("Reason: urgent"))
        XCTAssertEqual(try store.activity(clientID: client.id, limit: 500).filter { $0.action == .breakGlass }.count, 0)
        app.type(", client in crisis at the window"); app.press(.enter)
        guard case .chart(let chart) = app.current else { return XCTFail("the chart opens: \(app.message?.text ?? "")") }
        XCTAssertEqual(chart.clientID, client.id)
        XCTAssertEqual(chart.summary.access, .full(.emergency))
        XCTAssertEqual(app.message?.text, "Emergency access to chart \(client.mrn) is recorded with your reason.")
        XCTAssertTrue(app.render().line(2).contains("! Emergency access (recorded)"), app.render().line(2))
        let events = try store.activity(clientID: client.id, limit: 500)
        XCTAssertEqual(events.first { $0.action == .breakGlass }?.detail,
                       "emergency access by \(admin.username) (administrator): urgent, client in crisis at the window")
        XCTAssertEqual(events.first?.action, .view, "the opening itself is recorded too")

        // Esc at the reason line cancels: nothing opened, nothing recorded.
        let other = try XCTUnwrap(try store.caseloadRows(for: admin.id!, scope: .all, on: NoteDemo.clock.day).last)
        command(app, "breakglass \(other.mrn)")
        app.type("client in crisis"); app.press(.escape)
        XCTAssertEqual(app.message?.text, "No emergency access: nothing was opened or recorded.")
        XCTAssertEqual(try store.activity(clientID: other.id, limit: 500).filter { $0.action == .breakGlass }.count, 0)
    }

    func testAFacilitatorSeesTheGroupPartOfAMembersChartAndAnotherCounselorIsRefused() throws {
        let store = try NoteDemo.fresh()
        let facilitator = try XCTUnwrap(try store.allStaff().first { $0.role == .facilitator
            && !((try? store.groups(for: $0.id!).filter(\.isMine).isEmpty) ?? true) })
        let groupID = try XCTUnwrap(try store.groups(for: facilitator.id!).first { $0.isMine }?.group.id)
        let app = try session(store, facilitator.username)
        // Her groups come first; Enter opens the group, Tab goes to its roster, Enter opens a member's chart.
        command(app, "groups")
        app.press(.enter)
        guard case .group(let g) = app.current else { return XCTFail("the group opens: \(app.message?.text ?? "")") }
        XCTAssertEqual(g.groupID, groupID)
        if g.pane != .roster { app.press(.tab) }
        app.press(.enter)
        guard case .chart(var chart) = app.current else { return XCTFail("the chart opens: \(app.message?.text ?? "")") }
        XCTAssertEqual(chart.summary.access.groupIDs?.contains(groupID), true)
        XCTAssertEqual(app.message?.text, "Group part only: you facilitate a group this client attends.")
        XCTAssertFalse(app.render().line(23).contains("e edit"), "no editing key is offered on the group part")
        let frame = app.render()
        XCTAssertTrue(frame.line(2).contains("Group part only"), frame.line(2))
        XCTAssertFalse(frame.text.contains("Medication"), "no medication, flags or contact on the group part")
        XCTAssertTrue(frame.text.contains("You see the group part of this chart"))
        app.type("3")
        guard case .chart(let notesTab) = app.current else { return XCTFail() }
        chart = notesTab
        XCTAssertEqual(chart.tab, .notes)
        XCTAssertNil(chart.data[.notes], "the notes are not even asked for")
        XCTAssertTrue(app.render().text.contains("Notes: not in your view"))
        app.type("4")
        XCTAssertTrue(app.render().text.contains("Attendance") || app.render().text.contains("attendance") ||
                      app.render().text.contains("Member"), app.render().text)
        app.type("n")
        XCTAssertEqual(app.message?.text.hasPrefix("You see the group part of this chart"), true)

        // A counselor opening a chart that is not theirs by its number gets the sentence, not the chart.
        let counselor = try session(store, "ccounselor")
        let me = try XCTUnwrap(try store.staff(username: "ccounselor"))
        let notMine = try XCTUnwrap(try store.caseloadRows(for: me.id!, scope: .all, on: NoteDemo.clock.day)
            .first { $0.counselorName != me.displayName })
        XCTAssertEqual(try counselor.repository.clientAccess(clientID: notMine.id), .none)
        counselor.type("c"); counselor.type("/" + notMine.mrn); counselor.press(.enter)
        guard case .caseload(let s) = counselor.current else { return XCTFail() }
        XCTAssertTrue(s.shown.isEmpty, "the caseload search never shows another counselor's client")
    }
}
