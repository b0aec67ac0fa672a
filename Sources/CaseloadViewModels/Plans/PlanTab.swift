// The chart's Plan tab as an editor: the hooks ChartScreen calls while the Plan tab is shown.
import CaseloadCore

/// One line of the plan tree: the plan's own fields, then problems → goals → objectives → interventions
/// (indices into the tree).
public enum PlanRow: Hashable, Sendable {
    case header
    case problem(Int)
    case goal(Int, Int)
    case objective(Int, Int, Int)
    case intervention(Int, Int, Int, Int)
}

/// What the Plan tab is doing besides showing the tree.
public enum PlanMode: Hashable, Sendable {
    case browsing
    case form(PlanForm)
    /// How to start a plan: labels and what each starts from.
    case chooser(labels: [String], starts: [PlanStart], selected: Int)
    case question(PlanQuestion)
    case review(TextArea)
    /// The list of versions, newest first.
    case versions(selected: Int)
    /// Someone else changed the plan: r reloads theirs, o applies this edit over it.
    case conflict(PlanEdit, sentence: String)
}

public enum PlanQuestion: Hashable, Sendable {
    case delete(PlanNode, what: String)
    case discard
    case sign
    case clientSigned
    case laterSignature
}

/// Kept in ChartState: the tree's selection and folds, the open form or question, and what the
/// forms choose from (loaded with the tab).
public struct PlanTabState: Hashable, Sendable {
    public var mode: PlanMode = .browsing
    public var selected = 0
    public var collapsed: Set<PlanNode> = []
    public var delivery: [RowID: Delivery] = [:]
    public var modalities: [Modality] = []
    public var staff: [Staff] = []
    public var templates: [PlanTemplate] = []
    /// An earlier version being read (read-only); nil shows the current plan.
    public var viewing: PlanTree?
    public init() {}
}

public enum PlanTab {
    static let signedSentence = "This plan is signed and can no longer be changed. Press R to review it into a new version."

    static func current(_ state: ChartState) -> PlanTree? {
        if case .plan(let t, _)? = state.data[.plan] { return t }
        return nil
    }
    static func versions(_ state: ChartState) -> [TreatmentPlan] {
        if case .plan(_, let v)? = state.data[.plan] { return v.sorted { $0.version > $1.version } }
        return []
    }
    /// The tree on screen: an earlier version being read, else the current plan.
    static func shown(_ state: ChartState) -> PlanTree? { state.planTab.viewing ?? current(state) }

    static func isPlanTab(_ state: ChartState) -> Bool { state.tab == .plan && state.openNote == nil }

    /// True while a field, a chooser or a question of the Plan tab is open: it takes every key.
    static func capturesKeys(_ state: ChartState) -> Bool {
        guard isPlanTab(state) else { return false }
        if case .browsing = state.planTab.mode { return false }
        return true
    }

    /// The review note or the client's words has the keyboard (Alt+key is word movement there).
    static func textFocused(_ state: ChartState) -> Bool {
        guard isPlanTab(state) else { return false }
        switch state.planTab.mode {
        case .review: return true
        case .form(let f): return f.areaFocused
        default: return false
        }
    }

    /// The visible rows of the tree, folds applied.
    static func rows(_ tree: PlanTree?, collapsed: Set<PlanNode>) -> [PlanRow] {
        guard let tree else { return [] }
        var out: [PlanRow] = [.header]
        for (p, problem) in tree.problems.enumerated() {
            out.append(.problem(p))
            if let id = problem.problem.id, collapsed.contains(.problem(id)) { continue }
            for (g, goal) in problem.goals.enumerated() {
                out.append(.goal(p, g))
                if let id = goal.goal.id, collapsed.contains(.goal(id)) { continue }
                for (o, objective) in goal.objectives.enumerated() {
                    out.append(.objective(p, g, o))
                    if let id = objective.objective.id, collapsed.contains(.objective(id)) { continue }
                    for i in objective.interventions.indices { out.append(.intervention(p, g, o, i)) }
                }
            }
        }
        return out
    }

