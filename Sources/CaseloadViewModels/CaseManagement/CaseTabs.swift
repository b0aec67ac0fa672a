// The chart's Screens, Referrals and Contacts tabs as editors: the hooks ChartScreen calls while one
// of them is shown (selection, the add / edit form, drawing).
import CaseloadCore
import Foundation

/// Kept in ChartState: the selected row of each case-management tab and the open form.
public struct CaseTabState: Hashable, Sendable {
    public var selected: [ChartTab: Int] = [:]
    public var form: CaseForm?
    public init() {}
}

/// What the case-management tabs ask the app to do (AppModel+CaseManagement).
public enum CaseRequest: Hashable, Sendable {
    /// `expectedVersion` nil: put these over whatever is stored (after a conflict the person chose so).
    case saveClientDetails(clientID: RowID, ClientDetails, expectedVersion: Int?)
    case saveReferral(Referral)
    case recordScreen(DrugScreen)
    /// Marks a recorded screen entered in error (it stays, marked); or records its corrected result.
    case markScreenError(screenID: RowID, reason: String)
    case recordCorrection(DrugScreen, replacing: RowID, reason: String)
    case saveContact(Contact)
    /// Records or changes a Part 2 consent (the revision goes back with it).
    case saveConsent(Consent)
    /// Revokes a consent for good.
    case revokeConsent(id: RowID, revision: Int, on: Day, note: String)
    case openReports
    case runReport(ReportKind, from: Day, to: Day)
}

public enum CaseTabs {
    static let tabs: Set<ChartTab> = [.screens, .referrals, .contacts, .consents]
    static let screenOptions = ["· not tested", "- negative", "+ positive"]
    static let ownMedicationOptions = ["· not tested", "- negative: unexpected", "+ positive: expected (own medication)"]
    static let screenResults: [ScreenResult] = [.notTested, .negative, .positive]

    static func isCaseTab(_ state: ChartState) -> Bool { tabs.contains(state.tab) && state.openNote == nil }

    /// The Summary tab edits the client's own details with the same form.
    static func isSummary(_ state: ChartState) -> Bool { state.tab == .summary && state.openNote == nil }

    /// True while a form is open: it takes every key.
    static func capturesKeys(_ state: ChartState) -> Bool {
        (isCaseTab(state) || isSummary(state)) && state.caseTab.form != nil
    }

    static func rawKey(_ state: inout ChartState, _ key: Key) -> Request {
        guard var form = state.caseTab.form else { return .none }
        switch form.handle(key) {
        case .pending:
            state.caseTab.form = form
            return .none
        case .cancel:
            state.caseTab.form = nil
            return .message(form.isChanged ? "Not saved: the form was closed." : "Closed.", .info)
        case .save:
            // "Entered in error, then record the corrected result": the screen form opens next, prefilled with the
            // wrong one's results, and nothing is saved until it is.
            if case let .screenError(ids, screens) = form.subject, form.fields[2].choice == 1 {
                let why = form.fields[1].value.trimmingCharacters(in: .whitespacesAndNewlines)
                guard why.count >= 5 else {
                    form.problem = "Give the reason the screen was entered in error (a few words, e.g. 'wrong client's cup')."
                    form.focus = 1
                    state.caseTab.form = form
                    return .none
                }
                let old = screens[form.fields[0].choice]
                state.caseTab.form = screenForm(state, prefill: old, correcting: ids[form.fields[0].choice], reason: why)
                return .none
            }
            switch build(form, clientID: state.clientID, today: state.today) {
            case .success(let request):
                state.caseTab.form = form
                return .caseManagement(request)
            case .failure(let problem):
                form.problem = problem.sentence
                if let f = problem.field { form.focus = f }
                state.caseTab.form = form
                return .message(problem.sentence, .error)
            }
        }
    }

    /// Rows of the tab's list, for moving the selection.
    static func rowCount(_ state: ChartState) -> Int {
        switch state.data[state.tab] {
        case .screens(let s)?: s.count
        case .referrals(let r)?: r.count
        case .contacts(let c)?: c.count
        case .consents(let c)?: c.count
        default: 0
        }
    }

