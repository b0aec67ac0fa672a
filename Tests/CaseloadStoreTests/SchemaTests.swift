// What the schema itself refuses: changes to signed notes and plans, audit rows, duplicates,
// values outside an enumeration. The Swift code relies on these as a second line of defence.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class SchemaTests: XCTestCase {
    private var store: SQLiteStore!
    private var ana: Staff!
    private var sup: Staff!
    private var client: Client!
    private var individual: RowID!

    override func setUpWithError() throws {
        let dir = try TestDirs.make(self)
        store = try SQLiteStore.open(path: dir.appendingPathComponent("schema.sqlite").path, create: true, clock: fixtureClock)
        sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Sup", role: .supervisor))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id))
        client = try store.insert(Client(mrn: "M1", legalFirstName: "Zoë", legalLastName: "Ñúñez",
                                         dateOfBirth: Day("1990-05-01")!, admissionDate: Day("2024-01-10")!,
                                         phase: "Stabilization", medication: .methadone, doseMg: 80,
                                         primaryCounselorID: ana.id))
        individual = try store.modalityID(named: "Individual counseling")
    }

    private func note(status: NoteStatus) throws -> ProgressNote {
        let at = fixtureClock.now()
        return try store.insert(ProgressNote(
            clientID: client.id!, staffID: ana.id!, date: fixtureToday, startMinute: 600, minutes: 50, modalityID: individual,
            format: .individual, template: .dap, sections: ["Data", "Assessment", "Plan"], status: status,
            signedAt: status == .signed ? at : nil, signedByID: status == .signed ? ana.id : nil, billingUnits: 3,
            createdAt: at, updatedAt: at))
    }

    /// Runs `sql` in a write transaction and returns the error a person would see.
    private func refusal(_ sql: String, _ arguments: StatementArguments = []) -> CaseloadError? {
        do {
            try store.write { try $0.execute(sql: sql, arguments: arguments) }
            return nil
        } catch { return error as? CaseloadError }
    }

    func testASignedNoteCannotBeChangedOnlyCosigned() throws {
        let n = try note(status: .signed)
        let id = n.id!
        let edit = refusal("UPDATE progress_notes SET section1 = 'changed later' WHERE id = ?", [id])
        XCTAssertEqual(edit, .refused("A signed note cannot be changed. Add an addendum instead."))
        XCTAssertNotNil(refusal("UPDATE progress_notes SET status = 'draft' WHERE id = ?", [id]))
        XCTAssertNotNil(refusal("DELETE FROM progress_notes WHERE id = ?", [id]))
        XCTAssertEqual(try store.note(id: id).note.sections, ["Data", "Assessment", "Plan"])

        // The supervisor's co-signature is the one change allowed, once.
        XCTAssertNil(refusal("UPDATE progress_notes SET cosigned_at = ?, cosigned_by_id = ?, revision = revision + 1 WHERE id = ?",
                             [fixtureClock.now(), sup.id, id]))
        XCTAssertEqual(try store.note(id: id).note.cosignedByID, sup.id)
        XCTAssertNotNil(refusal("UPDATE progress_notes SET cosigned_by_id = ? WHERE id = ?", [ana.id, id]))
        // Co-signing cannot smuggle in an edit.
        let other = try note(status: .signed)
        XCTAssertNotNil(refusal("UPDATE progress_notes SET cosigned_at = ?, cosigned_by_id = ?, section2 = 'x' WHERE id = ?",
                                [fixtureClock.now(), sup.id, other.id]))

        // Corrections are addenda, which are themselves permanent.
        try store.addAddendum(noteID: id, by: ana.id!, text: "Addendum: start time was 10:15.")
        XCTAssertNotNil(refusal("UPDATE note_addenda SET text = 'rewritten'"))
        XCTAssertNotNil(refusal("DELETE FROM note_addenda"))
    }

    func testADraftNoteCanBeEditedAndSigned() throws {
        let n = try note(status: .draft)
        XCTAssertNil(refusal("UPDATE progress_notes SET section1 = 'more data' WHERE id = ?", [n.id]))
        XCTAssertNil(refusal("UPDATE progress_notes SET status = 'signed', signed_at = ?, signed_by_id = ? WHERE id = ?",
                             [fixtureClock.now(), ana.id, n.id]))
        XCTAssertEqual(try store.note(id: n.id!).note.sections.first, "more data")
        // Signed without saying who signed: the CHECK constraint refuses.
        let draft = try note(status: .draft)
        XCTAssertNotNil(refusal("UPDATE progress_notes SET status = 'signed' WHERE id = ?", [draft.id]))
    }

    func testGoalLinksOfASignedNoteAreFixed() throws {
        let tree = try store.insert(samplePlan(status: .signed))
        let goalID = tree.problems[0].goals[0].goal.id!
        let signed = try store.insert(ProgressNote(
            clientID: client.id!, staffID: ana.id!, date: fixtureToday, startMinute: 700, minutes: 50, modalityID: individual,
            format: .individual, template: .dap, sections: ["a", "b", "c"], status: .signed, signedAt: fixtureClock.now(),
            signedByID: ana.id, billingUnits: 3, createdAt: fixtureClock.now(), updatedAt: fixtureClock.now()),
            linkedGoalIDs: [goalID])
        XCTAssertNotNil(refusal("DELETE FROM note_goal_links WHERE note_id = ?", [signed.id]))
        XCTAssertNotNil(refusal("UPDATE note_goal_links SET goal_id = NULL, objective_id = ? WHERE note_id = ?",
                                [tree.problems[0].goals[0].objectives[0].objective.id, signed.id]))
        XCTAssertEqual(try store.note(id: signed.id!).linkedGoals, [tree.problems[0].goals[0].goal.statement])
    }

    func samplePlan(status: PlanStatus, version: Int = 1) throws -> PlanTree {
        let modality = try XCTUnwrap(try store.modalityID(named: "Motivational interviewing"))
        let plan = TreatmentPlan(clientID: client.id!, version: version, status: status, effectiveDate: Day("2025-01-02")!,
                                 nextReviewDate: Day("2025-04-02")!, clientWords: "Seguir adelante.", createdByID: ana.id)
        let intervention = Intervention(objectiveID: 0, position: 1, modalityID: modality, timesPerPeriod: 2, period: .week,
                                        responsibleStaffID: ana.id)
        let objective = Objective(goalID: 0, position: 1, statement: "Carries naloxone", targetDate: Day("2025-02-01"),
                                  status: .inProgress)
        let goal = Goal(problemID: 0, position: 1, statement: "Stay safer while using", kind: .harmReduction,
                        targetDate: Day("2025-04-01"))
        return PlanTree(
            plan: plan,
            problems: [.init(problem: Problem(planID: 0, position: 1, statement: "Fentanyl use"),
                             goals: [.init(goal: goal, objectives: [.init(objective: objective, interventions: [
                                .init(intervention: intervention, modality: "Motivational interviewing", responsibleName: nil)])])])],
            signatures: [PlanSignature(planID: 0, role: .client, signerName: "Zoë Ñúñez", staffID: nil, signedAt: fixtureClock.now())])
    }

    func testASignedPlanAndItsTreeCannotChange() throws {
        let tree = try store.insert(samplePlan(status: .signed))
        let planID = tree.plan.id!
        let problemID = tree.problems[0].problem.id!
        let goal = tree.problems[0].goals[0]
        let objective = goal.objectives[0]
        let intervention = objective.interventions[0].intervention

        let planLocked = CaseloadError.refused(
            "A signed treatment plan cannot be changed. Start a plan review to create the next version.")
        XCTAssertEqual(refusal("UPDATE treatment_plans SET client_words = 'x' WHERE id = ?", [planID]), planLocked)
        XCTAssertEqual(refusal("UPDATE treatment_plans SET next_review_date = '2026-01-01' WHERE id = ?", [planID]), planLocked)
        XCTAssertNotNil(refusal("DELETE FROM treatment_plans WHERE id = ?", [planID]))
        XCTAssertEqual(refusal("INSERT INTO problems (plan_id, position, statement) VALUES (?, 2, 'New')", [planID]), planLocked)
        XCTAssertEqual(refusal("UPDATE problems SET statement = 'x' WHERE id = ?", [problemID]), planLocked)
        XCTAssertEqual(refusal("UPDATE goals SET status = 'met' WHERE id = ?", [goal.goal.id]), planLocked)
        XCTAssertEqual(refusal("INSERT INTO goals (problem_id, position, statement, kind, status) VALUES (?, 2, 'g', 'housing', 'active')",
                               [problemID]), planLocked)
        XCTAssertEqual(refusal("UPDATE objectives SET status = 'met' WHERE id = ?", [objective.objective.id]), planLocked)
        XCTAssertEqual(refusal("DELETE FROM interventions WHERE id = ?", [intervention.id]), planLocked)
        XCTAssertEqual(refusal("UPDATE interventions SET times_per_period = 5 WHERE id = ?", [intervention.id]), planLocked)
        XCTAssertEqual(refusal("DELETE FROM plan_signatures WHERE plan_id = ?", [planID]), planLocked)

        // A supervisor may still co-sign it.
        XCTAssertNil(refusal("INSERT INTO plan_signatures (plan_id, role, signer_name, staff_id, signed_at) VALUES (?, 'supervisor', 'Sam Sup', ?, ?)",
                             [planID, sup.id, fixtureClock.now()]))
        // A review creates version 2; signing it supersedes version 1, which is then frozen for good.
        let next = try store.insert(samplePlan(status: .draft, version: 2))
        XCTAssertNil(refusal("UPDATE goals SET status = 'met' WHERE id = ?", [next.problems[0].goals[0].goal.id]), "drafts are editable")
        XCTAssertNil(refusal("UPDATE treatment_plans SET status = 'superseded' WHERE id = ?", [planID]))
        XCTAssertNil(refusal("UPDATE treatment_plans SET status = 'signed' WHERE id = ?", [next.plan.id]))
        XCTAssertEqual(refusal("UPDATE treatment_plans SET status = 'signed' WHERE id = ?", [planID]), planLocked)
        XCTAssertEqual(try store.currentPlan(clientID: client.id!)?.plan.version, 2)
    }

    func testTwoPlansWithTheSameVersionAreRefused() throws {
        try store.insert(samplePlan(status: .draft))
        XCTAssertThrowsError(try store.insert(samplePlan(status: .draft))) { error in
            guard case .invalidInput(let message)? = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("plan version already exists"), message)
        }
    }

    func testTheAuditTrailIsAppendOnly() throws {
        try store.record(.view, by: ana, clientID: client.id, subject: "chart", detail: "Summary")
        let locked = CaseloadError.refused("The audit trail cannot be changed.")
        XCTAssertEqual(refusal("UPDATE audit_events SET detail = 'nothing to see'"), locked)
        XCTAssertEqual(refusal("DELETE FROM audit_events"), locked)
        XCTAssertEqual(try store.activity(clientID: client.id!, limit: 10).map(\.detail), ["Summary"])
    }

    func testChartNumbersAndUsernamesAreUnique() throws {
        var twin = client!
        twin.id = nil
        twin.legalFirstName = "Other"
        XCTAssertThrowsError(try store.insert(twin)) { error in
            XCTAssertEqual(error as? CaseloadError, .invalidInput("Another client already has this chart number (MRN)."))
        }
        XCTAssertThrowsError(try store.addStaff(Staff(username: "ana", displayName: "Another Ana", role: .counselor))) { error in
            XCTAssertEqual(error as? CaseloadError, .invalidInput("A staff account with the username 'ana' already exists."))
        }
        XCTAssertThrowsError(try store.addStaff(Staff(username: "  ", displayName: "Nobody", role: .counselor)))
        XCTAssertEqual(try store.allStaff().map(\.username), ["ana", "sup"])
    }

    func testEnumerationsDatesAndReferencesAreChecked() throws {
        func insertClient(status: String = "active", medication: String = "methadone", dob: String = "1990-01-01",
                          counselor: RowID? = nil) -> CaseloadError? {
            refusal("""
                INSERT INTO clients (mrn, legal_first_name, legal_last_name, date_of_birth, admission_date, status, phase,
                                     medication, dose_mg, primary_counselor_id)
                VALUES (?, 'A', 'B', ?, '2024-01-01', ?, 'Orientation', ?, 60, ?)
                """, ["X\(UUID().uuidString.prefix(6))", dob, status, medication, counselor ?? ana.id])
        }
        XCTAssertNil(insertClient())
        XCTAssertNotNil(insertClient(status: "asleep"))
        XCTAssertNotNil(insertClient(medication: "aspirin"))
        XCTAssertNotNil(insertClient(dob: "01/02/1990"))
        XCTAssertNotNil(insertClient(counselor: 999), "foreign keys are on")
        XCTAssertNotNil(refusal("INSERT INTO attendance (group_session_id, client_id, status) VALUES (1, 1, 'asleep')"))
        XCTAssertNotNil(refusal("INSERT INTO referrals (client_id, type, agency, referred_on, status) VALUES (?, 'spa', 'x', '2025-01-01', 'made')",
                                [client.id]))
    }

    func testSeededModalitiesTemplatesAndDefaultSettings() throws {
        XCTAssertEqual(Set(try store.modalities().map(\.name)), Set(Modality.seeded))
        let templates = try store.dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, body FROM plan_templates ORDER BY name")
        }
        XCTAssertEqual(templates.map { $0[0] as String }, ["Co-occurring depression", "Housing instability",
                                                           "Opioid use disorder: stabilization"])
        for row in templates {
            let body = try JSONSerialization.jsonObject(with: Data((row[1] as String).utf8)) as? [String: Any]
            XCTAssertNotNil(body?["problems"] as? [Any], "\(row[0] as String)")
        }
        XCTAssertEqual(try store.settings(), ProgramSettings())
    }

    func testSettingsRoundTripAndUnknownValuesFallBack() throws {
        try store.updateSettings { s in
            s.programName = "Clínica del Río"
            s.planReviewIntervalDays = 30
            s.phases = ["Fase 1", "Fase 2"]
            s.isDemo = true
            s.defaultNoteTemplate = .girp
        }
        var expected = ProgramSettings()
        expected.programName = "Clínica del Río"
        expected.planReviewIntervalDays = 30
        expected.phases = ["Fase 1", "Fase 2"]
        expected.isDemo = true
        expected.defaultNoteTemplate = .girp
        XCTAssertEqual(try SQLiteStore.open(path: store.path).settings(), expected)
        XCTAssertEqual(try store.dbPool.read { try String.fetchOne($0, sql: "SELECT value FROM program_settings WHERE key = 'is_demo'") }, "true")

        try store.dbPool.write { try $0.execute(sql: "UPDATE program_settings SET value = 'lots' WHERE key = 'plan_review_interval_days'") }
        XCTAssertEqual(try store.settings().planReviewIntervalDays, 90, "an unreadable value falls back to the default")
    }

    func testFlagsWrittenByOtherToolsAreRead() throws {
        for (stored, flags) in [("[]", []), ("[\"co-occurring\"]", ["co-occurring"]),
                                ("[\"a\", \"b\"]", ["a", "b"]), ("[ \"x\" ,\"y\" ]", ["x", "y"]),
                                ("[\"say \\\"hi\\\"\",\"é\"]", ["say \"hi\"", "é"]), ("[\"\"]", [""])] {
            try store.dbPool.write { try $0.execute(sql: "UPDATE clients SET flags = ?", arguments: [stored]) }
            XCTAssertEqual(try store.chartSummary(clientID: client.id!).client.flags, flags, stored)
            XCTAssertEqual(try store.caseloadRows(for: ana.id!, scope: .mine, on: fixtureToday).first?.flags, flags, stored)
        }
    }

    func testAnUnreadableValueIsNamedWithoutAdvisingARestore() throws {
        // Written behind the app's back (the CHECK only guards the shape of a date). Only the header and
        // integrity checks call a store damaged (docs/deployment.md): this names the value and loses nothing.
        try store.dbPool.write { try $0.execute(sql: "UPDATE clients SET date_of_birth = '1990-02-31'") }
        XCTAssertThrowsError(try store.chartSummary(clientID: client.id!)) { error in
            guard case .refused(let m)? = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("1990-02-31") && m.contains("caseload check"), m)
            XCTAssertFalse(m.lowercased().contains("restore"), m)
        }
    }
}
