// The client chart: header, tab bar, and one tab's content, each tab loaded on first visit.
import CaseloadCore

public enum ChartTab: Int, CaseIterable, Hashable, Sendable {
    case summary, plan, notes, groups, screens, referrals, contacts, consents, activity

    public var title: String {
        switch self {
        case .summary: "Summary"
        case .plan: "Plan"
        case .notes: "Notes"
        case .groups: "Groups"
        case .screens: "Screens"
        case .referrals: "Referrals"
        case .contacts: "Contacts"
        case .consents: "Consents"
        case .activity: "Activity"
        }
    }
    public var shortTitle: String {
        switch self {
        case .summary: "Sum"
        case .plan: "Plan"
        case .notes: "Notes"
        case .groups: "Grp"
        case .screens: "UDS"
        case .referrals: "Ref"
        case .contacts: "Cont"
        case .consents: "Cons"
        case .activity: "Act"
        }
    }
}

/// What a tab loads from the store; kept once loaded so coming back to a tab costs nothing.
public enum ChartTabData: Hashable, Sendable {
    case plan(PlanTree?, versions: [TreatmentPlan])
    case notes([NoteListItem], total: Int)
    case groups([GroupMembershipRow], [AttendanceHistoryRow])
    case screens([DrugScreen])
    case referrals([Referral])
    case contacts([Contact])
    case consents([Consent])
    case activity([ActivityRow])

    var tab: ChartTab {
        switch self {
        case .plan: .plan
        case .notes: .notes
        case .groups: .groups
        case .screens: .screens
        case .referrals: .referrals
        case .contacts: .contacts
        case .consents: .consents
        case .activity: .activity
        }
    }
}

public struct ChartState: Hashable, Sendable {
    public var summary: ChartSummary
    public var tab: ChartTab = .summary
    public var data: [ChartTab: ChartTabData] = [:]
    /// Tabs asked for but not loaded yet (so a tab is requested once).
    public var loading: Set<ChartTab> = []
    /// Scroll position of each text tab, and the selection of the notes list.
    public var scroll: [ChartTab: ListCursor] = [:]
    public var notesCursor = ListCursor()
    /// The client's group attendance, merged into the Notes list by date (newest first).
    public var groupAttendance: [AttendanceHistoryRow] = []
    /// What the Notes list shows, in order: progress notes (index into `notes`) and group sessions
    /// (index into `groupAttendance`). The cursor moves over these.
    public internal(set) var notesEntries: [NotesEntry] = []
    /// The note being read, and its scroll position.
    public var openNote: NoteDetail?
    public var noteScroll = ListCursor()
    /// The Notes tab's own question (sign this draft?), see NotesTab.
    public var notesTab = NotesTabState()
    /// The Screens, Referrals and Contacts tabs' selection and add / edit form, see CaseTabs.
    public var caseTab = CaseTabState()
    /// The Plan tab's selection, folds and open form or question, see PlanTab.
    public var planTab = PlanTabState()
    public var area: Rect
    public var today: Day
    public var settings: ProgramSettings
    /// Local offset from UTC for time stamps (derived from the injected clock).
    public var utcOffset: Int
    /// Wrapped lines of the text tabs and of the open note, built when data, tab or width change,
    /// so a keystroke draws only the visible rows instead of re-wrapping a whole history.
    var lineCache: [ChartTab: WrappedLines] = [:]
    var noteLines: WrappedLines?

    public init(summary: ChartSummary, area: Rect, today: Day, settings: ProgramSettings, utcOffset: Int = 0) {
        self.summary = summary; self.area = area; self.today = today; self.settings = settings
        self.utcOffset = utcOffset
        ChartScreen.relayout(&self)
    }

    public var clientID: RowID { summary.client.id! }
    /// A tab the person may not see: with the group part of a chart, all but Summary and Groups.
    public func isWithheld(_ tab: ChartTab) -> Bool {
        !summary.access.isFull && tab != .summary && tab != .groups
    }
    public var notes: [NoteListItem] {
        if case .notes(let n, _)? = data[.notes] { return n }
        return []
    }
    public var notesTotal: Int {
        if case .notes(_, let t)? = data[.notes] { return t }
        return 0
    }
}

