// The app model's half of progress notes: runs NoteRequests against the NoteRepository, autosaves
// note editors, saves them on hang-up, and draws the notes screens' questions on the message line.
import Foundation
import CaseloadCore

extension AppModel {
    /// Seconds of unsaved typing after which a note editor saves itself.
    static let autosaveSeconds: TimeInterval = 30
    /// Audit detail of a hang-up save refused by a newer save (read back when the draft is reopened).
    static let lostOnHangup = "hang-up save not applied to draft #"

    // MARK: - Keys

    /// A notes screen that takes every key (an editor, the search line, a question) gets this key.
    func notesRawKey(_ key: Key) -> Effect? {
        guard case .notes(var s) = current, s.capturesKeys else { return nil }
        // Ctrl-C still quits (asking first when something is unsaved).
        if key == .ctrl("c") { return nil }
        message = nil
        let r = NotesScreens.rawKey(&s, key)
        if case .editor(var e) = s, e.editedSinceCheck {
            e.editedSinceCheck = false
            if e.dirtySince == nil { e.dirtySince = clock.now() }
            s = .editor(e)
        }
        replaceTop(.notes(s))
        let effect = perform(r)
        // Ticks come only after a second without keys; someone typing without pause is autosaved here.
        if case .notes(.editor) = current { _ = autosaveNotes() }
        return effect
    }

    // MARK: - Drafts

    private var noteEditorIndices: [Int] {
        stack.indices.filter { if case .notes(.editor) = stack[$0] { true } else { false } }
    }

    var hasUnsavedNotes: Bool {
        noteEditorIndices.contains { i in
            if case .notes(.editor(let e)) = stack[i] { return e.isChanged && !(e.note.id == nil && e.isEmpty) }
            return false
        }
    }

    /// Hang-up, SIGTERM, quit-with-save: every note editor with changes is saved as a draft. A newer save
    /// by someone else is never overwritten (EditConflict: theirs stays).
    func saveNoteDrafts() {
        for i in noteEditorIndices {
            guard case .notes(.editor(var e)) = stack[i], e.isChanged, !(e.note.id == nil && e.isEmpty) else { continue }
            do {
                try store(&e, force: false)
                stack[i] = .notes(.editor(e))
            } catch let c as EditConflict {
                // Theirs stays; the audit trail remembers, so reopening the draft can say what happened.
                if let id = e.note.id {
                    try? repository.record(.refused, by: identity.staff, clientID: e.note.clientID, subject: "note",
                                           detail: "\(Self.lostOnHangup)\(id): \(c.changedBy) had saved it meanwhile")
                }
            } catch {
                continue
            }
        }
    }

    /// `.tick`: a note editor with changes older than 30 s saves itself.
    func autosaveNotes() -> Effect {
        let now = clock.now()
        var changed = false
        for i in noteEditorIndices {
            guard case .notes(.editor(var e)) = stack[i], e.prompt == nil, let since = e.dirtySince,
                  now.timeIntervalSince(since) >= Self.autosaveSeconds else { continue }
            guard e.isChanged else { e.dirtySince = nil; stack[i] = .notes(.editor(e)); continue }
            do {
                try store(&e, force: false)
                message = Message("Draft saved automatically at \(formatClockTime(clock.minuteOfDay())).", .info)
            } catch let c as EditConflict {
                e.prompt = .conflict(c)
            } catch {
                // Tried again at the next tick after another 30 s; the text stays in the editor.
                e.dirtySince = now
                message = Message("Could not save the draft automatically: \(describe(error))", .error)
            }
            stack[i] = .notes(.editor(e))
            changed = true
        }
        return changed ? .redraw : .none
    }

    /// Saves the editor's note (lenient about header fields that do not parse: the last saved values stand).
    @discardableResult
    private func store(_ e: inout NoteEditorState, force: Bool) throws -> ProgressNote {
        guard let repo = notes else { throw CaseloadError.refused("This store cannot save notes.") }
        let (note, _) = e.build(strict: false)
        let saved = try repo.saveDraft(note, links: Array(e.links).sorted { ($0.goalID ?? 0, $0.objectiveID ?? 0) < ($1.goalID ?? 0, $1.objectiveID ?? 0) },
                                       appointmentID: e.note.id == nil ? e.appointmentID : nil, force: force,
                                       by: identity.staff)
        e.didSave(saved, at: clock.now())
        return saved
    }

