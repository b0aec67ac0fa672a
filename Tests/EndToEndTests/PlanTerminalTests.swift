// A treatment plan written with the real binary in tmux (two problems, non-ASCII text), signed, reviewed
// into the next version, then checked through `caseload export`.
import Foundation
import XCTest

final class PlanTerminalTests: XCTestCase {
    private var session: TmuxSession?

    override func tearDown() {
        session?.kill()
        session = nil
    }

    func testAPlanIsWrittenSignedAndReviewedIntoTheNextVersion() throws {
        guard TmuxSession.isAvailable else {
            throw HarnessError("tmux is required for the end-to-end terminal tests: install it (apt-get install tmux).")
        }
        let dir = try TempDirectories.make("plans")
        let db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "40"], timeout: 300)
        XCTAssertEqual(made.status, 0, made.stderr)

        // One of my clients without a draft: its signed plan is version N, the new plan N + 1.
        let before = try export(db)
        let me = try XCTUnwrap((before["staff"] as? [[String: Any]])?.first { $0["username"] as? String == osLogin() })
        let myID = try XCTUnwrap(me["id"] as? Int)
        let plans = before["treatmentPlans"] as? [[String: Any]] ?? []
        let client = try XCTUnwrap((before["clients"] as? [[String: Any]] ?? []).first { c in
            c["primaryCounselorID"] as? Int == myID && c["status"] as? String == "active"
                && !plans.contains { $0["clientID"] as? Int == c["id"] as? Int && $0["status"] as? String == "draft" }
        })
        let clientID = try XCTUnwrap(client["id"] as? Int)
        let mrn = try XCTUnwrap(client["mrn"] as? String)
        let newest = plans.filter { $0["clientID"] as? Int == clientID }.compactMap { $0["version"] as? Int }.max() ?? 0

        let command = ["exec", "env", "-u", "NO_COLOR", "-u", "CASELOAD_TRACE_FILE", "TERM=screen-256color",
                       shellQuote(Binary.url.path), "--db", shellQuote(db)].joined(separator: " ")
        let s = try TmuxSession(command: command, width: 80, height: 24)
        session = s
        s.waitFor("Appointments today")
        try s.press("c")
        s.waitFor("Caseload")
        try s.press("/")
        try s.type(mrn)
        try s.press("Enter", "Enter")
        s.waitFor("MRN \(mrn)")
        try s.press("2")
        s.waitFor("Plan v\(newest)")
        try s.press("N")
        s.waitFor("Start a new plan from:")
        try s.press("Enter")                                  // Blank plan
        s.waitFor("Version \(newest + 1) started as a draft.")

        let problems = ["Consumo diario de opioides — Zoë Ñúñez", "孤独 y sin vivienda estable"]
        for (n, statement) in problems.enumerated() {
            try s.press("g", "a")
            s.waitFor("New problem")
            try s.type(statement)
            try s.press("Tab")
            try s.type("Quiero estar con mi hija 李娜.")
            try s.press("C-s")
            s.waitFor("Problem \(n + 1): \(statement)")
            try s.press("a")
            s.waitFor("New goal")
            try s.type("Meta \(n + 1): estabilidad")
            try s.press("C-s")
            s.waitFor("Goal \(n + 1).1: Meta \(n + 1): estabilidad")
            try s.press("a")
            s.waitFor("New objective")
            try s.type("Objetivo \(n + 1) — pasos pequeños")
            try s.press("C-s")
            s.waitFor("Objective \(n + 1).1.1: Objetivo \(n + 1)")
            try s.press("a")
            s.waitFor("New intervention")
            try s.press("C-s")
            s.waitFor("Intervention added.")
        }
        try s.press("S")
        s.waitFor("Sign version \(newest + 1)?")
        try s.press("y")
        s.waitFor("Did the client sign too")
        try s.press("y")
        s.waitFor("Plan signed by you and the client.")
        try s.press("a")
        s.waitFor("This plan is signed and can no longer be changed.")
        try s.press("R")
        s.waitFor("Review of version \(newest + 1)")
        try s.type("Revisión: Zoë avanza; 李娜 visita los domingos.")
        try s.press("C-s")
        s.waitFor("Review recorded")
        s.waitFor("Plan v\(newest + 2) Draft")
        try s.press("Q")
        s.waitUntil("the app to exit") { _ in s.paneIsDead }

        let after = (try export(db)["treatmentPlans"] as? [[String: Any]] ?? []).filter { $0["clientID"] as? Int == clientID }
        let signed = try XCTUnwrap(after.first { $0["version"] as? Int == newest + 1 })
        XCTAssertEqual(signed["status"] as? String, "signed")
        let signedProblems = signed["problems"] as? [[String: Any]] ?? []
        XCTAssertEqual(signedProblems.compactMap { $0["statement"] as? String }, problems)
        XCTAssertEqual(Set((signed["signatures"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }),
                       ["counselor", "client"])
        let review = try XCTUnwrap(after.first { $0["version"] as? Int == newest + 2 })
        XCTAssertEqual(review["status"] as? String, "draft")
        XCTAssertEqual((review["problems"] as? [[String: Any]] ?? []).compactMap { $0["statement"] as? String }, problems,
                       "the review carries everything over")
        XCTAssertEqual(after.first { $0["version"] as? Int == newest }?["status"] as? String, "superseded")
    }

    private func export(_ db: String) throws -> [String: Any] {
        let exported = try Run.caseload(["export", "--db", db], timeout: 120)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any])
    }
}
