// Home: today's appointments and groups, and the counts of what needs attention.
import CaseloadCore

public struct HomeState: Hashable, Sendable {
    public var summary: HomeSummary?
    /// Selection over today's individual appointments (groups are listed, not opened, here).
    public var cursor = ListCursor()
    /// Selection over today's groups; Tab moves the focus between the two lists.
    public var groupCursor = ListCursor()
    public var groupsFocused = false
    public var area: Rect
    /// The program's "no contact" window (ProgramSettings.noContactWarningDays), for the label.
    public var noContactDays: Int
    /// My clients absent from the last N held group sessions in a row (GroupRepository.absenceAlerts).
    public var absentFromGroups: Int = 0
    /// My unsigned notes (NoteRepository.drafts), listed under the groups; Enter continues one.
    public var drafts: [DraftRow] = []
    public var draftCursor = ListCursor()
    public var draftsFocused = false
    /// Notes waiting for my co-signature; nil for staff who co-sign nothing.
    public var cosignWaiting: Int?
    /// Referral follow-ups due and clients short of random screens (CaseManagement), one count line.
    public var caseCounts: [[Span]] = []
    /// ProgramSettings.unsignedNoteHours, for the drafts heading.
    public var unsignedHours = 24

    public init(summary: HomeSummary?, area: Rect, noContactDays: Int = 30) {
        self.summary = summary
        self.area = area
        self.noContactDays = noContactDays
        cursor = ListCursor(count: summary?.appointments.count ?? 0, pageSize: 1)
        groupCursor = ListCursor(count: summary?.groups.count ?? 0, pageSize: 1)
        cursor.setPageSize(HomeScreen.layout(summary: summary, area: area, noContactDays: noContactDays, absent: absentFromGroups).appointmentRows)
    }
}

public enum HomeAction: Hashable, Sendable {
    case command(Command)
    case loaded(HomeSummary)
    case resized(Rect)
    case absences(Int)
    case drafts([DraftRow])
    case cosignWaiting(Int)
}

public enum HomeScreen {
    public static let scopes: [KeyScope] = [.home, .list, .global]