public enum NotesEntry: Hashable, Sendable {
    case note(Int)
    case group(Int)
}

struct WrappedLines: Hashable, Sendable {
    var width: Int
    var lines: [StyledLine]
}

public enum ChartAction: Hashable, Sendable {
    case command(Command, Key)
    case tabLoaded(ChartTabData)
    case moreNotesLoaded([NoteListItem])
    case groupAttendanceLoaded([AttendanceHistoryRow])
    case noteLoaded(NoteDetail)
    case loadFailed(ChartTab)
    case resized(Rect)
    /// A key for an open field, chooser, search line or question (see `capturesKeys`).
    case rawKey(Key)
}

public enum ChartScreen {
    public static func scopes(_ state: ChartState) -> [KeyScope] {
        // The group part of a chart is read-only: no tab's own keys (edit, add, sign, …) are offered.
        if !state.summary.access.isFull { return [.chart, .list, .global] }
        return state.openNote != nil ? [.note, .chart, .list, .global]
            : state.tab == .notes ? [.notesTab, .chart, .list, .global]
            : state.tab == .consents ? [.consentsTab, .chart, .list, .global]
            : CaseTabs.tabs.contains(state.tab) ? [.caseTab, .chart, .list, .global]
            : state.tab == .plan ? [.plan, .chart, .list, .global]
            : state.tab == .summary ? [.summaryTab, .chart, .list, .global] : [.chart, .list, .global]
    }

    /// Rows of the header and the tab bar above the tab content.
    static let headerRows = 3
    static let notesPage = 100

    static func contentArea(_ area: Rect) -> Rect {
        Rect(x: area.x, y: area.y + headerRows, width: area.width, height: max(1, area.height - headerRows))
    }

    /// A field, chooser, search line or question open inside the chart takes every key.
    public static func capturesKeys(_ state: ChartState) -> Bool {
        PlanTab.capturesKeys(state) || NotesTab.capturesKeys(state) || CaseTabs.capturesKeys(state)
    }

    public static func reduce(_ state: inout ChartState, _ action: ChartAction) -> Request {
        switch action {
        case .rawKey(let key):
            if PlanTab.capturesKeys(state) { return PlanTab.rawKey(&state, key) }
            if NotesTab.capturesKeys(state) { return NotesTab.rawKey(&state, key) }
            if CaseTabs.capturesKeys(state) { return CaseTabs.rawKey(&state, key) }
            return .none
        case .resized(let area):
            state.area = area
            relayout(&state)
            return .none
        case .tabLoaded(let d):
            state.data[d.tab] = d
            state.lineCache[d.tab] = nil
            state.loading.remove(d.tab)
            if d.tab == .notes { mergeNotes(&state) }
            relayout(&state)
            return .none
        case .loadFailed(let tab):
            state.loading.remove(tab)
            return .none
        case .moreNotesLoaded(let more):
            state.loading.remove(.notes)
            guard case .notes(let have, let total)? = state.data[.notes] else { return .none }
            // A page that overlaps what we have (a note was added meanwhile) must not duplicate rows.
            let known = Set(have.map(\.id))
            state.data[.notes] = .notes(have + more.filter { !known.contains($0.id) }, total: max(total, have.count))
            mergeNotes(&state)
            return .none
        case .groupAttendanceLoaded(let rows):
            state.groupAttendance = rows
            mergeNotes(&state)
            return .none
        case .noteLoaded(let detail):
            state.openNote = detail
            state.noteLines = nil
            state.noteScroll = ListCursor(count: 0, pageSize: 1)
            relayout(&state)
            return .none
        case .command(let command, let key):
            return handle(&state, command, key)
        }
    }

