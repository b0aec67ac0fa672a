// Reading the audit trail (`caseload audit`, issue 6): administrators (the whole trail) and supervisors (their
// team's: what the staff under them did, and what anyone did to their team's clients; Access.swift). The read
// is recorded like any other view, and a refusal is recorded as a refusal.
import CaseloadCore
import Foundation
import GRDB

/// Which events to list; every filter is optional and they combine with AND.
public struct AuditQuery: Sendable, Equatable {
    public var clientID: RowID?
    public var staffID: RowID?
    /// Events at or after this instant.
    public var from: Date?
    /// Events before this instant.
    public var before: Date?
    public var action: AuditAction?
    public init(clientID: RowID? = nil, staffID: RowID? = nil, from: Date? = nil, before: Date? = nil,
                action: AuditAction? = nil) {
        self.clientID = clientID; self.staffID = staffID; self.from = from; self.before = before; self.action = action
    }
}

/// One listed event, with the client's chart number when it concerns a client.
public struct AuditTrailRow: Sendable, Equatable {
    public var event: AuditEvent
    public var mrn: String?
}

extension SQLiteStore {
    /// The events matching `query`, oldest first (time stamp, then id), for an administrator or a supervisor.
    /// Records the read (action `view`, subject `audit`, `detail` saying what was asked) before reading,
    /// so the listing shows its own view. Anyone else is refused with a sentence and the refusal is recorded.
    public func auditTrail(_ query: AuditQuery, by viewer: Staff, detail: String) throws -> [AuditTrailRow] {
        var result: [AuditTrailRow] = []
        try auditTrail(query, by: viewer, detail: detail) { _, row in result.append(row) }
        return result
    }

    /// The same, streamed: `body` gets each row in turn, `passes` times over one snapshot (a text listing
    /// measures its columns in a first pass), so a trail of hundreds of thousands of events is never all in memory.
    public func auditTrail(_ query: AuditQuery, by viewer: Staff, detail: String, passes: Int = 1,
                           _ body: (_ pass: Int, _ row: AuditTrailRow) throws -> Void) throws {
        let role = try viewer.id.flatMap { try staff(id: $0) }.flatMap { $0.active ? $0.role : nil }
        guard role == .admin || role == .supervisor else {
            throw try refusal(by: viewer, clientID: nil, what: "audit", sentence:
                "Only administrators and supervisors can read the audit trail; '\(viewer.username)' is a \(viewer.role.label.lowercased()).")
        }
        try record(.view, by: viewer, clientID: query.clientID, subject: "audit", detail: detail)
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if role == .supervisor, let me = viewer.id {
            let team = try teamList(me)
            clauses.append("(a.staff_id IN (\(team)) OR c.primary_counselor_id IN (\(team)))")
        }
        if let c = query.clientID { clauses.append("a.client_id = ?"); arguments.append(c) }
        if let s = query.staffID { clauses.append("a.staff_id = ?"); arguments.append(s) }
        if let f = query.from { clauses.append("a.at >= ?"); arguments.append(f) }
        if let b = query.before { clauses.append("a.at < ?"); arguments.append(b) }
        if let a = query.action { clauses.append("a.action = ?"); arguments.append(a.rawValue) }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let sql = """
            SELECT \(AuditTable.select("a")), c.mrn FROM audit_events a LEFT JOIN clients c ON c.id = a.client_id
            \(whereSQL) ORDER BY a.at, a.id
            """
        try read { db in
            for pass in 0..<max(1, passes) {
                let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
                while let r = try rows.next() {
                    try body(pass, AuditTrailRow(event: try AuditTable.decode(r), mrn: r[AuditTable.columns.count]))
                }
            }
        }
    }
}
