// `:staff` for administrators: every staff account, a new one (a: login, name, credentials, role, supervisor,
// co-signature, one question at a time), and the changes an administrator makes to one: role (r), supervisor (s),
// deactivate / reactivate (d). A choice or a question opens on the screen's last row.
import CaseloadCore

public struct StaffAdminState: Hashable, Sendable {
    public enum Pending: Hashable, Sendable {
        case role(options: [StaffRole], selected: Int)
        /// Usernames of the active supervisors and administrators, nil for none.
        case supervisor(options: [String?], selected: Int)
        case active(Bool)
        /// A new account, one question at a time; `draft` keeps what was typed, so a refusal can come back to it.
        case newText(NewField, LineEditor, draft: NewStaff)
        case newRole(selected: Int, draft: NewStaff)
        case newSupervisor(options: [String?], selected: Int, draft: NewStaff)
        case newCosign(draft: NewStaff)
    }
    public enum NewField: Hashable, Sendable { case username, name, credentials }
    public var staff: [Staff]
    public var cursor = ListCursor()
    public var area: Rect
    public var pending: Pending?

    public init(staff: [Staff], area: Rect) {
        self.staff = staff; self.area = area
        StaffScreen.relayout(&self)
    }

    var selected: Staff? { staff[safe: cursor.selected] }
}

public enum StaffScreen {
    public static let scopes: [KeyScope] = [.staffAdmin, .list, .global]

    static func relayout(_ s: inout StaffAdminState) {
        s.cursor.setPageSize(max(1, s.area.height - 3))
        s.cursor.setCount(s.staff.count)
    }

    static func reduce(_ s: inout StaffAdminState, _ command: Command) -> Request {
        if s.cursor.apply(command) { return .none }
        switch command {
        case .setRole:
            guard let who = s.selected else { return .none }
            let roles = StaffRole.allCases
            s.pending = .role(options: roles, selected: roles.firstIndex(of: who.role) ?? 0)
        case .setSupervisor:
            guard let who = s.selected else { return .none }
            let bosses = supervisorChoices(s, excluding: who.id)
            let current = s.staff.first { $0.id == who.supervisorID }?.username
            s.pending = .supervisor(options: bosses, selected: bosses.firstIndex(of: current) ?? 0)
        case .toggleActive:
            guard let who = s.selected else { return .none }
            s.pending = .active(!who.active)
        case .addRecord:
            startNew(&s, NewStaff(username: "", displayName: "", role: .counselor))
        case .back: return .back
        default: break
        }
        return .none
    }

    /// Opens the new-account questions at the first one, with what `draft` already holds (after a refusal).
    public static func startNew(_ s: inout StaffAdminState, _ draft: NewStaff) {
        s.pending = .newText(.username, LineEditor(text: draft.username), draft: draft)
    }

    /// The next (`by` 1) or previous (-1) of `n` choices, round the end.
    static func cycle(_ i: Int, _ n: Int, _ by: Int) -> Int { (i + by + n) % n }

    static let newRoles = StaffRole.allCases

    /// None, then the active supervisors and administrators by name (not the account itself).
    static func supervisorChoices(_ s: StaffAdminState, excluding id: RowID?) -> [String?] {
        [nil] + s.staff.filter { ($0.role == .supervisor || $0.role == .admin) && $0.active && $0.id != id }.map(\.username)
    }

