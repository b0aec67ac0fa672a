// The one key-map table (calcurse keydef[] / tig REQ_ style): bindings, the help overlay and the
// status-bar hints are all generated from it, and a user file can rebind its entries.

/// Everything a key can ask for. Raw values are the names a user key file uses.
public enum Command: String, CaseIterable, Sendable, Hashable {
    case moveUp = "move-up", moveDown = "move-down", pageUp = "page-up", pageDown = "page-down"
    case first, last
    case open, back, quit
    case nextTab = "next-tab", previousTab = "previous-tab", jumpToTab = "jump-to-tab"
    case search, nextMatch = "next-match", previousMatch = "previous-match"
    case sortNext = "sort-next", sortPrevious = "sort-previous", sortReverse = "sort-reverse"
    case filterStatus = "filter-status", cycleScope = "cycle-scope"
    case goCaseload = "caseload"
    case goGroups = "groups"
    case markPresent = "mark-present", markAbsent = "mark-absent", markExcused = "mark-excused"
    case markLate = "mark-late", markLeftEarly = "mark-left-early", markAllPresent = "mark-all-present"
    case markRestNotRecorded = "mark-rest-not-recorded"
    case memberLine = "member-line", editTopic = "edit-topic", editGroupNote = "edit-group-note"
    case signSession = "sign-session"
    case enroll, dischargeMember = "discharge-member", addSession = "add-session", editGroup = "edit-group"
    case newGroup = "new-group"
    case newNote = "new-note", editNote = "edit-note", signNote = "sign-note", addAddendum = "add-addendum"
    case cosignNote = "cosign-note", discardNote = "discard-note"
    case setRole = "set-role", setSupervisor = "set-supervisor", toggleActive = "toggle-active"
    case addRecord = "add-record", editRecord = "edit-record", revokeRecord = "revoke-record"
    case deleteNode = "delete-node", moveNodeUp = "move-node-up", moveNodeDown = "move-node-down"
    case toggleNode = "toggle-node", expandNode = "expand-node", collapseNode = "collapse-node"
    case startPlan = "start-plan", discardPlan = "discard-plan", signPlan = "sign-plan", reviewPlan = "review-plan", addSignature = "add-signature"
    case planVersions = "plan-versions", printPlan = "print-plan", goPlansDue = "plans-due"
    case help, commandLine = "command-line", redraw
}

/// Where a binding applies. A screen looks keys up in its own scope first, then list, then global.
public enum KeyScope: String, CaseIterable, Sendable, Hashable {
    case global, list, home, caseload, chart, note, groups, group, sheet, help
    case notesTab = "notes-tab", noteSearch = "note-search", cosign
    case caseTab = "case-tab", reports
    case summaryTab = "summary-tab", consentsTab = "consents-tab"
    case plan, plansDue = "plans-due"
    case staffAdmin = "staff-admin"

    public var title: String {
        switch self {
        case .global: "Everywhere"
        case .list: "Lists and text"
        case .home: "Home"
        case .caseload: "Caseload"
        case .chart: "Client chart"
        case .note: "Reading a note"
        case .groups: "Groups"
        case .group: "One group"
        case .sheet: "Attendance sheet"
        case .help: "This help"
        case .notesTab: "Chart: Notes tab"
        case .noteSearch: "Note search"
        case .cosign: "Co-signature queue"
        case .caseTab: "Chart: Screens, Referrals, Contacts"
        case .summaryTab: "Chart: Summary tab"
        case .consentsTab: "Chart: Consents tab"
        case .reports: "Reports"
        case .plan: "Chart: Plan tab"
        case .plansDue: "Plans due"
        case .staffAdmin: "Staff accounts (administrators)"
        }
    }
}