    // MARK: - Requests

    func performNotes(_ request: NoteRequest) {
        guard let repo = notes else {
            message = Message("This store cannot hold progress notes.", .warning)
            return
        }
        do {
            switch request {
            case let .newNote(clientID, appointment):
                if let a = appointment, let noteID = a.noteID {
                    // A draft opens where it was left; a signed note is read on the Notes tab (addenda go there).
                    if !a.noteSigned { try openDraft(noteID, repo); return }
                    message = Message("The note of this appointment is signed; it is on \(a.clientName)'s Notes tab (Enter, 3).", .info)
                    return
                }
                try openNewNote(clientID: clientID, appointment: appointment, repo)
            case .continueDraft(let id):
                try openDraft(id, repo)
            case let .save(force, then):
                try save(force: force, then: then, repo)
            case .reloadTheirs:
                guard case .notes(.editor(let e)) = current, let id = e.note.id else { return }
                stack.removeLast()
                try openDraft(id, repo, focus: e.focus)
                message = Message("Reloaded the note as it is stored now.", .info)
            case .sign(let id):
                let stored = try repo.noteForEditing(id: id).note
                try sign(id, revision: stored.revision, repo)
            case .discard(let id):
                try repo.discardDraft(noteID: id, by: identity.staff)
                if case .chart(var c) = current {
                    if c.openNote?.note.id == id { c.openNote = nil }
                    let list = try repository.notes(clientID: c.clientID, limit: ChartScreen.notesPage, offset: 0)
                    _ = ChartScreen.reduce(&c, .tabLoaded(.notes(list, total: try repository.noteCount(clientID: c.clientID))))
                    _ = ChartScreen.reduce(&c, .groupAttendanceLoaded(try repository.attendanceHistory(clientID: c.clientID, limit: 200)))
                    replaceTop(.chart(c))
                }
                message = Message("Draft discarded.", .ok)
            case .openAddendum(let id):
                guard case .chart(let c) = current, let d = c.openNote else { return }
                let title = "Addendum to the \(d.note.template.label) note of \(d.note.date) · \(c.summary.client.displayName)"
                stack.append(.notes(.addendum(AddendumState(noteID: id, clientID: c.clientID, title: title, area: contentArea))))
            case .saveAddendum:
                guard case .notes(.addendum(let a)) = current else { return }
                try repo.addAddendum(noteID: a.noteID, text: a.text.text, by: identity.staff)
                stack.removeLast()
                try reloadChartNotes(clientID: a.clientID, select: a.noteID, open: true)
                message = Message("Addendum added under the note, dated today.", .info)
            case let .openSearch(query, clientID):
                var name: String?
                if let clientID { name = try repository.chartSummary(clientID: clientID).client.displayName }
                var s = NoteSearchState(query: query ?? "", clientID: clientID, clientName: name,
                                        allowedScopes: allowedScopes, area: contentArea)
                let run = !(query ?? "").trimmingCharacters(in: .whitespaces).isEmpty
                if !run { s.editing = true }
                stack.append(.notes(.search(s)))
                if run { runSearch(repo) }
            case .runSearch:
                runSearch(repo)
            case let .readNote(clientID, noteID):
                try readNote(clientID: clientID, noteID: noteID)
            case .openCosign:
                guard identity.staff.role == .supervisor || identity.staff.role == .admin else {
                    message = Message("The co-signature queue is for clinical supervisors.", .info)
                    return
                }
                let rows = try repo.cosignQueue(supervisorID: identity.staffID)
                if case .notes(.cosign(var s)) = current { s.setRows(rows); replaceTop(.notes(.cosign(s))); return }
                stack.append(.notes(.cosign(CosignState(rows: rows, area: contentArea, utcOffset: Format.utcOffset(of: clock)))))
            case .cosign(let id):
                try repo.cosign(noteID: id, by: identity.staff)
                if case .notes(.cosign(var s)) = current {
                    s.setRows(try repo.cosignQueue(supervisorID: identity.staffID))
                    replaceTop(.notes(.cosign(s)))
                }
                message = Message("Co-signed.", .info)
            }
        } catch {
            message = Message(describe(error), .error)
        }
    }

