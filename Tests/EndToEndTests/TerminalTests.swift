// The real binary in a real terminal (a private tmux server at 80×24): what a counselor sees
// and types, including resize, hang-up and quitting back to the shell.
import Foundation
import XCTest

final class TerminalTests: XCTestCase {
    private var demo: DemoFixture!
    private var session: TmuxSession?

    override func setUpWithError() throws {
        // A missing tmux is a broken set-up, not a reason to pass quietly (.ci/run installs it).
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        demo = try DemoFixture.shared()
    }

    override func tearDown() {
        session?.kill()
        session = nil
    }

    /// The command line that runs caseload in the pane, replacing the pane's shell (so pane_pid is caseload).
    private func appCommand(term: String = "screen-256color", env: [String: String] = [:], arguments: [String] = []) -> String {
        var parts = ["exec", "env", "-u", "NO_COLOR", "-u", "CASELOAD_TRACE_FILE", "TERM=\(term)"]
        for (k, v) in env.sorted(by: { $0.key < $1.key }) { parts.append(shellQuote("\(k)=\(v)")) }
        parts.append(shellQuote(Binary.url.path))
        parts += ["--db", shellQuote(demo.dbPath)] + arguments.map(shellQuote)
        return parts.joined(separator: " ")
    }

    private func startApp(term: String = "screen-256color", env: [String: String] = [:], arguments: [String] = [],
                          width: Int = 80, height: Int = 24) throws -> TmuxSession {
        let s = try TmuxSession(command: appCommand(term: term, env: env, arguments: arguments),
                                width: width, height: height)
        session = s
        return s
    }

    /// Home is up: today's lists and the status-bar hints are drawn.
    private func waitForHome(_ s: TmuxSession, file: StaticString = #filePath, line: UInt = #line) {
        s.waitUntil("the Home screen", file: file, line: line) {
            $0.contains(Screen.homeAppointments) && $0.contains(Screen.homeGroups) && $0.contains(Screen.quitHint)
        }
    }

    /// A client of mine whose last name is plain ASCII, so typing it is unambiguous.
    private func someClientOfMine() throws -> (last: String, first: String, mrn: String) {
        let mine = demo.myClients.filter { ($0["status"] as? String) == "active" }
        let pick = try XCTUnwrap(mine.first {
            let last = $0["legalLastName"] as? String ?? ""
            return last.count >= 4 && last.allSatisfy { $0.isASCII && $0.isLetter }
        } ?? mine.first, "the OS user has active clients")
        return (pick["legalLastName"] as? String ?? "", pick["legalFirstName"] as? String ?? "", pick["mrn"] as? String ?? "")
    }

    // MARK: -

    func testATerminalWithoutCursorAddressingIsRefusedWithASentence() throws {
        // TERM=dumb has no cursor addressing: the app used to draw only the last line of each frame. (Run from a
        // shell that stays: tmux loses lines of a pane whose program writes and exits at once.)
        let command = appCommand(term: "dumb").replacingOccurrences(of: "exec ", with: "")
        let s = try TmuxSession(command: command + "; echo \"exit status $?\"; sleep 30")
        session = s
        let screen = s.waitFor("exit status")
        XCTAssertTrue(screen.contains("Terminal 'dumb' cannot move the cursor; set TERM, e.g. xterm-256color."), screen)
        XCTAssertTrue(screen.contains("exit status 1"), screen)
    }

    func testStartShowsHomeThenQQuitsBackToTheShell() throws {
        // A shell in the pane: after Q the prompt must come back and take input.
        let s = try TmuxSession(command: "exec env -u NO_COLOR PS1='e2e$ ' TERM=screen-256color sh")
        session = s
        s.waitFor("e2e$")
        try s.type(appCommand().replacingOccurrences(of: "exec ", with: ""))
        try s.press("Enter")
        waitForHome(s)
        let home = s.stableScreen()
        XCTAssertTrue(home.contains(demo.displayName(of: demo.osUser)), "the title names who is signed in:\n\(home)")
        XCTAssertFalse(home.contains("e2e$"), "the app owns the whole screen while it runs")

        try s.press("Q")
        s.waitUntil("the shell prompt after quitting") { $0.contains("e2e$") && !$0.contains(Screen.quitHint) }
        XCTAssertTrue(pgrepCaseload().isEmpty, "caseload is gone: \(pgrepCaseload())")
        try s.type("echo back-$((40+2))")
        try s.press("Enter")
        s.waitFor("back-42")
    }