    private static func handle(_ state: inout ChartState, _ command: Command, _ key: Key) -> Request {
        if state.tab == .plan, state.openNote == nil, let r = PlanTab.command(&state, command, key) { return r }
        if state.tab == .notes || state.openNote != nil, let r = NotesTab.command(&state, command, key) { return r }
        if !state.summary.access.isFull, command == .newNote || command == .editRecord || command == .addRecord {
            return .message(ChartContent.groupPartSentence, .warning)
        }
        if let r = CaseTabs.command(&state, command, key) { return r }
        switch command {
        case .newNote:
            return .notes(.newNote(clientID: state.clientID, appointment: nil))
        case .nextTab, .previousTab, .jumpToTab:
            var next = state.tab.rawValue
            if command == .nextTab { next = (next + 1) % ChartTab.allCases.count }
            if command == .previousTab { next = (next + ChartTab.allCases.count - 1) % ChartTab.allCases.count }
            if command == .jumpToTab, case .char(let c) = key, let n = Int(String(c)) { next = n - 1 }
            guard let tab = ChartTab(rawValue: next) else { return .none }
            state.openNote = nil
            return select(&state, tab)
        case .back:
            if state.openNote != nil { state.openNote = nil; return .none }
            return .back
        case .open:
            guard state.openNote == nil else { return .none }
            guard state.tab == .notes else { return .message("Enter reads a note on the Notes tab (3).", .info) }
            switch state.notesEntries[safe: state.notesCursor.selected] {
            case .note(let i)?:
                return .loadNote(state.notes[i].id)
            case .group(let i)?:
                let g = state.groupAttendance[i]
                return .message("Group session: \(g.groupName), \(g.status.label.lowercased()). The Groups tab (4) has each session.", .info)
            case nil:
                return .message("This client has no notes yet.", .info)
            }
        default:
            if state.openNote != nil {
                _ = state.noteScroll.applyPager(command)
                return .none
            }
            if state.tab == .notes {
                guard state.notesCursor.apply(command) else { return .none }
                return moreNotesIfNeeded(&state)
            }
            var s = state.scroll[state.tab] ?? ListCursor()
            _ = s.applyPager(command)
            state.scroll[state.tab] = s
            return .none
        }
    }

    /// Switches tab, asking for its data the first time.
    public static func select(_ state: inout ChartState, _ tab: ChartTab) -> Request {
        state.tab = tab
        relayout(&state)
        guard tab != .summary, !state.isWithheld(tab), state.data[tab] == nil, !state.loading.contains(tab) else { return .none }
        state.loading.insert(tab)
        return .loadChartTab(tab)
    }

    /// Rebuilds the merged Notes list. While older notes are still to be paged in, group sessions older
    /// than the oldest loaded note wait, so the list stays in date order as pages arrive.
    static func mergeNotes(_ state: inout ChartState) {
        let notes = state.notes, groups = state.groupAttendance
        let complete = notes.count >= state.notesTotal
        let oldest = notes.last?.date
        var out: [NotesEntry] = []
        out.reserveCapacity(notes.count + groups.count)
        var n = 0, g = 0
        while n < notes.count || g < groups.count {
            let takeNote: Bool
            if n >= notes.count {
                guard complete || (oldest.map { groups[g].date >= $0 } ?? false) else { break }
                takeNote = false
            } else if g >= groups.count {
                takeNote = true
            } else {
                takeNote = notes[n].date >= groups[g].date
            }
            if takeNote { out.append(.note(n)); n += 1 } else { out.append(.group(g)); g += 1 }
        }
        state.notesEntries = out
        state.notesCursor.setCount(out.count)
    }

    private static func moreNotesIfNeeded(_ state: inout ChartState) -> Request {
        let have = state.notes.count
        guard have < state.notesTotal,
              state.notesCursor.selected >= state.notesEntries.count - state.notesCursor.pageSize - 10,
              !state.loading.contains(.notes) else { return .none }
        state.loading.insert(.notes)
        return .loadMoreNotes(offset: have)
    }