    static func node(_ row: PlanRow, in tree: PlanTree) -> PlanNode? {
        switch row {
        case .header: nil
        case .problem(let p): tree.problems[p].problem.id.map(PlanNode.problem)
        case .goal(let p, let g): tree.problems[p].goals[g].goal.id.map(PlanNode.goal)
        case .objective(let p, let g, let o): tree.problems[p].goals[g].objectives[o].objective.id.map(PlanNode.objective)
        case .intervention(let p, let g, let o, let i):
            tree.problems[p].goals[g].objectives[o].interventions[i].intervention.id.map(PlanNode.intervention)
        }
    }

    static func hasChildren(_ row: PlanRow, in tree: PlanTree) -> Bool {
        switch row {
        case .header, .intervention: false
        case .problem(let p): !tree.problems[p].goals.isEmpty
        case .goal(let p, let g): !tree.problems[p].goals[g].objectives.isEmpty
        case .objective(let p, let g, let o): !tree.problems[p].goals[g].objectives[o].interventions.isEmpty
        }
    }

    static func selectedRow(_ state: ChartState) -> PlanRow? {
        let r = rows(shown(state), collapsed: state.planTab.collapsed)
        return r.isEmpty ? nil : r[max(0, min(state.planTab.selected, r.count - 1))]
    }

    /// Selects the row showing `node`, unfolding its ancestors so it shows.
    static func select(_ node: PlanNode, _ state: inout ChartState) {
        guard let tree = current(state) else { return }
        for pn in tree.problems {
            guard let pid = pn.problem.id else { continue }
            for gn in pn.goals {
                guard let gid = gn.goal.id else { continue }
                if node == .goal(gid) { state.planTab.collapsed.remove(.problem(pid)) }
                for on in gn.objectives {
                    guard let oid = on.objective.id else { continue }
                    let holdsIt = on.interventions.contains { $0.intervention.id.map(PlanNode.intervention) == node }
                    if node == .objective(oid) || holdsIt {
                        state.planTab.collapsed.remove(.problem(pid))
                        state.planTab.collapsed.remove(.goal(gid))
                    }
                    if holdsIt { state.planTab.collapsed.remove(.objective(oid)) }
                }
            }
        }
        let r = rows(tree, collapsed: state.planTab.collapsed)
        if let i = r.firstIndex(where: { self.node($0, in: tree) == node }) { state.planTab.selected = i }
    }

    /// After an edit came back from the store: the new tree shows, the edited (or added) node selected.
    static func applied(_ state: inout ChartState, _ edit: PlanEdit, before: PlanTree?) {
        state.planTab.mode = .browsing
        guard let tree = current(state) else { return }
        func ids(_ t: PlanTree?) -> Set<PlanNode> {
            guard let t else { return [] }
            var s = Set<PlanNode>()
            for r in rows(t, collapsed: []) { if let n = node(r, in: t) { s.insert(n) } }
            return s
        }
        switch edit {
        case .addProblem, .addGoal, .addObjective, .addIntervention:
            if let added = ids(tree).subtracting(ids(before)).first { select(added, &state) }
        case .updateProblem(let p): if let id = p.id { select(.problem(id), &state) }
        case .updateGoal(let g): if let id = g.id { select(.goal(id), &state) }
        case .updateObjective(let o): if let id = o.id { select(.objective(id), &state) }
        case .updateIntervention(let i): if let id = i.id { select(.intervention(id), &state) }
        case .move(let n, _): select(n, &state)
        case .header, .delete: break
        }
        let count = rows(tree, collapsed: state.planTab.collapsed).count
        state.planTab.selected = max(0, min(state.planTab.selected, count - 1))
    }

    // MARK: Keys

