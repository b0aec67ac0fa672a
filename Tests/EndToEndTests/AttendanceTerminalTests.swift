// Taking attendance with the real binary in tmux, then checking the store through `caseload export` and the report.
import Foundation
import XCTest

final class AttendanceTerminalTests: XCTestCase {
    private var session: TmuxSession?

    override func tearDown() {
        session?.kill()
        session = nil
    }

    func testTodaysGroupFromHomeIsRecordedAndExported() throws {
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        // Its own small demo: marking attendance must not change the shared store other tests count on.
        let dir = try TempDirectories.make("attendance")
        let db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "40"], timeout: 300)
        XCTAssertEqual(made.status, 0, made.stderr)

        let command = ["exec", "env", "-u", "NO_COLOR", "-u", "CASELOAD_TRACE_FILE", "TERM=screen-256color",
                       shellQuote(Binary.url.path), "--db", shellQuote(db)].joined(separator: " ")
        let s = try TmuxSession(command: command, width: 80, height: 24)
        session = s
        s.waitUntil("Home with a group today") { $0.contains("Groups today") && $0.contains("Tab to select") }
        try s.press("Tab")
        s.waitFor("Enter takes attendance")
        try s.press("Enter")
        let sheet = s.waitFor("not marked")
        let lines = sheet.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try XCTUnwrap(lines.firstIndex { $0.contains("Mark Member") }, sheet)
        let groupName = try XCTUnwrap(lines[1].components(separatedBy: " · ").first?.trimmingCharacters(in: .whitespaces))
        let rows = lines[(header + 1)...].filter { $0.contains("[ ]") && !$0.contains("not marked") }
        XCTAssertGreaterThanOrEqual(rows.count, 3, sheet)
        // Unmarked rows end with the MRN (minutes and line are still empty).
        let absentMRN = try XCTUnwrap(rows[0].split(separator: " ").last.map(String.init))
        let excusedMRN = try XCTUnwrap(rows[1].split(separator: " ").last.map(String.init))

        try s.press("a")
        s.waitFor("[A] 1")
        try s.press("e")
        s.waitFor("[E] 1")
        try s.press("A")
        s.waitFor("[ ] 0 not marked")
        try s.press("g", "n")
        s.waitFor("Line for")
        try s.type("Called in sick; will attend Monday.")
        try s.press("Enter")
        s.waitFor("Called in sick")
        // The group note: a multi-line panel. tmux pastes line breaks as CR inside bracketed-paste markers,
        // as terminals do; each arrives as one stored "\n".
        try s.press("w")
        s.waitFor("Group note — Ctrl-S save · Esc cancel")
        // Editor keys through a real terminal: Ctrl-← twice lands before "check" (the hyphen splits
        // words), Ctrl-W takes back a typed word.
        try s.type("Zoë Ñúñez check-in")
        try s.press("C-Left", "C-Left")
        try s.type("led ")
        try s.press("End")
        try s.type(" oops")
        try s.press("C-w", "BSpace")
        s.waitFor("Zoë Ñúñez led check-in")
        try s.press("Enter")
        try s.tmux(["set-buffer", "-b", "gnote", "李 coping plan\nthird line"])
        try s.tmux(["paste-buffer", "-p", "-d", "-b", "gnote", "-t", s.name])
        s.waitFor("third line")
        try s.press("C-s")
        s.waitUntil("the note saved under the table") { $0.contains("Note (") && $0.contains("Zoë Ñúñez led check-in") }
        try s.press("Q")
        s.waitUntil("the app to exit") { _ in s.paneIsDead }

        let exported = try Run.exportAll(db, timeout: 120)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any])
        let groups = json["groups"] as? [[String: Any]] ?? []
        let groupID = try XCTUnwrap(groups.first { $0["name"] as? String == groupName }?["id"] as? Int, groupName)
        let today = Self.today()
        let sessions = (json["groupSessions"] as? [[String: Any]] ?? []).filter {
            $0["groupID"] as? Int == groupID && $0["date"] as? String == today
        }
        XCTAssertEqual(sessions.count, 1, "one session of \(groupName) today")
        let sid = try XCTUnwrap(sessions.first?["id"] as? Int)
        XCTAssertEqual(sessions.first?["status"] as? String, "held")
        XCTAssertEqual(sessions.first?["note"] as? String, "Zoë Ñúñez led check-in\n李 coping plan\nthird line")
        let clients = json["clients"] as? [[String: Any]] ?? []
        func mrn(_ id: Int?) -> String? { clients.first { $0["id"] as? Int == id }?["mrn"] as? String }
        let marks = (json["attendance"] as? [[String: Any]] ?? []).filter { $0["groupSessionID"] as? Int == sid }
        XCTAssertEqual(marks.count, rows.count, "everyone on the sheet has a mark")
        var byMRN: [String: [String: Any]] = [:]
        for m in marks { if let k = mrn(m["clientID"] as? Int) { byMRN[k] = m } }
        XCTAssertEqual(byMRN[absentMRN]?["status"] as? String, "absent")
        XCTAssertEqual(byMRN[absentMRN]?["line"] as? String, "Called in sick; will attend Monday.")
        XCTAssertEqual(byMRN[excusedMRN]?["status"] as? String, "excused")
        XCTAssertEqual(marks.filter { $0["status"] as? String == "present" }.count, rows.count - 2)

        // The attendance report for today agrees.
        let report = try Run.caseload(["report", "attendance", "--db", db, "--group", groupName, "--from", today,
                                       "--to", today, "--format", "csv"])
        XCTAssertEqual(report.status, 0, report.stderr)
        let absentLine = try XCTUnwrap(report.stdout.split(whereSeparator: \.isNewline).first { $0.contains(absentMRN) }, report.stdout)
        // present, absent, excused, late, left_early, not_recorded, sessions_held and the two rates (of held, of
        // expected) are the last nine fields.
        let fields = absentLine.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: ",", omittingEmptySubsequences: false).suffix(9).map(String.init)
        XCTAssertEqual(fields, ["0", "1", "0", "0", "0", "0", "1", "0.0", "0.0"], String(absentLine))
    }

    /// The pinned day of the demo stores (docs/testing.md).
    static func today() -> String { "\(TestTime.today)" }
}