    /// Recomputes page sizes and line counts after a resize, a load or a tab switch.
    static func relayout(_ state: inout ChartState) {
        let content = contentArea(state.area)
        let width = content.width - 2
        if let note = state.openNote {
            if state.noteLines?.width != width {
                state.noteLines = WrappedLines(width: width,
                                               lines: ChartContent.noteLines(note, width: width, utcOffset: state.utcOffset))
            }
            state.noteScroll.setPageSize(content.height)
            state.noteScroll.setCount(state.noteLines!.lines.count)
            return
        }
        if state.tab == .notes {
            state.notesCursor.setPageSize(max(1, content.height - 1))
            state.notesCursor.setCount(state.notesEntries.count)
            return
        }
        if state.lineCache[state.tab]?.width != width {
            state.lineCache[state.tab] = WrappedLines(width: width, lines: ChartContent.lines(state, width: width))
        }
        var s = state.scroll[state.tab] ?? ListCursor()
        s.setPageSize(content.height)
        s.setCount(state.lineCache[state.tab]!.lines.count)
        state.scroll[state.tab] = s
    }

    /// The cached lines when they match the width (always, after relayout), else built now.
    static func textLines(_ state: ChartState, width: Int) -> [StyledLine] {
        if let c = state.lineCache[state.tab], c.width == width { return c.lines }
        return ChartContent.lines(state, width: width)
    }

    // MARK: - Rendering

    public static func render(_ state: ChartState, into buffer: inout ScreenBuffer) {
        let a = state.area
        let header = headerLines(state, width: a.width - 2)
        for (i, line) in header.prefix(2).enumerated() {
            line.truncated(to: a.width - 2).draw(into: &buffer, x: a.x + 1, y: a.y + i, width: a.width - 2)
        }
        let tabsWidth = TabBar.draw(into: &buffer, x: a.x, y: a.y + 2, width: a.width,
                    titles: ChartTab.allCases.map(\.title),
                    shortTitles: ChartTab.allCases.map(\.shortTitle), active: state.tab.rawValue)
        let content = contentArea(a)
        if let note = state.openNote {
            let lines = state.noteLines.flatMap { $0.width == content.width - 2 ? $0.lines : nil }
                ?? ChartContent.noteLines(note, width: content.width - 2, utcOffset: state.utcOffset)
            LinesView(lines: lines, cursor: state.noteScroll)
                .draw(into: &buffer, x: content.x + 1, y: content.y, width: content.width - 2, marker: false)
            if lines.count > content.height {
                position("lines \(min(lines.count, state.noteScroll.top + content.height))/\(lines.count)",
                         header: header[0], tabsWidth: tabsWidth, area: a, into: &buffer)
            }
            return
        }
        if state.isWithheld(state.tab) {
            let lines = ChartContent.withheldLines(state.tab, width: content.width - 2)
            LinesView(lines: lines, cursor: ListCursor(count: lines.count, pageSize: content.height))
                .draw(into: &buffer, x: content.x + 1, y: content.y, width: content.width - 2, marker: false)
            buffer.cursor = Point(x: content.x + 1, y: content.y)
            return
        }
        if state.tab != .summary && state.data[state.tab] == nil {
            buffer.put(state.loading.contains(state.tab) ? "Loading…" : "Could not load this tab.",
                       x: content.x + 1, y: content.y, role: .dim)
            buffer.cursor = Point(x: content.x + 1, y: content.y)
            return
        }
        if state.tab == .plan, PlanTab.render(state, into: &buffer, area: content) { return }
        if CaseTabs.render(state, into: &buffer, area: content) { return }
        if state.tab == .notes {
            ChartContent.drawNotes(state, into: &buffer, area: content)
            if !state.notesEntries.isEmpty {
                let label = state.groupAttendance.isEmpty
                    ? "note \(state.notesCursor.selected + 1)/\(state.notesTotal)"
                    : "\(state.notesCursor.selected + 1)/\(state.notesTotal + state.groupAttendance.count)"
                position(label, header: header[0], tabsWidth: tabsWidth,
                         area: a, into: &buffer)
            }
            return
        }
        let lines = textLines(state, width: content.width - 2)
        let cursor = state.scroll[state.tab] ?? ListCursor(count: lines.count, pageSize: content.height)
        LinesView(lines: lines, cursor: cursor)
            .draw(into: &buffer, x: content.x + 1, y: content.y, width: content.width - 2, marker: false)
        if lines.count > content.height {
            position("lines \(min(lines.count, cursor.top + content.height))/\(lines.count)", header: header[0],
                     tabsWidth: tabsWidth, area: a, into: &buffer)
        }
    }