    static func selected(_ state: ChartState) -> Int {
        max(0, min(state.caseTab.selected[state.tab] ?? 0, rowCount(state) - 1))
    }

    static func command(_ state: inout ChartState, _ command: Command, _ key: Key) -> Request? {
        if isSummary(state), command == .editRecord {
            state.caseTab.form = detailsForm(state.summary.client)
            return Request.none
        }
        guard isCaseTab(state) else { return nil }
        let count = rowCount(state)
        let page = max(1, ChartScreen.contentArea(state.area).height - 4)
        func move(_ to: Int) -> Request { state.caseTab.selected[state.tab] = max(0, min(count - 1, to)); return .none }
        let i = selected(state)
        switch command {
        case .moveDown: return move(i + 1)
        case .moveUp: return move(i - 1)
        case .pageDown: return move(i + page)
        case .pageUp: return move(i - page)
        case .first: return move(0)
        case .last: return move(count - 1)
        case .addRecord:
            guard state.data[state.tab] != nil else { return .message("This tab is still loading.", .info) }
            state.caseTab.form = newForm(state)
            return Request.none
        case .editRecord, .open:
            switch state.data[state.tab] {
            case .referrals(let r)? where !r.isEmpty:
                state.caseTab.form = referralForm(r[i], title: "Edit referral")
            case .contacts(let c)? where !c.isEmpty:
                state.caseTab.form = contactForm(c[i], consents: activeConsents(state), title: "Edit contact")
            case .consents(let c)? where !c.isEmpty:
                if let r = c[i].revokedOn {
                    return .message("Consent \(c[i].id ?? 0) was revoked on \(r) and cannot be changed; press a to record a new one.", .info)
                }
                state.caseTab.form = consentForm(c[i], title: "Edit consent \(c[i].id ?? 0)")
            case .screens(let all)?:
                // The laboratory convention: a recorded screen is never changed; it is marked entered in error
                // (kept, marked) and, if need be, a corrected result names the one it replaces.
                let open = all.filter { $0.enteredInError == nil }
                guard !open.isEmpty else { return .message("No screen to correct: press a to record a collection.", .info) }
                let shown = Array(open.prefix(20))
                state.caseTab.form = CaseForm(
                    title: "Mark a screen entered in error",
                    subject: .screenError(screenIDs: shown.map { $0.id ?? 0 }, screens: shown),
                    fields: [.choice("Screen", shown.map { screenLabel($0) }),
                             .text("Reason", "", limit: 300),
                             .choice("Then", ["only mark it", "record the corrected result"])])
            default:
                return .message("Nothing to edit yet: press a to add one.", .info)
            }
            return Request.none
        case .revokeRecord:
            guard case .consents(let c)? = state.data[.consents], state.tab == .consents else { return nil }
            guard let consent = c[safe: i] else { return .message("No consent to revoke.", .info) }
            if let r = consent.revokedOn {
                return .message("Consent \(consent.id ?? 0) was already revoked on \(r); a revocation cannot be undone.", .info)
            }
            state.caseTab.form = revokeForm(consent, today: state.today)
            return Request.none
        default:
            return nil
        }
    }

    static func activeConsents(_ state: ChartState) -> [Consent] {
        guard case .consents(let c)? = state.data[.consents] else { return [] }
        return c.filter { $0.isActive(on: state.today) }
    }

    // MARK: Forms

    static func newForm(_ state: ChartState) -> CaseForm? {
        switch state.tab {
        case .referrals:
            return referralForm(Referral(clientID: state.clientID, type: .housing, agency: "", referredOn: state.today,
                                         status: .made, followUpOn: nil), title: "New referral")
        case .contacts:
            return contactForm(Contact(clientID: state.clientID, name: "", relationship: "", phone: "", involvement: ""),
                               consents: activeConsents(state), title: "New contact")
        case .consents:
            return consentForm(Consent(clientID: state.clientID, discloser: state.settings.programName, recipient: "",
                                       purpose: "", informationCovered: "", expiresOn: nil, signedOn: state.today),
                               title: "New consent to disclose (42 CFR 2.31)")
        case .screens:
            return screenForm(state, prefill: nil, correcting: nil, reason: "")
        default:
            return nil
        }
    }

