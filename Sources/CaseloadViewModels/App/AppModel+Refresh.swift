// Live refresh: what another session commits shows on the open screens within a tick, the selection kept
// by id and the scroll position where the rows allow; nothing being typed is touched. GRDB's observation
// sees only this process, so the store's change token (PRAGMA data_version) is polled while idle.
import CaseloadCore

extension AppModel {
    /// `.tick`: one cheap query. When another session committed since the last look, the screen on top is
    /// reloaded now and the screens under it are reloaded when they show again. Returns `.redraw` only
    /// when the screen on top changed.
    func refreshIfChanged() -> Effect {
        guard let token = try? repository.changeToken() else { return .none }
        guard let seen = lastChangeToken else { lastChangeToken = token; return .none }
        guard token != seen else { return .none }
        if stack.count > 1 { staleScreens.formUnion(0..<(stack.count - 1)) }
        // A form, a question or an editor is open on top: its text stays as typed and the refresh waits
        // (the token stays unseen, so the first tick after the form closes reloads the screen).
        guard !isBusy(current) else { return .none }
        lastChangeToken = token
        return refreshTopNow() ? .redraw : .none
    }

    /// After a key: a screen marked stale while it was under another one reloads once it is on top again.
    func refreshStaleTop() {
        let top = stack.count - 1
        staleScreens = staleScreens.filter { $0 <= top }
        guard staleScreens.contains(top), !isBusy(current) else { return }
        staleScreens.remove(top)
        refreshTopNow()
    }

    /// Whether something is being typed or asked on `screen` (then it is not reloaded under the person's hands).
    func isBusy(_ screen: Screen) -> Bool {
        switch screen {
        case .chart(let s): ChartScreen.capturesKeys(s)
        case .sheet(let s): s.prompt != nil || s.noteEditor != nil
        case .group(let s): s.prompt != nil
        case .groups(let s): s.prompt != nil
        case .notes(.editor), .notes(.addendum): true
        case .notes(.search(let s)): s.editing
        case .notes(.cosign(let s)): s.confirming != nil
        case .caseload(let s): s.isSearching
        case .staff(let s): s.pending != nil
        case .home, .reports, .plansDue: false
        }
    }

    /// Reloads the screen on top from the store (reads only: nothing here writes, or two sessions showing
    /// the same screen would wake each other up for ever). Returns whether anything on it changed.
    @discardableResult
    func refreshTopNow() -> Bool {
        let before = current
        switch current {
        case .home: reloadHome()
        case .caseload(var s):
            guard let rows = try? repository.caseloadRows(for: identity.staffID, scope: s.scope, on: clock.today()) else { break }
            let top = s.cursor.top
            _ = CaseloadScreen.reduce(&s, .loaded(rows, s.scope))
            s.absences = (try? groups?.absenceAlerts(counselorID: identity.staffID)) ?? s.absences
            s.screensDue = screensDueClients
            s.cursor.restore(selected: s.cursor.selected, top: top)
            replaceTop(.caseload(s))
        case .chart: refreshChart()
        case .groups: reloadGroups()
        case .group(let g): reloadGroup(g.groupID)
        case .sheet(let s): if let repo = groups { reloadSheet(s.sessionID, repo) }
        case .notes(.search(var s)):
            guard s.searched, let repo = notes, case .success(let q) = NoteSearch.parse(s.query.text) else { break }
            guard let hits = try? repo.searchNotes(NoteSearchQuery(text: q.words, clientID: s.clientID, from: q.from, to: q.to,
                                                                  scope: s.scope, limit: 100), by: identity.staff) else { break }
            let id = s.hits[safe: s.cursor.selected]?.noteID, top = s.cursor.top
            s.setHits(hits)
            s.editing = false
            s.cursor.restore(selected: hits.firstIndex { $0.noteID == id } ?? s.cursor.selected, top: top)
            replaceTop(.notes(.search(s)))
        case .notes(.cosign(var s)):
            guard let rows = try? notes?.cosignQueue(supervisorID: identity.staffID) else { break }
            let id = s.rows[safe: s.cursor.selected]?.noteID, top = s.cursor.top
            s.setRows(rows)
            s.cursor.restore(selected: rows.firstIndex { $0.noteID == id } ?? s.cursor.selected, top: top)
            replaceTop(.notes(.cosign(s)))
        case .notes: break
        case .reports(var s):
            guard let repo = caseManagement else { break }
            s.result = runReport(repo, s.kind, from: s.range.from, to: s.range.to, audit: false) ?? s.result
            replaceTop(.reports(s))
        case .plansDue(var s):
            guard let repo = plans,
                  let due = try? repo.plansDue(for: identity.staffID, scope: s.scope, on: clock.today()) else { break }
            let supervises = identity.staff.role == .supervisor || identity.staff.role == .admin
            let cosign = supervises ? ((try? repo.planCosignQueue(supervisorID: identity.staffID)) ?? s.cosign) : []
            let selected = s.entries[safe: s.cursor.selected], top = s.cursor.top
            s.due = due; s.cosign = cosign
            PlansDueScreen.relayout(&s)
            let i = selected.flatMap { old in s.entries.firstIndex { $0.id == old.id && $0.planID == old.planID } }
            s.cursor.restore(selected: i ?? s.cursor.selected, top: top)
            replaceTop(.plansDue(s))
        case .staff(var s):
            guard let rows = try? staffAdmin?.allStaff() else { break }
            let id = s.selected?.id, top = s.cursor.top
            s.staff = rows
            StaffScreen.relayout(&s)
            s.cursor.restore(selected: rows.firstIndex { $0.id == id } ?? s.cursor.selected, top: top)
            replaceTop(.staff(s))
        }
        return current != before
    }

