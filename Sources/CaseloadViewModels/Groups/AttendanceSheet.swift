// The attendance sheet of one group session: one key marks the selected member and moves on.
import Foundation
import CaseloadCore

public struct SheetState: Hashable, Sendable {
    public var sheet: AttendanceSheet
    public var cursor: ListCursor
    public var area: Rect
    public var prompt: ScreenPrompt?
    /// The group note being written (`w`); while open it takes every key.
    public var noteEditor: GroupNoteEditor?
    public var utcOffset: Int

    public init(sheet: AttendanceSheet, area: Rect, utcOffset: Int = 0) {
        self.sheet = sheet; self.area = area; self.utcOffset = utcOffset
        cursor = ListCursor(count: sheet.lines.count, pageSize: SheetScreen.tableRows(area, sheet: sheet))
    }

    public var isSigned: Bool { sheet.session.signedAt != nil || sheet.session.signedByID != nil }
    public var sessionID: RowID { sheet.session.id! }
    var selectedLine: AttendanceSheet.Line? { sheet.lines[safe: cursor.selected] }
}

/// The note panel: the text being written and what it started from, so Esc knows whether to ask.
public struct GroupNoteEditor: Hashable, Sendable {
    public var text: TextArea
    public let original: String
    /// "Discard changes? (y/n)" is showing.
    public var confirmingDiscard = false
    public var isChanged: Bool { text.text != original }

    public init(note: String, area: Rect) {
        original = note
        let r = SheetScreen.editorTextRect(area)
        text = TextArea(text: note, width: r.width, height: r.height)
    }
}

public enum SheetAction: Hashable, Sendable {
    case command(Command)
    /// A key while a prompt or the note panel is open.
    case promptKey(Key)
    case loaded(AttendanceSheet)
    /// The note was saved by someone else first; `topic` and `note` are what we tried to save.
    case conflict(EditConflict, topic: String, note: String)
    /// Someone else marked this member first (the sheet now shows their mark); what we tried to save.
    case markConflict(EditConflict, clientID: RowID, status: AttendanceStatus, minutes: Int, line: String?)
    case resized(Rect)
}

public enum SheetScreen {
    public static let scopes: [KeyScope] = [.sheet, .list, .global]

    /// Most rows the note's first lines take under the table when it is not being written.
    static let noteRows = 3
    static func noteLabel(_ sheet: AttendanceSheet) -> String {
        "Note" + (sheet.lastChangedBy.map { " (\($0))" } ?? "") + ": "
    }
    /// The note under the table, wrapped, at most `noteRows` rows; one row when there is none.
    static func noteLines(_ sheet: AttendanceSheet, width: Int) -> [StyledLine] {
        let label = noteLabel(sheet)
        // A tab would show as a replacement mark in the summary; the panel expands tabs itself.
        let note = sheet.session.note.replacingOccurrences(of: "\t", with: " ")
        guard !note.isEmpty else { return [StyledLine([Span(label, .dim), Span("(none — w to write)", .dim)])] }
        var wrapped = TextWrap.wrap(note, width: max(1, width - DisplayWidth.of(label)), prefix: label, prefixRole: .dim)
        if wrapped.count > noteRows {
            // "…" says there is more; w opens all of it.
            wrapped = Array(wrapped.prefix(noteRows))
            let last = wrapped[noteRows - 1]
            wrapped[noteRows - 1] = StyledLine(last.spans + [Span(" …", .dim)]).truncated(to: width)
        }
        return wrapped
    }
    static func tableRows(_ area: Rect, sheet: AttendanceSheet) -> Int {
        max(1, area.height - 4 - noteLines(sheet, width: area.width - 1).count)
    }

    /// The note panel takes the lower half of the sheet, so the roster stays in view above it.
    static func editorPanelHeight(_ a: Rect) -> Int { max(3, min(a.height - 4, (a.height - 3) / 2 + 1)) }
    /// Where the note's text goes inside the panel (below its title row).
    public static func editorTextRect(_ a: Rect) -> Rect {
        let h = editorPanelHeight(a)
        return Rect(x: a.x + 1, y: a.y + a.height - h + 1, width: max(1, a.width - 2), height: max(1, h - 1))
    }
    public static let editorTitle = "Group note — Ctrl-S save · Esc cancel"

