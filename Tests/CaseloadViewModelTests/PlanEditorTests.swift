// The chart's Plan tab editor and the plans-due screen, driven by key presses on a small real store
// of its own: starting plans, every edit key, validation, folds, signing, review, conflicts, printing.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

/// A store with a supervisor, two counselors and three clients with non-ASCII names; no plans yet.
final class PlanFixture {
    static let clock = FixedClock(day: Day("2026-03-02")!, minute: 9 * 60)
    let path: String
    let store: SQLiteStore
    let ana: Staff, sup: Staff
    let zoe: Client, li: Client, jose: Client

    init() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-pvm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("plans.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: Self.clock)
        sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Okafor", role: .supervisor))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id,
                                       needsCosign: true))
        let s = store, counselor = ana.id
        func client(_ mrn: String, _ first: String, _ last: String, admitted: String) throws -> Client {
            try s.insert(Client(mrn: mrn, legalFirstName: first, legalLastName: last, dateOfBirth: Day("1988-07-14")!,
                                admissionDate: Day(admitted)!, phase: "Stabilization", medication: .methadone,
                                doseMg: 80, primaryCounselorID: counselor))
        }
        zoe = try client("A-001", "Zoë", "Ñúñez 李", admitted: "2025-11-01")
        li = try client("A-002", "小明", "王", admitted: "2026-01-05")
        jose = try client("A-003", "José", "García", admitted: "2026-02-20")
    }

    /// A second handle on the same file, as a second person's session.
    func app(_ user: String = "ana", size: Size = .design, separateHandle: Bool = false) throws -> AppModel {
        let s = separateHandle ? try SQLiteStore.open(path: path, create: false, clock: Self.clock) : store
        guard let staff = try s.staff(username: user) else { throw CaseloadError.unknownUser(username: user) }
        return AppModel(repository: s, groups: s, notes: s, plans: s, caseManagement: s, identity: Identity(staff: staff),
                        clock: Self.clock, size: size)
    }

    /// Opens the chart of `client` on the Plan tab.
    func chart(_ app: AppModel, _ client: Client) {
        app.perform(.openChart(clientID: client.id!))
        app.type("2")
    }
}

final class PlanEditorTests: XCTestCase {
    func screen(_ app: AppModel) -> String { frameText(app.render()) }
    func text(_ app: AppModel) -> String { app.render().text }
    func chart(_ app: AppModel) throws -> ChartState {
        struct NotOnChart: Error {}
        guard case .chart(let s) = app.current else { throw NotOnChart() }
        return s
    }
    /// The client's newest version (a draft being written, else the plan in force).
    func plan(_ f: PlanFixture, _ c: Client) throws -> PlanTree {
        let newest = try XCTUnwrap(try f.store.planVersions(clientID: c.id!).max { $0.version < $1.version })
        return try f.store.plan(id: newest.id!)
    }

    // MARK: Keystroke count

