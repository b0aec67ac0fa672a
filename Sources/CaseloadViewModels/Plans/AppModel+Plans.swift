// The app model's half of treatment plans: runs the Plan tab's requests against the PlanRepository,
// feeds the new tree back to the chart, prints plans to files and opens the plans-due screen.
import CaseloadCore
import Foundation

extension AppModel {
    func performPlans(_ request: PlanRequest) {
        guard let repo = plans else {
            message = Message("This store cannot change treatment plans (opened read-only).", .error)
            return
        }
        let me = identity.staff
        switch request {
        case .start(let clientID, let start):
            chartPlanChange(edit: nil) { _ = try repo.startPlan(clientID: clientID, from: start, effectiveDate: clock.today(), by: me) }
        case .apply(let edit, let planID, let revision):
            chartPlanChange(edit: edit) { _ = try repo.apply(edit, planID: planID, expectedRevision: revision, by: me) }
        case .sign(let planID, let revision, let clientSigned):
            chartPlanChange(edit: nil, done: clientSigned ? "Plan signed by you and the client." : "Plan signed. C adds the client's signature later.") {
                _ = try repo.signPlan(planID: planID, expectedRevision: revision, clientSigned: clientSigned, by: me)
            }
        case .laterSignature(let planID):
            let tree: PlanTree
            do { tree = try repo.plan(id: planID) } catch { message = Message(describe(error), .error); return }
            let hasClient = tree.signatures.contains { $0.role == .client }
            let hasSupervisor = tree.signatures.contains { $0.role == .supervisor }
            let supervises = me.role == .supervisor || me.role == .admin
            let role: SignatureRole
            if supervises && !hasSupervisor && !tree.signatures.contains(where: { $0.staffID == me.id }) { role = .supervisor }
            else if !hasClient { role = .client }
            else { message = Message("The plan already has the client's signature\(hasSupervisor ? " and a co-signature" : "").", .info); return }
            chartPlanChange(edit: nil, done: role == .client ? "The client's signature is added." : "Co-signed.") {
                _ = try repo.addPlanSignature(planID: planID, role: role, by: me)
            }
        case .review(let planID, let note):
            chartPlanChange(edit: nil, done: "Review recorded: the next version is a draft to edit and sign.") {
                _ = try repo.reviewPlan(planID: planID, reviewNote: note, on: clock.today(), by: me)
            }
        case .discard(let planID):
            chartPlanChange(edit: nil, done: "Draft discarded.") {
                try repo.discardPlanDraft(planID: planID, by: me)
            }
        case .viewVersion(let planID):
            guard case .chart(var s) = current else { return }
            do {
                s.planTab.viewing = try repo.plan(id: planID)
                s.planTab.selected = 0
                message = Message("Version \(s.planTab.viewing!.plan.version), read-only. Esc goes back to the current plan.", .info)
            } catch {
                message = Message("Could not open that version: \(describe(error))", .error)
            }
            replaceTop(.chart(s))
        case .reload:
            guard case .chart(var s) = current else { return }
            reloadPlan(&s)
            message = Message("Reloaded: the plan as it is stored now.", .info)
            replaceTop(.chart(s))
        case .print(let planID):
            printPlan(repo, planID)
        case .openDue:
            // Supervisors and administrators look after the team; a counselor's own list comes first for them.
            openPlansDue(repo, scope: identity.staff.role == .supervisor || identity.staff.role == .admin ? .team : .mine)
        case .loadDue(let scope):
            openPlansDue(repo, scope: scope)
        case .openChartOnPlan(let clientID):
            perform(.openChart(clientID: clientID))
            guard case .chart(var s) = current, s.clientID == clientID else { return }
            let r = ChartScreen.select(&s, .plan)
            replaceTop(.chart(s))
            perform(r)
        }
    }

