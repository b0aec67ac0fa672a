// Roles enforced in the store (issue 6): every call that touches a client asks `authorize` first, which
// reads the person's current role, assignments and group facilitation from the store (a role changed or an
// account deactivated by an administrator takes effect at once), refuses with a sentence and records the
// refusal in the audit trail. The rules are in CaseloadCore/Access.swift.
//
// Reads without a `by staff:` argument act for the handle's viewer (`bind(viewer:)`, done once at sign-in by
// the app and by every sub-command). A handle with no viewer is the program itself (demo generator,
// migrations, tests of other features) and is not limited. Calls that change something always name who does
// it and are checked for that person, viewer or not.
import CaseloadCore
import Foundation
import GRDB

/// The viewer of one handle and the emergency grants made in it. A handle's viewer is set once.
final class AccessGuard: @unchecked Sendable {
    private let lock = NSLock()
    private var _viewer: Staff?
    private var grants: Set<[RowID]> = []
    private var _commandLine = false

    var viewer: Staff? { lock.withLock { _viewer } }
    /// Whether the person works on the command line (emergency access is `--break-glass REASON` there) rather
    /// than in the workspace (`:breakglass MRN`).
    var commandLine: Bool {
        get { lock.withLock { _commandLine } }
        set { lock.withLock { _commandLine = newValue } }
    }

    func bind(_ staff: Staff) throws {
        try lock.withLock {
            if let v = _viewer, v.id != staff.id {
                throw CaseloadError.refused("This session already acts for '\(v.username)'; it cannot switch to '\(staff.username)'.")
            }
            _viewer = staff
        }
    }

    func grant(staffID: RowID, clientID: RowID) { _ = lock.withLock { grants.insert([staffID, clientID]) } }
    func hasGrant(staffID: RowID, clientID: RowID) -> Bool { lock.withLock { grants.contains([staffID, clientID]) } }
}

/// A refusal found inside a transaction: `read` and `write` record it in the audit trail once the
/// transaction is over (rolled back), and throw its sentence as `CaseloadError.refused`.
struct AccessRefused: Error {
    var staff: Staff
    var clientID: RowID?
    var subject: String
    var sentence: String
}

/// How much of a chart a call needs.
enum AccessNeed {
    case groupPart   // the header, or the group memberships and attendance (filtered to the person's groups)
    case full        // anything else: plan, notes, screens, referrals, contacts, consents, activity, changes
}

extension SQLiteStore {
    /// The person this handle acts for (nil: the program itself).
    public var viewer: Staff? { accessGuard.viewer }

    /// Binds the handle to the person signed in: from now on reads are limited to what they may see. Once
    /// bound, a handle cannot act for someone else.
    /// `commandLine`: refusals name the command line's emergency access (`--break-glass REASON`) instead of
    /// the workspace's (`:breakglass MRN`).
    public func bind(viewer: Staff, commandLine: Bool = false) throws {
        guard viewer.id != nil else { throw CaseloadError.refused("Only a saved staff account can use the store.") }
        try accessGuard.bind(viewer)
        if commandLine { accessGuard.commandLine = true }
    }

    /// How to ask for emergency access to `mrn` where this handle's person works.
    func breakGlassHint(_ mrn: String?) -> String {
        accessGuard.commandLine ? "give --break-glass REASON" : "type :breakglass \(mrn ?? "MRN") and give the reason"
    }

    /// The one sentence for a chart a person may not open, whether it exists or not (so the refusal does not
    /// tell them which): `mrn` is the number they typed, or nil when they named a record (a consent, a note).
    func noAccessSentence(_ mrn: String?) -> String {
        guard let mrn else {
            return "You do not have access to that record: it does not exist, or its client is not on your caseload, your team's, or in a group you facilitate. In an emergency, \(breakGlassHint(nil)) (it is recorded)."
        }
        return "You do not have access to chart \(StaffValidation.printable(String(mrn.prefix(40)))): there is no such chart, or the client is not on your caseload, your team's, or in a group you facilitate. In an emergency, \(breakGlassHint(mrn)) (it is recorded)."
    }

