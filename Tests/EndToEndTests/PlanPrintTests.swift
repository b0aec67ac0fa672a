// `caseload plan print` run as a person would, checked against `caseload export` of the same demo store.
import Foundation
import XCTest

final class PlanPrintTests: XCTestCase {
    private var demo: DemoFixture!

    override func setUpWithError() throws {
        demo = try DemoFixture.shared()
    }

    private var plans: [[String: Any]] { demo.export["treatmentPlans"] as? [[String: Any]] ?? [] }

    /// Every statement of a plan's tree in the export (problems, goals, objectives).
    private func statements(_ node: Any) -> [String] {
        if let object = node as? [String: Any] {
            let own = (object["statement"] as? String).map { [$0] } ?? []
            return own + ["problems", "goals", "objectives"].flatMap { statements(object[$0] ?? []) }
        }
        if let array = node as? [Any] { return array.flatMap(statements) }
        return []
    }

    private func squeezed(_ s: String) -> String { s.filter { !$0.isWhitespace } }

    /// A client of the demo with a signed plan in force, and that plan as exported.
    private func clientWithSignedPlan() throws -> (client: [String: Any], plan: [String: Any]) {
        for client in demo.clients {
            let id = client["id"] as? Int
            let mine = plans.filter { $0["clientID"] as? Int == id }
            if let signed = mine.filter({ $0["status"] as? String == "signed" })
                .max(by: { ($0["version"] as! Int) < ($1["version"] as! Int) }),
               mine.contains(where: { $0["status"] as? String == "superseded" }) {
                return (client, signed)
            }
        }
        throw HarnessError("the demo has no client with a signed and a superseded plan")
    }

    func testPrintsThePlanInForceWithEveryStatementAndItsSignatures() throws {
        let (client, plan) = try clientWithSignedPlan()
        let mrn = client["mrn"] as! String
        let r = try Run.caseload(["plan", "print", "--db", demo.dbPath, "--as", demo.supervisor, "--client", mrn])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let out = r.stdout
        XCTAssertTrue(out.contains("TREATMENT PLAN"))
        XCTAssertTrue(out.contains("MRN:           \(mrn)"), out)
        XCTAssertTrue(out.contains(client["legalLastName"] as! String))
        XCTAssertTrue(out.contains(client["dateOfBirth"] as! String))
        XCTAssertTrue(out.contains("Version \(plan["version"] as! Int), signed"), out)
        XCTAssertTrue(out.contains(plan["effectiveDate"] as! String))
        XCTAssertTrue(out.contains(plan["nextReviewDate"] as! String))
        let all = statements(plan)
        XCTAssertFalse(all.isEmpty)
        for statement in all {
            XCTAssertTrue(squeezed(out).contains(squeezed(statement)), "missing: \(statement)\n\(out)")
        }
        for signature in plan["signatures"] as? [[String: Any]] ?? [] {
            XCTAssertTrue(out.contains(signature["signerName"] as! String), "signature of \(signature)")
        }
        for line in out.split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, 78, "wider than the page: \(line)")
        }

        let md = try Run.caseload(["plan", "print", "--db", demo.dbPath, "--as", demo.supervisor, "--client", mrn, "--format", "markdown"])
        XCTAssertEqual(md.status, 0, md.stderr)
        XCTAssertTrue(md.stdout.hasPrefix("# Treatment plan: "), md.stdout)
        XCTAssertTrue(md.stdout.contains("\n## Problem 1: "))
        XCTAssertTrue(md.stdout.contains("\n- **Goal 1.1** "))
        XCTAssertTrue(md.stdout.contains("\n  - **Objective 1.1.1** "))
        XCTAssertTrue(md.stdout.contains("\n## Signatures\n"))
    }

    func testAnEarlierVersionCanBePrinted() throws {
        let (client, _) = try clientWithSignedPlan()
        let r = try Run.caseload(["plan", "print", "--db", demo.dbPath, "--as", demo.supervisor, "--client", client["mrn"] as! String,
                                  "--version", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Version 1, superseded"), r.stdout)
        let missing = try Run.caseload(["plan", "print", "--db", demo.dbPath, "--as", demo.supervisor, "--client", client["mrn"] as! String,
                                        "--version", "99"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("Version 99 of the treatment plan"), missing.stderr)
        XCTAssertEqual(missing.stdout, "")
    }

    func testAnUnknownChartNumberIsACleanError() throws {
        let r = try Run.caseload(["plan", "print", "--db", demo.dbPath, "--as", demo.supervisor, "--client", "NO-SUCH-MRN"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("You do not have access to chart NO-SUCH-MRN: there is no such chart, or"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Fatal error"))
        let format = try Run.caseload(["plan", "print", "--db", demo.dbPath, "--as", demo.supervisor, "--client", "NO-SUCH-MRN", "--format", "pdf"])
        XCTAssertNotEqual(format.status, 0)
        XCTAssertTrue(format.stderr.contains("--format"), format.stderr)
    }

    func testAClientWithoutAPlanIsToldSoOnStderr() throws {
        let dir = try TempDirectories.make("plan-print")
        let db = dir.appendingPathComponent("store.sqlite").path
        XCTAssertEqual(try Run.caseload(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"]).status, 0)
        let roster = dir.appendingPathComponent("roster.csv").path
        _ = FileManager.default.createFile(atPath: roster, contents: Data("""
            mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,counselor,status
            N-1,王,小明,1990-02-03,2024-05-06,Stabilization,methadone,80,0,,active

            """.utf8))
        let imported = try Run.caseload(["import", "clients", roster, "--db", db])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        // The administrator (the only login here) opens the chart through emergency access.
        let r = try Run.caseload(["plan", "print", "--db", db, "--client", "N-1", "--break-glass", "checking the new client has a plan"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("A treatment plan for 王, 小明 was not found."), r.stderr)
    }
}