    /// Hang-up, SIGTERM or lock: an open plan form whose fields are valid is saved as Ctrl-S would save it.
    /// Never over someone else's change (a stale revision is refused and theirs stays). A form that does not
    /// validate holds nothing a plan could take, and a review note is not turned into a new version unasked.
    func savePlanForms() {
        guard let repo = plans else { return }
        for screen in stack {
            guard case .chart(let s) = screen, case .form(let form) = s.planTab.mode, form.isChanged,
                  case .success(let edit) = form.edit(), let plan = PlanTab.current(s)?.plan, let id = plan.id,
                  plan.status == .draft else { continue }
            _ = try? repo.apply(edit, planID: id, expectedRevision: plan.revision, by: identity.staff)
        }
    }

    /// A plan form or a review note open with something typed: Q asks before quitting.
    var hasUnsavedPlanEdits: Bool {
        stack.contains { screen in
            guard case .chart(let s) = screen else { return false }
            switch s.planTab.mode {
            case .form(let f): return f.isChanged
            case .review(let area): return !area.text.isEmpty
            default: return false
            }
        }
    }

    /// The Plan tab's extras, loaded with it: delivery against the plan, and what forms and the chooser offer.
    func loadPlanExtras(_ s: inout ChartState) {
        guard let repo = plans else { return }
        do {
            try showWorkingVersion(&s)
            s.planTab.modalities = try repo.planModalities()
            s.planTab.staff = try repo.planStaff()
            s.planTab.templates = try repo.planTemplates()
            loadDelivery(&s)
        } catch {
            message = Message("Could not load the plan editor's choices: \(describe(error))", .error)
        }
    }

    /// The store's current plan is the one in force; while a newer draft exists the editor works on that draft.
    private func showWorkingVersion(_ s: inout ChartState) throws {
        guard let repo = plans, case .plan(let tree, let versions)? = s.data[.plan],
              let draft = versions.filter({ $0.status == .draft }).max(by: { $0.version < $1.version }),
              let id = draft.id, id != tree?.plan.id else { return }
        _ = ChartScreen.reduce(&s, .tabLoaded(.plan(try repo.plan(id: id), versions: versions)))
    }