    public static func reduce(_ state: inout HomeState, _ action: HomeAction) -> Request {
        switch action {
        case .loaded(let summary):
            let selectedID = state.summary?.appointments[safe: state.cursor.selected]?.appointmentID
            let selectedGroup = state.summary?.groups[safe: state.groupCursor.selected]?.groupID
            state.summary = summary
            state.cursor.setCount(summary.appointments.count)
            if let id = selectedID, let i = summary.appointments.firstIndex(where: { $0.appointmentID == id }) {
                state.cursor.select(i)
            }
            state.cursor.setPageSize(layout(summary: summary, area: state.area, noContactDays: state.noContactDays, absent: state.absentFromGroups, drafts: state.drafts.count, cosign: state.cosignWaiting, extra: state.caseCounts).appointmentRows)
            state.groupCursor.setCount(summary.groups.count)
            if let id = selectedGroup, let i = summary.groups.firstIndex(where: { $0.groupID == id }) {
                state.groupCursor.select(i)
            }
            if summary.groups.isEmpty { state.groupsFocused = false }
            return .none
        case .absences(let n):
            state.absentFromGroups = n
            state.cursor.setPageSize(layout(summary: state.summary, area: state.area, noContactDays: state.noContactDays, absent: n, drafts: state.drafts.count, cosign: state.cosignWaiting, extra: state.caseCounts).appointmentRows)
            return .none
        case .drafts(let d):
            let selected = state.drafts[safe: state.draftCursor.selected]?.noteID
            state.drafts = d
            state.draftCursor.setCount(d.count)
            if let id = selected, let i = d.firstIndex(where: { $0.noteID == id }) { state.draftCursor.select(i) }
            if d.isEmpty { state.draftsFocused = false }
            relayout(&state)
            return .none
        case .cosignWaiting(let n):
            state.cosignWaiting = n
            relayout(&state)
            return .none
        case .resized(let area):
            state.area = area
            relayout(&state)
            return .none
        case .command(let command):
            if state.draftsFocused {
                if state.draftCursor.apply(command) { return .none }
            } else if state.groupsFocused {
                if state.groupCursor.apply(command) { return .none }
            } else if state.cursor.apply(command) { return .none }
            switch command {
            case .nextTab:
                // Appointments → groups today → my drafts, skipping an empty list.
                let hasGroups = !(state.summary?.groups.isEmpty ?? true), hasDrafts = !state.drafts.isEmpty
                guard hasGroups || hasDrafts else { return .message("No groups today.", .info) }
                if state.draftsFocused { state.draftsFocused = false }
                else if state.groupsFocused { state.groupsFocused = false; state.draftsFocused = hasDrafts }
                else if hasGroups { state.groupsFocused = true }
                else { state.draftsFocused = true }
                return .none
            case .open where state.draftsFocused:
                guard let d = state.drafts[safe: state.draftCursor.selected] else { return .none }
                return .notes(.continueDraft(noteID: d.noteID))
            case .newNote:
                guard !state.groupsFocused, !state.draftsFocused,
                      let appt = state.summary?.appointments[safe: state.cursor.selected] else {
                    return .message("n writes the note of the selected appointment (Tab back to the appointments).", .info)
                }
                return .notes(.newNote(clientID: appt.clientID, appointment: appt))
            case .search:
                return .notes(.openSearch(query: nil, clientID: nil))
            case .open where state.groupsFocused:
                guard let g = state.summary?.groups[safe: state.groupCursor.selected] else { return .none }
                return .openTodaysSession(groupID: g.groupID, sessionID: g.groupSessionID)
            case .open:
                guard let appt = state.summary?.appointments[safe: state.cursor.selected] else {
                    return .message("No appointment to open today. Press c for your caseload.", .info)
                }
                return .openChart(clientID: appt.clientID)
            case .goCaseload:
                return .openCaseload
            case .goGroups:
                return .openGroups
            case .goPlansDue:
                return .plans(.openDue)
            case .back:
                return .message("Home is the first screen. Press Q to quit.", .info)
            default:
                return .none
            }
        }
    }

    struct Layout { var countLines: Int; var appointmentRows: Int; var groupRows: Int; var draftRows: Int = 0 }

    static func relayout(_ state: inout HomeState) {
        let l = layout(summary: state.summary, area: state.area, noContactDays: state.noContactDays,
                       absent: state.absentFromGroups, drafts: state.drafts.count, cosign: state.cosignWaiting, extra: state.caseCounts)
        state.cursor.setPageSize(l.appointmentRows)
        state.draftCursor.setPageSize(max(1, l.draftRows))
    }

    static func countItems(_ s: HomeSummary?, noContactDays: Int = 30, absent: Int = 0, cosign: Int? = nil,
                           extra: [[Span]] = []) -> [[Span]] {
        guard let s else { return [] }
        return [
            [Span("Plan reviews: "), Span("! \(s.plansOverdue) overdue", s.plansOverdue > 0 ? .overdue : .normal),
             Span("  "), Span("~ \(s.plansDueSoon) due soon", s.plansDueSoon > 0 ? .dueSoon : .normal)],
            [Span("Unsigned notes: "), Span("\(s.unsignedNotes)", s.unsignedNotes > 0 ? .warning : .normal)]
                + (s.unsignedOverdue > 0 ? [Span(" (! \(s.unsignedOverdue) overdue)", .overdue)] : []),
            [Span("No contact \(noContactDays)+ days: "), Span("\(s.noContact)", s.noContact > 0 ? .warning : .normal)],
            [Span("Caseload: "), Span("\(s.caseloadActive) active, \(s.caseloadOnHold) on hold")],
        ] + (absent > 0 ? [[Span("Missing groups: "), Span("A \(absent)", .absent)]] : [])
          + (cosign.map { [[Span("To co-sign: "), Span("\($0)", $0 > 0 ? .warning : .normal), Span(" (:cosign)", .dim)]] } ?? [])
          + extra
    }