    static func referralForm(_ r: Referral, title: String) -> CaseForm {
        CaseForm(title: title, subject: .referral(r), fields: [
            .choice("Type", ReferralType.allCases.map(\.label), ReferralType.allCases.firstIndex(of: r.type) ?? 0),
            .text("Agency", r.agency, limit: 200),
            .text("Referred on", r.referredOn.description, limit: 10),
            .choice("Status", ReferralStatus.allCases.map(\.label), ReferralStatus.allCases.firstIndex(of: r.status) ?? 0),
            .text("Follow up on", r.followUpOn?.description ?? "", limit: 10),
            .area("Note", r.note, limit: 2000),
        ])
    }

    static func contactForm(_ c: Contact, consents: [Consent], title: String) -> CaseForm {
        var ids: [RowID?] = [nil] + consents.map(\.id)
        var labels = ["no consent on file"] + consents.map(consentLabel)
        // A consent no longer in force stays choosable while it is the one recorded, so a save keeps it visibly.
        if let current = c.consentID, !ids.contains(current) {
            ids.append(current); labels.append("consent \(current) (no longer in force)")
        }
        return CaseForm(title: title, subject: .contact(c, consentIDs: ids), fields: [
            .text("Name", c.name, limit: 200),
            .text("Relationship", c.relationship, limit: 100),
            .text("Phone", c.phone, limit: 40),
            .choice("Consent", labels, ids.firstIndex(of: c.consentID) ?? 0),
            .area("Involvement", c.involvement, limit: 2000),
        ])
    }

    /// The form's rows: who may disclose, recipient, purpose, one yes / no per category, the expiry date and
    /// event, the signature date, and the right to revoke last (a long text).
    static let consentYesNo = ["no", "yes"]
    static let consentCategoryStart = 3
    static var consentExpiresField: Int { consentCategoryStart + DisclosureCategory.allCases.count }

    static func consentForm(_ c: Consent, title: String) -> CaseForm {
        var fields: [FormField] = [
            .text("Who may disclose", c.discloser, limit: Consent.maxText),
            .text("Recipient", c.recipient, limit: Consent.maxText),
            .text("Purpose", c.purpose, limit: Consent.maxText),
        ]
        for category in DisclosureCategory.allCases {
            fields.append(.choice(category.shortLabel, consentYesNo, c.categories.contains(category) ? 1 : 0))
        }
        fields += [
            .text("Expires on", c.expiresOn?.description ?? "", limit: 10),
            .text("or at the event", c.expirationEvent ?? "", limit: Consent.maxText),
            .text("Signed on", c.signedOn.description, limit: 10),
            .text("Signed by", c.signedBy, limit: Consent.maxText),
            .area("Right to revoke", c.revocationStatement.isEmpty ? PartTwo.rightToRevoke : c.revocationStatement,
                  limit: 2000),
        ]
        // The statement reads from its start (a new note's cursor would sit at its end).
        _ = fields[fields.count - 1].area?.handle(.ctrlHome)
        return CaseForm(title: title, subject: .consent(c), fields: fields)
    }

    static func revokeForm(_ c: Consent, today: Day) -> CaseForm {
        CaseForm(title: "Revoke consent \(c.id ?? 0) to \(c.recipient)? For good. Ctrl-S revokes, Esc keeps it",
                 subject: .revoke(c), fields: [
            .text("Revoked on", today.description, limit: 10),
            .area("How revoked", "", limit: Consent.maxText),
        ])
    }

