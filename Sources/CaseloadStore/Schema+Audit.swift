// Migration v7: the audit trail's hash chain (issue 6, AuditChain.swift). Rows written before it have
// empty previous_hash and hash; they are chained here in id order, so `caseload audit verify` covers
// the whole trail from the first row. The UPDATE trigger is lifted only inside this migration's
// transaction and put back before it commits.
import CaseloadCore
import GRDB

extension Schema {
    static func v7AuditChain(_ db: Database) throws {
        try db.execute(sql: "DROP TRIGGER audit_events_update")
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, at, staff_id, username, action, client_id, subject, detail FROM audit_events ORDER BY id
            """)
        let update = try db.makeStatement(sql: "UPDATE audit_events SET previous_hash = ?, hash = ? WHERE id = ?")
        // Rows keep their ids. The triggers have refused DELETE since v1 and SQLite gives a new row max(id) + 1,
        // so the ids have no gaps; one made by hand before v7 is left for `caseload audit verify` to report.
        var chained: [(id: Int64, previous: String, hash: String)] = []
        var last = AuditChain.genesis
        while let r = try rows.next() {
            func text(_ i: Int) -> String? { AuditChain.text(r[i] as DatabaseValue) }
            let id: Int64 = r[0]
            let content = AuditChain.Content(id: String(id), at: text(1) ?? "", staffID: text(2),
                                             username: text(3) ?? "", action: text(4) ?? "", clientID: text(5),
                                             subject: text(6) ?? "", detail: text(7) ?? "", previousHash: last)
            let hash = AuditChain.hash(content)
            chained.append((id, last, hash))
            last = hash
        }
        for c in chained { try update.execute(arguments: [c.previous, c.hash, c.id]) }
        try db.execute(sql: """
            CREATE TRIGGER audit_events_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'The audit trail cannot be changed.'); END;
            -- `caseload audit --staff USER`: one person's events in time order.
            CREATE INDEX audit_events_staff ON audit_events(staff_id, at);
            """)
    }
}
