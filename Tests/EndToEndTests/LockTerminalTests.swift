// The automatic lock with the real binary in tmux: a passphrase set with `caseload passphrase` from standard
// input, the lock screen after the idle time (shortened for the test on a demo store), no client on it,
// a wrong then the right passphrase, and the same screen again; five wrong tries end the session.
import Foundation
import XCTest

final class LockTerminalTests: XCTestCase {
    private var session: TmuxSession?

    override func tearDown() {
        session?.kill()
        session = nil
    }

    static let passphrase = "blue heron at the pier"

    private func demo(_ label: String) throws -> String {
        let dir = try TempDirectories.make(label)
        let db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "40"], timeout: 300)
        XCTAssertEqual(made.status, 0, made.stderr)
        return db
    }

    /// `caseload passphrase` with `lines` on standard input (a pipe, as a script would give them).
    private func passphrase(_ db: String, _ lines: [String], extra: [String] = []) throws -> RunResult {
        let input = lines.map { $0 + "\n" }.joined()
        let command = "printf '%s' \(shellQuote(input)) | \(shellQuote(Binary.url.path)) passphrase --db \(shellQuote(db)) "
            + extra.map(shellQuote).joined(separator: " ")
        return try Run.program(URL(fileURLWithPath: "/bin/sh"), ["-c", command], timeout: 60)
    }

    private func start(_ db: String, idleSeconds: Int) throws -> TmuxSession {
        // The pane's shell prints the exit status after the app, so the test can read how it ended.
        let command = ["env", "-u", "NO_COLOR", "-u", "CASELOAD_TRACE_FILE", "TERM=screen-256color",
                       "CASELOAD_IDLE_LOCK_SECONDS=\(idleSeconds)", shellQuote(Binary.url.path), "--db", shellQuote(db),
                       "; echo \"exit status $?\"; sleep 600"].joined(separator: " ")
        let s = try TmuxSession(command: command, width: 80, height: 24)
        session = s
        return s
    }

    private func sql(_ db: String, _ query: String) throws -> String {
        try Run.program(URL(fileURLWithPath: "/usr/bin/sqlite3"), [db, query]).stdout
    }

    func testTheIdleLockHidesTheCaseloadAndTheRightPassphraseBringsItBack() throws {
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        let db = try demo("lock")
        let baseline = try sql(db, "SELECT coalesce(max(id), 0) FROM audit_events").trimmingCharacters(in: .whitespacesAndNewlines)
        let set = try passphrase(db, [Self.passphrase, Self.passphrase])
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertEqual(set.stdout, "Passphrase set for \(osLogin()). It unlocks the screen when Caseload locks itself.\n")

        let s = try start(db, idleSeconds: 4)
        s.waitFor("Appointments today")
        try s.press("c")
        let caseload = s.waitFor("My caseload")
        // The client rows on screen: their MRNs and names must all be gone from the lock screen.
        let rows = caseload.split(separator: "\n").filter { $0.range(of: #"R1\d{5}"#, options: .regularExpression) != nil }
        XCTAssertGreaterThan(rows.count, 5, caseload)
        let mrns = rows.compactMap { row in row.range(of: #"R1\d{5}"#, options: .regularExpression).map { String(row[$0]) } }
        let surnames = rows.compactMap { $0.dropFirst(2).split(separator: ",").first.map(String.init) }
            .filter { $0.count >= 3 && !$0.contains("…") }
        XCTAssertFalse(surnames.isEmpty, caseload)

        let locked = s.waitFor("Locked after 4 seconds without a key.", timeout: 30)
        XCTAssertTrue(locked.contains("Passphrase:"), locked)
        XCTAssertEqual(mrns.filter { locked.contains($0) }, [], locked)
        XCTAssertEqual(surnames.filter { locked.contains($0) }, [], locked)
        XCTAssertNil(locked.range(of: #"R1\d{5}"#, options: .regularExpression), locked)

        try s.type("great blue heron")
        s.waitFor("Passphrase: ••••••••••••••••")
        XCTAssertFalse(s.stableScreen().contains("great blue heron"), "the field shows bullets, never the text")
        try s.press("Enter")
        s.waitFor("That passphrase is not right (1 of 5 tries; 4 left before the session ends).", timeout: 20)
        try s.type(Self.passphrase)
        try s.press("Enter")
        let back = s.waitFor("My caseload", timeout: 20)
        XCTAssertEqual(back.split(separator: "\n").filter { $0.range(of: #"R1\d{5}"#, options: .regularExpression) != nil },
                       rows, "the same caseload rows, the same selection")
        try s.press("Q")
        s.waitFor("exit status 0")

        let audit = try sql(db, "SELECT action FROM audit_events WHERE id > \(baseline) AND subject IN ('session', 'passphrase') ORDER BY id")
        XCTAssertEqual(audit, "update\nlogin\nlock\nfailed_login\nunlock\nlogout\n")
        let stored = try sql(db, "SELECT kdf, length(salt), length(hash), cost, block_size, parallelism FROM staff_passphrases")
        XCTAssertEqual(stored, "scrypt|16|32|32768|8|1\n")
    }

    func testFiveWrongPassphrasesEndTheSessionWithASentence() throws {
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        let db = try demo("lockout")
        XCTAssertEqual(try passphrase(db, [Self.passphrase, Self.passphrase]).status, 0)
        let s = try start(db, idleSeconds: 2)
        s.waitFor("Locked after 2 seconds without a key.", timeout: 30)
        for i in 1...4 {
            try s.type("wrong guess number \(i)")
            try s.press("Enter")
            s.waitFor("(\(i) of 5 tries", timeout: 20)
        }
        try s.type("wrong guess number 5")
        try s.press("Enter")
        let end = s.waitFor("exit status 1", timeout: 20)
        XCTAssertTrue(end.contains("caseload: 5 wrong passphrases: the session was ended. Your drafts were saved."), end)
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM audit_events WHERE action = 'failed_login'"), "5\n")
    }

    func testPassphraseRefusalsAndTheIdleOverrideOnlyOnADemoStore() throws {
        let db = try demo("passphrase-cli")
        var r = try passphrase(db, ["too short"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "caseload: The passphrase has 9 characters; it needs at least 10. A few words make a good one.\n")
        r = try passphrase(db, ["one two three four", "one two three for"])
        XCTAssertEqual(r.stderr, "caseload: The two passphrases differ; nothing was changed. Run 'caseload passphrase' again.\n")
        r = try passphrase(db, ["one two three four"])
        XCTAssertEqual(r.stderr, "caseload: Standard input ended before the passphrase; give each passphrase on its own line.\n")
        XCTAssertEqual(try sql(db, "SELECT count(*) FROM staff_passphrases"), "0\n", "nothing refused was stored")
        XCTAssertEqual(try passphrase(db, ["one two three four", "one two three four"]).status, 0)
        // Changing it asks for the current one first.
        r = try passphrase(db, ["not the current one", "five six seven eight", "five six seven eight"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "caseload: That is not your current passphrase; nothing was changed.\n")
        r = try passphrase(db, ["one two three four", "five six seven eight", "five six seven eight"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Passphrase changed for \(osLogin()).\n")
        let audit = try sql(db, "SELECT action || ' ' || detail FROM audit_events WHERE subject = 'passphrase' ORDER BY id")
        XCTAssertEqual(audit, "update set a passphrase\nfailed_login wrong current passphrase when changing it\nupdate changed the passphrase\n")
        XCTAssertFalse(audit.contains("one two") || audit.contains("five six"), "never the passphrase itself")

        // A real store refuses the test's shortcut for the idle time.
        let dir = try TempDirectories.make("lock-real")
        let real = dir.appendingPathComponent("real.sqlite").path
        let made = try Run.caseload(["init", "--db", real, "--admin", osLogin()])
        XCTAssertEqual(made.status, 0, made.stderr)
        let refused = try Run.caseload(["--db", real], environment: ["CASELOAD_IDLE_LOCK_SECONDS": "5"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "caseload: CASELOAD_IDLE_LOCK_SECONDS only works on a demo store made by 'caseload demo'; the program's idle_lock_minutes setting applies here.\n")
    }
}