    private func editorState(note: ProgressNote, links: [NoteLink], appointmentID: RowID?,
                             _ repo: any NoteRepository) throws -> NoteEditorState {
        let summary = try repository.chartSummary(clientID: note.clientID)
        return NoteEditorState(note: note, links: links, clientName: summary.client.displayName, mrn: summary.client.mrn,
                               appointmentID: appointmentID, modalities: try repo.noteModalities(),
                               plan: try repository.currentPlan(clientID: note.clientID), area: contentArea,
                               today: clock.today(), settings: settings, utcOffset: Format.utcOffset(of: clock),
                               safetyFlags: summary.safetyFlags)
    }

    private func openNewNote(clientID: RowID, appointment: TodayAppointment?, _ repo: any NoteRepository) throws {
        let modalities = try repo.noteModalities()
        let modality = modalities.first { $0.name == appointment?.modality }
            ?? modalities.first { $0.name == "Individual counseling" } ?? modalities.first
        guard let modalityID = modality?.id else {
            message = Message("The program has no modalities yet; an administrator adds them.", .warning)
            return
        }
        let now = clock.now()
        let minutes = appointment?.minutes ?? 50
        let note = ProgressNote(clientID: clientID, staffID: identity.staffID, date: clock.today(),
                                startMinute: appointment?.startMinute ?? (clock.minuteOfDay() / 5 * 5),
                                minutes: minutes, modalityID: modalityID, format: .individual,
                                template: settings.defaultNoteTemplate,
                                sections: settings.defaultNoteTemplate.sections.map { _ in "" }, status: .draft,
                                billingUnits: settings.billingUnits(forMinutes: minutes), createdAt: now, updatedAt: now,
                                revision: 0)
        stack.append(.notes(.editor(try editorState(note: note, links: [], appointmentID: appointment?.appointmentID, repo))))
    }

    private func openDraft(_ id: RowID, _ repo: any NoteRepository, focus: NoteField? = nil) throws {
        let (note, links) = try repo.noteForEditing(id: id)
        if note.status == .signed {
            message = Message(NotesTab.signedSentence, .warning)
            return
        }
        if note.staffID != identity.staffID {
            // Someone else's draft (a supervisor looking): it opens for reading instead.
            let who = (try? repository.staff(id: note.staffID))??.displayName ?? "its author"
            if case .chart(var c) = current, c.clientID == note.clientID {
                _ = ChartScreen.reduce(&c, .noteLoaded(try repository.note(id: id)))
                replaceTop(.chart(c))
            }
            message = Message("This draft is \(who)'s; only its author can continue it.", .info)
            return
        }
        var e = try editorState(note: note, links: links, appointmentID: nil, repo)
        e.lastSavedAt = note.updatedAt
        if let focus { NoteEditor.focus(&e, focus) }
        stack.append(.notes(.editor(e)))
        if let lost = try? repository.activity(clientID: note.clientID, limit: 50).first(where: {
            $0.action == .refused && $0.username == identity.staff.username && $0.at >= note.updatedAt
                && $0.detail.hasPrefix("\(Self.lostOnHangup)\(id):")
        }) {
            let who = lost.detail.split(separator: ":", maxSplits: 1).last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
            message = Message("Your changes when the line dropped (\(Format.timestamp(lost.at, utcOffset: Format.utcOffset(of: clock)))) were not saved: \(who). This is the saved version.", .warning)
        }
    }