    /// A key while `capturesKeys`.
    static func rawKey(_ state: inout ChartState, _ key: Key) -> Request {
        switch state.planTab.mode {
        case .browsing:
            return .none
        case .form(var form):
            switch form.handle(key) {
            case .pending:
                state.planTab.mode = .form(form)
                return .none
            case .cancel:
                state.planTab.mode = .browsing
                return .message(form.isChanged ? "Not saved: the form was closed." : "Closed.", .info)
            case .save:
                switch form.edit() {
                case .failure(let invalid):
                    form.problem = invalid.sentence
                    form.focus = invalid.field
                    state.planTab.mode = .form(form)
                    return .message(invalid.sentence, .error)
                case .success(let edit):
                    state.planTab.mode = .form(form)
                    guard let plan = current(state)?.plan, let id = plan.id else { return .none }
                    return .plans(.apply(edit, planID: id, expectedRevision: plan.revision))
                }
            }
        case .chooser(let labels, let starts, var selected):
            switch key {
            case .down, .char("j"): selected = min(labels.count - 1, selected + 1)
            case .up, .char("k"): selected = max(0, selected - 1)
            case .escape:
                state.planTab.mode = .browsing
                return .message("No plan started.", .info)
            case .enter:
                state.planTab.mode = .browsing
                return .plans(.start(clientID: state.clientID, starts[selected]))
            default: break
            }
            state.planTab.mode = .chooser(labels: labels, starts: starts, selected: selected)
            return .none
        case .question(let q):
            // Any key but y answers no (YesNo).
            let yes = YesNo.isYes(key), no = !yes
            state.planTab.mode = .browsing
            guard let plan = current(state)?.plan, let id = plan.id else { return .none }
            switch q {
            case .delete(let node, _):
                return yes ? .plans(.apply(.delete(node), planID: id, expectedRevision: plan.revision))
                    : .message("Nothing was deleted.", .info)
            case .discard:
                return yes ? .plans(.discard(planID: id)) : .message("The draft is kept.", .info)
            case .sign:
                if no || key == .escape { return .message("Not signed. The plan is still a draft.", .info) }
                state.planTab.mode = .question(.clientSigned)
                return .none
            case .clientSigned:
                if key == .escape { return .message("Not signed. The plan is still a draft.", .info) }
                return .plans(.sign(planID: id, revision: plan.revision, clientSigned: yes))
            case .laterSignature:
                return yes ? .plans(.laterSignature(planID: id)) : .message("No signature added.", .info)
            }
        case .review(var area):
            switch key {
            case .escape:
                state.planTab.mode = .browsing
                return .message("Review cancelled; the plan is unchanged.", .info)
            case .ctrl("s"):
                let note = area.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !note.isEmpty else { return .message("Write what the review found before creating the next version.", .error) }
                guard let id = current(state)?.plan.id else { return .none }
                return .plans(.review(planID: id, note: note))
            default:
                if case .refused(let why) = area.handle(key) { state.planTab.mode = .review(area); return .message(why, .warning) }
                state.planTab.mode = .review(area)
                return .none
            }
        case .versions(var selected):
            let list = versions(state)
            switch key {
            case .down, .char("j"): selected = min(max(0, list.count - 1), selected + 1)
            case .up, .char("k"): selected = max(0, selected - 1)
            case .escape, .char("q"):
                state.planTab.mode = .browsing
                return .none
            case .enter:
                state.planTab.mode = .browsing
                guard let v = list[safe: selected], let id = v.id else { return .none }
                if id == current(state)?.plan.id { state.planTab.viewing = nil; state.planTab.selected = 0; return .none }
                return .plans(.viewVersion(planID: id))
            default: break
            }
            state.planTab.mode = .versions(selected: selected)
            return .none
        case .conflict(let edit, _):
            switch key {
            case .char("r"):
                state.planTab.mode = .browsing
                return .plans(.reload)
            case .char("o"):
                state.planTab.mode = .browsing
                guard let id = current(state)?.plan.id else { return .none }
                return .plans(.apply(edit, planID: id, expectedRevision: nil))
            case .escape:
                state.planTab.mode = .browsing
                return .message("Your change was not applied; the plan shows their version after r.", .info)
            default:
                return .none
            }
        }
    }