    func testFromTheChartATemplatePlanWithOneOfEachNodeTakesEightKeys() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        XCTAssertTrue(text(app).contains("No treatment plan yet. Press N to start one"))
        var keys = 0
        func k(_ key: Key) { keys += 1; app.press(key) }
        k(.char("N"))                                   // chooser: Blank, then the templates by name
        XCTAssertTrue(text(app).contains("Template: Housing instability"))
        k(.down); k(.down)                              // Blank → Co-occurring depression → Housing instability
        k(.enter)
        XCTAssertEqual(app.message?.text, "Version 1 started as a draft.")
        // Housing: one problem, one goal, two objectives with one intervention each; the second goes.
        k(.char("G")); k(.char("k"))                    // last row (its intervention), then its objective
        k(.char("d"))
        XCTAssertTrue(text(app).contains("Delete objective 1.1.2 and its interventions? (y/n)"))
        // Any key but y answers no (YesNo): nothing is deleted, and the question is asked again to go on.
        app.press(.char("x"))
        XCTAssertFalse(text(app).contains("Delete objective 1.1.2"))
        XCTAssertEqual(try plan(f, f.zoe).problems[0].goals[0].objectives.count, 2)
        app.press(.char("d"))
        k(.char("y"))
        XCTAssertEqual(keys, 8)
        let t = try plan(f, f.zoe)
        XCTAssertEqual(t.plan.status, .draft)
        XCTAssertEqual(t.problems.count, 1)
        XCTAssertEqual(t.problems[0].goals.count, 1)
        XCTAssertEqual(t.problems[0].goals[0].objectives.count, 1)
        XCTAssertEqual(t.problems[0].goals[0].objectives[0].interventions.count, 1)
        XCTAssertEqual(t.problems[0].goals[0].goal.statement, "Obtain safe, stable housing.")
    }

    func testHelpAndTheHintBarShowThePlanKeys() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        XCTAssertTrue(app.render().text.contains("N new plan"), "with no plan the hint bar offers N")
        app.type("N"); app.press(.enter)
        let bar = app.render().text.split(separator: "\n").last { !$0.hasPrefix("--") }.map(String.init) ?? ""
        XCTAssertTrue(bar.contains("e edit") && bar.contains("a add") && bar.contains("S sign"), bar)
        XCTAssertFalse(bar.contains("R review"), "a draft is not reviewed")
        app.type("?")
        var help = app.render().text
        for _ in 0..<8 { app.press(.pageDown); help += app.render().text }
        XCTAssertTrue(help.contains("Chart: Plan tab"), help)
        XCTAssertTrue(help.contains("move the selected line up"))
        XCTAssertTrue(help.contains("review the signed plan into the next version"))
    }

    // MARK: Editing

    func testAddEditValidateFoldMoveAndDeleteWithKeys() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        app.type("N"); app.press(.enter)                // blank
        XCTAssertEqual(try plan(f, f.zoe).problems.count, 0)

        // a on the plan line adds a problem; an empty statement is refused with a sentence.
        app.type("a")
        XCTAssertTrue(text(app).contains("New problem"))
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Write the problem's statement: it cannot be empty.")
        XCTAssertEqual(app.message?.role, .error)
        app.type("Consumo diario de opioides — 李")
        // The client's words are a multi-line field: Enter starts a new line there.
        app.press(.tab); app.type("Quiero dejarlo."); app.press(.enter); app.type("Por mi hija.")
        XCTAssertTrue(text(app).contains("Por mi hija."))
        assertGolden(screen(app), "plan-problem-form-80x24")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Problem added.")
        var t = try plan(f, f.zoe)
        XCTAssertEqual(t.problems.map(\.problem.statement), ["Consumo diario de opioides — 李"])
        XCTAssertEqual(t.problems[0].problem.clientWords, "Quiero dejarlo.\nPor mi hija.")
        XCTAssertEqual(PlanTab.selectedRow(try chart(app)), .problem(0))
        XCTAssertTrue(text(app).contains("Problem 1: Consumo diario de opioides — 李 “Quiero dejarlo. / Por mi hija.”"))

        // a on the problem adds a goal; a bad target date is refused and the field focused.
        app.type("a")
        app.type("Stop illicit opioid use")
        app.press(.tab, .right)                         // Kind: Other → Abstinence (wraps)
        app.press(.tab); app.type("2026-13-40")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "The target date must be a date written YYYY-MM-DD, like 2026-06-30.")
        guard case .form(let form) = try chart(app).planTab.mode else { return XCTFail("the form stays open") }
        XCTAssertEqual(form.focus, 2)
        for _ in 0..<10 { app.press(.backspace) }
        app.type("2026-05-31")
        app.press(.ctrl("s"))
        t = try plan(f, f.zoe)
        XCTAssertEqual(t.problems[0].goals[0].goal.targetDate, Day("2026-05-31"))
        XCTAssertEqual(t.problems[0].goals[0].goal.kind, .abstinence)

        // objective, then an intervention: times must be a number.
        app.type("a"); app.type("Four negative screens in a row"); app.press(.ctrl("s"))
        app.type("a")
        XCTAssertTrue(text(app).contains("New intervention"))
        app.press(.tab, .backspace); app.type("x")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Times must be a whole number from 1 to 31 (per week or per month).")
        app.press(.backspace); app.type("2")
        app.press(.ctrl("s"))
        t = try plan(f, f.zoe)
        let i = t.problems[0].goals[0].objectives[0].interventions[0]
        XCTAssertEqual(i.intervention.frequencyLabel, "2×/week")
        XCTAssertEqual(i.responsibleName, "Ana Pérez", "the client's counselor is offered as responsible")

        // A second problem, then K moves it above the first.
        app.press(.char("g")); app.type("a"); app.type("Sin vivienda estable"); app.press(.ctrl("s"))
        XCTAssertEqual(PlanTab.selectedRow(try chart(app)), .problem(1))
        app.type("K")
        t = try plan(f, f.zoe)
        XCTAssertEqual(t.problems.map(\.problem.statement), ["Sin vivienda estable", "Consumo diario de opioides — 李"])
        XCTAssertEqual(PlanTab.selectedRow(try chart(app)), .problem(0), "the moved problem stays selected")
        app.type("J")
        XCTAssertEqual(try plan(f, f.zoe).problems.map(\.problem.statement).first, "Consumo diario de opioides — 李")

        // Space folds the first problem: its goal line disappears; → unfolds it.
        app.press(.char("g"), .down)
        XCTAssertTrue(text(app).contains("Goal 1.1: Stop illicit opioid use"))
        app.press(.char(" "))
        XCTAssertFalse(text(app).contains("Goal 1.1"))
        XCTAssertTrue(text(app).contains("▸ Problem 1"))
        app.press(.right)
        XCTAssertTrue(text(app).contains("Goal 1.1: Stop illicit opioid use"))

        // e edits in place; the plan line edits the client's words.
        app.press(.down); app.type("e")
        XCTAssertTrue(text(app).contains("Edit goal"))
        app.press(.end); app.type(" and fentanyl"); app.press(.ctrl("s"))
        XCTAssertEqual(try plan(f, f.zoe).problems[0].goals[0].goal.statement, "Stop illicit opioid use and fentanyl")
        app.press(.char("g"), .enter)
        app.press(.tab); app.type("Quiero volver a trabajar, 我想工作。"); app.press(.ctrl("s"))
        XCTAssertEqual(try plan(f, f.zoe).plan.clientWords, "Quiero volver a trabajar, 我想工作。")
        XCTAssertTrue(text(app).contains("Client's words: “Quiero volver a trabajar, 我想工作。”"))

        // d asks first; n keeps, y deletes.
        app.press(.char("G")); app.press(.char("d")); app.press(.char("n"))
        XCTAssertEqual(app.message?.text, "Nothing was deleted.")
        XCTAssertEqual(try plan(f, f.zoe).problems.count, 2)
        app.press(.char("d")); app.press(.char("y"))
        XCTAssertEqual(try plan(f, f.zoe).problems.count, 1)

        // Esc on a changed form throws it away; nothing is saved.
        app.type("a"); app.type("Never saved")
        XCTAssertTrue(app.hasUnsavedChanges, "a plan form with typing counts as unsaved")
        app.press(.escape)
        XCTAssertFalse(app.hasUnsavedChanges)
        XCTAssertEqual(app.message?.text, "Not saved: the form was closed.")
        XCTAssertEqual(try plan(f, f.zoe).problems[0].goals.count, 1)
    }

    // MARK: Lifecycle

    func testSignMakesThePlanReadOnlyAndReviewCreatesVersionTwo() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        app.type("N"); app.press(.down, .down, .down, .enter)    // Opioid use disorder: stabilization
        app.type("S")
        XCTAssertTrue(text(app).contains("Sign version 1? It cannot be changed afterwards. (y/n)"))
        app.type("y")
        XCTAssertTrue(text(app).contains("Did the client sign too"))
        app.type("n")
        XCTAssertEqual(app.message?.text, "Plan signed. C adds the client's signature later.")
        var t = try plan(f, f.zoe)
        XCTAssertEqual(t.plan.status, .signed)
        XCTAssertEqual(t.signatures.map(\.role), [.counselor])
        XCTAssertTrue(text(app).contains("[ ] Client (C adds)"))

        // Signed: the edit keys say why and point to R.
        for key in ["a", "e", "d", "K"] {
            app.type(key)
            XCTAssertEqual(app.message?.text, PlanTab.signedSentence, "key \(key)")
        }
        // C adds the client's later signature.
        app.type("C"); app.type("y")
        XCTAssertEqual(app.message?.text, "The client's signature is added.")
        t = try plan(f, f.zoe)
        XCTAssertEqual(Set(t.signatures.map(\.role)), [.counselor, .client])

        // R: the review note in a text area; Ctrl-S creates version 2 as a draft.
        app.type("R")
        XCTAssertTrue(text(app).contains("Review of version 1: what did the review find?"))
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Write what the review found before creating the next version.")
        app.type("Zoë met the first objective; 李 asked for housing help.")
        app.press(.enter); app.type("Second line.")
        app.press(.ctrl("s"))
        t = try plan(f, f.zoe)
        XCTAssertEqual(t.plan.version, 2)
        XCTAssertEqual(t.plan.status, .draft)
        XCTAssertEqual(t.plan.reviewNote, "Zoë met the first objective; 李 asked for housing help.\nSecond line.")
        XCTAssertTrue(text(app).contains("Plan v2 Draft"))

        // v lists the versions; Enter on v1 shows it read-only; Esc returns.
        app.type("v")
        XCTAssertTrue(text(app).contains("v1  Signed"))
        app.press(.down, .enter)
        XCTAssertTrue(text(app).contains("Earlier version 1, read-only."))
        app.type("a")
        XCTAssertEqual(app.message?.text, "This is an earlier version, read-only. Esc goes back to the current plan.")
        app.press(.escape)
        XCTAssertTrue(text(app).contains("Plan v2 Draft"))
        XCTAssertFalse(text(app).contains("Earlier version"))

        // The supervisor co-signs a signed plan with C.
        app.type("S"); app.type("y"); app.type("y")
        XCTAssertEqual(try plan(f, f.zoe).plan.status, .signed)
        let sam = try f.app("sup")
        f.chart(sam, f.zoe)
        sam.type("C"); sam.type("y")
        XCTAssertEqual(sam.message?.text, "Co-signed.")
        XCTAssertTrue(try plan(f, f.zoe).signatures.contains { $0.role == .supervisor && $0.signerName == "Sam Okafor" })
    }

    func testSigningAnIncompletePlanIsRefusedWithTheStoresSentence() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        app.type("N"); app.press(.enter)
        app.type("S"); app.type("y"); app.type("y")
        XCTAssertEqual(app.message?.role, .error)
        XCTAssertEqual(try plan(f, f.zoe).plan.status, .draft)
    }

    // MARK: Conflict

    func testAnEditRefusedForAConflictAsksReloadOrApplyMine() throws {
        let f = try PlanFixture()
        let mine = try f.app()
        let theirs = try f.app("sup", separateHandle: true)
        f.chart(mine, f.zoe)
        mine.type("N"); mine.press(.enter)
        f.chart(theirs, f.zoe)
        // They add a problem; my screen still shows the plan before it.
        theirs.type("a"); theirs.type("Their problem"); theirs.press(.ctrl("s"))
        XCTAssertEqual(try plan(f, f.zoe).problems.count, 1)

        mine.type("a"); mine.type("My problem 李"); mine.press(.ctrl("s"))
        XCTAssertEqual(mine.message?.text, "The plan was changed by Sam Okafor at 09:00.")
        XCTAssertTrue(text(mine).contains("r: reload theirs · o: apply mine"))
        XCTAssertEqual(try plan(f, f.zoe).problems.count, 1, "nothing of mine was written")
        mine.type("o")
        XCTAssertEqual(try plan(f, f.zoe).problems.map(\.problem.statement), ["Their problem", "My problem 李"])

        // r instead: their version shows and mine is dropped.
        f.chart(theirs, f.zoe)
        theirs.type("a"); theirs.type("Another of theirs"); theirs.press(.ctrl("s"))
        XCTAssertEqual(theirs.message?.text, "Problem added.")
        mine.press(.char("g")); mine.type("a"); mine.type("Dropped"); mine.press(.ctrl("s"))
        XCTAssertTrue(text(mine).contains("changed by Sam Okafor"))
        mine.type("r")
        XCTAssertEqual(mine.message?.text, "Reloaded: the plan as it is stored now.")
        XCTAssertTrue(text(mine).contains("Another of theirs"))
        XCTAssertFalse(try plan(f, f.zoe).problems.contains { $0.problem.statement == "Dropped" })
    }

    func testAStaleSignShowsThePlanAsSavedNowSoTheNextTryActsOnIt() throws {
        let f = try PlanFixture()
        let mine = try f.app()
        let theirs = try f.app("sup", separateHandle: true)
        f.chart(mine, f.zoe)
        mine.type("N"); mine.press(.down, .down, .down, .enter)    // Opioid use disorder: stabilization
        f.chart(theirs, f.zoe)
        theirs.type("a"); theirs.type("Their problem 李"); theirs.press(.ctrl("s"))

        mine.type("S"); mine.type("y"); mine.type("n")
        XCTAssertEqual(mine.message?.text,
                       "The plan was changed by Sam Okafor at 09:00. It is shown as saved now; check it, then try again.")
        XCTAssertEqual(try plan(f, f.zoe).plan.status, .draft, "nothing was signed")
        XCTAssertTrue(text(mine).contains("Their problem 李"), "their change is on my screen")
        // Their problem has no goal yet, so signing now is refused by the plan's own rule (not by a conflict).
        mine.type("S"); mine.type("y"); mine.type("n")
        XCTAssertEqual(mine.message?.text, "The problem “Their problem 李” has no goal. Add one or remove the problem before signing.")
        mine.type("G"); mine.type("d"); mine.type("y")
        mine.type("S"); mine.type("y"); mine.type("n")
        XCTAssertEqual(mine.message?.text, "Plan signed. C adds the client's signature later.")
        XCTAssertFalse(try plan(f, f.zoe).problems.contains { $0.problem.statement == "Their problem 李" })
    }

    func testXDiscardsADraftAfterAskingAndTheSignedPlanStaysInForce() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        app.type("X")
        XCTAssertEqual(app.message?.text, "No plan yet: press N to start one.")
        app.type("N"); app.press(.down, .down, .down, .enter)
        app.type("S"); app.type("y"); app.type("y")
        app.type("X")
        XCTAssertEqual(app.message?.text, "Only a draft can be discarded; a signed plan stays in the chart.")

        app.type("R"); app.type("Review: started from the wrong idea."); app.press(.ctrl("s"))
        XCTAssertEqual(try plan(f, f.zoe).plan.version, 2)
        app.type("X")
        XCTAssertTrue(text(app).contains("Discard draft version 2 and everything in it? The plan in force stays. (y/n)"))
        app.type("n")
        XCTAssertEqual(app.message?.text, "The draft is kept.")
        XCTAssertEqual(try plan(f, f.zoe).plan.version, 2)
        app.type("X"); app.type("y")
        XCTAssertEqual(app.message?.text, "Draft discarded.")
        let current = try plan(f, f.zoe)
        XCTAssertEqual(current.plan.version, 1)
        XCTAssertEqual(current.plan.status, .signed)
        XCTAssertTrue(text(app).contains("Plan v1 Signed"), text(app))
        XCTAssertTrue(try f.store.activity(clientID: f.zoe.id!, limit: 20)
            .contains { $0.detail.contains("discarded the draft of treatment plan version 2") })
    }

    func testAProgramThatAsksForCoSignaturesShowsTheMissingOne() throws {
        let f = try PlanFixture()
        try f.store.updateSettings { $0.supervisorCosignPlans = true }
        let app = try f.app()
        f.chart(app, f.li)
        app.type("N"); app.press(.down, .down, .down, .enter)
        XCTAssertFalse(text(app).contains("Supervisor co-signature"), "a draft is not signed by anyone yet")
        app.type("S"); app.type("y"); app.type("y")
        XCTAssertTrue(text(app).contains("[ ] Supervisor co-signature"), text(app))
        let sam = try f.app("sup")
        f.chart(sam, f.li)
        sam.type("C"); sam.type("y")
        XCTAssertEqual(sam.message?.text, "Co-signed.")
        XCTAssertFalse(text(sam).contains("[ ] Supervisor co-signature"))
        XCTAssertTrue(text(sam).contains("Signed: [x] Counselor Ana Pérez"), text(sam))
        XCTAssertTrue(try plan(f, f.li).signatures.contains { $0.role == .supervisor })
    }

    func testAHangUpSavesAnOpenPlanFormButNeverOverSomeoneElsesChange() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        app.type("N"); app.press(.enter)                              // a blank draft
        app.type("a"); app.type("Vivienda inestable — 李")             // a problem typed, not saved
        XCTAssertTrue(app.hasUnsavedChanges)
        XCTAssertEqual(app.handle(.hangup), .quit)
        XCTAssertEqual(try plan(f, f.zoe).problems.map(\.problem.statement), ["Vivienda inestable — 李"])

        // Someone else saves first: the hang-up leaves theirs alone.
        let mine = try f.app()
        let theirs = try f.app("sup", separateHandle: true)
        f.chart(mine, f.zoe)
        mine.type("g"); mine.type("a"); mine.type("Mine, never saved")
        f.chart(theirs, f.zoe)
        theirs.type("a"); theirs.type("Theirs"); theirs.press(.ctrl("s"))
        _ = mine.handle(.hangup)
        XCTAssertEqual(try plan(f, f.zoe).problems.map(\.problem.statement), ["Vivienda inestable — 李", "Theirs"])
    }

    // MARK: Print

    func testPrintWritesAnOwnerOnlyFileAndAuditsIt() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        app.type("N"); app.press(.down, .down, .enter)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-print-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        setenv("CASELOAD_PRINT_DIR", dir.path, 1)
        defer { unsetenv("CASELOAD_PRINT_DIR") }
        app.type("P")
        let path = dir.appendingPathComponent("plan-A-001-v1.txt").path
        XCTAssertEqual(app.message?.text, "Plan version 1 written to \(path) (only you can read it).")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let doc = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(doc.contains("Ñúñez 李"))
        XCTAssertTrue(doc.contains("Obtain safe, stable housing."))
        let audit = try f.store.activity(clientID: f.zoe.id!, limit: 5)
        XCTAssertEqual(audit.first?.action, .print)
    }

    // MARK: Plans due

    func testPlansDueListsClientsAndEnterOpensThePlanTab() throws {
        let f = try PlanFixture()
        let app = try f.app()
        app.type("p")
        guard case .plansDue(let s) = app.current else { return XCTFail("Home's p opens plans due") }
        XCTAssertEqual(Set(s.due.map(\.mrn)), ["A-001", "A-002", "A-003"], "clients without a plan are due")
        XCTAssertTrue(text(app).contains("no plan"))
        app.press(.enter)
        let c = try chart(app)
        XCTAssertEqual(c.tab, .plan)
        XCTAssertEqual(c.clientID, s.due[0].clientID)
        app.type("v")
        XCTAssertEqual(app.message?.text, "No plan versions yet.")
    }

    func testASupervisorSeesTheTeamAndCoSignsFromThePlansDueScreen() throws {
        let f = try PlanFixture()
        let ana = try f.app()
        f.chart(ana, f.zoe)
        ana.type("N"); ana.press(.down, .down, .down, .enter)    // Opioid use disorder: stabilization
        ana.type("S"); ana.type("y"); ana.type("y")
        XCTAssertEqual(try plan(f, f.zoe).plan.status, .signed)

        let sam = try f.app("sup")
        sam.press(.char(":")); sam.type("plans"); sam.press(.enter)
        // A supervisor's list opens on the team (their own caseload is usually empty).
        guard case .plansDue(let team) = sam.current else { return XCTFail(":plans opens plans due") }
        XCTAssertEqual(team.scope, .team)
        XCTAssertEqual(Set(team.due.map(\.mrn)), ["A-002", "A-003"], "Ana's clients without a plan")
        XCTAssertEqual(team.cosign.map(\.mrn), ["A-001"], "Ana needs co-signatures: her signed plan waits for Sam")
        XCTAssertTrue(sam.render().text.contains("Signed plans waiting for your co-signature (1)"))
        XCTAssertTrue(sam.render().text.contains("Ana Pérez"), "a team view names each client's counselor")
        sam.type("v")
        guard case .plansDue(let mine) = sam.current else { return XCTFail("still on plans due") }
        XCTAssertEqual(mine.scope, .mine)
        XCTAssertTrue(mine.due.isEmpty, "the supervisor has no clients of their own")
        sam.type("v")

        // The co-sign row opens the chart on the Plan tab, where C co-signs.
        sam.press(.char("G"), .enter)
        guard case .chart(let c) = sam.current else { return XCTFail("Enter opens the chart") }
        XCTAssertEqual(c.tab, .plan)
        XCTAssertEqual(c.clientID, f.zoe.id)
        sam.type("C"); sam.type("y")
        XCTAssertEqual(sam.message?.text, "Co-signed.")
        XCTAssertTrue(try f.store.planCosignQueue(supervisorID: f.sup.id!).isEmpty)
        // A counselor's v says the role sees only their own caseload.
        ana.press(.escape); ana.type("p"); ana.type("v")
        XCTAssertEqual(ana.message?.text, "Your role sees only your own caseload.")
    }
}

