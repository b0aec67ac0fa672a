// The program's groups (mine first) and one group's roster and sessions, with enrolment and the group form.
import Foundation
import CaseloadCore

public struct GroupsState: Hashable, Sendable {
    public var rows: [GroupListRow]
    public var cursor: ListCursor
    public var area: Rect
    public init(rows: [GroupListRow], area: Rect) {
        self.rows = rows; self.area = area
        cursor = ListCursor(count: rows.count, pageSize: max(1, area.height - 1))
    }
}

public enum GroupsAction: Hashable, Sendable {
    case command(Command)
    case loaded([GroupListRow])
    case resized(Rect)
}

public enum GroupsScreen {
    public static let scopes: [KeyScope] = [.groups, .list, .global]

    public static func reduce(_ state: inout GroupsState, _ action: GroupsAction) -> Request {
        switch action {
        case .resized(let area):
            state.area = area; state.cursor.setPageSize(max(1, area.height - 1)); return .none
        case .loaded(let rows):
            let selected = state.rows[safe: state.cursor.selected]?.id
            state.rows = rows; state.cursor.setCount(rows.count)
            if let id = selected, let i = rows.firstIndex(where: { $0.id == id }) { state.cursor.select(i) }
            return .none
        case .command(let c):
            if state.cursor.apply(c) { return .none }
            switch c {
            case .open:
                guard let row = state.rows[safe: state.cursor.selected] else {
                    return .message("There are no groups yet.", .info)
                }
                return .openGroup(groupID: row.id)
            case .back: return .back
            default: return .none
            }
        }
    }

    // Everything fits 80 columns; narrower terminals lose modality, then room, then facilitators.
    static let columns = [
        TableColumn("Group", width: 16, flexible: true),
        TableColumn("Modality", width: 10, priority: 20),
        TableColumn("Facilitators", width: 14, priority: 45),
        TableColumn("Schedule", width: 13, priority: 60),
        TableColumn("Room", width: 6, priority: 30),
        TableColumn("Enrol", width: 6, priority: 50),
        TableColumn("Size", width: 5, alignRight: true, priority: 70),
    ]

    public static func render(_ state: GroupsState, into buffer: inout ScreenBuffer) {
        let a = state.area
        if state.rows.isEmpty {
            buffer.put("There are no groups yet.", x: a.x + 2, y: a.y + 1, role: .dim)
            return
        }
        TableView.draw(into: &buffer, x: a.x, y: a.y, width: a.width, height: a.height, columns: columns,
                       layout: TableLayout.make(columns, width: a.width), cursor: state.cursor) { row, col in
            let r = state.rows[row]
            switch col {
            case 0: return StyledLine([Span(r.isMine ? "* " : "  ", .ok), Span(r.group.name)])
            case 1: return StyledLine(r.modality, .dim)
            case 2: return StyledLine(r.facilitatorNames.joined(separator: ", "))
            case 3: return StyledLine(r.group.scheduleLabel)
            case 4: return StyledLine(r.group.room, .dim)
            case 5: return StyledLine(r.group.isOpen ? "open" : "closed", r.group.isOpen ? .ok : .dim)
            default:
                return StyledLine("\(r.rosterSize)/\(r.group.capacity)", r.rosterSize >= r.group.capacity ? .warning : .normal)
            }
        }
    }
}

// MARK: - One group

public struct GroupState: Hashable, Sendable {
    public enum Pane: Hashable, Sendable { case roster, sessions }
    public var row: GroupListRow
    public var roster: [RosterMember]
    public var sessions: [GroupSession]
    public var pane: Pane = .roster
    public var rosterCursor: ListCursor
    public var sessionCursor: ListCursor
    public var area: Rect
    public var today: Day
    public var prompt: ScreenPrompt?

    public init(row: GroupListRow, roster: [RosterMember], sessions: [GroupSession], area: Rect, today: Day) {
        self.row = row; self.roster = roster; self.sessions = sessions; self.area = area; self.today = today
        rosterCursor = ListCursor(count: roster.count, pageSize: 1)
        sessionCursor = ListCursor(count: sessions.count, pageSize: 1)
        // The session nearest today (newest not in the future) is the one most likely wanted.
        if let i = sessions.firstIndex(where: { $0.date <= today }) { sessionCursor.select(i) }
        GroupScreen.fit(&self)
    }
    public var groupID: RowID { row.id }
}

public enum GroupAction: Hashable, Sendable {
    case command(Command)
    case promptKey(Key)
    case loaded(GroupListRow, [RosterMember], [GroupSession])
    case resized(Rect)
}

