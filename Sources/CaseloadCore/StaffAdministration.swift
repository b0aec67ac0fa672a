// Staff administration as the view-models see it: the accounts and one change at a time, by an administrator.
// The store (CaseloadStore/StaffAdmin.swift) enforces who may change what.

public enum StaffChange: Hashable, Sendable {
    case role(StaffRole)
    /// nil: no supervisor.
    case supervisor(username: String?)
    case active(Bool)
}

public struct StaffChangeResult: Hashable, Sendable {
    public var staff: Staff
    /// What the audit trail and the administrator are told ("role counselor -> supervisor").
    public var summary: String
    /// Active clients whose primary counselor this account is (said when an account is deactivated).
    public var clientsStillAssigned: Int
    public init(staff: Staff, summary: String, clientsStillAssigned: Int) {
        self.staff = staff; self.summary = summary; self.clientsStillAssigned = clientsStillAssigned
    }
}

public protocol StaffAdministration: AnyObject, Sendable {
    /// Every staff account, by display name.
    func allStaff() throws -> [Staff]
    /// Administrators only; refusals are sentences (the last active administrator, a supervisor with staff, …).
    func changeStaff(username: String, _ change: StaffChange, by admin: Staff) throws -> StaffChangeResult
}
