// The sub-commands and the refusals, run as a person would from a shell (no terminal).
import Foundation
import XCTest

final class CommandLineTests: XCTestCase {
    private var demo: DemoFixture!

    override func setUpWithError() throws {
        demo = try DemoFixture.shared()
    }

    // MARK: - help, version

    func testVersionAndHelpNameEveryCommand() throws {
        let version = try Run.caseload(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.range(of: #"^\d+\.\d+\.\d+\s*$"#, options: .regularExpression) != nil,
                      "version: \(version.stdout)")
        let help = try Run.caseload(["--help"])
        XCTAssertEqual(help.status, 0)
        for command in ["demo", "init", "staff", "export", "audit", "themes", "--db", "--theme", "--as"] {
            XCTAssertTrue(help.stdout.contains(command), "--help should mention \(command):\n\(help.stdout)")
        }
    }

    // MARK: - demo

    func testDemoSummarySaysWhatWasBuiltAndWhoToTry() throws {
        let out = demo.demoOutput
        XCTAssertTrue(out.contains(demo.dbPath), out)
        XCTAssertTrue(out.contains("\(DemoFixture.clientCount)"), "client count in the summary:\n\(out)")
        XCTAssertTrue(out.contains(demo.osUser), "the OS user is named as a login to use:\n\(out)")
        XCTAssertTrue(out.contains("--as"), out)
        XCTAssertTrue(out.range(of: #"\d+(\.\d+)? s"#, options: .regularExpression) != nil, "time taken:\n\(out)")
        XCTAssertTrue(out.range(of: #"\d+(\.\d+)? (KiB|MiB|GiB)"#, options: .regularExpression) != nil, "size:\n\(out)")
        XCTAssertEqual(demo.clients.count, DemoFixture.clientCount)
        XCTAssertFalse(demo.myClients.isEmpty, "the OS user has a caseload of their own")
    }

    func testDemoRefusesNonsenseNumbers() throws {
        let dir = try TempDirectories.make("nonsense")
        let db = dir.appendingPathComponent("d.sqlite").path
        for (args, mentions) in [(["--clients", "0"], "--clients"), (["--years", "-1"], "--years"),
                                 (["--clients", "many"], "--clients")] {
            let r = try Run.caseload(["demo", "--db", db] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(mentions), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: db), "nothing is created for \(args)")
        }
    }

    func testDemoReplacesOnlyADemo() throws {
        let dir = try TempDirectories.make("replace")
        // A store made by init is real: demo must leave it alone.
        let real = dir.appendingPathComponent("real.sqlite").path
        XCTAssertEqual(try Run.caseload(["init", "--db", real, "--admin", demo.osUser]).status, 0)
        let bytesBefore = try Data(contentsOf: URL(fileURLWithPath: real))
        let refusedFirst = try Run.caseload(["demo", "--db", real, "--clients", "5"])
        XCTAssertNotEqual(refusedFirst.status, 0)
        XCTAssertTrue(refusedFirst.stderr.contains("not a demo"), refusedFirst.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: real)), bytesBefore,
                       "looking at a real store does not even rewrite its file")
        // And what it holds is still there.
        let before = try Run.exportAll(real).stdout
        XCTAssertTrue(before.contains(demo.osUser), before)
        let refused = try Run.caseload(["demo", "--db", real, "--clients", "5"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("not a demo"), refused.stderr)
        let staffAfter = try Run.exportAll(real).stdout
        XCTAssertEqual(staffAfter, before, "the real store is untouched")

        // Neither is any other file.
        let notes = dir.appendingPathComponent("notes.sqlite")
        try Data("my own notes\n".utf8).write(to: notes)
        let refused2 = try Run.caseload(["demo", "--db", notes.path, "--clients", "5"])
        XCTAssertNotEqual(refused2.status, 0)
        XCTAssertTrue(refused2.stderr.contains("left alone"), refused2.stderr)
        XCTAssertEqual(try String(contentsOf: notes, encoding: .utf8), "my own notes\n")

        // A demo is rebuilt in place, with the new size.
        let small = dir.appendingPathComponent("small.sqlite").path
        XCTAssertEqual(try Run.caseload(["demo", "--db", small, "--clients", "5"]).status, 0)
        let again = try Run.caseload(["demo", "--db", small, "--clients", "7", "--seed", "3"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let exported = try Run.exportAll(small)
        let json = try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any]
        XCTAssertEqual((json?["clients"] as? [Any])?.count, 7)
    }

    // MARK: - who may open a store

    func testUnknownAsUserIsRefusedWithHowToAddThem() throws {
        let r = try Run.caseload(["--db", demo.dbPath, "--as", "nosuchuser"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("'nosuchuser' is not a Caseload staff account"), r.stderr)
        XCTAssertTrue(r.stderr.contains("caseload staff add nosuchuser"), r.stderr)
        XCTAssertTrue(r.stdout.isEmpty, "errors go to stderr only: \(r.stdout)")
    }

    func testAStoreWithoutMeRefusesMyLogin() throws {
        let dir = try TempDirectories.make("stranger")
        let db = dir.appendingPathComponent("clinic.sqlite").path
        let made = try Run.caseload(["init", "--db", db, "--admin", "someoneelse", "--name", "Zoë Ñúñez 李"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let r = try Run.caseload(["--db", db])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("The login '\(demo.osUser)' is not a Caseload staff account"), r.stderr)
        XCTAssertTrue(r.stderr.contains("caseload staff add \(demo.osUser)"), r.stderr)

        // --as is for demo stores only, even with a real staff name.
        let switched = try Run.caseload(["--db", db, "--as", "someoneelse"])
        XCTAssertNotEqual(switched.status, 0)
        XCTAssertTrue(switched.stderr.contains("--as only works on a demo store"), switched.stderr)
    }

    func testStorePathProblemsAreExplained() throws {
        let dir = try TempDirectories.make("paths")
        let inMissingDir = dir.appendingPathComponent("no/such/folder/c.sqlite").path
        let r1 = try Run.caseload(["--db", inMissingDir])
        XCTAssertNotEqual(r1.status, 0)
        XCTAssertTrue(r1.stderr.contains("does not exist"), r1.stderr)

        let missing = dir.appendingPathComponent("missing.sqlite").path
        let r2 = try Run.caseload(["--db", missing])
        XCTAssertNotEqual(r2.status, 0)
        XCTAssertTrue(r2.stderr.contains("There is no Caseload store at '\(missing)'"), r2.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "opening never creates a store")

        let text = dir.appendingPathComponent("shopping.txt")
        try Data("eggs\nmilk\n".utf8).write(to: text)
        let r3 = try Run.caseload(["--db", text.path])
        XCTAssertNotEqual(r3.status, 0)
        XCTAssertTrue(r3.stderr.contains("is not a Caseload store"), r3.stderr)
        XCTAssertEqual(try String(contentsOf: text, encoding: .utf8), "eggs\nmilk\n")

        for r in [r1, r2, r3] {
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("DatabaseError"), r.stderr)
        }
    }

    func testStorePathComesFromEnvironmentThenXDG() throws {
        let dir = try TempDirectories.make("env")
        let fromEnv = dir.appendingPathComponent("env.sqlite").path
        let r1 = try Run.caseload([], environment: ["CASELOAD_DB": fromEnv])
        XCTAssertTrue(r1.stderr.contains("'\(fromEnv)'"), r1.stderr)

        let r2 = try Run.caseload([], environment: ["CASELOAD_DB": "", "XDG_DATA_HOME": dir.path])
        XCTAssertTrue(r2.stderr.contains("'\(dir.path)/caseload/caseload.sqlite'"), r2.stderr)

        // The demo store found through $CASELOAD_DB, with --db winning over it.
        let r3 = try Run.caseload(["--db", demo.dbPath, "--as", "nosuchuser"], environment: ["CASELOAD_DB": fromEnv])
        XCTAssertTrue(r3.stderr.contains("nosuchuser"), r3.stderr)
    }

    func testWorkspaceNeedsATerminal() throws {
        let r = try Run.caseload(["--db", demo.dbPath])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("needs a terminal"), r.stderr)
    }

    func testUnknownThemeIsRefusedWithTheChoices() throws {
        let r = try Run.caseload(["--db", demo.dbPath, "--theme", "sparkly"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("'sparkly'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("light"), r.stderr)
    }

    // MARK: - init and staff

    func testInitCreatesAPrivateStoreAndRefusesExistingFiles() throws {
        let dir = try TempDirectories.make("init")
        let db = dir.appendingPathComponent("clinic.sqlite").path
        let r = try Run.caseload(["init", "--db", db, "--admin", demo.osUser, "--name", "Ada Admin"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let mode = (try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? Int) ?? 0o777
        XCTAssertEqual(mode & 0o007, 0, "the store is not readable by other users (mode \(String(mode, radix: 8)))")

        let again = try Run.caseload(["init", "--db", db, "--admin", "other"])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)

        let bad = try Run.caseload(["init", "--db", dir.appendingPathComponent("x.sqlite").path, "--admin", "no spaces"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("not a valid username"), bad.stderr)
    }

    func testAdministratorAddsAndListsStaff() throws {
        let dir = try TempDirectories.make("staff")
        let db = dir.appendingPathComponent("clinic.sqlite").path
        XCTAssertEqual(try Run.caseload(["init", "--db", db, "--admin", demo.osUser, "--name", "Ada Admin"]).status, 0)

        let sup = try Run.caseload(["staff", "add", "msuper", "--db", db, "--name", "Mónica Súper", "--role", "supervisor",
                                    "--credentials", "LCSW"])
        XCTAssertEqual(sup.status, 0, sup.stderr)
        let counselor = try Run.caseload(["staff", "add", "zli", "--db", db, "--name", "李 Zoë", "--role", "counselor",
                                          "--supervisor", "msuper", "--credentials", "CADC-II"])
        XCTAssertEqual(counselor.status, 0, counselor.stderr)

        let list = try Run.caseload(["staff", "list", "--db", db])
        XCTAssertEqual(list.status, 0, list.stderr)
        let lines = list.stdout.split(separator: "\n").map(String.init)
        let zli = try XCTUnwrap(lines.first { $0.hasPrefix("zli ") })
        XCTAssertTrue(zli.contains("李 Zoë") && zli.contains("CADC-II") && zli.contains("counselor")
                      && zli.contains("msuper"), zli)
        XCTAssertTrue(lines.contains { $0.hasPrefix(demo.osUser + " ") && $0.contains("admin") }, list.stdout)

        // The new counselor can now be found by the app (refused only for lacking a terminal).
        let refusals: [([String], String)] = [
            (["staff", "add", "zli", "--name", "Again", "--role", "counselor"], "already"),
            (["staff", "add", "newbie", "--name", "New Person", "--role", "wizard"], "'wizard' is not a role"),
            (["staff", "add", "bad name", "--name", "X", "--role", "counselor"], "not a valid username"),
            (["staff", "add", "newbie", "--name", "  ", "--role", "counselor"], "name is empty"),
            (["staff", "add", "newbie", "--name", "N P", "--role", "counselor", "--supervisor", "ghost"], "'ghost'"),
            (["staff", "add", "newbie", "--name", "N P", "--role", "counselor", "--supervisor", "zli"], "not a clinical supervisor"),
        ]
        for (args, sentence) in refusals {
            let r = try Run.caseload(args + ["--db", db])
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(sentence), "\(args): \(r.stderr)")
        }
        let after = try Run.caseload(["staff", "list", "--db", db])
        XCTAssertFalse(after.stdout.contains("newbie"), "refused accounts are not added")
    }

    func testOnlyAnAdministratorAddsStaff() throws {
        // On the demo store the OS user is a counselor.
        let r = try Run.caseload(["staff", "add", "helper", "--db", demo.dbPath, "--name", "Helper", "--role", "counselor"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("Only an administrator"), r.stderr)
    }

    // MARK: - export

    func testExportShape() throws {
        let keys = Set(demo.export.keys)
        XCTAssertEqual(keys, ["staff", "clients", "modalities", "treatmentPlans", "sessions", "groups", "groupSessions",
                              "attendance", "drugScreens", "referrals", "contacts", "consents"])
        for client in demo.clients {
            XCTAssertFalse((client["mrn"] as? String ?? "").isEmpty, "every client has an mrn: \(client)")
        }
        XCTAssertFalse((demo.export["sessions"] as? [Any] ?? []).isEmpty)
        XCTAssertGreaterThanOrEqual((demo.export["groups"] as? [Any] ?? []).count, 8)
    }

    func testExportOfOneClientHasOnlyThatClient() throws {
        let client = try XCTUnwrap(demo.myClients.first)
        let mrn = try XCTUnwrap(client["mrn"] as? String)
        let id = try XCTUnwrap(client["id"] as? Int)
        let r = try Run.caseload(["export", "--db", demo.dbPath, "--client", mrn])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any])
        let clients = try XCTUnwrap(json["clients"] as? [[String: Any]])
        XCTAssertEqual(clients.map { $0["mrn"] as? String }, [mrn])
        for key in ["sessions", "treatmentPlans", "drugScreens", "referrals", "contacts", "consents", "attendance"] {
            for record in json[key] as? [[String: Any]] ?? [] {
                XCTAssertEqual(record["clientID"] as? Int, id, "\(key) holds another client's record: \(record)")
            }
        }
        XCTAssertFalse((json["sessions"] as? [Any] ?? []).isEmpty, "the client's notes are exported")

        let unknown = try Run.caseload(["export", "--db", demo.dbPath, "--client", "NO-SUCH-MRN"])
        XCTAssertNotEqual(unknown.status, 0)
        // Refused as a chart the person may not see is: the answer does not tell which chart numbers exist.
        XCTAssertTrue(unknown.stderr.contains("You do not have access to chart NO-SUCH-MRN: there is no such chart, or"), unknown.stderr)
        XCTAssertTrue(unknown.stdout.isEmpty)
    }

    // MARK: - themes

    func testThemesListsBuiltInsAndMine() throws {
        let config = try TempDirectories.make("themes")
        let themes = config.appendingPathComponent("caseload/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try Data("name = \"Ocean\"\ndescription = \"blue\"\n[normal]\nfg = \"white\"\nbg = \"blue\"\n".utf8)
            .write(to: themes.appendingPathComponent("ocean.toml"))
        try Data("name = \"Broken\"\n[selection]\nbg = \"#12345\"\n".utf8)
            .write(to: themes.appendingPathComponent("broken.toml"))
        let r = try Run.caseload(["themes"], environment: ["XDG_CONFIG_HOME": config.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = r.stdout.split(separator: "\n").map { String($0.split(separator: " ").first ?? "") }
        for builtin in ["default", "light", "high-contrast", "monochrome", "colorblind"] {
            XCTAssertTrue(names.contains(builtin), "\(builtin) in:\n\(r.stdout)")
        }
        XCTAssertTrue(r.stdout.contains("ocean  (yours)"), r.stdout)
        let broken = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("broken") })
        XCTAssertTrue(broken.contains("error") && broken.contains("3"), "the broken theme names its line: \(broken)")
    }
}