    static func consentFieldIndex(_ field: Consent.Field) -> Int {
        switch field {
        case .discloser: 0
        case .recipient: 1
        case .purpose: 2
        case .categories: consentCategoryStart
        case .expiresOn: consentExpiresField
        case .expirationEvent: consentExpiresField + 1
        case .signedOn: consentExpiresField + 2
        case .signedBy: consentExpiresField + 3
        }
    }

    /// Field order follows ClientDetails.Field, so a validation problem points at its field.
    static func detailsForm(_ c: Client) -> CaseForm {
        let e = c.emergencyContact
        return CaseForm(title: "Edit the details of \(c.displayName) (legal name and dose: dosing system)",
                        subject: .clientDetails(c), fields: [
            .text("Preferred name", c.preferredName ?? "", limit: 100),
            .text("Pronouns", c.pronouns ?? "", limit: 40),
            .text("Phone", c.phone ?? "", limit: 40),
            .text("Emergency name", e?.name ?? "", limit: 200),
            .text("  relationship", e?.relationship ?? "", limit: 100),
            .text("  phone", e?.phone ?? "", limit: 40),
        ])
    }

    static func consentLabel(_ c: Consent) -> String {
        "to \(c.recipient)" + (c.expiresOn.map { ", until \($0)" } ?? "")
    }

    struct Problem: Error { var sentence: String; var field: Int? }

    /// The record a form describes, or the first thing to fix.
    static func build(_ form: CaseForm, clientID: RowID, today: Day) -> Result<CaseRequest, Problem> {
        let f = form.fields
        func date(_ i: Int, _ what: String, optional: Bool = false) -> Result<Day?, Problem> {
            if optional && f[i].text.isEmpty { return .success(nil) }
            guard let d = Day.typed(f[i].text) else {
                return .failure(Problem(sentence: "The \(what) must be a date like \(today) (year-month-day).", field: i))
            }
            return .success(d)
        }
        switch form.subject {
        case .clientDetails(let c):
            let typed = ClientDetails(preferredName: f[0].text, pronouns: f[1].text, phone: f[2].text,
                                      emergencyContact: EmergencyContact(name: f[3].text, relationship: f[4].text,
                                                                         phone: f[5].text))
            switch typed.validated() {
            case .success(let d):
                return .success(.saveClientDetails(clientID: clientID, d, expectedVersion: c.version))
            case .failure(let bad):
                return .failure(Problem(sentence: bad.sentence, field: bad.field.rawValue))
            }
        case .referral(var r):
            r.type = ReferralType.allCases[f[0].choice]
            r.agency = f[1].text
            guard !r.agency.isEmpty else { return .failure(Problem(sentence: "Give the agency the client is referred to.", field: 1)) }
            switch date(2, "referral date") { case .success(let d): r.referredOn = d!; case .failure(let p): return .failure(p) }
            r.status = ReferralStatus.allCases[f[3].choice]
            switch date(4, "follow-up date", optional: true) { case .success(let d): r.followUpOn = d; case .failure(let p): return .failure(p) }
            if let fu = r.followUpOn, fu < r.referredOn {
                return .failure(Problem(sentence: "The follow-up date (\(fu)) is before the referral date (\(r.referredOn)).", field: 4))
            }
            r.note = f[5].value
            return .success(.saveReferral(r))
        case .screenError(let ids, _):
            let why = f[1].value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard why.count >= 5 else {
                return .failure(Problem(sentence: "Give the reason the screen was entered in error (a few words, e.g. 'wrong client's cup').", field: 1))
            }
            return .success(.markScreenError(screenID: ids[f[0].choice], reason: why))
        case .screen(var s), .correction(var s, _):
            switch date(0, "collection date") { case .success(let d): s.collectedOn = d!; case .failure(let p): return .failure(p) }
            if s.collectedOn > today {
                return .failure(Problem(sentence: "The collection date (\(s.collectedOn)) is in the future.", field: 0))
            }
            s.observed = f[1].choice == 0
            s.random = f[2].choice == 0
            s.results = [:]
            for (k, substance) in Substance.allCases.enumerated() {
                s.results[substance] = screenResults[f[3 + k].choice]
            }
            guard s.results.values.contains(where: { $0 != .notTested }) else {
                return .failure(Problem(sentence: "Give at least one result: every substance is marked not tested.", field: 3))
            }
            s.note = f[3 + Substance.allCases.count].value
            if case .correction(_, let reason) = form.subject, let replacing = s.correctsID {
                return .success(.recordCorrection(s, replacing: replacing, reason: reason))
            }
            return .success(.recordScreen(s))
        case .contact(var c, let ids):
            c.name = f[0].text
            guard !c.name.isEmpty else { return .failure(Problem(sentence: "Give the contact's name.", field: 0)) }
            c.relationship = f[1].text
            c.phone = f[2].text
            c.consentID = ids[f[3].choice]
            c.involvement = f[4].value
            return .success(.saveContact(c))
        case .consent(var c):
            let e = consentExpiresField
            c.discloser = f[0].text; c.recipient = f[1].text; c.purpose = f[2].text
            c.categories = DisclosureCategory.allCases.enumerated().filter { f[consentCategoryStart + $0.offset].choice == 1 }.map(\.element)
            switch date(e, "expiration date", optional: true) { case .success(let d): c.expiresOn = d; case .failure(let p): return .failure(p) }
            c.expirationEvent = f[e + 1].text.isEmpty ? nil : f[e + 1].text
            switch date(e + 2, "signature date") { case .success(let d): c.signedOn = d!; case .failure(let p): return .failure(p) }
            c.signedBy = f[e + 3].text
            c.revocationStatement = f[e + 4].value.trimmingCharacters(in: .whitespacesAndNewlines)
            switch c.validated(today: today) {
            case .success(let v): return .success(.saveConsent(v))
            case .failure(let bad): return .failure(Problem(sentence: bad.sentence, field: consentFieldIndex(bad.field)))
            }
        case .revoke(let c):
            guard let day = Day.typed(f[0].text) else {
                return .failure(Problem(sentence: "The revocation date must be a date like \(today) (year-month-day).", field: 0))
            }
            if day > today { return .failure(Problem(sentence: "The revocation date (\(day)) is in the future.", field: 0)) }
            if day < c.signedOn {
                return .failure(Problem(sentence: "The revocation date (\(day)) is before the consent was signed (\(c.signedOn)).", field: 0))
            }
            let how = f[1].value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !how.isEmpty else {
                return .failure(Problem(sentence: "Say how the patient revoked the consent (in writing, or told whom).", field: 1))
            }
            return .success(.revokeConsent(id: c.id!, revision: c.revision, on: day, note: how))
        }
    }