    static func layout(summary: HomeSummary?, area: Rect, noContactDays: Int = 30, absent: Int = 0, drafts: Int = 0,
                       cosign: Int? = nil, extra: [[Span]] = []) -> Layout {
        let counts = Flow.lines(countItems(summary, noContactDays: noContactDays, absent: absent, cosign: cosign, extra: extra),
                                width: area.width - 1).count
        // Rows: counts, blank, appointments header + table header + rows, blank, groups header + rows.
        let groups = max(1, summary?.groups.count ?? 0)
        // My drafts, when there are any, sit at the bottom: a blank row, a heading and up to a third of the room.
        let fixed = counts + 1 + 2 + 1 + 2 + (drafts > 0 ? 2 : 0)
        var spare = max(0, area.height - fixed)
        let draftRows = drafts == 0 ? 0 : min(drafts, max(1, spare / 3))
        spare -= draftRows
        // Appointments get the room they need first; groups take what is left (at least a third).
        let appts = max(1, summary?.appointments.count ?? 0)
        let groupRows = max(min(groups, max(1, spare / 3)), min(groups, spare - min(appts, spare)))
        let apptRows = max(1, spare - groupRows)
        return Layout(countLines: counts, appointmentRows: apptRows, groupRows: groupRows, draftRows: draftRows)
    }

    static let appointmentColumns = [
        TableColumn("Time", width: 5),
        TableColumn("Client", width: 16, flexible: true),
        TableColumn("MRN", width: 8, priority: 50),
        TableColumn("Modality", width: 22, priority: 40),
        TableColumn("Note", width: 11),
    ]
    static let groupColumns = [
        TableColumn("Time", width: 11),
        TableColumn("Group", width: 16, flexible: true),
        TableColumn("Room", width: 10, priority: 50),
        TableColumn("Roster", width: 10),
        TableColumn("Status", width: 9, priority: 40),
    ]