    public static func reduce(_ state: inout SheetState, _ action: SheetAction) -> Request {
        switch action {
        case .resized(let area):
            state.area = area
            state.cursor.setPageSize(tableRows(area, sheet: state.sheet))
            let r = editorTextRect(area)
            state.noteEditor?.text.resize(width: r.width, height: r.height)
            return .none
        case .loaded(let sheet):
            // The selection stays on the same member (by id) when someone joins or is marked elsewhere.
            let selected = state.selectedLine?.clientID, top = state.cursor.top
            state.sheet = sheet
            state.cursor.setCount(sheet.lines.count)
            state.cursor.setPageSize(tableRows(state.area, sheet: sheet))
            if let id = selected, let i = sheet.lines.firstIndex(where: { $0.clientID == id }) {
                state.cursor.restore(selected: i, top: top)
            }
            return .none
        case .conflict(let c, let topic, let note):
            let when = c.changedAt.map { " at " + Format.timestamp($0, utcOffset: state.utcOffset) } ?? ""
            state.prompt = ScreenPrompt(.conflict(c, topic: topic, note: note),
                                        "Note changed by \(c.changedBy)\(when): r reload / o overwrite")
            return .none
        case let .markConflict(c, clientID, status, minutes, line):
            let name = state.sheet.lines.first { $0.clientID == clientID }?.clientName ?? "This member"
            if let i = state.sheet.lines.firstIndex(where: { $0.clientID == clientID }) { state.cursor.select(i) }
            let when = c.changedAt.map { " at " + Format.timestamp($0, utcOffset: state.utcOffset).suffix(5) } ?? ""
            state.prompt = ScreenPrompt(.markConflict(c, clientID: clientID, status: status, minutes: minutes, line: line),
                                        "\(name) marked by \(c.changedBy)\(when): r reload / o overwrite")
            return .none
        case .promptKey(let key):
            if state.noteEditor != nil && state.prompt == nil { return editorKey(&state, key) }
            return promptKey(&state, key)
        case .command(let command):
            if state.cursor.apply(command) { return .none }
            return run(&state, command)
        }
    }

    private static func run(_ state: inout SheetState, _ command: Command) -> Request {
        let editing: Set<Command> = [.markPresent, .markAbsent, .markExcused, .markLate, .markLeftEarly,
                                     .markAllPresent, .memberLine, .editTopic, .editGroupNote, .signSession]
        if editing.contains(command) && state.isSigned {
            return .message("This session is signed; the sheet is read-only.", .warning)
        }
        let minutes = state.sheet.session.minutes
        switch command {
        case .back:
            return .back
        case .markPresent: return mark(&state, .present, minutes: minutes)
        case .markAbsent: return mark(&state, .absent, minutes: 0)
        case .markExcused: return mark(&state, .excused, minutes: 0)
        case .markLate, .markLeftEarly:
            guard let line = state.selectedLine else { return .message("Nobody is on this sheet.", .info) }
            let status: AttendanceStatus = command == .markLate ? .late : .leftEarly
            state.prompt = ScreenPrompt(.minutes(clientID: line.clientID, status: status),
                                        "\(status.label): minutes attended (1-\(state.sheet.session.minutes))? ",
                                        text: String(minutes), selected: true)
            return .none
        case .markAllPresent, .markRestNotRecorded:
            let status: AttendanceStatus = command == .markAllPresent ? .present : .notRecorded
            let given = status == .present ? minutes : 0
            let ids = state.sheet.lines.filter { $0.attendance == nil }.map(\.clientID)
            guard !ids.isEmpty else { return .message("Everyone is already marked.", .info) }
            for i in state.sheet.lines.indices where state.sheet.lines[i].attendance == nil {
                state.sheet.lines[i].attendance = Attendance(groupSessionID: state.sessionID,
                                                             clientID: state.sheet.lines[i].clientID,
                                                             status: status, minutes: given)
            }
            return .markMany(sessionID: state.sessionID, clientIDs: ids, status: status, minutes: given)
        case .memberLine:
            guard let line = state.selectedLine else { return .message("Nobody is on this sheet.", .info) }
            guard line.attendance != nil else {
                return .message("Mark \(line.clientName) first (p a e l o), then write the line.", .info)
            }
            state.prompt = ScreenPrompt(.memberLine(clientID: line.clientID), "Line for \(line.clientName): ",
                                        text: line.attendance?.line ?? "")
            return .none
        case .editTopic:
            state.prompt = ScreenPrompt(.topic, "Topic: ", text: state.sheet.session.topic)
            return .none
        case .editGroupNote:
            state.noteEditor = GroupNoteEditor(note: state.sheet.session.note, area: state.area)
            return .none
        case .signSession:
            // Every member is accounted for before a signature: marked, or recorded as not recorded on purpose.
            let unmarked = state.sheet.lines.filter { $0.attendance == nil }.count
            if unmarked > 0 {
                return .message("\(Format.plural(unmarked, "member")) not marked: mark them (A: all present), or N: not recorded.", .warning)
            }
            state.prompt = ScreenPrompt(.sign, "Sign this session? It cannot be changed afterwards. (y/n)")
            return .none
        default:
            return .none
        }
    }

