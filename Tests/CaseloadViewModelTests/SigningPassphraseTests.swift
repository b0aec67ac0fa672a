// Signing asks for the signer's passphrase (ProgramSettings.signRequiresPassphrase) whatever screen signs: the
// note is signed only after the right one, a wrong one three times or Esc signs nothing, and no passphrase is
// asked of someone who has none or where the program turned it off.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class SigningPassphraseTests: XCTestCase {
    static let passphrase = "kettle on the stove"

    /// A demo store with a complete draft of ccounselor's, and the app with that draft open in the editor.
    private func fixture(passphrase: Bool = true, setting: Bool = true) throws -> (SQLiteStore, AppModel, RowID) {
        let store = try NoteDemo.fresh()
        let staff = try XCTUnwrap(try store.staff(username: "ccounselor"))
        if passphrase { try store.setPassphrase(Self.passphrase, for: staff) }
        if !setting { try store.updateSettings { $0.signRequiresPassphrase = false } }
        let client = try XCTUnwrap(try store.caseloadRows(for: staff.id!, scope: .mine, on: NoteDemo.clock.day).first)
        let modality = try XCTUnwrap(try store.noteModalities().first { $0.active })
        let now = NoteDemo.clock.now()
        let note = try store.saveDraft(ProgressNote(clientID: client.id, staffID: staff.id!, date: NoteDemo.clock.day,
                                                    startMinute: 600, minutes: 50, modalityID: modality.id!,
                                                    format: .individual, template: .dap,
                                                    sections: ["Came on time.", "Steady.", "Weekly."], status: .draft,
                                                    billingUnits: 0, createdAt: now, updatedAt: now),
                                       links: [], appointmentID: nil, force: false, by: staff)
        let app = AppModel(repository: store, groups: store, notes: store, plans: store, caseManagement: store,
                           authenticator: store, identity: Identity(staff: staff), clock: NoteDemo.clock, size: .design)
        app.perform(.notes(.continueDraft(noteID: note.id!)))
        XCTAssertNotNil(app.editor, app.message?.text ?? "")
        return (store, app, note.id!)
    }

    private func status(_ store: SQLiteStore, _ id: RowID) throws -> NoteStatus {
        try store.noteForEditing(id: id).note.status
    }

    private func askToSign(_ app: AppModel) {
        app.press(.backTab)          // the links, where S signs
        app.type("S")
        app.type("y")
    }

    func testTheRightPassphraseSignsAndTheTextIsNeverShown() throws {
        let (store, app, id) = try fixture()
        askToSign(app)
        guard case .signPassphrase? = app.prompt else { return XCTFail("the passphrase is asked: \(String(describing: app.prompt))") }
        XCTAssertEqual(try status(store, id), .draft, "nothing is signed before the passphrase")
        app.type(Self.passphrase)
        let frame = app.render().text
        XCTAssertFalse(frame.contains("kettle"), "bullets only:\n\(frame)")
        XCTAssertTrue(frame.contains("Your passphrase to sign: " + String(repeating: "•", count: Self.passphrase.count)), frame)
        app.press(.enter)
        XCTAssertNil(app.prompt)
        XCTAssertEqual(try status(store, id), .signed)
    }

    func testAWrongPassphraseOrEscSignsNothing() throws {
        let (store, app, id) = try fixture()
        askToSign(app)
        app.press(.escape)
        XCTAssertNil(app.prompt)
        XCTAssertEqual(app.message?.text, "Not signed: no passphrase was given.")
        XCTAssertEqual(try status(store, id), .draft)
        askToSign(app)
        for attempt in 1...3 {
            app.type("not my passphrase at all")
            app.press(.enter)
            XCTAssertEqual(try status(store, id), .draft, "attempt \(attempt)")
        }
        XCTAssertNil(app.prompt, "three wrong tries end the question")
        XCTAssertEqual(app.message?.text, "Not signed: the passphrase was wrong three times.")
    }

    func testNoPassphraseIsAskedOfSomeoneWithoutOneOrWhenTheProgramTurnsItOff() throws {
        for (passphrase, setting) in [(false, true), (true, false)] {
            let (store, app, id) = try fixture(passphrase: passphrase, setting: setting)
            askToSign(app)
            XCTAssertNil(app.prompt)
            XCTAssertEqual(try status(store, id), .signed, "passphrase set: \(passphrase), setting: \(setting)")
        }
    }
}