    /// The new-account questions: each text is checked as it is given (the same rules as `caseload staff add`).
    static func newKey(_ s: inout StaffAdminState, _ pending: StaffAdminState.Pending, _ key: Key) -> Request? {
        let cancel = Request.message("No account was added.", .info)
        switch pending {
        case .newText(let field, var editor, var draft):
            switch editor.handle(key) {
            case .cancel: s.pending = nil; return cancel
            case .submit:
                do {
                    switch field {
                    case .username:
                        draft.username = try StaffValidation.username(editor.text.trimmingWhitespace())
                        if s.staff.contains(where: { $0.username == draft.username }) {
                            s.pending = .newText(field, editor, draft: draft)
                            return .message("There is already a staff account '\(draft.username)'.", .error)
                        }
                        s.pending = .newText(.name, LineEditor(text: draft.displayName), draft: draft)
                    case .name:
                        draft.displayName = try StaffValidation.displayName(editor.text)
                        s.pending = .newText(.credentials, LineEditor(text: draft.credentials), draft: draft)
                    case .credentials:
                        draft.credentials = try StaffValidation.credentials(editor.text)
                        s.pending = .newRole(selected: newRoles.firstIndex(of: draft.role) ?? 0, draft: draft)
                    }
                } catch {
                    s.pending = .newText(field, editor, draft: draft)
                    return .message((error as? CaseloadError)?.description ?? "\(error)", .error)
                }
            default: s.pending = .newText(field, editor, draft: draft)
            }
            return Request.none
        case .newRole(let i, var draft):
            switch key {
            case .right, .char(" "), .down: s.pending = .newRole(selected: cycle(i, newRoles.count, 1), draft: draft)
            case .left, .up: s.pending = .newRole(selected: cycle(i, newRoles.count, -1), draft: draft)
            case .escape: s.pending = nil; return cancel
            case .enter:
                draft.role = newRoles[i]
                if draft.role == .admin {
                    draft.supervisor = nil; draft.needsCosign = false
                    s.pending = nil
                    return .addStaff(draft)
                }
                let bosses = supervisorChoices(s, excluding: nil)
                s.pending = .newSupervisor(options: bosses, selected: bosses.firstIndex(of: draft.supervisor) ?? 0, draft: draft)
            default: break
            }
            return Request.none
        case .newSupervisor(let options, let i, var draft):
            switch key {
            case .right, .char(" "), .down: s.pending = .newSupervisor(options: options, selected: cycle(i, options.count, 1), draft: draft)
            case .left, .up: s.pending = .newSupervisor(options: options, selected: cycle(i, options.count, -1), draft: draft)
            case .escape: s.pending = nil; return cancel
            case .enter:
                draft.supervisor = options[i]
                if draft.supervisor == nil || draft.role == .supervisor {
                    draft.needsCosign = false
                    s.pending = nil
                    return .addStaff(draft)
                }
                s.pending = .newCosign(draft: draft)
            default: break
            }
            return Request.none
        case .newCosign(var draft):
            if key == .escape { s.pending = nil; return cancel }
            draft.needsCosign = YesNo.isYes(key)
            s.pending = nil
            return .addStaff(draft)
        default:
            return nil
        }
    }

    /// A key while a choice or a question is open.
    static func pendingKey(_ s: inout StaffAdminState, _ key: Key) -> Request {
        if let pending = s.pending, let r = newKey(&s, pending, key) { return r }
        guard let pending = s.pending, let who = s.selected else { s.pending = nil; return .none }
        switch pending {
        case .role(let options, let i):
            switch key {
            case .right, .char(" "), .down: s.pending = .role(options: options, selected: cycle(i, options.count, 1))
            case .left, .up: s.pending = .role(options: options, selected: cycle(i, options.count, -1))
            case .enter: s.pending = nil; return .changeStaff(username: who.username, .role(options[i]))
            case .escape: s.pending = nil; return .message("No change.", .info)
            default: break
            }
        case .supervisor(let options, let i):
            switch key {
            case .right, .char(" "), .down: s.pending = .supervisor(options: options, selected: cycle(i, options.count, 1))
            case .left, .up: s.pending = .supervisor(options: options, selected: cycle(i, options.count, -1))
            case .enter: s.pending = nil; return .changeStaff(username: who.username, .supervisor(username: options[i]))
            case .escape: s.pending = nil; return .message("No change.", .info)
            default: break
            }
        case .active(let active):
            s.pending = nil
            return YesNo.isYes(key) ? .changeStaff(username: who.username, .active(active)) : .message("No change.", .info)
        case .newText, .newRole, .newSupervisor, .newCosign: break
        }
        return .none
    }

    /// The prompt of a new-account text question.
    static func newPrompt(_ field: StaffAdminState.NewField, _ draft: NewStaff) -> String {
        switch field {
        case .username: "New account: login name on this computer: "
        case .name: "Full name of \(draft.username): "
        case .credentials: "Credentials of \(draft.username) (e.g. LADC; Enter for none): "
        }
    }