    /// A command on the Plan tab; nil lets the chart handle it (tab switching, scrolling).
    static func command(_ state: inout ChartState, _ command: Command, _ key: Key) -> Request? {
        guard isPlanTab(state), state.data[.plan] != nil else { return nil }
        let tree = shown(state)
        let all = rows(tree, collapsed: state.planTab.collapsed)
        let page = max(1, ChartScreen.contentArea(state.area).height - 4)
        func move(_ to: Int) -> Request { state.planTab.selected = max(0, min(all.count - 1, to)); return .none }
        let sel = max(0, min(state.planTab.selected, all.count - 1))
        let viewingOld = state.planTab.viewing != nil
        let plan = current(state)?.plan
        /// Why the tree cannot be changed now, if it cannot.
        func locked() -> Request? {
            if viewingOld { return .message("This is an earlier version, read-only. Esc goes back to the current plan.", .info) }
            guard let plan else { return .message("No plan yet: press N to start one.", .info) }
            if plan.status != .draft { return .message(signedSentence, .warning) }
            return nil
        }
        switch command {
        case .moveDown: return move(sel + 1)
        case .moveUp: return move(sel - 1)
        case .pageDown: return move(sel + page)
        case .pageUp: return move(sel - page)
        case .first: return move(0)
        case .last: return move(all.count - 1)
        case .back where viewingOld:
            state.planTab.viewing = nil
            state.planTab.selected = 0
            return .message("Back to the current plan.", .info)
        case .toggleNode, .expandNode, .collapseNode:
            guard let tree, let row = all[safe: sel], let n = node(row, in: tree), hasChildren(row, in: tree) else {
                return command == .toggleNode ? .message("This line has nothing under it to fold.", .info) : Request.none
            }
            let folded = state.planTab.collapsed.contains(n)
            let fold = command == .toggleNode ? !folded : command == .collapseNode
            if fold { state.planTab.collapsed.insert(n) } else { state.planTab.collapsed.remove(n) }
            return Request.none
        case .startPlan:
            if viewingOld { return locked() }
            if plan?.status == .draft { return .message("This client already has a draft plan (version \(plan!.version)); edit it or sign it.", .info) }
            var labels = ["Blank plan"], starts: [PlanStart] = [.blank]
            for t in state.planTab.templates {
                labels.append("Template: \(t.name) (\(Format.plural(t.problemCount, "problem")), \(Format.plural(t.goalCount, "goal")))")
                starts.append(.template(t.id))
            }
            if plan != nil { labels.append("Copy version \(plan!.version)"); starts.append(.copyPrevious) }
            state.planTab.mode = .chooser(labels: labels, starts: starts, selected: 0)
            return Request.none
        case .editRecord:
            if let r = locked() { return r }
            guard let tree, let row = all[safe: sel] else { return Request.none }
            var form = editForm(row, tree: tree, state: state)
            form.markShown()
            state.planTab.mode = .form(form)
            return Request.none
        case .addRecord:
            if let r = locked() { return r }
            guard let tree, let row = all[safe: sel] else { return Request.none }
            var form = addForm(row, tree: tree, state: state)
            form.markShown()
            state.planTab.mode = .form(form)
            return Request.none
        case .deleteNode:
            if let r = locked() { return r }
            guard let tree, let row = all[safe: sel], let n = node(row, in: tree) else {
                return .message("Select a problem, goal, objective or intervention to delete.", .info)
            }
            let what = label(row, tree: tree)
            state.planTab.mode = .question(.delete(n, what: what))
            return Request.none
        case .moveNodeUp, .moveNodeDown:
            if let r = locked() { return r }
            guard let tree, let row = all[safe: sel], let n = node(row, in: tree), let plan, let id = plan.id else {
                return .message("Select a problem, goal, objective or intervention to move.", .info)
            }
            return .plans(.apply(.move(n, by: command == .moveNodeUp ? -1 : 1), planID: id, expectedRevision: plan.revision))
        case .discardPlan:
            if viewingOld { return locked() }
            guard let plan else { return .message("No plan yet: press N to start one.", .info) }
            if plan.status != .draft { return .message("Only a draft can be discarded; a signed plan stays in the chart.", .info) }
            state.planTab.mode = .question(.discard)
            return Request.none
        case .signPlan:
            if viewingOld { return locked() }
            guard let plan else { return .message("No plan yet: press N to start one.", .info) }
            if plan.status != .draft { return .message("This plan is already signed. C adds a later signature.", .info) }
            state.planTab.mode = .question(.sign)
            return Request.none
        case .reviewPlan:
            if viewingOld { return locked() }
            guard let plan else { return .message("No plan yet: press N to start one.", .info) }
            if plan.status == .draft { return .message("A draft is edited directly; review is for the signed plan in force.", .info) }
            let content = ChartScreen.contentArea(state.area)
            state.planTab.mode = .review(TextArea(width: max(10, content.width - 2), height: max(3, content.height - 3)))
            return Request.none
        case .addSignature:
            if viewingOld { return locked() }
            guard let plan else { return .message("No plan yet: press N to start one.", .info) }
            if plan.status != .signed { return .message("Later signatures are for a signed plan; S signs the draft.", .info) }
            state.planTab.mode = .question(.laterSignature)
            return Request.none
        case .planVersions:
            if versions(state).isEmpty { return .message("No plan versions yet.", .info) }
            state.planTab.mode = .versions(selected: 0)
            return Request.none
        case .printPlan:
            guard let id = (state.planTab.viewing ?? current(state))?.plan.id else { return .message("No plan to print yet.", .info) }
            return .plans(.print(planID: id))
        default:
            return nil
        }
    }