    private func save(force: Bool, then: NoteRequest.AfterSave, _ repo: any NoteRepository) throws {
        guard case .notes(.editor(var e)) = current else { return }
        let nothingWritten = e.note.id == nil && e.isEmpty && !e.isChanged
        if then == .close && (nothingWritten || (e.note.id == nil && e.isEmpty)) {
            // A new note with no text: nothing to keep.
            stack.removeLast()
            refreshTop()
            message = Message("Nothing was written; no note was saved.", .info)
            return
        }
        if e.isChanged || e.note.id == nil {
            let problem = e.build(strict: false).problem
            do {
                try store(&e, force: force)
            } catch let c as EditConflict {
                e.prompt = .conflict(c)
                replaceTop(.notes(.editor(e)))
                return
            }
            replaceTop(.notes(.editor(e)))
            let at = formatClockTime(clock.minuteOfDay())
            if let problem, then == .close {
                message = Message("Draft saved at \(at), keeping the last valid header: \(problem)", .warning)
            } else {
                message = Message(force ? "Saved over the other version at \(at)." : "Draft saved at \(at).", .info)
            }
        } else if then == .stay {
            message = Message("No changes to save.", .info)
        }
        guard let id = e.note.id else { return }
        switch then {
        case .stay:
            break
        case .close:
            stack.removeLast()
            try reloadChartNotes(clientID: e.note.clientID, select: id, open: false)
            refreshTop()
        case .sign:
            try sign(id, revision: e.note.revision, repo)
        }
    }

    private func sign(_ id: RowID, revision: Int, _ repo: any NoteRepository) throws {
        let signed = try repo.sign(noteID: id, expectedRevision: revision, by: identity.staff)
        if case .notes(.editor(let e)) = current, e.note.id == id { stack.removeLast() }
        try reloadChartNotes(clientID: signed.clientID, select: id, open: true)
        refreshTop()
        message = Message("Signed. The note is now read-only; corrections go in dated addenda (a).", .info)
    }

    /// After a save, sign or addendum: the chart below (same client) shows the list as stored now,
    /// with the note selected (and open when `open`).
    private func reloadChartNotes(clientID: RowID, select id: RowID, open: Bool) throws {
        guard case .chart(var c) = current, c.clientID == clientID else { return }
        let list = try repository.notes(clientID: clientID, limit: ChartScreen.notesPage, offset: 0)
        _ = ChartScreen.reduce(&c, .tabLoaded(.notes(list, total: try repository.noteCount(clientID: clientID))))
        _ = ChartScreen.reduce(&c, .groupAttendanceLoaded(try repository.attendanceHistory(clientID: clientID, limit: 200)))
        if let i = c.notesEntries.firstIndex(where: { if case .note(let n) = $0 { c.notes[n].id == id } else { false } }) {
            c.notesCursor.select(i)
        }
        if open || c.openNote?.note.id == id {
            _ = ChartScreen.reduce(&c, .noteLoaded(try repository.note(id: id)))
        }
        replaceTop(.chart(c))
    }

    /// Opens the client's chart on the Notes tab with the note open (from search, Home or the queue).
    private func readNote(clientID: RowID, noteID: RowID) throws {
        let summary = try repository.chartSummary(clientID: clientID)
        try repository.record(.view, by: identity.staff, clientID: clientID, subject: "note",
                              detail: "opened from \(current.title)")
        var c = ChartState(summary: summary, area: contentArea, today: clock.today(), settings: settings,
                           utcOffset: Format.utcOffset(of: clock))
        c.tab = .notes
        stack.append(.chart(c))
        try reloadChartNotes(clientID: clientID, select: noteID, open: true)
    }

    private func runSearch(_ repo: any NoteRepository) {
        guard case .notes(.search(var s)) = current else { return }
        switch NoteSearch.parse(s.query.text) {
        case .failure(let e):
            message = Message(e.description, .error)
            s.editing = true
        case .success(let q):
            do {
                let hits = try repo.searchNotes(NoteSearchQuery(text: q.words, clientID: s.clientID, from: q.from,
                                                                to: q.to, scope: s.scope, limit: 100), by: identity.staff)
                s.setHits(hits)
                message = Message(hits.isEmpty ? "No note matches “\(q.words)”."
                                  : "\(Format.plural(hits.count, "note")) found\(hits.count == 100 ? " (the newest 100; narrow with from:/to:)" : "").", .info)
            } catch {
                message = Message(describe(error), .error)
                s.editing = true
            }
        }
        replaceTop(.notes(.search(s)))
    }

