// What the Plan tab and the plans-due screen ask the app to do (AppModel+Plans talks to the PlanRepository).
import CaseloadCore

public enum PlanRequest: Hashable, Sendable {
    /// Starts the client's next version as a draft, dated today.
    case start(clientID: RowID, PlanStart)
    /// `expectedRevision` nil: apply over someone else's change (the user chose so after a conflict).
    case apply(PlanEdit, planID: RowID, expectedRevision: Int?)
    case sign(planID: RowID, revision: Int, clientSigned: Bool)
    /// The client's later signature, or a supervisor's co-signature when the person signing is one.
    case laterSignature(planID: RowID)
    case review(planID: RowID, note: String)
    /// Throws the draft away (the signed plan in force, if any, is current again).
    case discard(planID: RowID)
    /// An earlier version, read-only.
    case viewVersion(planID: RowID)
    /// The stored plan again (after a conflict: theirs).
    case reload
    case print(planID: RowID)
    /// The plans-due screen (`:plans`, Home's p).
    case openDue
    case openChartOnPlan(clientID: RowID)
    case loadDue(CaseloadScope)
}