    // MARK: Drawing

    /// Draws the tab; false when it is not a case-management tab (or not loaded yet).
    static func render(_ state: ChartState, into buffer: inout ScreenBuffer, area: Rect) -> Bool {
        if isSummary(state), let form = state.caseTab.form {
            form.draw(into: &buffer, area: area)
            return true
        }
        guard isCaseTab(state), let data = state.data[state.tab] else { return false }
        if let form = state.caseTab.form {
            form.draw(into: &buffer, area: area)
            return true
        }
        let width = area.width - 2
        // A screen reader starts at the tab's first line; a selected row moves it there.
        buffer.cursor = Point(x: area.x + 1, y: area.y)
        var lines: [StyledLine]
        var listStart: Int
        var rows: [StyledLine]
        var detail: [StyledLine] = []
        let sel = selected(state)
        switch data {
        case .screens(let screens):
            (lines, rows) = screenLines(screens, state: state, width: width)
            listStart = lines.count
        case .referrals(let referrals):
            lines = [StyledLine("Referrals, newest first (! follow-up due)", .header)]
            rows = referrals.map { referralRow($0, today: state.today, width: width) }
            if referrals.isEmpty { lines.append(StyledLine("  no referrals yet: press a to add one", .dim)) }
            if let r = referrals[safe: sel] {
                let note = r.note.split(whereSeparator: \.isNewline).joined(separator: " ")
                detail = TextWrap.wrap(r.agency + (note.isEmpty ? "" : " · " + note), width: width, prefix: "",
                                       role: .dim, prefixRole: .dim)
            }
            listStart = lines.count
        case .contacts(let contacts):
            lines = [StyledLine("Family and collateral contacts", .header)]
            let consents: [Consent]
            if case .consents(let c)? = state.data[.consents] { consents = c } else { consents = [] }
            rows = contacts.map { contactRow($0, consents: consents, today: state.today, width: width) }
            if contacts.isEmpty { lines.append(StyledLine("  no contacts yet: press a to add one", .dim)) }
            if let c = contacts[safe: sel] {
                let consent = activeConsent(c, consents: consents, today: state.today)
                let about = (consent.map { "Consent " + consentLabel($0) } ?? "No consent in force: do not disclose")
                    + (c.involvement.isEmpty ? "" : " · " + c.involvement.split(whereSeparator: \.isNewline).joined(separator: " "))
                detail = TextWrap.wrap(about, width: width, prefix: "", role: .dim, prefixRole: .dim)
            }
            listStart = lines.count
        case .consents(let consents):
            lines = [StyledLine("Consents to disclose (42 CFR Part 2), newest first", .header)]
            rows = consents.map { consentRow($0, today: state.today) }
            if consents.isEmpty { lines.append(StyledLine("  no consents on file: press a to record one", .dim)) }
            if let c = consents[safe: sel] {
                var about = "Purpose: \(c.purpose) · Covers: "
                    + (c.categories.isEmpty ? c.informationCovered : c.categories.map(\.label).joined(separator: "; "))
                if c.signedBy != Consent.signedByPatient { about += " · Signed by \(c.signedBy)" }
                if let r = c.revokedOn { about += " · Revoked \(r)" + (c.revocationNote.map { ": \($0)" } ?? "") }
                detail = TextWrap.wrap(about, width: width, prefix: "", role: .dim, prefixRole: .dim)
            }
            listStart = lines.count
        default:
            return false
        }
        for (i, line) in lines.prefix(area.height).enumerated() {
            line.truncated(to: width).draw(into: &buffer, x: area.x + 1, y: area.y + i, width: width)
        }
        detail = Array(detail.prefix(2))
        let room = max(0, area.height - listStart - (detail.isEmpty ? 0 : detail.count + 1))
        guard room > 0, !rows.isEmpty else { return true }
        let top = max(0, min(sel - room + 1, rows.count - room))
        for (row, i) in (top..<min(rows.count, top + room)).enumerated() {
            let y = area.y + listStart + row
            let isSelected = state.tab != .screens && i == sel
            if isSelected {
                buffer.fill(x: area.x, y: y, width: area.width, height: 1, role: .selection)
                buffer.put(">", x: area.x, y: y, role: .selection)
                buffer.put(rows[i].plainText, x: area.x + 1, y: y, role: .selection, maxWidth: width)
                buffer.cursor = Point(x: area.x, y: y)
            } else {
                rows[i].truncated(to: width).draw(into: &buffer, x: area.x + 1, y: y, width: width)
            }
        }
        for (k, line) in detail.enumerated() {
            line.truncated(to: width).draw(into: &buffer, x: area.x + 1, y: area.y + area.height - detail.count + k, width: width)
        }
        return true
    }

