// Caseload: the table of clients with sort, status filter, scope and live `/` search.
import CaseloadCore

public enum CaseloadColumn: Int, CaseIterable, Hashable, Sendable {
    case name, mrn, phase, medication, lastContact, nextReview, flags

    public var title: String {
        switch self {
        case .name: "Name"
        case .mrn: "MRN"
        case .phase: "Phase"
        case .medication: "Medication"
        case .lastContact: "Contact"
        case .nextReview: "Review"
        case .flags: "Flags"
        }
    }
}

public enum StatusFilter: Int, CaseIterable, Hashable, Sendable {
    case active, onHold, discharged, all
    public var label: String {
        switch self {
        case .active: "active"
        case .onHold: "on hold"
        case .discharged: "discharged"
        case .all: "all statuses"
        }
    }
    func admits(_ s: ClientStatus) -> Bool {
        switch self {
        case .active: s == .active
        case .onHold: s == .onHold
        case .discharged: s == .discharged
        case .all: true
        }
    }
}

extension CaseloadScope {
    public var label: String {
        switch self {
        case .mine: "My caseload"
        case .team: "Team caseload"
        case .all: "All clients"
        }
    }
}

public struct CaseloadState: Hashable, Sendable {
    public var rows: [CaseloadRow] = []
    /// Folded names and MRNs, computed once per load so each keystroke of a search is a scan, not a fold.
    var folded: [FoldedText] = []
    var foldedMRN: [FoldedText] = []
    /// Indices into `rows` in sort order (all statuses), recomputed only when the sort or rows change.
    var sorted: [Int] = []
    /// Indices into `rows` on screen: sorted, filtered by status, narrowed by the search.
    public internal(set) var shown: [Int] = []
    public var sortColumn: CaseloadColumn = .name
    public var ascending = true
    public var statusFilter: StatusFilter = .active
    public var scope: CaseloadScope = .mine
    public var allowedScopes: [CaseloadScope]
    /// The search being typed, when the `/` prompt is open.
    public var searchEditor: LineEditor?
    /// The search in force (typed live, kept by Enter, cleared by Esc).
    public var query: String = ""
    public var cursor = ListCursor()
    public var area: Rect
    public var today: Day
    public var dueSoonDays: Int
    public var phases: [String]
    /// Clients absent from the last N group sessions in a row → that count; shown as `A` in Flags.
    public var absences: [RowID: Int] = [:]
    /// My clients with fewer random drug screens in the last 12 months than 42 CFR 8.12 asks; `U` in Flags.
    public var screensDue: Set<RowID> = []

    public init(rows: [CaseloadRow] = [], scope: CaseloadScope = .mine, allowedScopes: [CaseloadScope] = [.mine],
                area: Rect, today: Day, dueSoonDays: Int = 14, phases: [String] = []) {
        self.scope = scope; self.allowedScopes = allowedScopes; self.area = area; self.today = today
        self.dueSoonDays = dueSoonDays; self.phases = phases
        cursor.setPageSize(CaseloadScreen.tableRows(area))
        CaseloadScreen.setRows(&self, rows)
    }

    public var selectedRow: CaseloadRow? { shown[safe: cursor.selected].map { rows[$0] } }
    public var isSearching: Bool { searchEditor != nil }
}

public enum CaseloadAction: Hashable, Sendable {
    case command(Command)
    /// A key while the search prompt is open.
    case searchKey(Key)
    case loaded([CaseloadRow], CaseloadScope)
    case resized(Rect)
}

public enum CaseloadScreen {
    public static let scopes: [KeyScope] = [.caseload, .list, .global]

    static func tableRows(_ area: Rect) -> Int { max(1, area.height - 2) }

