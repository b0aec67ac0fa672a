// The audit trail's hash chain (issue 6): each row of audit_events holds the hash of the row
// before it (`previous_hash`) and the SHA-256 of its own canonical content plus that link (`hash`).
//
// Canonical encoding (version 1), hashed as UTF-8 bytes:
//   "caseload-audit-v1\n", then for each field in this order
//     id, at, staff_id, username, action, client_id, subject, detail, previous_hash
//   either "~," for NULL or "<length>:<bytes>," (a netstring: the length is the field's UTF-8 byte count in
//   decimal). Integers are their decimal text; `at` is the text exactly as stored ("YYYY-MM-DD HH:MM:SS.SSS",
//   UTC, GRDB's format), so re-reading a Date cannot change the hash. `hash` is the lowercase hex SHA-256.
// The first row's previous_hash is 64 zeros. Ids run 1, 2, 3… without gaps: a gap is a deleted row.
import CaseloadCore
import Crypto
import Foundation
import GRDB

enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    /// The content of one row as the chain sees it.
    struct Content {
        var id: String
        var at: String
        var staffID: String?      // decimal text, as the integer column holds it
        var username: String
        var action: String
        var clientID: String?
        var subject: String
        var detail: String
        var previousHash: String
    }

    static func canonical(_ c: Content) -> [UInt8] {
        var out = Array("caseload-audit-v1\n".utf8)
        out.reserveCapacity(128 + c.detail.utf8.count + c.subject.utf8.count)
        func field(_ s: String?) {
            guard let s else { out.append(contentsOf: "~,".utf8); return }
            out.append(contentsOf: String(s.utf8.count).utf8)
            out.append(0x3A)   // ":"
            out.append(contentsOf: s.utf8)
            out.append(0x2C)   // ","
        }
        field(c.id); field(c.at); field(c.staffID); field(c.username); field(c.action)
        field(c.clientID); field(c.subject); field(c.detail); field(c.previousHash)
        return out
    }

    static func hash(_ c: Content) -> String {
        hex(SHA256.hash(data: canonical(c)))
    }

    private static let digits = Array("0123456789abcdef".utf8)
    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for b in digest { bytes.append(digits[Int(b >> 4)]); bytes.append(digits[Int(b & 0x0F)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The stored text of a DATETIME value (what the hash covers), whatever its storage class.
    static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: return nil
        case .int64(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .blob(let b): return hex(b)
        }
    }

    /// The text GRDB stores for a Date.
    static func storedText(_ date: Date) -> String {
        text(date.databaseValue) ?? ""
    }

    /// Appends rows to the chain inside one write transaction. It reads the last row once, when made,
    /// and carries the last id and hash in memory afterwards: a bulk fill (the demo) hashes as it goes.
    /// Made inside `pool.write` (BEGIN IMMEDIATE), so no other connection can append in between.
    struct Appender {
        private(set) var lastID: Int64
        private(set) var lastHash: String
        private let db: Database

        init(_ db: Database) throws {
            self.db = db
            if let row = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1") {
                lastID = row[0]; lastHash = row[1]
            } else {
                lastID = 0; lastHash = AuditChain.genesis
            }
        }

        /// Appends `e` with its time stamp stored as `atText` (by default the text GRDB stores for `e.at`).
        @discardableResult
        mutating func append(_ e: AuditEvent, atText: String? = nil) throws -> RowID {
            let id = lastID + 1
            let at = atText ?? AuditChain.storedText(e.at)
            let content = Content(id: String(id), at: at, staffID: e.staffID.map { String($0) }, username: e.username,
                                  action: e.action.rawValue, clientID: e.clientID.map { String($0) }, subject: e.subject, detail: e.detail, previousHash: lastHash)
            let hash = AuditChain.hash(content)
            try db.cachedStatement(sql: AuditTable.insertSQL).execute(arguments: [
                id, at, e.staffID, e.username, e.action.rawValue, e.clientID, e.subject, e.detail, lastHash, hash,
            ])
            lastID = id; lastHash = hash
            return id
        }
    }
}

extension AuditTable {
    /// Appends one event to the chain (the only way rows enter audit_events). Call inside a write.
    @discardableResult
    static func insert(_ e: AuditEvent, _ db: Database) throws -> RowID {
        var appender = try AuditChain.Appender(db)
        return try appender.append(e)
    }
}

/// What `verifyAuditChain` found.
public struct AuditChainReport: Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// The row's content no longer matches its hash (someone changed a field).
        case contentChanged
        /// The row's previous_hash is not the hash of the row before it (a row before it was rewritten or replaced).
        case linkBroken
        /// Rows are missing before this one: ids `firstMissing ... id - 1` are gone.
        case rowsMissing(firstMissing: Int64)
    }
    public struct BadRow: Sendable, Equatable {
        public var id: Int64
        public var problem: Problem
        public var sentence: String {
            switch problem {
            case .contentChanged:
                return "audit event \(id) was changed after it was written (its content does not match its hash)"
            case .linkBroken:
                return "audit event \(id) does not follow the event before it (the chain is broken: event \(id - 1) was rewritten or replaced)"
            case .rowsMissing(let first):
                let range = first == id - 1 ? "event \(first) is" : "events \(first) to \(id - 1) are"
                return "audit \(range) missing before event \(id) (deleted)"
            }
        }
    }
    /// Rows read (up to and including the first bad one).
    public var rowsChecked: Int
    public var firstBad: BadRow?
    public var intact: Bool { firstBad == nil }
}

extension SQLiteStore {
    /// Recomputes the hash chain over the whole audit trail, streaming the rows in id order, and stops at
    /// the first row that is wrong. Proves no row was changed, removed or inserted in the middle since
    /// it was written; it cannot tell a trail rewritten from the first row on, or rows cut off at the end.
    public func verifyAuditChain() throws -> AuditChainReport {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, at, staff_id, username, action, client_id, subject, detail, previous_hash, hash
                FROM audit_events ORDER BY id
                """)
            var checked = 0
            var lastID: Int64 = 0
            var lastHash = AuditChain.genesis
            while let r = try rows.next() {
                checked += 1
                let id: Int64 = r[0]
                func text(_ i: Int) -> String? { AuditChain.text(r[i] as DatabaseValue) }
                let content = AuditChain.Content(
                    id: String(id), at: text(1) ?? "", staffID: text(2), username: text(3) ?? "",
                    action: text(4) ?? "", clientID: text(5),
                    subject: text(6) ?? "", detail: text(7) ?? "", previousHash: text(8) ?? "")
                let stored = text(9) ?? ""
                if id != lastID + 1 {
                    return AuditChainReport(rowsChecked: checked,
                                            firstBad: .init(id: id, problem: .rowsMissing(firstMissing: lastID + 1)))
                }
                if AuditChain.hash(content) != stored {
                    return AuditChainReport(rowsChecked: checked, firstBad: .init(id: id, problem: .contentChanged))
                }
                if content.previousHash != lastHash {
                    return AuditChainReport(rowsChecked: checked, firstBad: .init(id: id, problem: .linkBroken))
                }
                lastID = id; lastHash = stored
            }
            return AuditChainReport(rowsChecked: checked, firstBad: nil)
        }
    }
}