    /// The collection form. The client's own medication (methadone, buprenorphine) starts as positive: in an
    /// opioid treatment program it is the expected result, and a negative for it is the one to notice. A correction
    /// starts from the wrong screen's answers.
    static func screenForm(_ state: ChartState, prefill: DrugScreen?, correcting: RowID?, reason: String) -> CaseForm {
        let own = DrugScreen.ownSubstance(state.summary.client.medication)
        var fields: [FormField] = [.text("Collected on", (prefill?.collectedOn ?? state.today).description, limit: 10),
                                   .choice("Observed", ["yes", "no"], prefill.map { $0.observed ? 0 : 1 } ?? 0),
                                   .choice("Random", ["yes", "no"], prefill.map { $0.random ? 0 : 1 } ?? 0)]
        for s in Substance.allCases {
            let choice: Int
            if let p = prefill {
                choice = screenResults.firstIndex(of: p.results[s] ?? .notTested) ?? 0
            } else {
                choice = s == .other ? 0 : s == own ? 2 : 1
            }
            // The client's own medication says so in its answers: positive is expected, negative is the concern.
            fields.append(.choice(s.label, s == own ? ownMedicationOptions : screenOptions, choice))
        }
        fields.append(.area("Note", prefill?.note ?? "", limit: 2000))
        let base = DrugScreen(clientID: state.clientID, collectedOn: state.today, observed: true, results: [:],
                              correctsID: correcting)
        if let correcting {
            return CaseForm(title: "Corrected result of screen \(correcting)", subject: .correction(base, reason: reason),
                            fields: fields)
        }
        return CaseForm(title: "Record a drug screen collection", subject: .screen(base), fields: fields)
    }