/// Golden frames of the Plan tab, a form and the plans-due screen at 80×24 and 60×20.
final class PlanGoldenTests: XCTestCase {
    func screen(_ app: AppModel) -> String { frameText(app.render()) }

    func testPlanTabTreeFormAndPlansDueGoldens() throws {
        let f = try PlanFixture()
        let app = try f.app()
        f.chart(app, f.zoe)
        app.type("N"); app.press(.down, .down, .enter)      // Housing instability
        app.press(.enter, .tab); app.type("Quiero una casa para mí y mi hija 李娜."); app.press(.ctrl("s"))
        app.type("a"); app.type("Soledad — 孤独; Zoë Ñúñez se siente sola."); app.press(.ctrl("s"))
        app.press(.char("g"), .down)
        let frame = app.render().text
        // Planned against delivered: nothing delivered yet, so each intervention is short, marked with "!".
        XCTAssertTrue(frame.contains("1×/week: 0 of 4 ! short"), frame)
        assertGolden(screen(app), "plan-tab-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "plan-tab-60x20")
        app.press(.down, .down, .char("e"))
        assertGolden(screen(app), "plan-form-60x20")
        _ = app.handle(.resize(.design))
        assertGolden(screen(app), "plan-form-80x24")
        app.press(.escape)
        // On a narrow terminal the question wraps so its (y/n) shows.
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        app.press(.char("G"), .char("k"), .char("d"))
        XCTAssertTrue(app.render().text.contains("(y/n)"))
        assertGolden(screen(app), "plan-delete-60x20")
        app.press(.char("n"))
        _ = app.handle(.resize(.design))

        app.press(.escape)
        app.type("p")
        assertGolden(screen(app), "plan-due-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "plan-due-60x20")
    }
}
