// Writing a progress note with the real binary in tmux: a hang-up mid-draft, the draft found again,
// signed, refused for editing, corrected by an addendum, found by search, and checked with `caseload export`.
import Foundation
import XCTest

final class NotesTerminalTests: XCTestCase {
    private var session: TmuxSession?

    override func tearDown() {
        session?.kill()
        session = nil
    }

    static let data = "Zoë Ñúñez 李 reports steady mornings since the dose change."
    static let assessment = "Engaged; coping plan holding."
    static let plan = "Review the coping plan next week."
    static let addendum = "Correction: Zoë takes her dose at 08:30."

    func start(_ db: String) throws -> TmuxSession {
        let command = ["exec", "env", "-u", "NO_COLOR", "-u", "CASELOAD_TRACE_FILE", "TERM=screen-256color",
                       shellQuote(Binary.url.path), "--db", shellQuote(db)].joined(separator: " ")
        let s = try TmuxSession(command: command, width: 80, height: 24)
        session = s
        return s
    }

    func testADAPNoteSurvivesAHangUpIsSignedCorrectedAndFound() throws {
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        let dir = try TempDirectories.make("notes")
        let db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "40"], timeout: 300)
        XCTAssertEqual(made.status, 0, made.stderr)
        let today = AttendanceTerminalTests.today()

        // Write: Home → first appointment's chart → n → the three DAP sections, then the start time 23:59
        // (so this note is the newest of today whatever the demo wrote).
        var s = try start(db)
        s.waitFor("Appointments today")
        try s.press("Enter")
        s.waitFor("Summary")
        try s.press("n")
        let editor = s.waitFor("New DAP note")
        let title = try XCTUnwrap(editor.split(separator: "\n").first { $0.contains("New DAP note · ") }, editor)
        let clientName = try XCTUnwrap(title.components(separatedBy: "New DAP note · ").last?
            .components(separatedBy: " R").first?.trimmingCharacters(in: .whitespaces))
        try s.type(Self.data)
        try s.press("Tab")
        try s.type(Self.assessment)
        try s.press("Tab")
        try s.type(Self.plan)
        s.waitFor(Self.plan)
        try s.press("Tab", "Tab")
        s.waitFor("Tab next field  Ctrl-S save")
        try s.press("C-u")
        try s.type("23:59")
        try s.press("Tab")
        s.waitFor("Start [23:59]")

        // A hang-up: the terminal goes away while the note is unsaved.
        let pid = try s.panePID()
        s.kill()
        session = nil
        XCTAssertNotNil(waitForExit(pid, timeout: 15), "the app exits after the hang-up")

        // Back again: Home lists the draft; the chart's Notes tab has it on top; Enter continues it.
        s = try start(db)
        let home = s.waitFor("My unsigned notes")
        XCTAssertTrue(home.contains("\(today) 23:59"), home)
        try s.press("Enter")
        s.waitFor("Summary")
        try s.press("3")
        let list = s.waitFor("Date▼")
        let top = try XCTUnwrap(list.split(separator: "\n").first { $0.hasPrefix(">") }, list)
        XCTAssertTrue(top.contains(today) && top.contains("23:59") && top.contains("Draft"), String(top))
        XCTAssertTrue(top.contains("Zoë Ñúñez"), String(top))
        try s.press("Enter")
        let reopened = s.waitFor("DAP note draft")
        XCTAssertTrue(reopened.contains(Self.plan), reopened)
        XCTAssertTrue(reopened.contains(Self.data), reopened)
        try s.press("Escape")
        s.waitFor("Date▼")

        // Sign it (asked first), then editing is refused, then an addendum.
        try s.press("S")
        s.waitFor("Sign the draft of \(today)?")
        try s.press("y")
        s.waitFor("[x] Signed by")
        try s.press("e")
        s.waitFor("This note is signed and can no longer be changed.")
        try s.press("a")
        s.waitFor("Addendum to the DAP note of \(today)")
        try s.type(Self.addendum)
        try s.press("C-s")
        s.waitFor("Addendum added under the note")
        try s.press("End")
        let read = s.waitFor(Self.addendum)
        XCTAssertTrue(read.contains("Addendum, \(today)"), read)

        // `/` on the Notes tab searches this client's notes: a prefix finds this note first, its match highlighted.
        try s.press("Escape")
        s.waitFor("Date▼")
        try s.press("/")
        try s.type("mornin")
        try s.press("Enter")
        let mine = s.waitFor("notes found")
        let mineLines = mine.split(separator: "\n").map(String.init)
        let first = try XCTUnwrap(mineLines.firstIndex { $0.contains(today) && $0.contains("Signed") }, mine)
        XCTAssertTrue(mineLines[first + 1].contains("steady mornings"), mine)
        XCTAssertFalse(mineLines.contains { $0.contains("Signed") && !$0.contains(clientName) && $0.contains(" 20") },
                       "only this client's notes: \(mine)")

        // Search over every note I may see: the newest hit is this one, its snippet from Data.
        try s.press("Escape", "Escape")
        try s.type(":")
        try s.type("search stead")
        try s.press("Enter")
        let results = s.waitFor("notes found")
        let lines = results.split(separator: "\n").map(String.init)
        let hit = try XCTUnwrap(lines.firstIndex { $0.contains(today) && $0.contains("Signed") && $0.contains(clientName) }, results)
        XCTAssertTrue(lines[hit + 1].contains("Data: Zoë Ñúñez 李 reports steady"), results)
        try s.press("Q")
        s.waitUntil("the app to exit") { _ in s.paneIsDead }

        // The store holds it: signed, the text as typed, the addendum under it.
        let exported = try Run.exportAll(db, timeout: 120)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any])
        let notes = (json["sessions"] as? [[String: Any]] ?? []).filter {
            $0["date"] as? String == today && $0["startMinute"] as? Int == 23 * 60 + 59
        }
        XCTAssertEqual(notes.count, 1, "one note at 23:59 today")
        let note = try XCTUnwrap(notes.first)
        XCTAssertEqual(note["sections"] as? [String], [Self.data, Self.assessment, Self.plan])
        XCTAssertEqual(note["status"] as? String, "signed")
        XCTAssertEqual(note["template"] as? String, "dap")
        XCTAssertEqual((note["addenda"] as? [[String: Any]])?.map { $0["text"] as? String }, [Self.addendum])
    }

    func testSIGTERMWhileWritingSavesTheDraftAndARawCRLFPasteKeepsOneLineBreak() throws {
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        let dir = try TempDirectories.make("notes-term")
        let db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "40"], timeout: 300)
        XCTAssertEqual(made.status, 0, made.stderr)
        let today = AttendanceTerminalTests.today()

        let s = try start(db)
        s.waitFor("Appointments today")
        try s.press("Enter")
        s.waitFor("Summary")
        try s.press("n")
        s.waitFor("New DAP note")
        // A paste with literal CR LF line ends, as a Windows clipboard gives it: bracketed (-p), bytes untouched (-r).
        try s.tmux(["set-buffer", "-b", "crlf", "Línea uno: Zoë\r\nLínea dos: 李娜\r\nfin"])
        try s.tmux(["paste-buffer", "-p", "-r", "-b", "crlf", "-t", s.name])
        s.waitFor("fin")
        try s.press("Tab", "Tab", "Tab", "Tab")      // Data → Assessment → Plan → date → start time
        s.waitFor("Tab next field  Ctrl-S save")
        try s.press("C-u")
        try s.type("23:58")
        try s.press("Tab")
        s.waitFor("Start [23:58]")

        let pid = try s.panePID()
        let sent = Date()
        XCTAssertEqual(Glibc.kill(pid, SIGTERM), 0)
        let took = try XCTUnwrap(waitForExit(pid, timeout: 15), "the app exits after SIGTERM")
        print("SIGTERM to exit with a draft to save: \(Int(Date().timeIntervalSince(sent) * 1000)) ms")
        XCTAssertLessThan(took, 5, "the draft is saved and the app gone promptly")

        let exported = try Run.exportAll(db, timeout: 120)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any])
        let note = try XCTUnwrap((json["sessions"] as? [[String: Any]] ?? []).first {
            $0["date"] as? String == today && $0["startMinute"] as? Int == 23 * 60 + 58
        }, "the draft written before SIGTERM was saved")
        XCTAssertEqual(note["status"] as? String, "draft")
        XCTAssertEqual((note["sections"] as? [String])?.first, "Línea uno: Zoë\nLínea dos: 李娜\nfin",
                       "each CR LF of the paste is one line break")
    }
}
