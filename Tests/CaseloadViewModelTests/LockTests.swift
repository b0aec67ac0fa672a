// The automatic lock on a real demo store with a clock the tests move: no lock before the idle time,
// a lock screen without any patient data after it, drafts saved first, unlock back to the same screen,
// five wrong tries or no passphrase end the session, and an audit row for each step.
import XCTest
import CaseloadCore
import CaseloadStore
import GRDB
@testable import CaseloadViewModels

final class LockTests: XCTestCase {
    static let passphrase = "kettle on the stove"

    /// A fresh demo store where ccounselor has a passphrase (unless `passphrase` is false).
    private func fixture(passphrase: Bool = true) throws -> (SQLiteStore, AppModel, StepClock) {
        let store = try NoteDemo.fresh()
        let staff = try XCTUnwrap(try store.staff(username: "ccounselor"))
        if passphrase { try store.setPassphrase(Self.passphrase, for: staff) }
        let clock = StepClock(day: NoteDemo.clock.day, minute: 9 * 60)
        let app = AppModel(repository: store, groups: store, notes: store, plans: store, caseManagement: store,
                           authenticator: store, identity: Identity(staff: staff), clock: clock, size: .design)
        return (store, app, clock)
    }

    private func command(_ app: AppModel, _ line: String) -> Effect {
        app.press(.char(":"))
        app.type(line)
        return app.handle(.key(.enter))
    }

