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

        // A new client of mine, admitted through the roster import (as the demo's administrator): no plan yet,
        // so the plan written here is version 1 and the review makes version 2.
        let before = try export(db)
        let admin = try XCTUnwrap((before["staff"] as? [[String: Any]])?.first { $0["role"] as? String == "admin" }?["username"] as? String)
        let mrn = "E2E-PLAN-1"
        let roster = dir.appendingPathComponent("roster.csv")
        try Data("""
            mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,counselor,status
            \(mrn),Ñúñez,Zoë,1986-04-02,2026-11-20,Stabilization,methadone,70,0,\(osLogin()),active

            """.utf8).write(to: roster)
        let imported = try Run.caseload(["import", "clients", roster.path, "--db", db, "--as", admin])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let clientID = try XCTUnwrap((try export(db)["clients"] as? [[String: Any]] ?? [])
            .first { $0["mrn"] as? String == mrn }?["id"] as? Int)
        let newest = 0

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
        s.waitFor("No treatment plan yet")
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
        XCTAssertEqual(Set(signedProblems.compactMap { $0["clientWords"] as? String }), ["Quiero estar con mi hija 李娜."])
        XCTAssertEqual(review["version"] as? Int, 2)
        XCTAssertEqual(review["reviewNote"] as? String, "Revisión: Zoë avanza; 李娜 visita los domingos.")
        XCTAssertEqual((review["problems"] as? [[String: Any]] ?? []).compactMap { $0["clientWords"] as? String },
                       ["Quiero estar con mi hija 李娜.", "Quiero estar con mi hija 李娜."])
    }

    private func export(_ db: String) throws -> [String: Any] {
        let exported = try Run.exportAll(db, timeout: 120)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any])
    }
}