    public static func reduce(_ state: inout CaseloadState, _ action: CaseloadAction) -> Request {
        switch action {
        case .loaded(let rows, let scope):
            state.scope = scope
            setRows(&state, rows)
            return .none
        case .resized(let area):
            state.area = area
            state.cursor.setPageSize(tableRows(area))
            return .none
        case .searchKey(let key):
            return searchKey(&state, key)
        case .command(let command):
            if state.cursor.apply(command) { return .none }
            switch command {
            case .open:
                guard let row = state.selectedRow else {
                    return .message(state.query.isEmpty ? "No clients to open." : "No client matches the search.", .info)
                }
                return .openChart(clientID: row.id)
            case .search:
                state.searchEditor = LineEditor(text: state.query)
                return .none
            case .nextMatch, .previousMatch:
                return jumpToMatch(&state, forward: command == .nextMatch)
            case .sortNext, .sortPrevious:
                let all = CaseloadColumn.allCases
                let step = command == .sortNext ? 1 : all.count - 1
                state.sortColumn = all[(state.sortColumn.rawValue + step) % all.count]
                state.ascending = true
                resort(&state)
                return .none
            case .sortReverse:
                state.ascending.toggle()
                resort(&state)
                return .none
            case .filterStatus:
                let all = StatusFilter.allCases
                state.statusFilter = all[(state.statusFilter.rawValue + 1) % all.count]
                refilter(&state)
                return .message("Showing \(state.statusFilter.label) clients: \(state.shown.count).", .info)
            case .cycleScope:
                guard state.allowedScopes.count > 1,
                      let i = state.allowedScopes.firstIndex(of: state.scope) else {
                    return .message("Your role sees only your own caseload.", .info)
                }
                return .loadCaseload(state.allowedScopes[(i + 1) % state.allowedScopes.count])
            case .back:
                if !state.query.isEmpty {
                    state.query = ""
                    refilter(&state)
                    return .message("Search cleared.", .info)
                }
                return .back
            default:
                return .none
            }
        }
    }

    private static func searchKey(_ state: inout CaseloadState, _ key: Key) -> Request {
        guard var editor = state.searchEditor else { return .none }
        switch editor.handle(key) {
        case .edited:
            state.searchEditor = editor
            state.query = editor.text
            refilter(&state)
            return .none
        case .moved:
            state.searchEditor = editor
            return .none
        case .submit:
            state.searchEditor = nil
            if state.query.isEmpty { return .none }
            return .message(state.shown.isEmpty ? "No client matches “\(state.query)”."
                            : "\(Format.plural(state.shown.count, "match", "matches")) for “\(state.query)”. Esc clears.", .info)
        case .cancel:
            state.searchEditor = nil
            state.query = ""
            refilter(&state)
            return .none
        case .unhandled:
            // Backspace on an empty search closes it, as in a shell's search prompt.
            if key == .backspace, editor.text.isEmpty { state.searchEditor = nil }
            return .none
        }
    }

    private static func jumpToMatch(_ state: inout CaseloadState, forward: Bool) -> Request {
        let needle = FoldedText.key(state.query)
        guard !needle.isEmpty else { return .message("No search yet. Press / to search by name or MRN.", .info) }
        let n = state.shown.count
        guard n > 0 else { return .message("No client matches “\(state.query)”.", .info) }
        for step in 1...n {
            let i = ((state.cursor.selected + (forward ? step : -step)) % n + n) % n
            if matches(state, state.shown[i], needle) {
                let wrapped = forward ? i <= state.cursor.selected : i >= state.cursor.selected
                state.cursor.select(i)
                return wrapped && n > 1 ? .message("Search wrapped around.", .info) : .none
            }
        }
        return .none
    }

    static func matches(_ state: CaseloadState, _ row: Int, _ needle: [Unicode.Scalar]) -> Bool {
        state.folded[row].contains(needle) || state.foldedMRN[row].contains(needle)
    }

    static func setRows(_ state: inout CaseloadState, _ rows: [CaseloadRow]) {
        let selectedID = state.selectedRow?.id
        state.rows = rows
        state.folded = rows.map { FoldedText($0.name) }
        state.foldedMRN = rows.map { FoldedText($0.mrn) }
        resort(&state, keeping: selectedID)
    }

