// The program's groups (mine first) and one group's roster and sessions, with enrolment and the group form.
import Foundation
import CaseloadCore

public struct GroupsState: Hashable, Sendable {
    public var rows: [GroupListRow]
    public var cursor: ListCursor
    public var area: Rect
    /// Active modalities, for the new-group form.
    public var modalities: [Modality]
    /// Supervisors and administrators may name another facilitator for a group they create.
    public var mayNameFacilitator: Bool
    /// The new-group form's current question; its `field` indexes NewGroupForm.Step.
    public var prompt: ScreenPrompt?
    public init(rows: [GroupListRow], area: Rect, modalities: [Modality] = [], mayNameFacilitator: Bool = false) {
        self.rows = rows; self.area = area
        self.modalities = modalities.filter(\.active); self.mayNameFacilitator = mayNameFacilitator
        cursor = ListCursor(count: rows.count, pageSize: max(1, area.height - 1))
    }
}

public enum GroupsAction: Hashable, Sendable {
    case command(Command)
    case promptKey(Key)
    case loaded([GroupListRow])
    case resized(Rect)
}

/// The new-group form: the edit form's questions plus a modality and, for supervisors, a facilitator.
enum NewGroupForm {
    enum Step: Int, CaseIterable { case name, modality, schedule, room, capacity, enrolment, facilitator }

    static func label(_ step: Step) -> String {
        switch step {
        case .name: "New group name: "
        case .modality: "Modality (number or name, Tab completes): "
        case .schedule: "Schedule (day HH:MM minutes, e.g. Mon 10:00 90): "
        case .room: "Room: "
        case .capacity: "Capacity (1-40): "
        case .enrolment: "Enrolment (open/closed): "
        case .facilitator: "Facilitator username (Enter: you): "
        }
    }

    /// What the prompt starts with, so Enter accepts a sensible default where there is one.
    static func initialText(_ step: Step) -> String {
        switch step {
        case .capacity: "12"
        case .enrolment: "open"
        default: ""
        }
    }

    /// Modalities whose name starts with `text` (ignoring case and accents), or the one numbered `text`.
    static func matches(_ text: String, _ modalities: [Modality]) -> [Modality] {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return [] }
        if let n = Int(t) { return modalities.indices.contains(n - 1) ? [modalities[n - 1]] : [] }
        let exact = modalities.filter { $0.name.compare(t, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame }
        if !exact.isEmpty { return exact }
        return modalities.filter {
            $0.name.range(of: t, options: [.caseInsensitive, .diacriticInsensitive, .anchored]) != nil
        }
    }