public struct KeyBinding: Hashable, Sendable {
    public var command: Command
    public var keys: [Key]
    public var label: String
    public var scope: KeyScope
    /// Shown in the status bar of screens that use this scope.
    public var hint: Bool
    public init(_ command: Command, _ keys: [Key], _ label: String, scope: KeyScope, hint: Bool = false) {
        self.command = command; self.keys = keys; self.label = label; self.scope = scope; self.hint = hint
    }
    /// "↓/j" for the help overlay.
    public var keyNames: String {
        // A run of digit keys reads better as a range ("1-9") than as nine names.
        let digits = keys.compactMap { k -> Int? in if case .char(let c) = k { return c.wholeNumberValue } else { return nil } }
        if digits.count == keys.count, digits.count > 2, digits == Array(digits[0]...digits[digits.count - 1]) {
            return "\(digits[0])-\(digits[digits.count - 1])"
        }
        return keys.map(KeyMap.name(of:)).joined(separator: "/")
    }
}

public struct KeyMap: Hashable, Sendable {
    public private(set) var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) { self.bindings = bindings }

    public static let standard = KeyMap(bindings: [
        KeyBinding(.moveDown, [.down, .char("j")], "move down", scope: .list),
        KeyBinding(.moveUp, [.up, .char("k")], "move up", scope: .list, hint: true),
        KeyBinding(.pageDown, [.pageDown, .ctrl("f"), .char(" ")], "page down", scope: .list),
        KeyBinding(.pageUp, [.pageUp, .ctrl("b")], "page up", scope: .list),
        KeyBinding(.first, [.char("g"), .home], "go to first", scope: .list),
        KeyBinding(.last, [.char("G"), .end], "go to last", scope: .list),

        KeyBinding(.open, [.enter], "open chart", scope: .home, hint: true),
        KeyBinding(.goCaseload, [.char("c")], "caseload", scope: .home, hint: true),
        KeyBinding(.goGroups, [.char("r")], "groups", scope: .home, hint: true),
        KeyBinding(.nextTab, [.tab], "appointments / groups today / my drafts", scope: .home),
        KeyBinding(.newNote, [.char("n")], "write the note of the appointment", scope: .home, hint: true),
        KeyBinding(.search, [.char("/")], "search my notes", scope: .home),
        KeyBinding(.goPlansDue, [.char("p")], "plans due for review", scope: .home, hint: true),

        KeyBinding(.open, [.enter], "open the group", scope: .groups, hint: true),
        KeyBinding(.newGroup, [.char("N")], "new group", scope: .groups, hint: true),

        KeyBinding(.open, [.enter], "open the session's sheet / the member's chart", scope: .group, hint: true),
        KeyBinding(.nextTab, [.tab], "switch roster / sessions", scope: .group, hint: true),
        KeyBinding(.enroll, [.char("e")], "enroll a client (by MRN)", scope: .group, hint: true),
        KeyBinding(.dischargeMember, [.char("d")], "discharge the member (today)", scope: .group, hint: true),
        KeyBinding(.addSession, [.char("a")], "add a session (asks the day, time and length)", scope: .group, hint: true),
        KeyBinding(.editGroup, [.char("E")], "edit the group", scope: .group, hint: true),

        KeyBinding(.markPresent, [.char("p")], "present", scope: .sheet, hint: true),
        KeyBinding(.markAbsent, [.char("a")], "absent", scope: .sheet, hint: true),
        KeyBinding(.markExcused, [.char("e")], "excused", scope: .sheet, hint: true),
        KeyBinding(.markLate, [.char("l")], "late (asks minutes)", scope: .sheet, hint: true),
        KeyBinding(.markLeftEarly, [.char("o")], "left early (asks minutes)", scope: .sheet, hint: true),
        KeyBinding(.markAllPresent, [.char("A")], "everyone not marked: present", scope: .sheet, hint: true),
        KeyBinding(.markRestNotRecorded, [.char("N")], "everyone not marked: not recorded (nobody knows)", scope: .sheet),
        KeyBinding(.memberLine, [.char("n")], "the member's line", scope: .sheet, hint: true),
        KeyBinding(.editTopic, [.char("t")], "topic", scope: .sheet),
        KeyBinding(.editGroupNote, [.char("w")], "write the group note", scope: .sheet),
        KeyBinding(.signSession, [.char("S")], "sign the session", scope: .sheet, hint: true),

        KeyBinding(.open, [.enter], "open chart", scope: .caseload, hint: true),
        KeyBinding(.search, [.char("/")], "search name or MRN", scope: .caseload, hint: true),
        KeyBinding(.nextMatch, [.char("n")], "next match", scope: .caseload),
        KeyBinding(.previousMatch, [.char("N")], "previous match", scope: .caseload),
        KeyBinding(.sortNext, [.char("s"), .right, .char("l")], "sort by next column", scope: .caseload, hint: true),
        KeyBinding(.sortPrevious, [.left, .char("h")], "sort by previous column", scope: .caseload),
        KeyBinding(.sortReverse, [.char("r")], "reverse the sort", scope: .caseload, hint: true),
        KeyBinding(.filterStatus, [.char("f")], "status: active / on hold / discharged / all", scope: .caseload,
                   hint: true),
        KeyBinding(.cycleScope, [.char("v")], "view: mine / team (supervisors)", scope: .caseload),

        KeyBinding(.open, [.enter], "read the note", scope: .chart),
        KeyBinding(.nextTab, [.tab, .right, .char("l")], "next tab", scope: .chart, hint: true),
        KeyBinding(.previousTab, [.backTab, .left, .char("h")], "previous tab", scope: .chart),
        KeyBinding(.jumpToTab, (1...9).map { .char(Character(String($0))) }, "go to tab 1–9", scope: .chart,
                   hint: true),

        KeyBinding(.newNote, [.char("n")], "new progress note", scope: .chart),

        KeyBinding(.open, [.enter], "read the note / continue a draft", scope: .notesTab, hint: true),
        KeyBinding(.editNote, [.char("e")], "continue the draft", scope: .notesTab),
        KeyBinding(.newNote, [.char("n")], "new progress note", scope: .notesTab),
        KeyBinding(.signNote, [.char("S")], "sign the draft", scope: .notesTab, hint: true),
        KeyBinding(.discardNote, [.char("X")], "discard my draft (asks first)", scope: .notesTab),
        KeyBinding(.search, [.char("/")], "search this client's notes", scope: .notesTab, hint: true),

        KeyBinding(.back, [.escape, .char("q")], "back to the list", scope: .note, hint: true),
        KeyBinding(.editNote, [.char("e")], "continue the draft", scope: .note, hint: true),
        KeyBinding(.signNote, [.char("S")], "sign the draft", scope: .note, hint: true),
        KeyBinding(.addAddendum, [.char("a")], "add a dated addendum (signed notes)", scope: .note, hint: true),

        KeyBinding(.open, [.enter], "read the note", scope: .noteSearch, hint: true),
        KeyBinding(.search, [.char("/")], "edit the search", scope: .noteSearch, hint: true),
        KeyBinding(.cycleScope, [.char("v")], "scope: mine / team (supervisors)", scope: .noteSearch),

        KeyBinding(.open, [.enter], "read the note", scope: .cosign, hint: true),
        KeyBinding(.cosignNote, [.char("c")], "co-sign the note", scope: .cosign, hint: true),

        KeyBinding(.editRecord, [.char("e")], "edit the client's details (preferred name, pronouns, phone, emergency contact)",
                   scope: .summaryTab, hint: true),

        KeyBinding(.addRecord, [.char("a")], "add (record a screen, a referral, a contact)", scope: .caseTab, hint: true),
        KeyBinding(.editRecord, [.char("e"), .enter], "edit the selected referral or contact (a screen: entered in error)", scope: .caseTab, hint: true),

        KeyBinding(.addRecord, [.char("a")], "record a consent (every 42 CFR 2.31 element)", scope: .consentsTab, hint: true),
        KeyBinding(.editRecord, [.char("e"), .enter], "edit the selected consent (not once revoked)", scope: .consentsTab, hint: true),
        KeyBinding(.revokeRecord, [.char("r")], "revoke the selected consent (asks first; for good)", scope: .consentsTab, hint: true),

        KeyBinding(.editRecord, [.char("e"), .enter], "edit the selected line (plan, problem, goal, objective, intervention)", scope: .plan, hint: true),
        KeyBinding(.addRecord, [.char("a")], "add under the selected line (a problem from the plan line)", scope: .plan, hint: true),
        KeyBinding(.deleteNode, [.char("d")], "delete the selected line and what is under it (drafts)", scope: .plan, hint: true),
        KeyBinding(.moveNodeUp, [.char("K")], "move the selected line up", scope: .plan),
        KeyBinding(.moveNodeDown, [.char("J")], "move the selected line down", scope: .plan),
        KeyBinding(.toggleNode, [.char(" ")], "fold / unfold", scope: .plan),
        KeyBinding(.expandNode, [.right], "unfold", scope: .plan),
        KeyBinding(.collapseNode, [.left], "fold", scope: .plan),
        KeyBinding(.startPlan, [.char("N")], "start a plan (blank, template, copy)", scope: .plan, hint: true),
        KeyBinding(.discardPlan, [.char("X")], "discard the draft (asks first; the plan in force stays)", scope: .plan),
        KeyBinding(.signPlan, [.char("S")], "sign the draft", scope: .plan, hint: true),
        KeyBinding(.reviewPlan, [.char("R")], "review the signed plan into the next version", scope: .plan, hint: true),
        KeyBinding(.addSignature, [.char("C")], "add the client's later signature / co-sign", scope: .plan),
        KeyBinding(.planVersions, [.char("v")], "versions (Enter views one read-only)", scope: .plan),
        KeyBinding(.printPlan, [.char("P")], "print the plan to a file", scope: .plan),

        KeyBinding(.open, [.enter], "open the chart on the Plan tab", scope: .plansDue, hint: true),

        KeyBinding(.addRecord, [.char("a")], "add a staff account (login, name, role, supervisor)", scope: .staffAdmin, hint: true),
        KeyBinding(.setRole, [.char("r")], "change the selected account's role", scope: .staffAdmin, hint: true),
        KeyBinding(.setSupervisor, [.char("s")], "change who supervises the selected account", scope: .staffAdmin, hint: true),
        KeyBinding(.toggleActive, [.char("d")], "deactivate / reactivate the selected account (asks first)", scope: .staffAdmin, hint: true),
        KeyBinding(.cycleScope, [.char("v")], "view: mine / team (supervisors)", scope: .plansDue, hint: true),

        KeyBinding(.open, [.enter], "run the report", scope: .reports, hint: true),
        KeyBinding(.nextTab, [.tab, .right, .char("l")], "next report", scope: .reports, hint: true),
        KeyBinding(.previousTab, [.backTab, .left, .char("h")], "previous report", scope: .reports),
        KeyBinding(.cycleScope, [.char("p")], "period: 30 days / this month / last month / 12 months", scope: .reports, hint: true),

        KeyBinding(.back, [.escape, .char("q"), .char("?")], "close help", scope: .help, hint: true),

        KeyBinding(.back, [.escape, .char("q")], "go back", scope: .global, hint: true),
        KeyBinding(.quit, [.char("Q"), .ctrl("c")], "quit Caseload", scope: .global, hint: true),
        KeyBinding(.help, [.char("?"), .function(1)], "help", scope: .global, hint: true),
        KeyBinding(.commandLine, [.char(":")], "command line", scope: .global),
        KeyBinding(.redraw, [.ctrl("l")], "redraw the screen", scope: .global),
    ])

    /// The command bound to `key`, looking through `scopes` in order.
    public func command(for key: Key, in scopes: [KeyScope]) -> Command? {
        for scope in scopes {
            if let b = bindings.first(where: { $0.scope == scope && $0.keys.contains(key) }) { return b.command }
        }
        return nil
    }

    /// Status-bar hints for a screen: its own scopes' hinted bindings first, globals last.
    public func hints(for scopes: [KeyScope]) -> [(keys: String, label: String)] {
        var out: [(String, String)] = []
        var seen = Set<Command>()
        for scope in scopes {
            for b in bindings where b.scope == scope && b.hint && !seen.contains(b.command) {
                seen.insert(b.command)
                out.append((KeyMap.shortName(of: b), KeyMap.hintLabel(b)))
            }
        }
        return out
    }

    /// Returns a copy where `command` in `scope` answers to `keys` instead (a user key file).
    public func rebinding(_ command: Command, in scope: KeyScope, to keys: [Key]) -> KeyMap {
        var copy = self
        for i in copy.bindings.indices where copy.bindings[i].command == command && copy.bindings[i].scope == scope {
            copy.bindings[i].keys = keys
        }
        return copy
    }

    static func shortName(of b: KeyBinding) -> String {
        if b.command == .jumpToTab { return "1-9" }
        if b.command == .moveUp || b.command == .moveDown { return "↑↓" }
        return b.keys.first.map(name(of:)) ?? ""
    }

    static func hintLabel(_ b: KeyBinding) -> String {
        switch b.command {
        case .nextTab where b.scope == .group: "switch list"
        case .moveUp, .moveDown: "move"
        case .sortNext: "sort"
        case .sortReverse: "reverse"
        case .filterStatus: "status"
        case .jumpToTab: "tab"
        case .search: "search"
        case .back: "back"
        case .quit: "quit"
        case .nextTab where b.scope == .reports: "next report"
        case .cycleScope where b.scope == .reports: "period"
        case .open where b.scope == .reports: "run"
        case .open where b.scope == .notesTab: "read"
        case .open: "open"
        case .nextTab: "next tab"
        case .goCaseload: "caseload"
        case .goGroups: "groups"
        case .markLate: "late"
        case .markLeftEarly: "left early"
        case .markAllPresent: "rest present"
        case .markRestNotRecorded: "rest not recorded"
        case .memberLine: "line"
        case .signSession: "sign"
        case .enroll: "enroll"
        case .dischargeMember: "discharge"
        case .addSession: "add session"
        case .editGroup: "edit"
        case .newGroup: "new group"
        case .newNote: "new note"
        case .editNote: "edit"
        case .signNote: "sign"
        case .addAddendum: "addendum"
        case .cosignNote: "co-sign"
        case .discardNote: "discard"
        case .setRole: "role"
        case .setSupervisor: "supervisor"
        case .toggleActive: "(de)activate"
        case .addRecord: "add"
        case .deleteNode: "delete"
        case .moveNodeUp: "up"
        case .moveNodeDown: "down"
        case .toggleNode: "fold"
        case .expandNode: "unfold"
        case .collapseNode: "fold"
        case .startPlan: "new plan"
        case .discardPlan: "discard"
        case .signPlan: "sign"
        case .reviewPlan: "review"
        case .addSignature: "signature"
        case .planVersions: "versions"
        case .printPlan: "print"
        case .goPlansDue: "plans due"
        case .editRecord: "edit"
        case .revokeRecord: "revoke"
        default: b.label
        }
    }

    /// How a key is written in help and hints.
    public static func name(of key: Key) -> String {
        switch key {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "^" + String(c).uppercased()
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .enter: "Enter"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .escape: "Esc"
        case .function(let n): "F\(n)"
        case .paste: "paste"
        case .ctrlLeft: "C-←"
        case .ctrlRight: "C-→"
        case .ctrlHome: "C-Home"
        case .ctrlEnd: "C-End"
        case .alt(let c): "M-" + String(c)
        case .altBackspace: "M-Bksp"
        }
    }
}