    func testColonQuitQuits() throws {
        let s = try startApp()
        waitForHome(s)
        let pid = try s.panePID()
        try s.type(":q")
        s.waitFor(":q")
        try s.press("Enter")
        XCTAssertNotNil(waitForExit(pid, timeout: 10), "caseload exits after :q")
    }

    func testSearchACaseloadOpenTheChartSwitchTabsAndReadANote() throws {
        let client = try someClientOfMine()
        let s = try startApp()
        waitForHome(s)
        try s.press("c")
        s.waitUntil("the Caseload table") { $0.contains(Screen.caseloadTitle) && $0.contains("MRN") }

        try s.press("/")
        try s.type(client.last.lowercased())
        let narrowed = s.waitUntil("the search to narrow to \(client.last)") { screen in
            screen.contains("matching “\(client.last.lowercased())”") && screen.contains(client.mrn)
        }
        // Every listed row matches: the table really narrowed, it did not just scroll.
        let rows = Screen.tableRows(narrowed)
        XCTAssertFalse(rows.isEmpty, narrowed)
        for row in rows {
            XCTAssertTrue(row.lowercased().contains(client.last.lowercased()), "'\(row)' does not match:\n\(narrowed)")
        }
        try s.press("Enter")
        // Move the selection onto the client (the search may match others before it), then open.
        for _ in 0..<rows.count {
            let before = s.stableScreen()
            if Screen.selectedRow(before)?.contains(client.mrn) == true { break }
            try s.press("j")
            s.waitUntil("the selection to move") { $0 != before }
        }
        try s.press("Enter")
        // The chart: header with the MRN, tabs, Summary first.
        let chart = s.waitUntil("the chart of \(client.last)") {
            $0.contains(client.mrn) && $0.contains("Summary") && $0.contains("Notes")
        }
        XCTAssertTrue(chart.contains(client.last), chart)

        try s.press("Tab")
        s.waitUntil("the Plan tab") { Screen.planTabShown($0) }
        try s.press("Tab")
        let notes = s.waitUntil("the Notes tab") { Screen.notesTabShown($0) }
        try s.press("Enter")
        let note = s.waitUntil("a whole note") { screen in
            screen != notes && Screen.noteShown(screen)
        }
        XCTAssertTrue(note.contains(client.last) || note.contains(client.mrn), "the note says whose it is:\n\(note)")
        try s.press("Escape")
        s.waitUntil("back on the notes list") { Screen.notesTabShown($0) }
        try s.press("q")
        s.waitUntil("back on the Caseload table") { $0.contains(Screen.caseloadTitle) }
    }

    func testSearchIgnoresAccentsAndCase() throws {
        // A client of mine whose last name has accents (Dvořák, Ñúñez…): typed without them, still found.
        let accented = demo.myClients.compactMap { c -> (String, String)? in
            guard let last = c["legalLastName"] as? String, let mrn = c["mrn"] as? String,
                  (c["status"] as? String) == "active" else { return nil }
            let plain = last.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            return plain != last.lowercased() && plain.allSatisfy({ $0.isASCII && $0.isLetter }) ? (last, mrn) : nil
        }
        let (last, mrn) = try XCTUnwrap(accented.first, "the demo gives the OS user a client with an accented name")
        let typed = last.folding(options: [.diacriticInsensitive], locale: nil).lowercased()
        let s = try startApp()
        waitForHome(s)
        try s.press("c")
        s.waitUntil("the Caseload table") { $0.contains(Screen.caseloadTitle) && $0.contains("MRN") }
        try s.press("/")
        try s.type(typed)
        let found = s.waitUntil("'\(typed)' to find \(last)") { $0.contains("matching “\(typed)”") && $0.contains(mrn) }
        XCTAssertTrue(found.contains(last), "the name is drawn with its accents:\n\(found)")
    }