    /// "2026-03-01 #12 + fentanyl": a screen as a choice.
    static func screenLabel(_ s: DrugScreen) -> String {
        let positives = Substance.allCases.filter { s.results[$0] == .positive }.map(\.label)
        return "\(s.collectedOn) #\(s.id ?? 0) " + (positives.isEmpty ? "- no positive" : "+ " + positives.joined(separator: ", "))
    }

    /// The grid of the last 8 results per substance (oldest left, newest right), the random-screen count,
    /// then one row per collection.
    static func screenLines(_ screens: [DrugScreen], state: ChartState, width: Int) -> ([StyledLine], [StyledLine]) {
        // Screens entered in error stay listed, marked, but leave the grid and the counts.
        let valid = screens.filter { $0.enteredInError == nil }
        let last8 = Array(valid.prefix(8).reversed())
        let cell = width >= 16 + 8 * 6 ? 6 : 2
        var out: [StyledLine] = [StyledLine("Last 8 results, newest right: + positive  - negative  · not tested", .header)]
        if screens.isEmpty {
            out.append(StyledLine("  no drug screens recorded: press a to record a collection", .dim))
            return (out, [])
        }
        if cell == 6 {
            out.append(StyledLine(DisplayWidth.pad("", to: 16) + last8.map { s in
                DisplayWidth.pad(String(s.collectedOn.description.dropFirst(5)), to: cell)
            }.joined(), .dim))
        }
        for substance in Substance.allCases {
            var spans = [Span(DisplayWidth.pad(substance.label, to: 16), .dim)]
            for s in last8 {
                let r = s.results[substance] ?? .notTested
                spans.append(Span(DisplayWidth.pad(r.marker, to: cell), r == .positive ? .positive : r == .negative ? .normal : .dim))
            }
            out.append(StyledLine(spans))
        }
        let windowStart = ScreenRule.windowStart(state.today)
        let random = valid.filter { $0.random && $0.collectedOn >= windowStart && $0.collectedOn <= state.today }.count
        let maintenance = ScreenRule.isMaintenance(state.summary.client.phase) && state.summary.client.status == .active
        if maintenance && random < ScreenRule.randomScreensPerYear {
            out.append(StyledLine("! \(random) of \(ScreenRule.randomScreensPerYear) random screens in the last 12 months: more are due", .overdue))
        } else {
            out.append(StyledLine("Random screens in the last 12 months: \(random)", .dim))
        }
        let medication = state.summary.client.medication
        let own = DrugScreen.ownSubstance(medication)
        let rows = screens.map { s -> StyledLine in
            if let e = s.enteredInError {
                // Kept visible, marked: never silently gone from the chart.
                return StyledLine([Span("\(s.collectedOn)  "), Span("x ENTERED IN ERROR ", .warning),
                                   Span("#\(s.id ?? 0): \(e.reason) (\(e.byName))", .dim)])
            }
            let concerns = s.unexpectedPositives(for: medication).map(\.label)
            var spans = [Span("\(s.collectedOn)  "), Span(s.observed ? "observed  " : "unobserved", .dim),
                         Span(s.random ? " random     " : " scheduled  ", .dim)]
            if let missing = s.unexpectedNegative(for: medication) {
                spans.append(Span("! \(missing.label) negative: possible diversion  ", .overdue))
            }
            let ownPositive = own.map { s.results[$0] == .positive } ?? false
            if concerns.isEmpty {
                spans.append(ownPositive ? Span("+ \(own!.label) (expected)", .ok) : Span("- no positive", .ok))
            } else {
                spans.append(Span("+ " + concerns.joined(separator: ", "), .positive))
                if ownPositive { spans.append(Span("  (\(own!.label) expected)", .dim)) }
            }
            if let c = s.correctsID { spans.append(Span("  corrects #\(c)", .dim)) }
            if !s.note.isEmpty { spans.append(Span("  " + s.note.split(whereSeparator: \.isNewline).joined(separator: " "), .dim)) }
            return StyledLine(spans)
        }
        return (out, rows)
    }