    private func loadDelivery(_ s: inout ChartState) {
        guard let repo = plans, let id = PlanTab.current(s)?.plan.id else { s.planTab.delivery = [:]; return }
        let rows = (try? repo.delivery(planID: id, on: clock.today())) ?? []
        s.planTab.delivery = Dictionary(rows.map { ($0.interventionID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private func reloadPlan(_ s: inout ChartState) {
        do {
            let id = s.clientID
            _ = ChartScreen.reduce(&s, .tabLoaded(.plan(try repository.currentPlan(clientID: id),
                                                        versions: try repository.planVersions(clientID: id))))
            try showWorkingVersion(&s)
            loadDelivery(&s)
        } catch {
            message = Message("Could not reload the plan: \(describe(error))", .error)
        }
    }

    /// Runs one change, then shows the stored plan. A conflict keeps the edit for `o`, a refusal keeps the form open.
    private func chartPlanChange(edit: PlanEdit?, done: String? = nil, _ body: () throws -> Void) {
        guard case .chart(var s) = current else { return }
        let before = PlanTab.current(s)
        do {
            try body()
            reloadPlan(&s)
            s.planTab.viewing = nil
            if let edit { PlanTab.applied(&s, edit, before: before) } else { s.planTab.mode = .browsing; s.planTab.selected = 0 }
            if let done { message = Message(done, .ok) }
            else if let edit { message = Message(Self.sentence(for: edit), .ok) }
            else if let p = PlanTab.current(s)?.plan { message = Message("Version \(p.version) started as a draft.", .ok) }
        } catch let conflict as EditConflict {
            let when = conflict.changedAt.map { " at " + Format.timestamp($0, utcOffset: Format.utcOffset(of: clock)).suffix(5) } ?? ""
            let sentence = "The plan was changed by \(conflict.changedBy)\(when)."
            if let edit {
                s.planTab.mode = .conflict(edit, sentence: sentence)
                message = Message(sentence, .warning)
            } else {
                // A stale sign or start has nothing of mine to keep: show the plan as it is now, so the next
                // try acts on what the other person saved.
                reloadPlan(&s)
                s.planTab.mode = .browsing
                message = Message(sentence + " It is shown as saved now; check it, then try again.", .warning)
            }
        } catch {
            if case .form(var form) = s.planTab.mode { form.problem = describe(error); s.planTab.mode = .form(form) }
            message = Message(describe(error), .error)
        }
        replaceTop(.chart(s))
    }

    static func sentence(for edit: PlanEdit) -> String {
        switch edit {
        case .header: "Plan saved."
        case .addProblem: "Problem added."
        case .addGoal: "Goal added."
        case .addObjective: "Objective added."
        case .addIntervention: "Intervention added."
        case .updateProblem, .updateGoal, .updateObjective, .updateIntervention: "Saved."
        case .delete: "Deleted."
        case .move: "Moved."
        }
    }

    /// Writes the plan as a text document, readable by its owner only (it is PHI), and audits the print.
    private func printPlan(_ repo: any PlanRepository, _ planID: RowID) {
        do {
            let tree = try repo.plan(id: planID)
            let summary = try repository.chartSummary(clientID: tree.plan.clientID)
            let counselor = try summary.client.primaryCounselorID.flatMap { try repository.staff(id: $0) }
            let text = PlanDocument.render(tree, summary: summary, programName: settings.programName, format: .text,
                                           width: 80,
                                           supervisorSignature: settings.supervisorCosignPlans || (counselor?.needsCosign ?? false))
            let dir = ProcessInfo.processInfo.environment["CASELOAD_PRINT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? FileManager.default.currentDirectoryPath
            let safeMRN = summary.client.mrn.filter { $0.isLetter || $0.isNumber || $0 == "-" }
            let path = (dir as NSString).appendingPathComponent("plan-\(safeMRN)-v\(tree.plan.version).txt")
            // Recorded first: a print that leaves no trace is worse than a trace of a print that failed.
            try repository.record(.print, by: identity.staff, clientID: tree.plan.clientID, subject: "plan:\(planID)",
                                  detail: "printed treatment plan version \(tree.plan.version) as text to \(path) from the Plan tab")
            // With the person's own rights, never onto the store's files; owner-only (docs/deployment.md).
            let fd = try UserFiles.createPrivate(path, exclusive: false)
            guard fd >= 0 else { throw CaseloadError.invalidInput("Could not write \(path): \(String(cString: strerror(errno))).") }
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard written == bytes.count else { throw CaseloadError.invalidInput("Could not write all of \(path).") }
            message = Message("Plan version \(tree.plan.version) written to \(path) (only you can read it).", .ok)
        } catch {
            message = Message("Could not print the plan: \(describe(error))", .error)
        }
    }

    private func openPlansDue(_ repo: any PlanRepository, scope: CaseloadScope) {
        do {
            let today = clock.today()
            let due = try repo.plansDue(for: identity.staffID, scope: scope, on: today)
            let supervises = identity.staff.role == .supervisor || identity.staff.role == .admin
            let cosign = supervises ? try repo.planCosignQueue(supervisorID: identity.staffID) : []
            let state = PlansDueState(due: due, cosign: cosign, scope: scope, allowedScopes: allowedScopes, area: contentArea,
                                      today: today, dueSoonDays: settings.planDueWarningDays)
            if case .plansDue = current { replaceTop(.plansDue(state)) } else { stack.append(.plansDue(state)) }
            message = Message("Plans due (\(scope.label)): \(Format.plural(due.count, "client")).", .info)
        } catch {
            message = Message("Could not load the plans due: \(describe(error))", .error)
        }
    }
}