    /// Marks the selected member, optimistically on screen, and moves to the next one.
    private static func mark(_ state: inout SheetState, _ status: AttendanceStatus, minutes: Int,
                             clientID: RowID? = nil) -> Request {
        guard let i = clientID.flatMap({ id in state.sheet.lines.firstIndex { $0.clientID == id } })
                ?? (state.sheet.lines.isEmpty ? nil : state.cursor.selected) else {
            return .message("Nobody is on this sheet.", .info)
        }
        let line = state.sheet.lines[i]
        // What the sheet showed, so a mark someone else made meanwhile is not overwritten silently.
        let expected = line.attendance?.revision ?? 0
        var a = line.attendance ?? Attendance(groupSessionID: state.sessionID, clientID: line.clientID,
                                              status: status, minutes: minutes)
        a.status = status; a.minutes = minutes
        state.sheet.lines[i].attendance = a
        state.cursor.select(i + 1)
        return .mark(sessionID: state.sessionID, clientID: line.clientID, status: status, minutes: minutes, line: nil,
                     expectedRevision: expected)
    }

    private static func promptKey(_ state: inout SheetState, _ key: Key) -> Request {
        guard var p = state.prompt else { return .none }
        let outcome = p.handle(key)
        state.prompt = p
        switch outcome {
        case .pending: return .none
        case .cancel, .no:
            state.prompt = nil
            if case .sign = p.kind { return .message("Not signed. The session stays open.", .info) }
            // Esc on a mark conflict keeps theirs: the sheet reloads so it shows what is stored.
            if case .markConflict = p.kind { return .reloadSheet(sessionID: state.sessionID) }
            if outcome == .cancel, case .conflict(_, _, let note) = p.kind, note != state.sheet.session.note {
                // Esc on a conflict keeps writing: the text we tried to save comes back in the panel.
                var editor = GroupNoteEditor(note: state.sheet.session.note, area: state.area)
                editor.text = TextArea(text: note, width: editor.text.viewWidth, height: editor.text.viewHeight)
                state.noteEditor = editor
            }
            return .none
        case .other(let c):
            if case let .markConflict(_, clientID, status, minutes, line) = p.kind {
                if c == "r" { state.prompt = nil; return .reloadSheet(sessionID: state.sessionID) }
                if c == "o" {
                    state.prompt = nil
                    return .mark(sessionID: state.sessionID, clientID: clientID, status: status, minutes: minutes,
                                 line: line, expectedRevision: nil)
                }
                return .none
            }
            guard case .conflict(_, let topic, let note) = p.kind else { return .none }
            if c == "r" { state.prompt = nil; return .reloadSheet(sessionID: state.sessionID) }
            if c == "o" {
                state.prompt = nil
                return .saveGroupNote(sessionID: state.sessionID, topic: topic, note: note, expectedRevision: nil)
            }
            return .none
        case .yes:
            state.prompt = nil
            if case .sign = p.kind { return .signSession(sessionID: state.sessionID) }
            return .none
        case .submit(let text):
            switch p.kind {
            case .minutes(let clientID, let status):
                let length = state.sheet.session.minutes
                guard let m = Int(text.trimmingCharacters(in: .whitespaces)), (1...max(1, length)).contains(m) else {
                    return .message("Minutes attended are a whole number from 1 to \(length), the session's length.", .error)
                }
                state.prompt = nil
                return mark(&state, status, minutes: m, clientID: clientID)
            case .memberLine(let clientID):
                state.prompt = nil
                guard let i = state.sheet.lines.firstIndex(where: { $0.clientID == clientID }),
                      let a = state.sheet.lines[i].attendance else { return .none }
                state.sheet.lines[i].attendance?.line = text
                return .mark(sessionID: state.sessionID, clientID: clientID, status: a.status, minutes: a.minutes,
                             line: text, expectedRevision: a.revision)
            case .topic:
                state.prompt = nil
                return .saveGroupNote(sessionID: state.sessionID, topic: text, note: state.sheet.session.note,
                                      expectedRevision: state.sheet.session.revision)
            default:
                state.prompt = nil
                return .none
            }
        }
    }

