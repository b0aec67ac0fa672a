// Staff administration (`caseload staff set-role | set-supervisor | deactivate | reactivate`): administrators
// only, each change in one transaction with its audit event, and the program never left without an active
// administrator.
import CaseloadCore
import Foundation
import GRDB

extension SQLiteStore: StaffAdministration {
    /// The active supervisor or administrator a staff account may report to, or the sentence why not.
    static func supervisor(named name: String, _ db: Database) throws -> Staff {
        guard let boss = try StaffTable.fetchAll(db, where: "username = ?", [name]).first, boss.active else {
            throw CaseloadError.invalidInput(
                "There is no active staff account '\(StaffValidation.printable(name))' to be the supervisor. Check 'caseload staff list'.")
        }
        guard boss.role == .supervisor || boss.role == .admin else {
            throw CaseloadError.invalidInput("'\(boss.username)' is a \(boss.role.label.lowercased()), not a clinical supervisor; choose a supervisor.")
        }
        return boss
    }

    public func addStaff(_ new: NewStaff, by admin: Staff, detail: String? = nil) throws -> Staff {
        let username = try StaffValidation.username(new.username)
        let displayName = try StaffValidation.displayName(new.displayName)
        let credentials = try StaffValidation.credentials(new.credentials)
        try requireAdministrator(admin, what: "staff account \(username)", doing: "add staff accounts")
        let supervisorID = try new.supervisor.map { name in try read { db in try Self.supervisor(named: name, db) }.id! }
        if new.needsCosign && supervisorID == nil {
            throw CaseloadError.invalidInput("Co-signed notes need a supervisor to co-sign them: choose the supervisor first.")
        }
        if try staff(username: username) != nil {
            throw CaseloadError.invalidInput("There is already a staff account '\(username)'.")
        }
        let added = try addStaff(Staff(username: username, displayName: displayName, credentials: credentials, role: new.role,
                                       supervisorID: supervisorID, needsCosign: new.needsCosign))
        try record(.create, by: admin, clientID: nil, subject: "staff:\(added.username)",
                   detail: detail ?? "added \(new.role.rawValue) \(added.displayName)" + (new.needsCosign ? ", notes co-signed" : ""))
        return added
    }

    public func changeStaff(username: String, _ change: StaffChange, by admin: Staff) throws -> StaffChangeResult {
        try requireAdministrator(admin, what: "staff account \(username)", doing: "change staff accounts")
        return try write { db in
            guard var staff = try StaffTable.fetchAll(db, where: "username = ?", [username]).first, let id = staff.id else {
                throw CaseloadError.notFound(what: "A staff account with the username '\(username)'")
            }
            func activeAdmins() throws -> Int {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1") ?? 0
            }
            let summary: String
            switch change {
            case .role(let role):
                guard role != staff.role else { throw CaseloadError.invalidInput("'\(username)' is already a \(role.label.lowercased()).") }
                if staff.role == .admin, staff.active, try activeAdmins() <= 1 {
                    throw CaseloadError.refused(
                        "'\(username)' is the program's only active administrator; make someone else an administrator first.")
                }
                if staff.role == .supervisor || staff.role == .admin, role != .supervisor, role != .admin {
                    let supervised = try Int.fetchOne(db, sql: "SELECT count(*) FROM staff WHERE supervisor_id = ? AND active = 1",
                                                      arguments: [id]) ?? 0
                    if supervised > 0 {
                        throw CaseloadError.refused(
                            "'\(username)' supervises \(supervised) active staff member\(supervised == 1 ? "" : "s"); give them another supervisor first (caseload staff set-supervisor).")
                    }
                }
                summary = "role \(staff.role.rawValue) -> \(role.rawValue)"
                staff.role = role
            case .supervisor(let name):
                var newID: RowID?
                if let name {
                    let boss = try Self.supervisor(named: name, db)
                    guard boss.id != id else { throw CaseloadError.invalidInput("A staff member cannot be their own supervisor.") }
                    newID = boss.id
                } else if staff.needsCosign {
                    throw CaseloadError.refused(
                        "'\(username)' needs co-signatures, so they need a supervisor; give another one instead of none.")
                }
                guard newID != staff.supervisorID else { throw CaseloadError.invalidInput("Nothing to change: that is already '\(username)'s supervisor.") }
                let old = try staff.supervisorID.flatMap { try String.fetchOne(db, sql: "SELECT username FROM staff WHERE id = ?", arguments: [$0]) }
                summary = "supervisor \(old ?? "none") -> \(name ?? "none")"
                staff.supervisorID = newID
            case .active(let active):
                guard active != staff.active else {
                    throw CaseloadError.invalidInput("'\(username)' is already \(active ? "active" : "deactivated").")
                }
                if !active {
                    guard id != admin.id else { throw CaseloadError.refused("You cannot deactivate your own account; ask another administrator.") }
                    if staff.role == .admin, try activeAdmins() <= 1 {
                        throw CaseloadError.refused("'\(username)' is the program's only active administrator.")
                    }
                }
                summary = active ? "reactivated" : "deactivated"
                staff.active = active
            }
            try db.execute(sql: "UPDATE staff SET role = ?, supervisor_id = ?, active = ? WHERE id = ?",
                           arguments: [staff.role.rawValue, staff.supervisorID, staff.active, id])
            let assigned = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM clients WHERE primary_counselor_id = ? AND status <> 'discharged'
                """, arguments: [id]) ?? 0
            _ = try AuditTable.insert(AuditEvent(at: clock.now(), staffID: admin.id, username: admin.username, action: .update,
                                             clientID: nil, subject: "staff:\(username)", detail: summary), db)
            return StaffChangeResult(staff: staff, summary: summary, clientsStillAssigned: assigned)
        }
    }
}