    /// A chart number a person typed, for a command about that client: its id, or the refusal (recorded) that
    /// reads the same for a chart that does not exist as for one they may not see. The program itself (no
    /// viewer) and administrators are told plainly that the chart does not exist.
    public func clientID(typedMRN typed: String, what: String) throws -> RowID {
        let mrn = MRN.normalized(typed)
        if let id = try clientID(mrn: mrn) { return id }
        guard let v = viewer, try v.id.flatMap({ try staff(id: $0) })?.role != .admin else {
            throw CaseloadError.notFound(what: "A client with chart number '\(StaffValidation.printable(String(mrn.prefix(40))))'")
        }
        throw try refusal(by: v, clientID: nil, what: what, sentence: noAccessSentence(mrn))
    }

    // MARK: Deciding

    public func clientAccess(clientID: RowID) throws -> ClientAccess {
        guard let viewer else { return .full(.system) }
        return try read { db in try Self.access(db, clientID: clientID, staffID: viewer.id!, guard: accessGuard) }
    }

    /// What `staffID` may see of `clientID`, from the store as it is now. A client that does not exist is
    /// `.none` (the refusal then says the same as for a client the person may not see).
    static func access(_ db: Database, clientID: RowID, staffID: RowID, guard g: AccessGuard) throws -> ClientAccess {
        guard let me = try Row.fetchOne(db, sql: "SELECT role, active FROM staff WHERE id = ?", arguments: [staffID]),
              me["active"] as Bool else { return .none }
        let role = StaffRole(rawValue: me["role"]) ?? .counselor
        guard let counselor = try Row.fetchOne(db, sql: "SELECT primary_counselor_id FROM clients WHERE id = ?",
                                               arguments: [clientID]) else { return .none }
        if g.hasGrant(staffID: staffID, clientID: clientID) { return .full(.emergency) }
        let primary: RowID? = counselor[0]
        if role != .admin {
            if primary == staffID { return .full(.ownCaseload) }
            if role == .supervisor, let primary, try supervises(db, supervisorID: staffID, staffID: primary) {
                return .full(.team)
            }
        }
        let groups = try RowID.fetchAll(db, sql: """
            SELECT DISTINCT gm.group_id FROM group_members gm
            JOIN group_facilitators f ON f.group_id = gm.group_id AND f.staff_id = ?
            WHERE gm.client_id = ? ORDER BY gm.group_id
            """, arguments: [staffID, clientID])
        return groups.isEmpty ? .none : .groupPart(groupIDs: groups)
    }