    /// A key in the note panel: Ctrl-S saves, Esc leaves (asking first when something changed).
    private static func editorKey(_ state: inout SheetState, _ key: Key) -> Request {
        guard var editor = state.noteEditor else { return .none }
        if editor.confirmingDiscard {
            if YesNo.isYes(key) { state.noteEditor = nil } else { editor.confirmingDiscard = false; state.noteEditor = editor }
            return .none
        }
        switch key {
        case .ctrl("s"):
            state.noteEditor = nil
            guard editor.isChanged else { return .message("The note was not changed.", .info) }
            return .saveGroupNote(sessionID: state.sessionID, topic: state.sheet.session.topic,
                                  note: editor.text.text, expectedRevision: state.sheet.session.revision)
        case .escape:
            if editor.isChanged { editor.confirmingDiscard = true; state.noteEditor = editor } else { state.noteEditor = nil }
            return .none
        default:
            let outcome = editor.text.handle(key)
            state.noteEditor = editor
            if case .refused(let why) = outcome { return .message(why, .warning) }
            return .none
        }
    }

    // MARK: - Rendering

    static let columns = [
        TableColumn("Mark", width: 4),
        TableColumn("Member", width: 16, flexible: true),
        TableColumn("MRN", width: 8, priority: 40),
        TableColumn("Min", width: 3, alignRight: true, priority: 60),
        TableColumn("Line", width: 24, priority: 50),
    ]

    static func markRole(_ s: AttendanceStatus?) -> Role {
        switch s {
        case .present?: .present
        case .absent?: .absent
        case .late?, .leftEarly?: .warning
        case .excused?: .dim
        case .notRecorded?: .warning
        case nil: .normal
        }
    }

