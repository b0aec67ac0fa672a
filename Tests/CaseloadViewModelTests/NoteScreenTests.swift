// Progress notes on a real SQLite demo store: new note from Home, drafts, autosave, hang-up, conflicts,
// signing, addenda, search, the co-signature queue, and golden frames.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

/// A clock a test moves forward (autosave counts seconds).
final class StepClock: Clock, @unchecked Sendable {
    let day: Day
    var seconds: Int
    init(day: Day, minute: Int) { self.day = day; seconds = minute * 60 }
    func now() -> Date { Date(timeIntervalSince1970: TimeInterval(day.ordinal * 86400 + seconds)) }
    func today() -> Day { day }
    func minuteOfDay() -> Int { seconds / 60 }
    func advance(seconds s: Int) { seconds += s }
}

enum NoteDemo {
    static let clock = DemoStore.clock

    /// Its own demo store: the tests write, sign and search notes.
    static func fresh() throws -> SQLiteStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-nvm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("demo.sqlite").path, create: true, clock: clock)
        _ = try DemoGenerator(clients: 60, years: 1, seed: 7, today: clock.day, osUsername: "ccounselor").generate(into: store)
        return store
    }

    static func app(_ store: SQLiteStore, _ size: Size = .design, user: String = "ccounselor",
                    clock: any Clock = NoteDemo.clock) throws -> AppModel {
        guard let staff = try store.staff(username: user) else { throw CaseloadError.unknownUser(username: user) }
        return AppModel(repository: store, groups: store, notes: store, identity: Identity(staff: staff), clock: clock,
                        size: size)
    }

    /// Selects the first of today's appointments without a note and presses n.
    static func newNoteFromHome(_ app: AppModel) throws -> (TodayAppointment, NoteEditorState) {
        guard case .home(let h) = app.current, let appts = h.summary?.appointments,
              let i = appts.firstIndex(where: { !$0.noteWritten }) else { throw CaseloadError.notFound(what: "appointment") }
        for _ in 0..<i { app.press(.down) }
        app.type("n")
        guard case .notes(.editor(let e)) = app.current else {
            throw CaseloadError.notFound(what: "editor (\(app.message?.text ?? "no message"))")
        }
        return (appts[i], e)
    }

    static let dapText = ["Zoë Ñúñez 李 reports steady mornings since the dose change; slept well.",
                          "Engaged and hopeful; coping plan holding.",
                          "Review the coping plan next week."]

    /// Types the three DAP sections, Tab between them.
    static func writeDAP(_ app: AppModel) {
        for (i, t) in dapText.enumerated() {
            if i > 0 { app.press(.tab) }
            app.type(t)
        }
    }
}

extension AppModel {
    var editor: NoteEditorState? { if case .notes(.editor(let e)) = current { e } else { nil } }
}

final class NoteScreenTests: XCTestCase {
    func screen(_ app: AppModel) -> String { frameText(app.render()) }

