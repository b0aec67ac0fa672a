// The app model's half of case management: saves referrals, screens and contacts through the
// CaseManagementRepository, reloads the tab, and runs the Reports screen's reports.
import CaseloadCore
import Foundation

extension AppModel {
    func performCaseManagement(_ request: CaseRequest) {
        guard let repo = caseManagement else {
            message = Message("This store cannot save case-management records (opened read-only).", .error)
            return
        }
        switch request {
        case let .saveClientDetails(clientID, details, expected):
            save(what: "Client details", tab: .summary) {
                _ = try repo.saveClientDetails(clientID: clientID, details, expectedVersion: expected, by: identity.staff)
            }
        case .saveReferral(let r):
            save(what: "Referral", tab: .referrals) { _ = try repo.saveReferral(r, by: identity.staff) }
        case .recordScreen(let s):
            save(what: "Drug screen", tab: .screens) { _ = try repo.recordScreen(s, by: identity.staff) }
        case let .markScreenError(id, reason):
            save(what: "Screen \(id)", tab: .screens,
                 done: "Screen \(id) is marked entered in error; it stays in the chart, out of the counts.") {
                _ = try repo.markScreenEnteredInError(screenID: id, reason: reason, by: identity.staff)
            }
        case let .recordCorrection(s, replacing, reason):
            save(what: "Corrected result of screen \(replacing)", tab: .screens) {
                _ = try repo.recordCorrection(s, replacing: replacing, reason: reason, by: identity.staff)
            }
        case .saveContact(let c):
            save(what: "Contact", tab: .contacts) { _ = try repo.saveContact(c, by: identity.staff) }
        case .saveConsent(let c):
            guard let consents = repo as? any ConsentRepository else { return }
            save(what: "Consent", tab: .consents) { _ = try consents.saveConsent(c, by: identity.staff) }
        case let .revokeConsent(id, revision, day, note):
            guard let consents = repo as? any ConsentRepository else { return }
            save(what: "Revocation of consent \(id)", tab: .consents) {
                _ = try consents.revokeConsent(id: id, revision: revision, on: day, note: note, by: identity.staff)
            }
        case .openReports:
            let mine = identity.staff.role == .counselor || identity.staff.role == .facilitator
            var state = ReportsState(today: clock.today(), staffName: mine ? identity.staff.displayName : nil,
                                     area: contentArea)
            state.result = runReport(repo, state.kind, from: state.range.from, to: state.range.to)
            stack.append(.reports(state))
        case .runReport(let kind, let from, let to):
            guard case .reports(var s) = current else { return }
            s.result = runReport(repo, kind, from: from, to: to)
            replaceTop(.reports(s))
        }
    }

    /// Home's count line: open referral follow-ups due and maintenance clients short of random screens.
    func loadHomeCaseCounts(_ home: inout HomeState) {
        guard let repo = caseManagement else { return }
        let today = clock.today()
        do {
            let due = try repo.followUpsDue(counselorID: identity.staffID, on: today).count
            let screens = try repo.screensDue(counselorID: identity.staffID, on: today).count
            home.caseCounts = [
                [Span("Follow-ups due: "), Span(due > 0 ? "! \(due)" : "0", due > 0 ? .overdue : .normal)],
                [Span("Random screens due: "), Span(screens > 0 ? "! \(screens)" : "0", screens > 0 ? .overdue : .normal)],
            ]
            // Group sessions of mine to sign (held, not signed; or past and never marked): a facilitator's paperwork.
            if let groups, case let toSign = try groups.sessionsToSign(facilitatorID: identity.staffID, on: today).count,
               toSign > 0 {
                home.caseCounts.append([Span("Group sessions to sign: "), Span("! \(toSign)", .overdue)])
            }
            // Part 2 consents of my clients that end within 30 days: renew them before a disclosure is refused.
            if let consents = repo as? any ConsentRepository {
                let ending = try consents.consentsExpiring(counselorID: identity.staffID, on: today, within: 30).count
                home.caseCounts.append([Span("Consents expiring (30 days): "),
                                        Span(ending > 0 ? "! \(ending)" : "0", ending > 0 ? .overdue : .normal)])
            }
        } catch {
            home.caseCounts = []
            message = Message("Could not count follow-ups and screens due: \(describe(error))", .error)
        }
        HomeScreen.relayout(&home)
    }