    public static func render(_ state: SheetState, into buffer: inout ScreenBuffer) {
        let a = state.area
        let s = state.sheet.session
        let g = state.sheet.group
        let head = "\(g.name) · \(Format.longDate(s.date)) \(formatClockTime(s.startMinute))–"
            + "\(formatClockTime(s.startMinute + s.minutes)) · \(g.room)"
        buffer.put(head, x: a.x + 1, y: a.y, role: .header, maxWidth: a.width - 1)
        var status = [Span(s.status.label, .dim)]
        if state.isSigned { status = [Span("Signed — read-only", .ok)] }
        let topic = s.topic.isEmpty ? [Span("Topic: ", .dim), Span("(none)", .dim)] : [Span("Topic: ", .dim), Span(s.topic)]
        StyledLine(status + [Span("   ")] + topic).draw(into: &buffer, x: a.x + 1, y: a.y + 1, width: a.width - 1)
        var counts: [AttendanceStatus: Int] = [:]
        for l in state.sheet.lines { if let st = l.attendance?.status { counts[st, default: 0] += 1 } }
        let unmarked = state.sheet.lines.filter { $0.attendance == nil }.count
        var spans: [Span] = []
        for st in AttendanceStatus.allCases {
            spans += [Span("[\(st.marker)] \(counts[st] ?? 0)", markRole(counts[st] ?? 0 > 0 ? st : nil)), Span("  ")]
        }
        spans.append(Span("[ ] \(unmarked) not marked", unmarked > 0 ? .warning : .ok))
        StyledLine(spans).draw(into: &buffer, x: a.x + 1, y: a.y + 2, width: a.width - 1)
        let panel = state.noteEditor.map { _ in editorPanelHeight(a) }
        let rows = panel.map { max(1, a.height - 4 - $0) } ?? tableRows(a, sheet: state.sheet)
        if state.sheet.lines.isEmpty {
            buffer.put("Nobody was on the roster on this date.", x: a.x + 2, y: a.y + 4, role: .dim)
        } else {
            TableView.draw(into: &buffer, x: a.x, y: a.y + 3, width: a.width, height: rows + 1, columns: columns,
                           layout: TableLayout.make(columns, width: a.width), cursor: state.cursor,
                           focused: state.prompt == nil && state.noteEditor == nil) { row, col in
                let l = state.sheet.lines[row]
                switch col {
                case 0: return StyledLine("[\(l.attendance?.status.marker ?? " ")]", markRole(l.attendance?.status))
                case 1: return SafetyBanner.prefixed(StyledLine(l.clientName), flags: l.safetyFlags)
                case 2: return StyledLine(l.mrn, .dim)
                case 3: return StyledLine(l.attendance.map { String($0.minutes) } ?? "", .dim)
                default: return StyledLine(l.attendance?.line ?? "")
                }
            }
        }
        if let editor = state.noteEditor, let h = panel {
            renderEditor(editor, into: &buffer, area: a, panelHeight: h)
        } else {
            renderNote(state, into: &buffer)
        }
    }

    static func renderNote(_ state: SheetState, into buffer: inout ScreenBuffer) {
        let a = state.area
        let lines = noteLines(state.sheet, width: a.width - 1)
        for (i, l) in lines.enumerated() {
            l.draw(into: &buffer, x: a.x + 1, y: a.y + a.height - lines.count + i, width: a.width - 1)
        }
    }

    static func renderEditor(_ editor: GroupNoteEditor, into buffer: inout ScreenBuffer, area a: Rect, panelHeight h: Int) {
        let titleY = a.y + a.height - h
        buffer.fill(x: a.x, y: titleY, width: a.width, height: 1, role: .header)
        let r = editorTextRect(a)
        editor.text.render(into: &buffer, x: r.x, y: r.y, width: r.width, height: r.height, role: .normal)
        if editor.confirmingDiscard {
            buffer.fill(x: a.x, y: titleY, width: a.width, height: 1, role: .warning)
            let w = buffer.put("Discard changes? (y/n)", x: a.x + 1, y: titleY, role: .warning, maxWidth: a.width - 1)
            buffer.cursor = Point(x: min(a.x + a.width - 1, a.x + 1 + w), y: titleY)
            return
        }
        let count = "\(TextArea.grouped(editor.text.count))/\(TextArea.grouped(editor.text.limit))"
        let titleWidth = DisplayWidth.of(editorTitle)
        buffer.put(editorTitle, x: a.x + 1, y: titleY, role: .header, maxWidth: a.width - 1)
        if titleWidth + DisplayWidth.of(count) + 4 <= a.width {
            buffer.put(count, x: a.x + a.width - 1 - DisplayWidth.of(count), y: titleY, role: .header)
        }
    }
}