    /// The session events of ccounselor after `since` (an audit row id), as "action: detail".
    private func sessionAudit(_ store: SQLiteStore, after since: Int64) throws -> [String] {
        try store.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT action, detail FROM audit_events WHERE id > ? AND subject = 'session' AND username = 'ccounselor'
                ORDER BY id
                """, arguments: [since]).map { "\($0[0] as String): \($0[1] as String)" }
        }
    }
    private func lastAuditID(_ store: SQLiteStore) throws -> Int64 {
        try store.dbPool.read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM audit_events")! }
    }

    /// Every client's MRN and names as the store has them (names of three letters or more: shorter ones
    /// occur inside ordinary words).
    private func clientWords(_ store: SQLiteStore) throws -> [String] {
        try store.dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT mrn, legal_first_name, legal_last_name, preferred_name FROM clients")
                .flatMap { r -> [String] in [r[0], r[1], r[2], r[3]].compactMap { $0 as String? } }
                .filter { $0.count >= 3 }
        }
    }

    func testNoLockBeforeTheIdleTimeThenALockScreenWithoutAnyPatientData() throws {
        let (store, app, clock) = try fixture()
        XCTAssertEqual(app.idleLockSeconds, 600, "the default: 10 minutes")
        app.type("c")
        guard case .caseload = app.current else { return XCTFail("c opens the caseload") }
        let before = app.render().text
        // A client may share a first name with the staff member, whose name the lock screen shows.
        let staffName = app.identity.staff.displayName
        let words = try clientWords(store).filter { !staffName.contains($0) }
        let shown = words.filter { before.contains($0) }
        XCTAssertGreaterThan(shown.count, 10, "the caseload shows client names and MRNs before the lock")
        let since = try lastAuditID(store)

        clock.advance(seconds: 599)
        XCTAssertNotEqual(app.handle(.tick), .fullRedraw)
        XCTAssertFalse(app.isLocked, "not before 10 minutes")
        app.press(.down)   // a key starts the count again
        clock.advance(seconds: 599)
        _ = app.handle(.tick)
        XCTAssertFalse(app.isLocked, "10 minutes from the last key, not from the start")
        clock.advance(seconds: 1)
        XCTAssertEqual(app.handle(.tick), .fullRedraw)
        XCTAssertTrue(app.isLocked)

        let frame = app.render()
        let text = frame.text
        XCTAssertEqual(words.filter { text.contains($0) }, [], "no client name or MRN on the lock screen")
        XCTAssertFalse(text.contains("R1000"), "no MRN at all")
        XCTAssertTrue(text.contains("Locked after 10 minutes without a key."))
        XCTAssertTrue(text.contains(app.identity.staff.displayName))
        XCTAssertTrue(text.contains(try store.settings().programName))
        let cursor = try XCTUnwrap(frame.cursor, "the hardware cursor is on the passphrase field")
        XCTAssertTrue(frame.line(cursor.y).hasPrefix(String(repeating: " ", count: 19) + "Passphrase:"), frame.line(cursor.y))
        assertGolden(frameText(frame), "lock-idle-80x24")

        // Keys go to the field: Q does not quit, c does not open anything, and only bullets show.
        XCTAssertEqual(app.type("Qc9"), [.redraw, .redraw, .redraw])
        XCTAssertTrue(app.isLocked)
        XCTAssertTrue(app.render().line(cursor.y).contains("Passphrase: •••"))
        XCTAssertFalse(app.render().text.contains("Qc9"))
        XCTAssertEqual(app.render().cursor, Point(x: cursor.x + 3, y: cursor.y))
        // Ticks while locked neither refresh nor lock again; a resize stays locked and shows no data either.
        clock.advance(seconds: 3600)
        XCTAssertEqual(app.handle(.tick), .none)
        XCTAssertEqual(app.handle(.resize(Size(width: 60, height: 20))), .fullRedraw)
        XCTAssertTrue(app.isLocked)
        let narrow = app.render().text
        XCTAssertEqual(words.filter { narrow.contains($0) }, [])
        assertGolden(frameText(app.render()), "lock-idle-60x20")
        _ = app.handle(.resize(Size(width: 20, height: 5)))   // smaller than the app's minimum: still locked
        XCTAssertTrue(app.isLocked)
        XCTAssertFalse(app.render().text.contains("R1000"))
        XCTAssertTrue(app.render().text.contains("Locked"))
        _ = app.handle(.resize(.design))
        XCTAssertEqual(try sessionAudit(store, after: since), ["lock: Locked after 10 minutes without a key"])
    }

    func testFourWrongTriesThenTheRightOneUnlockToTheSameScreen() throws {
        let (store, app, _) = try fixture()
        app.type("c")
        app.press(.down, .down, .enter)   // a chart
        guard case .chart = app.current else { return XCTFail("Enter opens the chart") }
        let before = app.render()
        let since = try lastAuditID(store)

        XCTAssertEqual(command(app, "lock"), .fullRedraw)
        XCTAssertTrue(app.isLocked)
        XCTAssertTrue(app.render().text.contains("Locked with :lock."))
        for i in 1...4 {
            app.type("kettle on the stove\(i)")
            XCTAssertEqual(app.handle(.key(.enter)), .redraw)
            XCTAssertTrue(app.isLocked)
            XCTAssertTrue(app.render().text.contains("That passphrase is not right (\(i) of 5 tries; \(5 - i) left before the session ends)."),
                          app.render().text)
            XCTAssertFalse(app.render().line(app.render().cursor!.y).contains("•"), "the field is empty again")
        }
        // Backspace and Ctrl-U edit the field.
        app.type("xy")
        app.press(.ctrl("u"))
        app.type(Self.passphrase + "!")
        app.press(.backspace)
        XCTAssertEqual(app.handle(.key(.enter)), .fullRedraw)
        XCTAssertFalse(app.isLocked)
        XCTAssertEqual(app.render(), before, "back exactly where the person was")
        XCTAssertEqual(try sessionAudit(store, after: since), [
            "lock: Locked with :lock",
            "failed_login: wrong passphrase at the lock screen (1 of 5)",
            "failed_login: wrong passphrase at the lock screen (2 of 5)",
            "failed_login: wrong passphrase at the lock screen (3 of 5)",
            "failed_login: wrong passphrase at the lock screen (4 of 5)",
            "unlock: unlocked with the passphrase after 4 wrong tries",
        ])
        // The idle time counts again from the unlock, and the keys work as before.
        app.press(.escape)
        guard case .caseload = app.current else { return XCTFail("Esc goes back to the caseload") }
    }

    func testFiveWrongTriesEndTheSession() throws {
        let (store, app, _) = try fixture()
        let since = try lastAuditID(store)
        _ = command(app, "lock")
        for i in 1...4 {
            app.type("not it \(i) at all")
            XCTAssertEqual(app.handle(.key(.enter)), .redraw)
        }
        XCTAssertNil(app.exitMessage)
        app.type("not it 5 at all")
        XCTAssertEqual(app.handle(.key(.enter)), .quit)
        XCTAssertEqual(app.exitMessage,
                       "5 wrong passphrases: the session was ended. Your drafts were saved. Start Caseload again to sign in.")
        XCTAssertFalse(app.render().text.contains("R1000"), "what is left on screen is still the lock screen")
        XCTAssertEqual(try sessionAudit(store, after: since), [
            "lock: Locked with :lock",
        ] + (1...5).map { "failed_login: wrong passphrase at the lock screen (\($0) of 5)" } + [
            "refused: locked out after 5 wrong passphrases; the session was ended",
        ])
    }

    func testWithoutAPassphraseTheLockEndsTheSessionAtOnceAfterSavingDrafts() throws {
        let (store, app, clock) = try fixture(passphrase: false)
        app.idleLockOverrideSeconds = 60
        let since = try lastAuditID(store)
        let (_, _) = try NoteDemo.newNoteFromHome(app)
        app.type("Talked about the new job.")
        clock.advance(seconds: 20)   // less than the 30 s of autosave
        _ = app.handle(.tick)
        XCTAssertTrue(app.hasUnsavedChanges)
        XCTAssertNil(app.editor?.note.id)
        clock.advance(seconds: 60)
        XCTAssertEqual(app.handle(.tick), .quit)
        XCTAssertEqual(app.exitMessage, "Caseload locked (locked after 1 minute without a key) and ended the session because you have no passphrase yet. Your drafts were saved. Run 'caseload passphrase' to set one.")
        let id = try XCTUnwrap(app.editor?.note.id, "the draft was saved")
        XCTAssertEqual(try store.noteForEditing(id: id).note.sections[0], "Talked about the new job.")
        XCTAssertEqual(try sessionAudit(store, after: since),
                       ["lock: Locked after 1 minute without a key; no passphrase is set, so the session was ended"])
    }

    func testAnOpenNoteDraftIsSavedBeforeTheLockAndIsStillOpenAfterTheUnlock() throws {
        let (store, app, clock) = try fixture()
        app.idleLockOverrideSeconds = 10
        XCTAssertEqual(app.idleLockSeconds, 10)
        _ = try NoteDemo.newNoteFromHome(app)
        app.type("Zoë brought her sister.")
        XCTAssertNil(app.editor?.note.id)
        clock.advance(seconds: 10)
        XCTAssertEqual(app.handle(.tick), .fullRedraw)
        XCTAssertTrue(app.isLocked)
        XCTAssertFalse(app.render().text.contains("Zoë brought"), "no note text on the lock screen")
        XCTAssertFalse(app.render().text.contains(app.editor!.clientName), "nor the client's name")
        let id = try XCTUnwrap(app.editor?.note.id, "saved before locking")
        XCTAssertEqual(try store.noteForEditing(id: id).note.sections[0], "Zoë brought her sister.")
        XCTAssertFalse(app.hasUnsavedChanges)

        app.type(Self.passphrase)
        XCTAssertEqual(app.handle(.key(.enter)), .fullRedraw)
        XCTAssertEqual(app.editor?.sections[0].text, "Zoë brought her sister.", "the editor is open as it was")
        app.type(" She stayed.")
        XCTAssertEqual(app.editor?.sections[0].text, "Zoë brought her sister. She stayed.", "typing goes on in the note")

        // Locked again 10 s after the last key, with the new words saved; a hang-up while locked ends the session.
        clock.advance(seconds: 10)
        XCTAssertEqual(app.handle(.tick), .fullRedraw)
        XCTAssertTrue(app.isLocked)
        XCTAssertEqual(try store.noteForEditing(id: id).note.sections[0], "Zoë brought her sister. She stayed.")
        XCTAssertEqual(app.handle(.hangup), .quit)
    }

    func testLockIsACommandAndTheIdleLockMinutesASetting() throws {
        XCTAssertEqual(CommandPrompt.parse("lock"), .lock)
        XCTAssertTrue(CommandPrompt.commands.contains { $0.usage == ":lock" })
        var settings = ProgramSettings()
        try ProgramSetting.named("idle_lock_minutes").apply("15", to: &settings)
        XCTAssertEqual(settings.idleLockMinutes, 15)
        XCTAssertThrowsError(try ProgramSetting.idleLockMinutes.apply("0", to: &settings)) {
            XCTAssertEqual(($0 as? CaseloadError)?.description, "idle_lock_minutes takes a whole number from 1 to 120; '0' is not one.")
        }
        XCTAssertThrowsError(try ProgramSetting.idleLockMinutes.apply("121", to: &settings))
        XCTAssertEqual(settings.idleLockMinutes, 15)
    }
}
