// The note editor's reducer without a store: fields, Tab order, validation sentences, units, templates.
import XCTest
import CaseloadCore
@testable import CaseloadViewModels

final class NoteEditorReducerTests: XCTestCase {
    static let modalities = [Modality(id: 1, name: "Individual counseling"), Modality(id: 2, name: "Motivational interviewing"),
                             Modality(id: 3, name: "Cognitive-behavioral therapy")]

    func editor(template: NoteTemplate = .dap, format: SessionFormat = .individual, sections: [String]? = nil,
                area: Rect = Fixtures.area80) -> NoteEditorState {
        let now = Date(timeIntervalSince1970: 1_772_000_000)
        let note = ProgressNote(clientID: 42, staffID: 1, date: Fixtures.today, startMinute: 600, minutes: 50,
                                modalityID: 1, format: format, template: template,
                                sections: sections ?? template.sections.map { _ in "" }, status: .draft,
                                billingUnits: 3, createdAt: now, updatedAt: now, revision: 0)
        return NoteEditorState(note: note, links: [], clientName: "Ñúñez, Zoë \"Zo\"", mrn: "M04242",
                               modalities: Self.modalities, plan: nil, area: area, today: Fixtures.today,
                               settings: ProgramSettings())
    }

    @discardableResult
    func keys(_ s: inout NoteEditorState, _ keys: Key...) -> [Request] { keys.map { NoteEditor.key(&s, $0) } }
    func type(_ s: inout NoteEditorState, _ text: String) { for c in text { _ = NoteEditor.key(&s, .char(c)) } }

    func testOpensInTheFirstSectionAndTypingGoesThere() {
        var s = editor()
        XCTAssertEqual(s.focus, .section(0))
        type(&s, "Zoë Ñúñez 李 said mornings are steady.")
        XCTAssertEqual(s.sections[0].text, "Zoë Ñúñez 李 said mornings are steady.")
        XCTAssertTrue(s.isChanged)
        XCTAssertTrue(s.editedSinceCheck, "the app model stamps the autosave clock from this")
    }

    func testTabMovesThroughEveryFieldAndNeverInsertsATab() {
        var s = editor()
        var seen: [NoteField] = [s.focus]
        for _ in 0..<10 { keys(&s, .tab); seen.append(s.focus) }
        XCTAssertEqual(seen, [.section(0), .section(1), .section(2), .date, .time, .minutes, .modality, .format,
                              .template, .links, .section(0)])
        XCTAssertTrue(s.sections.allSatisfy { !$0.text.contains("\t") })
        keys(&s, .backTab)
        XCTAssertEqual(s.focus, .links)
        keys(&s, .backTab, .backTab)
        XCTAssertEqual(s.focus, .format)
    }

    func testABadDateStaysInTheFieldWithASentence() {
        var s = editor()
        keys(&s, .tab, .tab, .tab)
        XCTAssertEqual(s.focus, .date)
        keys(&s, .ctrl("u"))
        type(&s, "2026-02-30")
        XCTAssertEqual(keys(&s, .tab), [.message("The date “2026-02-30” is not a date: write it as YYYY-MM-DD, like 2026-03-02.", .error)])
        XCTAssertEqual(s.focus, .date)
        keys(&s, .ctrl("u"))
        type(&s, "2026-03-03")
        XCTAssertEqual(keys(&s, .tab), [.message("The date 2026-03-03 is in the future: a note documents a session that took place.", .error)])
        XCTAssertEqual(keys(&s, .ctrl("s")), [.message("The date 2026-03-03 is in the future: a note documents a session that took place.", .error)],
                       "Ctrl-S refuses too")
        keys(&s, .ctrl("u"))
        type(&s, "2026-02-27")
        XCTAssertEqual(keys(&s, .tab), [.none])
        XCTAssertEqual(s.focus, .time)
        XCTAssertEqual(s.build(strict: true).note.date, Day("2026-02-27"))
    }

