// PlanRepository on real store files: starting plans, editing drafts, conflicts between two
// handles, signing and the triggers behind it, reviews, later signatures and the due lists.
// Fixture "today" is Wednesday 2025-03-12; the program's review interval is the default 90 days.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class PlanRepositoryTests: XCTestCase {
    private var path: String!
    private var store: SQLiteStore!
    private var adm: Staff!, sup: Staff!, ana: Staff!, ben: Staff!, fay: Staff!
    /// Ana's clients: c1 Zoë Ñúñez, c2 王小明, c3 José García. Ben's: c4 Ama Mensah.
    private var c1: Client!, c2: Client!, c3: Client!, c4: Client!
    private let effective = Day("2025-03-10")!

    private func day(_ s: String) -> Day { Day(s)! }

    override func setUpWithError() throws {
        path = try TestDirs.make(self).appendingPathComponent("plans.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        adm = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Okafor", role: .supervisor))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id))
        ben = try store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor, supervisorID: sup.id))
        fay = try store.addStaff(Staff(username: "fay", displayName: "Fay Li", role: .facilitator, supervisorID: sup.id))
        func client(_ mrn: String, _ first: String, _ last: String, _ counselor: Staff) throws -> Client {
            try store.insert(Client(mrn: mrn, legalFirstName: first, legalLastName: last, dateOfBirth: day("1988-07-14"),
                                    admissionDate: day("2024-06-01"), phase: "Stabilization", medication: .methadone,
                                    doseMg: 80, primaryCounselorID: counselor.id))
        }
        c1 = try client("A-001", "Zoë", "Ñúñez", ana)
        c2 = try client("A-002", "小明", "王", ana)
        c3 = try client("A-003", "José", "García", ana)
        c4 = try client("B-001", "Ama", "Mensah", ben)
    }

    private func modality(_ name: String) throws -> RowID { try XCTUnwrap(try store.modalityID(named: name)) }

    /// A draft with one problem → goal → objective → intervention (CBT 2×/week by Ana).
    private func smallPlan(_ client: Client, by staff: Staff? = nil) throws -> PlanTree {
        let who = staff ?? ana!
        var t = try store.startPlan(clientID: client.id!, from: .blank, effectiveDate: effective, by: who)
        let id = t.plan.id!
        t = try store.apply(.header(effectiveDate: effective, clientWords: "Quiero volver a trabajar."), planID: id,
                            expectedRevision: t.plan.revision, by: who)
        t = try store.apply(.addProblem(Problem(planID: id, position: 0, statement: "Daily opioid use; risk of overdose.")),
                            planID: id, expectedRevision: t.plan.revision, by: who)
        let p = t.problems[0].problem.id!
        t = try store.apply(.addGoal(Goal(problemID: p, position: 0, statement: "Stop illicit opioid use.", kind: .abstinence,
                                          targetDate: day("2025-06-08"))), planID: id, expectedRevision: t.plan.revision, by: who)
        let g = t.problems[0].goals[0].goal.id!
        t = try store.apply(.addObjective(Objective(goalID: g, position: 0, statement: "Negative screens 4 weeks in a row.",
                                                    targetDate: day("2025-04-07"))), planID: id,
                            expectedRevision: t.plan.revision, by: who)
        let o = t.problems[0].goals[0].objectives[0].objective.id!
        t = try store.apply(.addIntervention(Intervention(objectiveID: o, position: 0,
                                                          modalityID: try modality("Cognitive-behavioral therapy"),
                                                          timesPerPeriod: 2, period: .week, responsibleStaffID: ana.id)),
                            planID: id, expectedRevision: t.plan.revision, by: who)
        return t
    }

    private func statements(_ t: PlanTree) -> [String] {
        t.problems.flatMap { p in
            [p.problem.statement] + p.goals.flatMap { g in
                [g.goal.statement] + g.objectives.flatMap { o in
                    [o.objective.statement] + o.interventions.map { "\($0.modality) \($0.intervention.frequencyLabel)" }
                }
            }
        }
    }

    private func assertCaseloadError(_ body: @autoclosure () throws -> Any, _ check: (CaseloadError) -> Bool,
                                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let e = error as? CaseloadError else { return XCTFail("not a CaseloadError: \(error)", file: file, line: line) }
            XCTAssertTrue(check(e), "unexpected: \(e)", file: file, line: line)
        }
    }

    private func invalid(_ e: CaseloadError, _ words: String) -> Bool {
        if case .invalidInput(let m) = e { return m.contains(words) }
        return false
    }

    private func refused(_ e: CaseloadError, _ words: String) -> Bool {
        if case .refused(let m) = e { return m.contains(words) }
        return false
    }

    // MARK: Starting

    func testTheThreeSeededTemplatesStartTheirTrees() throws {
        let templates = try store.planTemplates()
        XCTAssertEqual(templates.map(\.name).sorted(),
                       ["Co-occurring depression", "Housing instability", "Opioid use disorder: stabilization"])
        let oud = try XCTUnwrap(templates.first { $0.name.hasPrefix("Opioid") })
        XCTAssertEqual(oud.problemCount, 1)
        XCTAssertEqual(oud.goalCount, 2)

        let t = try store.startPlan(clientID: c1.id!, from: .template(oud.id), effectiveDate: effective, by: ana)
        XCTAssertEqual(t.plan.version, 1)
        XCTAssertEqual(t.plan.status, .draft)
        XCTAssertEqual(t.plan.nextReviewDate, day("2025-06-08"))   // 03-10 + 90 days
        XCTAssertEqual(t.problems.count, 1)
        XCTAssertTrue(t.problems[0].problem.statement.hasPrefix("Opioid use disorder, in early treatment"))
        XCTAssertEqual(t.problems[0].goals.map(\.goal.kind), [.abstinence, .harmReduction])
        let first = t.problems[0].goals[0]
        // Objectives of 4 and 8 weeks: 03-10 + 28 and + 56 days; the goal targets the later.
        XCTAssertEqual(first.objectives.map(\.objective.targetDate), [day("2025-04-07"), day("2025-05-05")])
        XCTAssertEqual(first.goal.targetDate, day("2025-05-05"))
        XCTAssertEqual(first.objectives[1].interventions.map(\.modality), ["Relapse prevention", "Group therapy"])
        XCTAssertEqual(first.objectives[1].interventions.map(\.intervention.position), [0, 1])
        XCTAssertEqual(t.problems[0].goals[1].objectives[0].interventions[0].intervention.frequencyLabel, "1×/month")
        XCTAssertEqual(Set(t.problems.flatMap(\.goals).flatMap(\.objectives).flatMap(\.interventions).map(\.responsibleName)),
                       ["Ana Pérez"])

        for (client, name, goals) in [(c2!, "Co-occurring depression", ["Improve mood and daily functioning."]),
                                      (c3!, "Housing instability", ["Obtain safe, stable housing."])] {
            let id = try XCTUnwrap(templates.first { $0.name == name }).id
            let tree = try store.startPlan(clientID: client.id!, from: .template(id), effectiveDate: effective, by: ana)
            XCTAssertEqual(tree.problems.flatMap(\.goals).map(\.goal.statement), goals)
            XCTAssertEqual(tree.problems[0].goals[0].objectives.count, 2)
            XCTAssertTrue(tree.problems[0].goals[0].objectives.allSatisfy { $0.interventions.count == 1 })
        }
        let audit = try store.activity(clientID: c1.id!, limit: 10)
        XCTAssertEqual(audit.first?.action, .create)
        XCTAssertTrue(audit.first?.detail.contains("Opioid use disorder: stabilization") ?? false)
    }

    func testATemplateNamingAMissingModalityIsRefusedAndWritesNothing() throws {
        try store.write { db in try db.execute(sql: "UPDATE modalities SET active = 0 WHERE name = 'Peer support'") }
        let housing = try XCTUnwrap(try store.planTemplates().first { $0.name == "Housing instability" })
        assertCaseloadError(try store.startPlan(clientID: c1.id!, from: .template(housing.id), effectiveDate: effective, by: ana)) {
            self.invalid($0, "'Peer support'")
        }
        XCTAssertEqual(try store.planVersions(clientID: c1.id!), [])
    }

    func testBlankPlanAndOnlyOneDraftAtATime() throws {
        let t = try store.startPlan(clientID: c1.id!, from: .blank, effectiveDate: effective, by: ana)
        XCTAssertEqual(t.problems, [])
        XCTAssertEqual(t.plan.revision, 1)
        XCTAssertEqual(try store.chartSummary(clientID: c1.id!).nextPlanReview, day("2025-06-08"))
        assertCaseloadError(try store.startPlan(clientID: c1.id!, from: .blank, effectiveDate: effective, by: ana)) {
            self.refused($0, "Ñúñez, Zoë already has a draft plan (version 1)")
        }
        // A facilitator who is not the counselor sees no plan; a facilitator never writes one.
        assertCaseloadError(try store.startPlan(clientID: c1.id!, from: .blank, effectiveDate: effective, by: fay)) {
            self.refused($0, "You do not have access to chart A-001")
        }
    }

    func testCopyPreviousCarriesTheWholeTreeWithoutAReviewNote() throws {
        assertCaseloadError(try store.startPlan(clientID: c1.id!, from: .copyPrevious, effectiveDate: effective, by: ana)) {
            self.invalid($0, "no earlier signed plan to copy")
        }
        var v1 = try smallPlan(c1)
        var goal = v1.problems[0].goals[0].goal
        goal.status = .met
        v1 = try store.apply(.updateGoal(goal), planID: v1.plan.id!, expectedRevision: v1.plan.revision, by: ana)
        v1 = try store.signPlan(planID: v1.plan.id!, expectedRevision: v1.plan.revision, clientSigned: true, by: ana)

        let v2 = try store.startPlan(clientID: c1.id!, from: .copyPrevious, effectiveDate: day("2025-03-12"), by: ana)
        XCTAssertEqual(v2.plan.version, 2)
        XCTAssertNil(v2.plan.reviewNote)
        XCTAssertEqual(v2.plan.clientWords, "Quiero volver a trabajar.")
        XCTAssertEqual(statements(v2), statements(v1))
        XCTAssertEqual(v2.problems[0].goals[0].goal.status, .met)
        XCTAssertEqual(v2.problems[0].goals[0].goal.targetDate, day("2025-06-08"))
        XCTAssertEqual(v2.signatures, [])
        XCTAssertNotEqual(v2.problems[0].problem.id, v1.problems[0].problem.id)
    }

    // MARK: Editing

    func testEveryEditKindBumpsTheRevisionAndKeepsPositionsDense() throws {
        var t = try smallPlan(c1)
        let id = t.plan.id!
        XCTAssertEqual(t.plan.revision, 6)   // started at 1, five edits
        XCTAssertEqual(t.plan.clientWords, "Quiero volver a trabajar.")
        func apply(_ e: PlanEdit) throws { t = try store.apply(e, planID: id, expectedRevision: t.plan.revision, by: ana) }

        try apply(.addProblem(Problem(planID: id, position: 9, statement: "  住房不稳定 — no stable housing.  ")))
        try apply(.addProblem(Problem(planID: id, position: 9, statement: "Depressed mood.")))
        XCTAssertEqual(t.problems.map(\.problem.statement),
                       ["Daily opioid use; risk of overdose.", "住房不稳定 — no stable housing.", "Depressed mood."])
        XCTAssertEqual(t.problems.map(\.problem.position), [0, 1, 2])

        var problem = t.problems[1].problem
        problem.clientWords = "Necesito un lugar."
        try apply(.updateProblem(problem))
        XCTAssertEqual(t.problems[1].problem.clientWords, "Necesito un lugar.")

        try apply(.move(.problem(t.problems[2].problem.id!), by: -1))
        XCTAssertEqual(t.problems.map(\.problem.statement).last, "住房不稳定 — no stable housing.")
        try apply(.move(.problem(t.problems[0].problem.id!), by: 1))
        XCTAssertEqual(t.problems.map(\.problem.statement),
                       ["Depressed mood.", "Daily opioid use; risk of overdose.", "住房不稳定 — no stable housing."])
        XCTAssertEqual(t.problems.map(\.problem.position), [0, 1, 2])
        // Already first: nothing changes, not even the revision.
        let before = t.plan.revision
        try apply(.move(.problem(t.problems[0].problem.id!), by: -1))
        XCTAssertEqual(t.plan.revision, before)

        var objective = t.problems[1].goals[0].objectives[0].objective
        objective.status = .inProgress
        objective.statement = "Negative screens 6 weeks in a row."
        try apply(.updateObjective(objective))
        XCTAssertEqual(t.problems[1].goals[0].objectives[0].objective.status, .inProgress)
        var intervention = t.problems[1].goals[0].objectives[0].interventions[0].intervention
        intervention.timesPerPeriod = 3
        intervention.modalityID = try modality("Motivational interviewing")
        try apply(.updateIntervention(intervention))
        XCTAssertEqual(t.problems[1].goals[0].objectives[0].interventions[0].modality, "Motivational interviewing")
        XCTAssertEqual(t.problems[1].goals[0].objectives[0].interventions[0].intervention.frequencyLabel, "3×/week")

        // A second goal, then delete the first problem's branch with everything under it.
        let oud = t.problems[1].problem.id!
        try apply(.addGoal(Goal(problemID: oud, position: 0, statement: "Carry naloxone.", kind: .harmReduction, targetDate: nil)))
        XCTAssertEqual(t.problems[1].goals.map(\.goal.position), [0, 1])
        try apply(.delete(.goal(t.problems[1].goals[0].goal.id!)))
        XCTAssertEqual(t.problems[1].goals.map(\.goal.statement), ["Carry naloxone."])
        XCTAssertEqual(t.problems[1].goals.map(\.goal.position), [0])
        try apply(.delete(.problem(oud)))
        XCTAssertEqual(t.problems.map(\.problem.statement), ["Depressed mood.", "住房不稳定 — no stable housing."])
        XCTAssertEqual(t.problems.map(\.problem.position), [0, 1])
        let orphans = try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM goals WHERE problem_id NOT IN (SELECT id FROM problems))
                     + (SELECT count(*) FROM objectives WHERE goal_id NOT IN (SELECT id FROM goals))
                     + (SELECT count(*) FROM interventions WHERE objective_id NOT IN (SELECT id FROM objectives))
                """)
        }
        XCTAssertEqual(orphans, 0)
        XCTAssertEqual(try store.plan(id: id), t)
        let updates = try store.activity(clientID: c1.id!, limit: 100).filter { $0.action == .update }
        XCTAssertEqual(updates.count, t.plan.revision - 1)
    }

    func testValidationSentences() throws {
        let t = try smallPlan(c1)
        let id = t.plan.id!, rev = t.plan.revision
        let p = t.problems[0].problem.id!, g = t.problems[0].goals[0].goal.id!
        let o = t.problems[0].goals[0].objectives[0].objective.id!
        assertCaseloadError(try store.apply(.addProblem(Problem(planID: id, position: 0, statement: "  \n ")), planID: id,
                                            expectedRevision: rev, by: ana)) { self.invalid($0, "The problem needs a statement") }
        assertCaseloadError(try store.apply(.addGoal(Goal(problemID: p, position: 0, statement: "Housing", kind: .housing,
                                                          targetDate: day("2025-03-01"))), planID: id,
                                            expectedRevision: rev, by: ana)) {
            self.invalid($0, "The goal's target date 2025-03-01 is before the plan takes effect (2025-03-10)")
        }
        assertCaseloadError(try store.apply(.addObjective(Objective(goalID: g, position: 0, statement: "", targetDate: nil)),
                                            planID: id, expectedRevision: rev, by: ana)) {
            self.invalid($0, "The objective needs a statement")
        }
        let cbt = try modality("Cognitive-behavioral therapy")
        assertCaseloadError(try store.apply(.addIntervention(Intervention(objectiveID: o, position: 0, modalityID: cbt,
                                                                          timesPerPeriod: 0, period: .week, responsibleStaffID: nil)),
                                            planID: id, expectedRevision: rev, by: ana)) {
            self.invalid($0, "at least once a week")
        }
        assertCaseloadError(try store.apply(.addIntervention(Intervention(objectiveID: o, position: 0, modalityID: 9999,
                                                                          timesPerPeriod: 1, period: .month, responsibleStaffID: nil)),
                                            planID: id, expectedRevision: rev, by: ana)) {
            self.invalid($0, "Choose a modality from the program's list")
        }
        // A node of another client's plan is not this plan's to change.
        let other = try smallPlan(c4, by: ben)
        assertCaseloadError(try store.apply(.delete(.goal(other.problems[0].goals[0].goal.id!)), planID: id,
                                            expectedRevision: rev, by: ana)) {
            if case .notFound = $0 { return true } else { return false }
        }
        XCTAssertEqual(try store.plan(id: id), t)   // nothing above changed anything
        XCTAssertEqual(try store.plan(id: other.plan.id!), other)
    }

    func testASecondHandleWithAStaleRevisionIsToldWhoChangedThePlan() throws {
        let t = try store.startPlan(clientID: c1.id!, from: .blank, effectiveDate: effective, by: ana)
        let later = FixedClock(day: fixtureToday, minute: 10 * 60 + 15)
        let first = try SQLiteStore.open(path: path, clock: later)
        let second = try SQLiteStore.open(path: path, clock: later)
        let saved = try first.apply(.addProblem(Problem(planID: t.plan.id!, position: 0, statement: "Problem from Ana")),
                                    planID: t.plan.id!, expectedRevision: t.plan.revision, by: ana)
        XCTAssertEqual(saved.plan.revision, 2)
        XCTAssertThrowsError(try second.apply(.addProblem(Problem(planID: t.plan.id!, position: 0, statement: "Problem from Sam")),
                                              planID: t.plan.id!, expectedRevision: t.plan.revision, by: sup)) { error in
            guard let conflict = error as? EditConflict else { return XCTFail("\(error)") }
            XCTAssertEqual(conflict.what, "This plan")
            XCTAssertEqual(conflict.changedBy, "Ana Pérez")
            XCTAssertEqual(conflict.changedAt, later.now())
        }
        XCTAssertEqual(try second.plan(id: t.plan.id!).problems.map(\.problem.statement), ["Problem from Ana"])
        // The user chose to apply anyway.
        let forced = try second.apply(.addProblem(Problem(planID: t.plan.id!, position: 0, statement: "Problem from Sam")),
                                      planID: t.plan.id!, expectedRevision: nil, by: sup)
        XCTAssertEqual(forced.problems.map(\.problem.statement), ["Problem from Ana", "Problem from Sam"])
        XCTAssertEqual(forced.plan.revision, 3)
        // And now Ana is the stale one, told it was Sam.
        XCTAssertThrowsError(try first.signPlan(planID: t.plan.id!, expectedRevision: 2, clientSigned: false, by: ana)) { error in
            XCTAssertEqual((error as? EditConflict)?.changedBy, "Sam Okafor")
        }
    }

    // MARK: Signing and review

    func testSigningNeedsACompleteTreeThenLocksItInTheStore() throws {
        var t = try store.startPlan(clientID: c1.id!, from: .blank, effectiveDate: effective, by: ana)
        assertCaseloadError(try store.signPlan(planID: t.plan.id!, expectedRevision: t.plan.revision, clientSigned: true, by: ana)) {
            self.invalid($0, "Add at least one problem")
        }
        t = try store.apply(.addProblem(Problem(planID: t.plan.id!, position: 0, statement: "Depressed mood.")),
                            planID: t.plan.id!, expectedRevision: t.plan.revision, by: ana)
        assertCaseloadError(try store.signPlan(planID: t.plan.id!, expectedRevision: t.plan.revision, clientSigned: true, by: ana)) {
            self.invalid($0, "The problem “Depressed mood.” has no goal")
        }
        try store.discardPlanDraft(planID: t.plan.id!, by: ana)
        XCTAssertEqual(try store.planVersions(clientID: c1.id!), [])
        XCTAssertNil(try store.chartSummary(clientID: c1.id!).nextPlanReview)

        t = try smallPlan(c1)
        let signed = try store.signPlan(planID: t.plan.id!, expectedRevision: t.plan.revision, clientSigned: true, by: ana)
        XCTAssertEqual(signed.plan.status, .signed)
        XCTAssertEqual(signed.signatures.map(\.role), [.counselor, .client])
        XCTAssertEqual(signed.signatures.map(\.signerName), ["Ana Pérez", "Zoë Ñúñez"])
        XCTAssertEqual(signed.signatures.map(\.signedAt), [fixtureClock.now(), fixtureClock.now()])

        // The store itself refuses, not only the repository.
        let goalID = signed.problems[0].goals[0].goal.id!
        XCTAssertThrowsError(try store.dbPool.write { db in
            try db.execute(sql: "UPDATE goals SET statement = 'changed behind the app' WHERE id = ?", arguments: [goalID])
        }) { error in
            XCTAssertTrue((error as? DatabaseError)?.message?.contains("A signed treatment plan cannot be changed") ?? false, "\(error)")
        }
        assertCaseloadError(try store.apply(.addProblem(Problem(planID: t.plan.id!, position: 0, statement: "More")),
                                            planID: t.plan.id!, expectedRevision: nil, by: ana)) {
            self.refused($0, "is signed and cannot be changed")
        }
        assertCaseloadError(try store.discardPlanDraft(planID: t.plan.id!, by: ana)) { self.refused($0, "cannot be discarded") }
        XCTAssertEqual(try store.plan(id: t.plan.id!).problems[0].goals[0].goal.statement, "Stop illicit opioid use.")
    }

    func testReviewMakesVersionTwoAndSigningItSupersedesVersionOne() throws {
        var v1 = try smallPlan(c1)
        v1 = try store.signPlan(planID: v1.plan.id!, expectedRevision: v1.plan.revision, clientSigned: true, by: ana)
        XCTAssertEqual(try store.chartSummary(clientID: c1.id!).nextPlanReview, day("2025-06-08"))

        assertCaseloadError(try store.reviewPlan(planID: v1.plan.id!, reviewNote: "  ", on: fixtureToday, by: ana)) {
            self.invalid($0, "Write what the review found")
        }
        let v2 = try store.reviewPlan(planID: v1.plan.id!, reviewNote: "Quarterly review: screens negative since February.",
                                      on: fixtureToday, by: ana)
        XCTAssertEqual(v2.plan.version, 2)
        XCTAssertEqual(v2.plan.status, .draft)
        XCTAssertEqual(v2.plan.reviewNote, "Quarterly review: screens negative since February.")
        XCTAssertEqual(v2.plan.effectiveDate, fixtureToday)
        XCTAssertEqual(v2.plan.nextReviewDate, day("2025-06-10"))
        XCTAssertEqual(v2.plan.clientWords, v1.plan.clientWords)
        XCTAssertEqual(statements(v2), statements(v1))
        XCTAssertEqual(v2.problems[0].goals[0].objectives[0].interventions[0].responsibleName, "Ana Pérez")
        XCTAssertEqual(v2.problems[0].goals[0].goal.kind, .abstinence)
        // Version 1 stays in force until version 2 is signed.
        XCTAssertEqual(try store.plan(id: v1.plan.id!).plan.status, .signed)
        XCTAssertEqual(try store.currentPlan(clientID: c1.id!)?.plan.id, v1.plan.id)
        XCTAssertEqual(try store.chartSummary(clientID: c1.id!).nextPlanReview, day("2025-06-08"))
        assertCaseloadError(try store.reviewPlan(planID: v1.plan.id!, reviewNote: "Again", on: fixtureToday, by: ana)) {
            self.refused($0, "already has a draft plan (version 2)")
        }

        let signed = try store.signPlan(planID: v2.plan.id!, expectedRevision: v2.plan.revision, clientSigned: false, by: ana)
        XCTAssertEqual(signed.signatures.map(\.role), [.counselor])
        XCTAssertEqual(try store.plan(id: v1.plan.id!).plan.status, .superseded)
        XCTAssertEqual(try store.planVersions(clientID: c1.id!).map(\.status), [.signed, .superseded])
        XCTAssertEqual(try store.chartSummary(clientID: c1.id!).nextPlanReview, day("2025-06-10"))
        XCTAssertEqual(try store.plan(id: v1.plan.id!).signatures.count, 2)   // earlier versions stay viewable
        assertCaseloadError(try store.reviewPlan(planID: v1.plan.id!, reviewNote: "Old", on: fixtureToday, by: ana)) {
            self.refused($0, "replaced by a later version")
        }
    }

    func testLaterSignaturesAndTheCosignQueue() throws {
        try store.updateSettings { $0.supervisorCosignPlans = true }
        var t = try smallPlan(c1)
        t = try store.signPlan(planID: t.plan.id!, expectedRevision: t.plan.revision, clientSigned: false, by: ana)
        let queue = try store.planCosignQueue(supervisorID: sup.id!)
        XCTAssertEqual(queue.map(\.clientName), ["Ñúñez, Zoë"])
        XCTAssertEqual(queue.first?.counselorName, "Ana Pérez")
        XCTAssertEqual(queue.first?.version, 1)
        XCTAssertEqual(try store.planCosignQueue(supervisorID: ben.id!), [])

        assertCaseloadError(try store.addPlanSignature(planID: t.plan.id!, role: .supervisor, by: ben)) {
            self.refused($0, "You do not have access to that record")
        }
        t = try store.addPlanSignature(planID: t.plan.id!, role: .client, by: ana)
        assertCaseloadError(try store.addPlanSignature(planID: t.plan.id!, role: .client, by: ana)) {
            self.invalid($0, "has already signed")
        }
        t = try store.addPlanSignature(planID: t.plan.id!, role: .supervisor, by: sup)
        XCTAssertEqual(t.signatures.map(\.role), [.counselor, .client, .supervisor])
        XCTAssertEqual(t.signatures.last?.signerName, "Sam Okafor")
        XCTAssertEqual(try store.planCosignQueue(supervisorID: sup.id!), [])

        // Without the program setting, only a counselor who needs co-signing is queued.
        try store.updateSettings { $0.supervisorCosignPlans = false }
        var b = try smallPlan(c4, by: ben)
        b = try store.signPlan(planID: b.plan.id!, expectedRevision: b.plan.revision, clientSigned: true, by: ben)
        XCTAssertEqual(try store.planCosignQueue(supervisorID: sup.id!), [])
        try store.write { db in try db.execute(sql: "UPDATE staff SET needs_cosign = 1 WHERE id = ?", arguments: [ben.id]) }
        XCTAssertEqual(try store.planCosignQueue(supervisorID: sup.id!).map(\.mrn), ["B-001"])
    }

    func testPlansDueMostOverdueFirstInScope() throws {
        // c1: signed plan effective 2024-12-01, review 2025-03-01 (overdue); c2: draft effective 03-10, review 06-08
        // (not due); c3: no plan; c4 (Ben's): signed effective 2024-12-20, review 2025-03-20 (due within 14 days).
        func signed(_ client: Client, _ start: String, by staff: Staff) throws {
            var t = try smallPlan(client, by: staff)
            t = try store.apply(.header(effectiveDate: day(start), clientWords: ""), planID: t.plan.id!,
                                expectedRevision: t.plan.revision, by: staff)
            var goal = t.problems[0].goals[0].goal
            goal.targetDate = nil
            t = try store.apply(.updateGoal(goal), planID: t.plan.id!, expectedRevision: t.plan.revision, by: staff)
            _ = try store.signPlan(planID: t.plan.id!, expectedRevision: t.plan.revision, clientSigned: true, by: staff)
        }
        try signed(c1, "2024-12-01", by: ana)
        _ = try smallPlan(c2)
        try signed(c4, "2024-12-20", by: ben)

        let mine = try store.plansDue(for: ana.id!, scope: .mine, on: fixtureToday)
        XCTAssertEqual(mine.map(\.mrn), ["A-003", "A-001"])
        XCTAssertNil(mine[0].planID)
        XCTAssertEqual(mine[1].nextReview, day("2025-03-01"))
        XCTAssertEqual(mine[1].status, .signed)
        let team = try store.plansDue(for: sup.id!, scope: .team, on: fixtureToday)
        XCTAssertEqual(team.map(\.mrn), ["A-003", "A-001", "B-001"])
        XCTAssertEqual(team.last?.counselorName, "Ben Kim")
        XCTAssertEqual(try store.plansDue(for: ben.id!, scope: .mine, on: fixtureToday).map(\.nextReview), [day("2025-03-20")])
    }
}
