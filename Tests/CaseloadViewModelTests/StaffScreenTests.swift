// `:staff` for administrators on a real store: the accounts, a role changed with ←→ Enter, a supervisor chosen,
// an account deactivated after y; the store's refusals shown as they are; counselors are not let in.
import XCTest
import CaseloadCore
import CaseloadStore
import GRDB
@testable import CaseloadViewModels

final class StaffScreenTests: XCTestCase {
    private var store: SQLiteStore!

    override func setUpWithError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-staffvm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLiteStore.open(path: dir.appendingPathComponent("staff.sqlite").path, create: true,
                                     clock: PlanFixture.clock)
        let ada = try store.addStaff(Staff(username: "ada", displayName: "Ada Admin", role: .admin))
        let sam = try store.addStaff(Staff(username: "sam", displayName: "Sam Okafor", role: .supervisor))
        _ = try store.addStaff(Staff(username: "zli", displayName: "李 Zoë Ñúñez", credentials: "CADC", role: .counselor,
                                     supervisorID: sam.id))
        _ = try store.addStaff(Staff(username: "kim", displayName: "Kim Nguyễn", role: .facilitator))
        _ = ada
    }

    private func app(_ user: String) throws -> AppModel {
        let staff = try XCTUnwrap(try store.staff(username: user))
        return AppModel(repository: store, staffAdmin: store, identity: Identity(staff: staff), clock: PlanFixture.clock,
                        size: .design)
    }

    private func open(_ app: AppModel) {
        app.press(.char(":")); app.type("staff"); app.press(.enter)
    }

    private func select(_ app: AppModel, _ username: String) throws {
        guard case .staff(let s) = app.current else { return XCTFail("on the staff screen") }
        let i = try XCTUnwrap(s.staff.firstIndex { $0.username == username })
        app.press(.char("g"))
        for _ in 0..<i { app.press(.down) }
    }

    func testAnAdministratorChangesARoleASupervisorAndDeactivatesAnAccount() throws {
        let app = try app("ada")
        open(app)
        guard case .staff(let s) = app.current else { return XCTFail(":staff opens the staff screen") }
        XCTAssertEqual(s.staff.count, 4)
        XCTAssertTrue(app.render().text.contains("Staff accounts · 4 active of 4"))

        try select(app, "kim")
        app.type("r")
        XCTAssertTrue(app.render().text.contains("Role of kim: ‹ Group facilitator ›"), app.render().text)
        app.press(.right)                                             // facilitator → supervisor
        app.press(.enter)
        XCTAssertEqual(app.message?.text, "kim: role facilitator -> supervisor.")
        XCTAssertEqual(try store.staff(username: "kim")?.role, .supervisor)

        try select(app, "zli")
        app.type("s")
        XCTAssertTrue(app.render().text.contains("Supervisor of zli: ‹ sam ›"), app.render().text)
        // none, then the supervisors and administrators by name: step to kim.
        guard case .staff(let open) = app.current, case .supervisor(let options, _)? = open.pending else { return XCTFail() }
        let kim = try XCTUnwrap(options.firstIndex(of: "kim")), sam = try XCTUnwrap(options.firstIndex(of: "sam"))
        for _ in 0..<((kim - sam + options.count) % options.count) { app.press(.right) }
        app.press(.enter)
        XCTAssertEqual(app.message?.text, "zli: supervisor sam -> kim.")
        XCTAssertEqual(try store.staff(username: "zli")?.supervisorID, try store.staff(username: "kim")?.id)
        // The store's refusals come back as they are: kim now supervises zli.
        try select(app, "kim")
        app.type("r"); app.press(.left, .left, .enter)                 // supervisor → counselor
        XCTAssertEqual(app.message?.text,
                       "'kim' supervises 1 active staff member; give them another supervisor first (caseload staff set-supervisor).")
        XCTAssertEqual(try store.staff(username: "kim")?.role, .supervisor)
        try select(app, "zli")

        app.type("d")
        XCTAssertTrue(app.render().text.contains("Deactivate zli? They can no longer open Caseload; their records stay. (y/n)"))
        app.type("x")                                   // any key but y answers no (YesNo)
        XCTAssertEqual(app.message?.text, "No change.")
        app.type("y")                                   // a late y answers nothing
        XCTAssertEqual(try store.staff(username: "zli")?.active, true)
        app.type("d")
        app.type("n")
        XCTAssertEqual(app.message?.text, "No change.")
        XCTAssertEqual(try store.staff(username: "zli")?.active, true)
        app.type("d"); app.type("y")
        XCTAssertEqual(app.message?.text, "zli: deactivated.")
        XCTAssertEqual(try store.staff(username: "zli")?.active, false)
        guard case .staff(let after) = app.current else { return XCTFail() }
        XCTAssertEqual(after.selected?.username, "zli", "the same account stays selected")
        XCTAssertTrue(app.render().text.contains("inactive"), "not by colour alone")
        assertGolden(frameText(app.render()), "staff-admin-80x24")

        try select(app, "ada")
        app.type("d"); app.type("y")
        XCTAssertEqual(app.message?.text, "You cannot deactivate your own account; ask another administrator.")
        // Every change is in the audit trail.
        let events = try store.dbPool.read {
            try String.fetchAll($0, sql: "SELECT detail FROM audit_events WHERE subject LIKE 'staff:%' ORDER BY id")
        }
        XCTAssertEqual(events, ["role facilitator -> supervisor", "supervisor sam -> kim", "deactivated"])
    }

    func testOnlyAdministratorsOpenTheStaffScreen() throws {
        let app = try app("sam")
        open(app)
        XCTAssertEqual(app.message?.text, "Staff accounts are managed by administrators.")
        if case .staff = app.current { XCTFail("a supervisor does not get the staff screen") }
    }

    func testAnAdministratorAddsAnAccountOneQuestionAtATimeAndBadAnswersKeepTheQuestion() throws {
        let app = try app("ada")
        open(app)
        app.type("a")
        XCTAssertTrue(app.render().text.contains("New account: login name on this computer:"), app.render().text)
        app.type("bad login"); app.press(.enter)
        XCTAssertTrue(app.message?.text.hasPrefix("'bad login' is not a valid username.") ?? false, app.message?.text ?? "")
        app.press(.ctrl("u")); app.type("zli"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "There is already a staff account 'zli'.")
        app.press(.ctrl("u")); app.type("rnunez"); app.press(.enter)
        XCTAssertTrue(app.render().text.contains("Full name of rnunez:"), app.render().text)
        app.press(.enter)
        XCTAssertEqual(app.message?.text, "The name is empty. Give the person's full name.")
        app.type("Rosa Ñúñez 李"); app.press(.enter)
        app.type("LADC"); app.press(.enter)
        XCTAssertTrue(app.render().text.contains("Role of rnunez: ‹ Counselor ›"), app.render().text)
        app.press(.enter)
        XCTAssertTrue(app.render().text.contains("Supervisor of rnunez: ‹ none ›"), app.render().text)
        guard case .staff(let s) = app.current, case .newSupervisor(let options, _, _)? = s.pending else { return XCTFail() }
        for _ in 0..<(try XCTUnwrap(options.firstIndex(of: "sam"))) { app.press(.right) }
        app.press(.enter)
        XCTAssertTrue(app.render().text.contains("Must sam co-sign rnunez's notes (in training)? (y/n)"), app.render().text)
        app.type("y")
        XCTAssertEqual(app.message?.text,
                       "Added counselor 'rnunez' (Rosa Ñúñez 李); they sign in as rnunez.")
        let added = try XCTUnwrap(try store.staff(username: "rnunez"))
        XCTAssertEqual(added.displayName, "Rosa Ñúñez 李")
        XCTAssertEqual(added.credentials, "LADC")
        XCTAssertEqual(added.role, .counselor)
        XCTAssertEqual(added.supervisorID, try store.staff(username: "sam")?.id)
        XCTAssertTrue(added.needsCosign)
        guard case .staff(let after) = app.current else { return XCTFail() }
        XCTAssertEqual(after.selected?.username, "rnunez", "the new account is selected")
        XCTAssertTrue(app.render().text.contains("Staff accounts · 5 active of 5"))
        let event = try store.read { db in
            try String.fetchOne(db, sql: "SELECT detail FROM audit_events WHERE subject = 'staff:rnunez' AND action = 'create'")
        }
        XCTAssertEqual(event, "added counselor Rosa Ñúñez 李, notes co-signed")

        // Esc at any question adds nothing.
        app.type("a"); app.type("tmp"); app.press(.enter); app.press(.escape)
        XCTAssertEqual(app.message?.text, "No account was added.")
        XCTAssertNil(try store.staff(username: "tmp"))
    }

    func testTheStoreRefusesAnAccountAddedByANonAdministratorAndRecordsIt() throws {
        let sam = try XCTUnwrap(try store.staff(username: "sam"))
        XCTAssertThrowsError(try store.addStaff(NewStaff(username: "x1", displayName: "X One", role: .counselor), by: sam,
                                                detail: nil)) { error in
            XCTAssertEqual((error as? CaseloadError)?.description,
                           "Only an administrator can add staff accounts; 'sam' is a clinical supervisor.")
        }
        XCTAssertNil(try store.staff(username: "x1"))
        let refused = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_events WHERE action = 'refused' AND username = 'sam'")
        }
        XCTAssertEqual(refused, 1)
    }
}
