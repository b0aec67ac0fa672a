// The Reports screen (`:reports`): the caseload, overdue and productivity reports of
// `caseload report`, for a chosen period, with the same figures.
import CaseloadCore

public enum ReportKind: String, CaseIterable, Hashable, Sendable {
    case caseload, overdue, productivity
    public var title: String {
        switch self {
        case .caseload: "Caseload"
        case .overdue: "Overdue"
        case .productivity: "Productivity"
        }
    }
}

public enum ReportPeriod: CaseIterable, Hashable, Sendable {
    case last30Days, thisMonth, lastMonth, last12Months
    public var label: String {
        switch self {
        case .last30Days: "last 30 days"
        case .thisMonth: "this month"
        case .lastMonth: "last month"
        case .last12Months: "last 12 months"
        }
    }
    /// First and last day (included) as of `today`. The last 30 days end today, like the CLI's default.
    public func range(_ today: Day) -> (from: Day, to: Day) {
        switch self {
        case .last30Days: return (today.adding(days: -29), today)
        case .thisMonth: return (Day(year: today.year, month: today.month, day: 1)!, today)
        case .lastMonth:
            let first = Day(year: today.year, month: today.month, day: 1)!
            let end = first.adding(days: -1)
            return (Day(year: end.year, month: end.month, day: 1)!, end)
        case .last12Months: return (ScreenRule.windowStart(today), today)
        }
    }
}

public enum ReportResult: Hashable, Sendable {
    case caseload([CaseloadReportRow])
    case overdue([OverdueItem])
    case productivity([ProductivityRow], total: ProductivityRow)
}

public struct ReportsState: Hashable, Sendable {
    public var kind: ReportKind = .caseload
    public var period: ReportPeriod = .last30Days
    public var today: Day
    /// Whose figures: a counselor's own name, or nil for the whole program.
    public var staffName: String?
    public var result: ReportResult?
    public var top = 0
    public var area: Rect
    public init(today: Day, staffName: String?, area: Rect) {
        self.today = today; self.staffName = staffName; self.area = area
    }
    public var range: (from: Day, to: Day) { period.range(today) }
}

public enum ReportsScreen {
    static let scopes: [KeyScope] = [.reports, .list, .global]

    static func run(_ state: ReportsState) -> Request {
        .caseManagement(.runReport(state.kind, from: state.range.from, to: state.range.to))
    }

    static func reduce(_ state: inout ReportsState, _ command: Command) -> Request {
        let rows = table(state).rows.count
        let page = max(1, state.area.height - 5)
        switch command {
        case .nextTab, .previousTab:
            let all = ReportKind.allCases
            let i = all.firstIndex(of: state.kind)!
            state.kind = all[(i + (command == .nextTab ? 1 : all.count - 1)) % all.count]
            state.result = nil; state.top = 0
            return run(state)
        case .cycleScope:
            let all = ReportPeriod.allCases
            state.period = all[(all.firstIndex(of: state.period)! + 1) % all.count]
            state.result = nil; state.top = 0
            return run(state)
        case .open:
            return run(state)
        case .moveDown: state.top = max(0, min(state.top + 1, rows - page))
        case .moveUp: state.top = max(0, state.top - 1)
        case .pageDown: state.top = max(0, min(state.top + page, rows - page))
        case .pageUp: state.top = max(0, state.top - page)
        case .first: state.top = 0
        case .last: state.top = max(0, rows - page)
        case .back: return .back
        default: break
        }
        return .none
    }

    /// The report as a table: headers, rows, totals; the first `textColumns` columns are text.
    struct Table {
        var subtitle: String
        var headers: [String]
        var rows: [[String]]
        var totals: [String]?
        var textColumns: Int
        var empty: String
    }