    func testTimeAndMinutesValidateAndUnitsFollowTheMinutes() {
        var s = editor()
        keys(&s, .tab, .tab, .tab, .tab)
        XCTAssertEqual(s.focus, .time)
        keys(&s, .backspace, .backspace)
        type(&s, "75")
        XCTAssertEqual(keys(&s, .tab), [.message("The start time “10:75” is not a time: write it as HH:MM, like 09:30.", .error)])
        keys(&s, .backspace, .backspace)
        type(&s, "45")
        keys(&s, .tab)
        XCTAssertEqual(s.focus, .minutes)
        XCTAssertEqual(s.billingUnits, ProgramSettings().billingUnits(forMinutes: 50))
        keys(&s, .ctrl("u"))
        type(&s, "90")
        XCTAssertEqual(s.billingUnits, ProgramSettings().billingUnits(forMinutes: 90), "units follow the minutes as typed")
        XCTAssertTrue(frameText(render(s)).contains("Units \(ProgramSettings().billingUnits(forMinutes: 90))"))
        keys(&s, .ctrl("u"))
        type(&s, "lots")
        XCTAssertEqual(s.billingUnits, nil)
        XCTAssertEqual(keys(&s, .enter), [.message("Minutes must be a whole number from 1 to 720, like 50.", .error)])
        keys(&s, .ctrl("u"))
        type(&s, "30")
        keys(&s, .tab)
        let built = s.build(strict: true)
        XCTAssertNil(built.problem)
        XCTAssertEqual(built.note.startMinute, 10 * 60 + 45)
        XCTAssertEqual(built.note.minutes, 30)
        XCTAssertEqual(built.note.billingUnits, ProgramSettings().billingUnits(forMinutes: 30))
    }

    func testChoicesCycleAndANoShowIsOneShortLineBillingNothing() {
        var s = editor()
        keys(&s, .backTab, .backTab, .backTab, .backTab)
        XCTAssertEqual(s.focus, .modality)
        keys(&s, .char(" "))
        XCTAssertEqual(s.modalityName, "Motivational interviewing")
        keys(&s, .char("c"))
        XCTAssertEqual(s.modalityName, "Cognitive-behavioral therapy", "a letter jumps to the modality starting with it")
        keys(&s, .tab)
        XCTAssertEqual(s.focus, .format)
        for _ in 0..<5 { keys(&s, .right) }
        XCTAssertEqual(s.format, .noShow)
        XCTAssertEqual(s.billingUnits, 0)
        XCTAssertEqual(s.visibleSections, [0], "a no-show is one line")
        keys(&s, .tab, .tab, .tab)
        XCTAssertEqual(s.focus, .section(0))
        type(&s, "No call, no show.")
        keys(&s, .enter)
        XCTAssertEqual(s.sections[0].text, "No call, no show.", "Enter does not break a one-line note")
        XCTAssertEqual(s.focus, .date)
        let built = s.build(strict: true)
        XCTAssertEqual(built.note.format, .noShow)
        XCTAssertEqual(built.note.billingUnits, 0)
        XCTAssertEqual(built.note.modalityID, 3)
        keys(&s, .tab, .tab, .tab, .tab)
        XCTAssertEqual(s.focus, .format)
        keys(&s, .left)
        XCTAssertEqual(s.format, .telehealth)
        XCTAssertEqual(s.visibleSections, [0, 1, 2])
    }

    func testChangingTemplateKeepsEveryWord() {
        var s = editor(sections: ["Data Zoë", "Assess 李", "Plan next"])
        keys(&s, .backTab, .backTab)
        XCTAssertEqual(s.focus, .template)
        keys(&s, .char(" "))
        XCTAssertEqual(s.template, .soap)
        XCTAssertEqual(s.sections.map(\.text), ["Data Zoë", "Assess 李", "Plan next", ""])
        XCTAssertEqual((0..<4).map { s.title(of: $0) }, ["Subjective", "Objective", "Assessment", "Plan"])
        // Text in SOAP's fourth section, then back to DAP (three): it joins the third, nothing is lost.
        keys(&s, .tab, .tab, .tab, .tab, .tab)
        XCTAssertEqual(s.focus, .section(3))
        type(&s, "Follow up")
        keys(&s, .backTab, .backTab, .backTab, .backTab, .backTab)
        XCTAssertEqual(s.focus, .template)
        keys(&s, .left)
        XCTAssertEqual(s.template, .dap)
        XCTAssertEqual(s.sections.map(\.text), ["Data Zoë", "Assess 李", "Plan next\n\nFollow up"])
    }

    func testEscSavesAndClosesAndCtrlSSaves() {
        var s = editor()
        type(&s, "x")
        XCTAssertEqual(keys(&s, .ctrl("s")), [.notes(.save(force: false, then: .stay))])
        XCTAssertEqual(keys(&s, .escape), [.notes(.save(force: false, then: .close))])
    }

