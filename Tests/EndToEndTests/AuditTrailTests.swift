// `caseload audit` and `caseload audit verify` on a real demo store, tampered with from outside Caseload
// through the sqlite3 shell: drop the trigger, change or delete a row, forge a hash.
import Foundation
import GRDB
import XCTest

final class AuditTrailTests: XCTestCase {
    private var db = ""

    override func setUpWithError() throws {
        let dir = try TempDirectories.make("audit")
        db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "40"], timeout: 600)
        XCTAssertEqual(made.status, 0, made.stderr)
    }

    private func verify() throws -> RunResult { try Run.caseload(["audit", "verify", "--db", db]) }

    /// What a person with write access to the file does with the sqlite3 shell: drop the triggers, then run the
    /// statement, each `?` replaced by the SQL literal of the next value.
    private func sql(_ statement: String, _ values: [DatabaseValue] = []) throws {
        func literal(_ v: DatabaseValue) -> String {
            switch v.storage {
            case .null: return "NULL"
            case .int64(let i): return String(i)
            case .double(let d): return String(d)
            case .string(let s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
            case .blob(let b): return "X'" + b.map { String(format: "%02x", $0) }.joined() + "'"
            }
        }
        var text = "", rest = values[...]
        for ch in statement {
            if ch == "?", let v = rest.popFirst() { text += literal(v) } else { text.append(ch) }
        }
        let script = "DROP TRIGGER IF EXISTS audit_events_update; DROP TRIGGER IF EXISTS audit_events_delete; \(text);"
        let r = try Run.program(URL(fileURLWithPath: "/usr/bin/sqlite3"), [db, script])
        XCTAssertEqual(r.status, 0, "sqlite3: \(r.stderr)")
    }

    private func row(_ id: Int) throws -> Row {
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        return try XCTUnwrap(try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit_events WHERE id = ?", arguments: [id])
        })
    }

    /// The README's canonical encoding, hashed with coreutils: a forger who knows the format.
    private func forgedHash(_ r: Row, detail: String) throws -> String {
        func field(_ v: DatabaseValue) -> String {
            switch v.storage {
            case .null: return "~,"
            case .int64(let i): return "\(String(i).utf8.count):\(i),"
            case .string(let s): return "\(s.utf8.count):\(s),"
            default: return "?"
            }
        }
        var text = "caseload-audit-v1\n"
        for column in ["id", "at", "staff_id", "username", "action", "client_id", "subject"] { text += field(r[column]) }
        text += field(detail.databaseValue) + field(r["previous_hash"])
        let file = try TempDirectories.make("forge").appendingPathComponent("row.bin")
        try Data(text.utf8).write(to: file)
        let out = try Run.program(URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", file.path])
        return String(out.stdout.prefix(64))
    }

    func testVerifyNamesTheFirstChangedDeletedOrForgedEvent() throws {
        let intact = try verify()
        XCTAssertEqual(intact.status, 0, intact.stderr)
        let count = try XCTUnwrap(Int(intact.stdout.split(separator: " ")[3]), intact.stdout)
        XCTAssertGreaterThan(count, 20)
        XCTAssertTrue(intact.stdout.hasPrefix("audit trail intact: \(count) events ("), intact.stdout)
        XCTAssertTrue(intact.stdout.range(of: #"\(\d+\.\d\d s\)"#, options: .regularExpression) != nil, "time taken: \(intact.stdout)")

        // A changed detail.
        let original = try row(5)
        try sql("UPDATE audit_events SET detail = 'nothing to see' WHERE id = 5")
        var bad = try verify()
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertEqual(bad.stdout, "")
        XCTAssertTrue(bad.stderr.contains("audit event 5 was changed after it was written"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, "one sentence: \(bad.stderr)")
        try sql("UPDATE audit_events SET detail = ? WHERE id = 5", [(original["detail"] as String).databaseValue])
        XCTAssertEqual(try verify().status, 0, "put back, the chain holds again")

        // A deleted event leaves a gap.
        let deleted = try row(8)
        try sql("DELETE FROM audit_events WHERE id = 8")
        bad = try verify()
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("audit event 8 is missing before event 9 (deleted)"), bad.stderr)
        try sql("INSERT INTO audit_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Array(deleted.databaseValues))
        XCTAssertEqual(try verify().status, 0, "put back, the chain holds again")

        // An event rewritten with its own hash recomputed: the next event no longer follows it.
        let target = try row(3)
        try sql("UPDATE audit_events SET detail = 'a harmless view', hash = ? WHERE id = 3",
                [try forgedHash(target, detail: "a harmless view").databaseValue])
        bad = try verify()
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("audit event 4 does not follow the event before it"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("event 3 was rewritten or replaced"), bad.stderr)
    }

    func testListingIsForAdministratorsAndSupervisorsAndIsItselfRecorded() throws {
        let me = osLogin()
        let refused = try Run.caseload(["audit", "--db", db])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertEqual(refused.stderr, "caseload: Only administrators and supervisors can read the audit trail; '\(me)' is a counselor.\n")

        let listed = try Run.caseload(["audit", "--db", db, "--as", "admin"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("TIME "), lines[0])
        for title in ["STAFF", "ACTION", "MRN", "SUBJECT", "DETAIL"] { XCTAssertTrue(lines[0].contains(title), lines[0]) }
        let refusal = try XCTUnwrap(lines.first { $0.contains(" refused ") }, "the counselor's refused read is listed")
        XCTAssertTrue(refusal.contains(me) && refusal.contains("audit"), refusal)
        let own = try XCTUnwrap(lines.dropLast().last, "the listing ends with its own read")
        XCTAssertTrue(own.contains("admin") && own.contains(" view ") && own.contains("audit trail listing"), own)
        XCTAssertTrue(lines.last!.hasSuffix(" events"), lines.last!)
        // Columns line up: ACTION starts at the same place on every row.
        let actionColumn = lines[0].range(of: "ACTION")!.lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst().dropLast().prefix(30) {
            let prefix = String(line.utf16.prefix(actionColumn)) ?? ""
            XCTAssertTrue(prefix.hasSuffix("  "), "aligned: \(line)")
        }

        // One client's chart views, as CSV; the supervisor may read it too.
        let viewLine = try XCTUnwrap(lines.first { $0.contains(" view ") && $0.contains(" chart ") })
        let mrn = String(try XCTUnwrap(viewLine.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first))
        let csv = try Run.caseload(["audit", "--db", db, "--as", "cdang", "--client", mrn, "--action", "view", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let records = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(records[0], "id,at_utc,username,action,mrn,subject,detail,hash")
        XCTAssertGreaterThan(records.count, 1)
        for r in records.dropFirst() { XCTAssertTrue(r.contains(",view,\(mrn),"), r) }
        XCTAssertTrue(records.last!.contains(",cdang,view,\(mrn),audit,"), "the supervisor's read of this client is recorded: \(records.last!)")

        let unknown = try Run.caseload(["audit", "--db", db, "--as", "admin", "--action", "peek"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("'peek' is not an audit action"), unknown.stderr)

        // Everything above was appended to the chain.
        XCTAssertEqual(try verify().status, 0)
    }

    func testListingFiltersByStaffAndByPeriod() throws {
        let me = osLogin()
        func csv(_ extra: [String]) throws -> [String] {
            let r = try Run.caseload(["audit", "--db", db, "--as", "admin", "--format", "csv"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            return Array(r.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.dropFirst())
        }
        let all = try csv([])
        // One staff member's events only (the listing's own read is the administrator's, so it is not among them).
        let mine = try csv(["--staff", me])
        XCTAssertFalse(mine.isEmpty, "the demo recorded things I did")
        XCTAssertLessThan(mine.count, all.count)
        for r in mine { XCTAssertEqual(r.split(separator: ",")[2], Substring(me), r) }
        // A period (local days, both included): every row listed happened on that day, and only those.
        let times = try all.map { try XCTUnwrap(Self.parse(String($0.split(separator: ",")[1])), $0) }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX"); local.timeZone = .current; local.dateFormat = "yyyy-MM-dd"
        // A day of the demo's history before today (today's listings keep adding events while the test runs).
        let today = "\(TestTime.today)"
        let past = times.filter { local.string(from: $0) != today }.sorted()
        let day = local.string(from: try XCTUnwrap(past.isEmpty ? nil : past[past.count / 2], "the demo has a history"))
        let start = try XCTUnwrap(local.date(from: day)), end = start.addingTimeInterval(86_400)
        let within = try csv(["--from", day, "--to", day])
        XCTAssertEqual(within.count, times.filter { $0 >= start && $0 < end }.count, "every event of \(day), and no other")
        for r in within {
            let at = try XCTUnwrap(Self.parse(String(r.split(separator: ",")[1])), r)
            XCTAssertTrue(at >= start && at < end, r)
        }
        let backwards = try Run.caseload(["audit", "--db", db, "--as", "admin", "--from", "2026-02-01", "--to", "2026-01-01"])
        XCTAssertNotEqual(backwards.status, 0)
        XCTAssertFalse(backwards.stderr.isEmpty)
        let unknown = try Run.caseload(["audit", "--db", db, "--as", "admin", "--staff", "nobody-at-all"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("There is no staff account 'nobody-at-all'"), unknown.stderr)
    }

    /// The listing's `at_utc` ("2026-03-02T14:05:07Z" or with a space and fractions): to the second.
    private static func parse(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.date(from: String(text.replacingOccurrences(of: "T", with: " ").prefix(19)))
    }
}