    func testNFromAHomeAppointmentPrefillsTheNoteAndCtrlSSavesADraftHomeLists() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        let (appt, e) = try NoteDemo.newNoteFromHome(app)
        XCTAssertEqual(e.date.text, "2026-03-02")
        XCTAssertEqual(e.time.text, formatClockTime(appt.startMinute))
        XCTAssertEqual(e.minutes.text, String(appt.minutes))
        XCTAssertEqual(e.modalityName, appt.modality)
        XCTAssertEqual(e.format, .individual)
        XCTAssertEqual(e.template, try store.settings().defaultNoteTemplate)
        XCTAssertEqual(e.focus, .section(0))
        XCTAssertEqual(e.clientName, appt.clientName)
        NoteDemo.writeDAP(app)
        assertGolden(screen(app), "note-editor-dap-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "note-editor-dap-60x20")
        _ = app.handle(.resize(.design))

        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Draft saved at 09:00.")
        let id = try XCTUnwrap(app.editor?.note.id)
        let (stored, _) = try store.noteForEditing(id: id)
        XCTAssertEqual(stored.sections, NoteDemo.dapText)
        XCTAssertEqual(stored.status, .draft)
        XCTAssertEqual(stored.startMinute, appt.startMinute)
        XCTAssertFalse(app.editor!.isChanged)
        XCTAssertTrue(app.render().line(1).contains("saved 09:00"))

        // The appointment now shows its note written; Esc closes, Home lists the draft; Enter continues it.
        app.press(.escape)
        guard case .home(let h) = app.current else { return XCTFail("Esc returns to Home") }
        XCTAssertTrue(h.summary!.appointments.first { $0.appointmentID == appt.appointmentID }!.noteWritten)
        let k = try XCTUnwrap(h.drafts.firstIndex { $0.noteID == id }, "Home lists the draft")
        XCTAssertEqual(h.drafts, h.drafts.sorted { ($0.date, $0.startMinute) > ($1.date, $1.startMinute) }, "newest first")
        XCTAssertTrue(app.render().text.contains("My unsigned notes (\(h.drafts.count))"))
        assertGolden(screen(app), "home-drafts-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "home-drafts-60x20")
        _ = app.handle(.resize(.design))
        app.press(.tab)
        if case .home(let h2) = app.current, h2.groupsFocused { app.press(.tab) }
        guard case .home(let h3) = app.current, h3.draftsFocused else { return XCTFail("Tab reaches the drafts") }
        app.press(.home)
        for _ in 0..<k { app.press(.down) }
        app.press(.enter)
        XCTAssertEqual(app.editor?.note.id, id)
        XCTAssertEqual(app.editor?.sections.map(\.text), NoteDemo.dapText)
        XCTAssertFalse(app.hasUnsavedChanges)
    }

    func testAutosaveAfterThirtySecondsOfUnsavedTyping() throws {
        let store = try NoteDemo.fresh()
        let clock = StepClock(day: NoteDemo.clock.day, minute: 9 * 60)
        let app = try NoteDemo.app(store, clock: clock)
        _ = try NoteDemo.newNoteFromHome(app)
        app.type("Zoë arrived early.")
        XCTAssertTrue(app.hasUnsavedChanges)
        clock.advance(seconds: 20)
        XCTAssertEqual(app.handle(.tick), .none)
        XCTAssertNil(app.editor?.note.id, "not yet: 20 s")
        clock.advance(seconds: 10)
        XCTAssertEqual(app.handle(.tick), .redraw)
        let id = try XCTUnwrap(app.editor?.note.id, "saved after 30 s")
        XCTAssertEqual(try store.noteForEditing(id: id).note.sections[0], "Zoë arrived early.")
        XCTAssertFalse(app.hasUnsavedChanges)
        XCTAssertEqual(app.message?.text, "Draft saved automatically at 09:00.")
        // Quiet while nothing changes; typing again starts a new 30 s.
        clock.advance(seconds: 60)
        XCTAssertEqual(app.handle(.tick), .none)
        app.type(" Calm.")
        clock.advance(seconds: 29)
        _ = app.handle(.tick)
        XCTAssertEqual(try store.noteForEditing(id: id).note.sections[0], "Zoë arrived early.")
        clock.advance(seconds: 1)
        _ = app.handle(.tick)
        XCTAssertEqual(try store.noteForEditing(id: id).note.sections[0], "Zoë arrived early. Calm.")
        // Typing without a pause (no tick comes) still saves once 30 s have passed.
        app.type(" 李")
        clock.advance(seconds: 31)
        app.type("!")
        XCTAssertEqual(try store.noteForEditing(id: id).note.sections[0], "Zoë arrived early. Calm. 李!")
    }

    func testHangUpSavesTheDraftButNeverOverASaveMadeMeanwhile() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        _ = try NoteDemo.newNoteFromHome(app)
        app.type("Written before the line dropped: Ñúñez 李")
        XCTAssertEqual(app.handle(.hangup), .quit)
        let mine = try XCTUnwrap(try store.drafts(staffID: app.identity.staffID, now: NoteDemo.clock.now()).first)
        XCTAssertEqual(try store.noteForEditing(id: mine.noteID).note.sections[0], "Written before the line dropped: Ñúñez 李")

        // Two sessions on the same draft: the other one saves first; my hang-up keeps theirs.
        let a = try NoteDemo.app(store), b = try NoteDemo.app(store)
        for app in [a, b] {
            app.press(.tab)
            if case .home(let h) = app.current, h.groupsFocused { app.press(.tab) }
            app.press(.enter)
            XCTAssertEqual(app.editor?.note.id, mine.noteID)
        }
        b.type(" — theirs")
        b.press(.ctrl("s"))
        a.type(" — mine")
        _ = a.handle(.hangup)
        XCTAssertEqual(try store.noteForEditing(id: mine.noteID).note.sections[0],
                       "Written before the line dropped: Ñúñez 李 — theirs")
        // Next time the draft is opened, the app says what happened.
        let c = try NoteDemo.app(store)
        c.press(.tab)
        if case .home(let h) = c.current, h.groupsFocused { c.press(.tab) }
        c.press(.enter)
        XCTAssertEqual(c.editor?.note.id, mine.noteID)
        XCTAssertEqual(c.message?.text, "Your changes when the line dropped (2026-03-02 09:00) were not saved: \(a.identity.staff.displayName) had saved it meanwhile. This is the saved version.")
    }