    static func questionLine(_ s: StaffAdminState) -> String? {
        switch s.pending {
        case .newRole(let i, let draft)?:
            return "Role of \(draft.username): ‹ \(newRoles[i].label) ›  (←→ choose, Enter next, Esc cancel)"
        case .newSupervisor(let options, let i, let draft)?:
            return "Supervisor of \(draft.username): ‹ \(options[i] ?? "none") ›  (←→ choose, Enter save, Esc cancel)"
        case .newCosign(let draft)?:
            return "Must \(draft.supervisor ?? "the supervisor") co-sign \(draft.username)'s notes (in training)? (y/n)"
        default: break
        }
        guard let pending = s.pending, let who = s.selected else { return nil }
        switch pending {
        case .newText, .newRole, .newSupervisor, .newCosign: return nil
        case .role(let options, let i):
            return "Role of \(who.username): ‹ \(options[i].label) ›  (←→ choose, Enter save, Esc cancel)"
        case .supervisor(let options, let i):
            return "Supervisor of \(who.username): ‹ \(options[i] ?? "none") ›  (←→ choose, Enter save, Esc cancel)"
        case .active(true):
            return "Reactivate \(who.username)? They can open Caseload again. (y/n)"
        case .active(false):
            return "Deactivate \(who.username)? They can no longer open Caseload; their records stay. (y/n)"
        }
    }

    public static func render(_ s: StaffAdminState, into buffer: inout ScreenBuffer) {
        let a = s.area, x = a.x + 1, width = a.width - 2
        let active = s.staff.filter(\.active).count
        buffer.put("Staff accounts · \(active) active of \(s.staff.count)", x: x, y: a.y, role: .header, maxWidth: width)
        let byID = Dictionary(s.staff.compactMap { m in m.id.map { ($0, m.username) } }, uniquingKeysWith: { a, _ in a })
        // 78 columns: username 11, name 18, role 20, supervisor 11, co-sign 8, then active / inactive.
        let nameWidth = width >= 76 ? 18 : 13
        func line(_ m: Staff) -> StyledLine {
            StyledLine([Span(DisplayWidth.pad(DisplayWidth.truncate(m.username, to: 10), to: 11)),
                        Span(DisplayWidth.pad(DisplayWidth.truncate(m.displayName, to: nameWidth - 1), to: nameWidth)),
                        Span(DisplayWidth.pad(m.role.label, to: 20), .dim),
                        Span(DisplayWidth.pad(DisplayWidth.truncate(m.supervisorID.flatMap { byID[$0] } ?? "", to: 10), to: 11), .dim),
                        Span(m.needsCosign ? "co-sign " : "        ", .dim),
                        m.active ? Span("active") : Span("inactive", .warning)])
        }
        buffer.put(DisplayWidth.pad("Username", to: 11) + DisplayWidth.pad("Name", to: nameWidth)
                   + DisplayWidth.pad("Role", to: 20) + DisplayWidth.pad("Supervisor", to: 11) + "Co-sign Account",
                   x: x, y: a.y + 1, role: .dim, maxWidth: width)
        buffer.cursor = Point(x: a.x, y: a.y + 2)
        let listRows = a.height - 3
        for (row, i) in s.cursor.visible.enumerated() where row < listRows {
            let y = a.y + 2 + row
            let l = line(s.staff[i])
            if i == s.cursor.selected {
                buffer.put(">", x: a.x, y: y, role: .selection)
                buffer.put(DisplayWidth.truncate(s.staff[i].username, to: 10), x: x, y: y, role: .selection, maxWidth: 10)
                StyledLine(Array(l.spans.dropFirst())).truncated(to: width - 11).draw(into: &buffer, x: x + 11, y: y, width: width - 11)
                buffer.cursor = Point(x: a.x, y: y)
            } else {
                l.truncated(to: width).draw(into: &buffer, x: x, y: y, width: width)
            }
        }
        if case .newText(let field, let editor, let draft)? = s.pending {
            editor.draw(into: &buffer, prompt: newPrompt(field, draft), x: a.x, y: a.y + a.height - 1, width: a.width,
                        role: .warning)
        } else if let q = questionLine(s) {
            let y = a.y + a.height - 1
            buffer.fill(x: a.x, y: y, width: a.width, height: 1, role: .warning)
            let w = buffer.put(q, x: x, y: y, role: .warning, maxWidth: width)
            buffer.cursor = Point(x: min(a.x + a.width - 1, x + w), y: y)
        }
    }
}
