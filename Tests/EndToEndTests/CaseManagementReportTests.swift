// `caseload report caseload|overdue|productivity` run as a person would: the caseload figures of a
// small imported roster counted by hand, and the demo store's figures recounted from `caseload export`.
import CaseloadCore
import Foundation
import XCTest

final class CaseManagementReportCLITests: XCTestCase {
    /// Days around today as the binary sees it on a store made by `caseload init` (the real clock, or the faked
    /// one): the roster store's.
    private static func day(_ offset: Int) -> String { "\(TestTime.realStoreToday.adding(days: offset))" }
    /// Days around the pinned day of the demo stores (docs/testing.md).
    private static func demoDay(_ offset: Int) -> String { "\(TestTime.today.adding(days: offset))" }

    private func rosterStore() throws -> String {
        let dir = try TempDirectories.make("cmreport")
        let db = dir.appendingPathComponent("store.sqlite").path
        XCTAssertEqual(try Run.caseload(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"]).status, 0)
        for (user, name) in [("jdoe", "Jamie Doe"), ("mlee", "Zoë Lee 李")] {
            XCTAssertEqual(try Run.caseload(["staff", "add", user, "--db", db, "--name", name, "--role", "counselor"]).status, 0)
        }
        // By hand, for the 30 days ending today: Jamie Doe has 2 active (one admitted 5 days ago), 1 on hold and
        // 1 discharged (first seen discharged, so discharged today; admitted 100 days ago): admissions 1,
        // discharges 1. Zoë Lee has 1 active admitted 40 days ago: admissions 0. One client has no counselor.
        let roster = """
            mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,counselor,status
            R1,Ñúñez,Zoë,1980-01-01,\(Self.day(-5)),Orientation,methadone,40,0,jdoe,active
            R2,Roe,Rik,1970-01-01,\(Self.day(-400)),Maintenance,methadone,90,6,jdoe,active
            R3,Poe,Pat,1975-01-01,\(Self.day(-200)),Stabilization,buprenorphine,16,0,jdoe,on_hold
            R4,Loe,Lee,1985-01-01,\(Self.day(-100)),Maintenance,methadone,70,2,jdoe,discharged
            R5,Moe,Max,1990-01-01,\(Self.day(-40)),Maintenance,naltrexone,0,0,mlee,active
            R6,Noe,Nia,1991-01-01,\(Self.day(-3)),Orientation,methadone,30,0,,active
            """
        let file = dir.appendingPathComponent("roster.csv").path
        _ = FileManager.default.createFile(atPath: file, contents: Data(roster.utf8))
        let r = try Run.caseload(["import", "clients", file, "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        return db
    }

    func testCaseloadReportFiguresInEveryFormat() throws {
        let db = try rosterStore()
        let csv = try Run.caseload(["report", "caseload", "--db", db, "--from", Self.day(-29), "--to", Self.day(0), "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stdout, """
            counselor,username,active,on_hold,admissions,discharges\r
            Jamie Doe,jdoe,2,1,1,1\r
            Zoë Lee 李,mlee,1,0,0,0\r
            Unassigned,,1,0,1,0\r

            """)
        let text = try Run.caseload(["report", "caseload", "--db", db, "--from", Self.day(-29), "--to", Self.day(0)])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Caseload per counselor")
        XCTAssertTrue(lines.contains("Jamie Doe   jdoe           2        1           1           1"), text.stdout)
        // Wide characters take two columns: the numbers still line up under their headers.
        XCTAssertTrue(lines.contains("Zoë Lee 李  mlee           1        0           0           0"), text.stdout)
        XCTAssertTrue(lines.contains("Total                      4        1           2           1"), text.stdout)
        let markdown = try Run.caseload(["report", "caseload", "--db", db, "--format", "markdown", "--staff", "jdoe"])
        XCTAssertTrue(markdown.stdout.contains("| Jamie Doe | jdoe | 2 | 1 | 1 | 1 |"), markdown.stdout)
        XCTAssertFalse(markdown.stdout.contains("mlee"))
        // The whole year: R2 was admitted 400 days ago, still outside.
        let year = try Run.caseload(["report", "caseload", "--db", db, "--from", Self.day(-365), "--format", "csv", "--staff", "jdoe"])
        XCTAssertTrue(year.stdout.contains("Jamie Doe,jdoe,2,1,3,1"), year.stdout)
    }

    func testBadArgumentsGetASentence() throws {
        let db = try rosterStore()
        let unknown = try Run.caseload(["report", "overdue", "--db", db, "--staff", "ghost"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("A staff member with the username 'ghost' was not found."), unknown.stderr)
        let backwards = try Run.caseload(["report", "productivity", "--db", db, "--from", "2025-03-10", "--to", "2025-03-01"])
        XCTAssertTrue(backwards.stderr.contains("The period starts (2025-03-10) after it ends (2025-03-01)."), backwards.stderr)
        let badDate = try Run.caseload(["report", "caseload", "--db", db, "--to", "2025-02-30"])
        XCTAssertTrue(badDate.stderr.contains("'2025-02-30' is not a valid date"), badDate.stderr)
    }

    /// On the demo store the OS user is a counselor: their own figures, recounted from the export.
    func testProductivityMatchesTheExport() throws {
        let demo = try DemoFixture.shared()
        let me = try XCTUnwrap(demo.myStaffID)
        let from = Self.demoDay(-60), to = Self.demoDay(0)
        let modalities = Dictionary(uniqueKeysWithValues: (demo.export["modalities"] as! [[String: Any]]).map {
            ($0["id"] as! Int, $0["name"] as! String)
        })
        var expected: [String: [Int]] = [:]   // modality → sessions, minutes, units, no-shows
        // Signed notes only: a draft documents no session yet.
        for s in demo.export["sessions"] as! [[String: Any]] where s["staffID"] as? Int == me && s["status"] as? String == "signed" {
            let d = s["date"] as! String
            guard d >= from, d <= to else { continue }
            let m = modalities[s["modalityID"] as! Int]!
            var e = expected[m] ?? [0, 0, 0, 0]
            if s["format"] as? String == "no_show" { e[3] += 1 } else {
                e[0] += 1; e[1] += s["minutes"] as! Int; e[2] += s["billingUnits"] as! Int
            }
            expected[m] = e
        }
        XCTAssertFalse(expected.isEmpty, "the demo counselor has sessions in the last 60 days")
        // Held sessions of the groups I facilitate count for me too; their units are the attendees' (15 minutes a unit).
        var attended: [Int: Int] = [:]      // group session → billing units of its attendees
        for a in demo.export["attendance"] as! [[String: Any]] {
            let minutes = a["minutes"] as! Int
            guard ["present", "late", "left_early"].contains(a["status"] as! String), minutes > 0 else { continue }
            attended[a["groupSessionID"] as! Int, default: 0] += max(1, (minutes + 7) / 15)
        }
        let groups = (demo.export["groups"] as! [[String: Any]]).filter { ($0["facilitatorIDs"] as? [Int] ?? []).contains(me) }
        let groupModality = Dictionary(uniqueKeysWithValues: groups.map { ($0["id"] as! Int, modalities[$0["modalityID"] as! Int]!) })
        for g in demo.export["groupSessions"] as! [[String: Any]] {
            // Held and signed sessions only.
            guard let m = groupModality[g["groupID"] as! Int], g["status"] as? String == "held",
                  let signed = g["signedAt"], !(signed is NSNull) else { continue }
            let d = g["date"] as! String
            guard d >= from, d <= to else { continue }
            var e = expected[m] ?? [0, 0, 0, 0]
            e[0] += 1; e[1] += g["minutes"] as! Int; e[2] += attended[g["id"] as! Int] ?? 0
            expected[m] = e
        }
        let r = try Run.caseload(["report", "productivity", "--db", demo.dbPath, "--from", from, "--to", to, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var got: [String: [Int]] = [:]
        for line in r.stdout.split(separator: "\r\n").dropFirst() {
            // Modality names hold no commas except "HIV/HCV…" (none): split from the right.
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            got[f[f.count - 5]] = f.suffix(4).map { Int($0)! }
        }
        XCTAssertEqual(got, expected)
    }

    func testOverdueFollowUpsAndConsentsMatchTheExport() throws {
        let demo = try DemoFixture.shared()
        let me = try XCTUnwrap(demo.myStaffID)
        let today = Self.demoDay(0), in30 = Self.demoDay(30)
        let mine = Dictionary(uniqueKeysWithValues: demo.clients.filter {
            $0["primaryCounselorID"] as? Int == me && $0["status"] as? String != "discharged"
        }.map { ($0["id"] as! Int, $0) })
        let followUps = (demo.export["referrals"] as! [[String: Any]]).filter {
            mine[$0["clientID"] as! Int] != nil && ["made", "accepted"].contains($0["status"] as! String)
                && ($0["followUpOn"] as? String).map { $0 <= today } == true
        }.count
        let consents = (demo.export["consents"] as! [[String: Any]]).filter {
            guard mine[$0["clientID"] as! Int] != nil, let e = $0["expiresOn"] as? String else { return false }
            let revoked = $0["revokedOn"] as? String
            return e >= today && e <= in30 && ($0["signedOn"] as! String) <= today && (revoked == nil || revoked! > today)
        }.count
        let r = try Run.caseload(["report", "overdue", "--db", demo.dbPath, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines.first, "item,counselor,client,mrn,date,detail")
        XCTAssertEqual(lines.filter { $0.hasPrefix("Referral follow-up,") }.count, followUps)
        XCTAssertEqual(lines.filter { $0.hasPrefix("Consent expiring,") }.count, consents)
        let text = try Run.caseload(["report", "overdue", "--db", demo.dbPath])
        XCTAssertTrue(text.stdout.contains("Referral follow-up: \(followUps);"), text.stdout)
    }

    /// Through a real terminal: the administrator (the only login of this store) opens R2's chart through
    /// emergency access, adds a referral on its Referrals tab, sees it in the client's export, and reads the same
    /// caseload figures on the :reports screen as the CLI prints.
    func testReferralTabAndReportsScreenInATerminal() throws {
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        let db = try rosterStore()
        let today = Self.day(0)
        let s = try TmuxSession(command: "exec env -u NO_COLOR TERM=screen-256color \(shellQuote(Binary.url.path)) --db \(shellQuote(db))")
        defer { s.kill() }
        s.waitFor("Q quit")
        try s.type(":breakglass R2"); try s.press("Enter")
        s.waitFor("type the reason (recorded)")
        try s.type("adding the housing referral the counselor phoned in"); try s.press("Enter")
        s.waitFor("MRN R2")
        try s.type("6")
        s.waitFor("Referrals, newest first")
        try s.type("a")
        s.waitFor("New referral")
        try s.press("Tab"); try s.type("Clínica Luz 李")
        try s.press("Tab", "Tab", "Tab"); try s.type(today)
        try s.press("C-s")
        let after = s.waitFor("Referral saved.")
        XCTAssertTrue(after.contains("! \(today)  Housing"), after)
        XCTAssertTrue(after.contains("Clínica Luz 李"), after)

        try s.type(":reports"); try s.press("Enter")
        let reports = s.waitFor("Whole program")
        let cli = try Run.caseload(["report", "caseload", "--db", db, "--format", "csv"])
        let jdoe = try XCTUnwrap(cli.stdout.split(separator: "\r\n").first { $0.hasPrefix("Jamie Doe,") })
        let figures = jdoe.split(separator: ",").suffix(4).joined(separator: " ")
        let line = try XCTUnwrap(reports.split(separator: "\n").first { $0.contains("Jamie Doe") }, reports)
        XCTAssertEqual(line.split(separator: " ").suffix(4).joined(separator: " "), figures, reports)
        try s.type("Q")

        // The overdue report names clients: not for an administrator. The client's own export shows the referral.
        let overdue = try Run.caseload(["report", "overdue", "--db", db, "--format", "csv"])
        XCTAssertNotEqual(overdue.status, 0)
        XCTAssertTrue(overdue.stderr.contains("administrators do not see clients"), overdue.stderr)
        let export = try Run.caseload(["export", "--db", db, "--client", "R2", "--break-glass", "checking the referral was saved"])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains("Clínica Luz 李") && export.stdout.contains(today), export.stdout)
    }
}
