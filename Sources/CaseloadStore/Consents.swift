// ConsentRepository on the SQLite store (issue 6): the Part 2 consent editor with optimistic revisions,
// revocation for good, consents ending soon for Home, and disclosures made under a consent: the document
// (the § 2.32 notice, the consent's scope, then only the categories it covers) and the accounting.
import CaseloadCore
import Foundation
import GRDB

extension SQLiteStore: ConsentRepository {
    private static func client(_ id: RowID, _ db: Database) throws -> Client {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(ClientTable.select()) FROM clients WHERE id = ?", arguments: [id]) else {
            throw CaseloadError.notFound(what: "The client")
        }
        return try ClientTable.decode(row)
    }

    private static func consent(_ id: RowID, _ db: Database) throws -> Consent? {
        try ConsentTable.fetchAll(db, where: "id = ?", [id]).first
    }

    private static func consentEditor(_ id: RowID, _ db: Database) throws -> (String, Date?) {
        let r = try Row.fetchOne(db, sql: """
            SELECT s.display_name, k.updated_at FROM consents k LEFT JOIN staff s ON s.id = k.updated_by_id WHERE k.id = ?
            """, arguments: [id])
        return ((r?[0] as String?) ?? "someone else", r?[1])
    }

    private func consentAudit(_ db: Database, _ action: AuditAction, _ staff: Staff, clientID: RowID, subject: String,
                              detail: String) throws {
        try AuditTable.insert(AuditEvent(at: clock.now(), staffID: staff.id, username: staff.username, action: action,
                                         clientID: clientID, subject: subject, detail: detail), db)
    }

    public func saveConsent(_ consent: Consent, by staff: Staff) throws -> Consent {
        var c: Consent
        switch consent.validated(today: clock.today()) {
        case .success(let v): c = v
        case .failure(let bad): throw CaseloadError.invalidInput(bad.sentence)
        }
        let now = clock.now()
        // Who may record, revoke and disclose: whoever sees the whole chart (Access.swift).
        try authorize(clientID: c.clientID, .full, what: "consents", by: staff)
        return try write { db in
            _ = try Self.client(c.clientID, db)      // the client must exist
            let scope = c.categories.map(\.rawValue).joined(separator: ", ")
            if let id = c.id {
                guard let old = try Self.consent(id, db), old.clientID == c.clientID else {
                    throw CaseloadError.notFound(what: "The consent")
                }
                if let r = old.revokedOn {
                    throw CaseloadError.refused("Consent \(id) was revoked on \(r) and cannot be changed; record a new consent instead.")
                }
                if old.revision != c.revision {
                    let (by, at) = try Self.consentEditor(id, db)
                    throw EditConflict(what: "The consent to \(old.recipient)", changedBy: by, changedAt: at)
                }
                c.revokedOn = nil; c.revocationNote = nil
                c.revision = old.revision + 1
                try db.execute(sql: """
                    UPDATE consents SET discloser = ?, recipient = ?, purpose = ?, information_covered = ?, expires_on = ?,
                           expiration_event = ?, signed_on = ?, signed_by = ?, categories = ?, revocation_statement = ?,
                           revision = ?, updated_by_id = ?, updated_at = ?
                    WHERE id = ? AND revision = ?
                    """, arguments: [c.discloser, c.recipient, c.purpose, c.informationCovered, c.expiresOn?.sqlText,
                                     c.expirationEvent, c.signedOn.sqlText, c.signedBy, Col.categories(c.categories),
                                     c.revocationStatement, c.revision, staff.id, now, id, old.revision])
                try consentAudit(db, .update, staff, clientID: c.clientID, subject: "consent:\(id)",
                                 detail: "consent to \(c.recipient) covering \(scope), ends \(c.expiryText)")
            } else {
                c.revision = 1; c.revokedOn = nil; c.revocationNote = nil
                let id = try ConsentTable.insert(c, db)
                try db.execute(sql: "UPDATE consents SET updated_by_id = ?, updated_at = ? WHERE id = ?",
                               arguments: [staff.id, now, id])
                c.id = id
                try consentAudit(db, .create, staff, clientID: c.clientID, subject: "consent:\(id)",
                                 detail: "consent to \(c.recipient) covering \(scope), ends \(c.expiryText)")
            }
            return c
        }
    }

    public func revokeConsent(id: RowID, revision: Int, on day: Day, note: String, by staff: Staff) throws -> Consent {
        let how = note.trimmingCharacters(in: .whitespacesAndNewlines)
        if how.isEmpty {
            throw CaseloadError.invalidInput("Say how the patient revoked the consent (in writing, or told whom).")
        }
        if how.count > Consent.maxText {
            throw CaseloadError.invalidInput("The note on the revocation is too long (\(how.count) characters; at most \(Consent.maxText)).")
        }
        if day > clock.today() {
            throw CaseloadError.invalidInput("The revocation date (\(day)) is in the future.")
        }
        let now = clock.now()
        try authorize(recordSQL: Self.consentClientSQL, id: id, .full, what: "consent", by: staff)
        return try write { db in
            guard var c = try Self.consent(id, db) else { throw CaseloadError.notFound(what: "The consent") }
            if let r = c.revokedOn {
                throw CaseloadError.refused("Consent \(id) was already revoked on \(r); a revocation cannot be undone or changed.")
            }
            if c.revision != revision {
                let (by, at) = try Self.consentEditor(id, db)
                throw EditConflict(what: "The consent to \(c.recipient)", changedBy: by, changedAt: at)
            }
            if day < c.signedOn {
                throw CaseloadError.invalidInput("The revocation date (\(day)) is before the consent was signed (\(c.signedOn)).")
            }
            c.revokedOn = day; c.revocationNote = how; c.revision += 1
            try db.execute(sql: """
                UPDATE consents SET revoked_on = ?, revocation_note = ?, revision = ?, updated_by_id = ?, updated_at = ?
                WHERE id = ? AND revision = ?
                """, arguments: [day.sqlText, how, c.revision, staff.id, now, id, revision])
            try consentAudit(db, .update, staff, clientID: c.clientID, subject: "consent:\(id)",
                             detail: "revoked the consent to \(c.recipient) on \(day)")
            return c
        }
    }

    public func consentsExpiring(counselorID: RowID, on day: Day, within days: Int) throws -> [ConsentExpiring] {
        try authorizeStaffView(counselorID, what: "consents ending soon")
        return try read { db in
            let n = ConsentTable.columns.count
            return try Row.fetchAll(db, sql: """
                SELECT \(ConsentTable.select("k")), c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn
                FROM consents k JOIN clients c ON c.id = k.client_id
                WHERE c.status <> 'discharged' AND c.primary_counselor_id = ? AND k.signed_on <= ?
                  AND (k.revoked_on IS NULL OR k.revoked_on > ?) AND k.expires_on >= ? AND k.expires_on <= ?
                ORDER BY k.expires_on, c.legal_last_name, k.id
                """, arguments: [counselorID, day.sqlText, day.sqlText, day.sqlText, day.adding(days: days).sqlText]).map { r in
                ConsentExpiring(consent: try ConsentTable.decode(r),
                                clientName: Self.displayName(first: r[n], last: r[n + 1], preferred: r[n + 2]), mrn: r[n + 3])
            }
        }
    }

    public func disclosures(clientID: RowID) throws -> [Disclosure] {
        try authorize(clientID: clientID, .full, what: "accounting of disclosures")
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.client_id, d.consent_id, d.staff_id, s.display_name, d.disclosed_at, d.recipient,
                       d.purpose, d.categories, k.purpose, d.information
                FROM disclosures d JOIN staff s ON s.id = d.staff_id LEFT JOIN consents k ON k.id = d.consent_id
                WHERE d.client_id = ? ORDER BY d.disclosed_at, d.id
                """, arguments: [clientID]).map { r in
                let purpose: String = r[7]
                return Disclosure(id: r[0], clientID: r[1], consentID: r[2], staffID: r[3], staffName: r[4],
                                  disclosedAt: try Col.date(r, 5, "disclosures.disclosed_at"), recipient: r[6],
                                  purpose: purpose.isEmpty ? ((r[9] as String?) ?? "") : purpose,
                                  categories: try Col.categories(r, 8, "disclosures.categories"), information: r[10])
            }
        }
    }

    // MARK: Disclosing

    /// Writes the disclosure document under `consentID` through `deliver` (called inside the transaction
    /// that records it, so a failed write records nothing) and returns the accounting row. Refused with a
    /// sentence, before anything is delivered, when the consent is not this client's, is revoked, expired
    /// or not yet signed, or the person is not the client's primary counselor, a supervisor or an administrator.
    public func disclose(clientID: RowID, consentID: RowID, format: DisclosureFormat, by staff: Staff,
                         deliver: (String) throws -> Void) throws -> Disclosure {
        let today = clock.today()
        let now = clock.now()
        try authorize(clientID: clientID, .full, what: "disclosure of records", by: staff)
        let summary = try chartSummary(clientID: clientID)
        let client = summary.client
        guard let consent = try read({ db in try Self.consent(consentID, db) }), consent.clientID == clientID else {
            throw CaseloadError.refused("Consent \(consentID) is not one of the consents of \(client.displayName) (MRN \(client.mrn)).")
        }
        if let why = consent.refusal(on: today) { throw CaseloadError.refused(why) }
        let program = try settings().programName
        let doc = try disclosureContent(client: summary, consent: consent, program: program, today: today, by: staff)
        let text = format == .json ? doc.json() : doc.text()
        return try write { db in
            // Checked again inside the write: a revocation saved meanwhile wins.
            guard let fresh = try Self.consent(consentID, db), fresh.clientID == clientID else {
                throw CaseloadError.refused("Consent \(consentID) is not one of the consents of \(client.displayName) (MRN \(client.mrn)).")
            }
            if let why = fresh.refusal(on: today) { throw CaseloadError.refused(why) }
            try db.execute(sql: """
                INSERT INTO disclosures (client_id, consent_id, staff_id, disclosed_at, recipient, information, notice,
                                         purpose, categories)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [clientID, consentID, staff.id, now, fresh.recipient, fresh.informationCovered,
                                 PartTwo.notice, fresh.purpose, Col.categories(fresh.categories)])
            let id = db.lastInsertedRowID
            try consentAudit(db, .disclose, staff, clientID: clientID, subject: "consent:\(consentID)",
                             detail: "disclosed \(fresh.categories.map(\.rawValue).joined(separator: ", ")) to \(fresh.recipient) (disclosure \(id))")
            try deliver(text)
            return Disclosure(id: id, clientID: clientID, consentID: consentID, staffID: staff.id ?? 0,
                              staffName: staff.displayName, disclosedAt: now, recipient: fresh.recipient,
                              purpose: fresh.purpose, categories: fresh.categories, information: fresh.informationCovered)
        }
    }

    /// Reads only what the consent's categories name.
    private func disclosureContent(client summary: ChartSummary, consent: Consent, program: String, today: Day,
                                   by staff: Staff) throws -> DisclosureDocument {
        let c = summary.client, id = c.id!
        var doc = DisclosureDocument(program: program, patient: "\(c.displayName) (MRN \(c.mrn))", consent: consent,
                                     date: today, disclosedBy: staff.displayName)
        for category in consent.categories {
            var rows: [[(String, String)]] = []
            switch category {
            case .demographics:
                var r: [(String, String)] = [("name", c.displayName), ("mrn", c.mrn), ("date of birth", c.dateOfBirth.description),
                                             ("admission date", c.admissionDate.description)]
                if let p = c.pronouns { r.append(("pronouns", p)) }
                if let p = c.phone { r.append(("phone", p)) }
                if let e = c.emergencyContact { r.append(("emergency contact", "\(e.name) (\(e.relationship)) \(e.phone)")) }
                rows = [r]
            case .attendance:
                let notes = try notes(clientID: id, limit: 100_000, offset: 0).filter { $0.status == .signed }
                let groups = try attendanceHistory(clientID: id, limit: 100_000)
                var all: [(Day, [(String, String)])] = notes.map { n in
                    (n.date, [("date", n.date.description), ("visit", "individual session"),
                              ("attended", n.format == .noShow ? "no" : "yes")])
                }
                all += groups.map { g in
                    (g.date, [("date", g.date.description), ("visit", "group: \(g.groupName)"), ("attended", g.status.label.lowercased())])
                }
                rows = all.sorted { $0.0 < $1.0 }.map(\.1)
            case .drugScreens:
                rows = try drugScreens(clientID: id, limit: 100_000).reversed().map { s in
                    var r: [(String, String)] = [("collected", s.collectedOn.description), ("observed", s.observed ? "yes" : "no"),
                                                 ("random", s.random ? "yes" : "no")]
                    for sub in Substance.allCases { if let res = s.results[sub], res != .notTested { r.append((sub.label, res.label.lowercased())) } }
                    if let e = s.enteredInError { r.append(("entered in error", e.reason)) }
                    if let c = s.correctsID { r.append(("corrects screen", "\(c)")) }
                    return r
                }
            case .treatmentPlan:
                if let tree = try currentPlan(clientID: id) {
                    rows.append([("plan version", "\(tree.plan.version)"), ("status", tree.plan.status.label.lowercased()),
                                 ("effective", tree.plan.effectiveDate.description), ("next review", tree.plan.nextReviewDate.description)])
                    for (pi, p) in tree.problems.enumerated() {
                        rows.append([("problem \(pi + 1)", p.problem.statement)])
                        for (gi, g) in p.goals.enumerated() {
                            rows.append([("goal \(pi + 1).\(gi + 1)", g.goal.statement)])
                            for (oi, o) in g.objectives.enumerated() {
                                rows.append([("objective \(pi + 1).\(gi + 1).\(oi + 1)", o.objective.statement)])
                                for i in o.interventions {
                                    rows.append([("intervention", "\(i.modality), "
                                                  + PlanDocument.frequency(i.intervention.timesPerPeriod, i.intervention.period))])
                                }
                            }
                        }
                    }
                }
            case .progressSummaries:
                rows = try notes(clientID: id, limit: 100_000, offset: 0).filter { $0.status == .signed }.reversed().map { n in
                    [("date", n.date.description), ("modality", n.modality), ("format", n.format.label.lowercased()),
                     ("minutes", "\(n.minutes)"), ("staff", n.staffName)]
                }
            case .problemList:
                if let tree = try currentPlan(clientID: id) {
                    rows = tree.problems.enumerated().map { [("problem \($0.offset + 1)", $0.element.problem.statement)] }
                }
            case .discharge:
                var r: [(String, String)] = [("status", c.status.label.lowercased())]
                if let d = c.dischargeDate { r.append(("discharge date", d.description)) }
                if let why = c.dischargeReason { r.append(("reason", why)) }
                rows = [r]
            }
            doc.sections.append((category, rows))
        }
        return doc
    }
}