    /// Checks one answer into the draft; a sentence when it cannot be used.
    static func apply(_ step: Step, _ text: String, to g: inout CounselingGroup, _ state: GroupsState) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch step {
        case .name:
            if t.isEmpty { return "A group needs a name." }
            if state.rows.contains(where: { $0.group.name.caseInsensitiveCompare(t) == .orderedSame }) {
                return "Another group is already called “\(t)”. Choose another name."
            }
            g.name = t; return nil
        case .modality:
            let m = matches(t, state.modalities)
            if m.count == 1, let id = m[0].id { g.modalityID = id; return nil }
            if t.isEmpty { return "Choose a modality: type its number from the list or the start of its name." }
            if m.isEmpty { return "No modality matches “\(t)”. Type a number from the list or the start of a name." }
            return "“\(t)” fits \(m.count) modalities: type more of the name or its number."
        case .schedule:
            var probe = g
            if let problem = GroupForm.setSchedule(&probe, t) { return problem }
            g = probe; return nil
        case .room:
            g.room = t; return nil
        case .capacity:
            guard let n = Int(t), (1...40).contains(n) else { return "Capacity must be a whole number from 1 to 40." }
            g.capacity = n; return nil
        case .enrolment:
            switch t.lowercased() {
            case "open", "o": g.isOpen = true; return nil
            case "closed", "c": g.isOpen = false; return nil
            default: return "Type open or closed."
            }
        case .facilitator:
            return nil
        }
    }
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
        case .promptKey(let key):
            return promptKey(&state, key)
        case .command(let c):
            if state.cursor.apply(c) { return .none }
            switch c {
            case .newGroup:
                guard !state.modalities.isEmpty else {
                    return .message("No modalities are set up yet; an administrator adds them first.", .error)
                }
                // The modality and schedule are placeholders until answered; nothing is saved before the last step.
                let draft = CounselingGroup(name: "", modalityID: state.modalities[0].id ?? 0, weekday: 0, startMinute: 600,
                                            minutes: 90, room: "", isOpen: true, capacity: 12)
                state.prompt = ScreenPrompt(.groupField(field: NewGroupForm.Step.name.rawValue, draft: draft),
                                            NewGroupForm.label(.name))
                return .none
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

    private static func promptKey(_ state: inout GroupsState, _ key: Key) -> Request {
        guard var p = state.prompt, case .groupField(let i, var draft) = p.kind,
              let step = NewGroupForm.Step(rawValue: i) else { state.prompt = nil; return .none }
        if step == .modality, key == .tab {
            let m = NewGroupForm.matches(p.editor.text, state.modalities)
            if m.count == 1 { p.editor.setText(m[0].name) } else if m.count > 1 {
                p.editor.setText(commonPrefix(m.map(\.name)))
            }
            state.prompt = p
            return .none
        }
        let outcome = p.handle(key)
        state.prompt = p
        switch outcome {
        case .pending, .other, .yes, .no: return .none
        case .cancel:
            state.prompt = nil
            return .message("New group cancelled; nothing was saved.", .info)
        case .submit(let text):
            if let problem = NewGroupForm.apply(step, text, to: &draft, state) { return .message(problem, .error) }
            var next = NewGroupForm.Step(rawValue: i + 1)
            if next == .facilitator && !state.mayNameFacilitator { next = nil }
            if let next {
                state.prompt = ScreenPrompt(.groupField(field: next.rawValue, draft: draft), NewGroupForm.label(next),
                                            text: NewGroupForm.initialText(next))
                return .none
            }
            state.prompt = nil
            let username = step == .facilitator ? text.trimmingCharacters(in: .whitespaces) : ""
            return .createGroup(draft, facilitatorUsername: username.isEmpty ? nil : username)
        }
    }

    private static func commonPrefix(_ names: [String]) -> String {
        guard var prefix = names.first else { return "" }
        for n in names.dropFirst() {
            while !n.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        return prefix
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
        drawModalityChoices(state, into: &buffer)
    }

    /// While the form asks for a modality, the numbered choices show in a box at the bottom right.
    private static func drawModalityChoices(_ state: GroupsState, into buffer: inout ScreenBuffer) {
        guard let p = state.prompt, case .groupField(let i, _) = p.kind, i == NewGroupForm.Step.modality.rawValue else { return }
        let a = state.area
        let lines = state.modalities.enumerated().map { "\(String($0.offset + 1).leftPad(2)) \($0.element.name)" }
        let width = min(a.width, (lines.map { DisplayWidth.of($0) }.max() ?? 0) + 4)
        let height = min(a.height, lines.count + 2)
        let x = a.x + a.width - width, y = a.y + a.height - height
        buffer.fill(x: x, y: y, width: width, height: height, role: .overlay)
        buffer.put(" Modalities ", x: x + 1, y: y, role: .overlayTitle, maxWidth: width - 2)
        for (n, line) in lines.prefix(height - 2).enumerated() {
            buffer.put(line, x: x + 2, y: y + 1 + n, role: .overlay, maxWidth: width - 3)
        }
    }
}

private extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
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
        }, set: setSchedule),
    ]

    /// "Mon 10:00 90" into the draft's weekday, start and length; shared by the edit and new-group forms.
    @Sendable static func setSchedule(_ g: inout CounselingGroup, _ t: String) -> String? {
        let w = t.split(separator: " ").map { String($0) }
        let bad = "Write the schedule like “Mon 10:00 90”."
        guard w.count == 3, let day = weekdays.firstIndex(of: String(w[0].lowercased().prefix(3))) else { return bad }
        let hm = w[1].split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return bad }
        guard let len = Int(w[2]), (5...480).contains(len) else { return "A session lasts 5 to 480 minutes." }
        g.weekday = day; g.startMinute = h * 60 + m; g.minutes = len; return nil
    }
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
            // The selections stay on the same member and session (by id) when rows come or go.
            let member = state.roster[safe: state.rosterCursor.selected]?.memberID
            let session = state.sessions[safe: state.sessionCursor.selected]?.id
            let rosterTop = state.rosterCursor.top, sessionTop = state.sessionCursor.top
            state.row = row; state.roster = roster; state.sessions = sessions
            state.rosterCursor.setCount(roster.count); state.sessionCursor.setCount(sessions.count)
            if let i = roster.firstIndex(where: { $0.memberID == member }) { state.rosterCursor.restore(selected: i, top: rosterTop) }
            if let id = session, let i = sessions.firstIndex(where: { $0.id == id }) {
                state.sessionCursor.restore(selected: i, top: sessionTop)
            }
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
                // The day, time and length are asked (prefilled from the schedule, replaced by typing): a session
                // added by mistake counts as held once marked.
                let g = state.row.group
                state.prompt = ScreenPrompt(.newSession, "New session (date time minutes): ",
                                            text: "\(state.today) \(formatClockTime(g.startMinute)) \(g.minutes)")
                return .none
            case .editGroup:
                let g = state.row.group
                state.prompt = ScreenPrompt(.groupField(field: 0, draft: g), GroupForm.fields[0].label,
                                            text: GroupForm.fields[0].get(g))
                return .none
            default: return .none
            }
        }
    }

    /// "2026-03-02 17:30 90": a session's day (today or later, at most a year ahead), start and length (1-720 minutes).
    static func parseSession(_ text: String, today: Day) -> Result<(Day, Int, Int), FieldError> {
        let parts = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.count == 3 else {
            return .failure(FieldError(message: "Give the day, start and length, like \(today) 17:30 90."))
        }
        guard parts[0].count == 10, let day = Day(parts[0]) else {
            return .failure(FieldError(message: "“\(parts[0])” is not a date: write it as YYYY-MM-DD, like \(today)."))
        }
        guard day <= today.adding(days: 366) else {
            return .failure(FieldError(message: "\(day) is more than a year ahead."))
        }
        let start: Int
        switch NoteEditor.parseTime(parts[1]) {
        case .success(let m): start = m
        case .failure(let e): return .failure(e)
        }
        guard let minutes = Int(parts[2]), (1...720).contains(minutes) else {
            return .failure(FieldError(message: "The length “\(parts[2])” must be a number of minutes from 1 to 720."))
        }
        return .success((day, start, minutes))
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
            case .newSession:
                switch Self.parseSession(text, today: state.today) {
                case .failure(let problem):
                    return .message(problem.message, .error)      // the line stays for a correction
                case .success(let (date, start, minutes)):
                    state.prompt = nil
                    return .addSession(groupID: state.groupID, date: date, startMinute: start, minutes: minutes)
                }
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
