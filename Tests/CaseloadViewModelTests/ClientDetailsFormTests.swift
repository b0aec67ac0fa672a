// The Summary tab's edit of the client's own details, driven by keys on a real store (the Referrals
// tab's form machinery): saving, a validation sentence, and a conflict with another session.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class ClientDetailsFormTests: XCTestCase {
    private func chart(_ app: AppModel) throws -> ChartState {
        guard case .chart(let s) = app.current else { throw CaseloadError.notFound(what: "the chart") }
        return s
    }

    func testEOpensTheFormWithTheStoredDetailsAndCtrlSSavesThem() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "1")
        let before = try store.chartSummary(clientID: clientID).client
        app.type("e")
        let s = try chart(app)
        let form = try XCTUnwrap(s.caseTab.form, "e opens the form on the Summary tab")
        XCTAssertEqual(form.subject, .clientDetails(before))
        XCTAssertEqual(form.fields.map(\.label), ["Preferred name", "Pronouns", "Phone", "Emergency name",
                                                  "  relationship", "  phone"])
        XCTAssertEqual(form.fields[2].editor.text, before.phone ?? "")
        assertGolden(frameText(app.render()), "summary-details-form-80x24")
        XCTAssertTrue(app.render().line(23).contains("Ctrl-S save"))

        app.press(.tab, .tab, .ctrl("u"))
        app.type("555-0188")
        app.press(.tab, .ctrl("u"))
        app.type("Ngozi Adeyemi 李")
        app.press(.ctrl("s"))
        XCTAssertNil(try chart(app).caseTab.form, "the form closes after a save")
        XCTAssertEqual(app.message, Message("Client details saved.", .ok))
        let after = try store.chartSummary(clientID: clientID).client
        XCTAssertEqual(after.phone, "555-0188")
        XCTAssertEqual(after.emergencyContact?.name, "Ngozi Adeyemi 李")
        XCTAssertEqual(after.version, before.version + 1)
        XCTAssertEqual(after.doseMg, before.doseMg)
        XCTAssertTrue(app.render().text.contains("555-0188"), "the Summary shows what was saved")
        XCTAssertEqual(try store.activity(clientID: clientID, limit: 1).first?.action, .update)
    }

    func testABadPhoneKeepsTheFormOnThatFieldWithTheSentence() throws {
        let store = try CaseDemo.fresh()
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "1")
        let version = try store.chartSummary(clientID: clientID).client.version
        app.type("e")
        app.press(.tab, .tab, .ctrl("u"))
        app.type("ask reception")
        app.press(.tab)
        app.press(.ctrl("s"))
        let form = try XCTUnwrap(try chart(app).caseTab.form, "the form stays open")
        XCTAssertEqual(form.focus, 2, "back on the phone field")
        XCTAssertEqual(form.problem, "The phone number must be digits, like 555-0142 or +1 (555) 010-0142 x12.")
        XCTAssertTrue(app.render().text.contains("The phone number must be digits"))
        XCTAssertEqual(try store.chartSummary(clientID: clientID).client.version, version, "nothing was saved")
        app.press(.escape)
        XCTAssertNil(try chart(app).caseTab.form)
        XCTAssertEqual(app.message, Message("Not saved: the form was closed.", .info))
    }

    func testSomeoneElseSavedFirstTheFormSaysWhoAndCtrlSOverwritesOrEscKeepsTheirs() throws {
        let store = try CaseDemo.fresh()
        let other = try SQLiteStore.open(path: store.path, clock: CaseDemo.clock)
        let supervisor = try XCTUnwrap(try other.allStaff().first { $0.role == .supervisor })
        let app = try CaseDemo.app(store)
        let clientID = try CaseDemo.chart(app, store, tab: "1")
        let opened = try store.chartSummary(clientID: clientID).client
        app.type("e")
        app.press(.tab)
        app.press(.ctrl("u"))
        app.type("they/them")
        _ = try other.saveClientDetails(clientID: clientID, ClientDetails(preferredName: "Sunny", pronouns: "he/him",
                                                                          phone: opened.phone, emergencyContact: opened.emergencyContact),
                                        expectedVersion: opened.version, by: supervisor)
        app.press(.ctrl("s"))
        let form = try XCTUnwrap(try chart(app).caseTab.form, "the form stays open with my text")
        XCTAssertEqual(form.fields[1].editor.text, "they/them")
        XCTAssertTrue(form.problem?.hasPrefix("Changed by \(supervisor.displayName) at ") == true, form.problem ?? "")
        XCTAssertEqual(app.message?.role, .warning)
        XCTAssertTrue(app.message?.text.contains("was changed by \(supervisor.displayName)") == true, app.message?.text ?? "")
        XCTAssertEqual(try store.chartSummary(clientID: clientID).client.pronouns, "he/him", "theirs is saved")
        XCTAssertEqual(try chart(app).summary.client.preferredName, "Sunny", "the chart underneath shows theirs")

        // Ctrl-S again puts mine over theirs, deliberately (the form was based on their version).
        app.press(.ctrl("s"))
        XCTAssertNil(try chart(app).caseTab.form)
        let stored = try store.chartSummary(clientID: clientID).client
        XCTAssertEqual(stored.pronouns, "they/them")
        XCTAssertEqual(stored.preferredName, opened.preferredName, "the whole form is mine, as I saw it")
        XCTAssertEqual(stored.version, opened.version + 2)
    }
}