/// What a disclosure writes: the notice, the consent's scope, then each covered category's records.
struct DisclosureDocument {
    var program: String
    var patient: String
    var consent: Consent
    var date: Day
    var disclosedBy: String
    var sections: [(DisclosureCategory, [[(String, String)]])] = []

    func text() -> String {
        var out = ["NOTICE (42 CFR 2.32)", wrap(PartTwo.notice), ""]
        out += ["DISCLOSED UNDER CONSENT \(consent.id!)",
                "Patient:          \(patient)",
                "Disclosed by:     \(consent.discloser) (\(disclosedBy)), \(date)",
                "Recipient:        \(consent.recipient)",
                "Purpose:          \(consent.purpose)",
                "Information:      " + consent.categories.map(\.label).joined(separator: "; "),
                "Consent signed:   \(consent.signedOn) by \(consent.signedBy)",
                "Consent ends:     \(consent.expiryText)",
                "Right to revoke:  " + consent.revocationStatement, ""]
        for (category, rows) in sections {
            out.append(category.label.uppercased())
            if rows.isEmpty { out.append("  none on record") }
            for r in rows { out.append("  " + r.map { "\($0.0): \($0.1)" }.joined(separator: " · ")) }
            out.append("")
        }
        out.append("End of the disclosure. Only the information listed in the consent is included.")
        return out.joined(separator: "\n") + "\n"
    }

    func json() -> String {
        func obj(_ r: [(String, String)]) -> [String: String] {
            Dictionary(r.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        }
        var records: [String: Any] = [:]
        for (category, rows) in sections { records[category.rawValue] = rows.map(obj) }
        var scope: [String: Any] = [
            "id": consent.id!, "patient": patient, "discloser": consent.discloser, "recipient": consent.recipient,
            "purpose": consent.purpose, "categories": consent.categories.map(\.rawValue),
            "signedOn": consent.signedOn.description, "signedBy": consent.signedBy,
            "rightToRevoke": consent.revocationStatement,
        ]
        if let e = consent.expiresOn { scope["expiresOn"] = e.description }
        if let e = consent.expirationEvent { scope["expirationEvent"] = e }
        let body: [String: Any] = ["notice": PartTwo.notice, "consent": scope, "disclosedOn": date.description,
                                   "disclosedBy": disclosedBy, "records": records]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private func wrap(_ s: String, width: Int = 78) -> String {
        var lines: [String] = [], line = ""
        for word in s.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}
