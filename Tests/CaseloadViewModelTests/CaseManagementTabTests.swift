// The chart's Screens, Referrals and Contacts tabs and the Reports screen, driven by key presses on
// a real demo store of its own (saves here must not change the shared store's goldens).
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

enum CaseDemo {
    static let clock = DemoStore.clock

    static func fresh() throws -> SQLiteStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-cmvm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("demo.sqlite").path, create: true, clock: clock)
        _ = try DemoGenerator(clients: 60, years: 1, seed: 7, today: clock.day, osUsername: "ccounselor").generate(into: store)
        return store
    }

    static func app(_ store: SQLiteStore, _ size: Size = .design, user: String = "ccounselor") throws -> AppModel {
        guard let staff = try store.staff(username: user) else { throw CaseloadError.unknownUser(username: user) }
        return AppModel(repository: store, groups: store, caseManagement: store, identity: Identity(staff: staff),
                        clock: clock, size: size)
    }

    /// An active maintenance client of mine (the first by name), with the chart opened on `tab`.
    static func chart(_ app: AppModel, _ store: SQLiteStore, tab: Character) throws -> RowID {
        let rows = try store.caseloadRows(for: app.identity.staffID, scope: .mine, on: clock.day)
            .filter { $0.status == .active && $0.phase == "Maintenance" }.sorted { $0.name < $1.name }
        let client = try XCTUnwrap(rows.first)
        app.perform(.openChart(clientID: client.id))
        app.type(String(tab))
        return client.id
    }
}

final class CaseManagementTabTests: XCTestCase {
    func screen(_ app: AppModel) -> String { frameText(app.render()) }
    private func chartState(_ app: AppModel) throws -> ChartState {
        struct NotOnChart: Error {}
        guard case .chart(let s) = app.current else { throw NotOnChart() }
        return s
    }

    // MARK: Drug screens

