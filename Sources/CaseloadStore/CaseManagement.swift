// CaseManagementRepository on the SQLite store: referral and contact editors with optimistic
// versioning, drug-screen collections, follow-ups and screens due, the roster import and the
// caseload / overdue / productivity reports.
import CaseloadCore
import Foundation
import GRDB

extension SQLiteStore: CaseManagementRepository {
    /// Longest free text a referral, contact or screen keeps; a pasted document is a mistake.
    static let maxFieldLength = 2000

    static func displayName(first: String, last: String, preferred: String?) -> String {
        if let p = preferred, !p.isEmpty, p != first { return "\(last), \(first) \"\(p)\"" }
        return "\(last), \(first)"
    }

    private func caseAudit(_ db: Database, _ action: AuditAction, _ staff: Staff, clientID: RowID?, subject: String,
                           detail: String) throws {
        try AuditTable.insert(AuditEvent(at: clock.now(), staffID: staff.id, username: staff.username, action: action,
                                         clientID: clientID, subject: subject, detail: detail), db)
    }

    private static func requireClient(_ clientID: RowID, _ db: Database) throws -> Client {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(ClientTable.select()) FROM clients WHERE id = ?",
                                         arguments: [clientID]) else {
            throw CaseloadError.notFound(what: "The client")
        }
        return try ClientTable.decode(row)
    }

    private static func checkText(_ text: String, _ what: String, required: Bool = false, max: Int = maxFieldLength) throws {
        if required && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw CaseloadError.invalidInput("Give the \(what).")
        }
        if text.count > max {
            throw CaseloadError.invalidInput("The \(what) is too long (\(text.count) characters; at most \(max)).")
        }
    }

    private static func editor(_ table: String, _ id: RowID, _ db: Database) throws -> (String, Date?) {
        let r = try Row.fetchOne(db, sql: """
            SELECT s.display_name, t.updated_at FROM \(table) t LEFT JOIN staff s ON s.id = t.updated_by_id WHERE t.id = ?
            """, arguments: [id])
        return ((r?[0] as String?) ?? "someone else", r?[1])
    }

    // MARK: Client details

    public func saveClientDetails(clientID: RowID, _ details: ClientDetails, expectedVersion: Int?,
                                  by staff: Staff) throws -> Client {
        let clean: ClientDetails
        switch details.validated() {
        case .success(let d): clean = d
        case .failure(let bad): throw CaseloadError.invalidInput(bad.sentence)
        }
        let now = clock.now()
        try authorize(clientID: clientID, .full, what: "client's details", by: staff)
        return try write { db in
            let old = try Self.requireClient(clientID, db)
            if let expected = expectedVersion, expected != old.version {
                let (by, at) = try Self.editor("clients", clientID, db)
                throw EditConflict(what: "The client record of \(old.displayName)", changedBy: by, changedAt: at)
            }
            var c = old
            c.preferredName = clean.preferredName; c.pronouns = clean.pronouns; c.phone = clean.phone
            c.emergencyContact = clean.emergencyContact
            var changed: [String] = []
            if c.preferredName != old.preferredName { changed.append("preferred name") }
            if c.pronouns != old.pronouns { changed.append("pronouns") }
            if c.phone != old.phone { changed.append("phone") }
            if c.emergencyContact != old.emergencyContact { changed.append("emergency contact") }
            guard !changed.isEmpty else { return old }
            c.version = old.version + 1
            try db.execute(sql: """
                UPDATE clients SET preferred_name = ?, pronouns = ?, phone = ?, emergency_contact = ?, version = ?,
                       updated_by_id = ?, updated_at = ?
                WHERE id = ? AND version = ?
                """, arguments: [c.preferredName, c.pronouns, c.phone, c.emergencyContact.map(Col.json), c.version,
                                 staff.id, now, clientID, old.version])
            // Field names only: the values are health information and the audit trail is read widely.
            try caseAudit(db, .update, staff, clientID: clientID, subject: "client:\(clientID)",
                          detail: "changed the client's " + changed.joined(separator: ", "))
            return c
        }
    }

    // MARK: Referrals

    public func referralList(clientID: RowID) throws -> [Referral] { try referrals(clientID: clientID) }

    public func saveReferral(_ referral: Referral, by staff: Staff) throws -> Referral {
        var r = referral
        r.agency = r.agency.trimmingCharacters(in: .whitespacesAndNewlines)
        try Self.checkText(r.agency, "agency the client is referred to", required: true, max: 200)
        try Self.checkText(r.note, "note")
        if let f = r.followUpOn, f < r.referredOn {
            throw CaseloadError.invalidInput("The follow-up date (\(f)) is before the referral date (\(r.referredOn)).")
        }
        let now = clock.now()
        try authorize(clientID: r.clientID, .full, what: "referrals", by: staff)
        return try write { db in
            let client = try Self.requireClient(r.clientID, db)
            if let id = r.id {
                try db.execute(sql: """
                    UPDATE referrals SET type = ?, agency = ?, referred_on = ?, status = ?, follow_up_on = ?, note = ?,
                           revision = revision + 1, updated_by_id = ?, updated_at = ?
                    WHERE id = ? AND client_id = ? AND revision = ?
                    """, arguments: [r.type.rawValue, r.agency, r.referredOn.sqlText, r.status.rawValue,
                                     r.followUpOn?.sqlText, r.note, staff.id, now, id, r.clientID, r.revision])
                if db.changesCount == 0 {
                    guard try Bool.fetchOne(db, sql: "SELECT 1 FROM referrals WHERE id = ?", arguments: [id]) == true else {
                        throw CaseloadError.notFound(what: "The referral")
                    }
                    let (by, at) = try Self.editor("referrals", id, db)
                    throw EditConflict(what: "The referral", changedBy: by, changedAt: at)
                }
                r.revision += 1
                try caseAudit(db, .update, staff, clientID: client.id, subject: "referral:\(id)",
                              detail: "\(r.type.label) referral to \(r.agency): \(r.status.label)")
            } else {
                r.revision = 1
                let id = try ReferralTable.insert(r, db)
                try db.execute(sql: "UPDATE referrals SET updated_by_id = ?, updated_at = ? WHERE id = ?",
                               arguments: [staff.id, now, id])
                r.id = id
                try caseAudit(db, .create, staff, clientID: client.id, subject: "referral:\(id)",
                              detail: "\(r.type.label) referral to \(r.agency): \(r.status.label)")
            }
            return r
        }
    }

    // MARK: Drug screens

    public func screenHistory(clientID: RowID, limit: Int) throws -> [DrugScreen] {
        try drugScreens(clientID: clientID, limit: limit)
    }

    public func markScreenEnteredInError(screenID: RowID, reason: String, by staff: Staff) throws -> DrugScreen {
        let why = try Self.errorReason(reason)
        let clientID = try screenClient(screenID)
        try authorize(clientID: clientID, .full, what: "drug screens", by: staff)
        let now = clock.now()
        return try write { db in
            try Self.markInError(screenID, reason: why, at: now, by: staff, db)
            try caseAudit(db, .update, staff, clientID: clientID, subject: "drug_screen:\(screenID)",
                          detail: "marked the screen entered in error: \(why)")
            return try Self.screen(screenID, db)
        }
    }

    public func recordCorrection(_ screen: DrugScreen, replacing: RowID, reason: String, by staff: Staff) throws -> DrugScreen {
        let why = try Self.errorReason(reason)
        guard try screenClient(replacing) == screen.clientID else {
            throw CaseloadError.invalidInput("Screen \(replacing) is not one of this client's screens.")
        }
        var corrected = screen
        corrected.correctsID = replacing
        let now = clock.now()
        return try recordScreen(corrected, by: staff) { db, newID in
            try Self.markInError(replacing, reason: "corrected by screen \(newID): \(why)", at: now, by: staff, db)
            try self.caseAudit(db, .update, staff, clientID: screen.clientID, subject: "drug_screen:\(replacing)",
                               detail: "marked the screen entered in error, corrected by screen \(newID): \(why)")
        }
    }

    static func errorReason(_ reason: String) throws -> String {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard why.count >= 5 else {
            throw CaseloadError.invalidInput("Give the reason the screen was entered in error (a few words, e.g. 'wrong client's cup').")
        }
        try checkText(why, "reason")
        return why
    }

    private func screenClient(_ screenID: RowID) throws -> RowID {
        guard let id = try read({ db in try RowID.fetchOne(db, sql: "SELECT client_id FROM drug_screens WHERE id = ?",
                                                           arguments: [screenID]) }) else {
            throw CaseloadError.notFound(what: "Drug screen \(screenID)")
        }
        return id
    }

    private static func markInError(_ screenID: RowID, reason: String, at: Date, by staff: Staff, _ db: Database) throws {
        if try Bool.fetchOne(db, sql: "SELECT error_at IS NOT NULL FROM drug_screens WHERE id = ?", arguments: [screenID]) == true {
            throw CaseloadError.refused("Screen \(screenID) is already marked entered in error.")
        }
        try db.execute(sql: "UPDATE drug_screens SET error_reason = ?, error_at = ?, error_by_id = ? WHERE id = ?",
                       arguments: [reason, at, staff.id, screenID])
    }

    private static func screen(_ id: RowID, _ db: Database) throws -> DrugScreen {
        var screens = try DrugScreenTable.fetchAll(db, where: "id = ?", [id])
        try DrugScreenTable.attachResults(&screens, db)
        try DrugScreenTable.attachCorrections(&screens, db)
        guard let s = screens.first else { throw CaseloadError.notFound(what: "Drug screen \(id)") }
        return s
    }

    public func recordScreen(_ screen: DrugScreen, by staff: Staff) throws -> DrugScreen {
        try recordScreen(screen, by: staff) { _, _ in }
    }

    private func recordScreen(_ screen: DrugScreen, by staff: Staff,
                              also: (Database, RowID) throws -> Void) throws -> DrugScreen {
        try Self.checkText(screen.note, "note")
        if screen.collectedOn > clock.today() {
            throw CaseloadError.invalidInput("The collection date (\(screen.collectedOn)) is in the future.")
        }
        guard screen.results.values.contains(where: { $0 != .notTested }) else {
            throw CaseloadError.invalidInput("Give at least one result: every substance is marked not tested.")
        }
        try authorize(clientID: screen.clientID, .full, what: "drug screens", by: staff)
        return try write { db in
            let client = try Self.requireClient(screen.clientID, db)
            var s = screen
            s.id = nil
            try db.execute(sql: """
                INSERT INTO drug_screens (client_id, collected_on, observed, random, note, corrects_id) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [s.clientID, s.collectedOn.sqlText, s.observed, s.random, s.note, s.correctsID])
            let id = db.lastInsertedRowID
            s.id = id
            let statement = try db.cachedStatement(sql: DrugScreenTable.insertResultSQL)
            for substance in Substance.allCases {
                if let result = screen.results[substance] {
                    try statement.execute(arguments: [id, substance.rawValue, result.rawValue])
                }
            }
            let positives = Substance.allCases.filter { screen.results[$0] == .positive }.map(\.label)
            try caseAudit(db, .create, staff, clientID: client.id, subject: "drug_screen:\(id)",
                          detail: "screen collected \(screen.collectedOn)"
                            + (positives.isEmpty ? ", no positive result" : ", positive: \(positives.joined(separator: ", "))")
                            + (screen.correctsID.map { ", correcting screen \($0)" } ?? ""))
            try also(db, id)
            return s
        }
    }

    // MARK: Contacts

    public func activeConsents(clientID: RowID, on day: Day) throws -> [Consent] {
        try consents(clientID: clientID).filter { $0.isActive(on: day) }
    }

    public func contactRows(clientID: RowID, on day: Day) throws -> [ContactRow] {
        try authorize(clientID: clientID, .full, what: "contacts")
        return try read { db in
            let contacts = try ContactTable.fetchAll(db, where: "client_id = ?", [clientID], orderBy: "name, id")
            let consents = try ConsentTable.fetchAll(db, where: "client_id = ?", [clientID])
            let byID = Dictionary(uniqueKeysWithValues: consents.map { ($0.id!, $0) })
            return contacts.map { c in
                ContactRow(contact: c, activeConsent: c.consentID.flatMap { byID[$0] }.flatMap { $0.isActive(on: day) ? $0 : nil })
            }
        }
    }

    public func saveContact(_ contact: Contact, by staff: Staff) throws -> Contact {
        var c = contact
        c.name = c.name.trimmingCharacters(in: .whitespacesAndNewlines)
        try Self.checkText(c.name, "contact's name", required: true, max: 200)
        try Self.checkText(c.relationship, "relationship", max: 100)
        try Self.checkText(c.phone, "phone number", max: 40)
        try Self.checkText(c.involvement, "involvement in treatment")
        let now = clock.now()
        return try write { db in
            let client = try Self.requireClient(c.clientID, db)
            if let consentID = c.consentID {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM consents WHERE id = ? AND client_id = ?",
                                        arguments: [consentID, c.clientID]) == true else {
                    throw CaseloadError.invalidInput("The consent chosen is not one of this client's consents.")
                }
            }
            if let id = c.id {
                try db.execute(sql: """
                    UPDATE contacts SET name = ?, relationship = ?, phone = ?, involvement = ?, consent_id = ?,
                           revision = revision + 1, updated_by_id = ?, updated_at = ?
                    WHERE id = ? AND client_id = ? AND revision = ?
                    """, arguments: [c.name, c.relationship, c.phone, c.involvement, c.consentID, staff.id, now,
                                     id, c.clientID, c.revision])
                if db.changesCount == 0 {
                    guard try Bool.fetchOne(db, sql: "SELECT 1 FROM contacts WHERE id = ?", arguments: [id]) == true else {
                        throw CaseloadError.notFound(what: "The contact")
                    }
                    let (by, at) = try Self.editor("contacts", id, db)
                    throw EditConflict(what: "The contact", changedBy: by, changedAt: at)
                }
                c.revision += 1
                try caseAudit(db, .update, staff, clientID: client.id, subject: "contact:\(id)",
                              detail: "contact \(c.name) (\(c.relationship))")
            } else {
                c.revision = 1
                let id = try ContactTable.insert(c, db)
                try db.execute(sql: "UPDATE contacts SET updated_by_id = ?, updated_at = ? WHERE id = ?",
                               arguments: [staff.id, now, id])
                c.id = id
                try caseAudit(db, .create, staff, clientID: client.id, subject: "contact:\(id)",
                              detail: "contact \(c.name) (\(c.relationship))")
            }
            return c
        }
    }

    // MARK: Home

    public func followUpsDue(counselorID: RowID, on day: Day) throws -> [FollowUpDue] {
        try authorizeStaffView(counselorID, what: "referral follow-ups")
        return try read { db in try Self.followUps(counselorID: counselorID, on: day, db) }
    }

    private static func followUps(counselorID: RowID?, on day: Day, _ db: Database) throws -> [FollowUpDue] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(ReferralTable.select("r")), c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn
            FROM referrals r JOIN clients c ON c.id = r.client_id
            WHERE r.status IN ('made', 'accepted') AND r.follow_up_on IS NOT NULL AND r.follow_up_on <= ?
              AND c.status <> 'discharged' AND (? IS NULL OR c.primary_counselor_id = ?)
            ORDER BY r.follow_up_on, c.legal_last_name, c.legal_first_name, r.id
            """, arguments: [day.sqlText, counselorID, counselorID])
        let n = ReferralTable.columns.count
        return try rows.map { r in
            FollowUpDue(referral: try ReferralTable.decode(r),
                        clientName: displayName(first: r[n], last: r[n + 1], preferred: r[n + 2]), mrn: r[n + 3])
        }
    }

    public func screensDue(counselorID: RowID, on day: Day) throws -> [ScreensDue] {
        try authorizeStaffView(counselorID, what: "drug screens due")
        return try read { db in try Self.screensDue(counselorID: counselorID, on: day, db).map(\.due) }
    }

    private static func screensDue(counselorID: RowID?, on day: Day, _ db: Database)
        throws -> [(due: ScreensDue, counselor: String)] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT c.id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, c.phase,
                   (SELECT count(*) FROM drug_screens d WHERE d.client_id = c.id AND d.random = 1 AND d.error_at IS NULL
                      AND d.collected_on >= ? AND d.collected_on <= ?),
                   coalesce(s.display_name, 'Unassigned')
            FROM clients c LEFT JOIN staff s ON s.id = c.primary_counselor_id
            WHERE c.status = 'active' AND (? IS NULL OR c.primary_counselor_id = ?)
            ORDER BY c.legal_last_name, c.legal_first_name, c.id
            """, arguments: [ScreenRule.windowStart(day).sqlText, day.sqlText, counselorID, counselorID])
        return rows.compactMap { r in
            let count: Int = r[6]
            guard ScreenRule.isMaintenance(r[5]), count < ScreenRule.randomScreensPerYear else { return nil }
            return (ScreensDue(clientID: r[0], clientName: displayName(first: r[1], last: r[2], preferred: r[3]),
                               mrn: r[4], randomScreens: count), r[7])
        }
    }

    // MARK: Roster import

    /// The roster import applies the access rules of every other write (Access.swift), read from the store as
    /// it is now: an administrator may add and update any client; a clinical supervisor may add clients and
    /// update only clients of their team (their own caseload and that of everyone under them, at any depth),
    /// and every row's counselor must be on that team (or empty for a new client), so no row moves a client
    /// into or out of the team: moving a client between teams is an administrator's act. A refused row refuses
    /// the whole file, naming the row, and the refusal is recorded. An import records one event for the file
    /// and one per client it added or changed (with the client's id, so `caseload audit --client` finds it);
    /// a dry run is recorded as a view of the file, and a file with problems as a refused import.
    public func importClients(_ rows: [ClientImportRow], source: String, by staff: Staff,
                              dryRun: Bool) throws -> ImportSummary {
        let current = try staff.id.flatMap { try self.staff(id: $0) }
        guard let current, current.active, current.role == .admin || current.role == .supervisor else {
            throw try refusal(by: staff, clientID: nil, what: "roster_import",
                              sentence: "Only an administrator or a clinical supervisor can import the roster.")
        }
        let now = clock.now()
        let today = clock.today()
        let team: Set<RowID>? = current.role == .admin ? nil : Set(try read { db in
            try RowID.fetchAll(db, sql: Self.teamSQL, arguments: ["me": current.id!])
        } + [current.id!])
        let body = { (db: Database, apply: Bool) throws -> (ImportSummary, [(RowID?, String, String)]) in
            let staffRows = try StaffTable.fetchAll(db, where: "1")
            let byUsername = Dictionary(staffRows.map { ($0.username.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
            var problems: [ImportProblems.Problem] = []
            var counselor: [Int: RowID?] = [:]
            for r in rows {
                guard let u = r.counselorUsername, !u.isEmpty else { counselor[r.row] = .some(nil); continue }
                guard let s = byUsername[u.lowercased()] else {
                    problems.append(.init(row: r.row, column: "counselor",
                                          message: "there is no staff account '\(u)' (add it with: caseload staff add \(u))"))
                    continue
                }
                guard s.active else {
                    problems.append(.init(row: r.row, column: "counselor", message: "the staff account '\(u)' is deactivated"))
                    continue
                }
                counselor[r.row] = s.id
            }
            if !problems.isEmpty {
                throw ImportProblems(problems: Array(problems.prefix(ImportProblems.limit)),
                                     more: max(0, problems.count - ImportProblems.limit))
            }
            // Access first, over every row, before anything is written: all rows or none.
            var existing: [Int: Client] = [:]
            var refused: [(row: ClientImportRow, clientID: RowID?, why: String)] = []
            for r in rows {
                let counselorID = counselor[r.row] ?? nil
                let old = try Row.fetchOne(db, sql: "SELECT \(ClientTable.select()) FROM clients WHERE mrn = ? COLLATE NOCASE",
                                           arguments: [r.mrn]).map { try ClientTable.decode($0) }
                existing[r.row] = old
                guard let team else { continue }
                if let old {
                    guard let p = old.primaryCounselorID, team.contains(p) else {
                        refused.append((r, old.id, "chart \(r.mrn) is a client outside your team; only an administrator can update it"))
                        continue
                    }
                    if counselorID != old.primaryCounselorID, !(counselorID.map(team.contains) ?? false) {
                        refused.append((r, old.id, "it would move chart \(r.mrn) out of your team (counselor '\(r.counselorUsername ?? "")'); moving a client between teams is an administrator's act"))
                    }
                } else if let counselorID, !team.contains(counselorID) {
                    refused.append((r, nil, "counselor '\(r.counselorUsername ?? "")' is not on your team; a supervisor adds clients to their own team only"))
                }
            }
            if let first = refused.first {
                let others = refused.count - 1
                throw AccessRefused(staff: staff, clientID: first.clientID, subject: "roster_import", sentence:
                    "Nothing was imported: row \(first.row.row): \(first.why)\(others > 0 ? " (and \(others) more row\(others == 1 ? "" : "s") like it)" : "").")
            }
            var summary = ImportSummary(added: 0, updated: 0, unchanged: 0)
            var touched: [(RowID?, String, String)] = []   // client, mrn, what changed
            for r in rows {
                let counselorID = counselor[r.row] ?? nil
                if let old = existing[r.row] {
                    var c = old
                    c.legalLastName = r.lastName; c.legalFirstName = r.firstName
                    if let p = r.preferredName { c.preferredName = p.isEmpty ? nil : p }
                    c.dateOfBirth = r.dateOfBirth; c.admissionDate = r.admissionDate; c.phase = r.phase
                    c.medication = r.medication; c.doseMg = r.doseMg; c.takeHomeLevel = r.takeHomeLevel
                    c.primaryCounselorID = counselorID; c.status = r.status
                    // The roster carries no discharge date: a discharge seen first in an import is dated that day,
                    // and a readmission clears it.
                    if r.status == .discharged, c.dischargeDate == nil {
                        c.dischargeDate = today; c.dischargeReason = c.dischargeReason ?? "Discharged on the dosing roster"
                    } else if r.status != .discharged, old.status == .discharged {
                        c.dischargeDate = nil; c.dischargeReason = nil
                    }
                    if c == old { summary.unchanged += 1; continue }
                    c.version = old.version + 1
                    summary.updated += 1
                    touched.append((old.id, old.mrn, "updated"))
                    guard apply else { continue }
                    let columns = ClientTable.columns.dropFirst()
                    // Who and when, so someone editing the client's details meanwhile is told it was this import.
                    try db.execute(sql: "UPDATE clients SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")), updated_by_id = ?, updated_at = ? WHERE id = ?",
                                   arguments: StatementArguments(Array(ClientTable.values(c).dropFirst()) + [staff.id, now, old.id]))
                } else {
                    summary.added += 1
                    guard apply else { touched.append((nil, r.mrn, "added")); continue }
                    let c = Client(mrn: r.mrn, legalFirstName: r.firstName, legalLastName: r.lastName,
                                   preferredName: r.preferredName.flatMap { $0.isEmpty ? nil : $0 },
                                   dateOfBirth: r.dateOfBirth, admissionDate: r.admissionDate,
                                   dischargeDate: r.status == .discharged ? today : nil,
                                   dischargeReason: r.status == .discharged ? "Discharged on the dosing roster" : nil,
                                   status: r.status, phase: r.phase, medication: r.medication, doseMg: r.doseMg,
                                   takeHomeLevel: r.takeHomeLevel, primaryCounselorID: counselorID)
                    let id = try ClientTable.insert(c, db)
                    touched.append((id, r.mrn, "added"))
                }
            }
            if apply {
                try self.caseAudit(db, .create, staff, clientID: nil, subject: "roster_import",
                                   detail: "imported the client roster from \(source): \(summary.sentence)")
                for (id, mrn, what) in touched {
                    try self.caseAudit(db, what == "added" ? .create : .update, staff, clientID: id, subject: "roster_import",
                                       detail: "\(what) chart \(mrn) from the roster \(source)")
                }
            }
            return (summary, touched)
        }
        do {
            if dryRun {
                let (summary, _) = try read { db in try body(db, false) }
                try record(.view, by: staff, clientID: nil, subject: "roster_import",
                           detail: "checked the client roster \(source) without writing (dry run): it would give \(summary.sentence)")
                return summary
            }
            return try write { db in try body(db, true) }.0
        } catch let problems as ImportProblems {
            try recordFailedImport(source: source, problems, by: staff)
            throw problems
        }
    }

    /// A roster file that was not imported because of problems in it: recorded as a refused import (nothing
    /// was written), with the number of problems and the first one.
    public func recordFailedImport(source: String, _ problems: ImportProblems, by staff: Staff) throws {
        let count = problems.problems.count + problems.more
        try record(.refused, by: staff, clientID: nil, subject: "roster_import", detail:
            "the client roster \(source) was not imported (\(count) problem\(count == 1 ? "" : "s"); first: \(problems.problems.first?.line ?? "none"))")
    }

    // MARK: Reports

    public func caseloadReport(staffID: RowID?, from: Day, to: Day) throws -> [CaseloadReportRow] {
        try authorizeCounts(staffID, what: "caseload report")
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.display_name, s.username,
                       count(*) FILTER (WHERE c.status = 'active'),
                       count(*) FILTER (WHERE c.status = 'on_hold'),
                       count(*) FILTER (WHERE c.admission_date BETWEEN ? AND ?),
                       count(*) FILTER (WHERE c.discharge_date BETWEEN ? AND ?)
                FROM clients c LEFT JOIN staff s ON s.id = c.primary_counselor_id
                WHERE (? IS NULL OR c.primary_counselor_id = ?)
                GROUP BY c.primary_counselor_id
                ORDER BY s.display_name IS NULL, s.display_name, s.username
                """, arguments: [from.sqlText, to.sqlText, from.sqlText, to.sqlText, staffID, staffID])
            var result = rows.map { r in
                CaseloadReportRow(counselorName: (r[0] as String?) ?? "Unassigned", username: r[1], active: r[2],
                                  onHold: r[3], admissions: r[4], discharges: r[5])
            }
            if let staffID, result.isEmpty, let s = try StaffTable.fetchAll(db, where: "id = ?", [staffID]).first {
                result = [CaseloadReportRow(counselorName: s.displayName, username: s.username, active: 0, onHold: 0,
                                            admissions: 0, discharges: 0)]
            }
            return result
        }
    }

    public func overdueReport(staffID: RowID?, on day: Day) throws -> [OverdueItem] {
        if let staffID {
            try authorizeStaffView(staffID, what: "overdue report")
        } else if let team = try reportTeam(what: "overdue report", listsClients: true) {
            // A supervisor's program-wide view is their team's: each member's items, in the team's order.
            return try team.flatMap { try overdueReport(staffID: $0, on: day) }
        }
        let now = clock.now()
        return try read { db in
            let settings = try SettingsCodec.read(db)
            var items: [OverdueItem] = []
            func name(_ r: Row, _ i: Int) -> String { Self.displayName(first: r[i], last: r[i + 1], preferred: r[i + 2]) }

            for r in try Row.fetchAll(db, sql: """
                SELECT c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, c.next_plan_review,
                       coalesce(s.display_name, 'Unassigned')
                FROM clients c LEFT JOIN staff s ON s.id = c.primary_counselor_id
                WHERE c.status <> 'discharged' AND c.next_plan_review < ? AND (? IS NULL OR c.primary_counselor_id = ?)
                ORDER BY c.next_plan_review, c.legal_last_name
                """, arguments: [day.sqlText, staffID, staffID]) {
                let due = try Col.day(r, 4, "clients.next_plan_review")
                items.append(OverdueItem(kind: .planReview, counselorName: r[5], clientName: name(r, 0), mrn: r[3],
                                         date: due, detail: "review was due \(due)"))
            }

            let cutoff = now.addingTimeInterval(-Double(settings.unsignedNoteHours) * 3600)
            for r in try Row.fetchAll(db, sql: """
                SELECT c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, n.date, s.display_name, m.name
                FROM progress_notes n JOIN clients c ON c.id = n.client_id JOIN staff s ON s.id = n.staff_id
                JOIN modalities m ON m.id = n.modality_id
                WHERE n.status = 'draft' AND n.created_at < ? AND (? IS NULL OR n.staff_id = ?)
                ORDER BY n.date, n.id
                """, arguments: [cutoff, staffID, staffID]) {
                let date = try Col.day(r, 4, "progress_notes.date")
                items.append(OverdueItem(kind: .unsignedNote, counselorName: r[5], clientName: name(r, 0), mrn: r[3],
                                         date: date, detail: "\(r[6] as String) note of \(date) not signed"))
            }

            let counselorNames = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT c.id, coalesce(s.display_name, 'Unassigned') FROM clients c LEFT JOIN staff s ON s.id = c.primary_counselor_id
                """).map { ($0[0] as RowID, $0[1] as String) })
            for f in try Self.followUps(counselorID: staffID, on: day, db) {
                let r = f.referral
                items.append(OverdueItem(kind: .referralFollowUp, counselorName: counselorNames[r.clientID] ?? "Unassigned",
                                         clientName: f.clientName, mrn: f.mrn, date: r.followUpOn,
                                         detail: "\(r.type.label) referral to \(r.agency) (\(r.status.label.lowercased()))"))
            }

            for r in try Row.fetchAll(db, sql: """
                SELECT c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, k.expires_on, k.recipient,
                       coalesce(s.display_name, 'Unassigned')
                FROM consents k JOIN clients c ON c.id = k.client_id LEFT JOIN staff s ON s.id = c.primary_counselor_id
                WHERE c.status <> 'discharged' AND k.signed_on <= ? AND (k.revoked_on IS NULL OR k.revoked_on > ?)
                  AND k.expires_on >= ? AND k.expires_on <= ? AND (? IS NULL OR c.primary_counselor_id = ?)
                ORDER BY k.expires_on, c.legal_last_name
                """, arguments: [day.sqlText, day.sqlText, day.sqlText, day.adding(days: 30).sqlText, staffID, staffID]) {
                let expires = try Col.day(r, 4, "consents.expires_on")
                items.append(OverdueItem(kind: .consentExpiring, counselorName: r[6], clientName: name(r, 0), mrn: r[3],
                                         date: expires, detail: "consent for \(r[5] as String) expires \(expires)"))
            }

            // Group sessions held but not signed, or past and never marked: under each facilitator (the report of
            // one person lists the groups they run).
            for s in try Self.sessionsToSign(facilitatorID: staffID, on: day, db) {
                items.append(OverdueItem(kind: .groupSessionUnsigned, counselorName: s.facilitatorName, clientName: "",
                                         mrn: "", date: s.date, detail: s.detail))
            }

            for (due, counselor) in try Self.screensDue(counselorID: staffID, on: day, db) {
                items.append(OverdueItem(kind: .screensDue, counselorName: counselor, clientName: due.clientName,
                                         mrn: due.mrn, date: nil,
                                         detail: "\(due.randomScreens) of \(ScreenRule.randomScreensPerYear) random screens in the last 12 months"))
            }
            return items
        }
    }

    public func productivityReport(staffID: RowID?, from: Day, to: Day) throws -> [ProductivityRow] {
        try authorizeCounts(staffID, what: "productivity report")
        return try read { db in
            let unit = max(1, try SettingsCodec.read(db).minutesPerBillingUnit)
            // Signed progress notes by their author, plus held and signed group sessions by each facilitator (a
            // draft documents nothing yet): a session run by two facilitators counts for both. A group session's units are its attendees' (present, late or left
            // early), each rounded as ProgramSettings.billingUnits rounds a note's minutes.
            return try Row.fetchAll(db, sql: """
                SELECT s.display_name, m.name, sum(w.sessions), sum(w.minutes), sum(w.units), sum(w.no_shows)
                FROM (
                    SELECT n.staff_id AS staff_id, n.modality_id AS modality_id,
                           count(*) FILTER (WHERE n.format <> 'no_show') AS sessions,
                           coalesce(sum(n.minutes) FILTER (WHERE n.format <> 'no_show'), 0) AS minutes,
                           coalesce(sum(n.billing_units) FILTER (WHERE n.format <> 'no_show'), 0) AS units,
                           count(*) FILTER (WHERE n.format = 'no_show') AS no_shows
                    FROM progress_notes n
                    WHERE n.status = 'signed' AND n.date BETWEEN :from AND :to AND (:staff IS NULL OR n.staff_id = :staff)
                    GROUP BY n.staff_id, n.modality_id
                    UNION ALL
                    SELECT f.staff_id, g.modality_id, count(*), coalesce(sum(gs.minutes), 0),
                           coalesce(sum((SELECT sum(max(1, (a.minutes + :unit / 2) / :unit)) FROM attendance a
                                         WHERE a.group_session_id = gs.id AND a.minutes > 0
                                           AND a.status IN ('present', 'late', 'left_early'))), 0),
                           0
                    FROM group_sessions gs JOIN groups g ON g.id = gs.group_id
                    JOIN group_facilitators f ON f.group_id = g.id
                    WHERE gs.status = 'held' AND gs.signed_at IS NOT NULL AND gs.date BETWEEN :from AND :to
                      AND (:staff IS NULL OR f.staff_id = :staff)
                    GROUP BY f.staff_id, g.modality_id
                ) w JOIN staff s ON s.id = w.staff_id JOIN modalities m ON m.id = w.modality_id
                GROUP BY w.staff_id, w.modality_id
                ORDER BY s.display_name, s.id, m.name
                """, arguments: ["from": from.sqlText, "to": to.sqlText, "staff": staffID, "unit": unit]).map { r in
                ProductivityRow(staffName: r[0], modality: r[1], sessions: r[2], minutes: r[3], billingUnits: r[4],
                                noShows: r[5])
            }
        }
    }
}

extension SQLiteStore {
    public func productivityTotal(staffID: RowID?, from: Day, to: Day) throws -> ProductivityRow {
        try authorizeCounts(staffID, what: "productivity report")
        return try read { db in
            let unit = max(1, try SettingsCodec.read(db).minutesPerBillingUnit)
            let r = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(sessions), 0), coalesce(sum(minutes), 0), coalesce(sum(units), 0), coalesce(sum(no_shows), 0)
                FROM (
                    SELECT count(*) FILTER (WHERE n.format <> 'no_show') AS sessions,
                           coalesce(sum(n.minutes) FILTER (WHERE n.format <> 'no_show'), 0) AS minutes,
                           coalesce(sum(n.billing_units) FILTER (WHERE n.format <> 'no_show'), 0) AS units,
                           count(*) FILTER (WHERE n.format = 'no_show') AS no_shows
                    FROM progress_notes n
                    WHERE n.status = 'signed' AND n.date BETWEEN :from AND :to AND (:staff IS NULL OR n.staff_id = :staff)
                    UNION ALL
                    SELECT count(*), coalesce(sum(gs.minutes), 0),
                           coalesce(sum((SELECT sum(max(1, (a.minutes + :unit / 2) / :unit)) FROM attendance a
                                         WHERE a.group_session_id = gs.id AND a.minutes > 0
                                           AND a.status IN ('present', 'late', 'left_early'))), 0),
                           0
                    FROM group_sessions gs
                    WHERE gs.status = 'held' AND gs.signed_at IS NOT NULL AND gs.date BETWEEN :from AND :to
                      AND (:staff IS NULL OR EXISTS (SELECT 1 FROM group_facilitators f
                                                     WHERE f.group_id = gs.group_id AND f.staff_id = :staff)))
                """, arguments: ["from": from.sqlText, "to": to.sqlText, "staff": staffID, "unit": unit])!
            return ProductivityRow(staffName: "Total", modality: "", sessions: r[0], minutes: r[1], billingUnits: r[2],
                                   noShows: r[3])
        }
    }

    /// A report of counts per staff member (no client named): anyone's own; any staff member's, or the whole
    /// program's, for supervisors and administrators.
    func authorizeCounts(_ staffID: RowID?, what: String) throws {
        guard let v = viewer, let vid = v.id, staffID != vid else { return }
        let role = try staff(id: vid)?.role ?? v.role
        if role == .supervisor || role == .admin { return }
        throw try refusal(by: v, clientID: nil, what: what, sentence:
            "Counselors see the \(what) of their own caseload: give --staff with your own username, or leave it out.")
    }

    /// A program-wide report asked for by the viewer. Counts (`listsClients: false`) are for supervisors and
    /// administrators. A report that names clients is, for a supervisor, their team's (returned: their own id
    /// and their team's, by name); administrators and counselors are refused. nil: the whole program.
    func reportTeam(what: String, listsClients: Bool) throws -> [RowID]? {
        guard let v = viewer, let vid = v.id else { return nil }
        let role = try staff(id: vid)?.role ?? v.role
        if !listsClients, role == .supervisor || role == .admin { return nil }
        guard role == .supervisor else {
            throw try refusal(by: v, clientID: nil, what: what, sentence: role == .admin
                ? "The \(what) names clients, and administrators do not see clients: a clinical supervisor runs it for their team."
                : "Counselors see the \(what) of their own caseload: give --staff with your own username, or leave it out.")
        }
        return try read { db in
            try RowID.fetchAll(db, sql: """
                SELECT id FROM staff WHERE id = :me OR id IN (\(Self.teamSQL)) ORDER BY display_name, id
                """, arguments: ["me": vid])
        }
    }
}
