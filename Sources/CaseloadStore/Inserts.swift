// Plain inserts of domain records, each in its own transaction, returning the record with its
// new id. For set-up code and test fixtures; the editing commands with optimistic versioning
// and audit events come with later issues.
import CaseloadCore
import Foundation
import GRDB

extension SQLiteStore {
    private func insertRecord<M: TableMapping>(_ mapping: M.Type, _ value: M.Value) throws -> RowID {
        try write { db in try M.insert(value, db) }
    }

    @discardableResult public func insert(_ client: Client) throws -> Client {
        var c = client; c.id = try insertRecord(ClientTable.self, client); return c
    }
    @discardableResult public func insert(_ modality: Modality) throws -> Modality {
        var m = modality; m.id = try insertRecord(ModalityTable.self, modality); return m
    }
    /// The id of a modality by its name (the seeded ones exist in every store).
    public func modalityID(named name: String) throws -> RowID? {
        try read { db in try RowID.fetchOne(db, sql: "SELECT id FROM modalities WHERE name = ?", arguments: [name]) }
    }
    public func modalities() throws -> [Modality] {
        try read { db in try ModalityTable.fetchAll(db, where: "1", orderBy: "name") }
    }
    /// A plan without its tree (a new draft).
    @discardableResult public func insert(_ plan: TreatmentPlan) throws -> TreatmentPlan {
        var p = plan; p.id = try insertRecord(PlanTable.self, plan); return p
    }

    /// A whole plan in one transaction: written as a draft with its tree and signatures, then
    /// given `tree.plan.status` (a signed plan cannot receive its tree afterwards). Ids, parent
    /// ids and names in the argument are ignored; the returned tree is read back from the store.
    @discardableResult public func insert(_ tree: PlanTree) throws -> PlanTree {
        try write { db in
            var plan = tree.plan
            let status = plan.status
            plan.id = nil
            plan.status = .draft
            let planID = try PlanTable.insert(plan, db)
            plan.id = planID
            for node in tree.problems {
                var problem = node.problem
                problem.id = nil; problem.planID = planID
                let problemID = try ProblemTable.insert(problem, db)
                for goalNode in node.goals {
                    var goal = goalNode.goal
                    goal.id = nil; goal.problemID = problemID
                    let goalID = try GoalTable.insert(goal, db)
                    for objectiveNode in goalNode.objectives {
                        var objective = objectiveNode.objective
                        objective.id = nil; objective.goalID = goalID
                        let objectiveID = try ObjectiveTable.insert(objective, db)
                        for interventionNode in objectiveNode.interventions {
                            var intervention = interventionNode.intervention
                            intervention.id = nil; intervention.objectiveID = objectiveID
                            try InterventionTable.insert(intervention, db)
                        }
                    }
                }
            }
            for var signature in tree.signatures {
                signature.id = nil; signature.planID = planID
                try SignatureTable.insert(signature, db)
            }
            if status != .draft {
                try db.execute(sql: "UPDATE treatment_plans SET status = ? WHERE id = ?", arguments: [status.rawValue, planID])
                plan.status = status
            }
            return try Self.planTree(plan, db)
        }
    }
    @discardableResult public func insert(_ signature: PlanSignature) throws -> PlanSignature {
        var s = signature; s.id = try insertRecord(SignatureTable.self, signature); return s
    }
    @discardableResult public func insert(_ problem: Problem) throws -> Problem {
        var p = problem; p.id = try insertRecord(ProblemTable.self, problem); return p
    }
    @discardableResult public func insert(_ goal: Goal) throws -> Goal {
        var g = goal; g.id = try insertRecord(GoalTable.self, goal); return g
    }
    @discardableResult public func insert(_ objective: Objective) throws -> Objective {
        var o = objective; o.id = try insertRecord(ObjectiveTable.self, objective); return o
    }
    @discardableResult public func insert(_ intervention: Intervention) throws -> Intervention {
        var i = intervention; i.id = try insertRecord(InterventionTable.self, intervention); return i
    }
    /// A note with the goals / objectives it addresses (the "golden thread").
    @discardableResult public func insert(_ note: ProgressNote, linkedGoalIDs: [RowID] = [],
                                          linkedObjectiveIDs: [RowID] = []) throws -> ProgressNote {
        guard note.sections.count <= 4 else {
            throw CaseloadError.invalidInput("A note has at most four sections; this one has \(note.sections.count).")
        }
        return try write { db in
            var n = note
            n.id = try NoteTable.insert(note, db)
            let link = try db.cachedStatement(sql: "INSERT INTO note_goal_links (note_id, goal_id, objective_id) VALUES (?, ?, ?)")
            for g in linkedGoalIDs { try link.execute(arguments: [n.id, g, nil]) }
            for o in linkedObjectiveIDs { try link.execute(arguments: [n.id, nil, o]) }
            return n
        }
    }
    /// A dated correction to a note (signed notes are never edited).
    public func addAddendum(noteID: RowID, by staffID: RowID, text: String) throws {
        try write { db in
            try db.execute(sql: "INSERT INTO note_addenda (note_id, staff_id, at, text) VALUES (?, ?, ?, ?)",
                           arguments: [noteID, staffID, clock.now(), text])
        }
    }
    @discardableResult public func insert(_ appointment: Appointment) throws -> Appointment {
        var a = appointment; a.id = try insertRecord(AppointmentTable.self, appointment); return a
    }
    @discardableResult public func insert(_ group: CounselingGroup, facilitatorIDs: [RowID] = []) throws -> CounselingGroup {
        try write { db in
            var g = group
            g.id = try GroupTable.insert(group, db)
            for f in facilitatorIDs { try FacilitatorTable.insert(GroupFacilitator(groupID: g.id!, staffID: f), db) }
            return g
        }
    }
    @discardableResult public func insert(_ member: GroupMember) throws -> GroupMember {
        var m = member; m.id = try insertRecord(MemberTable.self, member); return m
    }
    @discardableResult public func insert(_ session: GroupSession) throws -> GroupSession {
        var s = session; s.id = try insertRecord(GroupSessionTable.self, session); return s
    }
    @discardableResult public func insert(_ attendance: Attendance) throws -> Attendance {
        var a = attendance; a.id = try insertRecord(AttendanceTable.self, attendance); return a
    }
    @discardableResult public func insert(_ screen: DrugScreen) throws -> DrugScreen {
        try write { db in
            var s = screen
            s.id = try DrugScreenTable.insert(screen, db)
            let statement = try db.cachedStatement(sql: DrugScreenTable.insertResultSQL)
            for substance in Substance.allCases {
                if let result = screen.results[substance] {
                    try statement.execute(arguments: [s.id, substance.rawValue, result.rawValue])
                }
            }
            return s
        }
    }
    @discardableResult public func insert(_ referral: Referral) throws -> Referral {
        var r = referral; r.id = try insertRecord(ReferralTable.self, referral); return r
    }
    @discardableResult public func insert(_ contact: Contact) throws -> Contact {
        var c = contact; c.id = try insertRecord(ContactTable.self, contact); return c
    }
    @discardableResult public func insert(_ consent: Consent) throws -> Consent {
        var c = consent; c.id = try insertRecord(ConsentTable.self, consent); return c
    }
}