    static func editForm(_ row: PlanRow, tree: PlanTree, state: ChartState) -> PlanForm {
        switch row {
        case .header: return .header(tree.plan)
        case .problem(let p): return .problem(tree.problems[p].problem, isNew: false)
        case .goal(let p, let g): return .goal(tree.problems[p].goals[g].goal, isNew: false)
        case .objective(let p, let g, let o): return .objective(tree.problems[p].goals[g].objectives[o].objective, isNew: false)
        case .intervention(let p, let g, let o, let i):
            return .intervention(tree.problems[p].goals[g].objectives[o].interventions[i].intervention, isNew: false,
                                 modalities: state.planTab.modalities, staff: state.planTab.staff)
        }
    }

    /// A child of the selected node; an intervention's sibling; a problem from the plan's own line.
    static func addForm(_ row: PlanRow, tree: PlanTree, state: ChartState) -> PlanForm {
        let planID = tree.plan.id ?? 0
        switch row {
        case .header:
            return .problem(Problem(planID: planID, position: tree.problems.count, statement: ""), isNew: true)
        case .problem(let p):
            return .goal(Goal(problemID: tree.problems[p].problem.id ?? 0, position: 0, statement: "", kind: .other,
                              targetDate: nil), isNew: true)
        case .goal(let p, let g):
            return .objective(Objective(goalID: tree.problems[p].goals[g].goal.id ?? 0, position: 0, statement: "",
                                        targetDate: nil), isNew: true)
        case .objective(let p, let g, let o), .intervention(let p, let g, let o, _):
            let objectiveID = tree.problems[p].goals[g].objectives[o].objective.id ?? 0
            let mine = state.summary.client.primaryCounselorID
            let responsible = state.planTab.staff.contains { $0.id == mine } ? mine : nil
            return .intervention(Intervention(objectiveID: objectiveID, position: 0,
                                              modalityID: state.planTab.modalities.first?.id ?? 0, timesPerPeriod: 1,
                                              period: .week, responsibleStaffID: responsible),
                                 isNew: true, modalities: state.planTab.modalities, staff: state.planTab.staff)
        }
    }

    // MARK: Drawing

    static func label(_ row: PlanRow, tree: PlanTree) -> String {
        switch row {
        case .header: "the plan"
        case .problem(let p): "problem \(p + 1) and everything under it"
        case .goal(let p, let g): "goal \(p + 1).\(g + 1) and everything under it"
        case .objective(let p, let g, let o): "objective \(p + 1).\(g + 1).\(o + 1) and its interventions"
        case .intervention(let p, let g, let o, let i):
            "the intervention \(tree.problems[p].goals[g].objectives[o].interventions[i].modality)"
        }
    }