    /// Counselors see their own figures; supervisors the program's counts and their team's overdue items; administrators
    /// the counts only (the store decides, Access.swift; as the CLI).
    /// `audit: false` for a live refresh of the report on show (already recorded when it was run).
    func runReport(_ repo: any CaseManagementRepository, _ kind: ReportKind, from: Day, to: Day,
                   audit: Bool = true) -> ReportResult? {
        let mine = identity.staff.role == .counselor || identity.staff.role == .facilitator
        let staffID = mine ? identity.staffID : nil
        do {
            let result: ReportResult
            switch kind {
            case .caseload: result = .caseload(try repo.caseloadReport(staffID: staffID, from: from, to: to))
            case .overdue: result = .overdue(try repo.overdueReport(staffID: staffID, on: clock.today()))
            case .productivity:
                result = .productivity(try repo.productivityReport(staffID: staffID, from: from, to: to),
                                       total: try repo.productivityTotal(staffID: staffID, from: from, to: to))
            }
            if audit { try repository.record(.view, by: identity.staff, clientID: nil, subject: "report:\(kind.rawValue)",
                                  detail: "viewed the \(kind.rawValue) report \(from) to \(to) on the Reports screen") }
            return result
        } catch {
            message = Message("Could not run the report: \(describe(error))", .error)
            return nil
        }
    }

    /// Saves, then closes the form and reloads the tab; a refusal keeps the form open with the sentence.
    /// After an edit conflict the other person's version is shown and the form keeps ours, now based on
    /// theirs, so a second save deliberately puts ours over it.
    private func save(what: String, tab: ChartTab, done: String? = nil, _ body: () throws -> Void) {
        guard case .chart(var s) = current else { return }
        do {
            try body()
            s.caseTab.form = nil
            reload(&s, tab)
            message = Message(done ?? "\(what) saved.", .ok)
        } catch let conflict as EditConflict {
            reload(&s, tab)
            let when = conflict.changedAt.map { " at " + Format.timestamp($0, utcOffset: Format.utcOffset(of: clock)) } ?? ""
            if var form = s.caseTab.form {
                rebase(&form, on: s)
                form.problem = "Changed by \(conflict.changedBy)\(when). Ctrl-S saves yours over theirs; Esc shows theirs."
                s.caseTab.form = form
            }
            message = Message("\(conflict.description) Their version is saved; Ctrl-S saves yours over it, Esc keeps theirs.", .warning)
        } catch {
            s.caseTab.form?.problem = describe(error)
            message = Message(describe(error), .error)
        }
        replaceTop(.chart(s))
    }

    private func reload(_ s: inout ChartState, _ tab: ChartTab) {
        guard let repo = caseManagement else { return }
        do {
            let data: ChartTabData
            switch tab {
            case .summary:
                s.summary = try repository.chartSummary(clientID: s.clientID)
                s.lineCache[.summary] = nil
                ChartScreen.relayout(&s)
                return
            case .screens: data = .screens(try repo.screenHistory(clientID: s.clientID, limit: 200))
            case .referrals: data = .referrals(try repo.referralList(clientID: s.clientID))
            case .consents: data = .consents(try repository.consents(clientID: s.clientID))
            default: data = .contacts(try repository.contacts(clientID: s.clientID))
            }
            _ = ChartScreen.reduce(&s, .tabLoaded(data))
        } catch {
            message = Message("Saved, but the list could not be reloaded: \(describe(error))", .warning)
        }
    }

    /// The form's record takes the stored revision, so the next save is an explicit overwrite.
    private func rebase(_ form: inout CaseForm, on s: ChartState) {
        if case .clientDetails(var c) = form.subject {
            c.version = s.summary.client.version
            form.subject = .clientDetails(c)
            return
        }
        switch (form.subject, s.data[s.tab]) {
        case (.referral(var r), .referrals(let list)?):
            if let stored = list.first(where: { $0.id == r.id }) { r.revision = stored.revision; form.subject = .referral(r) }
        case (.consent(var c), .consents(let list)?):
            if let stored = list.first(where: { $0.id == c.id }) { c.revision = stored.revision; form.subject = .consent(c) }
        case (.revoke(var c), .consents(let list)?):
            if let stored = list.first(where: { $0.id == c.id }) { c.revision = stored.revision; form.subject = .revoke(c) }
        case (.contact(var c, let ids), .contacts(let list)?):
            if let stored = list.first(where: { $0.id == c.id }) { c.revision = stored.revision; form.subject = .contact(c, consentIDs: ids) }
        default:
            break
        }
    }
}