    /// Home: counts, today's lists, drafts and follow-ups, the selections kept by id.
    func reloadHome() {
        guard case .home(var s) = current,
              let summary = try? repository.homeSummary(for: identity.staffID, on: clock.today()) else { return }
        _ = HomeScreen.reduce(&s, .loaded(summary))
        if let a = try? groups?.absenceAlerts(counselorID: identity.staffID) { _ = HomeScreen.reduce(&s, .absences(a.count)) }
        loadHomeNotes(&s)
        loadHomeCaseCounts(&s)
        replaceTop(.home(s))
    }

    /// The chart: its header and Summary, and the tab on show, reloaded in place; the other tabs are
    /// dropped so they load afresh when visited. The selection of a list tab is kept by id.
    private func refreshChart() {
        guard case .chart(var s) = current else { return }
        let id = s.clientID, tab = s.tab
        if let summary = try? repository.chartSummary(clientID: id), summary != s.summary {
            s.summary = summary
            s.lineCache[.summary] = nil
        }
        // The Contacts tab reads the consents too; the Notes tab, the group attendance.
        for t in Array(s.data.keys) where t != tab && !(tab == .contacts && t == .consents) {
            s.data[t] = nil; s.lineCache[t] = nil
        }
        switch tab {
        case .summary:
            ChartScreen.relayout(&s)
            replaceTop(.chart(s))
        case .notes:
            refreshNotesTab(&s)
            replaceTop(.chart(s))
        case .plan:
            let node = PlanTab.selectedRow(s).flatMap { row in PlanTab.shown(s).flatMap { PlanTab.node(row, in: $0) } }
            replaceTop(.chart(s))
            loadTab(.plan)
            guard case .chart(var t) = current else { return }
            if let node, t.planTab.viewing == nil { PlanTab.select(node, &t) }
            replaceTop(.chart(t))
        case .screens, .referrals, .contacts:
            let key = caseRowID(s)
            replaceTop(.chart(s))
            loadTab(tab)
            guard case .chart(var t) = current else { return }
            if let key, let i = caseRowIDs(t).firstIndex(of: key) { t.caseTab.selected[tab] = i }
            replaceTop(.chart(t))
        case .groups, .consents, .activity:
            // Text tabs: the scroll position stays (clamped to the new length).
            replaceTop(.chart(s))
            loadTab(tab)
        }
    }

    private func refreshNotesTab(_ s: inout ChartState) {
        let id = s.clientID
        let selected = s.notesEntries[safe: s.notesCursor.selected].map { entryKey($0, s) }, top = s.notesCursor.top
        do {
            // As many as were paged in, so the selection and the scroll position are still there.
            let list = try repository.notes(clientID: id, limit: max(ChartScreen.notesPage, s.notes.count), offset: 0)
            _ = ChartScreen.reduce(&s, .tabLoaded(.notes(list, total: try repository.noteCount(clientID: id))))
            _ = ChartScreen.reduce(&s, .groupAttendanceLoaded(try repository.attendanceHistory(clientID: id, limit: 200)))
        } catch {
            return
        }
        let i = selected.flatMap { key in s.notesEntries.firstIndex { entryKey($0, s) == key } }
        s.notesCursor.restore(selected: i ?? s.notesCursor.selected, top: top)
        if let open = s.openNote, let id = open.note.id, let detail = try? repository.note(id: id), detail != open {
            let scroll = s.noteScroll
            _ = ChartScreen.reduce(&s, .noteLoaded(detail))
            s.noteScroll.restore(selected: scroll.selected, top: scroll.top)
        }
    }

    /// A Notes-list entry by what it shows (a note's id, a group session's id), not by its place.
    private func entryKey(_ e: NotesEntry, _ s: ChartState) -> String {
        switch e {
        case .note(let i): "n\(s.notes[i].id)"
        case .group(let i): "g\(s.groupAttendance[i].groupSessionID)"
        }
    }

    private func caseRowIDs(_ s: ChartState) -> [RowID?] {
        switch s.data[s.tab] {
        case .screens(let l)?: l.map(\.id)
        case .referrals(let l)?: l.map(\.id)
        case .contacts(let l)?: l.map(\.id)
        default: []
        }
    }

    private func caseRowID(_ s: ChartState) -> RowID? {
        caseRowIDs(s)[safe: CaseTabs.selected(s)] ?? nil
    }
}