    static func table(_ state: ReportsState) -> Table {
        let (from, to) = state.range
        switch state.result {
        case .caseload(let rows)?:
            let sum = { (f: (CaseloadReportRow) -> Int) in String(rows.map(f).reduce(0, +)) }
            return Table(subtitle: "\(from) to \(to) (active and on hold: today)",
                         headers: ["Counselor", "Active", "On hold", "Admissions", "Discharges"],
                         rows: rows.map { [$0.counselorName, String($0.active), String($0.onHold), String($0.admissions),
                                           String($0.discharges)] },
                         totals: rows.count > 1 ? ["Total", sum(\.active), sum(\.onHold), sum(\.admissions), sum(\.discharges)] : nil,
                         textColumns: 1, empty: "No clients.")
        case .overdue(let items)?:
            let counts = OverdueKind.allCases.map { k in "\(k.label): \(items.filter { $0.kind == k }.count)" }
            // The whole program's list (a supervisor's or an administrator's) says whose client each item is.
            if state.staffName == nil {
                return Table(subtitle: "On \(state.today). " + counts.joined(separator: "; "),
                             headers: ["Item", "Counselor", "Client", "MRN", "Date", "Detail"],
                             rows: items.map { [$0.kind.label, $0.counselorName, $0.clientName, $0.mrn,
                                                $0.date?.description ?? "", $0.detail] },
                             totals: nil, textColumns: 6, empty: "Nothing is overdue.")
            }
            return Table(subtitle: "On \(state.today). " + counts.joined(separator: "; "),
                         headers: ["Item", "Client", "MRN", "Date", "Detail"],
                         rows: items.map { [$0.kind.label, $0.clientName, $0.mrn, $0.date?.description ?? "", $0.detail] },
                         totals: nil, textColumns: 5, empty: "Nothing is overdue.")
        case .productivity(let rows, let t)?:
            // The total counts each group session once; the rows credit every facilitator of it.
            return Table(subtitle: "\(from) to \(to) (no-shows add no minutes or units)",
                         headers: ["Staff", "Modality", "Sessions", "Minutes", "Units", "No-shows"],
                         rows: rows.map { [$0.staffName, $0.modality, String($0.sessions), String($0.minutes),
                                           String($0.billingUnits), String($0.noShows)] },
                         totals: rows.count > 1 ? ["Total", "", String(t.sessions), String(t.minutes), String(t.billingUnits),
                                                   String(t.noShows)] : nil,
                         textColumns: 2, empty: "No sessions in this period.")
        case nil:
            return Table(subtitle: "\(from) to \(to)", headers: [], rows: [], totals: nil, textColumns: 0, empty: "Loading…")
        }
    }

    static func render(_ state: ReportsState, into buffer: inout ScreenBuffer) {
        let a = state.area
        let width = a.width - 2
        _ = TabBar.draw(into: &buffer, x: a.x, y: a.y, width: a.width, titles: ReportKind.allCases.map(\.title),
                        shortTitles: ReportKind.allCases.map(\.title), active: ReportKind.allCases.firstIndex(of: state.kind)!)
        let who = state.staffName.map { "My figures (\($0))" } ?? "Whole program"
        buffer.put("Period: \(state.period.label) (p to change) · \(who)", x: a.x + 1, y: a.y + 1, role: .dim, maxWidth: width)
        let t = table(state)
        for (k, text) in TextWrap.wrap(t.subtitle, width: width).prefix(2).enumerated() {
            buffer.put(text, x: a.x + 1, y: a.y + 2 + k, role: .dim, maxWidth: width)
        }
        guard !t.rows.isEmpty else {
            buffer.put(t.empty, x: a.x + 1, y: a.y + 4, role: .dim, maxWidth: width)
            return
        }
        // Numbers keep their full width; the text columns share what is left, the last text column first to shrink.
        let all = [t.headers] + t.rows + (t.totals.map { [$0] } ?? [])
        var widths = t.headers.indices.map { i in all.map { DisplayWidth.of($0[i]) }.max() ?? 0 }
        var over = widths.reduce(0, +) + 2 * (widths.count - 1) - width
        var column = t.textColumns - 1
        while over > 0 && column >= 0 {
            let cut = min(over, max(0, widths[column] - 8))
            widths[column] -= cut; over -= cut; column -= 1
        }
        func line(_ cells: [String], role: Role, y: Int) {
            let text = cells.indices.map { i -> String in
                let cell = DisplayWidth.truncate(cells[i], to: widths[i])
                return DisplayWidth.pad(cell, to: widths[i], alignRight: i >= t.textColumns)
            }.joined(separator: "  ")
            buffer.put(text, x: a.x + 1, y: y, role: role, maxWidth: width)
        }
        line(t.headers, role: .header, y: a.y + 4)
        let room = max(1, a.height - 5 - (t.totals == nil ? 0 : 1))
        for (k, row) in t.rows[min(state.top, t.rows.count)...].prefix(room).enumerated() {
            line(row, role: .normal, y: a.y + 5 + k)
        }
        if let totals = t.totals { line(totals, role: .header, y: a.y + 5 + min(room, t.rows.count)) }
    }
}
