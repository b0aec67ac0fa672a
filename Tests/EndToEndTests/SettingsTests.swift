// `caseload settings` and `--as` on sub-commands, run as an administrator would from a shell.
import Foundation
import XCTest

final class SettingsTests: XCTestCase {
    private func freshStore() throws -> String {
        let dir = try TempDirectories.make("settings")
        let db = dir.appendingPathComponent("clinic.sqlite").path
        let made = try Run.caseload(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"])
        XCTAssertEqual(made.status, 0, made.stderr)
        return db
    }

    private func value(_ key: String, _ db: String) throws -> String? {
        let shown = try Run.caseload(["settings", "--db", db])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        guard let line = shown.stdout.split(separator: "\n").first(where: { $0.hasPrefix(key + " ") }) else { return nil }
        return line.dropFirst(key.count).trimmingCharacters(in: .whitespaces).components(separatedBy: "  ").first
    }

    func testAnAdministratorChangesTheReviewIntervalAndBadValuesChangeNothing() throws {
        let db = try freshStore()
        XCTAssertEqual(try value("plan_review_interval_days", db), "90")

        let set = try Run.caseload(["settings", "set", "plan_review_interval_days", "30", "--db", db])
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertTrue(set.stdout.contains("90 -> 30"), set.stdout)
        XCTAssertEqual(try value("plan_review_interval_days", db), "30")

        let cosign = try Run.caseload(["settings", "set", "supervisor-cosign-plans", "yes", "--db", db])
        XCTAssertEqual(cosign.status, 0, cosign.stderr)
        XCTAssertEqual(try value("supervisor_cosign_plans", db), "yes")

        let phases = try Run.caseload(["settings", "set", "phases", "Inducción, Estabilización, 维持", "--db", db])
        XCTAssertEqual(phases.status, 0, phases.stderr)
        XCTAssertEqual(try value("phases", db), "Inducción, Estabilización, 维持")

        let refusals: [([String], String)] = [
            (["plan_review_interval_days", "0"], "from 1 to 730; '0'"),
            (["plan_review_interval_days", "ninety"], "'ninety' is not one"),
            (["default_note_template", "narrative"], "dap, soap, birp or girp"),
            (["supervisor_cosign_plans", "maybe"], "yes or no"),
            (["phases", "A, B, a"], "named twice"),
            (["program_name", "Bad\u{1B}[2J"], "control character"),
            (["is_demo", "yes"], "There is no setting 'is_demo'"),
        ]
        for (args, sentence) in refusals {
            let r = try Run.caseload(["settings", "set"] + args + ["--db", db])
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(sentence), "\(args): \(r.stderr)")
        }
        XCTAssertEqual(try value("plan_review_interval_days", db), "30", "a refused value leaves the setting alone")
        XCTAssertEqual(try value("phases", db), "Inducción, Estabilización, 维持")
    }

    func testOnlyAnAdministratorChangesSettings() throws {
        // On the demo store the OS user is a counselor.
        let demo = try DemoFixture.shared()
        let r = try Run.caseload(["settings", "set", "plan_review_interval_days", "30", "--db", demo.dbPath])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("Only an administrator can change program settings"), r.stderr)
        XCTAssertEqual(try value("plan_review_interval_days", demo.dbPath), "90")
    }

    func testAsReachesEverySubCommand() throws {
        // `--as` on a sub-command used to be taken by the top-level command and ignored.
        let demo = try DemoFixture.shared()
        for command in [["staff", "list"], ["settings"], ["export"], ["report", "caseload"]] {
            let r = try Run.caseload(command + ["--db", demo.dbPath, "--as", "nosuchuser"])
            XCTAssertNotEqual(r.status, 0, "\(command) ignored --as")
            XCTAssertTrue(r.stderr.contains("'nosuchuser' is not a Caseload staff account"), "\(command): \(r.stderr)")
        }
        let admin = try XCTUnwrap(demo.staff.first { $0["role"] as? String == "admin" }?["username"] as? String)
        let shown = try Run.caseload(["staff", "add", "helper", "--db", demo.dbPath, "--name", "Helper",
                                      "--role", "wizard", "--as", admin])
        XCTAssertTrue(shown.stderr.contains("'wizard' is not a role"), "an administrator gets past the role check: \(shown.stderr)")
    }

    func testNeedsCosignIsSetWithAStaffAccount() throws {
        let db = try freshStore()
        XCTAssertEqual(try Run.caseload(["staff", "add", "msuper", "--db", db, "--name", "Mónica Súper",
                                         "--role", "supervisor"]).status, 0)
        let alone = try Run.caseload(["staff", "add", "trainee", "--db", db, "--name", "Tran Trainee",
                                      "--role", "counselor", "--needs-cosign"])
        XCTAssertNotEqual(alone.status, 0)
        XCTAssertTrue(alone.stderr.contains("needs a --supervisor"), alone.stderr)
        let added = try Run.caseload(["staff", "add", "trainee", "--db", db, "--name", "Tran Trainee",
                                      "--role", "counselor", "--supervisor", "msuper", "--needs-cosign"])
        XCTAssertEqual(added.status, 0, added.stderr)
        let list = try Run.caseload(["staff", "list", "--db", db])
        let line = try XCTUnwrap(list.stdout.split(separator: "\n").first { $0.hasPrefix("trainee ") })
        XCTAssertTrue(line.contains("msuper") && line.contains("needed"), String(line))
        let sup = try XCTUnwrap(list.stdout.split(separator: "\n").first { $0.hasPrefix("msuper ") })
        XCTAssertFalse(sup.contains("needed"), String(sup))
    }
}