    func testScreensTabShowsTheLastEightPerSubstanceAndRecordsACollection() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "5")
        let screens = try store.drugScreens(clientID: clientID, limit: 8)
        XCTAssertFalse(screens.isEmpty, "the demo client has drug screens")
        let frame = app.render()
        XCTAssertTrue(frame.text.contains("Last 8 results, newest right"))
        // The opioids row holds one marker per collection, oldest left, newest right.
        let row = try XCTUnwrap(frame.text.split(separator: "\n").first { $0.contains(" Opioids ") })
        let markers = row.split(separator: " ").dropFirst().map(String.init)
        XCTAssertEqual(markers, screens.reversed().map { ($0.results[.opioids] ?? .notTested).marker })
        assertGolden(screen(app), "cm-screens-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "cm-screens-60x20")
        _ = app.handle(.resize(.design))

        // Record one: opioids positive, unobserved, everything else as offered.
        app.type("a")
        XCTAssertTrue(app.render().text.contains("Record a drug screen collection"))
        assertGolden(screen(app), "cm-screen-form-80x24")
        app.press(.tab, .right)              // Observed: yes → no
        app.press(.tab, .tab)                // Random (kept yes) → Opioids
        app.type("+")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Drug screen saved.")
        let newest = try XCTUnwrap(try store.drugScreens(clientID: clientID, limit: 1).first)
        XCTAssertEqual(newest.collectedOn, CaseDemo.clock.day)
        XCTAssertEqual(newest.results[.opioids], .positive)
        XCTAssertEqual(newest.results[.fentanyl], .negative)
        XCTAssertEqual(newest.results[.other], .notTested)
        XCTAssertFalse(newest.observed)
        XCTAssertTrue(newest.random)
        let after = try XCTUnwrap(app.render().text.split(separator: "\n").first { $0.contains(" Opioids ") })
        XCTAssertTrue(after.hasSuffix("+"), "the newest result is at the right: \(after)")
        XCTAssertTrue(try store.activity(clientID: clientID, limit: 5).contains { $0.subject == "drug_screen:\(newest.id!)" })
    }

    func testOwnMedicationIsExpectedAndAWrongScreenIsMarkedEnteredInErrorThenCorrected() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "5")
        let medication = try store.chartSummary(clientID: clientID).client.medication
        let own = try XCTUnwrap(DrugScreen.ownSubstance(medication), "a demo maintenance client takes methadone or buprenorphine")
        // The form offers the client's own medication as positive: the expected result in this program.
        app.type("a")
        let form = try XCTUnwrap(try chartState(app).caseTab.form)
        let ownField = try XCTUnwrap(form.fields.first { $0.label == own.label })
        XCTAssertEqual(ownField.choice, 2, "\(own.label) starts as + positive")
        XCTAssertEqual(ownField.options[2], "+ positive: expected (own medication)")
        app.press(.escape)

        // e marks a screen entered in error: it stays, marked, and leaves the grid; the corrected one names it.
        let before = try store.drugScreens(clientID: clientID, limit: 500)
        let wrong = try XCTUnwrap(before.first)
        app.type("e")
        XCTAssertEqual(try chartState(app).caseTab.form?.title, "Mark a screen entered in error")
        app.press(.tab)
        app.type("Result keyed for the wrong client")
        app.press(.tab, .right)                // Then: record the corrected result
        app.press(.ctrl("s"))
        XCTAssertEqual(try chartState(app).caseTab.form?.title, "Corrected result of screen \(wrong.id!)")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Corrected result of screen \(wrong.id!) saved.")
        let after = try store.drugScreens(clientID: clientID, limit: 500)
        XCTAssertEqual(after.count, before.count + 1)
        XCTAssertEqual(after.first { $0.id == wrong.id }?.enteredInError?.reason,
                       "corrected by screen \(after.first { $0.correctsID == wrong.id }?.id ?? 0): Result keyed for the wrong client")
        XCTAssertTrue(app.render().text.contains("x ENTERED IN ERROR #\(wrong.id!)"), app.render().text)
    }

    func testAScreenWithNothingTestedIsRefusedWithASentence() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "5")
        let before = try store.drugScreens(clientID: clientID, limit: 500).count
        app.type("a")
        for _ in 0..<3 { app.press(.tab) }
        for _ in Substance.allCases { app.type("."); app.press(.tab) }   // every substance: not tested
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Give at least one result: every substance is marked not tested.")
        XCTAssertNotNil(try chartState(app).caseTab.form, "the form stays open")
        XCTAssertEqual(try store.drugScreens(clientID: clientID, limit: 500).count, before)
        app.press(.up, .up, .escape)
        XCTAssertNil(try chartState(app).caseTab.form)
        XCTAssertEqual(app.message?.text, "Not saved: the form was closed.")
    }

    // MARK: Referrals

    func testAddAReferralByKeysAndSeeItsFollowUpDue() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "6")
        let before = try store.referrals(clientID: clientID).count
        app.type("a")
        app.type("m")                        // Type: the next starting with m → Mental health
        app.press(.tab)
        app.press(.ctrl("s"))                // no agency yet
        XCTAssertEqual(app.message?.text, "Give the agency the client is referred to.")
        app.type("Clínica Luz 李")
        app.press(.tab, .ctrl("u"))
        app.type("2026-02-30")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "The referral date must be a date like 2026-03-02 (year-month-day).")
        app.press(.ctrl("u"))
        app.type("2026-02-20")
        app.press(.tab, .right)              // Status: made → accepted
        app.press(.tab)
        app.type("2026-03-01")               // follow-up: yesterday, so due
        app.press(.enter)                    // Enter goes on to the note, a multi-line field
        app.type("Intake Tuesday 10:00 with Dr. Ñúñez.")
        app.press(.enter)                    // in the note Enter starts a new line
        app.type("Bring the insurance card.")
        assertGolden(screen(app), "cm-referral-form-80x24")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Referral saved.")
        let referrals = try store.referrals(clientID: clientID)
        XCTAssertEqual(referrals.count, before + 1)
        let r = try XCTUnwrap(referrals.first { $0.agency == "Clínica Luz 李" })
        XCTAssertEqual(r.type, .mentalHealth)
        XCTAssertEqual(r.status, .accepted)
        XCTAssertEqual(r.referredOn, Day("2026-02-20"))
        XCTAssertEqual(r.followUpOn, Day("2026-03-01"))
        XCTAssertEqual(r.note, "Intake Tuesday 10:00 with Dr. Ñúñez.\nBring the insurance card.")
        let text = app.render().text
        XCTAssertTrue(text.contains(">! 2026-02-20  Mental health"), "a follow-up due is marked, not by colour alone\n\(text)")
        assertGolden(screen(app), "cm-referrals-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "cm-referrals-60x20")
    }

    func testEditingAReferralSomeoneElseChangedNamesThemAndSaveAgainOverwrites() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "6")
        let mine = try store.saveReferral(Referral(clientID: clientID, type: .housing, agency: "Shelter A",
                                                   referredOn: Day("2026-03-02")!, status: .made, followUpOn: nil),
                                          by: app.identity.staff)
        // Reopen the chart so the new referral is listed, then select it.
        app.press(.escape)
        app.perform(.openChart(clientID: clientID))
        app.type("6")
        guard case .referrals(let list)? = try chartState(app).data[.referrals] else { return XCTFail("referrals loaded") }
        for _ in 0..<(try XCTUnwrap(list.firstIndex { $0.id == mine.id })) { app.press(.down) }
        app.type("e")
        guard case .referral(let edited)? = try chartState(app).caseTab.form?.subject else { return XCTFail("edit form") }
        XCTAssertEqual(edited.id, mine.id)
        // Meanwhile a supervisor changes it.
        let other = try XCTUnwrap(try store.allStaff().first { $0.role == .supervisor })
        var theirs = mine
        theirs.status = .accepted
        _ = try store.saveReferral(theirs, by: other)
        app.press(.tab)
        app.press(.ctrl("u"))
        app.type("Shelter B")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.role, .warning)
        XCTAssertTrue(app.message?.text.hasPrefix("The referral was changed by \(other.displayName) while you were editing it.") == true,
                      app.message?.text ?? "")
        XCTAssertEqual(try store.referrals(clientID: clientID).first { $0.id == mine.id }?.agency, "Shelter A")
        XCTAssertNotNil(try chartState(app).caseTab.form, "our text is still in the form")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Referral saved.")
        let stored = try store.referrals(clientID: clientID).first { $0.id == mine.id }
        XCTAssertEqual(stored?.agency, "Shelter B")
        XCTAssertEqual(stored?.revision, 3)
    }

    // MARK: Contacts

    func testContactsShowTheConsentThatCoversThemOrNone() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "7")
        let consent = try store.insert(Consent(clientID: clientID, discloser: "Riverbend", recipient: "Ana Ñúñez (sister)",
                                               purpose: "family sessions", informationCovered: "attendance, progress",
                                               expiresOn: Day("2026-09-01"), signedOn: Day("2026-01-05")!))
        // The consents were read with the tab; go away and back after reopening the chart.
        app.press(.escape)
        app.perform(.openChart(clientID: clientID))
        app.type("7")
        app.type("a")
        app.type("Ana Ñúñez")
        app.press(.tab); app.type("sister")
        app.press(.tab); app.type("555-0134")
        app.press(.tab)
        guard case .contact(_, let ids)? = try chartState(app).caseTab.form?.subject else { return XCTFail("contact form") }
        let index = try XCTUnwrap(ids.firstIndex(of: consent.id))
        for _ in 0..<index { app.press(.right) }
        app.press(.tab); app.type("comes to family sessions monthly")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Contact saved.")
        app.type("a")
        app.type("Marek Kowalczyk")
        app.press(.tab); app.type("employer")
        app.press(.ctrl("s"))
        let rows = try store.contactRows(clientID: clientID, on: CaseDemo.clock.day)
        XCTAssertEqual(rows.first { $0.contact.name == "Ana Ñúñez" }?.activeConsent?.id, consent.id)
        XCTAssertNil(rows.first { $0.contact.name == "Marek Kowalczyk" }?.activeConsent)
        let text = app.render().text
        XCTAssertTrue(text.contains("Marek Kowalczyk (employer) · no phone · [ ] no consent on file"), text)
        XCTAssertTrue(text.contains("Ana Ñúñez (sister) · 555-0134 · [x] consent until 2026-09-01"), text)
        XCTAssertTrue(text.contains("Consent to Ana Ñúñez (sister), until 2026-09-01 · comes to family sessions"), text)
        assertGolden(screen(app), "cm-contacts-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "cm-contacts-60x20")
    }

    // MARK: Home

    func testHomeCountsFollowUpsAndRandomScreensDue() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let me = app.identity.staffID
        let due = try store.followUpsDue(counselorID: me, on: CaseDemo.clock.day).count
        let screens = try store.screensDue(counselorID: me, on: CaseDemo.clock.day)
        func shown(_ n: Int) -> String { n > 0 ? "! \(n)" : "0" }
        var text = app.render().text
        XCTAssertTrue(text.contains("Follow-ups due: \(shown(due))"), text)
        XCTAssertTrue(text.contains("Random screens due: \(shown(screens.count))"), text)
        // A new referral whose follow-up is today shows on Home when coming back.
        let clientID = try CaseDemo.chart(app, store, tab: "6")
        _ = clientID
        app.type("a")
        app.press(.tab); app.type("Housing First")
        app.press(.tab, .tab, .tab); app.type("2026-03-02")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Referral saved.")
        app.press(.escape)
        guard case .home = app.current else { return XCTFail("back on Home") }
        text = app.render().text
        XCTAssertTrue(text.contains("Follow-ups due: ! \(due + 1)"), text)
    }

    func testTheCaseloadFlagsMyClientsWithTooFewRandomScreensWithU() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let due = Set(try store.screensDue(counselorID: app.identity.staffID, on: CaseDemo.clock.day).map(\.clientID))
        XCTAssertFalse(due.isEmpty, "the demo has clients short of random screens")
        app.type("c")
        guard case .caseload(let s) = app.current else { return XCTFail("c opens the caseload") }
        XCTAssertEqual(s.screensDue, due)
        for i in s.rows.indices {
            let flags = CaseloadScreen.cell(s, i, .flags, needle: []).spans.map(\.text).joined()
            XCTAssertEqual(flags.contains("U"), due.contains(s.rows[i].id), "\(s.rows[i].name): '\(flags)'")
        }
        // Recording enough random screens clears the flag the next time the caseload loads.
        let clientID = try XCTUnwrap(due.first)
        for month in 1...8 {
            try store.insert(DrugScreen(clientID: clientID, collectedOn: CaseDemo.clock.day.adding(days: -30 * month),
                                        observed: true, random: true, results: [.opioids: .negative]))
        }
        app.press(.escape); app.type("c")
        guard case .caseload(let again) = app.current else { return XCTFail("the caseload again") }
        XCTAssertFalse(again.screensDue.contains(clientID))
    }

    // MARK: Reports screen

    func testReportsScreenShowsTheStoresFigures() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        app.type(":reports")
        app.press(.enter)
        guard case .reports(let state) = app.current else { return XCTFail("`:reports` opens the Reports screen") }
        XCTAssertEqual(state.kind, .caseload)
        let me = app.identity.staff
        let expected = try store.caseloadReport(staffID: me.id, from: Day("2026-02-01")!, to: Day("2026-03-02")!)
        let row = try XCTUnwrap(expected.first)
        let text = app.render().text
        XCTAssertTrue(text.contains("2026-02-01 to 2026-03-02"), text)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(" \(me.displayName) ") })
        XCTAssertEqual(line.split(separator: " ").suffix(4).map(String.init),
                       [row.active, row.onHold, row.admissions, row.discharges].map(String.init))
        assertGolden(screen(app), "cm-reports-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "cm-reports-60x20")
        _ = app.handle(.resize(.design))

        app.press(.tab)                      // Overdue
        let overdue = try store.overdueReport(staffID: me.id, on: CaseDemo.clock.day)
        guard case .reports(let s1) = app.current else { return XCTFail() }
        XCTAssertEqual(s1.result, .overdue(overdue))
        XCTAssertTrue(app.render().text.contains("Plan review overdue: \(overdue.filter { $0.kind == .planReview }.count);"))
        app.press(.tab)                      // Productivity
        app.type("p")                        // this month
        guard case .reports(let s2) = app.current else { return XCTFail() }
        XCTAssertEqual(s2.kind, .productivity)
        XCTAssertEqual(s2.period, .thisMonth)
        let rows = try store.productivityReport(staffID: me.id, from: Day("2026-03-01")!, to: Day("2026-03-02")!)
        let total = try store.productivityTotal(staffID: me.id, from: Day("2026-03-01")!, to: Day("2026-03-02")!)
        XCTAssertEqual(s2.result, .productivity(rows, total: total))
        app.press(.escape)
        guard case .home = app.current else { return XCTFail("Esc goes back") }
    }
}