    /// One tree line: indent, fold marker, numbering, statement and facts.
    static func line(_ row: PlanRow, tree: PlanTree, state: ChartState) -> StyledLine {
        let folded: Bool = node(row, in: tree).map { state.planTab.collapsed.contains($0) } ?? false
        let marker = hasChildren(row, in: tree) ? (folded ? "▸ " : "▾ ") : "  "
        let today = state.today
        switch row {
        case .header:
            let p = tree.plan
            return StyledLine([Span("Plan v\(p.version) ", .header), Span(p.status.label, p.status == .draft ? .warning : .ok),
                               Span(" · effective \(p.effectiveDate)", .dim)])
        case .problem(let p):
            let pr = tree.problems[p].problem
            var spans = [Span(marker), Span("Problem \(p + 1): ", .header), Span(pr.statement, .header)]
            if !pr.clientWords.isEmpty {
                spans.append(Span(" “\(pr.clientWords.split(whereSeparator: \.isNewline).joined(separator: " / "))”", .dim))
            }
            return StyledLine(spans)
        case .goal(let p, let g):
            let goal = tree.problems[p].goals[g].goal
            var facts = [goal.kind.label]
            if let t = goal.targetDate { facts.append("target \(t)") }
            facts.append(goal.status.label)
            return StyledLine([Span("  " + marker), Span("Goal \(p + 1).\(g + 1): ", .dim), Span(goal.statement),
                               Span(" [\(facts.joined(separator: ", "))]", .dim)])
        case .objective(let p, let g, let o):
            let ob = tree.problems[p].goals[g].objectives[o].objective
            var facts = [ob.status.label]
            var late = false
            if let t = ob.targetDate {
                facts.append("target \(t)")
                late = t < today && (ob.status == .notStarted || ob.status == .inProgress)
            }
            var spans = [Span("    " + marker), Span("Objective \(p + 1).\(g + 1).\(o + 1): ", .dim), Span(ob.statement),
                         Span(" [\(facts.joined(separator: ", "))]", .dim)]
            if late { spans.append(Span(" ! past target", .overdue)) }
            return StyledLine(spans)
        case .intervention(let p, let g, let o, let i):
            let n = tree.problems[p].goals[g].objectives[o].interventions[i]
            var spans = [Span("      • "), Span("\(n.modality) \(n.intervention.frequencyLabel)")]
            if let id = n.intervention.id, let d = state.planTab.delivery[id], state.planTab.viewing == nil {
                spans.append(Span(": \(d.delivered) of \(d.planned)", d.shortfall ? .warning : .ok))
                if d.shortfall { spans.append(Span(" ! short", .warning)) }
                if d.drafts > 0 { spans.append(Span(" (\(Format.plural(d.drafts, "draft")) not signed)", .dim)) }
            }
            spans.append(Span(" · " + (n.responsibleName ?? "no one responsible yet"), .dim))
            return StyledLine(spans)
        }
    }

