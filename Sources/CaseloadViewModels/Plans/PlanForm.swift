// The small form that edits one node of a plan (or the plan's own fields) in place on the Plan tab.
// Keys as in the case-management forms: Tab / ↑↓ between fields, ←→ or Space change a choice.
import CaseloadCore

public struct PlanForm: Hashable, Sendable {
    /// What the form saves: the record as loaded (its ids go back with the edit) and whether it is new.
    public enum Target: Hashable, Sendable {
        case header(TreatmentPlan)
        case problem(Problem, isNew: Bool)
        case goal(Goal, isNew: Bool)
        case objective(Objective, isNew: Bool)
        /// `modalityIDs[i]` / `staffIDs[i]` belong to choice i of the modality / responsible field.
        case intervention(Intervention, isNew: Bool, modalityIDs: [RowID], staffIDs: [RowID?])
    }
    public var title: String
    public var target: Target
    public var fields: [FormField]
    public var focus = 0
    /// Why the last save was refused, shown under the form.
    public var problem: String?
    /// The client's words (an `.area` field, always the last): its text, or "" for a form without them.
    var words: String { fields.last?.area?.text ?? "" }
    /// The multi-line field has the keyboard (Enter starts a line there, Alt+key moves by words).
    var areaFocused: Bool { fields[focus].area != nil }

    /// The fields and the client's words as first shown, to tell whether closing throws anything away.
    private var original: [String] = []

    public init(title: String, target: Target, fields: [FormField]) {
        self.title = title; self.target = target; self.fields = fields
    }

    private var snapshot: [String] { fields.map { "\($0.value)\u{0}\($0.choice)" } }
    public var isChanged: Bool { snapshot != original }
    /// Called once the form is built, so `isChanged` compares against what was shown.
    mutating func markShown() { original = snapshot }

    public enum Outcome: Equatable { case pending, save, cancel }

    public mutating func handle(_ key: Key) -> Outcome {
        // In the client's words Enter starts a new line and ↑↓ move between lines; Tab leaves.
        if fields[focus].takeAreaKey(key, problem: &problem) { return .pending }
        switch key {
        case .ctrl("s"): return .save
        case .escape: return .cancel
        case .tab, .down: focus = min(fields.count - 1, focus + 1); return .pending
        case .backTab, .up: focus = max(0, focus - 1); return .pending
        case .enter:
            if focus == fields.count - 1 { return .save }
            focus += 1
            return .pending
        default: break
        }
        var field = fields[focus]
        switch field.kind {
        case .choice(let options):
            switch key {
            case .right, .char(" "): field.choice = (field.choice + 1) % options.count
            case .left: field.choice = (field.choice + options.count - 1) % options.count
            case .char(let c):
                let wanted = String(c).lowercased()
                let order = (1...options.count).map { (field.choice + $0) % options.count }
                if let i = order.first(where: { options[$0].lowercased().hasPrefix(wanted) }) { field.choice = i }
            default: break
            }
        case .text(let limit):
            var editor = field.editor
            _ = editor.handle(key)
            if editor.text.count <= limit { field.editor = editor }
        case .area:
            break       // the plan's multi-line field is `words`, handled above
        }
        fields[focus] = field
        problem = nil
        return .pending
    }

    public static let hints: [(keys: String, label: String)] = [("Tab", "next field"), ("←→", "choose"),
                                                                ("Ctrl-S", "save"), ("Esc", "cancel")]

    public func draw(into buffer: inout ScreenBuffer, area: Rect) {
        buffer.put(title, x: area.x + 1, y: area.y, role: .header, maxWidth: area.width - 2)
        let rows = max(1, area.height - 1 - (problem == nil ? 0 : 1))
        let top = max(0, focus - rows + 1)
        let labelWidth = area.width >= 70 ? 20 : 14
        for (row, i) in (top..<min(fields.count, top + rows)).enumerated() {
            let y = area.y + 1 + row
            let f = fields[i]
            let focused = i == focus
            let label = (focused ? "> " : "  ") + DisplayWidth.pad(DisplayWidth.truncate(f.label, to: labelWidth - 3), to: labelWidth - 2)
            let lw = buffer.put(label, x: area.x + 1, y: y, role: focused ? .header : .dim, maxWidth: area.width - 2)
            let x = area.x + 1 + lw, width = max(1, area.width - 2 - lw)
            if f.area != nil {
                f.drawArea(into: &buffer, x: x + 2, y: y, width: max(1, width - 2), height: max(1, rows - row), focused: focused)
                continue
            }
            switch f.kind {
            case .area:
                break
            case .choice(let options):
                let text = focused ? "‹ \(options[f.choice]) ›" : "  \(options[f.choice])"
                buffer.put(text, x: x, y: y, role: focused ? .selection : .normal, maxWidth: width)
                if focused { buffer.cursor = Point(x: x, y: y) }
            case .text:
                let tx = x + 2, tw = max(1, width - 2)
                if focused {
                    f.editor.draw(into: &buffer, prompt: "", x: tx, y: y, width: tw, role: .commandLine)
                } else {
                    buffer.put(f.editor.text.isEmpty ? "—" : f.editor.text, x: tx, y: y,
                               role: f.editor.text.isEmpty ? .dim : .normal, maxWidth: tw)
                }
            }
        }
        if let problem {
            buffer.put(problem, x: area.x + 1, y: area.y + area.height - 1, role: .error, maxWidth: area.width - 2)
        }
    }

    // MARK: Building forms

    static let goalKinds = GoalKind.allCases
    static let goalStatuses = GoalStatus.allCases
    static let objectiveStatuses = ObjectiveStatus.allCases
    static let periods = FrequencyPeriod.allCases

