// What a counselor, a facilitator and an auditor would refuse: drafts counted as delivered sessions, notes signed
// with sections empty, attendance taken for a session that has not happened, minutes past a session's length, a
// co-facilitated session counted twice in the program's total, safety flags left out of a facilitator's view.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class ClinicalSafetyTests: XCTestCase {
    private var store: SQLiteStore!
    private var ana: Staff!, ben: Staff!, fay: Staff!
    private var client: Client!
    private var cbt: RowID!, groupTherapy: RowID!
    private var group: CounselingGroup!

    override func setUpWithError() throws {
        let path = try TestDirs.make(self).appendingPathComponent("safety.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor))
        ben = try store.addStaff(Staff(username: "ben", displayName: "Ben Okafor", role: .counselor))
        fay = try store.addStaff(Staff(username: "fay", displayName: "Fay Lin", role: .facilitator))
        client = try store.insert(Client(mrn: "A-001", legalFirstName: "Zoë", legalLastName: "Ñúñez",
                                         dateOfBirth: Day("1988-07-14")!, admissionDate: Day("2024-06-01")!,
                                         phase: "Stabilization", medication: .methadone, doseMg: 80,
                                         primaryCounselorID: ana.id, flags: ["co-occurring", "safety alert", "pregnancy"]))
        cbt = try XCTUnwrap(try store.modalityID(named: "Cognitive-behavioral therapy"))
        groupTherapy = try XCTUnwrap(try store.modalityID(named: "Group therapy"))
        group = try store.insert(CounselingGroup(name: "Early Recovery", modalityID: groupTherapy, weekday: 2,
                                                 startMinute: 630, minutes: 60, room: "Room 2", isOpen: true, capacity: 10),
                                 facilitatorIDs: [ana.id!, fay.id!])
        try store.insert(GroupMember(groupID: group.id!, clientID: client.id!, joinedOn: Day("2024-06-01")!))
    }

    override func tearDown() { store = nil }

    private func draft(_ sections: [String], template: NoteTemplate = .dap, format: SessionFormat = .individual,
                       date: String = "2025-03-12") throws -> ProgressNote {
        let now = fixtureClock.now()
        return try store.saveDraft(ProgressNote(clientID: client.id!, staffID: ana.id!, date: Day(date)!, startMinute: 600,
                                                minutes: 50, modalityID: cbt, format: format, template: template,
                                                sections: sections, status: .draft, billingUnits: 0,
                                                createdAt: now, updatedAt: now),
                                   links: [], appointmentID: nil, force: false, by: ana)
    }

    // MARK: Notes

    func testSigningNeedsEverySectionOfTheTemplate() throws {
        let n = try draft(["Client reported two days without use.", "", "  "])
        XCTAssertThrowsError(try store.sign(noteID: n.id!, expectedRevision: n.revision, by: ana)) { e in
            XCTAssertEqual("\(e)", "Write the Assessment and Plan sections before signing: a DAP note needs every section.")
        }
        var filled = n
        filled.sections = ["Client reported two days without use.", "Engaged; cravings lower.", ""]
        let saved = try store.saveDraft(filled, links: [], appointmentID: nil, force: false, by: ana)
        XCTAssertThrowsError(try store.sign(noteID: n.id!, expectedRevision: saved.revision, by: ana)) { e in
            XCTAssertEqual("\(e)", "Write the Plan section before signing: a DAP note needs every section.")
        }
        filled.sections[2] = "Weekly sessions continue."
        filled.revision = saved.revision
        let complete = try store.saveDraft(filled, links: [], appointmentID: nil, force: false, by: ana)
        XCTAssertEqual(try store.sign(noteID: n.id!, expectedRevision: complete.revision, by: ana).status, .signed)
        // A no-show needs one line saying what happened.
        let noShow = try draft(["Did not attend; called, no answer.", "", ""], format: .noShow)
        XCTAssertEqual(try store.sign(noteID: noShow.id!, expectedRevision: noShow.revision, by: ana).status, .signed)
        XCTAssertEqual(NoteTemplate.soap.missingSections(["S", "", "A", ""], format: .individual), ["Objective", "Plan"])
    }

    func testASignatureKeepsTheNameAndCredentialsOfItsDay() throws {
        try store.dbPool.write { db in try db.execute(sql: "UPDATE staff SET credentials = 'LADC' WHERE id = ?", arguments: [ana.id]) }
        let n = try draft(["Data", "Assessment", "Plan"])
        _ = try store.sign(noteID: n.id!, expectedRevision: n.revision, by: ana)
        XCTAssertEqual(try store.note(id: n.id!).signedByName, "Ana Pérez, LADC")
        // A later change of name or credentials does not rewrite who signed.
        try store.dbPool.write { db in
            try db.execute(sql: "UPDATE staff SET display_name = 'Ana Pérez-Lund', credentials = 'LCADC' WHERE id = ?", arguments: [ana.id])
        }
        XCTAssertEqual(try store.note(id: n.id!).signedByName, "Ana Pérez, LADC")
        // Nor can anyone rewrite it in the file.
        XCTAssertThrowsError(try store.dbPool.write { db in
            try db.execute(sql: "UPDATE progress_notes SET signer_text = 'Someone Else' WHERE id = ?", arguments: [n.id])
        })
        // A group session keeps its signer the same way.
        let session = try store.insert(GroupSession(groupID: group.id!, date: fixtureToday, startMinute: 630, minutes: 60,
                                                    status: .scheduled))
        _ = try store.mark(sessionID: session.id!, clientID: client.id!, status: .present, minutes: 60, line: nil, by: ana)
        try store.signGroupSession(sessionID: session.id!, by: ana)
        XCTAssertEqual(try store.dbPool.read { db in
            try String.fetchOne(db, sql: "SELECT signer_text FROM group_sessions WHERE id = ?", arguments: [session.id])
        }, "Ana Pérez-Lund, LCADC")
    }

    func testDraftsAreNotDeliveredSessionsAndHomeCountsEveryDraft() throws {
        var t = try store.startPlan(clientID: client.id!, from: .blank, effectiveDate: Day("2025-01-10")!, by: ana)
        let planID = t.plan.id!
        t = try store.apply(.addProblem(Problem(planID: planID, position: 0, statement: "Opioid use")), planID: planID,
                            expectedRevision: nil, by: ana)
        t = try store.apply(.addGoal(Goal(problemID: t.problems[0].problem.id!, position: 0, statement: "Stop use",
                                          kind: .abstinence, targetDate: nil)), planID: planID, expectedRevision: nil, by: ana)
        t = try store.apply(.addObjective(Objective(goalID: t.problems[0].goals[0].goal.id!, position: 0,
                                                    statement: "Negative screens", targetDate: nil)),
                            planID: planID, expectedRevision: nil, by: ana)
        let objectiveID = t.problems[0].goals[0].objectives[0].objective.id!
        t = try store.apply(.addIntervention(Intervention(objectiveID: objectiveID, position: 0, modalityID: cbt,
                                                          timesPerPeriod: 1, period: .week, responsibleStaffID: ana.id)),
                            planID: planID, expectedRevision: nil, by: ana)
        t = try store.signPlan(planID: planID, expectedRevision: t.plan.revision, clientSigned: true, by: ana)

        let before = try XCTUnwrap(try store.delivery(planID: planID, on: fixtureToday).first)
        XCTAssertEqual([before.delivered, before.drafts], [0, 0])
        let n = try draft(["Data", "Assessment", "Plan"])
        let withDraft = try XCTUnwrap(try store.delivery(planID: planID, on: fixtureToday).first)
        XCTAssertEqual([withDraft.delivered, withDraft.drafts], [0, 1], "a draft is shown apart, not delivered")
        XCTAssertTrue(withDraft.shortfall)
        // Productivity and billing count signed notes only.
        XCTAssertEqual(try store.productivityReport(staffID: ana.id, from: fixtureToday, to: fixtureToday).map(\.sessions), [])
        // Home: every draft is an unsigned note (the list under it shows the same number).
        XCTAssertEqual(try store.homeSummary(for: ana.id!, on: fixtureToday).unsignedNotes, 1)
        XCTAssertEqual(try store.drafts(staffID: ana.id!, now: fixtureClock.now()).count, 1)

        _ = try store.sign(noteID: n.id!, expectedRevision: n.revision, by: ana)
        let signed = try XCTUnwrap(try store.delivery(planID: planID, on: fixtureToday).first)
        XCTAssertEqual([signed.delivered, signed.drafts], [1, 0])
        XCTAssertEqual(try store.productivityReport(staffID: ana.id, from: fixtureToday, to: fixtureToday).map(\.sessions), [1])
        XCTAssertEqual(try store.homeSummary(for: ana.id!, on: fixtureToday).unsignedNotes, 0)
    }

    func testAWordOnlyInAnAddendumIsFoundAndTheHitSaysSo() throws {
        let n = try draft(["Reviewed the week.", "Steady.", "Weekly."])
        _ = try store.sign(noteID: n.id!, expectedRevision: n.revision, by: ana)
        let query = NoteSearchQuery(text: "pharmacogenomics")
        XCTAssertEqual(try store.searchNotes(query, by: ana).count, 0)
        _ = try store.addAddendum(noteID: n.id!, text: "Late entry: pharmacogenomics panel ordered.", by: ana)
        _ = try store.addAddendum(noteID: n.id!, text: "Results of the panel reviewed with the client.", by: ana)
        let hits = try store.searchNotes(query, by: ana)
        XCTAssertEqual(hits.map(\.noteID), [n.id!])
        XCTAssertEqual(hits.first?.section, "Addendum")
        XCTAssertTrue(hits.first?.snippet.contains("pharmacogenomics") == true, "\(hits)")
        // Within one client's notes too (the chart's search), and the words of the sections still match.
        XCTAssertEqual(try store.searchNotes(NoteSearchQuery(text: "panel", clientID: client.id!), by: ana).map(\.noteID), [n.id!])
        XCTAssertEqual(try store.searchNotes(NoteSearchQuery(text: "steady"), by: ana).first?.section, "Assessment")
        // The index stays consistent: FTS5's own check passes after the re-indexing.
        try store.dbPool.write { db in try db.execute(sql: "INSERT INTO note_search (note_search, rank) VALUES ('integrity-check', 1)") }
    }

    // MARK: Groups

    func testSessionsToSignReachHomeAndTheOverdueReportAndASessionIsNotAddedTwice() throws {
        let held = try store.insert(GroupSession(groupID: group.id!, date: fixtureToday.adding(days: -2), startMinute: 630,
                                                 minutes: 60, status: .scheduled))
        _ = try store.mark(sessionID: held.id!, clientID: client.id!, status: .present, minutes: 60, line: nil, by: ana)
        let forgotten = try store.insert(GroupSession(groupID: group.id!, date: fixtureToday.adding(days: -9), startMinute: 630,
                                                      minutes: 60, status: .scheduled))
        try store.insert(GroupSession(groupID: group.id!, date: fixtureToday.adding(days: 5), startMinute: 630,
                                      minutes: 60, status: .scheduled))
        let toSign = try store.sessionsToSign(facilitatorID: fay.id, on: fixtureToday)
        XCTAssertEqual(toSign.map(\.sessionID), [forgotten.id!, held.id!], "oldest first; a future session is not due")
        XCTAssertEqual(toSign.map(\.held), [false, true])
        XCTAssertEqual(toSign.first?.unmarked, 1)
        XCTAssertEqual(try store.sessionsToSign(facilitatorID: ben.id, on: fixtureToday), [], "ben runs no group")
        let overdue = try store.overdueReport(staffID: ana.id, on: fixtureToday).filter { $0.kind == .groupSessionUnsigned }
        XCTAssertEqual(overdue.map(\.date), [forgotten.date, held.date])
        XCTAssertTrue(overdue.last?.detail.contains("held, not signed") == true, "\(overdue)")
        try store.signGroupSession(sessionID: held.id!, by: ana)
        XCTAssertEqual(try store.sessionsToSign(facilitatorID: fay.id, on: fixtureToday).map(\.sessionID), [forgotten.id!])
        // Home tells a signed session from one held and not signed.
        XCTAssertEqual(TodayGroup(groupID: 1, groupSessionID: 2, name: "G", startMinute: 600, minutes: 60, room: "",
                                  rosterSize: 3, status: .held, signed: false).statusText, "Held, not signed")
        // A session at the same hour is the same session entered twice.
        XCTAssertThrowsError(try store.addSession(groupID: group.id!, date: forgotten.date, startMinute: 630, minutes: 60,
                                                  by: ana)) { e in
            XCTAssertTrue("\(e)".contains("already has a session on \(forgotten.date) at 10:30"), "\(e)")
        }
        XCTAssertNoThrow(try store.addSession(groupID: group.id!, date: forgotten.date, startMinute: 14 * 60, minutes: 60, by: ana))
    }

    func testAttendanceIsTakenOnTheDayWithMinutesWithinTheSession() throws {
        let tomorrow = try store.insert(GroupSession(groupID: group.id!, date: fixtureToday.adding(days: 1), startMinute: 630,
                                                     minutes: 60, status: .scheduled))
        XCTAssertThrowsError(try store.mark(sessionID: tomorrow.id!, clientID: client.id!, status: .present, minutes: 60,
                                            line: nil, by: ana)) { e in
            XCTAssertTrue("\(e)".hasPrefix("This session is on 2025-03-13, after today (2025-03-12)"), "\(e)")
        }
        XCTAssertThrowsError(try store.signGroupSession(sessionID: tomorrow.id!, by: ana))
        XCTAssertEqual(try store.attendanceSheet(sessionID: tomorrow.id!).lines.compactMap(\.attendance), [])

        let today = try store.insert(GroupSession(groupID: group.id!, date: fixtureToday, startMinute: 630, minutes: 60,
                                                  status: .scheduled))
        for (status, minutes) in [(AttendanceStatus.late, 200), (.leftEarly, 61), (.present, 0), (.late, -5)] {
            XCTAssertThrowsError(try store.mark(sessionID: today.id!, clientID: client.id!, status: status, minutes: minutes,
                                                line: nil, by: ana), "\(status) \(minutes)")
        }
        XCTAssertEqual(try store.mark(sessionID: today.id!, clientID: client.id!, status: .late, minutes: 45, line: nil,
                                      by: ana).minutes, 45)
        XCTAssertEqual(try store.mark(sessionID: today.id!, clientID: client.id!, status: .absent, minutes: 30, line: nil,
                                      by: ana).minutes, 0, "an absence has no minutes, whatever was sent")
        XCTAssertEqual(try store.mark(sessionID: today.id!, clientID: client.id!, status: .present, minutes: 60, line: nil,
                                      by: ana).status, .present)
    }

    func testACoFacilitatedSessionCountsOnceInTheProgramTotal() throws {
        let session = try store.insert(GroupSession(groupID: group.id!, date: fixtureToday, startMinute: 630, minutes: 60,
                                                    status: .scheduled))
        _ = try store.mark(sessionID: session.id!, clientID: client.id!, status: .present, minutes: 60, line: nil, by: ana)
        // Held but not signed: not productivity yet.
        XCTAssertEqual(try store.productivityTotal(staffID: nil, from: fixtureToday, to: fixtureToday).sessions, 0)
        try store.signGroupSession(sessionID: session.id!, by: ana)
        let rows = try store.productivityReport(staffID: nil, from: fixtureToday, to: fixtureToday)
        XCTAssertEqual(rows.map(\.staffName).sorted(), ["Ana Pérez", "Fay Lin"], "each facilitator is credited")
        XCTAssertEqual(rows.map(\.sessions), [1, 1])
        let total = try store.productivityTotal(staffID: nil, from: fixtureToday, to: fixtureToday)
        XCTAssertEqual([total.sessions, total.minutes, total.billingUnits], [1, 60, 4], "the program total counts it once")
        XCTAssertEqual(try store.productivityTotal(staffID: fay.id, from: fixtureToday, to: fixtureToday).sessions, 1)
    }

    // MARK: Drug screens

    func testAScreenEnteredInErrorStaysMarkedAndACorrectionNamesIt() throws {
        let wrong = try store.recordScreen(DrugScreen(clientID: client.id!, collectedOn: fixtureToday, observed: true,
                                                      results: [.fentanyl: .positive, .methadone: .positive]), by: ana)
        // The recorded screen itself never changes, even through SQL.
        XCTAssertThrowsError(try store.dbPool.write { db in
            try db.execute(sql: "UPDATE drug_screen_results SET result = 'negative' WHERE screen_id = ?", arguments: [wrong.id])
        })
        XCTAssertThrowsError(try store.dbPool.write { db in
            try db.execute(sql: "DELETE FROM drug_screens WHERE id = ?", arguments: [wrong.id])
        })
        XCTAssertThrowsError(try store.markScreenEnteredInError(screenID: wrong.id!, reason: "oops", by: ana),
                             "a reason of a few words")
        let right = try store.recordCorrection(
            DrugScreen(clientID: client.id!, collectedOn: fixtureToday, observed: true,
                       results: [.fentanyl: .negative, .methadone: .positive]),
            replacing: wrong.id!, reason: "result keyed on the wrong line", by: ana)
        let screens = try store.drugScreens(clientID: client.id!, limit: 10)
        XCTAssertEqual(screens.count, 2, "the wrong one stays in the chart")
        let old = try XCTUnwrap(screens.first { $0.id == wrong.id })
        XCTAssertEqual(old.enteredInError?.reason, "corrected by screen \(right.id!): result keyed on the wrong line")
        XCTAssertEqual(old.enteredInError?.byName, "Ana Pérez")
        XCTAssertEqual(old.results[.fentanyl], .positive, "kept as it was recorded")
        XCTAssertEqual(screens.first { $0.id == right.id }?.correctsID, wrong.id)
        XCTAssertThrowsError(try store.markScreenEnteredInError(screenID: wrong.id!, reason: "second time round", by: ana))
        // Exports keep both, the wrong one marked.
        let export = try exportText(store, mrn: client.mrn)
        XCTAssertTrue(export.contains("result keyed on the wrong line"), export)
        // Out of the random-screen count: a maintenance client with only an erroneous screen is still due.
        let error = try store.recordScreen(DrugScreen(clientID: client.id!, collectedOn: fixtureToday.adding(days: -3),
                                                      observed: true, results: [.cocaine: .positive]), by: ana)
        _ = try store.markScreenEnteredInError(screenID: error.id!, reason: "another client's cup", by: ana)
        XCTAssertEqual(try store.drugScreens(clientID: client.id!, limit: 10).filter { $0.enteredInError == nil }.count, 1)
    }

    func testTheClientsOwnMedicationIsTheExpectedPositive() {
        let negative = DrugScreen(clientID: 1, collectedOn: fixtureToday, observed: true,
                                  results: [.methadone: .negative, .fentanyl: .positive, .buprenorphine: .negative])
        XCTAssertEqual(negative.unexpectedNegative(for: .methadone), .methadone, "possible diversion")
        XCTAssertEqual(negative.unexpectedPositives(for: .methadone), [.fentanyl])
        let expected = DrugScreen(clientID: 1, collectedOn: fixtureToday, observed: true,
                                  results: [.methadone: .positive, .buprenorphine: .negative])
        XCTAssertNil(expected.unexpectedNegative(for: .methadone))
        XCTAssertEqual(expected.unexpectedPositives(for: .methadone), [])
        XCTAssertEqual(expected.unexpectedPositives(for: .buprenorphine), [.methadone], "someone else's methadone")
        XCTAssertNil(negative.unexpectedNegative(for: .naltrexone))
    }

    // MARK: Safety flags

    func testSafetyFlagsReachEveryoneWhoSeesAnyPartOfTheChart() throws {
        XCTAssertEqual(try store.chartSummary(clientID: client.id!).safetyFlags, ["safety alert", "pregnancy"])
        // The facilitator sees the group part only, and the safety flags with it (not the other flags).
        let facilitator = try SQLiteStore.open(path: store.path, clock: fixtureClock)
        try facilitator.bind(viewer: fay)
        let part = try facilitator.chartSummary(clientID: client.id!)
        XCTAssertFalse(part.access.isFull)
        XCTAssertEqual(part.safetyFlags, ["safety alert", "pregnancy"])
        XCTAssertEqual(part.client.flags, [], "the other flags stay with the counselor")
        let session = try store.insert(GroupSession(groupID: group.id!, date: fixtureToday, startMinute: 630, minutes: 60,
                                                    status: .scheduled))
        XCTAssertEqual(try facilitator.attendanceSheet(sessionID: session.id!).lines.first?.safetyFlags,
                       ["safety alert", "pregnancy"])
        // The program decides what is clinical.
        try store.updateSettings { $0.clinicalFlags = ["co-occurring"] }
        XCTAssertEqual(try store.chartSummary(clientID: client.id!).safetyFlags, ["co-occurring"])
        var settings = ProgramSettings()
        try ProgramSetting.clinicalFlags.apply("safety alert, allergy", to: &settings)
        XCTAssertEqual(settings.safetyFlags(["Allergy: penicillin", "housing"]), ["Allergy: penicillin"])
        XCTAssertThrowsError(try ProgramSetting.clinicalFlags.apply(" , ", to: &settings))
    }
}
