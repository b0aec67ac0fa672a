// Whole screens on a real SQLite demo store: golden frames at 80×24 and 60×20, navigation, audit.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

/// One small demo store shared by the tests of a class (60 clients, 1 year, seed 7, 2026-03-02 09:00).
enum DemoStore {
    static let clock = FixedClock(day: Day("2026-03-02")!, minute: 9 * 60)
    nonisolated(unsafe) private static var cached: (SQLiteStore, URL)?

    static func shared() throws -> SQLiteStore {
        if let (s, _) = cached { return s }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-vm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("demo.sqlite").path, create: true, clock: clock)
        _ = try DemoGenerator(clients: 60, years: 1, seed: 7, today: clock.day, osUsername: "ccounselor").generate(into: store)
        cached = (store, dir)
        return store
    }

    static func app(_ size: Size = .design, user: String = "ccounselor", repository: (any CaseloadRepository)? = nil,
                    themes: [String] = ["default", "light", "high-contrast", "monochrome", "colour-blind"]) throws -> AppModel {
        let store = try shared()
        guard let staff = try store.staff(username: user) else { throw CaseloadError.unknownUser(username: user) }
        return AppModel(repository: repository ?? store, identity: Identity(staff: staff), clock: clock, size: size,
                        themeNames: themes)
    }
}

extension AppModel {
    @discardableResult
    func press(_ keys: Key...) -> [Effect] { keys.map { handle(.key($0)) } }
    @discardableResult
    func type(_ text: String) -> [Effect] { text.map { handle(.key(.char($0))) } }
}

final class ScreenTests: XCTestCase {
    func screen(_ app: AppModel) -> String { frameText(app.render()) }

    // MARK: Home

