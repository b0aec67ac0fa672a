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

/// `caseload staff set-role | set-supervisor | deactivate | reactivate`, run as an administrator would.
final class StaffAdministrationTests: XCTestCase {
    private func store() throws -> String {
        let dir = try TempDirectories.make("staff-admin")
        let db = dir.appendingPathComponent("clinic.sqlite").path
        XCTAssertEqual(try Run.caseload(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"]).status, 0)
        for (user, name, role, extra) in [("msuper", "Mónica Súper", "supervisor", [String]()),
                                          ("zli", "李 Zoë", "counselor", ["--supervisor", "msuper"]),
                                          ("kim", "Kim Nguyễn", "counselor", [])] {
            let r = try Run.caseload(["staff", "add", user, "--db", db, "--name", name, "--role", role] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        return db
    }

    private func line(_ user: String, _ db: String) throws -> String {
        let list = try Run.caseload(["staff", "list", "--db", db])
        return String(try XCTUnwrap(list.stdout.split(separator: "\n").first { $0.hasPrefix(user + " ") }))
    }

    func testAnAdministratorChangesRolesAndSupervisorsAndTheRulesHold() throws {
        let db = try store()
        let promoted = try Run.caseload(["staff", "set-role", "kim", "supervisor", "--db", db])
        XCTAssertEqual(promoted.status, 0, promoted.stderr)
        XCTAssertTrue(promoted.stdout.contains("role counselor -> supervisor"), promoted.stdout)
        XCTAssertTrue(try line("kim", db).contains("supervisor"))

        let moved = try Run.caseload(["staff", "set-supervisor", "zli", "kim", "--db", db])
        XCTAssertEqual(moved.status, 0, moved.stderr)
        XCTAssertTrue(moved.stdout.contains("supervisor msuper -> kim"), moved.stdout)
        XCTAssertTrue(try line("zli", db).contains("kim"))

        let refusals: [([String], String)] = [
            (["set-role", "kim", "counselor"], "supervises 1 active staff member"),
            (["set-role", osLogin(), "counselor"], "only active administrator"),
            (["set-role", "ghost", "admin"], "'ghost'"),
            (["set-role", "zli", "wizard"], "'wizard' is not a role"),
            (["set-role", "zli", "counselor"], "already a counselor"),
            (["set-supervisor", "zli", "zli"], "not a clinical supervisor"),
            (["set-supervisor", "msuper", "msuper"], "their own supervisor"),
            (["deactivate", osLogin()], "your own account"),
        ]
        for (args, sentence) in refusals {
            let r = try Run.caseload(["staff"] + args + ["--db", db])
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(sentence), "\(args): \(r.stderr)")
        }
        XCTAssertTrue(try line("kim", db).contains("supervisor"), "refusals change nothing")
    }

    func testADeactivatedAccountCannotOpenCaseloadUntilReactivated() throws {
        let db = try store()
        let off = try Run.caseload(["staff", "deactivate", "zli", "--db", db])
        XCTAssertEqual(off.status, 0, off.stderr)
        XCTAssertTrue(try line("zli", db).hasSuffix("no"), "the ACTIVE column says no")
        XCTAssertTrue(try Run.caseload(["staff", "deactivate", "zli", "--db", db]).stderr.contains("already deactivated"))

        // A deactivated account is refused by the app and by every sub-command; a demo store shows it with --as.
        let demoDir = try TempDirectories.make("staff-admin-demo")
        let demo = demoDir.appendingPathComponent("demo.sqlite").path
        XCTAssertEqual(try Run.caseload(["demo", "--db", demo, "--clients", "40"], timeout: 300).status, 0)
        let export = try JSONSerialization.jsonObject(with: try Run.exportAll(demo).stdoutData) as! [String: Any]
        let staff = export["staff"] as! [[String: Any]]
        let admin = staff.first { $0["role"] as? String == "admin" }!["username"] as! String
        let facilitator = staff.first { $0["role"] as? String == "facilitator" }!["username"] as! String
        XCTAssertEqual(try Run.caseload(["staff", "deactivate", facilitator, "--db", demo, "--as", admin]).status, 0)
        for args in [["--db", demo, "--as", facilitator], ["staff", "list", "--db", demo, "--as", facilitator]] {
            let r = try Run.caseload(args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains("The staff account '\(facilitator)' is deactivated. Ask an administrator to reactivate it."),
                          "\(args): \(r.stderr)")
        }
        let on = try Run.caseload(["staff", "reactivate", facilitator, "--db", demo, "--as", admin])
        XCTAssertEqual(on.status, 0, on.stderr)
        XCTAssertEqual(try Run.caseload(["staff", "list", "--db", demo, "--as", facilitator]).status, 0)

        // Deactivating a counselor with clients says who still has them.
        let counselor = staff.first { $0["role"] as? String == "counselor" && $0["username"] as? String != osLogin() }!["username"] as! String
        let gone = try Run.caseload(["staff", "deactivate", counselor, "--db", demo, "--as", admin])
        XCTAssertEqual(gone.status, 0, gone.stderr)
        XCTAssertTrue(gone.stderr.contains("still have '\(counselor)' as primary counselor"), gone.stderr)
        // Only an administrator changes accounts.
        let mine = try Run.caseload(["staff", "reactivate", counselor, "--db", demo])
        XCTAssertNotEqual(mine.status, 0)
        XCTAssertTrue(mine.stderr.contains("Only an administrator can change staff accounts"), mine.stderr)
    }
}