    func testSignAsksFirstAndRefusesAnEmptyNote() {
        var s = editor()
        keys(&s, .backTab)
        XCTAssertEqual(s.focus, .links)
        XCTAssertEqual(keys(&s, .char("S")), [.message("The note is empty; write it before signing.", .warning)])
        keys(&s, .tab)
        type(&s, "Seen.")
        keys(&s, .backTab)
        // A DAP note needs every section before it is signed.
        XCTAssertEqual(keys(&s, .char("S")),
                       [.message("Write the Assessment and Plan sections before signing: a DAP note needs every section.", .warning)])
        XCTAssertNil(s.prompt)
        keys(&s, .tab, .tab)
        type(&s, "Engaged.")
        keys(&s, .tab)
        type(&s, "Weekly.")
        keys(&s, .backTab, .backTab, .backTab)
        keys(&s, .char("S"))
        XCTAssertEqual(s.prompt, .sign)
        XCTAssertEqual(keys(&s, .char("n")), [.message("Not signed. The note is still a draft.", .info)])
        XCTAssertNil(s.prompt)
        keys(&s, .char("S"))
        XCTAssertEqual(keys(&s, .char("y")), [.notes(.save(force: false, then: .sign))])
    }

    func testConflictPromptKeys() {
        var s = editor()
        s.prompt = .conflict(EditConflict(what: "The note", changedBy: "Mei Esposito", changedAt: nil))
        XCTAssertEqual(keys(&s, .char("x")), [.none], "other keys wait for an answer")
        XCTAssertEqual(keys(&s, .char("o")), [.notes(.save(force: true, then: .stay))])
        s.prompt = .conflict(EditConflict(what: "The note", changedBy: "Mei Esposito", changedAt: nil))
        XCTAssertEqual(keys(&s, .char("r")), [.notes(.reloadTheirs)])
    }

    func render(_ s: NoteEditorState, size: Size = .design) -> ScreenBuffer {
        var b = ScreenBuffer(size: size)
        NoteEditor.render(s, into: &b)
        return b
    }

    func testTheFocusedSectionGetsMostRowsAndFitsAt60x16() {
        var s = editor(sections: ["one\ntwo\nthree", "", ""])
        let l = NoteEditor.layout(s)
        XCTAssertGreaterThanOrEqual(l.textHeight, 12, "at 80×24 the open section has most of the screen")
        s.area = Rect(x: 0, y: 1, width: 60, height: 13)
        NoteEditor.relayout(&s)
        let small = NoteEditor.layout(s)
        XCTAssertGreaterThanOrEqual(small.textHeight, 3)
        XCTAssertLessThanOrEqual(small.textY + small.textHeight, 13)
        let b = render(s, size: Size(width: 60, height: 16))
        XCTAssertTrue(b.text.contains("Assessment: (empty)"))
        XCTAssertTrue(b.text.contains("Plan: (empty)"))
        XCTAssertEqual(b.cursor, Point(x: 3 + 5, y: 1 + small.textY + 2), "the cursor is at the end of the text")
    }
}

final class NoteSearchAndAddendumTests: XCTestCase {
    func testQueryLineWordsAndDateRange() {
        XCTAssertEqual(try NoteSearch.parse("anx  plan from:2026-01-01 to:2026-06-30").get(),
                       ParsedNoteQuery(words: "anx plan", from: Day("2026-01-01"), to: Day("2026-06-30")))
        XCTAssertEqual(try NoteSearch.parse("Ñúñez").get(), ParsedNoteQuery(words: "Ñúñez", from: nil, to: nil))
        func message(_ q: String) -> String? {
            if case .failure(let e) = NoteSearch.parse(q) { return e.description }
            return nil
        }
        XCTAssertEqual(message("to:2026-02-30 anx"), "“to:2026-02-30” is not a date: write to:YYYY-MM-DD, like to:2026-01-31.")
        XCTAssertEqual(message("anx from:2026-06-30 to:2026-01-01"),
                       "The range starts (2026-06-30) after it ends (2026-01-01); swap from: and to:.")
        XCTAssertEqual(message("from:2026-01-01"), "Type a word to look for (a date range alone is not a search).")
    }