    /// Whether `supervisorID` is `staffID`'s supervisor, or the supervisor of a supervisor above them.
    static func supervises(_ db: Database, supervisorID: RowID, staffID: RowID) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            WITH RECURSIVE up(id, depth) AS (
                SELECT supervisor_id, 1 FROM staff WHERE id = ?
                UNION
                SELECT s.supervisor_id, up.depth + 1 FROM staff s JOIN up ON s.id = up.id
                WHERE up.id IS NOT NULL AND up.depth < 32)
            SELECT EXISTS (SELECT 1 FROM up WHERE id = ?)
            """, arguments: [staffID, supervisorID]) ?? false
    }

    /// The staff whose clients a supervisor sees in full: everyone under them, at any depth (SQL for `IN (…)`).
    static let teamSQL = """
        WITH RECURSIVE team(id, depth) AS (
            SELECT id, 1 FROM staff WHERE supervisor_id = :me
            UNION
            SELECT s.id, team.depth + 1 FROM staff s JOIN team ON s.supervisor_id = team.id WHERE team.depth < 32)
        SELECT id FROM team
        """

    /// A supervisor and everyone under them, as a list of numbers for `IN (…)`: a constant set a long walk
    /// (note search, the audit trail) checks each row against, instead of a recursive query inside it.
    func teamList(_ me: RowID) throws -> String {
        let team = try read { db in try RowID.fetchAll(db, sql: Self.teamSQL, arguments: ["me": me]) }
        return ([me] + team).map(String.init).joined(separator: ",")
    }

    /// The sentence for a staff account deactivated while its session is open.
    static func deactivated(_ staff: Staff) -> String {
        "Your staff account '\(staff.username)' is deactivated. Ask an administrator."
    }

    /// An administrator of the store as it is now, or a recorded refusal: "Only an administrator can `doing`".
    func requireAdministrator(_ staff: Staff, what: String, doing: String) throws {
        guard let current = try staff.id.flatMap({ try self.staff(id: $0) }), current.role == .admin, current.active else {
            throw try refusal(by: staff, clientID: nil, what: what,
                              sentence: "Only an administrator can \(doing); '\(staff.username)' is a \(staff.role.label.lowercased()).")
        }
    }

    // MARK: Enforcing

    /// Checks that `staff` (default: the viewer) may have `need` of the client; returns what they have.
    /// A refusal is recorded in the audit trail and thrown as a sentence that names no client the person
    /// may not see. No viewer and no staff: the program itself, always allowed.
    @discardableResult
    func authorize(clientID: RowID, _ need: AccessNeed, what: String, by staff: Staff? = nil,
                   namedByRecord: Bool = false) throws -> ClientAccess {
        guard let actor = staff ?? viewer else { return .full(.system) }
        guard let actorID = actor.id else { throw CaseloadError.refused("Only a saved staff account can use the store.") }
        if let v = viewer, v.id != actorID {
            throw try refusal(by: v, clientID: clientID, what: what,
                              sentence: "This session acts for '\(v.username)', not for '\(actor.username)'.")
        }
        let access = try read { db in try Self.access(db, clientID: clientID, staffID: actorID, guard: accessGuard) }
        switch (access, need) {
        case (.full, _), (.groupPart, .groupPart):
            return access
        case (.groupPart, .full):
            throw try refusal(by: actor, clientID: clientID, what: what, sentence:
                "You see only the group part of this chart (you facilitate a group the client attends); the \(what) belongs to the client's counselor and their supervisor.")
        case (.none, _):
            let current = try self.staff(id: actorID)
            if current?.active == false {
                throw try refusal(by: actor, clientID: clientID, what: what, sentence: Self.deactivated(actor))
            }
            let mrn = try read { db in try String.fetchOne(db, sql: "SELECT mrn FROM clients WHERE id = ?", arguments: [clientID]) }
            if (current?.role ?? actor.role) == .admin {
                throw try refusal(by: actor, clientID: clientID, what: what, sentence:
                    "Administrators open a chart only through emergency access: \(breakGlassHint(mrn)) (it is recorded).")
            }
            throw try refusal(by: actor, clientID: clientID, what: what, sentence: noAccessSentence(namedByRecord ? nil : mrn))
        }
    }

    func recorded(_ e: AccessRefused) throws -> CaseloadError {
        try refusal(by: e.staff, clientID: e.clientID, what: e.subject, sentence: e.sentence)
    }

    /// Who may work with a group's members (roster, attendance, group notes, sessions): its facilitators, and
    /// a clinical supervisor of one of them (or any supervisor while it has no facilitator). With `settings`
    /// (name, schedule, room, facilitators), also an administrator. Throws AccessRefused inside a transaction.
    static func requireGroupAccess(_ staff: Staff, groupID: RowID, _ db: Database, to action: String,
                                   settings: Bool = false) throws {
        guard let id = staff.id,
              let role = try String.fetchOne(db, sql: "SELECT role FROM staff WHERE id = ? AND active", arguments: [id])
                .flatMap(StaffRole.init(rawValue:)) else {
            throw AccessRefused(staff: staff, clientID: nil, subject: "group:\(groupID)", sentence: Self.deactivated(staff))
        }
        if settings && role == .admin { return }
        let facilitators = try RowID.fetchAll(db, sql: "SELECT staff_id FROM group_facilitators WHERE group_id = ?",
                                              arguments: [groupID])
        if facilitators.contains(id) { return }
        if role == .supervisor {
            if facilitators.isEmpty { return }
            for f in facilitators where try supervises(db, supervisorID: id, staffID: f) { return }
        }
        throw AccessRefused(staff: staff, clientID: nil, subject: "group:\(groupID)", sentence: settings
            ? "Only an administrator, one of the group's facilitators or their clinical supervisor can \(action)."
            : "Only the group's facilitators and their clinical supervisor can \(action).")
    }

    /// The one way a refusal is made, in the store and on the command line: records it in the audit trail
    /// (action `refused`, `what` as subject, the sentence as detail) and returns the error to throw. Nothing
    /// else is recorded for a refused act: the act itself is recorded only once it happened.
    public func refusal(by staff: Staff, clientID: RowID?, what: String, sentence: String) throws -> CaseloadError {
        try record(.refused, by: staff, clientID: clientID, subject: what, detail: sentence)
        return CaseloadError.refused(sentence)
    }

    /// The client of a note, a plan, a consent: for `authorize(recordSQL:)`.
    static let noteClientSQL = "SELECT client_id FROM progress_notes WHERE id = ?"
    static let planClientSQL = "SELECT client_id FROM treatment_plans WHERE id = ?"
    static let consentClientSQL = "SELECT client_id FROM consents WHERE id = ?"

    /// Checks `staff` (default: the viewer) may have `need` of the client of a record found by `sql` (one id
    /// argument, one client id column). A record that does not exist is `notFound(what)`.
    @discardableResult
    func authorize(recordSQL sql: String, id: RowID, _ need: AccessNeed, what: String, by staff: Staff? = nil) throws -> RowID {
        guard let clientID = try read({ db in try RowID.fetchOne(db, sql: sql, arguments: [id]) }) else {
            // A record that does not exist is refused as one of another client is: the answer must not tell
            // a person which numbers belong to clients they may not see.
            if let actor = staff ?? viewer, try actor.id.flatMap({ try self.staff(id: $0) })?.role != .admin {
                throw try refusal(by: actor, clientID: nil, what: what, sentence: noAccessSentence(nil))
            }
            throw CaseloadError.notFound(what: what.prefix(1).uppercased() + what.dropFirst())
        }
        try authorize(clientID: clientID, need, what: what, by: staff, namedByRecord: true)
        return clientID
    }

    /// Checks that a call about `staffID`'s own lists (Home, drafts, follow-ups, …) is made by them, or by a
    /// supervisor above them. No viewer: the program itself.
    func authorizeStaffView(_ staffID: RowID, what: String) throws {
        guard let v = viewer, let vid = v.id, vid != staffID else { return }
        let ok = try read { db in
            let role = try String.fetchOne(db, sql: "SELECT role FROM staff WHERE id = ? AND active", arguments: [vid])
            guard role == StaffRole.supervisor.rawValue else { return false }
            return try Self.supervises(db, supervisorID: vid, staffID: staffID)
        }
        if !ok {
            throw try refusal(by: v, clientID: nil, what: what,
                              sentence: "You can see the \(what) of your own caseload, and a supervisor those of their team; not another staff member's.")
        }
    }

    /// The client without what belongs to the counselor: what a facilitator sees of a group member.
    static func groupPartOnly(_ c: Client) -> Client {
        var out = c
        out.phone = nil
        out.emergencyContact = nil
        out.flags = []
        out.doseMg = 0
        out.takeHomeLevel = 0
        out.dischargeReason = nil
        return out
    }

    // MARK: Emergency access

    public func breakGlass(mrn: String, reason: String, by staff: Staff) throws -> RowID {
        guard let staffID = staff.id else { throw CaseloadError.refused("Only a saved staff account can use the store.") }
        if let v = viewer, v.id != staffID {
            throw CaseloadError.refused("This session acts for '\(v.username)', not for '\(staff.username)'.")
        }
        let number = mrn.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !number.isEmpty else { throw CaseloadError.invalidInput("Give the chart number (MRN) of the client, e.g. :breakglass A-10042.") }
        let why: String
        switch EmergencyReason.validate(reason) {
        case .success(let r): why = r
        case .failure(let e): throw e
        }
        guard let current = try self.staff(id: staffID), current.active else {
            throw try refusal(by: staff, clientID: nil, what: "emergency access", sentence: Self.deactivated(staff))
        }
        guard let clientID = try read({ db in
            try RowID.fetchOne(db, sql: "SELECT id FROM clients WHERE mrn = ? COLLATE NOCASE", arguments: [number])
        }) else {
            throw CaseloadError.notFound(what: "A client with the chart number '\(StaffValidation.printable(String(number.prefix(40))))'")
        }
        let before = try read { db in try Self.access(db, clientID: clientID, staffID: staffID, guard: accessGuard) }
        if before.isFull { return clientID }
        try record(.breakGlass, by: current, clientID: clientID, subject: "chart",
                   detail: "emergency access by \(current.username) (\(current.role.label.lowercased())): \(why)")
        accessGuard.grant(staffID: staffID, clientID: clientID)
        return clientID
    }
}
