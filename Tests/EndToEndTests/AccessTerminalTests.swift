// The roles with the real binary (issue 6): an administrator's sub-commands refuse a chart until
// `--break-glass REASON` opens it (recorded); a counselor cannot export another counselor's client or the whole
// store; in tmux, the administrator's `:breakglass MRN` asks for the reason and opens the chart marked as
// emergency access, and the audit listing shows the reason. A refused sign-in is in the audit trail too.
import CaseloadCore
import CaseloadStore
import Foundation
import XCTest

final class AccessTerminalTests: XCTestCase {
    private var session: TmuxSession?
    private var db: String!
    private var admin: String!
    private var mine: String!       // a client of the OS user's caseload
    private var theirs: String!     // a client of another counselor

    override func setUpWithError() throws {
        let dir = try TempDirectories.make("access")
        db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "30"], timeout: 300)
        XCTAssertEqual(made.status, 0, made.stderr)
        let store = try SQLiteStore.open(path: db, clock: TestTime.clock)
        let today = TestTime.today
        let me = try XCTUnwrap(try store.staff(username: osLogin()))
        admin = try XCTUnwrap(try store.allStaff().first { $0.role == .admin }).username
        let rows = try store.caseloadRows(for: me.id!, scope: .all, on: today)
        mine = try XCTUnwrap(rows.first { $0.counselorName == me.displayName }).mrn
        theirs = try XCTUnwrap(rows.first { $0.counselorName != me.displayName && !$0.counselorName.isEmpty }).mrn
        try store.close()
    }

    override func tearDown() {
        session?.kill()
        session = nil
    }

    private func audit(_ extra: [String]) throws -> RunResult {
        try Run.caseload(["audit", "--db", db, "--as", admin, "--format", "csv"] + extra)
    }

    func testSubCommandsRefuseAChartUntilEmergencyAccessWithAReason() throws {
        // My own client exports; another counselor's does not, nor does the whole store, and nothing is printed.
        let own = try Run.caseload(["export", "--db", db, "--client", mine])
        XCTAssertEqual(own.status, 0, own.stderr)
        XCTAssertTrue(own.stdout.contains(mine))
        let other = try Run.caseload(["export", "--db", db, "--client", theirs])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertEqual(other.stdout, "")
        XCTAssertTrue(other.stderr.contains("You do not have access to chart \(theirs!)"), other.stderr)
        let whole = try Run.caseload(["export", "--db", db])
        XCTAssertNotEqual(whole.status, 0)
        XCTAssertTrue(whole.stderr.contains("Only an administrator exports the whole store"), whole.stderr)

        // The administrator: refused a plan print, then allowed with a reason, which the audit listing shows.
        let refused = try Run.caseload(["plan", "print", "--db", db, "--as", admin, "--client", mine])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("Administrators open a chart only through emergency access"), refused.stderr)
        let short = try Run.caseload(["disclosures", "--db", db, "--as", admin, "--client", mine, "--break-glass", "urgent"])
        XCTAssertNotEqual(short.status, 0)
        XCTAssertTrue(short.stderr.contains("Give the reason in a few words (12 characters at least); it is recorded."), short.stderr)
        let allowed = try Run.caseload(["disclosures", "--db", db, "--as", admin, "--client", mine,
                                        "--break-glass", "records request from the state surveyor"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        let events = try audit(["--client", mine, "--action", "break_glass"])
        XCTAssertEqual(events.status, 0, events.stderr)
        XCTAssertTrue(events.stdout.contains("records request from the state surveyor"), events.stdout)
        XCTAssertTrue(events.stdout.contains(admin), events.stdout)
        let refusals = try audit(["--action", "refused"])
        XCTAssertTrue(refusals.stdout.contains(theirs), "the counselor's refused export is recorded: \(refusals.stdout)")

        // A login that is no staff account is refused at sign-in, and that is recorded too.
        let stranger = try Run.caseload(["report", "caseload", "--db", db, "--as", "nobody-here"])
        XCTAssertNotEqual(stranger.status, 0)
        let failed = try audit(["--action", "failed_login"])
        XCTAssertTrue(failed.stdout.contains("tried to act as 'nobody-here'"), failed.stdout)
        XCTAssertEqual(try Run.caseload(["audit", "verify", "--db", db]).status, 0, "the chain holds")
    }

    func testTheAdministratorBreaksTheGlassInTheWorkspace() throws {
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        let command = ["env", "-u", "NO_COLOR", "-u", "CASELOAD_TRACE_FILE", "TERM=screen-256color",
                       shellQuote(Binary.url.path), "--db", shellQuote(db), "--as", shellQuote(admin),
                       "; echo \"exit status $?\"; sleep 600"].joined(separator: " ")
        let s = try TmuxSession(command: command, width: 80, height: 24)
        session = s
        s.waitFor("Appointments today")
        try s.press("c")
        s.waitFor("Administrators have no caseload")
        try s.type(":breakglass \(mine!)")
        try s.press("Enter")
        s.waitFor("type the reason (recorded)")
        try s.type("client at the window, counselor out sick")
        try s.press("Enter")
        let chart = s.waitFor("! Emergency access (recorded)")
        XCTAssertTrue(chart.contains("MRN \(mine!)"), chart)
        XCTAssertTrue(chart.contains("Emergency access to chart \(mine!) is recorded with your reason."), chart)
        try s.press("Q")
        s.waitFor("exit status 0")
        let events = try audit(["--client", mine, "--action", "break_glass"])
        XCTAssertTrue(events.stdout.contains("client at the window, counselor out sick"), events.stdout)
    }
}
