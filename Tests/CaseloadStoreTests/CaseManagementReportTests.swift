// The case-management store on a small hand-made fixture: every report figure below was counted
// by hand from the records inserted in `makeFixture`, not taken from the implementation.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class CaseManagementReportTests: XCTestCase {
    private var store: SQLiteStore!
    private var admin: Staff!, zoe: Staff!, bob: Staff!
    private var c1: Client!, c2: Client!, c3: Client!, c4: Client!, c5: Client!

    override func setUpWithError() throws {
        let dir = try TestDirs.make(self)
        store = try SQLiteStore.open(path: dir.appendingPathComponent("cm.sqlite").path, create: true, clock: fixtureClock)
        try makeFixture()
    }

    private func day(_ s: String) -> Day { Day(s)! }
    private func at(_ s: String, _ hour: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day(s).ordinal * 86400 + hour * 3600))
    }

    private func client(_ mrn: String, _ last: String, _ counselor: Staff?, _ status: ClientStatus, _ phase: String,
                        admitted: String, discharged: String? = nil) throws -> Client {
        try store.insert(Client(mrn: mrn, legalFirstName: "Zoë", legalLastName: last, dateOfBirth: day("1980-01-01"),
                                admissionDate: day(admitted), dischargeDate: discharged.map(day), status: status,
                                phase: phase, medication: .methadone, doseMg: 80, primaryCounselorID: counselor?.id))
    }

    /// Today is Wednesday 2025-03-12 09:00 (fixtureClock).
    private func makeFixture() throws {
        admin = try store.addStaff(Staff(username: "ada", displayName: "Ada Admin", role: .admin))
        zoe = try store.addStaff(Staff(username: "zn", displayName: "Zoë Ñúñez", role: .counselor))
        bob = try store.addStaff(Staff(username: "bs", displayName: "Bob Stone", role: .counselor))
        c1 = try client("C1", "Alpha", zoe, .active, "Maintenance", admitted: "2025-03-01")
        c2 = try client("C2", "Beta", zoe, .onHold, "Stabilization", admitted: "2024-06-01")
        c3 = try client("C3", "Gamma", zoe, .discharged, "Maintenance", admitted: "2024-01-01", discharged: "2025-03-05")
        c4 = try client("C4", "Delta 李", bob, .active, "Maintenance", admitted: "2025-02-20")
        c5 = try client("C5", "Epsilon", nil, .active, "Orientation", admitted: "2025-03-10")

        // Plans: C1's review was due 2025-03-01 (overdue), C2's is 2025-04-01 (not yet).
        try store.insert(TreatmentPlan(clientID: c1.id!, version: 1, status: .draft, effectiveDate: day("2024-12-01"),
                                       nextReviewDate: day("2025-03-01")))
        try store.insert(TreatmentPlan(clientID: c2.id!, version: 1, status: .draft, effectiveDate: day("2025-01-01"),
                                       nextReviewDate: day("2025-04-01")))

        // Notes. Zoë, 1–12 March: individual 60 min/4 u, 45 min/3 u, a no-show carrying 50 min/3 u that must
        // not count; case management 30 min/2 u; and one case management note on 28 Feb (outside the period).
        // Bob: individual 50 min/3 u. Zoë's draft of 10 March is older than 24 h; her draft created at 08:00
        // today is not; signed notes never count.
        let individual = try XCTUnwrap(try store.modalityID(named: "Individual counseling"))
        let caseManagement = try XCTUnwrap(try store.modalityID(named: "Case management"))
        func note(_ who: Staff, _ c: Client, _ d: String, _ minutes: Int, _ units: Int, _ modality: RowID,
                  _ format: SessionFormat = .individual, draft: Bool = false, created: Date? = nil) throws {
            let made = created ?? at(d, 10)
            try store.insert(ProgressNote(clientID: c.id!, staffID: who.id!, date: day(d), startMinute: 600, minutes: minutes,
                                          modalityID: modality, format: format, template: .dap, sections: ["x", "y", "z"],
                                          status: draft ? .draft : .signed, signedAt: draft ? nil : made,
                                          signedByID: draft ? nil : who.id, billingUnits: units, createdAt: made, updatedAt: made))
        }
        try note(zoe, c1, "2025-03-03", 60, 4, individual)
        try note(zoe, c2, "2025-03-10", 45, 3, individual, draft: true)
        try note(zoe, c1, "2025-03-11", 50, 3, individual, .noShow)
        try note(zoe, c1, "2025-03-12", 30, 2, caseManagement, draft: true, created: at("2025-03-12", 8))
        try note(zoe, c1, "2025-02-28", 30, 2, caseManagement)
        try note(bob, c4, "2025-03-04", 50, 3, individual)

        // Referrals: open follow-ups due for C1 (today), C2 (5 March) and C4 (11 March); not due: completed,
        // a date still to come, and a discharged client's.
        func referral(_ c: Client, _ type: ReferralType, _ status: ReferralStatus, _ followUp: String?) throws {
            try store.insert(Referral(clientID: c.id!, type: type, agency: "Agency \(type.rawValue)",
                                      referredOn: day("2025-02-01"), status: status, followUpOn: followUp.map(day)))
        }
        try referral(c1, .housing, .made, "2025-03-12")
        try referral(c2, .legal, .accepted, "2025-03-05")
        try referral(c1, .medical, .completed, "2025-03-01")
        try referral(c4, .benefits, .made, "2025-03-20")
        try referral(c4, .vocational, .made, "2025-03-11")
        try referral(c3, .housing, .made, "2025-03-01")

        // Consents: only C1's (expires 1 April, 20 days away) is in force and within 30 days.
        func consent(_ c: Client, expires: String, revoked: String? = nil) throws {
            try store.insert(Consent(clientID: c.id!, discloser: "OTP", recipient: "Family of \(c.legalLastName)",
                                     purpose: "coordination", informationCovered: "attendance", expiresOn: day(expires),
                                     signedOn: day("2024-10-01"), revokedOn: revoked.map(day)))
        }
        try consent(c1, expires: "2025-04-01")
        try consent(c2, expires: "2025-04-20")
        try consent(c4, expires: "2025-03-20", revoked: "2025-03-01")
        try consent(c5, expires: "2025-03-11")

        // Screens in the 12 months to today: C1 has 7 random (+2 observed non-random, +1 random 13 months ago),
        // C4 has exactly 8 random.
        func screens(_ c: Client, _ dates: [String], random: Bool = true) throws {
            for d in dates {
                try store.insert(DrugScreen(clientID: c.id!, collectedOn: day(d), observed: true, random: random,
                                            results: [.opioids: .negative, .fentanyl: .negative]))
            }
        }
        try screens(c1, ["2024-04-01", "2024-06-01", "2024-08-01", "2024-10-01", "2024-12-01", "2025-02-01", "2025-03-12"])
        try screens(c1, ["2025-01-01", "2025-01-15"], random: false)
        try screens(c1, ["2024-02-10"])
        try screens(c4, ["2024-03-13", "2024-05-01", "2024-07-01", "2024-09-01", "2024-11-01", "2025-01-01",
                         "2025-02-01", "2025-03-01"])
    }

    // MARK: - Reports

    func testCaseloadReportPerCounselor() throws {
        let rows = try store.caseloadReport(staffID: nil, from: day("2025-03-01"), to: day("2025-03-12"))
        XCTAssertEqual(rows, [
            CaseloadReportRow(counselorName: "Bob Stone", username: "bs", active: 1, onHold: 0, admissions: 0, discharges: 0),
            CaseloadReportRow(counselorName: "Zoë Ñúñez", username: "zn", active: 1, onHold: 1, admissions: 1, discharges: 1),
            CaseloadReportRow(counselorName: "Unassigned", username: nil, active: 1, onHold: 0, admissions: 1, discharges: 0),
        ])
        // A period that ends before C1's admission and C3's discharge counts neither.
        let february = try store.caseloadReport(staffID: zoe.id, from: day("2025-02-01"), to: day("2025-02-28"))
        XCTAssertEqual(february, [CaseloadReportRow(counselorName: "Zoë Ñúñez", username: "zn", active: 1, onHold: 1,
                                                    admissions: 0, discharges: 0)])
        // A staff member without clients still gets a row of zeros.
        XCTAssertEqual(try store.caseloadReport(staffID: admin.id, from: day("2025-03-01"), to: day("2025-03-12")),
                       [CaseloadReportRow(counselorName: "Ada Admin", username: "ada", active: 0, onHold: 0, admissions: 0, discharges: 0)])
    }

    func testProductivityExcludesNoShowsFromMinutesAndUnits() throws {
        // Signed notes only: Zoë's drafts of 10 and 12 March document nothing yet.
        let rows = try store.productivityReport(staffID: nil, from: day("2025-03-01"), to: day("2025-03-12"))
        XCTAssertEqual(rows, [
            ProductivityRow(staffName: "Bob Stone", modality: "Individual counseling", sessions: 1, minutes: 50, billingUnits: 3, noShows: 0),
            ProductivityRow(staffName: "Zoë Ñúñez", modality: "Individual counseling", sessions: 1, minutes: 60, billingUnits: 4, noShows: 1),
        ])
        XCTAssertEqual(try store.productivityReport(staffID: bob.id, from: day("2025-03-01"), to: day("2025-03-12")).count, 1)
        let withFebruary = try store.productivityReport(staffID: zoe.id, from: day("2025-02-28"), to: day("2025-03-12"))
        XCTAssertEqual(withFebruary.first { $0.modality == "Case management" }?.sessions, 1)
        let total = try store.productivityTotal(staffID: nil, from: day("2025-03-01"), to: day("2025-03-12"))
        XCTAssertEqual([total.sessions, total.minutes, total.billingUnits, total.noShows], [2, 110, 7, 1])
    }

    func testProductivityCountsHeldGroupSessionsForEachFacilitator() throws {
        // A relapse-prevention group run by Bob and Zoë together: one session held on 5 March (90 minutes; C1
        // present 90 min = 6 units at 15 min a unit, C4 late 50 min = 3 units, C2 absent = 0), one held on
        // 20 February (outside the period) and one only scheduled on 12 March (not held: not counted).
        let relapse = try XCTUnwrap(try store.modalityID(named: "Relapse prevention"))
        let group = try store.insert(CounselingGroup(name: "Tuesdays", modalityID: relapse, weekday: 2, startMinute: 600,
                                                     minutes: 90, room: "B", isOpen: true, capacity: 12),
                                     facilitatorIDs: [bob.id!, zoe.id!])
        let held = try store.insert(GroupSession(groupID: group.id!, date: day("2025-03-05"), startMinute: 600, minutes: 90,
                                                 status: .held))
        try store.insert(Attendance(groupSessionID: held.id!, clientID: c1.id!, status: .present, minutes: 90))
        try store.insert(Attendance(groupSessionID: held.id!, clientID: c4.id!, status: .late, minutes: 50))
        try store.insert(Attendance(groupSessionID: held.id!, clientID: c2.id!, status: .absent, minutes: 0))
        let earlier = try store.insert(GroupSession(groupID: group.id!, date: day("2025-02-20"), startMinute: 600,
                                                    minutes: 90, status: .held))
        try store.insert(Attendance(groupSessionID: earlier.id!, clientID: c1.id!, status: .present, minutes: 90))
        try store.insert(GroupSession(groupID: group.id!, date: day("2025-03-12"), startMinute: 600, minutes: 90,
                                      status: .scheduled))
        // Signed sessions only count (a session not signed yet documents nothing).
        try store.signGroupSession(sessionID: held.id!, by: bob)
        try store.signGroupSession(sessionID: earlier.id!, by: bob)

        let rows = try store.productivityReport(staffID: nil, from: day("2025-03-01"), to: day("2025-03-12"))
        XCTAssertEqual(rows, [
            ProductivityRow(staffName: "Bob Stone", modality: "Individual counseling", sessions: 1, minutes: 50, billingUnits: 3, noShows: 0),
            ProductivityRow(staffName: "Bob Stone", modality: "Relapse prevention", sessions: 1, minutes: 90, billingUnits: 9, noShows: 0),
            ProductivityRow(staffName: "Zoë Ñúñez", modality: "Individual counseling", sessions: 1, minutes: 60, billingUnits: 4, noShows: 1),
            ProductivityRow(staffName: "Zoë Ñúñez", modality: "Relapse prevention", sessions: 1, minutes: 90, billingUnits: 9, noShows: 0),
        ])
        // The program's total counts the co-facilitated session once: 1 + 1 individual sessions and 1 group session.
        let total = try store.productivityTotal(staffID: nil, from: day("2025-03-01"), to: day("2025-03-12"))
        XCTAssertEqual([total.sessions, total.minutes, total.billingUnits, total.noShows], [3, 200, 16, 1])
        let bobsFebruary = try store.productivityReport(staffID: bob.id, from: day("2025-02-01"), to: day("2025-03-12"))
        XCTAssertEqual(bobsFebruary.first { $0.modality == "Relapse prevention" },
                       ProductivityRow(staffName: "Bob Stone", modality: "Relapse prevention", sessions: 2, minutes: 180,
                                       billingUnits: 15, noShows: 0))
    }

    func testOverdueItemsOfEachKind() throws {
        let mine = try store.overdueReport(staffID: zoe.id, on: fixtureToday)
        XCTAssertEqual(mine.map(\.kind), [.planReview, .unsignedNote, .referralFollowUp, .referralFollowUp,
                                          .consentExpiring, .screensDue])
        XCTAssertEqual(mine.map(\.mrn), ["C1", "C2", "C2", "C1", "C1", "C1"])
        XCTAssertEqual(mine[0].date, day("2025-03-01"))
        XCTAssertEqual(mine[1].date, day("2025-03-10"))
        XCTAssertEqual(mine[4].date, day("2025-04-01"))
        XCTAssertTrue(mine[5].detail.hasPrefix("7 of 8"), mine[5].detail)
        XCTAssertTrue(mine.allSatisfy { $0.counselorName == "Zoë Ñúñez" })

        let bobs = try store.overdueReport(staffID: bob.id, on: fixtureToday)
        XCTAssertEqual(bobs.map(\.kind), [.referralFollowUp])
        XCTAssertEqual(bobs.first?.clientName, "Delta 李, Zoë")
        XCTAssertEqual(try store.overdueReport(staffID: nil, on: fixtureToday).count, 7)
    }

    func testFollowUpsAndScreensDueForHome() throws {
        let due = try store.followUpsDue(counselorID: zoe.id!, on: fixtureToday)
        XCTAssertEqual(due.map(\.mrn), ["C2", "C1"])
        XCTAssertEqual(due.map(\.referral.type), [.legal, .housing])
        let screens = try store.screensDue(counselorID: zoe.id!, on: fixtureToday)
        XCTAssertEqual(screens, [ScreensDue(clientID: c1.id!, clientName: "Alpha, Zoë", mrn: "C1", randomScreens: 7)])
        XCTAssertEqual(try store.screensDue(counselorID: bob.id!, on: fixtureToday), [])
        // One more random screen for C1 clears the flag.
        _ = try store.recordScreen(DrugScreen(clientID: c1.id!, collectedOn: fixtureToday, observed: false, random: true,
                                              results: [.cannabis: .positive]), by: zoe)
        XCTAssertEqual(try store.screensDue(counselorID: zoe.id!, on: fixtureToday), [])
    }

    // MARK: - Editors

    func testReferralEditsUseRevisionsAndNameWhoChangedIt() throws {
        // Zoë's supervisor edits her client's referral meanwhile (another counselor may not: Access.swift).
        let sam = try store.addStaff(Staff(username: "sam", displayName: "Sam Reyes", role: .supervisor))
        try store.write { try $0.execute(sql: "UPDATE staff SET supervisor_id = ? WHERE id = ?", arguments: [sam.id, zoe.id]) }
        XCTAssertThrowsError(try store.saveReferral(Referral(clientID: c1.id!, type: .housing, agency: "x", referredOn: fixtureToday,
                                                             status: .made, followUpOn: nil), by: bob))
        let saved = try store.saveReferral(Referral(clientID: c1.id!, type: .mentalHealth, agency: "  Clínica Luz 光 ",
                                                    referredOn: fixtureToday, status: .made, followUpOn: day("2025-03-19")),
                                           by: zoe)
        XCTAssertEqual(saved.revision, 1)
        XCTAssertEqual(saved.agency, "Clínica Luz 光")
        var mineCopy = saved, theirCopy = saved
        theirCopy.status = .accepted
        let theirs = try store.saveReferral(theirCopy, by: sam)
        XCTAssertEqual(theirs.revision, 2)
        mineCopy.note = "called twice"
        XCTAssertThrowsError(try store.saveReferral(mineCopy, by: zoe)) { error in
            let conflict = error as? EditConflict
            XCTAssertEqual(conflict?.changedBy, "Sam Reyes")
            XCTAssertEqual(conflict?.description, "The referral was changed by Sam Reyes while you were editing it.")
        }
        let stored = try store.referralList(clientID: c1.id!).first { $0.id == saved.id }
        XCTAssertEqual(stored?.status, .accepted)
        XCTAssertEqual(stored?.note, "")
        let audit = try store.activity(clientID: c1.id!, limit: 10)
        XCTAssertEqual(audit.filter { $0.subject == "referral:\(saved.id!)" }.map(\.action), [.update, .create])

        var bad = saved
        bad.id = nil
        bad.followUpOn = day("2025-03-01")
        XCTAssertThrowsError(try store.saveReferral(bad, by: zoe)) { error in
            XCTAssertEqual(error as? CaseloadError,
                           .invalidInput("The follow-up date (2025-03-01) is before the referral date (2025-03-12)."))
        }
        bad.followUpOn = nil
        bad.agency = "   "
        XCTAssertThrowsError(try store.saveReferral(bad, by: zoe))
    }

    func testContactsShowTheConsentInForce() throws {
        let consents = try store.consents(clientID: c1.id!)
        let active = try XCTUnwrap(consents.first)
        let expired = try store.insert(Consent(clientID: c1.id!, discloser: "OTP", recipient: "Old", purpose: "p",
                                               informationCovered: "i", expiresOn: day("2025-01-01"), signedOn: day("2024-01-01")))
        let mother = try store.saveContact(Contact(clientID: c1.id!, name: "María Ñúñez", relationship: "mother",
                                                   phone: "555-0101", involvement: "family sessions", consentID: active.id),
                                           by: zoe)
        _ = try store.saveContact(Contact(clientID: c1.id!, name: "Old Friend", relationship: "friend", phone: "",
                                          involvement: "", consentID: expired.id), by: zoe)
        _ = try store.saveContact(Contact(clientID: c1.id!, name: "Neighbour", relationship: "neighbour", phone: "",
                                          involvement: ""), by: zoe)
        let rows = try store.contactRows(clientID: c1.id!, on: fixtureToday)
        XCTAssertEqual(rows.map(\.contact.name), ["María Ñúñez", "Neighbour", "Old Friend"])
        XCTAssertEqual(rows.map { $0.activeConsent?.id }, [active.id, nil, nil])

        // Someone else's consent cannot be attached.
        let othersConsent = try XCTUnwrap(try store.consents(clientID: c2.id!).first)
        var wrong = mother
        wrong.consentID = othersConsent.id
        XCTAssertThrowsError(try store.saveContact(wrong, by: zoe)) { error in
            XCTAssertEqual(error as? CaseloadError, .invalidInput("The consent chosen is not one of this client's consents."))
        }
        var stale = mother
        _ = try store.saveContact({ var m = mother; m.phone = "555-0199"; return m }(), by: bob)
        stale.involvement = "none"
        XCTAssertThrowsError(try store.saveContact(stale, by: zoe)) { XCTAssertTrue($0 is EditConflict) }
    }

    func testScreensNeedAResultAndAPastDate() throws {
        XCTAssertThrowsError(try store.recordScreen(DrugScreen(clientID: c1.id!, collectedOn: fixtureToday, observed: true,
                                                               results: [.opioids: .notTested]), by: zoe))
        XCTAssertThrowsError(try store.recordScreen(DrugScreen(clientID: c1.id!, collectedOn: day("2025-03-13"), observed: true,
                                                               results: [.opioids: .negative]), by: zoe))
        let s = try store.recordScreen(DrugScreen(clientID: c1.id!, collectedOn: fixtureToday, observed: true, random: false,
                                                  results: [.fentanyl: .positive, .methadone: .positive]), by: zoe)
        let newest = try XCTUnwrap(try store.screenHistory(clientID: c1.id!, limit: 1).first)
        XCTAssertEqual(newest.id, s.id)
        XCTAssertEqual(newest.results, [.fentanyl: .positive, .methadone: .positive])
        XCTAssertFalse(newest.random)
    }

    // MARK: - Import at the store

    func testImportIsRefusedToCounselorsAndAllOrNothing() throws {
        let row = ClientImportRow(row: 2, mrn: "N1", lastName: "Ñúñez", firstName: "Zoë", preferredName: nil,
                                  dateOfBirth: day("1990-01-01"), admissionDate: day("2025-03-01"), phase: "Maintenance",
                                  medication: .methadone, doseMg: 90, takeHomeLevel: 0, counselorUsername: "zn", status: .active)
        XCTAssertThrowsError(try store.importClients([row], source: "r.csv", by: zoe, dryRun: false)) { error in
            XCTAssertEqual(error as? CaseloadError, .refused("Only an administrator or a clinical supervisor can import the roster."))
        }
        var unknown = row
        unknown.row = 3; unknown.mrn = "N2"; unknown.counselorUsername = "ghost"
        let before = try exportText(store)
        XCTAssertThrowsError(try store.importClients([row, unknown], source: "r.csv", by: admin, dryRun: false)) { error in
            XCTAssertEqual((error as? ImportProblems)?.problems.map(\.line),
                           ["row 3, column counselor: there is no staff account 'ghost' (add it with: caseload staff add ghost)"])
        }
        XCTAssertEqual(try exportText(store), before)
        XCTAssertEqual(try store.importClients([row], source: "r.csv", by: admin, dryRun: false),
                       ImportSummary(added: 1, updated: 0, unchanged: 0))
        XCTAssertEqual(try store.client(mrn: "N1")?.primaryCounselorID, zoe.id)
    }
}
