// Roles enforced in the store (issue 6): each person's handle sees and changes only what their role allows,
// every refusal is a sentence and an audit event, and emergency access asks for a reason and is recorded.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class AccessTests: XCTestCase {
    private var path: String!
    private var store: SQLiteStore!        // the program itself: no viewer
    private var dir: Staff!, sup: Staff!, other: Staff!, ana: Staff!, ben: Staff!, cal: Staff!, fay: Staff!, adm: Staff!
    private var zoe: Client!, ben1: Client!, cal1: Client!
    private var group: CounselingGroup!

    override func setUpWithError() throws {
        path = try TestDirs.make(self).appendingPathComponent("access.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        // The director supervises Sam, who supervises Ana and Ben; Cal is on another supervisor's team.
        dir = try store.addStaff(Staff(username: "dir", displayName: "Dora Director", role: .supervisor))
        sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Okafor", role: .supervisor, supervisorID: dir.id))
        other = try store.addStaff(Staff(username: "oli", displayName: "Oli Other", role: .supervisor))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id))
        ben = try store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor, supervisorID: sup.id))
        cal = try store.addStaff(Staff(username: "cal", displayName: "Cal Reyes", role: .counselor, supervisorID: other.id))
        fay = try store.addStaff(Staff(username: "fay", displayName: "Fay Li", role: .facilitator, supervisorID: other.id))
        adm = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        func client(_ mrn: String, _ first: String, _ last: String, _ counselor: Staff) throws -> Client {
            try store.insert(Client(mrn: mrn, legalFirstName: first, legalLastName: last, pronouns: "they/them",
                                    dateOfBirth: Day("1988-07-14")!, phone: "555-0100", admissionDate: Day("2024-06-01")!,
                                    phase: "Stabilization", medication: .methadone, doseMg: 80, takeHomeLevel: 2,
                                    primaryCounselorID: counselor.id, flags: ["safety alert"],
                                    emergencyContact: EmergencyContact(name: "Li Na 李娜", relationship: "sister", phone: "555-0199")))
        }
        zoe = try client("A-001", "Zoë", "Ñúñez", ana)
        ben1 = try client("B-001", "Ama", "Mensah", ben)
        cal1 = try client("C-001", "José", "García", cal)
        let gt = try XCTUnwrap(try store.modalityID(named: "Group therapy"))
        group = try store.insert(CounselingGroup(name: "Early Recovery", modalityID: gt, weekday: 2, startMinute: 630,
                                                 minutes: 60, room: "Room 2", isOpen: true, capacity: 10),
                                 facilitatorIDs: [fay.id!])
        try store.insert(GroupMember(groupID: group.id!, clientID: zoe.id!, joinedOn: Day("2025-01-01")!))
        let session = try store.insert(GroupSession(groupID: group.id!, date: Day("2025-03-05")!, startMinute: 630, minutes: 60,
                                                    topic: "Triggers", status: .held))
        try store.insert(Attendance(groupSessionID: session.id!, clientID: zoe.id!, status: .present, minutes: 60,
                                    line: "Shared a plan for the weekend."))
    }

    /// A session of `staff`: a second handle on the same file, bound to them as the app binds it at sign-in.
    private func session(_ staff: Staff) throws -> SQLiteStore {
        let h = try SQLiteStore.open(path: path, clock: fixtureClock)
        try h.bind(viewer: staff)
        return h
    }

    private func refusal(_ body: () throws -> Void) -> String? {
        do { try body() } catch CaseloadError.refused(let sentence) { return sentence } catch { return "\(error)" }
        return nil
    }

    private func refusedEvents() throws -> [String] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT username, coalesce(client_id, 0) AS c, subject FROM audit_events WHERE action = 'refused' ORDER BY id
                """).map { "\($0["username"] as String) \($0["c"] as Int64) \($0["subject"] as String)" }
        }
    }

    func testACounselorSeesTheirCaseloadInFullAndNothingOfAnotherCounselorsClient() throws {
        let h = try session(ana)
        XCTAssertEqual(try h.clientAccess(clientID: zoe.id!), .full(.ownCaseload))
        XCTAssertEqual(try h.chartSummary(clientID: zoe.id!).client.phone, "555-0100")
        XCTAssertEqual(try h.caseloadRows(for: ana.id!, scope: .mine, on: fixtureToday).map(\.mrn), ["A-001"])
        XCTAssertEqual(try h.clientAccess(clientID: ben1.id!), .none)
        XCTAssertEqual(refusal { _ = try h.chartSummary(clientID: self.ben1.id!) }, noAccess("B-001"))
        XCTAssertEqual(refusal { _ = try h.notes(clientID: self.ben1.id!, limit: 10, offset: 0) }, noAccess("B-001"))
        XCTAssertEqual(refusal { _ = try h.consents(clientID: self.ben1.id!) }, noAccess("B-001"))
        XCTAssertEqual(refusal { _ = try h.client(mrn: "B-001") }, noAccess("B-001"))
        XCTAssertNotNil(refusal { _ = try h.caseloadRows(for: self.ana.id!, scope: .team, on: fixtureToday) })
        XCTAssertNotNil(refusal { _ = try h.caseloadRows(for: self.ana.id!, scope: .all, on: fixtureToday) })
        XCTAssertNotNil(refusal { _ = try h.caseloadRows(for: self.ben.id!, scope: .mine, on: fixtureToday) }, "Ben's list")
        XCTAssertNotNil(refusal { _ = try h.homeSummary(for: self.ben.id!, on: fixtureToday) }, "Ben's Home")
        // Changes are refused the same way, and nothing is written.
        XCTAssertEqual(refusal {
            _ = try h.saveClientDetails(clientID: self.ben1.id!, ClientDetails(preferredName: "X", pronouns: nil, phone: nil,
                                                                               emergencyContact: nil),
                                        expectedVersion: nil, by: self.ana)
        }, noAccess("B-001"))
        XCTAssertNil(try store.chartSummary(clientID: ben1.id!).client.preferredName)
        // Each refusal is an audit event naming who, which client and what.
        let events = try refusedEvents()
        XCTAssertEqual(events.prefix(5), ["ana \(ben1.id!) chart", "ana \(ben1.id!) progress notes", "ana \(ben1.id!) consents",
                                          "ana \(ben1.id!) chart B-001", "ana 0 team caseload"])
        XCTAssertEqual(events.count, 9)
    }

    func testASupervisorSeesTheTeamAtAnyDepthAndNotAnotherTeam() throws {
        let sam = try session(sup)
        XCTAssertEqual(try sam.clientAccess(clientID: zoe.id!), .full(.team))
        XCTAssertEqual(Set(try sam.caseloadRows(for: sup.id!, scope: .team, on: fixtureToday).map(\.mrn)), ["A-001", "B-001"])
        XCTAssertEqual(try sam.caseloadRows(for: sup.id!, scope: .mine, on: fixtureToday), [])
        XCTAssertEqual(try sam.clientAccess(clientID: cal1.id!), .none)
        XCTAssertEqual(refusal { _ = try sam.chartSummary(clientID: self.cal1.id!) }, noAccess("C-001"))
        XCTAssertNotNil(refusal { _ = try sam.caseloadRows(for: self.sup.id!, scope: .all, on: fixtureToday) })
        // The supervisor may look at a supervisee's Home and drafts; not at another team's.
        XCTAssertNoThrow(try sam.homeSummary(for: ana.id!, on: fixtureToday))
        XCTAssertNotNil(refusal { _ = try sam.homeSummary(for: self.cal.id!, on: fixtureToday) })
        // The director above Sam sees Sam's team too.
        let dora = try session(dir)
        XCTAssertEqual(Set(try dora.caseloadRows(for: dir.id!, scope: .team, on: fixtureToday).map(\.mrn)), ["A-001", "B-001"])
        XCTAssertEqual(try dora.clientAccess(clientID: ben1.id!), .full(.team))
        // A supervisor who is reassigned loses the team at once, in the open session.
        try store.write { try $0.execute(sql: "UPDATE staff SET supervisor_id = ? WHERE id = ?", arguments: [self.other.id, self.ben.id]) }
        XCTAssertEqual(try sam.clientAccess(clientID: ben1.id!), .none)
        XCTAssertEqual(try session(other).clientAccess(clientID: ben1.id!), .full(.team))
    }

    func testAFacilitatorSeesOnlyTheGroupPartOfAMembersChart() throws {
        let h = try session(fay)
        XCTAssertEqual(try h.clientAccess(clientID: zoe.id!), .groupPart(groupIDs: [group.id!]))
        let summary = try h.chartSummary(clientID: zoe.id!)
        XCTAssertEqual(summary.access, .groupPart(groupIDs: [group.id!]))
        XCTAssertEqual(summary.client.displayName, "Ñúñez, Zoë")
        XCTAssertEqual(summary.client.pronouns, "they/them")
        XCTAssertNil(summary.client.phone, "the phone belongs to the counselor's part")
        XCTAssertNil(summary.client.emergencyContact)
        XCTAssertEqual(summary.client.flags, [])
        XCTAssertEqual(summary.client.doseMg, 0)
        XCTAssertEqual(try h.groupMemberships(clientID: zoe.id!).map(\.groupName), ["Early Recovery"])
        XCTAssertEqual(try h.attendanceHistory(clientID: zoe.id!, limit: 10).map(\.line), ["Shared a plan for the weekend."])
        let groupPart = "You see only the group part of this chart (you facilitate a group the client attends); the progress notes belongs to the client's counselor and their supervisor."
        XCTAssertEqual(refusal { _ = try h.notes(clientID: self.zoe.id!, limit: 10, offset: 0) }, groupPart)
        XCTAssertNotNil(refusal { _ = try h.currentPlan(clientID: self.zoe.id!) })
        XCTAssertNotNil(refusal { _ = try h.drugScreens(clientID: self.zoe.id!, limit: 10) })
        XCTAssertNotNil(refusal { _ = try h.contacts(clientID: self.zoe.id!) })
        XCTAssertNotNil(refusal { _ = try h.activity(clientID: self.zoe.id!, limit: 10) })
        // Someone in no group of Fay's is refused outright; her roster and sheet are hers.
        XCTAssertEqual(refusal { _ = try h.chartSummary(clientID: self.ben1.id!) }, noAccess("B-001"))
        XCTAssertEqual(try h.roster(groupID: group.id!).map(\.mrn), ["A-001"])
        // Another group of Zoë's (not Fay's) stays out of Fay's view of the chart.
        let gt = try XCTUnwrap(try store.modalityID(named: "Group therapy"))
        let other = try store.insert(CounselingGroup(name: "Women's Group", modalityID: gt, weekday: 4, startMinute: 600,
                                                     minutes: 60, room: "Room 3", isOpen: true, capacity: 8),
                                     facilitatorIDs: [ana.id!])
        try store.insert(GroupMember(groupID: other.id!, clientID: zoe.id!, joinedOn: Day("2025-02-01")!))
        XCTAssertEqual(try h.groupMemberships(clientID: zoe.id!).map(\.groupName), ["Early Recovery"])
        XCTAssertEqual(Set(try session(ana).groupMemberships(clientID: zoe.id!).map(\.groupName)), ["Early Recovery", "Women's Group"])
        XCTAssertNotNil(refusal { _ = try h.roster(groupID: other.id!) })
    }

    func testAnAdministratorOpensAChartOnlyThroughRecordedEmergencyAccess() throws {
        let h = try session(adm)
        XCTAssertEqual(refusal { _ = try h.chartSummary(clientID: self.zoe.id!) },
                       "Administrators open a chart only through emergency access: type :breakglass A-001 and give the reason (it is recorded).")
        XCTAssertEqual(try h.caseloadRows(for: adm.id!, scope: .mine, on: fixtureToday), [])
        XCTAssertNotNil(refusal { _ = try h.overdueReport(staffID: nil, on: fixtureToday) }, "lists clients")
        XCTAssertNoThrow(try h.productivityReport(staffID: nil, from: fixtureToday.adding(days: -30), to: fixtureToday),
                         "counts only")
        // A reason is required, and it must say something.
        XCTAssertThrowsError(try h.breakGlass(mrn: "A-001", reason: "  urgent \n ", by: adm)) { error in
            guard case .invalidInput(let m)? = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertEqual(m, "Give the reason in a few words (12 characters at least); it is recorded.")
        }
        XCTAssertThrowsError(try h.breakGlass(mrn: "Z-999", reason: "client in crisis at the front desk", by: adm)) { error in
            XCTAssertEqual((error as? CaseloadError)?.description, "A client with the chart number 'Z-999' was not found.")
        }
        XCTAssertEqual(try h.clientAccess(clientID: zoe.id!), .none, "nothing granted by a refused request")
        let id = try h.breakGlass(mrn: "a-001", reason: "Client in crisis at the front desk;\u{07} counselor out sick", by: adm)
        XCTAssertEqual(id, zoe.id)
        XCTAssertEqual(try h.clientAccess(clientID: zoe.id!), .full(.emergency))
        XCTAssertEqual(try h.chartSummary(clientID: zoe.id!).access, .full(.emergency))
        XCTAssertNoThrow(try h.notes(clientID: zoe.id!, limit: 10, offset: 0))
        // Recorded with who, which client and the reason (control characters removed).
        let event = try XCTUnwrap(try store.activity(clientID: zoe.id!, limit: 10).first { $0.action == .breakGlass })
        XCTAssertEqual(event.username, "adm")
        XCTAssertEqual(event.detail, "emergency access by adm (administrator): Client in crisis at the front desk; counselor out sick")
        // The grant is this session's, and this chart's only.
        XCTAssertEqual(try session(adm).clientAccess(clientID: zoe.id!), .none)
        XCTAssertEqual(try h.clientAccess(clientID: ben1.id!), .none)
        // Someone who already sees the chart gets no emergency grant and no event.
        let before = try store.activity(clientID: zoe.id!, limit: 100).count
        XCTAssertEqual(try session(ana).breakGlass(mrn: "A-001", reason: "just checking something", by: ana), zoe.id)
        XCTAssertEqual(try store.activity(clientID: zoe.id!, limit: 100).count, before)
        // A session acts for one person only.
        XCTAssertNotNil(refusal { try h.bind(viewer: self.ana) })
        XCTAssertThrowsError(try h.breakGlass(mrn: "B-001", reason: "client in crisis at the front desk", by: ana))
    }

    func testADeactivatedAccountLosesEveryChartInItsOpenSession() throws {
        let h = try session(ana)
        XCTAssertNoThrow(try h.chartSummary(clientID: zoe.id!))
        _ = try store.changeStaff(username: "ana", .active(false), by: adm)
        XCTAssertEqual(refusal { _ = try h.chartSummary(clientID: self.zoe.id!) },
                       "Your staff account 'ana' is deactivated. Ask an administrator.")
        XCTAssertEqual(refusal { _ = try h.breakGlass(mrn: "A-001", reason: "client in crisis at the window", by: self.ana) },
                       "Your staff account 'ana' is deactivated. Ask an administrator.")
    }

    func testAReassignedClientMovesBetweenCaseloadsAtOnce() throws {
        let anas = try session(ana), bens = try session(ben)
        XCTAssertEqual(try bens.clientAccess(clientID: zoe.id!), .none)
        try store.write { try $0.execute(sql: "UPDATE clients SET primary_counselor_id = ? WHERE id = ?", arguments: [self.ben.id, self.zoe.id]) }
        XCTAssertEqual(try bens.clientAccess(clientID: zoe.id!), .full(.ownCaseload))
        XCTAssertEqual(try anas.clientAccess(clientID: zoe.id!), .none)
        XCTAssertEqual(Set(try bens.caseloadRows(for: ben.id!, scope: .mine, on: fixtureToday).map(\.mrn)), ["A-001", "B-001"])
    }

    func testExportsAreScopedLikeCharts() throws {
        let anas = try session(ana)
        XCTAssertEqual(refusal { _ = try exportText(anas) },
                       "Only an administrator exports the whole store; give --client MRN to export one client of your caseload.")
        XCTAssertTrue(try exportText(anas, mrn: "A-001").contains("Ñúñez"))
        XCTAssertEqual(refusal { _ = try exportText(anas, mrn: "B-001") }, noAccess("B-001"))
        XCTAssertTrue(try exportText(try session(adm)).contains("Mensah"), "the whole store is an administrator's, like a backup")
    }
}