/// The group form: one field at a time on the prompt line, each checked before the next.
enum GroupForm {
    struct Field: Sendable {
        var label: String
        var get: @Sendable (CounselingGroup) -> String
        var set: @Sendable (inout CounselingGroup, String) -> String?
    }
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let fields: [Field] = [
        Field(label: "Name: ", get: { $0.name }) { g, t in
            let v = t.trimmingCharacters(in: .whitespaces)
            if v.isEmpty { return "A group needs a name." }
            g.name = v; return nil
        },
        Field(label: "Room: ", get: { $0.room }) { g, t in g.room = t.trimmingCharacters(in: .whitespaces); return nil },
        Field(label: "Capacity: ", get: { String($0.capacity) }) { g, t in
            guard let n = Int(t.trimmingCharacters(in: .whitespaces)), (1...200).contains(n) else {
                return "Capacity must be a whole number from 1 to 200."
            }
            g.capacity = n; return nil
        },
        Field(label: "Enrolment (open/closed): ", get: { $0.isOpen ? "open" : "closed" }) { g, t in
            switch t.trimmingCharacters(in: .whitespaces).lowercased() {
            case "open", "o": g.isOpen = true; return nil
            case "closed", "c": g.isOpen = false; return nil
            default: return "Type open or closed."
            }
        },
        Field(label: "Schedule (day HH:MM minutes): ", get: { g in
            "\(Day.weekdayNames[g.weekday]) \(formatClockTime(g.startMinute)) \(g.minutes)"
        }) { g, t in
            let w = t.split(separator: " ").map { String($0) }
            let bad = "Write the schedule like “Mon 10:00 90”."
            guard w.count == 3, let day = weekdays.firstIndex(of: String(w[0].lowercased().prefix(3))) else { return bad }
            let hm = w[1].split(separator: ":")
            guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m)
            else { return bad }
            guard let len = Int(w[2]), (5...480).contains(len) else { return "A session lasts 5 to 480 minutes." }
            g.weekday = day; g.startMinute = h * 60 + m; g.minutes = len; return nil
        },
    ]
}

public enum GroupScreen {
    public static let scopes: [KeyScope] = [.group, .list, .global]

    static func fit(_ s: inout GroupState) {
        let l = layout(s.area)
        s.rosterCursor.setPageSize(l.rosterRows); s.sessionCursor.setPageSize(l.sessionRows)
    }

    struct Layout { var rosterRows: Int; var sessionRows: Int }
    static func layout(_ a: Rect) -> Layout {
        // Header line, then two tables (title + column header each) splitting what is left.
        let spare = max(2, a.height - 1 - 4)
        let roster = max(1, spare / 2)
        return Layout(rosterRows: roster, sessionRows: max(1, spare - roster))
    }

    public static func reduce(_ state: inout GroupState, _ action: GroupAction) -> Request {
        switch action {
        case .resized(let area):
            state.area = area; fit(&state); return .none
        case .loaded(let row, let roster, let sessions):
            state.row = row; state.roster = roster; state.sessions = sessions
            state.rosterCursor.setCount(roster.count); state.sessionCursor.setCount(sessions.count)
            return .none
        case .promptKey(let key):
            return promptKey(&state, key)
        case .command(let c):
            if state.pane == .roster ? state.rosterCursor.apply(c) : state.sessionCursor.apply(c) { return .none }
            switch c {
            case .back: return .back
            case .nextTab, .previousTab:
                state.pane = state.pane == .roster ? .sessions : .roster; return .none
            case .open:
                if state.pane == .sessions {
                    guard let id = state.sessions[safe: state.sessionCursor.selected]?.id else {
                        return .message("No sessions in these dates. Press a to add one today.", .info)
                    }
                    return .openSheet(sessionID: id)
                }
                guard let m = state.roster[safe: state.rosterCursor.selected] else {
                    return .message("Nobody is enrolled. Press e to enroll a client.", .info)
                }
                return .openChart(clientID: m.clientID)
            case .enroll:
                state.prompt = ScreenPrompt(.enroll, "Enroll client with MRN: ")
                return .none
            case .dischargeMember:
                guard state.pane == .roster, let m = state.roster[safe: state.rosterCursor.selected] else {
                    return .message("Select a member on the roster first (Tab switches lists).", .info)
                }
                if m.leftOn != nil { return .message("\(m.clientName) already left on \(m.leftOn!).", .info) }
                state.prompt = ScreenPrompt(.discharge(memberID: m.memberID),
                                            "Discharge \(m.clientName) from \(state.row.group.name) today? (y/n)")
                return .none
            case .addSession:
                return .addSession(groupID: state.groupID)
            case .editGroup:
                let g = state.row.group
                state.prompt = ScreenPrompt(.groupField(field: 0, draft: g), GroupForm.fields[0].label,
                                            text: GroupForm.fields[0].get(g))
                return .none
            default: return .none
            }
        }
    }