    /// Where the reader is in a long tab: at the right of the first header line, else of the tab
    /// bar, wherever there is room (it never covers chart content).
    static func position(_ text: String, header: StyledLine, tabsWidth: Int, area a: Rect,
                         into buffer: inout ScreenBuffer) {
        let w = DisplayWidth.of(text)
        if header.width + w + 4 <= a.width {
            buffer.put(text, x: a.x + a.width - w - 1, y: a.y, role: .dim)
        } else {
            let short = text.split(separator: " ").last.map(String.init) ?? text
            let sw = DisplayWidth.of(short)
            if tabsWidth + sw + 2 <= a.width { buffer.put(short, x: a.x + a.width - sw - 1, y: a.y + 2, role: .tabInactive) }
        }
    }

    /// Two header lines: who the client is, then medication, counselor and flags. Clinical safety flags come
    /// first on the second line, in full (SafetyBanner): the rest of the line is what a narrow terminal cuts.
    static func headerLines(_ state: ChartState, width: Int) -> [StyledLine] {
        let lines = plainHeaderLines(state, width: width)
        return [lines[0], SafetyBanner.prefixed(lines[1], flags: state.summary.safetyFlags)]
    }

    static func plainHeaderLines(_ state: ChartState, width: Int) -> [StyledLine] {
        let c = state.summary.client
        var first: [Span] = [Span(c.displayName, .header), Span("  MRN \(c.mrn)", .dim)]
        if let p = c.pronouns, !p.isEmpty { first.append(Span(" · \(p)")) }
        if !state.summary.access.isFull {
            first.append(Span(" · \(c.phase)"))
            if c.status != .active { first.append(Span(" · \(c.status.label)", .warning)) }
            return [StyledLine(first), StyledLine([
                Span("Group part only", .warning),
                Span(" · Counselor: \(state.summary.counselorName ?? "none assigned")"),
            ])]
        }
        first.append(Span(" · age \(c.dateOfBirth.age(on: state.today))"))
        first.append(Span(" · \(c.phase)"))
        if c.status != .active { first.append(Span(" · \(c.status.label)", .warning)) }
        var second: [Span] = state.summary.access.isEmergency ? [Span("! Emergency access (recorded)", .overdue), Span(" · ")] : []
        second += [
            Span("\(c.medication.label) \(Format.dose(c.doseMg)) mg, \(Format.takeHome(c.takeHomeLevel))"),
            Span(" · Counselor: \(state.summary.counselorName ?? "none assigned")"),
        ]
        let others = c.flags.filter { !state.summary.safetyFlags.contains($0) }
        if !others.isEmpty {
            second.append(Span(" · "))
            second.append(Span("Flags: " + others.joined(separator: ", "), .flag))
        }
        return [StyledLine(first), StyledLine(second)]
    }
}

extension ListCursor {
    /// Pager movement: the window scrolls line by line, and the focused line is the top one.
    public mutating func applyPager(_ command: Command) -> Bool {
        switch command {
        case .moveDown: scroll(by: 1)
        case .moveUp: scroll(by: -1)
        case .pageDown: scroll(by: pageSize)
        case .pageUp: scroll(by: -pageSize)
        case .first: scroll(by: -count)
        case .last: scroll(by: count)
        default: return false
        }
        select(top)
        return true
    }
}