    /// The lines above the tree: review date, the client's words and the signatures.
    static func headerLines(_ tree: PlanTree, state: ChartState, width: Int) -> [StyledLine] {
        let p = tree.plan
        var out: [StyledLine] = []
        if let old = state.planTab.viewing {
            out.append(StyledLine("Earlier version \(old.plan.version), read-only. Esc: back to the current plan.", .warning))
        }
        let (review, role) = ChartContent.reviewNote(p.nextReviewDate, today: state.today,
                                                     soonDays: state.settings.planDueWarningDays)
        out.append(StyledLine([Span("Next review: ", .dim), Span(p.status == .superseded ? "\(p.nextReviewDate) (superseded)" : review,
                                                                 p.status == .superseded ? .dim : role)]))
        let words = p.clientWords.split(whereSeparator: \.isNewline).joined(separator: " ")
        out.append(StyledLine([Span("Client's words: ", .dim), words.isEmpty ? Span("none yet (e on the plan line)", .dim) : Span("“\(words)”")]))
        if let r = p.reviewNote, !r.isEmpty {
            out.append(StyledLine([Span("Review: ", .dim), Span(r.split(whereSeparator: \.isNewline).joined(separator: " "))]))
        }
        var sig: [Span] = [Span("Signed: ", .dim)]
        if tree.signatures.isEmpty { sig.append(Span("[ ] not yet", .warning)) }
        // The program asks for a supervisor's co-signature on every plan: the missing one comes first, where a
        // long line of signatures cannot push it out of sight.
        if p.status == .signed, state.settings.supervisorCosignPlans,
           !tree.signatures.contains(where: { $0.role == .supervisor }) {
            sig.append(Span("[ ] Supervisor co-signature", .warning))
            sig.append(Span(" · "))
        }
        for (k, s) in tree.signatures.enumerated() {
            if k > 0 { sig.append(Span(" · ")) }
            sig.append(Span("[x] \(s.role.label) \(s.signerName) \(Format.timestamp(s.signedAt, utcOffset: state.utcOffset))", .ok))
        }
        if p.status != .draft, !tree.signatures.contains(where: { $0.role == .client }) {
            sig.append(Span(" · [ ] Client (C adds)", .warning))
        }

        out.append(StyledLine(sig))
        return out
    }

    /// Draws the tab's content; false leaves it to the chart's read-only plan view.
    static func render(_ state: ChartState, into buffer: inout ScreenBuffer, area: Rect) -> Bool {
        guard isPlanTab(state), state.data[.plan] != nil else { return false }
        let width = area.width - 2
        let x = area.x + 1
        buffer.cursor = Point(x: x, y: area.y)
        switch state.planTab.mode {
        case .form(let form):
            form.draw(into: &buffer, area: area)
            return true
        case .chooser(let labels, _, let selected):
            buffer.put("Start a new plan from:", x: x, y: area.y, role: .header, maxWidth: width)
            for (i, l) in labels.prefix(area.height - 2).enumerated() {
                let y = area.y + 1 + i
                if i == selected {
                    buffer.fill(x: area.x, y: y, width: area.width, height: 1, role: .selection)
                    buffer.put("> " + l, x: x, y: y, role: .selection, maxWidth: width)
                    buffer.cursor = Point(x: x, y: y)
                } else {
                    buffer.put("  " + l, x: x, y: y, maxWidth: width)
                }
            }
            buffer.put("↑↓ choose · Enter start · Esc cancel", x: x, y: area.y + area.height - 1, role: .dim, maxWidth: width)
            return true
        case .review(let text):
            let v = current(state)?.plan.version ?? 0
            buffer.put("Review of version \(v): what did the review find?", x: x, y: area.y, role: .header, maxWidth: width)
            buffer.put("Ctrl-S creates version \(v + 1) as a draft · Esc cancels", x: x, y: area.y + 1, role: .dim, maxWidth: width)
            text.render(into: &buffer, x: x, y: area.y + 2, width: width, height: max(1, area.height - 2))
            return true
        case .versions(let selected):
            buffer.put("Plan versions (Enter views one, Esc closes)", x: x, y: area.y, role: .header, maxWidth: width)
            for (i, v) in versions(state).prefix(area.height - 1).enumerated() {
                let y = area.y + 1 + i
                let text = "v\(v.version)  \(v.status.label)  effective \(v.effectiveDate)  review \(v.nextReviewDate)"
                if i == selected {
                    buffer.fill(x: area.x, y: y, width: area.width, height: 1, role: .selection)
                    buffer.put("> " + text, x: x, y: y, role: .selection, maxWidth: width)
                    buffer.cursor = Point(x: x, y: y)
                } else {
                    buffer.put("  " + text, x: x, y: y, maxWidth: width)
                }
            }
            return true
        default:
            break
        }
        guard let tree = shown(state) else {
            buffer.put("No treatment plan yet. Press N to start one (blank, from a template).", x: x, y: area.y, role: .dim,
                       maxWidth: width)
            return true
        }
        let head = headerLines(tree, state: state, width: width)
        for (i, l) in head.prefix(area.height).enumerated() {
            l.truncated(to: width).draw(into: &buffer, x: x, y: area.y + i, width: width)
        }
        // A question wraps onto a second line on a narrow terminal so its (y/n) always shows.
        let question = questionLine(state).map { TextWrap.wrap($0, width: width, prefix: "", role: .warning, prefixRole: .warning) } ?? []
        let asked = Array(question.suffix(2))
        let bottom = asked.count
        let listY = area.y + head.count
        let room = max(0, area.height - head.count - bottom)
        let all = rows(tree, collapsed: state.planTab.collapsed)
        let sel = max(0, min(state.planTab.selected, all.count - 1))
        let top = max(0, min(sel - room + 1, all.count - room))
        if room > 0 {
            for (k, i) in (top..<min(all.count, top + room)).enumerated() {
                let y = listY + k
                let l = line(all[i], tree: tree, state: state)
                if i == sel {
                    buffer.fill(x: area.x, y: y, width: area.width, height: 1, role: .selection)
                    buffer.put(">", x: area.x, y: y, role: .selection)
                    buffer.put(l.plainText, x: x, y: y, role: .selection, maxWidth: width)
                    buffer.cursor = Point(x: area.x, y: y)
                } else {
                    l.truncated(to: width).draw(into: &buffer, x: x, y: y, width: width)
                }
            }
        }
        for (k, l) in asked.enumerated() {
            let y = area.y + area.height - asked.count + k
            buffer.fill(x: area.x, y: y, width: area.width, height: 1, role: .normal)
            l.truncated(to: width).draw(into: &buffer, x: x, y: y, width: width)
            buffer.cursor = Point(x: min(area.x + area.width - 1, x + l.width), y: y)
        }
        return true
    }