    static func consentStatus(_ c: Consent, today: Day) -> (String, Role) {
        if let r = c.revokedOn, r <= today { return ("revoked", .warning) }
        if let e = c.expiresOn, e < today { return ("expired", .dim) }
        if c.signedOn > today { return ("not yet", .dim) }
        if let e = c.expiresOn, e <= today.adding(days: 30) { return ("! ends", .overdue) }
        return ("active", .ok)
    }

    static func consentRow(_ c: Consent, today: Day) -> StyledLine {
        let (status, role) = consentStatus(c, today: today)
        let ends = c.expiresOn.map { "until \($0)" } ?? "until event"
        return StyledLine([Span(DisplayWidth.pad("#\(c.id ?? 0)", to: 5), .dim), Span(DisplayWidth.pad(status, to: 8), role),
                           Span("\(c.signedOn)  ", .dim), Span(DisplayWidth.pad(ends, to: 17), .dim), Span("to \(c.recipient)")])
    }

    static func referralRow(_ r: Referral, today: Day, width: Int) -> StyledLine {
        let open = r.status == .made || r.status == .accepted
        let due = open && (r.followUpOn.map { $0 <= today } ?? false)
        // On a narrow terminal the type is shortened so the agency still shows.
        let typeWidth = width >= 76 ? 20 : 14
        var spans = [Span(due ? "! " : "  ", .overdue), Span("\(r.referredOn)  "),
                     Span(DisplayWidth.pad(DisplayWidth.truncate(r.type.label, to: typeWidth - 1), to: typeWidth)),
                     Span(DisplayWidth.pad(r.status.label, to: 10), .dim)]
        spans.append(Span(r.followUpOn.map { "f/u \($0)  " } ?? DisplayWidth.pad("", to: 16), due ? .overdue : .dim))
        spans.append(Span(r.agency))
        return StyledLine(spans)
    }

    /// The consent the contact names, when it is in force on `today`.
    static func activeConsent(_ c: Contact, consents: [Consent], today: Day) -> Consent? {
        c.consentID.flatMap { id in consents.first { $0.id == id } }.flatMap { $0.isActive(on: today) ? $0 : nil }
    }

    static func contactRow(_ c: Contact, consents: [Consent], today: Day, width: Int) -> StyledLine {
        let consent = activeConsent(c, consents: consents, today: today)
        var spans = [Span(c.name), Span(c.relationship.isEmpty ? "" : " (\(c.relationship))", .dim),
                     Span(c.phone.isEmpty ? " · no phone" : " · \(c.phone)", .dim), Span(" · ")]
        if let consent {
            spans.append(Span("[x] consent" + (consent.expiresOn.map { " until \($0)" } ?? " on file"), .ok))
        } else {
            spans.append(Span("[ ] no consent on file", .warning))
        }
        return StyledLine(spans)
    }
}
