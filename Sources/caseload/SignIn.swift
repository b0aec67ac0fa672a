// Who is at the keyboard: the OS login of the real uid (what SSH authenticated), mapped to an
// active staff account. `--as` exists only so people can try the roles on a demo store.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
import CaseloadCore
import CaseloadStore

enum SignIn {
    /// The login name of the real user id. $USER and $LOGNAME are deliberately ignored: anyone can set them.
    static func osUsername() throws -> String {
        let uid = getuid()
        guard let pw = getpwuid(uid), let name = pw.pointee.pw_name else {
            throw CaseloadError.refused("Your user id (\(uid)) has no login name on this computer, so Caseload cannot tell who you are. Ask the system administrator to fix the account.")
        }
        return String(cString: name)
    }

    /// The staff member this run acts as. Throws the sentence a person should read when refused.
    /// The store handle is bound to that person: from here on it shows and changes only what their role
    /// allows (CaseloadStore/Access.swift).
    static func identify(in store: SQLiteStore, switchingTo requested: String?) throws -> Identity {
        let login = try osUsername()
        if requested != nil && Deployment.isInstalledForProgram { throw Deployment.refuseSwitchingUser() }
        var username = login
        do {
            if let requested, requested != login {
                guard try store.settings().isDemo else { throw CaseloadError.switchingUserNotAllowed }
                username = requested
            }
            _ = try activeStaff(username, in: store)
        } catch let refused as CaseloadError {
            // Every refused sign-in is in the audit trail (a failed write must not hide the sentence).
            let tried = requested.map { "'\(login)' tried to act as '\($0)'" } ?? "'\(login)' tried to sign in"
            try? store.recordFailedLogin(username: login, detail: "\(tried): \(refused.description)")
            throw refused
        }
        let identity = Identity(staff: try activeStaff(username, in: store))
        try store.bind(viewer: identity.staff, commandLine: true)
        return identity
    }

    /// Emergency ("break-glass") access for a sub-command about one client: with a reason, recorded.
    static func emergency(_ options: EmergencyOptions, mrn: String, _ me: Identity, in store: SQLiteStore) throws {
        guard let given = options.breakGlass else { return }
        // The reason is checked as typed, before the demo's `--as` note is added to what is recorded.
        let reason: String
        switch EmergencyReason.validate(given) {
        case .success(let r): reason = r
        case .failure(let e): throw e
        }
        _ = try store.breakGlass(mrn: mrn, reason: auditDetail(me, what: reason), by: me.staff)
    }

    static func activeStaff(_ username: String, in store: SQLiteStore) throws -> Staff {
        guard let staff = try store.staff(username: username) else {
            throw CaseloadError.unknownUser(username: username)
        }
        guard staff.active else { throw CaseloadError.inactiveUser(username: username) }
        return staff
    }

    /// Who the audit trail should name: the staff account, plus the OS login when `--as` switched.
    static func auditDetail(_ identity: Identity, what: String) -> String {
        let login = (try? osUsername()) ?? "?"
        if login == identity.staff.username { return what }
        return "\(what) (demo: OS user '\(login)' acting as '\(identity.staff.username)')"
    }
}
