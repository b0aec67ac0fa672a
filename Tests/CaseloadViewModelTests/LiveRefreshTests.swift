// Live refresh on a real store: two handles on one file are two connections, as two sessions are, so a
// change committed through handle B shows on handle A's app after one `.tick`, selection kept by id.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class LiveRefreshTests: XCTestCase {
    private struct Pair { var a: SQLiteStore; var b: SQLiteStore; var app: AppModel; var colleague: Staff }

    private func pair() throws -> Pair {
        let a = try CaseDemo.fresh()
        let b = try SQLiteStore.open(path: a.path, clock: CaseDemo.clock)
        // The clinical supervisor, in another session: sees the whole team's charts and groups.
        let colleague = try XCTUnwrap(try b.allStaff().first { $0.role == .supervisor })
        return Pair(a: a, b: b, app: try app(a), colleague: colleague)
    }

    private func app(_ store: SQLiteStore) throws -> AppModel {
        guard let staff = try store.staff(username: "ccounselor") else { throw CaseloadError.unknownUser(username: "ccounselor") }
        return AppModel(repository: store, groups: store, notes: store, plans: store, caseManagement: store,
                        identity: Identity(staff: staff), clock: CaseDemo.clock, size: .design)
    }

    private func importRow(_ mrn: String, last: String, first: String, preferred: String? = nil) -> ClientImportRow {
        ClientImportRow(row: 2, mrn: mrn, lastName: last, firstName: first, preferredName: preferred,
                        dateOfBirth: Day("1988-04-02")!, admissionDate: CaseDemo.clock.day.adding(days: -30),
                        phase: "Stabilization", medication: .methadone, doseMg: 60, takeHomeLevel: 0,
                        counselorUsername: "ccounselor", status: .active)
    }

    func testAClientAddedInAnotherSessionShowsInTheCaseloadAfterATickWithTheSelectionKept() throws {
        let p = try pair()
        p.app.type("c")
        p.app.press(.down, .down, .down)
        guard case .caseload(let before) = p.app.current else { return XCTFail("c opens the caseload") }
        let selected = try XCTUnwrap(before.selectedRow)
        XCTAssertEqual(p.app.handle(.tick), .none, "nothing changed: nothing to draw")
        XCTAssertFalse(p.app.render().text.contains("Aaronson"))

        // Sorted first by name, so every row under it moves down one place.
        _ = try p.b.importClients([importRow("LR0001", last: "Aaronson", first: "Abe")], source: "test.csv",
                                  by: p.colleague, dryRun: false)
        XCTAssertEqual(p.app.handle(.tick), .redraw)
        guard case .caseload(let after) = p.app.current else { return XCTFail("still on the caseload") }
        XCTAssertEqual(after.rows.count, before.rows.count + 1)
        XCTAssertTrue(p.app.render().text.contains("Aaronson, Abe"), p.app.render().text)
        XCTAssertEqual(after.selectedRow?.id, selected.id, "the selection stays on the same client, not the same row")
        XCTAssertEqual(after.cursor.selected, before.cursor.selected + 1)
        XCTAssertEqual(p.app.handle(.tick), .none, "the change is shown once")
    }

    func testOurOwnSavesDoNotCountAsAChangeFromElsewhere() throws {
        let p = try pair()
        let token = try p.a.changeToken()
        _ = try p.a.importClients([importRow("LR0002", last: "Own", first: "Write")], source: "mine.csv",
                                  by: p.colleague, dryRun: false)
        XCTAssertEqual(try p.a.changeToken(), token, "a commit through this handle leaves its token alone")
        _ = try p.b.importClients([importRow("LR0003", last: "Other", first: "Write")], source: "theirs.csv",
                                  by: p.colleague, dryRun: false)
        XCTAssertNotEqual(try p.a.changeToken(), token, "a commit through another connection moves it")
    }

    func testTheChartSummaryAndReferralsTabRefreshInPlace() throws {
        let p = try pair()
        let clientID = try CaseDemo.chart(p.app, p.a, tab: "1")
        guard case .chart(let s0) = p.app.current else { return XCTFail("chart") }
        let version = s0.summary.client.version
        _ = try p.b.saveClientDetails(clientID: clientID, ClientDetails(preferredName: "Sunny", pronouns: "they/them",
                                                                        phone: "555-0177", emergencyContact: nil),
                                      expectedVersion: version, by: p.colleague)
        XCTAssertEqual(p.app.handle(.tick), .redraw)
        var text = p.app.render().text
        XCTAssertTrue(text.contains("555-0177"), text)
        XCTAssertTrue(text.contains("\"Sunny\""), "the header shows the new preferred name")

        // The Referrals tab: a referral added elsewhere appears, the selection stays on the one I was on.
        p.app.type("6")
        guard case .chart(let s1) = p.app.current, case .referrals(let list)? = s1.data[.referrals] else {
            return XCTFail("Referrals tab")
        }
        let r = try p.b.saveReferral(Referral(clientID: clientID, type: .housing, agency: "Harbor Light Shelter",
                                              referredOn: CaseDemo.clock.day, status: .made, followUpOn: nil), by: p.colleague)
        if list.count > 1 { p.app.press(.down) }
        guard case .chart(let s2) = p.app.current else { return XCTFail("chart") }
        let selectedBefore = list[CaseTabs.selected(s2)].id
        XCTAssertEqual(p.app.handle(.tick), .redraw)
        text = p.app.render().text
        XCTAssertTrue(text.contains("Harbor Light"), text)
        guard case .chart(let s3) = p.app.current, case .referrals(let fresh)? = s3.data[.referrals] else { return XCTFail() }
        XCTAssertTrue(fresh.contains { $0.id == r.id })
        XCTAssertEqual(fresh[CaseTabs.selected(s3)].id, selectedBefore, "selection kept by id")
    }

    func testAnOpenFormKeepsItsTextAndTheRefreshWaitsUntilItCloses() throws {
        let p = try pair()
        let clientID = try CaseDemo.chart(p.app, p.a, tab: "6")
        p.app.type("a")
        p.app.press(.tab)
        p.app.type("Typed agency")
        _ = try p.b.saveReferral(Referral(clientID: clientID, type: .legal, agency: "County Legal Aid",
                                          referredOn: CaseDemo.clock.day, status: .made, followUpOn: nil), by: p.colleague)
        XCTAssertEqual(p.app.handle(.tick), .none, "nothing moves under the form")
        guard case .chart(let s) = p.app.current, let form = s.caseTab.form else { return XCTFail("the form stays open") }
        XCTAssertEqual(form.fields[1].editor.text, "Typed agency")
        XCTAssertTrue(p.app.render().text.contains("Typed agency"))
        p.app.press(.escape)
        XCTAssertEqual(p.app.handle(.tick), .redraw, "after the form closes the tab catches up")
        XCTAssertTrue(p.app.render().text.contains("County Legal Aid"))
    }

    func testAMarkMadeByACoFacilitatorShowsOnTheOpenSheet() throws {
        let p = try pair()
        let sheet = try GroupDemo.openTodaysSheet(p.app)
        let member = try XCTUnwrap(sheet.sheet.lines.last)
        p.app.press(.down)
        guard case .sheet(let before) = p.app.current else { return XCTFail("sheet") }
        let selected = try XCTUnwrap(before.selectedLine?.clientID)
        try p.b.mark(sessionID: sheet.sessionID, clientID: member.clientID, status: .absent, minutes: 0, line: nil,
                     expectedRevision: 0, by: p.colleague)
        XCTAssertEqual(p.app.handle(.tick), .redraw)
        guard case .sheet(let after) = p.app.current else { return XCTFail("sheet") }
        XCTAssertEqual(after.sheet.lines.first { $0.clientID == member.clientID }?.attendance?.status, .absent)
        XCTAssertEqual(after.selectedLine?.clientID, selected)
        XCTAssertTrue(p.app.render().text.contains("[A] 1"))
    }

    func testScreensUnderTheTopReloadWhenShownAgain() throws {
        let p = try pair()
        p.app.type("c")
        guard case .caseload(let before) = p.app.current else { return XCTFail("caseload") }
        p.app.press(.enter)
        guard case .chart = p.app.current else { return XCTFail("chart") }
        _ = try p.b.importClients([importRow("LR0004", last: "Aaberg", first: "Ada")], source: "x.csv", by: p.colleague,
                                  dryRun: false)
        _ = p.app.handle(.tick)
        p.app.press(.escape)
        guard case .caseload(let after) = p.app.current else { return XCTFail("back on the caseload") }
        XCTAssertEqual(after.rows.count, before.rows.count + 1, "the caseload below the chart was reloaded on return")
        XCTAssertEqual(after.selectedRow?.id, before.selectedRow?.id)
    }

    func testANoteSignedInAnotherSessionShowsOnTheOpenNotesTabWithTheSelectionOnTheSameNote() throws {
        let p = try pair()
        let clientID = try CaseDemo.chart(p.app, p.a, tab: "3")
        p.app.press(.down, .down)
        guard case .chart(let before) = p.app.current, case .note(let n)? = before.notesEntries[safe: before.notesCursor.selected] else {
            return XCTFail("the Notes tab lists notes")
        }
        let selectedNote = before.notes[n].id
        let me = p.app.identity.staff
        let modality = try XCTUnwrap(try p.b.modalities().first?.id)
        let now = CaseDemo.clock.now()
        let draft = try p.b.saveDraft(ProgressNote(clientID: clientID, staffID: me.id!, date: CaseDemo.clock.day, startMinute: 8 * 60,
                                                   minutes: 50, modalityID: modality, format: .phone, template: .dap,
                                                   sections: ["Called about the bus pass 李.", "Steady.", "Follow up Friday."],
                                                   status: .draft, billingUnits: 0, createdAt: now, updatedAt: now),
                                      links: [], appointmentID: nil, force: false, by: me)
        _ = try p.b.sign(noteID: draft.id!, expectedRevision: draft.revision, by: me)
        XCTAssertEqual(p.app.handle(.tick), .redraw)
        guard case .chart(let after) = p.app.current else { return XCTFail("chart") }
        XCTAssertEqual(after.notesTotal, before.notesTotal + 1)
        XCTAssertTrue(after.notes.contains { $0.id == draft.id })
        guard case .note(let m)? = after.notesEntries[safe: after.notesCursor.selected] else { return XCTFail("a note is selected") }
        XCTAssertEqual(after.notes[m].id, selectedNote, "the selection stays on the note I was on")
        XCTAssertTrue(p.app.render().text.contains("Called about the bus p"), p.app.render().text)
    }

    func testHomeCountsAndThePlanTabRefreshWithoutLosingTheirPlace() throws {
        let p = try pair()
        guard case .home(let h0) = p.app.current, let active = h0.summary?.caseloadActive else { return XCTFail("Home") }
        _ = try p.b.importClients([importRow("LR0005", last: "Zamora", first: "Iris")], source: "x.csv", by: p.colleague,
                                  dryRun: false)
        XCTAssertEqual(p.app.handle(.tick), .redraw)
        guard case .home(let h1) = p.app.current else { return XCTFail("Home") }
        XCTAssertEqual(h1.summary?.caseloadActive, active + 1, "Home's caseload count follows")

        // The Plan tab: the selected line stays the same line of the plan after a reload.
        _ = try CaseDemo.chart(p.app, p.a, tab: "2")
        p.app.press(.down, .down)
        guard case .chart(let c0) = p.app.current, let row0 = PlanTab.selectedRow(c0) else { return XCTFail("a plan") }
        _ = try p.b.importClients([importRow("LR0006", last: "Young", first: "Ash")], source: "y.csv", by: p.colleague,
                                  dryRun: false)
        _ = p.app.handle(.tick)
        guard case .chart(let c1) = p.app.current else { return XCTFail("chart") }
        XCTAssertNotNil(c1.data[.plan])
        XCTAssertEqual(PlanTab.selectedRow(c1), row0)
        let fresh = try app(p.a)
        _ = try CaseDemo.chart(fresh, p.a, tab: "2")
        fresh.press(.down, .down)
        XCTAssertEqual(p.app.render().text, fresh.render().text, "the refreshed tab draws as a freshly opened one")
    }

    /// What a tick costs when nothing changed (one PRAGMA): printed, not asserted (CI boxes vary).
    func testAnIdleTickIsOneCheapQuery() throws {
        let p = try pair()
        p.app.type("c")
        let start = Date()
        for _ in 0..<1000 { XCTAssertEqual(p.app.handle(.tick), .none) }
        let totalMs = Date().timeIntervalSince(start) * 1000
        print("live refresh: an idle tick takes \(String(format: "%.1f", totalMs)) µs on average (1000 ticks in \(String(format: "%.1f", totalMs)) ms)")
    }
}
