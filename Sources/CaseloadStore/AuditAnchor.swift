// Anchors of the audit trail's hash chain (docs/deployment.md, "The audit trail"): the head of the chain (the
// last event's id and hash) written down outside the store, with an HMAC-SHA256 keyed by a key the store's
// writers cannot read. The chain alone proves that no event was changed, removed or slipped in between others;
// it cannot tell a trail cut off at the end, or a tail rewritten and re-hashed, from an honest one. An anchor
// can: every anchored event must still be in the trail with the hash it had.
//
// An anchor is one line of text:
//   caseload-audit-anchor v1 <id> <hash> <at> <mac>
// where <at> is the UTC time it was taken (ISO 8601) and <mac> the lowercase hex HMAC-SHA256, under the key, of
//   "caseload-audit-anchor-v1\n<id>\n<hash>\n<at>\n"
// The key file holds 32 random bytes as 64 hex digits (and a line break).
import CaseloadCore
import Crypto
import Foundation
import GRDB

public struct AuditAnchor: Sendable, Equatable {
    public var id: Int64
    public var hash: String
    public var at: String
    public var mac: String

    static let prefix = "caseload-audit-anchor v1 "

    static func message(id: Int64, hash: String, at: String) -> Data {
        Data("caseload-audit-anchor-v1\n\(id)\n\(hash)\n\(at)\n".utf8)
    }

    /// An anchor of the head `id`/`hash`, taken at `at`, under `key`.
    public static func make(id: Int64, hash: String, at: Date, key: AnchorKey) -> AuditAnchor {
        let f = ISO8601DateFormatter()
        let atText = f.string(from: at)
        let mac = HMAC<SHA256>.authenticationCode(for: message(id: id, hash: hash, at: atText), using: key.key)
        return AuditAnchor(id: id, hash: hash, at: atText, mac: AuditChain.hex(Array(mac)))
    }

    public var line: String { "\(Self.prefix)\(id) \(hash) \(at) \(mac)" }

    /// Whether the MAC is the one `key` gives (compared in constant time).
    public func isAuthentic(under key: AnchorKey) -> Bool {
        guard let given = AuditAnchor.bytes(hex: mac), given.count == 32 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Self.message(id: id, hash: hash, at: at),
                                                      using: key.key)
    }

    /// One line of an anchor file, or nil when it is not an anchor line.
    public init?(line: String) {
        guard line.hasPrefix(Self.prefix) else { return nil }
        let parts = line.dropFirst(Self.prefix.count).split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 4, let id = Int64(parts[0]), id > 0, parts[1].count == 64, parts[3].count == 64 else { return nil }
        self.init(id: id, hash: String(parts[1]), at: String(parts[2]), mac: String(parts[3]))
    }

    public init(id: Int64, hash: String, at: String, mac: String) {
        self.id = id; self.hash = hash; self.at = at; self.mac = mac
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var i = 0
        while i < digits.count {
            guard let hi = value(digits[i]), let lo = value(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo); i += 2
        }
        return out
    }

    // MARK: Keys

    /// A new random key, as the text of a key file.
    public static func newKeyText() -> String {
        AuditChain.hex(Array(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })) + "\n"
    }

}

/// The key of the anchors' MAC, read from a key file.
public struct AnchorKey {
    let key: SymmetricKey

    /// The key in a key file's text, or a sentence saying what is wrong.
    public init(text: String) throws {
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard hex.count == 64, let bytes = AuditAnchor.bytes(hex: hex) else {
            throw CaseloadError.invalidInput(
                "The anchor key file does not hold a key (64 hex digits); make one with 'caseload audit anchor-key --out FILE'.")
        }
        key = SymmetricKey(data: bytes)
    }
}

/// What checking anchors against the trail found.
public struct AnchorCheck: Sendable, Equatable {
    public enum Failure: Sendable, Equatable {
        /// The line's MAC is not the key's: the anchor file was edited, or it was made with another key.
        case forged(line: Int)
        /// The anchored event is gone: the trail ends before it (cut off).
        case missing(line: Int, id: Int64, lastID: Int64)
        /// The anchored event is there with another hash: the trail was rewritten from there on.
        case rewritten(line: Int, id: Int64)
    }
    public var anchors: Int
    public var failures: [Failure]
    public var latestID: Int64?

    public static func sentence(_ f: Failure) -> String {
        switch f {
        case .forged(let line):
            return "anchor line \(line) is not authentic under this key (the anchor file was changed, or the key is not the one it was made with)"
        case .missing(let line, let id, let lastID):
            return "anchor line \(line) names audit event \(id), but the trail ends at event \(lastID): events were cut off its end"
        case .rewritten(let line, let id):
            return "anchor line \(line) names audit event \(id), which now has another hash: the trail was rewritten from there"
        }
    }
}

extension SQLiteStore {
    /// The head of the audit chain: the last event's id and hash (nil for an empty trail).
    public func auditHead() throws -> (id: Int64, hash: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1").map { ($0[0], $0[1]) }
        }
    }

    /// Checks every anchor line of `text` (other lines are ignored) against the trail: authentic under `key`,
    /// and its event still there with its hash.
    public func checkAnchors(_ text: String, key: AnchorKey) throws -> AnchorCheck {
        var check = AnchorCheck(anchors: 0, failures: [], latestID: nil)
        let lastID = try auditHead()?.id ?? 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let anchor = AuditAnchor(line: line) else {
                check.failures.append(.forged(line: index + 1)); continue
            }
            check.anchors += 1
            guard anchor.isAuthentic(under: key) else { check.failures.append(.forged(line: index + 1)); continue }
            let stored = try read { db in
                try String.fetchOne(db, sql: "SELECT hash FROM audit_events WHERE id = ?", arguments: [anchor.id])
            }
            if stored == nil {
                check.failures.append(.missing(line: index + 1, id: anchor.id, lastID: lastID))
            } else if stored != anchor.hash {
                check.failures.append(.rewritten(line: index + 1, id: anchor.id))
            } else {
                check.latestID = max(check.latestID ?? 0, anchor.id)
            }
        }
        return check
    }

    /// The protective triggers a store of this schema must have (append-only audit trail, signed notes, plans and
    /// group records unchangeable, revoked consents locked, the accounting of disclosures append-only), as a
    /// new store of the same schema has them; each one missing is a sentence. A store whose triggers were dropped
    /// would let anyone with write access change what must not change, without the program noticing.
    public func missingProtections() throws -> [String] {
        let expected: Set<String> = try {
            let fresh = try DatabaseQueue()
            try Schema.migrator.migrate(fresh)
            return Set(try fresh.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
            })
        }()
        let present = Set(try read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
        })
        return expected.subtracting(present).sorted().map {
            "the protective trigger '\($0)' is missing: what it guards can be changed without a trace (restore a backup, or ask for support)"
        }
    }
}