    private static func promptKey(_ state: inout GroupState, _ key: Key) -> Request {
        guard var p = state.prompt else { return .none }
        let outcome = p.handle(key)
        state.prompt = p
        switch outcome {
        case .pending, .other: return .none
        case .cancel, .no: state.prompt = nil; return .none
        case .yes:
            state.prompt = nil
            if case .discharge(let memberID) = p.kind {
                return .discharge(groupID: state.groupID, memberID: memberID)
            }
            return .none
        case .submit(let text):
            switch p.kind {
            case .enroll:
                state.prompt = nil
                let mrn = text.trimmingCharacters(in: .whitespaces)
                if mrn.isEmpty { return .none }
                return .enroll(groupID: state.groupID, mrn: mrn)
            case .groupField(let i, var draft):
                if let problem = GroupForm.fields[i].set(&draft, text) { return .message(problem, .error) }
                if i + 1 < GroupForm.fields.count {
                    let f = GroupForm.fields[i + 1]
                    state.prompt = ScreenPrompt(.groupField(field: i + 1, draft: draft), f.label, text: f.get(draft))
                    return .none
                }
                state.prompt = nil
                return .saveGroup(draft, facilitatorIDs: state.row.facilitatorIDs)
            default:
                state.prompt = nil; return .none
            }
        }
    }

    static let rosterColumns = [
        TableColumn("Member", width: 16, flexible: true),
        TableColumn("MRN", width: 8, priority: 40),
        TableColumn("Joined", width: 10, priority: 50),
        TableColumn("Left", width: 10, priority: 60),
    ]
    static let sessionColumns = [
        TableColumn("Date", width: 15),
        TableColumn("Time", width: 11, priority: 50),
        TableColumn("Status", width: 9),
        TableColumn("Topic", width: 12, flexible: true),
    ]

    public static func render(_ state: GroupState, into buffer: inout ScreenBuffer) {
        let a = state.area
        let r = state.row
        let head = "\(r.group.name) · \(r.modality) · \(r.group.scheduleLabel) · \(r.group.room) · "
            + "\(r.group.isOpen ? "open" : "closed") · \(r.rosterSize)/\(r.group.capacity)"
        buffer.put(head, x: a.x + 1, y: a.y, role: .header, maxWidth: a.width - 1)
        let l = layout(a)
        var y = a.y + 1
        let current = state.roster.filter { $0.leftOn == nil }.count
        buffer.put("Roster (\(current) current, \(state.roster.count - current) past) · " +
                   r.facilitatorNames.joined(separator: ", "), x: a.x + 1, y: y,
                   role: state.pane == .roster ? .overlayTitle : .dim, maxWidth: a.width - 1)
        y += 1
        if state.roster.isEmpty {
            buffer.put("Nobody is enrolled. Press e to enroll a client.", x: a.x + 2, y: y + 1, role: .dim)
        } else {
            TableView.draw(into: &buffer, x: a.x, y: y, width: a.width, height: l.rosterRows + 1, columns: rosterColumns,
                           layout: TableLayout.make(rosterColumns, width: a.width), cursor: state.rosterCursor,
                           focused: state.pane == .roster && state.prompt == nil) { row, col in
                let m = state.roster[row]
                let past = m.leftOn != nil || m.clientStatus == .discharged
                switch col {
                case 0: return StyledLine(m.clientName, past ? .dim : .normal)
                case 1: return StyledLine(m.mrn, .dim)
                case 2: return StyledLine(m.joinedOn.description, .dim)
                default:
                    if let left = m.leftOn { return StyledLine(left.description, .dim) }
                    return m.clientStatus == .discharged ? StyledLine("discharged", .dim) : StyledLine("")
                }
            }
        }
        y += l.rosterRows + 1
        buffer.put("Sessions (\(state.sessions.count), newest first)", x: a.x + 1, y: y,
                   role: state.pane == .sessions ? .overlayTitle : .dim, maxWidth: a.width - 1)
        y += 1
        if state.sessions.isEmpty {
            buffer.put("No sessions in these dates. Press a to add one today.", x: a.x + 2, y: y + 1, role: .dim)
        } else {
            TableView.draw(into: &buffer, x: a.x, y: y, width: a.width, height: l.sessionRows + 1, columns: sessionColumns,
                           layout: TableLayout.make(sessionColumns, width: a.width), cursor: state.sessionCursor,
                           focused: state.pane == .sessions && state.prompt == nil) { row, col in
                let s = state.sessions[row]
                switch col {
                case 0: return StyledLine(Format.longDate(s.date), s.date == state.today ? .highlight : .normal)
                case 1: return StyledLine("\(formatClockTime(s.startMinute))–\(formatClockTime(s.startMinute + s.minutes))")
                case 2:
                    if s.signedAt != nil || s.signedByID != nil { return StyledLine("signed", .ok) }
                    return StyledLine(s.status.label.lowercased(), s.status == .cancelled ? .warning : .dim)
                default: return StyledLine(s.topic)
                }
            }
        }
    }
}