    func testHomeGoldens() throws {
        let app = try DemoStore.app()
        let frame = app.render()
        XCTAssertTrue(frame.line(0).contains("Caseload · Home"))
        XCTAssertTrue(frame.line(0).contains("Mon 2 Mar 2026"))
        XCTAssertTrue(frame.text.contains("Appointments today"))
        XCTAssertTrue(frame.line(23).contains("Q quit"))
        assertGolden(screen(app), "home-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "home-60x20")
    }

    func testEnterOnAnAppointmentOpensThatClientsChartAndRecordsTheView() throws {
        let store = try DemoStore.shared()
        let app = try DemoStore.app()
        guard case .home(let home) = app.current, let first = home.summary?.appointments.first else {
            return XCTFail("the demo gives the OS user appointments today")
        }
        XCTAssertEqual(app.press(.enter), [.redraw])
        guard case .chart(let chart) = app.current else { return XCTFail("expected the chart") }
        XCTAssertEqual(chart.clientID, first.clientID)
        XCTAssertEqual(chart.tab, .summary)
        let views = try store.activity(clientID: first.clientID, limit: 10).filter { $0.action == .view }
        XCTAssertTrue(views.contains { $0.username == "ccounselor" }, "opening a chart is audited")
        XCTAssertEqual(app.press(.escape), [.redraw])
        guard case .home = app.current else { return XCTFail("Esc goes back home") }
    }

    // MARK: Caseload

    func testCaseloadGoldens() throws {
        let app = try DemoStore.app()
        app.type("c")
        guard case .caseload(let s) = app.current else { return XCTFail("c opens the caseload") }
        XCTAssertFalse(s.shown.isEmpty)
        assertGolden(screen(app), "caseload-80x24")
        // Sorted by plan review, newest first.
        for _ in 0..<5 { app.type("s") }
        app.type("r")
        assertGolden(screen(app), "caseload-sorted-review-desc-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "caseload-sorted-review-desc-60x20")
    }

    func testCaseloadSearchGoldenAndLiveNarrowing() throws {
        let app = try DemoStore.app()
        app.type("c")
        guard case .caseload(let before) = app.current else { return XCTFail() }
        let target = before.rows[before.shown[before.shown.count / 2]]
        // Search by the folded start of the last name: accents and case do not matter.
        let lastName = String(target.name.prefix { $0 != "," })
        let query = String(String.UnicodeScalarView(FoldedText.key(String(lastName.prefix(4)))))
        app.type("/")
        app.type(query)
        guard case .caseload(let during) = app.current else { return XCTFail() }
        XCTAssertTrue(during.isSearching)
        XCTAssertTrue(during.shown.contains { during.rows[$0].id == target.id }, "“\(query)” finds \(target.name)")
        XCTAssertLessThan(during.shown.count, before.shown.count)
        let frame = app.render()
        XCTAssertEqual(frame.cursor?.y, 22, "the cursor sits in the search prompt")
        XCTAssertTrue(frame.line(22).hasPrefix("/\(query)"))
        assertGolden(frameText(frame), "caseload-searching-80x24")
        app.press(.enter)
        guard case .caseload(let after) = app.current else { return XCTFail() }
        XCTAssertFalse(after.isSearching)
        XCTAssertEqual(after.shown, during.shown)
        XCTAssertTrue(app.render().line(22).contains("Esc clears"))
    }

    func testSupervisorCanWidenTheScopeToTheTeamAndCounselorCannot() throws {
        let counselor = try DemoStore.app()
        counselor.type("cv")
        XCTAssertEqual(counselor.message?.text, "Your role sees only your own caseload.")
        let store = try DemoStore.shared()
        guard let supervisor = try store.dbPoolSupervisorUsername() else { return XCTFail("demo has a supervisor") }
        let app = try DemoStore.app(user: supervisor)
        app.type("c")
        guard case .caseload(let mine) = app.current else { return XCTFail() }
        app.type("v")
        guard case .caseload(let team) = app.current else { return XCTFail() }
        XCTAssertEqual(team.scope, .team)
        XCTAssertEqual(team.rows.count, 60, "the demo's supervisor supervises every counselor of this small program")
        XCTAssertGreaterThanOrEqual(team.rows.count, mine.rows.count)
        app.type("v")
        guard case .caseload(let back) = app.current else { return XCTFail() }
        XCTAssertEqual(back.scope, .mine, "no scope lists the whole program")
        // An administrator has no caseload: the table does not open, and says how to open a chart in an emergency.
        let admin = try XCTUnwrap(try store.allStaff().first { $0.role == .admin })
        let adminApp = try DemoStore.app(user: admin.username)
        adminApp.type("c")
        guard case .home = adminApp.current else { return XCTFail("the caseload does not open for an administrator") }
        XCTAssertEqual(adminApp.message?.text,
                       "Administrators have no caseload and open a chart only in an emergency: :breakglass MRN asks for the reason and records it.")
    }

    // MARK: Chart

    /// Opens the chart of the first client of the caseload who is in a group, via a search for the MRN.
    func openGroupClient(_ app: AppModel) throws -> RowID {
        let store = try DemoStore.shared()
        app.type("c")
        guard case .caseload(let s) = app.current else { throw CaseloadError.notFound(what: "caseload") }
        let rows = s.shown.map { s.rows[$0] }
        guard let row = try rows.first(where: { try !store.groupMemberships(clientID: $0.id).isEmpty }) else {
            throw CaseloadError.notFound(what: "a client in a group")
        }
        app.type("/" + row.mrn)
        app.press(.enter, .enter)
        return row.id
    }

    func testChartTabGoldens() throws {
        let app = try DemoStore.app()
        let id = try openGroupClient(app)
        guard case .chart(let chart) = app.current else { return XCTFail("Enter opens the chart") }
        XCTAssertEqual(chart.clientID, id)
        assertGolden(screen(app), "chart-summary-80x24")
        app.press(.tab)
        assertGolden(screen(app), "chart-plan-80x24")
        app.press(.tab)
        assertGolden(screen(app), "chart-notes-80x24")
        // Group sessions are merged into the list; skip to the next progress note.
        app.press(.down)
        while case .chart(let c) = app.current, case .group? = c.notesEntries[safe: c.notesCursor.selected] { app.press(.down) }
        app.press(.enter)
        guard case .chart(let reading) = app.current else { return XCTFail() }
        XCTAssertNotNil(reading.openNote, "Enter reads the selected note")
        assertGolden(screen(app), "chart-note-open-80x24")
        app.press(.escape)
        app.type("4")
        assertGolden(screen(app), "chart-groups-80x24")
        for (key, name) in [("5", "screens"), ("6", "referrals"), ("7", "contacts"), ("8", "consents")] {
            app.type(key)
            assertGolden(screen(app), "chart-\(name)-80x24")
        }
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        app.type("1")
        assertGolden(screen(app), "chart-summary-60x20")
        app.type("3")
        while case .chart(let c) = app.current, case .group? = c.notesEntries[safe: c.notesCursor.selected] { app.press(.down) }
        app.press(.enter)
        assertGolden(screen(app), "chart-note-open-60x20")
    }

    func testActivityTabShowsTheViewJustRecorded() throws {
        let app = try DemoStore.app()
        _ = try openGroupClient(app)
        app.type("9")
        let text = app.render().text
        XCTAssertTrue(text.contains("ccounselor view chart"), text)
    }

    func testEveryTabRendersWithinTheFrameAtBothSizes() throws {
        for size in [Size.design, Size(width: 60, height: 20), Size(width: 120, height: 40)] {
            let app = try DemoStore.app(size)
            _ = try openGroupClient(app)
            for tab in 1...9 {
                app.type(String(tab))
                let frame = app.render()
                XCTAssertEqual(frame.size, size)
                XCTAssertNotNil(frame.cursor, "tab \(tab) at \(size) places the cursor")
                XCTAssertNil(app.message.flatMap { $0.role == .error ? $0 : nil }, "tab \(tab): \(app.message?.text ?? "")")
                XCTAssertTrue(frame.line(2 + 1).contains("["), "the active tab is bracketed")
            }
        }
    }

    // MARK: Keys, help, command line, sizes

    func testHelpOverlayGoldenAndScrolling() throws {
        let app = try DemoStore.app()
        app.type("c?")
        XCTAssertNotNil(app.help)
        assertGolden(screen(app), "help-caseload-80x24")
        let top = app.help!.cursor.top
        app.press(.pageDown)
        XCTAssertGreaterThan(app.help!.cursor.top, top, "help scrolls")
        app.press(.escape)
        XCTAssertNil(app.help)
        guard case .caseload = app.current else { return XCTFail("closing help keeps the screen") }
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        app.type("?")
        assertGolden(screen(app), "help-caseload-60x20")
    }

    func testCommandLine() throws {
        let app = try DemoStore.app()
        app.type(":")
        var frame = app.render()
        XCTAssertEqual(frame.line(22), ":")
        XCTAssertEqual(frame.cursor, Point(x: 1, y: 22))
        app.type("th")
        app.press(.tab)
        XCTAssertEqual(app.prompt, .command(LineEditor(text: "theme ")))
        app.type("li")
        app.press(.tab)
        XCTAssertEqual(app.press(.enter), [.setTheme("light")])
        app.themeApplied(name: "light", error: nil)
        XCTAssertEqual(app.render().line(22), " Theme “light” applied.")
        app.type(":theme\n".replacingOccurrences(of: "\n", with: ""))
        app.press(.enter)
        XCTAssertEqual(app.message, Message("Themes: default, light, high-contrast, monochrome, colour-blind. Use :theme NAME.", .info))
        app.type(":theme neon")
        app.press(.enter)
        XCTAssertEqual(app.message?.role, .error)
        app.themeApplied(name: "broken", error: "broken.toml line 3: key 'fg' has an unknown colour 'blurple'")
        XCTAssertEqual(app.message?.role, .error)
        app.type(":frob")
        app.press(.enter)
        frame = app.render()
        XCTAssertEqual(frame.line(22), " “:frob” is not a command. Try :help for the list.")
        XCTAssertEqual(frame[1, 22].role, .error)
        app.type(":help")
        app.press(.enter)
        XCTAssertNotNil(app.help)
        app.press(.escape)
        app.type(":q")
        XCTAssertEqual(app.press(.enter), [.quit])
    }

    func testQuitRedrawHangupAndUnknownKeys() throws {
        let app = try DemoStore.app()
        XCTAssertEqual(app.press(.ctrl("l")), [.fullRedraw])
        XCTAssertEqual(app.handle(.tick), Effect.none)
        app.type("z")
        XCTAssertEqual(app.message, Message("The key “z” does nothing here. Press ? for help.", .info))
        app.type("q")
        XCTAssertEqual(app.message?.text, "Home is the first screen. Press Q to quit.")
        XCTAssertEqual(app.handle(.hangup), .quit)
        XCTAssertFalse(app.hasUnsavedChanges)
        XCTAssertEqual(app.press(.char("Q")), [.quit], "nothing unsaved: Q quits at once")
    }

    func testTooSmallTerminalShowsAClearMessageAndRecoversOnResize() throws {
        let app = try DemoStore.app(Size(width: 50, height: 14))
        let frame = app.render()
        XCTAssertTrue(frame.text.contains("Terminal too small: 50×14."))
        XCTAssertTrue(frame.text.contains("60×16"))
        assertGolden(frameText(frame), "too-small-50x14")
        app.type("c")
        guard case .home = app.current else { return XCTFail("keys do nothing while too small") }
        XCTAssertEqual(app.handle(.resize(Size(width: 60, height: 16))), .fullRedraw)
        XCTAssertTrue(app.render().line(0).contains("Caseload · Home"))
        XCTAssertEqual(app.handle(.resize(Size(width: 59, height: 30))), .fullRedraw)
        XCTAssertTrue(app.render().text.contains("Terminal too small: 59×30."))
        XCTAssertEqual(app.press(.char("Q")), [.quit])
    }

    func testEveryFrameAtEverySizeKeepsTheCursorOnScreen() throws {
        let app = try DemoStore.app()
        let keys: [Key] = [.char("c"), .down, .pageDown, .char("s"), .enter, .tab, .tab, .down, .enter, .pageDown,
                           .escape, .char("4"), .char("G"), .escape, .char("/"), .char("a"), .escape]
        for size in [Size(width: 60, height: 16), Size(width: 61, height: 17), Size(width: 80, height: 24),
                     Size(width: 133, height: 51)] {
            _ = app.handle(.resize(size))
            for k in keys {
                _ = app.handle(.key(k))
                let f = app.render()
                guard let c = f.cursor else { return XCTFail("no cursor after \(k) at \(size)") }
                XCTAssertTrue(c.x >= 0 && c.x < size.width && c.y >= 0 && c.y < size.height, "\(c) at \(size)")
            }
            while app.stack.count > 1 { app.press(.escape) }
        }
    }

    // MARK: Errors

    func testRepositoryErrorsAppearOnTheMessageLine() throws {
        let failing = FailingRepository(base: try DemoStore.shared(), failing: ["notes", "chartSummary"])
        let app = try DemoStore.app(repository: failing)
        app.press(.enter)
        XCTAssertEqual(app.message?.role, .error)
        XCTAssertTrue(app.message!.text.hasPrefix("Could not open the chart: "), app.message!.text)
        guard case .home = app.current else { return XCTFail("the app stays where it was") }
        XCTAssertEqual(app.render()[1, 22].role, .error)
        failing.failing = ["notes"]
        app.press(.enter)
        app.type("3")
        XCTAssertTrue(app.message?.text.hasPrefix("Could not load Notes: ") ?? false)
        XCTAssertTrue(app.render().text.contains("Could not load this tab."))
    }
}

extension SQLiteStore {
    /// The demo's clinical supervisor, looked up through the repository's own read models.
    func dbPoolSupervisorUsername() throws -> String? {
        for id in RowID(1)...RowID(200) {
            if let s = try staff(id: id), s.role == .supervisor, s.active { return s.username }
        }
        return nil
    }
}

/// Delegates to a real store but throws for the calls named in `failing`, to test error paths.
final class FailingRepository: CaseloadRepository, @unchecked Sendable {
    let base: any CaseloadRepository
    var failing: Set<String>
    init(base: any CaseloadRepository, failing: Set<String>) { self.base = base; self.failing = failing }

    func check(_ name: String) throws {
        if failing.contains(name) { throw CaseloadError.storeDamaged(path: "demo.sqlite", detail: "disk I/O error") }
    }
    func settings() throws -> ProgramSettings { try check("settings"); return try base.settings() }
    func staff(username: String) throws -> Staff? { try base.staff(username: username) }
    func staff(id: RowID) throws -> Staff? { try base.staff(id: id) }
    func homeSummary(for staffID: RowID, on day: Day) throws -> HomeSummary {
        try check("homeSummary"); return try base.homeSummary(for: staffID, on: day)
    }
    func caseloadRows(for staffID: RowID, scope: CaseloadScope, on day: Day) throws -> [CaseloadRow] {
        try check("caseloadRows"); return try base.caseloadRows(for: staffID, scope: scope, on: day)
    }
    func chartSummary(clientID: RowID) throws -> ChartSummary {
        try check("chartSummary"); return try base.chartSummary(clientID: clientID)
    }
    func currentPlan(clientID: RowID) throws -> PlanTree? { try check("plan"); return try base.currentPlan(clientID: clientID) }
    func planVersions(clientID: RowID) throws -> [TreatmentPlan] { try base.planVersions(clientID: clientID) }
    func notes(clientID: RowID, limit: Int, offset: Int) throws -> [NoteListItem] {
        try check("notes"); return try base.notes(clientID: clientID, limit: limit, offset: offset)
    }
    func noteCount(clientID: RowID) throws -> Int { try base.noteCount(clientID: clientID) }
    func note(id: RowID) throws -> NoteDetail { try check("note"); return try base.note(id: id) }
    func groupMemberships(clientID: RowID) throws -> [GroupMembershipRow] { try base.groupMemberships(clientID: clientID) }
    func attendanceHistory(clientID: RowID, limit: Int) throws -> [AttendanceHistoryRow] {
        try base.attendanceHistory(clientID: clientID, limit: limit)
    }
    func drugScreens(clientID: RowID, limit: Int) throws -> [DrugScreen] { try base.drugScreens(clientID: clientID, limit: limit) }
    func referrals(clientID: RowID) throws -> [Referral] { try base.referrals(clientID: clientID) }
    func contacts(clientID: RowID) throws -> [Contact] { try base.contacts(clientID: clientID) }
    func consents(clientID: RowID) throws -> [Consent] { try base.consents(clientID: clientID) }
    func activity(clientID: RowID, limit: Int) throws -> [ActivityRow] { try base.activity(clientID: clientID, limit: limit) }
    func clientAccess(clientID: RowID) throws -> ClientAccess { try base.clientAccess(clientID: clientID) }
    func breakGlass(mrn: String, reason: String, by staff: Staff) throws -> RowID {
        try base.breakGlass(mrn: mrn, reason: reason, by: staff)
    }
    func record(_ action: AuditAction, by staff: Staff, clientID: RowID?, subject: String, detail: String) throws {
        try base.record(action, by: staff, clientID: clientID, subject: subject, detail: detail)
    }
    func changeToken() throws -> Int { try base.changeToken() }
}