    static func questionLine(_ state: ChartState) -> String? {
        switch state.planTab.mode {
        case .question(.delete(_, let what)): "Delete \(what)? (y/n)"
        case .question(.discard):
            "Discard draft version \(current(state)?.plan.version ?? 0) and everything in it? The plan in force stays. (y/n)"
        case .question(.sign):
            "Sign version \(current(state)?.plan.version ?? 0)? It cannot be changed afterwards. (y/n)"
        case .question(.clientSigned): "Did the client sign too (in person or on paper)? (y/n)"
        case .question(.laterSignature): "Add a later signature (the client's, or your co-signature as supervisor)? (y/n)"
        case .conflict(_, let sentence): sentence + " r: reload theirs · o: apply mine"
        default: nil
        }
    }

    /// The status-bar hints while browsing: only the keys that act on the plan shown.
    static func browsingHints(_ state: ChartState, keyMap: KeyMap) -> [(keys: String, label: String)] {
        let commands: [Command]
        if state.planTab.viewing != nil {
            commands = [.planVersions, .printPlan]
        } else if let p = current(state)?.plan {
            commands = p.status == .draft ? [.editRecord, .addRecord, .deleteNode, .signPlan, .toggleNode, .printPlan]
                : [.reviewPlan, .addSignature, .planVersions, .printPlan, .startPlan]
        } else {
            commands = [.startPlan]
        }
        var out = commands.compactMap { c in
            keyMap.bindings.first { $0.scope == .plan && $0.command == c }.map { (KeyMap.shortName(of: $0), KeyMap.hintLabel($0)) }
        }
        out += keyMap.hints(for: [.global])
        return out
    }

    /// The status-bar hints while the tab has a form, a chooser or a question open.
    static func hints(_ state: ChartState) -> [(keys: String, label: String)] {
        switch state.planTab.mode {
        case .form: PlanForm.hints
        case .chooser, .versions: [("↑↓", "choose"), ("Enter", "open"), ("Esc", "cancel")]
        case .review: [("Ctrl-S", "create next version"), ("Esc", "cancel")]
        case .conflict: [("r", "reload theirs"), ("o", "apply mine"), ("Esc", "cancel")]
        case .question, .browsing: [("y", "yes"), ("n", "no")]
        }
    }
}