    // MARK: - Home

    /// My drafts and, for supervisors, the co-signature count, onto Home.
    func loadHomeNotes(_ home: inout HomeState) {
        guard let repo = notes else { return }
        home.unsignedHours = settings.unsignedNoteHours
        if let d = try? repo.drafts(staffID: identity.staffID, now: clock.now()) { _ = HomeScreen.reduce(&home, .drafts(d)) }
        if identity.staff.role == .supervisor || identity.staff.role == .admin,
           let q = try? repo.cosignQueue(supervisorID: identity.staffID) {
            _ = HomeScreen.reduce(&home, .cosignWaiting(q.count))
        }
    }

    // MARK: - Drawing

    /// The notes screens' questions and key hints on the bottom rows.
    func notesChrome(into buffer: inout ScreenBuffer, hints: inout [(keys: String, label: String)], messageRow: Int) {
        var question: String?
        switch current {
        case .notes(.editor(let e)):
            switch e.prompt {
            case .sign?:
                question = "Sign this note? It cannot be changed afterwards; corrections go in addenda. (y/n)"
                hints = [("y", "sign"), ("n", "not yet")]
            case .conflict(let c)?:
                // The time alone when it was today: the line must fit 60 columns with a long name.
                let when = c.changedAt.map { at -> String in
                    let stamp = Format.timestamp(at, utcOffset: e.utcOffset)
                    return " at " + (stamp.hasPrefix(e.today.description) ? String(stamp.suffix(5)) : stamp)
                } ?? ""
                question = "Saved by \(c.changedBy)\(when) meanwhile: r reload theirs / o overwrite mine"
                hints = [("r", "reload theirs"), ("o", "overwrite"), ("Esc", "keep editing")]
            case nil:
                switch e.focus {
                case .section: hints = [("Ctrl-S", "save"), ("Esc", "save & close"), ("Tab", "next field"), ("S-Tab", "previous")]
                case .links: hints = [("Space", "tick"), ("↑↓", "move"), ("S", "sign"), ("Tab", "next"), ("Esc", "save & close")]
                case .modality, .format, .template:
                    hints = [("Space/←→", "change"), ("S", "sign"), ("Tab", "next"), ("Ctrl-S", "save"), ("Esc", "save & close")]
                default: hints = [("Tab", "next field"), ("Ctrl-S", "save"), ("Esc", "save & close")]
                }
            }
        case .notes(.addendum(let a)):
            if a.confirmingDiscard {
                question = "Discard this addendum? (y/n)"
                hints = [("y", "discard"), ("n", "keep writing")]
            } else {
                hints = [("Ctrl-S", "add under the note"), ("Esc", "cancel")]
            }
        case .notes(.search(let s)) where s.editing:
            hints = [("Enter", "search"), ("↓", "results"), ("Esc", s.searched ? "results" : "back")]
        case .notes(.cosign(let s)):
            if let q = CosignQueue.question(s) { question = q; hints = [("y", "co-sign"), ("n", "no")] }
        case .chart(let c) where c.notesTab.signing != nil || c.notesTab.discarding != nil:
            question = c.notesTab.question
            hints = [("y", "sign"), ("n", "not yet")]
        case .chart(let c) where c.openNote != nil:
            // Only the keys that apply to this note: a signed one takes addenda, a draft is edited or signed.
            let signed = c.openNote!.note.status == .signed
            let drop: Set<String> = signed ? ["e", "S"] : ["a"]
            hints.removeAll { drop.contains($0.keys) }
        default:
            return
        }
        guard let question else { return }
        if let m = message { Chrome.message(into: &buffer, m, y: messageRow - 1) }
        buffer.fill(x: 0, y: messageRow, width: size.width, height: 1, role: .warning)
        let w = buffer.put(question, x: 0, y: messageRow, role: .warning, maxWidth: size.width)
        buffer.cursor = Point(x: min(size.width - 1, w), y: messageRow)
    }
}
