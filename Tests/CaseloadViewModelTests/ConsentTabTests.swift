// The chart's Consents tab as an editor (issue 6): a consent recorded by keys with every 42 CFR 2.31 element
// and its validation sentences, an edit, a conflict with another session, and a revocation that asks first
// and locks the consent. On a demo store of its own.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class ConsentTabTests: XCTestCase {
    private func chartState(_ app: AppModel) throws -> ChartState {
        struct NotOnChart: Error {}
        guard case .chart(let s) = app.current else { throw NotOnChart() }
        return s
    }
    private func select(_ app: AppModel, _ store: SQLiteStore, clientID: RowID, consentID: RowID) throws {
        let i = try XCTUnwrap(try store.consents(clientID: clientID).firstIndex { $0.id == consentID })
        app.type("g")
        for _ in 0..<i { app.type("j") }
    }

    func testRecordAConsentByKeysWithEveryElementAndItsSentences() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "8")
        let before = try store.consents(clientID: clientID)
        XCTAssertTrue(app.render().text.contains("Consents to disclose (42 CFR Part 2), newest first"))
        app.type("a")
        let program = try store.settings().programName
        XCTAssertTrue(app.render().text.contains("New consent to disclose (42 CFR 2.31)"))
        XCTAssertTrue(app.render().text.contains(program), "who may disclose: the program by default")
        assertGolden(frameText(app.render()), "consent-form-80x24")

        app.press(.tab)
        app.type("Dr. Amara Osei, Riverside Clinic")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Give the purpose of the disclosure.")
        XCTAssertEqual(try chartState(app).caseTab.form?.focus, 2, "the focus goes to the field to fix")
        app.type("Coordination of medical care")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Choose at least one kind of information the consent covers.")
        XCTAssertEqual(try chartState(app).caseTab.form?.focus, CaseTabs.consentCategoryStart)
        app.press(.tab)                       // Attendance
        app.type("y")
        app.press(.tab, .tab)                 // Treatment plan
        app.press(.char(" "))
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Give an expiration date or an expiration event: a consent must say when it ends.")
        XCTAssertEqual(try chartState(app).caseTab.form?.focus, CaseTabs.consentExpiresField)
        app.type("2026-13-01")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "The expiration date must be a date like 2026-03-02 (year-month-day).")
        app.press(.ctrl("u"))
        app.type("2026-09-01")
        app.press(.tab, .tab, .ctrl("u"))     // Signed on
        app.type("2026-03-09")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "The signature date (2026-03-09) is in the future.")
        app.press(.ctrl("u"))
        app.type("2026-03-01")
        // Who signed: the patient by default; here the mother of a minor signs for them.
        app.press(.tab, .ctrl("u"))
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text,
                       "Say who signed: \"the patient\", or the name and authority of who signed for them (e.g. \"Ana Ruiz, mother (patient is a minor)\").")
        XCTAssertEqual(try chartState(app).caseTab.form?.focus, CaseTabs.consentExpiresField + 3)
        app.type("Ana Ruiz, mother (patient is a minor)")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Consent saved.")
        XCTAssertNil(try chartState(app).caseTab.form)

        let after = try store.consents(clientID: clientID)
        XCTAssertEqual(after.count, before.count + 1)
        let saved = try XCTUnwrap(after.first { $0.recipient == "Dr. Amara Osei, Riverside Clinic" })
        XCTAssertEqual(saved.discloser, program)
        XCTAssertEqual(saved.purpose, "Coordination of medical care")
        XCTAssertEqual(saved.categories, [.attendance, .treatmentPlan])
        XCTAssertEqual(saved.expiresOn, Day("2026-09-01"))
        XCTAssertEqual(saved.signedOn, Day("2026-03-01"))
        XCTAssertEqual(saved.signedBy, "Ana Ruiz, mother (patient is a minor)")
        XCTAssertEqual(saved.revocationStatement, PartTwo.rightToRevoke)
        try select(app, store, clientID: clientID, consentID: saved.id!)
        let text = app.render().text
        XCTAssertTrue(text.contains(">#\(saved.id!) active  2026-03-01  until 2026-09-01 to Dr. Amara Osei"), text)
        XCTAssertTrue(text.contains("Covers: Attendance"), text)
        XCTAssertTrue(text.contains("Signed by Ana Ruiz, mother"), text)
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(frameText(app.render()), "consents-tab-60x20")
    }

    func testEditAConsentAndMeetAnotherSessionsSave() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "8")
        let me = app.identity.staff
        let consent = try store.saveConsent(Consent(clientID: clientID, discloser: "Riverbend", recipient: "Harbor Light Housing",
                                                    purpose: "Housing application", informationCovered: "",
                                                    expiresOn: Day("2026-12-31"), signedOn: Day("2026-03-02")!,
                                                    categories: [.demographics]), by: me)
        app.perform(.openChart(clientID: clientID)); app.type("8")   // the chart again, with it
        try select(app, store, clientID: clientID, consentID: consent.id!)
        app.press(.enter)
        XCTAssertTrue(app.render().text.contains("Edit consent \(consent.id!)"))
        app.press(.tab, .tab, .ctrl("u"))
        app.type("Housing application and lease")
        // Meanwhile a supervisor changes it in another session.
        let other = try SQLiteStore.open(path: store.path, clock: CaseDemo.clock)
        let sup = try XCTUnwrap(try store.staff(id: try XCTUnwrap(me.supervisorID)))
        var theirs = consent; theirs.recipient = "Harbor Light Housing Coalition"
        _ = try other.saveConsent(theirs, by: sup)
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "The consent to Harbor Light Housing Coalition was changed by \(sup.displayName) while you were editing it. Their version is saved; Ctrl-S saves yours over it, Esc keeps theirs.")
        XCTAssertTrue(try chartState(app).caseTab.form?.problem?.hasPrefix("Changed by \(sup.displayName) at ") ?? false)
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Consent saved.")
        let stored = try XCTUnwrap(try store.consents(clientID: clientID).first { $0.id == consent.id })
        XCTAssertEqual(stored.purpose, "Housing application and lease")
        XCTAssertEqual(stored.revision, 3)
    }

    func testRevokeAsksFirstAndLocksTheConsent() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "8")
        let consent = try store.saveConsent(Consent(clientID: clientID, discloser: "Riverbend", recipient: "County Probation",
                                                    purpose: "Attendance reports", informationCovered: "", expiresOn: nil,
                                                    expirationEvent: "End of probation", signedOn: Day("2026-02-01")!,
                                                    categories: [.attendance]), by: app.identity.staff)
        app.perform(.openChart(clientID: clientID)); app.type("8")
        try select(app, store, clientID: clientID, consentID: consent.id!)
        app.type("r")
        XCTAssertTrue(app.render().text.contains("Revoke consent \(consent.id!) to County Probation? For good."))
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Say how the patient revoked the consent (in writing, or told whom).")
        app.press(.escape)
        XCTAssertNil(try store.consents(clientID: clientID).first { $0.id == consent.id }?.revokedOn, "Esc keeps it")
        app.type("r")
        app.press(.tab)
        app.type("Signed letter handed to the front desk")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Revocation of consent \(consent.id!) saved.")
        let stored = try XCTUnwrap(try store.consents(clientID: clientID).first { $0.id == consent.id })
        XCTAssertEqual(stored.revokedOn, CaseDemo.clock.day)
        XCTAssertEqual(stored.revocationNote, "Signed letter handed to the front desk")
        try select(app, store, clientID: clientID, consentID: consent.id!)
        XCTAssertTrue(app.render().text.contains("Revoked \(CaseDemo.clock.day): Signed letter handed to the front desk"))
        app.type("e")
        XCTAssertEqual(app.message?.text, "Consent \(consent.id!) was revoked on \(CaseDemo.clock.day) and cannot be changed; press a to record a new one.")
        XCTAssertNil(try chartState(app).caseTab.form)
        app.type("r")
        XCTAssertEqual(app.message?.text, "Consent \(consent.id!) was already revoked on \(CaseDemo.clock.day); a revocation cannot be undone.")
    }

    func testHomeCountsMyConsentsEndingWithinThirtyDays() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let expected = try store.consentsExpiring(counselorID: app.identity.staffID, on: CaseDemo.clock.day, within: 30).count
        XCTAssertTrue(app.render().text.contains("Consents expiring (30 days): " + (expected > 0 ? "! \(expected)" : "0")),
                      app.render().text)
    }
}