    static func resort(_ state: inout CaseloadState, keeping id: RowID? = nil) {
        let keep = id ?? state.selectedRow?.id
        let rows = state.rows
        let column = state.sortColumn
        let phaseRank = Dictionary(state.phases.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let today = state.today, soon = state.dueSoonDays
        func urgency(_ r: CaseloadRow) -> Int {
            guard let d = r.nextPlanReview else { return 0 }
            return d < today ? 2 : (today.days(until: d) <= soon ? 1 : 0)
        }
        // Ascending order for each column; ties fall back to name then MRN so the order is stable.
        func less(_ a: CaseloadRow, _ b: CaseloadRow) -> Bool? {
            switch column {
            case .name: return nil
            case .mrn: return a.mrn == b.mrn ? nil : a.mrn < b.mrn
            case .phase:
                let ra = phaseRank[a.phase] ?? Int.max, rb = phaseRank[b.phase] ?? Int.max
                if ra != rb { return ra < rb }
                return a.phase == b.phase ? nil : a.phase < b.phase
            case .medication:
                if a.medication != b.medication { return a.medication.rawValue < b.medication.rawValue }
                if a.doseMg != b.doseMg { return a.doseMg < b.doseMg }
                return a.takeHomeLevel == b.takeHomeLevel ? nil : a.takeHomeLevel < b.takeHomeLevel
            case .lastContact: return compareDays(a.lastContact, b.lastContact)
            case .nextReview: return compareDays(a.nextPlanReview, b.nextPlanReview)
            case .flags:
                // Most urgent first when ascending: that is why one sorts by flags.
                let ua = urgency(a) * 100 + a.flags.count, ub = urgency(b) * 100 + b.flags.count
                return ua == ub ? nil : ua > ub
            }
        }
        let nameKeys = state.folded.map { String(String.UnicodeScalarView($0.scalars)) }
        var order = Array(rows.indices)
        let ascending = state.ascending
        order.sort { i, j in
            if let l = less(rows[i], rows[j]) { return ascending ? l : !l }
            if nameKeys[i] != nameKeys[j] { return ascending ? nameKeys[i] < nameKeys[j] : nameKeys[i] > nameKeys[j] }
            return ascending ? rows[i].mrn < rows[j].mrn : rows[i].mrn > rows[j].mrn
        }
        state.sorted = order
        refilter(&state, keeping: keep)
    }

    /// Missing dates sort last, whichever way.
    private static func compareDays(_ a: Day?, _ b: Day?) -> Bool? {
        switch (a, b) {
        case (nil, nil): return nil
        case (nil, _): return false
        case (_, nil): return true
        case let (x?, y?): return x == y ? nil : x < y
        }
    }

    static func refilter(_ state: inout CaseloadState, keeping id: RowID? = nil) {
        let keep = id ?? state.selectedRow?.id
        let needle = FoldedText.key(state.query)
        let filter = state.statusFilter
        state.shown = state.sorted.filter { i in
            filter.admits(state.rows[i].status) && (needle.isEmpty || matches(state, i, needle))
        }
        state.cursor.setCount(state.shown.count)
        if let keep, let i = state.shown.firstIndex(where: { state.rows[$0].id == keep }) {
            state.cursor.select(i)
        } else if !needle.isEmpty {
            state.cursor.first()
        }
    }

    static let columns: [TableColumn] = [
        TableColumn("Name", width: 14, flexible: true),
        TableColumn("MRN", width: 8, priority: 90),
        TableColumn("Phase", width: 10, priority: 20),
        TableColumn("Medication", width: 12, priority: 70),
        TableColumn("Contact", width: 10, priority: 30),
        TableColumn("Review", width: 10, priority: 80),
        TableColumn("Flags", width: 6, priority: 95),
    ]

    public static func render(_ state: CaseloadState, into buffer: inout ScreenBuffer, showCursor: Bool = true) {
        let a = state.area
        // Summary line: what is shown, how it is sorted, and the search in force.
        var left = "\(state.scope.label) · \(state.statusFilter.label) · \(Format.plural(state.shown.count, "client"))"
        if !state.query.isEmpty { left += " matching “\(state.query)”" }
        buffer.put(left, x: a.x + 1, y: a.y, role: .header, maxWidth: a.width - 1)
        if !state.shown.isEmpty {
            let pos = "\(state.cursor.selected + 1)/\(state.shown.count)"
            let w = DisplayWidth.of(pos)
            if DisplayWidth.of(left) + w + 3 < a.width { buffer.put(pos, x: a.x + a.width - w - 1, y: a.y, role: .dim) }
        }
        let layout = TableLayout.make(columns, width: a.width)
        let arrow = state.ascending ? "▲" : "▼"
        let titles = CaseloadColumn.allCases.map { c in
            let t = columns[c.rawValue].title
            return c == state.sortColumn ? t + arrow : t
        }
        if state.shown.isEmpty {
            TableView.draw(into: &buffer, x: a.x, y: a.y + 1, width: a.width, height: 1, columns: columns,
                           layout: layout, headerTitles: titles, cursor: ListCursor()) { _, _ in StyledLine() }
            let why = state.rows.isEmpty ? "No clients in this view."
                : state.query.isEmpty ? "No \(state.statusFilter.label) clients. Press f to change the status filter."
                : "No client matches “\(state.query)”. Esc clears the search."
            buffer.put(why, x: a.x + 2, y: a.y + 3, role: .dim, maxWidth: a.width - 3)
            if showCursor { buffer.cursor = Point(x: a.x, y: a.y + 1) }
            return
        }
        let needle = FoldedText.key(state.query)
        TableView.draw(into: &buffer, x: a.x, y: a.y + 1, width: a.width, height: a.height - 1, columns: columns,
                       layout: layout, headerTitles: titles, cursor: state.cursor, focused: showCursor) { row, col in
            cell(state, state.shown[row], CaseloadColumn(rawValue: col)!, needle: needle)
        }
    }

    static func cell(_ state: CaseloadState, _ i: Int, _ column: CaseloadColumn, needle: [Unicode.Scalar]) -> StyledLine {
        let r = state.rows[i]
        switch column {
        case .name:
            guard !needle.isEmpty, let m = state.folded[i].firstMatch(needle) else { return StyledLine(r.name) }
            let chars = Array(r.name)
            return StyledLine([Span(String(chars[..<m.lowerBound])), Span(String(chars[m]), .highlight),
                               Span(String(chars[m.upperBound...]))])
        case .mrn: return StyledLine(r.mrn, .dim)
        case .phase: return StyledLine(r.phase)
        case .medication: return StyledLine(Format.medicationShort(r.medication, doseMg: r.doseMg, takeHome: r.takeHomeLevel))
        case .lastContact: return StyledLine(Format.date(r.lastContact), .dim)
        case .nextReview:
            let role: Role = reviewState(r.nextPlanReview, state).role
            return StyledLine(Format.date(r.nextPlanReview), role)
        case .flags:
            let review = reviewState(r.nextPlanReview, state)
            var spans = [Span(review.marker, review.role)]
            if state.absences[r.id] != nil { spans.append(Span("A", .absent)) }
            if state.screensDue.contains(r.id) { spans.append(Span("U", .dueSoon)) }
            spans += r.flags.map { Span(Format.flagLetter($0), .flag) }
            return StyledLine(spans)
        }
    }

    static func reviewState(_ d: Day?, _ state: CaseloadState) -> (marker: String, role: Role) {
        guard let d else { return (" ", .normal) }
        if d < state.today { return ("!", .overdue) }
        if state.today.days(until: d) <= state.dueSoonDays { return ("~", .dueSoon) }
        return (" ", .dim)
    }
}