    func testThemeCommandRecoloursTheScreen() throws {
        let s = try startApp()
        waitForHome(s)
        let before = s.waitUntilColoured { _ in true }
        XCTAssertNotNil(before.range(of: Screen.colourEscape, options: .regularExpression),
                        "the default theme draws in colour on a 256-colour terminal")
        try s.type(":theme light")
        try s.press("Enter")
        s.waitFor("light")
        let after = s.waitUntilColoured { $0 != before }
        XCTAssertNotEqual(before, after, "the light theme changes the colours on screen")
        XCTAssertTrue(s.stableScreen().contains(Screen.homeAppointments), "the same screen, new colours")

        try s.type(":theme no-such-theme")
        try s.press("Enter")
        s.waitFor("no-such-theme")
    }

    func testResizeFollowsAndTooSmallSaysSo() throws {
        let s = try startApp()
        waitForHome(s)
        try s.press("c")
        s.waitUntil("the Caseload table") { $0.contains(Screen.caseloadTitle) }
        XCTAssertEqual(Screen.lastNonBlankRow(s.stableScreen()), 23, "80×24: the status bar is on the last row")

        try s.resize(width: 60, height: 20)
        let narrow = s.waitUntil("the 60×20 layout") { screen in
            Screen.lastNonBlankRow(screen) == 19 && screen.contains(Screen.caseloadTitle)
                && screen.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { Screen.width($0) <= 60 }
        }
        XCTAssertTrue(narrow.contains(Screen.quitHint) || narrow.contains("?"), narrow)

        try s.resize(width: 40, height: 10)
        s.waitFor(Screen.tooSmall)

        try s.resize(width: 80, height: 24)
        s.waitUntil("the 80×24 layout again") { screen in
            Screen.lastNonBlankRow(screen) == 23 && screen.contains(Screen.caseloadTitle) && !screen.contains(Screen.tooSmall)
        }
    }

    func testHelpOverlayListsTheKeys() throws {
        let s = try startApp()
        waitForHome(s)
        try s.press("?")
        // The overlay's first page: the screen's own keys come first (the global ones may be a page further down).
        // A capture can catch the overlay half drawn: wait for its keys, not only its title.
        s.waitUntil("the help overlay with its keys") {
            $0.contains("Help: keys and commands") && ($0.contains("search") || $0.contains("move"))
        }
        try s.press("Escape")
        s.waitUntil("help closed") { !$0.contains("Help: keys and commands") && $0.contains(Screen.homeAppointments) }
    }

    func testHangUpEndsTheProcessPromptly() throws {
        let s = try startApp()
        waitForHome(s)
        let pid = try s.panePID()
        XCTAssertFalse(processHasExited(pid))
        s.kill()   // the terminal goes away, as when an SSH connection drops
        let took = waitForExit(pid, timeout: 2)
        XCTAssertNotNil(took, "caseload still running 2 s after its terminal hung up")
        XCTAssertTrue(pgrepCaseload().isEmpty)
    }

    func testNoColorIsMonochromeButSelectionStillShows() throws {
        let s = try startApp(env: ["NO_COLOR": "1"])
        waitForHome(s)
        try s.press("c")
        s.waitUntil("the Caseload table") { $0.contains(Screen.caseloadTitle) }
        let escapes = s.waitUntilColoured { _ in true }
        XCTAssertNil(escapes.range(of: Screen.colourEscape, options: .regularExpression),
                     "no colour with NO_COLOR:\n\(escapes.debugDescription)")
        XCTAssertTrue(escapes.contains("\u{1B}[7m") || escapes.contains("\u{1B}[1m") || escapes.contains(";7m"),
                      "attributes (reverse/bold) still mark things")
        XCTAssertTrue(s.stableScreen().contains(">"), "the selected row has a marker as well")
    }

    func testUnknownTermFallsBackAndStillDraws() throws {
        let s = try startApp(term: "unknown-term")
        waitForHome(s)
        try s.press("c")
        s.waitUntil("the Caseload table") { $0.contains(Screen.caseloadTitle) }
        try s.press("Q")
        s.waitUntil("the pane to end") { _ in s.paneIsDead }
    }

