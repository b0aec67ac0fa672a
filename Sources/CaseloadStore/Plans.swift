// PlanRepository on the SQLite store: starting plans (blank, template, copy), editing drafts with
// optimistic versioning, signing, later signatures, reviews, planned-vs-delivered and the due lists.
import CaseloadCore
import Foundation
import GRDB

extension SQLiteStore: PlanRepository {
    // MARK: Lists for the editor

    public func planTemplates() throws -> [PlanTemplate] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, body FROM plan_templates ORDER BY name, id").map { r in
                let body = try Self.templateBody(name: r[1], json: r[2])
                return PlanTemplate(id: r[0], name: r[1], problemCount: body.problems.count,
                                    goalCount: body.problems.reduce(0) { $0 + ($1.goals ?? []).count })
            }
        }
    }

    public func planModalities() throws -> [Modality] {
        try read { db in try ModalityTable.fetchAll(db, where: "active = 1", orderBy: "name, id") }
    }

    public func planStaff() throws -> [Staff] {
        try read { db in
            try StaffTable.fetchAll(db, where: "active = 1 AND role <> 'admin'")
                .sorted { Self.nameOrder($0.displayName, $1.displayName) == .orderedAscending }
        }
    }

    public func plan(id: RowID) throws -> PlanTree {
        try authorize(recordSQL: Self.planClientSQL, id: id, .full, what: "treatment plan")
        return try read { db in try Self.planTree(try Self.planRecord(id, db).plan, db) }
    }

    // MARK: Starting a plan

    public func startPlan(clientID: RowID, from start: PlanStart, effectiveDate: Day, by staff: Staff) throws -> PlanTree {
        try authorize(clientID: clientID, .full, what: "treatment plan", by: staff)
        let now = clock.now()
        return try write { db in
            try requirePlanWriter(staff)
            let client = try Self.planClient(clientID, db)
            if client.status == .discharged {
                throw CaseloadError.refused("\(client.displayName) is discharged from the program; a new plan cannot be started.")
            }
            try Self.refuseSecondDraft(client, db)
            let settings = try SettingsCodec.read(db)
            let version = (try Int.fetchOne(db, sql: "SELECT max(version) FROM treatment_plans WHERE client_id = ?",
                                            arguments: [clientID]) ?? 0) + 1
            var plan = TreatmentPlan(clientID: clientID, version: version, status: .draft, effectiveDate: effectiveDate,
                                     nextReviewDate: effectiveDate.adding(days: settings.planReviewIntervalDays),
                                     createdByID: staff.id, revision: 1)
            let how: String
            var source: PlanTree?
            var template: TemplateBody?
            switch start {
            case .blank:
                how = "blank"
            case .template(let templateID):
                guard let r = try Row.fetchOne(db, sql: "SELECT name, body FROM plan_templates WHERE id = ?",
                                               arguments: [templateID]) else {
                    throw CaseloadError.notFound(what: "The plan template")
                }
                template = try Self.templateBody(name: r[0], json: r[1])
                how = "from the template '\(r[0] as String)'"
            case .copyPrevious:
                guard let previous = try PlanTable.fetchAll(
                    db, where: "client_id = ? AND status IN ('signed', 'superseded')", [clientID],
                    orderBy: "version DESC LIMIT 1").first else {
                    throw CaseloadError.invalidInput(
                        "\(client.displayName) has no earlier signed plan to copy. Start a blank plan or one from a template.")
                }
                source = try Self.planTree(previous, db)
                plan.clientWords = previous.clientWords
                how = "copied from version \(previous.version)"
            }
            let planID = try PlanTable.insert(plan, db)
            try db.execute(sql: "UPDATE treatment_plans SET updated_by_id = ?, updated_at = ? WHERE id = ?",
                           arguments: [staff.id, now, planID])
            if let source { try Self.copyTree(source, to: planID, db) }
            if let template {
                try Self.insertTemplate(template, planID: planID, effectiveDate: effectiveDate, responsible: staff.id, db)
            }
            try planAudit(db, .create, staff, clientID: clientID, planID: planID,
                          detail: "started treatment plan version \(version) (\(how)), effective \(effectiveDate)")
            return try Self.planTree(try Self.planRecord(planID, db).plan, db)
        }
    }

    // MARK: Editing a draft

    public func apply(_ edit: PlanEdit, planID: RowID, expectedRevision: Int?, by staff: Staff) throws -> PlanTree {
        try authorize(recordSQL: Self.planClientSQL, id: planID, .full, what: "treatment plan", by: staff)
        let now = clock.now()
        return try write { db in
            try requirePlanWriter(staff)
            let plan = try Self.editableDraft(planID, expectedRevision: expectedRevision, db)
            let changed: String?
            switch edit {
            case .header(let effectiveDate, let clientWords):
                let settings = try SettingsCodec.read(db)
                try db.execute(sql: """
                    UPDATE treatment_plans SET effective_date = ?, next_review_date = ?, client_words = ? WHERE id = ?
                    """, arguments: [effectiveDate.sqlText,
                                     effectiveDate.adding(days: settings.planReviewIntervalDays).sqlText,
                                     Self.trimmed(clientWords), planID])
                changed = "changed the effective date or the client's words"
            case .addProblem(var problem):
                problem.statement = try Self.statement(problem.statement, of: "problem")
                problem.clientWords = Self.trimmed(problem.clientWords)
                problem.id = nil; problem.planID = planID
                problem.position = try Self.nextPosition(.problem(0), parent: planID, db)
                try ProblemTable.insert(problem, db)
                changed = "added a problem"
            case .addGoal(var goal):
                try Self.requireNode(.problem(goal.problemID), in: planID, db)
                goal.statement = try Self.statement(goal.statement, of: "goal")
                try Self.checkTarget(goal.targetDate, of: "goal", plan)
                goal.id = nil
                goal.position = try Self.nextPosition(.goal(0), parent: goal.problemID, db)
                try GoalTable.insert(goal, db)
                changed = "added a goal"
            case .addObjective(var objective):
                try Self.requireNode(.goal(objective.goalID), in: planID, db)
                objective.statement = try Self.statement(objective.statement, of: "objective")
                try Self.checkTarget(objective.targetDate, of: "objective", plan)
                objective.id = nil
                objective.position = try Self.nextPosition(.objective(0), parent: objective.goalID, db)
                try ObjectiveTable.insert(objective, db)
                changed = "added an objective"
            case .addIntervention(var intervention):
                try Self.requireNode(.objective(intervention.objectiveID), in: planID, db)
                try Self.checkIntervention(&intervention, db)
                intervention.id = nil
                intervention.position = try Self.nextPosition(.intervention(0), parent: intervention.objectiveID, db)
                try InterventionTable.insert(intervention, db)
                changed = "added an intervention"
            case .updateProblem(let problem):
                let id = try Self.recordID(problem.id, "problem")
                try Self.requireNode(.problem(id), in: planID, db)
                try db.execute(sql: "UPDATE problems SET statement = ?, client_words = ? WHERE id = ?",
                               arguments: [try Self.statement(problem.statement, of: "problem"),
                                           Self.trimmed(problem.clientWords), id])
                changed = "changed a problem"
            case .updateGoal(let goal):
                let id = try Self.recordID(goal.id, "goal")
                try Self.requireNode(.goal(id), in: planID, db)
                try Self.checkTarget(goal.targetDate, of: "goal", plan)
                try db.execute(sql: "UPDATE goals SET statement = ?, kind = ?, target_date = ?, status = ? WHERE id = ?",
                               arguments: [try Self.statement(goal.statement, of: "goal"), goal.kind.rawValue,
                                           goal.targetDate?.sqlText, goal.status.rawValue, id])
                changed = "changed a goal"
            case .updateObjective(let objective):
                let id = try Self.recordID(objective.id, "objective")
                try Self.requireNode(.objective(id), in: planID, db)
                try Self.checkTarget(objective.targetDate, of: "objective", plan)
                try db.execute(sql: "UPDATE objectives SET statement = ?, target_date = ?, status = ? WHERE id = ?",
                               arguments: [try Self.statement(objective.statement, of: "objective"),
                                           objective.targetDate?.sqlText, objective.status.rawValue, id])
                changed = "changed an objective"
            case .updateIntervention(var intervention):
                let id = try Self.recordID(intervention.id, "intervention")
                try Self.requireNode(.intervention(id), in: planID, db)
                try Self.checkIntervention(&intervention, db)
                try db.execute(sql: """
                    UPDATE interventions SET modality_id = ?, times_per_period = ?, period = ?, responsible_staff_id = ?,
                           detail = ? WHERE id = ?
                    """, arguments: [intervention.modalityID, intervention.timesPerPeriod, intervention.period.rawValue,
                                     intervention.responsibleStaffID, intervention.detail, id])
                changed = "changed an intervention"
            case .delete(let node):
                try Self.requireNode(node, in: planID, db)
                try Self.delete(node, db)
                changed = "removed \(Self.kindName(node, article: true)) and everything under it"
            case .move(let node, let by):
                try Self.requireNode(node, in: planID, db)
                changed = try Self.move(node, by: by, db) ? "moved \(Self.kindName(node, article: true))" : nil
            }
            guard let changed else { return try Self.planTree(plan, db) }
            try db.execute(sql: """
                UPDATE treatment_plans SET revision = revision + 1, updated_by_id = ?, updated_at = ? WHERE id = ?
                """, arguments: [staff.id, now, planID])
            try planAudit(db, .update, staff, clientID: plan.clientID, planID: planID,
                          detail: "plan version \(plan.version): \(changed)")
            return try Self.planTree(try Self.planRecord(planID, db).plan, db)
        }
    }

    // MARK: Signing

    public func signPlan(planID: RowID, expectedRevision: Int, clientSigned: Bool, by staff: Staff) throws -> PlanTree {
        try authorize(recordSQL: Self.planClientSQL, id: planID, .full, what: "treatment plan", by: staff)
        let now = clock.now()
        return try write { db in
            try requirePlanWriter(staff)
            let plan = try Self.editableDraft(planID, expectedRevision: expectedRevision, db, action: "signed")
            let tree = try Self.planTree(plan, db)
            try Self.checkComplete(tree)
            let client = try Self.planClient(plan.clientID, db)
            // The version in force gives way first: at most one signed plan per client at any moment.
            let replaced = try Int.fetchAll(db, sql: """
                SELECT version FROM treatment_plans WHERE client_id = ? AND status = 'signed' AND id <> ?
                """, arguments: [plan.clientID, planID])
            try db.execute(sql: """
                UPDATE treatment_plans SET status = 'superseded' WHERE client_id = ? AND status = 'signed' AND id <> ?
                """, arguments: [plan.clientID, planID])
            try SignatureTable.insert(PlanSignature(planID: planID, role: .counselor, signerName: staff.displayName,
                                                    staffID: staff.id, signedAt: now), db)
            if clientSigned {
                try SignatureTable.insert(PlanSignature(planID: planID, role: .client, signerName: Self.signingName(client),
                                                        staffID: nil, signedAt: now), db)
            }
            try db.execute(sql: """
                UPDATE treatment_plans SET status = 'signed', revision = revision + 1, updated_by_id = ?, updated_at = ?
                WHERE id = ?
                """, arguments: [staff.id, now, planID])
            let superseded = replaced.isEmpty ? "" : "; version \(replaced.map(String.init).joined(separator: ", ")) superseded"
            try planAudit(db, .sign, staff, clientID: plan.clientID, planID: planID,
                          detail: "signed treatment plan version \(plan.version)\(clientSigned ? " with the client's signature" : "")\(superseded)")
            return try Self.planTree(try Self.planRecord(planID, db).plan, db)
        }
    }

    public func addPlanSignature(planID: RowID, role: SignatureRole, by staff: Staff) throws -> PlanTree {
        try authorize(recordSQL: Self.planClientSQL, id: planID, .full, what: "treatment plan", by: staff)
        let now = clock.now()
        return try write { db in
            let plan = try Self.planRecord(planID, db).plan
            switch plan.status {
            case .draft:
                throw CaseloadError.refused("Sign the plan first: later signatures are added to a signed plan.")
            case .superseded:
                throw CaseloadError.refused(
                    "Version \(plan.version) of this plan was replaced by a later version; sign the plan in force instead.")
            case .signed:
                break
            }
            let existing = try SignatureTable.fetchAll(db, where: "plan_id = ?", [planID])
            let client = try Self.planClient(plan.clientID, db)
            let signature: PlanSignature
            switch role {
            case .client:
                try requirePlanWriter(staff)
                if existing.contains(where: { $0.role == .client }) {
                    throw CaseloadError.invalidInput("\(client.displayName) has already signed this plan.")
                }
                signature = PlanSignature(planID: planID, role: .client, signerName: Self.signingName(client),
                                          staffID: nil, signedAt: now)
            case .supervisor:
                if existing.contains(where: { $0.role == .supervisor }) {
                    throw CaseloadError.invalidInput("This plan is already co-signed by a supervisor.")
                }
                let counselorIDs = existing.filter { $0.role == .counselor }.compactMap(\.staffID)
                let supervisors = try RowID.fetchAll(db, sql: """
                    SELECT supervisor_id FROM staff WHERE supervisor_id IS NOT NULL AND id IN (\(
                        (counselorIDs + [client.primaryCounselorID ?? -1]).map(String.init).joined(separator: ",")))
                    """)
                guard staff.id.map(supervisors.contains) ?? false else {
                    throw AccessRefused(staff: staff, clientID: client.id, subject: "treatment plan",
                                        sentence: "Only the counselor's clinical supervisor can co-sign this plan.")
                }
                signature = PlanSignature(planID: planID, role: .supervisor, signerName: staff.displayName,
                                          staffID: staff.id, signedAt: now)
            case .counselor:
                throw CaseloadError.invalidInput("The counselor signs a plan when it is signed; it cannot be signed again.")
            case .physician:
                throw CaseloadError.invalidInput("A physician's signature is added on the printed plan, not in Caseload.")
            }
            try SignatureTable.insert(signature, db)
            try planAudit(db, .sign, staff, clientID: plan.clientID, planID: planID,
                          detail: "added the \(role.label.lowercased())'s signature to treatment plan version \(plan.version)")
            return try Self.planTree(plan, db)
        }
    }

    // MARK: Review and discard

    public func reviewPlan(planID: RowID, reviewNote: String, on day: Day, by staff: Staff) throws -> PlanTree {
        try authorize(recordSQL: Self.planClientSQL, id: planID, .full, what: "treatment plan", by: staff)
        let now = clock.now()
        let note = Self.trimmed(reviewNote)
        return try write { db in
            try requirePlanWriter(staff)
            let plan = try Self.planRecord(planID, db).plan
            guard plan.status == .signed else {
                throw CaseloadError.refused(plan.status == .draft
                    ? "Version \(plan.version) is still a draft: finish and sign it rather than reviewing it."
                    : "Version \(plan.version) was replaced by a later version; review the plan in force.")
            }
            guard !note.isEmpty else {
                throw CaseloadError.invalidInput("Write what the review found (a sentence or two) before starting the next version.")
            }
            let client = try Self.planClient(plan.clientID, db)
            try Self.refuseSecondDraft(client, db)
            let settings = try SettingsCodec.read(db)
            let version = (try Int.fetchOne(db, sql: "SELECT max(version) FROM treatment_plans WHERE client_id = ?",
                                            arguments: [plan.clientID]) ?? 0) + 1
            let next = TreatmentPlan(clientID: plan.clientID, version: version, status: .draft, effectiveDate: day,
                                     nextReviewDate: day.adding(days: settings.planReviewIntervalDays),
                                     clientWords: plan.clientWords, createdByID: staff.id, reviewNote: note, revision: 1)
            let nextID = try PlanTable.insert(next, db)
            try db.execute(sql: "UPDATE treatment_plans SET updated_by_id = ?, updated_at = ? WHERE id = ?",
                           arguments: [staff.id, now, nextID])
            try Self.copyTree(try Self.planTree(plan, db), to: nextID, db)
            try planAudit(db, .create, staff, clientID: plan.clientID, planID: nextID,
                          detail: "reviewed treatment plan version \(plan.version); started version \(version), effective \(day)")
            return try Self.planTree(try Self.planRecord(nextID, db).plan, db)
        }
    }

    public func discardPlanDraft(planID: RowID, by staff: Staff) throws {
        try authorize(recordSQL: Self.planClientSQL, id: planID, .full, what: "treatment plan", by: staff)
        try write { db in
            try requirePlanWriter(staff)
            let plan = try Self.planRecord(planID, db).plan
            guard plan.status == .draft else {
                throw CaseloadError.refused(
                    "Version \(plan.version) is signed and cannot be discarded; a signed plan stays in the chart.")
            }
            for problemID in try RowID.fetchAll(db, sql: "SELECT id FROM problems WHERE plan_id = ?", arguments: [planID]) {
                try Self.delete(.problem(problemID), db)
            }
            try db.execute(sql: "DELETE FROM plan_signatures WHERE plan_id = ?", arguments: [planID])
            try db.execute(sql: "DELETE FROM treatment_plans WHERE id = ?", arguments: [planID])
            try planAudit(db, .update, staff, clientID: plan.clientID, planID: planID,
                          detail: "discarded the draft of treatment plan version \(plan.version)")
        }
    }

    // MARK: Planned against delivered

    public func delivery(planID: RowID, on day: Day) throws -> [Delivery] {
        try authorize(recordSQL: Self.planClientSQL, id: planID, .full, what: "treatment plan")
        let from = day.adding(days: -27).sqlText, to = day.sqlText
        return try read { db in
            let plan = try Self.planRecord(planID, db).plan
            let interventions = try Self.planTree(plan, db).problems
                .flatMap(\.goals).flatMap(\.objectives).flatMap(\.interventions).map(\.intervention)
            // Sessions by modality over the window: individual notes that were not no-shows, and
            // group sessions the client attended in a group of that modality.
            var delivered: [RowID: Int] = [:], drafts: [RowID: Int] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT modality_id, count(*) FILTER (WHERE signed), count(*) FILTER (WHERE NOT signed) FROM (
                    SELECT n.modality_id, n.status = 'signed' AS signed FROM progress_notes n
                    WHERE n.client_id = :client AND n.format <> 'no_show' AND n.date BETWEEN :from AND :to
                    UNION ALL
                    SELECT g.modality_id, s.signed_at IS NOT NULL FROM attendance a
                    JOIN group_sessions s ON s.id = a.group_session_id JOIN groups g ON g.id = s.group_id
                    WHERE a.client_id = :client AND a.status IN (\(Self.attendedList)) AND s.status <> 'cancelled'
                      AND s.date BETWEEN :from AND :to)
                GROUP BY modality_id
                """, arguments: ["client": plan.clientID, "from": from, "to": to]) {
                delivered[r[0]] = r[1]
                drafts[r[0]] = r[2]
            }
            return interventions.map { i in
                Delivery(interventionID: i.id!, planned: i.period == .week ? i.timesPerPeriod * 4 : i.timesPerPeriod,
                         delivered: delivered[i.modalityID] ?? 0, drafts: drafts[i.modalityID] ?? 0)
            }
        }
    }

    // MARK: Due lists

    public func planCosignQueue(supervisorID: RowID) throws -> [PlanDueRow] {
        try authorizeStaffView(supervisorID, what: "plans to co-sign")
        return try read { db in
            let settings = try SettingsCodec.read(db)
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, s.display_name,
                       p.id, p.version, p.status, p.next_review_date
                FROM treatment_plans p
                JOIN clients c ON c.id = p.client_id
                JOIN plan_signatures cs ON cs.plan_id = p.id AND cs.role = 'counselor'
                JOIN staff s ON s.id = cs.staff_id
                WHERE p.status = 'signed' AND s.supervisor_id = ? AND (? OR s.needs_cosign = 1)
                  AND NOT EXISTS (SELECT 1 FROM plan_signatures x WHERE x.plan_id = p.id AND x.role = 'supervisor')
                GROUP BY p.id
                ORDER BY min(cs.signed_at), p.id
                """, arguments: [supervisorID, settings.supervisorCosignPlans])
            return try rows.map(Self.dueRow)
        }
    }

    public func plansDue(for staffID: RowID, scope: CaseloadScope, on day: Day) throws -> [PlanDueRow] {
        try authorizeScope(scope, staffID: staffID)
        let filter: String
        var arguments: StatementArguments
        switch scope {
        case .mine:
            filter = "c.primary_counselor_id = ?"; arguments = [staffID]
        case .team:
            filter = "(c.primary_counselor_id = ? OR c.primary_counselor_id IN (\(Self.teamSQL.replacingOccurrences(of: ":me", with: "?"))))"
            arguments = [staffID, staffID]
        case .all:
            filter = "1"; arguments = []
        }
        return try read { db in
            let settings = try SettingsCodec.read(db)
            arguments += [day.adding(days: settings.planDueWarningDays).sqlText]
            // clients.next_plan_review is kept by triggers: of the plan in force, else of the draft.
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn,
                       coalesce(s.display_name, ''), p.id, p.version, p.status, c.next_plan_review
                FROM clients c
                LEFT JOIN staff s ON s.id = c.primary_counselor_id
                LEFT JOIN treatment_plans p ON p.id = (
                    SELECT id FROM treatment_plans WHERE client_id = c.id AND status IN ('signed', 'draft')
                    ORDER BY status = 'signed' DESC, version DESC LIMIT 1)
                WHERE \(filter) AND c.status <> 'discharged'
                  AND (c.next_plan_review IS NULL OR c.next_plan_review <= ?)
                ORDER BY c.next_plan_review IS NOT NULL, c.next_plan_review, c.id
                """, arguments: arguments)
            return try rows.map(Self.dueRow)
        }
    }

    private static func dueRow(_ r: Row) throws -> PlanDueRow {
        let status: PlanStatus? = r.hasNull(atIndex: 8) ? nil : try Col.value(r, 8, "treatment_plans.status")
        return PlanDueRow(clientID: r[0], clientName: clientDisplayName(first: r[1], last: r[2], preferred: r[3]),
                          mrn: r[4], counselorName: r[5], planID: r[6], version: r[7], status: status,
                          nextReview: try Col.optionalDay(r, 9, "treatment_plans.next_review_date"))
    }

    // MARK: Helpers: records and rules

    /// A plan with the name of who changed it last (for EditConflict).
    private static func planRecord(_ id: RowID, _ db: Database) throws -> (plan: TreatmentPlan, changedBy: String?, changedAt: Date?) {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT \(PlanTable.select("p")), s.display_name, p.updated_at
            FROM treatment_plans p LEFT JOIN staff s ON s.id = p.updated_by_id WHERE p.id = ?
            """, arguments: [id]) else { throw CaseloadError.notFound(what: "The treatment plan") }
        let n = PlanTable.columns.count
        return (try PlanTable.decode(r), r[n], r[n + 1])
    }

    /// The draft to change, after the refusal of signed plans and the revision check.
    private static func editableDraft(_ id: RowID, expectedRevision: Int?, _ db: Database,
                                      action: String = "changed") throws -> TreatmentPlan {
        let (plan, by, at) = try planRecord(id, db)
        guard plan.status == .draft else {
            throw CaseloadError.refused(plan.status == .signed
                ? "Version \(plan.version) of this plan is signed and cannot be \(action). Start a plan review to create the next version."
                : "Version \(plan.version) of this plan was replaced by a later version and cannot be \(action).")
        }
        if let expectedRevision, expectedRevision != plan.revision {
            throw EditConflict(what: "This plan", changedBy: by ?? "someone else", changedAt: at)
        }
        return plan
    }

    private static func planClient(_ id: RowID, _ db: Database) throws -> Client {
        guard let c = try Row.fetchOne(db, sql: "SELECT \(Tables.clientColumns) FROM clients WHERE id = ?",
                                       arguments: [id]).map(Tables.client) else {
            throw CaseloadError.notFound(what: "The client")
        }
        return c
    }

    private static func refuseSecondDraft(_ client: Client, _ db: Database) throws {
        if let v = try Int.fetchOne(db, sql: "SELECT version FROM treatment_plans WHERE client_id = ? AND status = 'draft'",
                                    arguments: [client.id]) {
            throw CaseloadError.refused(
                "\(client.displayName) already has a draft plan (version \(v)). Open it, or discard it before starting another.")
        }
    }

    /// The name a client signs with: their legal name, as on the paper they sign.
    private static func signingName(_ c: Client) -> String { "\(c.legalFirstName) \(c.legalLastName)" }

    private func requirePlanWriter(_ staff: Staff) throws {
        if staff.role == .facilitator {
            throw try refusal(by: staff, clientID: nil, what: "treatment plan", sentence:
                "Only counselors, clinical supervisors and administrators write treatment plans.")
        }
    }

    static func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    private static func statement(_ s: String, of kind: String) throws -> String {
        let t = trimmed(s)
        guard !t.isEmpty else {
            let hint = kind == "objective" ? " something measurable the client will do" : ""
            throw CaseloadError.invalidInput("The \(kind) needs a statement: write\(hint.isEmpty ? " it in a sentence" : hint).")
        }
        return t
    }

    private static func checkTarget(_ target: Day?, of kind: String, _ plan: TreatmentPlan) throws {
        if let target, target < plan.effectiveDate {
            throw CaseloadError.invalidInput(
                "The \(kind)'s target date \(target) is before the plan takes effect (\(plan.effectiveDate)). Choose a later date.")
        }
    }

    private static func checkIntervention(_ i: inout Intervention, _ db: Database) throws {
        guard i.timesPerPeriod >= 1 else {
            throw CaseloadError.invalidInput("How often: an intervention happens at least once a \(i.period.label).")
        }
        guard i.timesPerPeriod <= 99 else {
            throw CaseloadError.invalidInput("\(i.timesPerPeriod) times a \(i.period.label) is more than a plan can hold; check the number.")
        }
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM modalities WHERE id = ? AND active = 1", arguments: [i.modalityID]) == true else {
            throw CaseloadError.invalidInput("Choose a modality from the program's list; the one given is not offered here.")
        }
        if let s = i.responsibleStaffID,
           try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE id = ? AND active = 1", arguments: [s]) != true {
            throw CaseloadError.invalidInput("The staff member named as responsible is not an active staff account.")
        }
        i.detail = trimmed(i.detail)
    }

    private static func recordID(_ id: RowID?, _ kind: String) throws -> RowID {
        guard let id else { throw CaseloadError.notFound(what: "The \(kind) to change") }
        return id
    }

    /// Signing needs something to sign: every branch reaches an intervention.
    private static func checkComplete(_ tree: PlanTree) throws {
        guard !tree.problems.isEmpty else {
            throw CaseloadError.invalidInput("Add at least one problem before signing the plan.")
        }
        func short(_ s: String) -> String { s.count > 40 ? String(s.prefix(39)) + "…" : s }
        for p in tree.problems {
            guard !p.goals.isEmpty else {
                throw CaseloadError.invalidInput("The problem “\(short(p.problem.statement))” has no goal. Add one or remove the problem before signing.")
            }
            for g in p.goals {
                guard !g.objectives.isEmpty else {
                    throw CaseloadError.invalidInput("The goal “\(short(g.goal.statement))” has no objective. Add one or remove the goal before signing.")
                }
                for o in g.objectives where o.interventions.isEmpty {
                    throw CaseloadError.invalidInput("The objective “\(short(o.objective.statement))” has no intervention (who does what, how often). Add one before signing.")
                }
            }
        }
    }

    // MARK: Helpers: the tree

    private static func table(_ node: PlanNode) -> (table: String, parent: String, id: RowID) {
        switch node {
        case .problem(let id): ("problems", "plan_id", id)
        case .goal(let id): ("goals", "problem_id", id)
        case .objective(let id): ("objectives", "goal_id", id)
        case .intervention(let id): ("interventions", "objective_id", id)
        }
    }

    private static func kindName(_ node: PlanNode, article: Bool = false) -> String {
        switch node {
        case .problem: article ? "a problem" : "problem"
        case .goal: article ? "a goal" : "goal"
        case .objective: article ? "an objective" : "objective"
        case .intervention: article ? "an intervention" : "intervention"
        }
    }

    /// The node exists and belongs to this plan (an id from another plan is refused, not edited).
    private static func requireNode(_ node: PlanNode, in planID: RowID, _ db: Database) throws {
        let sql: String
        switch node {
        case .problem: sql = "SELECT plan_id FROM problems WHERE id = ?"
        case .goal: sql = "SELECT p.plan_id FROM goals g JOIN problems p ON p.id = g.problem_id WHERE g.id = ?"
        case .objective:
            sql = """
                SELECT p.plan_id FROM objectives o JOIN goals g ON g.id = o.goal_id JOIN problems p ON p.id = g.problem_id
                WHERE o.id = ?
                """
        case .intervention:
            sql = """
                SELECT p.plan_id FROM interventions i JOIN objectives o ON o.id = i.objective_id
                JOIN goals g ON g.id = o.goal_id JOIN problems p ON p.id = g.problem_id WHERE i.id = ?
                """
        }
        guard try RowID.fetchOne(db, sql: sql, arguments: [table(node).id]) == planID else {
            throw CaseloadError.notFound(what: "The \(kindName(node)) (it may have been removed in another session)")
        }
    }

    /// The end of the sibling list, after closing any gaps (plans written by older code or the
    /// demo may number from 1).
    private static func nextPosition(_ kind: PlanNode, parent: RowID, _ db: Database) throws -> Int {
        let ids = try siblings(kind, parent: parent, db)
        try renumber(kind, ids, db)
        return ids.count
    }

    /// Positions 0, 1, 2 … in the current order (ties by id).
    private static func siblings(_ node: PlanNode, parent: RowID, _ db: Database) throws -> [RowID] {
        let t = table(node)
        return try RowID.fetchAll(db, sql: "SELECT id FROM \(t.table) WHERE \(t.parent) = ? ORDER BY position, id",
                                  arguments: [parent])
    }

    private static func renumber(_ node: PlanNode, _ ids: [RowID], _ db: Database) throws {
        let update = try db.cachedStatement(sql: "UPDATE \(table(node).table) SET position = ? WHERE id = ? AND position IS NOT ?")
        for (i, id) in ids.enumerated() { try update.execute(arguments: [i, id, i]) }
    }

    private static func parentID(_ node: PlanNode, _ db: Database) throws -> RowID {
        let t = table(node)
        guard let p = try RowID.fetchOne(db, sql: "SELECT \(t.parent) FROM \(t.table) WHERE id = ?", arguments: [t.id]) else {
            throw CaseloadError.notFound(what: "The \(kindName(node))")
        }
        return p
    }

    /// Moves among siblings; false when already at that end (nothing changed).
    private static func move(_ node: PlanNode, by offset: Int, _ db: Database) throws -> Bool {
        var ids = try siblings(node, parent: try parentID(node, db), db)
        guard let from = ids.firstIndex(of: table(node).id) else { return false }
        let to = min(max(from + offset, 0), ids.count - 1)
        guard to != from else { return false }
        ids.insert(ids.remove(at: from), at: to)
        try renumber(node, ids, db)
        return true
    }

    /// Removes a node and everything under it, then closes the gap among its siblings.
    private static func delete(_ node: PlanNode, _ db: Database) throws {
        let t = table(node)
        let parent = try parentID(node, db)
        // Nodes below, by table.
        var objectives: [RowID] = [], goals: [RowID] = []
        switch node {
        case .problem(let id):
            goals = try RowID.fetchAll(db, sql: "SELECT id FROM goals WHERE problem_id = ?", arguments: [id])
        case .goal(let id):
            goals = [id]
        default: break
        }
        if !goals.isEmpty {
            objectives = try RowID.fetchAll(db, sql: "SELECT id FROM objectives WHERE goal_id IN (\(goals.map(String.init).joined(separator: ",")))")
        }
        if case .objective(let id) = node { objectives = [id] }
        let goalList = goals.map(String.init).joined(separator: ",")
        let objectiveList = objectives.map(String.init).joined(separator: ",")
        if try Bool.fetchOne(db, sql: """
            SELECT 1 FROM note_goal_links WHERE goal_id IN (\(goalList)) OR objective_id IN (\(objectiveList)) LIMIT 1
            """) == true {
            throw CaseloadError.refused(
                "A progress note addresses this \(kindName(node)), so it cannot be removed. Mark it discontinued instead.")
        }
        if !objectives.isEmpty {
            try db.execute(sql: "DELETE FROM interventions WHERE objective_id IN (\(objectiveList))")
            try db.execute(sql: "DELETE FROM objectives WHERE id IN (\(objectiveList))")
        }
        if !goals.isEmpty { try db.execute(sql: "DELETE FROM goals WHERE id IN (\(goalList))") }
        try db.execute(sql: "DELETE FROM \(t.table) WHERE id = ?", arguments: [t.id])
        try renumber(node, try siblings(node, parent: parent, db), db)
    }

    /// The whole tree of another version under `planID`: statements, kinds, dates, statuses,
    /// interventions, in the same order (positions made dense).
    private static func copyTree(_ tree: PlanTree, to planID: RowID, _ db: Database) throws {
        for (pi, p) in tree.problems.enumerated() {
            var problem = p.problem
            problem.id = nil; problem.planID = planID; problem.position = pi
            let problemID = try ProblemTable.insert(problem, db)
            for (gi, g) in p.goals.enumerated() {
                var goal = g.goal
                goal.id = nil; goal.problemID = problemID; goal.position = gi
                let goalID = try GoalTable.insert(goal, db)
                for (oi, o) in g.objectives.enumerated() {
                    var objective = o.objective
                    objective.id = nil; objective.goalID = goalID; objective.position = oi
                    let objectiveID = try ObjectiveTable.insert(objective, db)
                    for (ii, i) in o.interventions.enumerated() {
                        var intervention = i.intervention
                        intervention.id = nil; intervention.objectiveID = objectiveID; intervention.position = ii
                        try InterventionTable.insert(intervention, db)
                    }
                }
            }
        }
    }

    // MARK: Helpers: templates

    /// The JSON shape of plan_templates.body.
    struct TemplateBody: Decodable {
        struct TProblem: Decodable { var statement: String; var clientWords: String?; var goals: [TGoal]? }
        struct TGoal: Decodable { var statement: String; var kind: String?; var objectives: [TObjective]? }
        struct TObjective: Decodable { var statement: String; var weeks: Int?; var interventions: [TIntervention]? }
        struct TIntervention: Decodable {
            var modality: String; var timesPerPeriod: Int?; var period: String?; var detail: String?
        }
        var problems: [TProblem]
    }

    private static func templateBody(name: String, json: String) throws -> TemplateBody {
        do { return try JSONDecoder().decode(TemplateBody.self, from: Data(json.utf8)) }
        catch { throw BadStoredValue(column: "plan_templates.body of '\(name)'", value: String(json.prefix(60))) }
    }

    /// A template's tree: objectives target `weeks` after the effective date, goals the latest of
    /// their objectives; every modality is resolved by name before anything is written.
    private static func insertTemplate(_ t: TemplateBody, planID: RowID, effectiveDate: Day, responsible: RowID?,
                                       _ db: Database) throws {
        var modalities: [String: RowID] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT name, id FROM modalities WHERE active = 1") { modalities[r[0]] = r[1] }
        let named = t.problems.flatMap { $0.goals ?? [] }.flatMap { $0.objectives ?? [] }
            .flatMap { $0.interventions ?? [] }.map(\.modality)
        if let missing = named.first(where: { modalities[$0] == nil }) {
            throw CaseloadError.invalidInput(
                "This template names the modality '\(missing)', which the program does not offer. Ask an administrator to add it, or start another way.")
        }
        for (pi, p) in t.problems.enumerated() {
            let problemID = try ProblemTable.insert(Problem(planID: planID, position: pi, statement: p.statement,
                                                            clientWords: p.clientWords ?? ""), db)
            for (gi, g) in (p.goals ?? []).enumerated() {
                let objectives = g.objectives ?? []
                let goalTarget = objectives.compactMap(\.weeks).max().map { effectiveDate.adding(days: 7 * $0) }
                let goalID = try GoalTable.insert(Goal(problemID: problemID, position: gi, statement: g.statement,
                                                       kind: g.kind.flatMap(GoalKind.init(rawValue:)) ?? .other,
                                                       targetDate: goalTarget), db)
                for (oi, o) in objectives.enumerated() {
                    let objectiveID = try ObjectiveTable.insert(Objective(
                        goalID: goalID, position: oi, statement: o.statement,
                        targetDate: o.weeks.map { effectiveDate.adding(days: 7 * $0) }), db)
                    for (ii, i) in (o.interventions ?? []).enumerated() {
                        try InterventionTable.insert(Intervention(
                            objectiveID: objectiveID, position: ii, modalityID: modalities[i.modality]!,
                            timesPerPeriod: max(1, i.timesPerPeriod ?? 1),
                            period: i.period.flatMap(FrequencyPeriod.init(rawValue:)) ?? .week,
                            responsibleStaffID: responsible, detail: i.detail ?? ""), db)
                    }
                }
            }
        }
    }

    private func planAudit(_ db: Database, _ action: AuditAction, _ staff: Staff, clientID: RowID, planID: RowID,
                           detail: String) throws {
        try AuditTable.insert(AuditEvent(at: clock.now(), staffID: staff.id, username: staff.username, action: action,
                                         clientID: clientID, subject: "plan:\(planID)", detail: detail), db)
    }
}
