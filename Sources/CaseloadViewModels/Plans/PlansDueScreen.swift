// The plans-due screen (`:plans`, Home's p): clients whose plan review is overdue or due soon (or who
// have no plan), and for supervisors the signed plans waiting for their co-signature.
import CaseloadCore

public struct PlansDueState: Hashable, Sendable {
    public var due: [PlanDueRow]
    public var cosign: [PlanDueRow]
    public var scope: CaseloadScope
    public var allowedScopes: [CaseloadScope]
    public var cursor = ListCursor()
    public var area: Rect
    public var today: Day
    public var dueSoonDays: Int

    public init(due: [PlanDueRow], cosign: [PlanDueRow], scope: CaseloadScope, allowedScopes: [CaseloadScope],
                area: Rect, today: Day, dueSoonDays: Int) {
        self.due = due; self.cosign = cosign; self.scope = scope; self.allowedScopes = allowedScopes
        self.area = area; self.today = today; self.dueSoonDays = dueSoonDays
        PlansDueScreen.relayout(&self)
    }

    /// Every selectable row: plans due, then plans to co-sign.
    var entries: [PlanDueRow] { due + cosign }
}

public enum PlansDueScreen {
    public static let scopes: [KeyScope] = [.plansDue, .list, .global]

    static func relayout(_ s: inout PlansDueState) {
        s.cursor.setPageSize(max(1, s.area.height - 3 - (s.cosign.isEmpty ? 0 : 2)))
        s.cursor.setCount(s.entries.count)
    }

    static func reduce(_ s: inout PlansDueState, _ command: Command) -> Request {
        if s.cursor.apply(command) { return .none }
        switch command {
        case .open:
            guard let row = s.entries[safe: s.cursor.selected] else { return .message("No plans are due.", .info) }
            return .plans(.openChartOnPlan(clientID: row.clientID))
        case .cycleScope:
            guard s.allowedScopes.count > 1, let i = s.allowedScopes.firstIndex(of: s.scope) else {
                return .message("Your role sees only your own caseload.", .info)
            }
            return .plans(.loadDue(s.allowedScopes[(i + 1) % s.allowedScopes.count]))
        case .back: return .back
        default: return .none
        }
    }

    static func line(_ r: PlanDueRow, s: PlansDueState, width: Int) -> StyledLine {
        let (review, role) = r.planID == nil ? ("! no plan", Role.overdue)
            : ChartContent.reviewNote(r.nextReview, today: s.today, soonDays: s.dueSoonDays)
        let nameWidth = width >= 76 ? 24 : 16
        var spans = [Span(DisplayWidth.pad(DisplayWidth.truncate(r.clientName, to: nameWidth - 1), to: nameWidth)),
                     Span(DisplayWidth.pad(r.mrn, to: 8), .dim),
                     Span(DisplayWidth.pad(review, to: 34), role),
                     Span(r.version.map { "v\($0) \(r.status?.label ?? "")" } ?? "", .dim)]
        // Only a team or program view has other counselors' clients.
        if s.scope != .mine { spans.append(Span("  " + r.counselorName, .dim)) }
        return StyledLine(spans)
    }

    public static func render(_ s: PlansDueState, into buffer: inout ScreenBuffer) {
        let a = s.area, x = a.x + 1, width = a.width - 2
        buffer.put("Plans due for review · \(s.scope.label) · \(Format.plural(s.due.count, "client"))", x: x, y: a.y,
                   role: .header, maxWidth: width)
        buffer.put("! overdue  ~ due within \(s.dueSoonDays) days", x: x, y: a.y + 1, role: .dim, maxWidth: width)
        buffer.cursor = Point(x: x, y: a.y)
        var y = a.y + 2
        if s.due.isEmpty {
            buffer.put("  no plan reviews are due", x: x, y: y, role: .dim, maxWidth: width)
            y += 1
        }
        func draw(_ i: Int) {
            guard y < a.y + a.height else { return }
            let l = line(s.entries[i], s: s, width: width)
            if i == s.cursor.selected {
                buffer.fill(x: a.x, y: y, width: a.width, height: 1, role: .selection)
                buffer.put(">", x: a.x, y: y, role: .selection)
                buffer.put(l.plainText, x: x, y: y, role: .selection, maxWidth: width)
                buffer.cursor = Point(x: a.x, y: y)
            } else {
                l.truncated(to: width).draw(into: &buffer, x: x, y: y, width: width)
            }
            y += 1
        }
        for i in s.cursor.visible where i < s.due.count { draw(i) }
        if !s.cosign.isEmpty, y < a.y + a.height - 1 {
            y += 1
            buffer.put("Signed plans waiting for your co-signature (\(s.cosign.count)) · C on the Plan tab co-signs",
                       x: x, y: y, role: .header, maxWidth: width)
            y += 1
            for i in s.due.count..<s.entries.count { draw(i) }
        }
    }
}