    func testResultsKeysReadWidenAndReturnToTheQuery() {
        var s = NoteSearchState(query: "anx", allowedScopes: [.mine, .team, .all], area: Fixtures.area80)
        XCTAssertEqual(NoteSearch.key(&s, .enter), .notes(.runSearch))
        let hit = NoteSearchHit(noteID: 9, clientID: 42, clientName: "Ñúñez, Zoë", mrn: "M04242", date: Fixtures.today,
                                format: .individual, template: .dap, status: .signed, staffName: "Casey", section: "Data",
                                snippet: "…felt anxious about 李…", highlights: [6..<13])
        s.setHits([hit])
        XCTAssertFalse(s.editing, "results take the keys once there are some")
        XCTAssertEqual(NoteSearch.command(&s, .open), .notes(.readNote(clientID: 42, noteID: 9)))
        XCTAssertEqual(NoteSearch.command(&s, .cycleScope), .notes(.runSearch))
        XCTAssertEqual(s.scope, .team)
        XCTAssertEqual(NoteSearch.command(&s, .search), .none)
        XCTAssertTrue(s.editing)
        var b = ScreenBuffer(size: .design)
        NoteSearch.render(s, into: &b)
        let line = b.line(5)
        XCTAssertTrue(line.contains("Data: …felt anxious about 李…"), line)
        let x = DisplayWidth.of(line.components(separatedBy: "anxious")[0])
        XCTAssertEqual(b[x, 5].role, .highlight)
        XCTAssertEqual(b[x + 6, 5].role, .highlight)
        XCTAssertEqual(b[x + 7, 5].role, .normal, "only the match is highlighted")
        XCTAssertEqual(b[x - 1, 5].role, .normal)
    }

    func testAddendumEscAsksBeforeDiscardingAndCtrlSAdds() {
        var s = AddendumState(noteID: 9, clientID: 42, title: "Addendum", area: Fixtures.area80)
        XCTAssertEqual(AddendumEditor.key(&s, .escape), .back, "nothing written: Esc just leaves")
        for c in "Zoë 李" { _ = AddendumEditor.key(&s, .char(c)) }
        XCTAssertEqual(AddendumEditor.key(&s, .tab), .none)
        XCTAssertEqual(s.text.text, "Zoë 李", "Tab is not typed")
        XCTAssertEqual(AddendumEditor.key(&s, .escape), .none)
        XCTAssertTrue(s.confirmingDiscard)
        XCTAssertEqual(AddendumEditor.key(&s, .char("n")), .none)
        XCTAssertFalse(s.confirmingDiscard)
        XCTAssertEqual(s.text.text, "Zoë 李")
        XCTAssertEqual(AddendumEditor.key(&s, .ctrl("s")), .notes(.saveAddendum))
        _ = AddendumEditor.key(&s, .escape)
        XCTAssertEqual(AddendumEditor.key(&s, .char("y")), .back)
    }

    func testHomeTabCyclesAppointmentsGroupsDraftsAndNWritesTheAppointmentsNote() {
        let appt = TodayAppointment(appointmentID: 5, clientID: 42, clientName: "Ñúñez, Zoë", mrn: "M04242",
                                    startMinute: 600, minutes: 50, modality: "Individual counseling")
        let group = TodayGroup(groupID: 1, groupSessionID: nil, name: "Early Recovery", startMinute: 1050, minutes: 90,
                               room: "B", rosterSize: 8, status: .scheduled)
        var h = HomeState(summary: HomeSummary(appointments: [appt], groups: [group], plansOverdue: 0, plansDueSoon: 0,
                                               unsignedNotes: 1, noContact: 0, caseloadActive: 1, caseloadOnHold: 0),
                          area: Fixtures.area80)
        let draft = DraftRow(noteID: 77, clientID: 42, clientName: "Ñúñez, Zoë", mrn: "M04242", date: Fixtures.today,
                             startMinute: 600, format: .individual, template: .dap, updatedAt: Date(), overdue: true)
        _ = HomeScreen.reduce(&h, .drafts([draft]))
        XCTAssertEqual(HomeScreen.reduce(&h, .command(.newNote)), .notes(.newNote(clientID: 42, appointment: appt)))
        _ = HomeScreen.reduce(&h, .command(.nextTab))
        XCTAssertTrue(h.groupsFocused)
        _ = HomeScreen.reduce(&h, .command(.nextTab))
        XCTAssertTrue(h.draftsFocused)
        XCTAssertFalse(h.groupsFocused)
        XCTAssertEqual(HomeScreen.reduce(&h, .command(.open)), .notes(.continueDraft(noteID: 77)))
        var b = ScreenBuffer(size: .design)
        HomeScreen.render(h, into: &b)
        XCTAssertTrue(b.text.contains("My unsigned notes (1) · ! 1 over 24 h · Enter continues"), b.text)
        XCTAssertTrue(b.text.contains("! unsigned"))
        _ = HomeScreen.reduce(&h, .command(.nextTab))
        XCTAssertFalse(h.draftsFocused || h.groupsFocused, "Tab comes back to the appointments")
        XCTAssertEqual(HomeScreen.reduce(&h, .command(.search)), .notes(.openSearch(query: nil, clientID: nil)))
    }
}
