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

/// A new staff account as an administrator types it (`caseload staff add`, or `a` on the `:staff` screen).
public struct NewStaff: Hashable, Sendable {
    public var username: String
    public var displayName: String
    public var credentials: String
    public var role: StaffRole
    /// The clinical supervisor's username; nil for none.
    public var supervisor: String?
    public var needsCosign: Bool
    public init(username: String, displayName: String, credentials: String = "", role: StaffRole,
                supervisor: String? = nil, needsCosign: Bool = false) {
        self.username = username; self.displayName = displayName; self.credentials = credentials; self.role = role
        self.supervisor = supervisor; self.needsCosign = needsCosign
    }
}

public protocol StaffAdministration: AnyObject, Sendable {
    /// Every staff account, by display name.
    func allStaff() throws -> [Staff]
    /// Administrators only; refusals are sentences (the last active administrator, a supervisor with staff, …).
    func changeStaff(username: String, _ change: StaffChange, by admin: Staff) throws -> StaffChangeResult
    /// Administrators only: checks every field (StaffValidation), adds the account and records it.
    func addStaff(_ new: NewStaff, by admin: Staff, detail: String?) throws -> Staff
}