    static func header(_ p: TreatmentPlan) -> PlanForm {
        PlanForm(title: "Plan version \(p.version): effective date and the client's words", target: .header(p), fields: [
            .text("Effective date", p.effectiveDate.description, limit: 10),
            .area("Client's words", p.clientWords, limit: 2000, height: 4),
        ])
    }

    static func problem(_ p: Problem, isNew: Bool) -> PlanForm {
        PlanForm(title: isNew ? "New problem" : "Edit problem", target: .problem(p, isNew: isNew), fields: [
            .text("Statement", p.statement, limit: 2000),
            .area("Client's words", p.clientWords, limit: 2000, height: 4),
        ])
    }

    static func goal(_ g: Goal, isNew: Bool) -> PlanForm {
        PlanForm(title: isNew ? "New goal" : "Edit goal", target: .goal(g, isNew: isNew), fields: [
            .text("Statement", g.statement, limit: 2000),
            .choice("Kind", goalKinds.map(\.label), goalKinds.firstIndex(of: g.kind) ?? 0),
            .text("Target date", g.targetDate?.description ?? "", limit: 10),
            .choice("Status", goalStatuses.map(\.label), goalStatuses.firstIndex(of: g.status) ?? 0),
        ])
    }

    static func objective(_ o: Objective, isNew: Bool) -> PlanForm {
        PlanForm(title: isNew ? "New objective" : "Edit objective", target: .objective(o, isNew: isNew), fields: [
            .text("Statement", o.statement, limit: 2000),
            .text("Target date", o.targetDate?.description ?? "", limit: 10),
            .choice("Status", objectiveStatuses.map(\.label), objectiveStatuses.firstIndex(of: o.status) ?? 0),
        ])
    }

    static func intervention(_ i: Intervention, isNew: Bool, modalities: [Modality], staff: [Staff]) -> PlanForm {
        var mids = modalities.compactMap(\.id)
        var mnames = modalities.filter { $0.id != nil }.map(\.name)
        if !mids.contains(i.modalityID) { mids.append(i.modalityID); mnames.append("modality \(i.modalityID) (no longer offered)") }
        let sids: [RowID?] = [nil] + staff.compactMap(\.id)
        let snames = ["no one yet"] + staff.filter { $0.id != nil }.map(\.displayName)
        return PlanForm(title: isNew ? "New intervention" : "Edit intervention",
                        target: .intervention(i, isNew: isNew, modalityIDs: mids, staffIDs: sids), fields: [
            .choice("Modality", mnames, mids.firstIndex(of: i.modalityID) ?? 0),
            .text("Times", String(i.timesPerPeriod), limit: 3),
            .choice("Per", periods.map(\.label), periods.firstIndex(of: i.period) ?? 0),
            .choice("Responsible", snames, sids.firstIndex(of: i.responsibleStaffID) ?? 0),
            .text("Detail", i.detail, limit: 2000),
        ])
    }

    struct Invalid: Error { var sentence: String; var field: Int }

    /// The edit the form describes, or the first thing to fix.
    func edit() -> Result<PlanEdit, Invalid> {
        let f = fields
        func statement(_ what: String) -> Result<String, Invalid> {
            f[0].text.isEmpty ? .failure(Invalid(sentence: "Write the \(what)'s statement: it cannot be empty.", field: 0))
                : .success(f[0].editor.text.trimmingCharacters(in: .whitespaces))
        }
        func date(_ i: Int, _ what: String, optional: Bool = true) -> Result<Day?, Invalid> {
            if optional && f[i].text.isEmpty { return .success(nil) }
            guard let d = Day.typed(f[i].text) else {
                return .failure(Invalid(sentence: "The \(what) must be a date written YYYY-MM-DD, like 2026-06-30.", field: i))
            }
            return .success(d)
        }
        do {
            switch target {
            case .header:
                let day = try date(0, "effective date", optional: false).get()!
                return .success(.header(effectiveDate: day, clientWords: words))
            case .problem(var p, let isNew):
                p.statement = try statement("problem").get()
                p.clientWords = words
                return .success(isNew ? .addProblem(p) : .updateProblem(p))
            case .goal(var g, let isNew):
                g.statement = try statement("goal").get()
                g.kind = Self.goalKinds[f[1].choice]
                g.targetDate = try date(2, "target date").get()
                g.status = Self.goalStatuses[f[3].choice]
                return .success(isNew ? .addGoal(g) : .updateGoal(g))
            case .objective(var o, let isNew):
                o.statement = try statement("objective").get()
                o.targetDate = try date(1, "target date").get()
                o.status = Self.objectiveStatuses[f[2].choice]
                return .success(isNew ? .addObjective(o) : .updateObjective(o))
            case .intervention(var i, let isNew, let mids, let sids):
                guard !mids.isEmpty else { return .failure(Invalid(sentence: "The program has no modalities to choose from.", field: 0)) }
                i.modalityID = mids[f[0].choice]
                guard let n = Int(f[1].text), n >= 1, n <= 31 else {
                    return .failure(Invalid(sentence: "Times must be a whole number from 1 to 31 (per week or per month).", field: 1))
                }
                i.timesPerPeriod = n
                i.period = Self.periods[f[2].choice]
                i.responsibleStaffID = sids[f[3].choice]
                i.detail = f[4].editor.text
                return .success(isNew ? .addIntervention(i) : .updateIntervention(i))
            }
        } catch {
            // Every throw above is a Result's `get()`, so the error is the form's own sentence.
            return .failure(error)
        }
    }
}