    func testTheTableScrollsWithTheSelection() throws {
        XCTAssertGreaterThan(demo.myClients.count, 20, "more clients than fit on one screen")
        let s = try startApp()
        waitForHome(s)
        try s.press("c")
        // The selected row, by its marker: a capture may catch a frame half drawn, so compare rows, not screens.
        func selected(_ screen: String) -> String? { screen.split(separator: "\n").first { $0.hasPrefix(">") }.map(String.init) }
        let top = s.waitUntil("the Caseload table") { $0.contains(Screen.caseloadTitle) && selected($0) != nil }
        let first = try XCTUnwrap(selected(top))
        try s.press("G")
        s.waitUntil("the end of the table with the selection still on screen") { selected($0).map { $0 != first } ?? false }
        try s.press("g")
        s.waitUntil("the top again") { selected($0) == first }
    }

    func testAsActsAsAnotherStaffMemberOnADemoStore() throws {
        let supervisor = try XCTUnwrap(demo.supervisorUsername, "the demo has a supervisor")
        let s = try startApp(arguments: ["--as", supervisor])
        waitForHome(s)
        let home = s.stableScreen()
        XCTAssertTrue(home.contains(supervisor) || home.contains(demo.displayName(of: supervisor)),
                      "the title names the supervisor:\n\(home)")
    }

    private func pgrepCaseload() -> [String] {
        guard let r = try? Run.program(URL(fileURLWithPath: "/usr/bin/pgrep"), ["-f", "--", "--db .*\(demo.dbPath)"]) else {
            return []
        }
        return r.stdout.split(separator: "\n").map(String.init).filter { pid in
            // pgrep may see the tmux server whose command line carries the path; keep only caseload itself.
            ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").hasPrefix("caseload")
        }
    }
}

/// What the screens say, in one place so a wording change is one edit.
enum Screen {
    static let homeAppointments = "Appointments today"
    static let homeGroups = "Groups today"
    static let caseloadTitle = "My caseload"
    static let quitHint = "quit"
    static let tooSmall = "Terminal too small"
    /// An SGR sequence that sets a foreground or background colour (8, 16 or 256 colours).
    static let colourEscape = #"\e\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5;\d+|48;5;\d+)[;m]"#

    static func planTabShown(_ screen: String) -> Bool {
        screen.contains("[Plan]") && (screen.contains("Problem 1") || screen.contains("No treatment plan"))
    }

    static func notesTabShown(_ screen: String) -> Bool {
        screen.contains("[Notes]") && screen.contains("note 1/") && NoteTemplates.any(in: screen)
    }

    /// A whole note: who wrote it and its template's first section heading.
    static func noteShown(_ screen: String) -> Bool {
        screen.contains("Written by") && ["Data", "Subjective", "Behavior", "Goal"].contains { screen.contains("\n \($0)\n") }
    }

    /// Rows of a table: the lines under the header row that starts with "  Name".
    static func tableRows(_ screen: String) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("  Name") }) else { return [] }
        return Array(lines[(header + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
    }

    static func selectedRow(_ screen: String) -> String? {
        tableRows(screen).first { $0.hasPrefix(">") }
    }

    static func lastNonBlankRow(_ screen: String) -> Int {
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        return rows.lastIndex { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? -1
    }

    /// Terminal columns of a line (wide CJK counts 2).
    static func width(_ line: Substring) -> Int {
        line.unicodeScalars.reduce(0) { w, u in
            if u.properties.generalCategory == .nonspacingMark { return w }
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            return w + (wide ? 2 : 1)
        }
    }
}

enum NoteTemplates {
    static func any(in screen: String) -> Bool {
        ["DAP", "SOAP", "BIRP", "GIRP"].contains { screen.contains($0) }
    }
}

extension TmuxSession {
    /// The screen with its colour and attribute escapes (capture-pane -e).
    func coloured() throws -> String {
        try tmux(["capture-pane", "-p", "-e", "-t", name]).stdout
    }

    func waitUntilColoured(timeout: TimeInterval = 10, _ predicate: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        repeat {
            last = (try? coloured()) ?? ""
            if predicate(last) {
                // Stable: the same capture 60 ms later, so a frame half drawn is never the answer.
                usleep(60_000)
                let again = (try? coloured()) ?? ""
                if again == last { return last }
                continue
            }
            usleep(50_000)
        } while Date() < deadline
        return last
    }
}

extension DemoFixture {
    func displayName(of username: String) -> String {
        staff.first { $0["username"] as? String == username }?["displayName"] as? String ?? username
    }

    var supervisorUsername: String? {
        staff.first { $0["role"] as? String == "supervisor" }?["username"] as? String
    }
}