    public static func render(_ state: HomeState, into buffer: inout ScreenBuffer) {
        let a = state.area
        guard let s = state.summary else {
            buffer.put("Loading today…", x: a.x + 1, y: a.y, role: .dim)
            return
        }
        let l = layout(summary: s, area: a, noContactDays: state.noContactDays, absent: state.absentFromGroups, drafts: state.drafts.count, cosign: state.cosignWaiting, extra: state.caseCounts)
        var y = a.y
        renderDrafts(state, into: &buffer, rows: l.draftRows)
        for line in Flow.lines(countItems(s, noContactDays: state.noContactDays, absent: state.absentFromGroups,
                                          cosign: state.cosignWaiting, extra: state.caseCounts), width: a.width - 1) {
            line.draw(into: &buffer, x: a.x + 1, y: y, width: a.width - 1); y += 1
        }
        y += 1
        buffer.put("Appointments today (\(s.appointments.count))", x: a.x + 1, y: y, role: .header); y += 1
        if s.appointments.isEmpty {
            buffer.put("No individual appointments today.", x: a.x + 2, y: y + 1, role: .dim)
        } else {
            let cols = appointmentColumns
            TableView.draw(into: &buffer, x: a.x, y: y, width: a.width, height: l.appointmentRows + 1,
                           columns: cols, layout: TableLayout.make(cols, width: a.width), cursor: state.cursor,
                           focused: !state.groupsFocused) { row, col in
                let ap = s.appointments[row]
                switch col {
                case 0: return StyledLine(formatClockTime(ap.startMinute))
                case 1: return StyledLine(ap.clientName)
                case 2: return StyledLine(ap.mrn, .dim)
                case 3: return StyledLine(ap.modality)
                default:
                    // A draft is not a delivered session until it is signed: the two are told apart.
                    if ap.noteSigned { return StyledLine("[x] signed", .ok) }
                    return ap.noteWritten ? StyledLine("[~] draft", .warning) : StyledLine("[ ] not yet", .warning)
                }
            }
            if s.appointments.count > l.appointmentRows {
                let more = "\(state.cursor.selected + 1)/\(s.appointments.count)"
                buffer.put(more, x: a.x + a.width - DisplayWidth.of(more) - 1, y: y - 1, role: .dim)
            }
        }
        y += max(1, min(l.appointmentRows, s.appointments.count)) + 2
        let tabHint = s.groups.isEmpty ? "" : (state.groupsFocused ? " · Enter takes attendance" : " · Tab to select")
        buffer.put("Groups today (\(s.groups.count))\(tabHint)", x: a.x + 1, y: y, role: .header); y += 1
        if s.groups.isEmpty {
            buffer.put("No groups today.", x: a.x + 2, y: y, role: .dim)
            return
        }
        let gl = TableLayout.make(groupColumns, width: a.width)
        // When groups overflow, the last row says how many more there are.
        let shown = s.groups.count > l.groupRows ? max(1, l.groupRows - 1) : l.groupRows
        // Scrolled so a selected group is always on screen.
        let start = state.groupsFocused ? max(0, state.groupCursor.selected - shown + 1) : 0
        for (i, g) in s.groups[start...].prefix(shown).enumerated() {
            let cells: [StyledLine] = [
                StyledLine("\(formatClockTime(g.startMinute))–\(formatClockTime(g.startMinute + g.minutes))"),
                StyledLine(g.name),
                StyledLine(g.room, .dim),
                StyledLine(Format.plural(g.rosterSize, "member")),
                StyledLine(g.statusText, g.status == .cancelled || (g.status == .held && !g.signed) ? .warning : .dim),
            ]
            for slot in gl.slots { cells[slot.column].draw(into: &buffer, x: a.x + slot.x, y: y + i, width: slot.width) }
            if state.groupsFocused && start + i == state.groupCursor.selected {
                buffer.put(">", x: a.x, y: y + i)
                let bar = gl.slots.first.map { $0.x + $0.width } ?? a.width
                buffer.setRole(.selection, x: a.x, y: y + i, width: min(a.width, bar))
                buffer.cursor = Point(x: a.x, y: y + i)
            }
        }
        if shown < s.groups.count {
            buffer.put("… and \(s.groups.count - shown) more", x: a.x + 2, y: y + shown, role: .dim)
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

extension HomeScreen {
    static let draftColumns = [
        TableColumn("Session", width: 16),
        TableColumn("Client", width: 16, flexible: true),
        TableColumn("MRN", width: 8, priority: 50),
        TableColumn("Note", width: 14, priority: 40),
        TableColumn("State", width: 10),
    ]

    /// My drafts at the bottom of Home; overdue ones (unsigned past the program's hours) marked "!".
    static func renderDrafts(_ state: HomeState, into buffer: inout ScreenBuffer, rows: Int) {
        guard rows > 0 else { return }
        let a = state.area
        let overdue = state.drafts.filter(\.overdue).count
        var y = a.y + a.height - rows - 1
        var head = "My unsigned notes (\(state.drafts.count))"
        if overdue > 0 { head += " · ! \(overdue) over \(state.unsignedHours) h" }
        head += state.draftsFocused ? " · Enter continues" : " · Tab to select"
        buffer.put(head, x: a.x + 1, y: y, role: .header, maxWidth: a.width - 2)
        y += 1
        let gl = TableLayout.make(draftColumns, width: a.width)
        for (i, k) in state.draftCursor.visible.enumerated() {
            let d = state.drafts[k]
            let cells: [StyledLine] = [
                StyledLine("\(d.date) \(formatClockTime(d.startMinute))"),
                StyledLine(d.clientName),
                StyledLine(d.mrn, .dim),
                StyledLine("\(d.template.label) \(d.format.label.lowercased())", .dim),
                d.overdue ? StyledLine("! unsigned", .overdue) : StyledLine("draft", .warning),
            ]
            for slot in gl.slots { cells[slot.column].draw(into: &buffer, x: a.x + slot.x, y: y + i, width: slot.width) }
            if state.draftsFocused && k == state.draftCursor.selected {
                buffer.put(">", x: a.x, y: y + i)
                let bar = gl.slots.first.map { $0.x + $0.width } ?? a.width
                buffer.setRole(.selection, x: a.x, y: y + i, width: min(a.width, bar))
                buffer.cursor = Point(x: a.x, y: y + i)
            }
        }
    }
}