    func testQuitWithUnsavedNoteAsksAndYesSavesTheDraft() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        _ = try NoteDemo.newNoteFromHome(app)
        app.type("Unsaved words, Ñúñez.")
        XCTAssertEqual(app.press(.ctrl("c")), [.redraw])
        XCTAssertTrue(app.render().line(22).contains("You have unsaved changes. Quit anyway? (y/n)"))
        // Any key but y answers no (YesNo): the session stays, and a late y is an ordinary key again.
        XCTAssertEqual(app.press(.char("x")), [.redraw])
        XCTAssertEqual(app.message?.text, "Still here. Nothing was lost.")
        XCTAssertNil(app.prompt)
        XCTAssertEqual(app.press(.ctrl("c")), [.redraw])
        XCTAssertEqual(app.press(.char("y")), [.quit])
        let d = try XCTUnwrap(try store.drafts(staffID: app.identity.staffID, now: NoteDemo.clock.now()).first)
        XCTAssertEqual(try store.noteForEditing(id: d.noteID).note.sections[0], "Unsaved words, Ñúñez.")
    }

    func testCtrlSAfterSomeoneElseSavedAsksReloadOrOverwrite() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        _ = try NoteDemo.newNoteFromHome(app)
        app.type("First words.")
        app.press(.ctrl("s"))
        let id = try XCTUnwrap(app.editor?.note.id)
        // The same draft saved from another session (the same counselor on a second terminal).
        var other = try store.noteForEditing(id: id).note
        other.sections[0] = "Their version."
        _ = try store.saveDraft(other, links: [], appointmentID: nil, force: false, by: app.identity.staff)

        app.type(" Mine.")
        app.press(.ctrl("s"))
        guard case .conflict(let c)? = app.editor?.prompt else { return XCTFail("a conflict question: \(app.message?.text ?? "")") }
        XCTAssertEqual(c.changedBy, app.identity.staff.displayName)
        let frame = app.render()
        XCTAssertTrue(frame.line(22).contains("meanwhile: r reload theirs / o overwrite mine"), frame.line(22))
        XCTAssertTrue(frame.line(23).contains("r reload theirs"))
        app.type("r")
        XCTAssertEqual(app.editor?.sections[0].text, "Their version.")
        XCTAssertFalse(app.editor!.isChanged)

        // Again, and this time overwrite.
        var third = try store.noteForEditing(id: id).note
        third.sections[0] = "A third version."
        _ = try store.saveDraft(third, links: [], appointmentID: nil, force: false, by: app.identity.staff)
        app.type(" Mine again.")
        app.press(.ctrl("s"))
        XCTAssertNotNil(app.editor?.prompt)
        app.type("o")
        XCTAssertEqual(try store.noteForEditing(id: id).note.sections[0], "Their version. Mine again.")
        XCTAssertEqual(app.message?.text, "Saved over the other version at 09:00.")
    }

    func testSignFromTheNotesTabThenEditingIsRefusedAndAnAddendumShowsUnderTheNote() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        let (appt, _) = try NoteDemo.newNoteFromHome(app)
        NoteDemo.writeDAP(app)
        app.press(.escape)
        // To the chart: Enter on the appointment, Notes tab; the new draft is the newest note.
        guard case .home(let h) = app.current else { return XCTFail() }
        XCTAssertEqual(h.summary?.appointments[h.cursor.selected].appointmentID, appt.appointmentID)
        app.press(.enter)
        app.type("3")
        guard case .chart(let c) = app.current, case .note(let i)? = c.notesEntries.first else { return XCTFail("notes tab") }
        XCTAssertEqual(c.notes[i].status, .draft)
        XCTAssertEqual(c.notesCursor.selected, 0)
        app.type("S")
        XCTAssertTrue(app.render().line(22).contains("Sign the draft of 2026-03-02? It cannot be changed afterwards. (y/n)"))
        app.type("x")                        // any key but y answers no (YesNo)
        XCTAssertEqual(app.message?.text, "Not signed. The note is still a draft.")
        app.type("y")                        // a late y answers nothing: the question is gone
        guard case .chart(let c1) = app.current, case .note(let j)? = c1.notesEntries.first else { return XCTFail("notes tab") }
        XCTAssertEqual(try store.noteForEditing(id: c1.notes[j].id).note.status, .draft)
        app.type("S")
        app.type("n")
        XCTAssertEqual(app.message?.text, "Not signed. The note is still a draft.")
        app.type("S", )
        app.type("y")
        XCTAssertEqual(app.message?.text, "Signed. The note is now read-only; corrections go in dated addenda (a).")
        guard case .chart(let c2) = app.current, let open = c2.openNote else { return XCTFail("the signed note is open") }
        XCTAssertEqual(open.note.status, .signed)
        XCTAssertTrue(app.render().text.contains("[x] Signed by"))

        app.type("e")
        XCTAssertEqual(app.message?.text, NotesTab.signedSentence)
        XCTAssertEqual(app.message?.role, .warning)
        app.type("a")
        guard case .notes(.addendum) = app.current else { return XCTFail("a opens the addendum editor") }
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "The addendum is empty; write the correction first.")
        app.type("Correction: Zoë's dose is taken at 08:30, not 09:00.")
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "Addendum added under the note, dated today.")
        guard case .chart(let c3) = app.current, let reread = c3.openNote else { return XCTFail("back to the note") }
        XCTAssertEqual(reread.addenda.map(\.text), ["Correction: Zoë's dose is taken at 08:30, not 09:00."])
        app.press(.end)
        assertGolden(screen(app), "note-signed-addendum-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        app.press(.end)
        assertGolden(screen(app), "note-signed-addendum-60x20")
        _ = app.handle(.resize(.design))
        // The store agrees: the note is signed and its text unchanged.
        let (stored, _) = try store.noteForEditing(id: reread.note.id!)
        XCTAssertEqual(stored.status, .signed)
        XCTAssertEqual(stored.sections, NoteDemo.dapText)
    }

    func testXOnTheNotesTabDiscardsMyDraftAfterAskingButNeverASignedNote() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        _ = try NoteDemo.newNoteFromHome(app)
        NoteDemo.writeDAP(app)
        app.press(.ctrl("s"))
        app.press(.escape)
        app.press(.enter)
        app.type("3")
        guard case .chart(let c) = app.current, case .note(let i)? = c.notesEntries.first else { return XCTFail("notes tab") }
        let draftID = c.notes[i].id
        let countBefore = try store.noteCount(clientID: c.clientID)
        XCTAssertEqual(c.notes[i].status, .draft)

        app.type("X")
        XCTAssertTrue(app.render().line(22).contains("Discard the draft of 2026-03-02 and everything in it? (y/n)"),
                      app.render().line(22))
        app.type("n")
        XCTAssertEqual(app.message?.text, "The draft is kept.")
        XCTAssertEqual(try store.noteCount(clientID: c.clientID), countBefore)

        app.type("X"); app.type("y")
        XCTAssertEqual(app.message?.text, "Draft discarded.")
        XCTAssertEqual(try store.noteCount(clientID: c.clientID), countBefore - 1)
        XCTAssertFalse(try store.drafts(staffID: app.identity.staff.id!, now: NoteDemo.clock.now())
            .contains { $0.noteID == draftID }, "Home no longer lists it")
        guard case .chart(let after) = app.current else { return XCTFail("still on the chart") }
        XCTAssertFalse(after.notes.contains { $0.id == draftID }, "the Notes tab no longer lists it")
        XCTAssertFalse(app.render().text.contains(NoteDemo.dapText[0].prefix(20)))


        // A signed note of the list: X says why not.
        guard let signed = after.notesEntries.firstIndex(where: { if case .note(let n) = $0 { after.notes[n].status == .signed } else { false } })
        else { return XCTFail("the demo client has signed notes") }
        for _ in 0..<signed { app.press(.down) }
        app.type("X")
        XCTAssertEqual(app.message?.text, "A signed note stays in the chart; corrections are addenda (Enter, then a).")
        XCTAssertEqual(try store.noteCount(clientID: c.clientID), countBefore - 1)
    }

    func testSearchFromTheCommandLineFindsTheNoteNewestFirstWithHighlights() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        _ = try NoteDemo.newNoteFromHome(app)
        NoteDemo.writeDAP(app)
        app.press(.escape)
        app.type(":")
        app.type("search stead")
        app.press(.enter)
        guard case .notes(.search(let s)) = app.current else { return XCTFail("the search screen") }
        XCTAssertFalse(s.hits.isEmpty, app.message?.text ?? "")
        XCTAssertEqual(s.hits, s.hits.sorted { $0.date > $1.date }.sorted { $0.date > $1.date })
        let top = s.hits[0]
        XCTAssertEqual(top.date, NoteDemo.clock.day, "today's note is the newest")
        XCTAssertEqual(top.section, "Data")
        let marked = top.highlights.map { String(Array(top.snippet)[$0]) }
        XCTAssertTrue(marked.contains { $0.lowercased().hasPrefix("stead") }, "\(marked)")
        let frame = app.render()
        let row = try XCTUnwrap((0..<24).first { frame.line($0).contains("Data:") && frame.line($0).contains("steady") })
        let x = DisplayWidth.of(String(frame.line(row).prefix(while: { _ in true }).components(separatedBy: "steady")[0]))
        XCTAssertEqual(frame[x, row].role, .highlight, "the matched word is highlighted")
        assertGolden(screen(app), "note-search-80x24")
        _ = app.handle(.resize(Size(width: 60, height: 20)))
        assertGolden(screen(app), "note-search-60x20")
        _ = app.handle(.resize(.design))
        app.press(.enter)
        guard case .chart(let c) = app.current else { return XCTFail("Enter reads the note in the chart") }
        XCTAssertEqual(c.openNote?.note.id, top.noteID)
        app.press(.escape, .escape)
        guard case .notes(.search) = app.current else { return XCTFail("back to the results") }

        // A bad date in the query line is a sentence, not a crash; the query stays to be fixed.
        app.type("/")
        app.press(.ctrl("u"))
        for ch in "anx from:2026-13-01" { _ = app.handle(.key(.char(ch))) }
        app.press(.enter)
        XCTAssertEqual(app.message?.text, "“from:2026-13-01” is not a date: write from:YYYY-MM-DD, like from:2026-01-31.")
        XCTAssertEqual(app.message?.role, .error)
    }

    func testSlashOnTheNotesTabSearchesOnlyThisClient() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        app.press(.enter)
        app.type("3")
        guard case .chart(let c) = app.current else { return XCTFail() }
        app.type("/")
        guard case .notes(.search(let s)) = app.current else { return XCTFail("/ opens search") }
        XCTAssertEqual(s.clientID, c.clientID)
        app.type("the")
        app.press(.enter)
        guard case .notes(.search(let s2)) = app.current else { return XCTFail() }
        XCTAssertTrue(s2.hits.allSatisfy { $0.clientID == c.clientID })
        XCTAssertTrue(app.render().line(2).contains("Notes of \(c.summary.client.displayName)"))
    }

    func testGoalLinksFromTheCurrentPlanAreSavedAndShownWhenReading() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store, Size(width: 60, height: 16))
        // A client of mine with a plan that has goals.
        guard case .home = app.current else { return XCTFail() }
        let rows = try store.caseloadRows(for: app.identity.staffID, scope: .mine, on: NoteDemo.clock.day)
        let client = try XCTUnwrap(rows.first { (try? store.currentPlan(clientID: $0.id))??.problems.first?.goals.isEmpty == false })
        app.perform(.openChart(clientID: client.id))
        app.type("n")
        guard let e = app.editor else { return XCTFail("n in the chart opens the editor: \(app.message?.text ?? "")") }
        XCTAssertFalse(e.linkOptions.isEmpty)
        app.type("Worked on the first goal.")
        app.press(.backTab)
        XCTAssertEqual(app.editor?.focus, .links)
        let frame = app.render()
        XCTAssertTrue(frame.text.contains("[ ] Goal 1.1: "), frame.text)
        XCTAssertEqual(frame.cursor?.y, 1 + 5, "the cursor sits on the selected goal (title, 3 fact rows at 60 columns, list heading)")
        app.type(" ")
        XCTAssertTrue(app.render().text.contains("[x] Goal 1.1: "))
        app.press(.tab)
        XCTAssertEqual(app.editor?.focus, .section(0))
        // Every section written, so the note can be signed from the Notes tab.
        for text in ["Engaged and on time.", "Weekly sessions go on."] {
            app.press(.tab)
            app.type(text)
        }
        app.press(.ctrl("s"))
        let id = try XCTUnwrap(app.editor?.note.id)
        let goal = try XCTUnwrap(e.linkOptions.first?.link)
        XCTAssertEqual(try store.noteForEditing(id: id).links, [goal])
        app.press(.escape)
        guard case .chart(let c) = app.current else { return XCTFail("Esc returns to the chart") }
        XCTAssertEqual(c.tab, .summary, "the chart stays on its tab")
        app.type("3")
        app.type("S")
        app.type("y")
        guard case .chart(let c2) = app.current, let open = c2.openNote else { return XCTFail("the signed note is open") }
        XCTAssertEqual(open.note.id, id)
        XCTAssertEqual(open.linkedGoals.count, 1)
        XCTAssertTrue(app.render().text.contains("Goals addressed:"))
    }

    func testSupervisorWidensASearchToTheTeamButNotTheProgram() throws {
        let store = try NoteDemo.fresh()
        let sv = try XCTUnwrap(try store.allStaff().first { $0.role == .supervisor && $0.active })
        let app = try NoteDemo.app(store, user: sv.username)
        app.type("/")
        guard case .notes(.search(let s0)) = app.current else { return XCTFail("/ on Home opens note search") }
        XCTAssertEqual(s0.scope, .mine)
        app.type("the")
        app.press(.enter)
        guard case .notes(.search(let s1)) = app.current else { return XCTFail() }
        if s1.hits.isEmpty { app.press(.escape) }
        app.type("v")
        guard case .notes(.search(let s2)) = app.current else { return XCTFail() }
        XCTAssertEqual(s2.scope, .team)
        XCTAssertGreaterThanOrEqual(s2.hits.count, s1.hits.count)
        XCTAssertTrue(app.render().line(2).contains("My team's notes"))
        if s2.hits.isEmpty { app.press(.escape) }
        app.type("v")
        guard case .notes(.search(let s3)) = app.current else { return XCTFail() }
        XCTAssertEqual(s3.scope, .mine, "v goes back to mine: nobody searches the whole program")
        XCTAssertEqual(s3.hits.count, s1.hits.count)
        // A counselor cannot widen it.
        let counselor = try NoteDemo.app(store)
        counselor.type("/")
        counselor.type("the")
        counselor.press(.enter)
        counselor.type("v")
        XCTAssertEqual(counselor.message?.text, "Supervisors can widen a search to their team; yours covers your clients.")
    }

    func testSomeoneElsesDraftOpensForReadingNotEditing() throws {
        let store = try NoteDemo.fresh()
        let me = try XCTUnwrap(try store.staff(username: "ccounselor"))
        let client = try XCTUnwrap(try store.caseloadRows(for: me.id!, scope: .mine, on: NoteDemo.clock.day).first)
        let note = ProgressNote(clientID: client.id, staffID: me.id!, date: NoteDemo.clock.day, startMinute: 23 * 60,
                                minutes: 50, modalityID: try XCTUnwrap(try store.noteModalities().first?.id),
                                format: .individual, template: .dap, sections: ["Late session, Zoë.", "", ""],
                                status: .draft, billingUnits: 3, createdAt: NoteDemo.clock.now(), updatedAt: NoteDemo.clock.now())
        let saved = try store.saveDraft(note, links: [], appointmentID: nil, force: false, by: me)
        let sv = try XCTUnwrap(try store.allStaff().first { $0.role == .supervisor && $0.active })
        let app = try NoteDemo.app(store, user: sv.username)
        app.perform(.openChart(clientID: client.id))
        app.type("3")
        guard case .chart(let c) = app.current, case .note(let i)? = c.notesEntries.first else { return XCTFail() }
        XCTAssertEqual(c.notes[i].id, saved.id, "the 23:00 draft is the newest note")
        app.press(.enter)
        XCTAssertNil(app.editor)
        guard case .chart(let c2) = app.current else { return XCTFail() }
        XCTAssertEqual(c2.openNote?.note.id, saved.id)
        XCTAssertEqual(app.message?.text, "This draft is \(me.displayName)'s; only its author can continue it.")
    }

    func testSupervisorCosignsFromTheQueue() throws {
        let store = try NoteDemo.fresh()
        let sv = try XCTUnwrap(try store.allStaff().first { $0.role == .supervisor && $0.active })
        // A new counselor whose notes need a co-signature signs two notes.
        let trainee = try store.addStaff(Staff(username: "trainee", displayName: "Tomás Trainee", role: .counselor,
                                               supervisorID: sv.id, needsCosign: true))
        let clientID = try XCTUnwrap(try store.caseloadRows(for: sv.id!, scope: .team, on: NoteDemo.clock.day).first?.id)
        // The trainee takes over that client (a counselor writes notes for their own caseload).
        try store.write { try $0.execute(sql: "UPDATE clients SET primary_counselor_id = ? WHERE id = ?", arguments: [trainee.id, clientID]) }
        let modality = try XCTUnwrap(try store.noteModalities().first?.id)
        for (day, text) in [("2026-02-26", "Zoë Ñúñez 李 first session."), ("2026-02-27", "Second session.")] {
            let note = ProgressNote(clientID: clientID, staffID: trainee.id!, date: Day(day)!, startMinute: 600,
                                    minutes: 50, modalityID: modality, format: .individual, template: .dap,
                                    sections: [text, "Engaged.", "Weekly."], status: .draft, billingUnits: 3,
                                    createdAt: NoteDemo.clock.now(), updatedAt: NoteDemo.clock.now())
            let saved = try store.saveDraft(note, links: [], appointmentID: nil, force: false, by: trainee)
            _ = try store.sign(noteID: saved.id!, expectedRevision: saved.revision, by: trainee)
        }
        let username = sv.username
        let app = try NoteDemo.app(store, user: username)
        XCTAssertTrue(app.render().text.contains("To co-sign: "))
        app.type(":")
        app.type("cosign")
        app.press(.enter)
        guard case .notes(.cosign(let q)) = app.current else { return XCTFail("the queue: \(app.message?.text ?? "")") }
        let before = q.rows.count
        let first = q.rows[0]
        app.type("c")
        XCTAssertTrue(app.render().line(22).contains("Co-sign \(first.staffName)'s note of \(first.date)"))
        XCTAssertEqual(first.staffName, "Tomás Trainee")
        app.type("y")
        XCTAssertEqual(app.message?.text, "Co-signed.")
        guard case .notes(.cosign(let q2)) = app.current else { return XCTFail() }
        XCTAssertEqual(q2.rows.count, before - 1)
        XCTAssertFalse(q2.rows.contains { $0.noteID == first.noteID })
        let detail = try store.note(id: first.noteID)
        XCTAssertEqual(detail.cosignedByName, sv.signatureText, "the name and credentials at co-signing")
        // Enter on the one left reads it in the chart; the co-signed one shows its co-signature line.
        app.press(.enter)
        guard case .chart(let c) = app.current else { return XCTFail("Enter reads the note") }
        XCTAssertEqual(c.openNote?.note.id, q2.rows.first?.noteID)
        app.perform(.notes(.readNote(clientID: first.clientID, noteID: first.noteID)))
        XCTAssertTrue(app.render().text.contains("[x] Co-signed by \(sv.signatureText) on 2026-03-02 09:00"), app.render().text)
        // A counselor has no queue.
        let counselor = try NoteDemo.app(store)
        counselor.type(":")
        counselor.type("cosign")
        counselor.press(.enter)
        XCTAssertEqual(counselor.message?.text, "The co-signature queue is for clinical supervisors.")
    }
}
