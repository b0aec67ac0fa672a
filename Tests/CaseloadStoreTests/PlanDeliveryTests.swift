// Planned against delivered on a hand-built fixture: the 28 days ending Wednesday 2025-03-12
// run from 2025-02-13 to 2025-03-12.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class PlanDeliveryTests: XCTestCase {
    func testDeliveredSessionsAgainstThePlannedFrequency() throws {
        let path = try TestDirs.make(self).appendingPathComponent("delivery.sqlite").path
        let store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        let ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor))
        let client = try store.insert(Client(mrn: "A-001", legalFirstName: "Zoë", legalLastName: "Ñúñez",
                                             dateOfBirth: Day("1988-07-14")!, admissionDate: Day("2024-06-01")!,
                                             phase: "Stabilization", medication: .methadone, doseMg: 80,
                                             primaryCounselorID: ana.id))
        let other = try store.insert(Client(mrn: "A-002", legalFirstName: "Ama", legalLastName: "Mensah",
                                            dateOfBirth: Day("1990-01-01")!, admissionDate: Day("2024-06-01")!,
                                            phase: "Stabilization", medication: .methadone, doseMg: 60,
                                            primaryCounselorID: ana.id))
        let cbt = try XCTUnwrap(try store.modalityID(named: "Cognitive-behavioral therapy"))
        let groupTherapy = try XCTUnwrap(try store.modalityID(named: "Group therapy"))
        let caseManagement = try XCTUnwrap(try store.modalityID(named: "Case management"))

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
        for (modality, times, period) in [(cbt, 2, FrequencyPeriod.week), (groupTherapy, 1, .week), (caseManagement, 2, .month)] {
            t = try store.apply(.addIntervention(Intervention(objectiveID: objectiveID, position: 0, modalityID: modality,
                                                              timesPerPeriod: times, period: period, responsibleStaffID: ana.id)),
                                planID: planID, expectedRevision: nil, by: ana)
        }
        t = try store.signPlan(planID: planID, expectedRevision: t.plan.revision, clientSigned: true, by: ana)

        func note(_ c: Client, _ date: String, _ modality: RowID, _ format: SessionFormat = .individual) throws {
            let at = fixtureClock.now()
            try store.insert(ProgressNote(clientID: c.id!, staffID: ana.id!, date: Day(date)!, startMinute: 600, minutes: 50,
                                          modalityID: modality, format: format, template: .dap, sections: ["D", "A", "P"],
                                          status: .signed, signedAt: at, signedByID: ana.id, billingUnits: 3,
                                          createdAt: at, updatedAt: at))
        }
        // Five CBT sessions in the window (the first on its first day, the last today) …
        for d in ["2025-02-13", "2025-02-20", "2025-02-27", "2025-03-06", "2025-03-12"] { try note(client, d, cbt) }
        // … a no-show, a session 29 days before today, one tomorrow and another client's session: none count.
        try note(client, "2025-03-10", cbt, .noShow)
        try note(client, "2025-02-12", cbt)
        try note(client, "2025-03-13", cbt)
        try note(other, "2025-03-11", cbt)

        // A CBT-less group: attended on 03-05 (late counts), absent 02-26, attended 02-05 (outside).
        let group = try store.insert(CounselingGroup(name: "Early Recovery", modalityID: groupTherapy, weekday: 2,
                                                     startMinute: 630, minutes: 60, room: "Room 2", isOpen: true, capacity: 10))
        for (date, status) in [("2025-03-05", AttendanceStatus.late), ("2025-02-26", .absent), ("2025-02-05", .present)] {
            let session = try store.insert(GroupSession(groupID: group.id!, date: Day(date)!, startMinute: 630, minutes: 60,
                                                        status: .held))
            try store.insert(Attendance(groupSessionID: session.id!, clientID: client.id!, status: status, minutes: 60))
            // Signed: only a signed session is a delivered one.
            try store.dbPool.write { db in
                try db.execute(sql: "UPDATE group_sessions SET signed_at = ?, signed_by_id = ? WHERE id = ?",
                               arguments: [fixtureClock.now(), ana.id, session.id])
            }
        }

        let delivery = try store.delivery(planID: planID, on: fixtureToday)
        let interventions = t.problems[0].goals[0].objectives[0].interventions.map(\.intervention.id!)
        XCTAssertEqual(delivery.map(\.interventionID), interventions)
        XCTAssertEqual(delivery.map(\.planned), [8, 4, 2])     // 2×/week × 4, 1×/week × 4, 2×/month
        XCTAssertEqual(delivery.map(\.delivered), [5, 1, 0])
        XCTAssertEqual(delivery.map(\.shortfall), [true, true, true])

        // A week later the window (02-20 … 03-19) has lost the 02-13 session and gained the 03-13 one.
        XCTAssertEqual(try store.delivery(planID: planID, on: Day("2025-03-19")!).first?.delivered, 5)
        // Eight sessions reach the plan: no shortfall.
        for d in ["2025-02-14", "2025-02-21", "2025-02-28"] { try note(client, d, cbt) }
        XCTAssertEqual(try store.delivery(planID: planID, on: fixtureToday).first?.delivered, 8)
        XCTAssertEqual(try store.delivery(planID: planID, on: fixtureToday).first?.shortfall, false)
    }
}
