// The attendance sheet of one group session: one key marks the selected member and moves on.
import Foundation
import CaseloadCore

public struct SheetState: Hashable, Sendable {
    public var sheet: AttendanceSheet
    public var cursor: ListCursor
    public var area: Rect
    public var prompt: ScreenPrompt?
    public var utcOffset: Int

    public init(sheet: AttendanceSheet, area: Rect, utcOffset: Int = 0) {
        self.sheet = sheet; self.area = area; self.utcOffset = utcOffset
        cursor = ListCursor(count: sheet.lines.count, pageSize: SheetScreen.tableRows(area))
    }

    public var isSigned: Bool { sheet.session.signedAt != nil || sheet.session.signedByID != nil }
    public var sessionID: RowID { sheet.session.id! }
    var selectedLine: AttendanceSheet.Line? { sheet.lines[safe: cursor.selected] }
}

public enum SheetAction: Hashable, Sendable {
    case command(Command)
    /// A key while a prompt is open.
    case promptKey(Key)
    case loaded(AttendanceSheet)
    /// The note was saved by someone else first; `topic` and `note` are what we tried to save.
    case conflict(EditConflict, topic: String, note: String)
    case resized(Rect)
}

public enum SheetScreen {
    public static let scopes: [KeyScope] = [.sheet, .list, .global]

    static func tableRows(_ area: Rect) -> Int { max(1, area.height - 5) }

    /// Multi-line notes go through a one-line field; a pilcrow stands for each line break both ways.
    static let lineBreak = " ¶ "
    static func flatten(_ note: String) -> String { note.replacingOccurrences(of: "\n", with: lineBreak) }
    static func unflatten(_ text: String) -> String {
        text.replacingOccurrences(of: lineBreak, with: "\n").replacingOccurrences(of: "¶", with: "\n")
    }

    public static func reduce(_ state: inout SheetState, _ action: SheetAction) -> Request {
        switch action {
        case .resized(let area):
            state.area = area
            state.cursor.setPageSize(tableRows(area))
            return .none
        case .loaded(let sheet):
            state.sheet = sheet
            state.cursor.setCount(sheet.lines.count)
            return .none
        case .conflict(let c, let topic, let note):
            let when = c.changedAt.map { " at " + Format.timestamp($0, utcOffset: state.utcOffset) } ?? ""
            state.prompt = ScreenPrompt(.conflict(c, topic: topic, note: note),
                                        "Note changed by \(c.changedBy)\(when): r reload / o overwrite")
            return .none
        case .promptKey(let key):
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
                                        "\(status.label): minutes attended? ", text: String(minutes))
            return .none
        case .markAllPresent:
            let ids = state.sheet.lines.filter { $0.attendance == nil }.map(\.clientID)
            guard !ids.isEmpty else { return .message("Everyone is already marked.", .info) }
            for i in state.sheet.lines.indices where state.sheet.lines[i].attendance == nil {
                state.sheet.lines[i].attendance = Attendance(groupSessionID: state.sessionID,
                                                             clientID: state.sheet.lines[i].clientID,
                                                             status: .present, minutes: minutes)
            }
            return .markMany(sessionID: state.sessionID, clientIDs: ids, status: .present, minutes: minutes)
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
            state.prompt = ScreenPrompt(.groupNote, "Group note (¶ = new line): ", text: flatten(state.sheet.session.note))
            return .none
        case .signSession:
            let unmarked = state.sheet.lines.filter { $0.attendance == nil }.count
            let warn = unmarked > 0 ? " \(Format.plural(unmarked, "member")) not marked." : ""
            state.prompt = ScreenPrompt(.sign, "Sign this session? It cannot be changed afterwards.\(warn) (y/n)")
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
        var a = line.attendance ?? Attendance(groupSessionID: state.sessionID, clientID: line.clientID,
                                              status: status, minutes: minutes)
        a.status = status; a.minutes = minutes
        state.sheet.lines[i].attendance = a
        state.cursor.select(i + 1)
        return .mark(sessionID: state.sessionID, clientID: line.clientID, status: status, minutes: minutes, line: nil)
    }

    private static func promptKey(_ state: inout SheetState, _ key: Key) -> Request {
        guard var p = state.prompt else { return .none }
        let outcome = p.handle(key)
        state.prompt = p
        switch outcome {
        case .pending: return .none
        case .cancel, .no:
            state.prompt = nil
            return .none
        case .other(let c):
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
                guard let m = Int(text.trimmingCharacters(in: .whitespaces)), m >= 0, m <= 24 * 60 else {
                    return .message("Minutes must be a whole number, like \(state.sheet.session.minutes).", .error)
                }
                state.prompt = nil
                return mark(&state, status, minutes: m, clientID: clientID)
            case .memberLine(let clientID):
                state.prompt = nil
                guard let i = state.sheet.lines.firstIndex(where: { $0.clientID == clientID }),
                      let a = state.sheet.lines[i].attendance else { return .none }
                state.sheet.lines[i].attendance?.line = text
                return .mark(sessionID: state.sessionID, clientID: clientID, status: a.status, minutes: a.minutes,
                             line: text)
            case .topic:
                state.prompt = nil
                return .saveGroupNote(sessionID: state.sessionID, topic: text, note: state.sheet.session.note,
                                      expectedRevision: state.sheet.session.revision)
            case .groupNote:
                state.prompt = nil
                return .saveGroupNote(sessionID: state.sessionID, topic: state.sheet.session.topic,
                                      note: unflatten(text), expectedRevision: state.sheet.session.revision)
            default:
                state.prompt = nil
                return .none
            }
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
        let rows = tableRows(a)
        if state.sheet.lines.isEmpty {
            buffer.put("Nobody was on the roster on this date.", x: a.x + 2, y: a.y + 4, role: .dim)
        } else {
            TableView.draw(into: &buffer, x: a.x, y: a.y + 3, width: a.width, height: rows + 1, columns: columns,
                           layout: TableLayout.make(columns, width: a.width), cursor: state.cursor,
                           focused: state.prompt == nil) { row, col in
                let l = state.sheet.lines[row]
                switch col {
                case 0: return StyledLine("[\(l.attendance?.status.marker ?? " ")]", markRole(l.attendance?.status))
                case 1: return StyledLine(l.clientName)
                case 2: return StyledLine(l.mrn, .dim)
                case 3: return StyledLine(l.attendance.map { String($0.minutes) } ?? "", .dim)
                default: return StyledLine(l.attendance?.line ?? "")
                }
            }
        }
        let noteY = a.y + a.height - 1
        let first = s.note.split(separator: "\n").first.map(String.init) ?? ""
        let by = state.sheet.lastChangedBy.map { " (\($0))" } ?? ""
        StyledLine([Span("Note\(by): ", .dim), Span(first.isEmpty ? "(none — w to write)" : first, first.isEmpty ? .dim : .normal)])
            .draw(into: &buffer, x: a.x + 1, y: noteY, width: a.width - 1)
    }
}
