// What the plan editor in the chart's Plan tab, plan review and `caseload plan print` ask of a store
// (issue: treatment plans). SQLiteStore implements it.
import Foundation

/// A program template a new plan can start from (stored in plan_templates as JSON).
public struct PlanTemplate: Hashable, Sendable, Identifiable {
    public var id: RowID
    public var name: String
    public var problemCount: Int
    public var goalCount: Int
    public init(id: RowID, name: String, problemCount: Int, goalCount: Int) {
        self.id = id; self.name = name; self.problemCount = problemCount; self.goalCount = goalCount
    }
}

/// How a new plan begins.
public enum PlanStart: Hashable, Sendable {
    case blank
    case template(RowID)
    /// Everything of the client's latest plan (signed or superseded), as a new draft version.
    case copyPrevious
}

/// Addresses one node of a plan's tree.
public enum PlanNode: Hashable, Sendable {
    case problem(RowID)
    case goal(RowID)
    case objective(RowID)
    case intervention(RowID)
}

/// One change to a draft plan. Positions are kept dense (0, 1, 2 …) by the store.
public enum PlanEdit: Hashable, Sendable {
    /// The plan's own fields: effective date (next review = effective + program interval) and the client's words.
    case header(effectiveDate: Day, clientWords: String)
    /// Adds at the end of its parent (the IDs of the parent in the record; `id` and `position` ignored).
    case addProblem(Problem)
    case addGoal(Goal)
    case addObjective(Objective)
    case addIntervention(Intervention)
    /// Saves the record's fields (found by its id).
    case updateProblem(Problem)
    case updateGoal(Goal)
    case updateObjective(Objective)
    case updateIntervention(Intervention)
    /// Removes a node and everything under it (draft plans only).
    case delete(PlanNode)
    /// Moves a node up (-1) or down (+1) among its siblings.
    case move(PlanNode, by: Int)
}

/// For one intervention: sessions the plan asks for in the last 4 weeks, and sessions delivered.
public struct Delivery: Hashable, Sendable {
    public var interventionID: RowID
    public var planned: Int               // times per week × 4, or times per month (a 4-week window ~ one month)
    /// Signed notes (not no-shows) in the modality + signed group sessions of it the client attended: only a signed
    /// record documents a delivered session.
    public var delivered: Int
    /// Sessions written but not signed yet (drafts, unsigned group sessions): shown apart, never counted.
    public var drafts: Int
    public var shortfall: Bool { delivered < planned }
    public init(interventionID: RowID, planned: Int, delivered: Int, drafts: Int = 0) {
        self.interventionID = interventionID; self.planned = planned; self.delivered = delivered; self.drafts = drafts
    }
}

/// A plan due for review, for a supervisor's view of the team.
public struct PlanDueRow: Hashable, Sendable, Identifiable {
    public var clientID: RowID
    public var clientName: String
    public var mrn: String
    public var counselorName: String
    public var planID: RowID?             // nil: the client has no plan at all
    public var version: Int?
    public var status: PlanStatus?
    public var nextReview: Day?
    public var id: RowID { clientID }
    public init(clientID: RowID, clientName: String, mrn: String, counselorName: String, planID: RowID?,
                version: Int?, status: PlanStatus?, nextReview: Day?) {
        self.clientID = clientID; self.clientName = clientName; self.mrn = mrn; self.counselorName = counselorName
        self.planID = planID; self.version = version; self.status = status; self.nextReview = nextReview
    }
}

public protocol PlanRepository: AnyObject, Sendable {
    func planTemplates() throws -> [PlanTemplate]
    /// The program's active modalities and the staff who can be responsible for an intervention.
    func planModalities() throws -> [Modality]
    func planStaff() throws -> [Staff]

    /// A given version of a plan with its tree (earlier versions stay viewable).
    func plan(id: RowID) throws -> PlanTree

    /// Starts version N+1 (or 1) as a draft dated `effectiveDate`. Refused while the client already has a draft.
    /// Audited (create).
    func startPlan(clientID: RowID, from start: PlanStart, effectiveDate: Day, by staff: Staff) throws -> PlanTree

    /// Applies one edit to a draft and returns the whole tree after it (revision bumped).
    /// `expectedRevision` stale → EditConflict naming who changed the plan last and when; nil = apply anyway
    /// (the user chose to, after a conflict). A signed plan → CaseloadError.refused (the store's triggers
    /// refuse it too). Invalid input (empty statement, frequency < 1, unknown modality) → CaseloadError.invalidInput.
    func apply(_ edit: PlanEdit, planID: RowID, expectedRevision: Int?, by staff: Staff) throws -> PlanTree

    /// Signs a draft: the counselor's signature (always), the client's when `clientSigned` (signed in
    /// person or on paper), and the plan becomes `signed`; the version it replaces becomes `superseded`.
    /// Refuses a plan with no problem, or a problem / goal / objective without a child. Audited (sign).
    func signPlan(planID: RowID, expectedRevision: Int, clientSigned: Bool, by staff: Staff) throws -> PlanTree

    /// Adds a later signature to a signed plan: the client's (role .client, `signerName` the client's name)
    /// or a supervisor's co-signature (role .supervisor, only the counselor's supervisor or an admin).
    func addPlanSignature(planID: RowID, role: SignatureRole, by staff: Staff) throws -> PlanTree

    /// "Review": the next version as a draft carrying everything over, with `reviewNote` recorded on it and
    /// effective date `on`. Refused unless `planID` is the signed plan in force. Audited.
    func reviewPlan(planID: RowID, reviewNote: String, on day: Day, by staff: Staff) throws -> PlanTree

    /// Deletes a draft version (never a signed one).
    func discardPlanDraft(planID: RowID, by staff: Staff) throws

    /// Planned against delivered for every intervention of the plan, over the 28 days ending `day`.
    func delivery(planID: RowID, on day: Day) throws -> [Delivery]

    /// Signed plans of supervisees whose supervisor must co-sign (ProgramSettings.supervisorCosignPlans or
    /// Staff.needsCosign) and lack it.
    func planCosignQueue(supervisorID: RowID) throws -> [PlanDueRow]

    /// Clients in `scope` whose plan review is overdue or due within ProgramSettings.planDueWarningDays of
    /// `day` (or who have no plan), most overdue first.
    func plansDue(for staffID: RowID, scope: CaseloadScope, on day: Day) throws -> [PlanDueRow]
}
