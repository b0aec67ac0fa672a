// How each domain struct maps to its table: column list, insert arguments, and decoding of a
// row selected with that column list. Written by hand (not Codable) because the hot screens
// decode thousands of rows and because some fields do not map one-to-one (note sections,
// drug-screen results, JSON flags).
import CaseloadCore
import Foundation
import GRDB

/// A value in the store that this build cannot read (hand-edited data, a bug). Translated to
/// a refusal naming the value at the transaction boundary (only the header and integrity checks say "damaged").
struct BadStoredValue: Error, CustomStringConvertible {
    var column: String
    var value: String
    var description: String { "unexpected value '\(value)' in \(column)" }
}

protocol TableMapping {
    associatedtype Value
    static var table: String { get }
    /// Column order shared by `values` and `decode`; "id" first.
    static var columns: [String] { get }
    static func values(_ v: Value) -> [(any DatabaseValueConvertible)?]
    /// Decodes columns `offset ..< offset + columns.count` of `row`.
    static func decode(_ row: Row, at offset: Int) throws -> Value
}

extension TableMapping {
    static func select(_ alias: String? = nil) -> String {
        columns.map { column in alias.map { "\($0).\(column)" } ?? column }.joined(separator: ", ")
    }
    static var insertSQL: String {
        "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    }
    /// Inserts (with the given id, or a new one when nil) and returns the row id.
    @discardableResult
    static func insert(_ v: Value, _ db: Database) throws -> RowID {
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: StatementArguments(values(v)))
        return db.lastInsertedRowID
    }
    static func decode(_ row: Row) throws -> Value { try decode(row, at: 0) }
    static func fetchAll(_ db: Database, where clause: String, _ arguments: StatementArguments = [],
                         orderBy: String = "id") throws -> [Value] {
        let rows = try Row.fetchCursor(db, sql: "SELECT \(select()) FROM \(table) WHERE \(clause) ORDER BY \(orderBy)",
                                       arguments: arguments)
        var result: [Value] = []
        while let row = try rows.next() { result.append(try decode(row)) }
        return result
    }
}

// MARK: - Column readers

enum Col {
    /// Strict "YYYY-MM-DD" read straight from the UTF-8 bytes: the Caseload screen parses
    /// two dates for each of thousands of rows.
    static func parseDay(_ s: String) -> Day? {
        var s = s
        return s.withUTF8 { b -> Day? in
            guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
            func digits(_ range: Range<Int>) -> Int? {
                var n = 0
                for i in range {
                    let c = b[i]
                    guard c >= 0x30 && c <= 0x39 else { return nil }
                    n = n * 10 + Int(c - 0x30)
                }
                return n
            }
            guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
            return Day(year: y, month: m, day: d)
        }
    }
    static func day(_ row: Row, _ i: Int, _ name: String) throws -> Day {
        let s: String = row[i] ?? ""
        guard let d = parseDay(s) else { throw BadStoredValue(column: name, value: s) }
        return d
    }
    static func optionalDay(_ row: Row, _ i: Int, _ name: String) throws -> Day? {
        guard let s: String = row[i] else { return nil }
        guard let d = parseDay(s) else { throw BadStoredValue(column: name, value: s) }
        return d
    }
    static func value<E: DomainEnum>(_ row: Row, _ i: Int, _ name: String) throws -> E {
        let s: String = row[i] ?? ""
        guard let e = E(rawValue: s) else { throw BadStoredValue(column: name, value: s) }
        return e
    }
    static func date(_ row: Row, _ i: Int, _ name: String) throws -> Date {
        guard let d: Date = row[i] else { throw BadStoredValue(column: name, value: "NULL") }
        return d
    }
    /// Client flags are a JSON array of strings; most clients have none.
    static func flags(_ row: Row, _ i: Int) throws -> [String] {
        let s: String = row[i] ?? "[]"
        if s == "[]" { return [] }
        // The usual shape, ["a","b"] without escapes, is split by hand: the Caseload screen
        // reads thousands of these at once.
        if s.hasPrefix("[\""), s.hasSuffix("\"]"), s.count >= 4, !s.contains("\\") {
            let parts = String(s.dropFirst(2).dropLast(2)).components(separatedBy: "\",\"")
            // Any other quote means another layout (spaces after commas…): let the decoder read it.
            if parts.allSatisfy({ !$0.contains("\"") }) { return parts }
        }
        guard let flags = try? JSONDecoder().decode([String].self, from: Data(s.utf8)) else {
            throw BadStoredValue(column: "clients.flags", value: s)
        }
        return flags
    }
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}

/// "Last, First" with the preferred name in quotes: the same as `Client.displayName`, for
/// screens that read names without building whole clients.
func clientDisplayName(first: String, last: String, preferred: String?) -> String {
    if let p = preferred, !p.isEmpty, p != first { return "\(last), \(first) \"\(p)\"" }
    return "\(last), \(first)"
}

// MARK: - Tables

enum StaffTable: TableMapping {
    static let table = "staff"
    static let columns = ["id", "username", "display_name", "credentials", "role", "supervisor_id", "active", "needs_cosign"]
    static func values(_ s: Staff) -> [(any DatabaseValueConvertible)?] {
        [s.id, s.username, s.displayName, s.credentials, s.role.rawValue, s.supervisorID, s.active, s.needsCosign]
    }
    static func decode(_ r: Row, at o: Int) throws -> Staff {
        Staff(id: r[o], username: r[o + 1], displayName: r[o + 2], credentials: r[o + 3],
              role: try Col.value(r, o + 4, "staff.role"), supervisorID: r[o + 5], active: r[o + 6],
              needsCosign: r[o + 7])
    }
}

enum ClientTable: TableMapping {
    static let table = "clients"
    static let columns = ["id", "mrn", "legal_first_name", "legal_last_name", "preferred_name", "pronouns",
                          "date_of_birth", "phone", "admission_date", "discharge_date", "discharge_reason", "status",
                          "phase", "medication", "dose_mg", "take_home_level", "primary_counselor_id", "flags",
                          "emergency_contact", "version"]
    static func values(_ c: Client) -> [(any DatabaseValueConvertible)?] {
        [c.id, c.mrn, c.legalFirstName, c.legalLastName, c.preferredName, c.pronouns, c.dateOfBirth.sqlText,
         c.phone, c.admissionDate.sqlText, c.dischargeDate?.sqlText, c.dischargeReason, c.status.rawValue,
         c.phase, c.medication.rawValue, c.doseMg, c.takeHomeLevel, c.primaryCounselorID,
         c.flags.isEmpty ? "[]" : Col.json(c.flags), c.emergencyContact.map(Col.json), c.version]
    }
    static func decode(_ r: Row, at o: Int) throws -> Client {
        var emergency: EmergencyContact?
        if let s: String = r[o + 18] {
            guard let e = try? JSONDecoder().decode(EmergencyContact.self, from: Data(s.utf8)) else {
                throw BadStoredValue(column: "clients.emergency_contact", value: s)
            }
            emergency = e
        }
        return Client(
            id: r[o], mrn: r[o + 1], legalFirstName: r[o + 2], legalLastName: r[o + 3], preferredName: r[o + 4],
            pronouns: r[o + 5], dateOfBirth: try Col.day(r, o + 6, "clients.date_of_birth"), phone: r[o + 7],
            admissionDate: try Col.day(r, o + 8, "clients.admission_date"),
            dischargeDate: try Col.optionalDay(r, o + 9, "clients.discharge_date"), dischargeReason: r[o + 10],
            status: try Col.value(r, o + 11, "clients.status"), phase: r[o + 12],
            medication: try Col.value(r, o + 13, "clients.medication"), doseMg: r[o + 14], takeHomeLevel: r[o + 15],
            primaryCounselorID: r[o + 16], flags: try Col.flags(r, o + 17), emergencyContact: emergency,
            version: r[o + 19])
    }
}

enum ModalityTable: TableMapping {
    static let table = "modalities"
    static let columns = ["id", "name", "active"]
    static func values(_ m: Modality) -> [(any DatabaseValueConvertible)?] { [m.id, m.name, m.active] }
    static func decode(_ r: Row, at o: Int) throws -> Modality { Modality(id: r[o], name: r[o + 1], active: r[o + 2]) }
}

enum PlanTable: TableMapping {
    static let table = "treatment_plans"
    static let columns = ["id", "client_id", "version", "status", "effective_date", "next_review_date", "client_words",
                          "created_by_id", "review_note", "revision"]
    static func values(_ p: TreatmentPlan) -> [(any DatabaseValueConvertible)?] {
        [p.id, p.clientID, p.version, p.status.rawValue, p.effectiveDate.sqlText, p.nextReviewDate.sqlText,
         p.clientWords, p.createdByID, p.reviewNote, p.revision]
    }
    static func decode(_ r: Row, at o: Int) throws -> TreatmentPlan {
        TreatmentPlan(id: r[o], clientID: r[o + 1], version: r[o + 2],
                      status: try Col.value(r, o + 3, "treatment_plans.status"),
                      effectiveDate: try Col.day(r, o + 4, "treatment_plans.effective_date"),
                      nextReviewDate: try Col.day(r, o + 5, "treatment_plans.next_review_date"),
                      clientWords: r[o + 6], createdByID: r[o + 7], reviewNote: r[o + 8], revision: r[o + 9])
    }
}

enum SignatureTable: TableMapping {
    static let table = "plan_signatures"
    static let columns = ["id", "plan_id", "role", "signer_name", "staff_id", "signed_at"]
    static func values(_ s: PlanSignature) -> [(any DatabaseValueConvertible)?] {
        [s.id, s.planID, s.role.rawValue, s.signerName, s.staffID, s.signedAt]
    }
    static func decode(_ r: Row, at o: Int) throws -> PlanSignature {
        PlanSignature(id: r[o], planID: r[o + 1], role: try Col.value(r, o + 2, "plan_signatures.role"),
                      signerName: r[o + 3], staffID: r[o + 4], signedAt: try Col.date(r, o + 5, "plan_signatures.signed_at"))
    }
}

enum ProblemTable: TableMapping {
    static let table = "problems"
    static let columns = ["id", "plan_id", "position", "statement", "client_words"]
    static func values(_ p: Problem) -> [(any DatabaseValueConvertible)?] {
        [p.id, p.planID, p.position, p.statement, p.clientWords]
    }
    static func decode(_ r: Row, at o: Int) throws -> Problem {
        Problem(id: r[o], planID: r[o + 1], position: r[o + 2], statement: r[o + 3], clientWords: r[o + 4])
    }
}

enum GoalTable: TableMapping {
    static let table = "goals"
    static let columns = ["id", "problem_id", "position", "statement", "kind", "target_date", "status"]
    static func values(_ g: Goal) -> [(any DatabaseValueConvertible)?] {
        [g.id, g.problemID, g.position, g.statement, g.kind.rawValue, g.targetDate?.sqlText, g.status.rawValue]
    }
    static func decode(_ r: Row, at o: Int) throws -> Goal {
        Goal(id: r[o], problemID: r[o + 1], position: r[o + 2], statement: r[o + 3],
             kind: try Col.value(r, o + 4, "goals.kind"), targetDate: try Col.optionalDay(r, o + 5, "goals.target_date"),
             status: try Col.value(r, o + 6, "goals.status"))
    }
}

enum ObjectiveTable: TableMapping {
    static let table = "objectives"
    static let columns = ["id", "goal_id", "position", "statement", "target_date", "status"]
    static func values(_ x: Objective) -> [(any DatabaseValueConvertible)?] {
        [x.id, x.goalID, x.position, x.statement, x.targetDate?.sqlText, x.status.rawValue]
    }
    static func decode(_ r: Row, at o: Int) throws -> Objective {
        Objective(id: r[o], goalID: r[o + 1], position: r[o + 2], statement: r[o + 3],
                  targetDate: try Col.optionalDay(r, o + 4, "objectives.target_date"),
                  status: try Col.value(r, o + 5, "objectives.status"))
    }
}

enum InterventionTable: TableMapping {
    static let table = "interventions"
    static let columns = ["id", "objective_id", "position", "modality_id", "times_per_period", "period",
                          "responsible_staff_id", "detail"]
    static func values(_ i: Intervention) -> [(any DatabaseValueConvertible)?] {
        [i.id, i.objectiveID, i.position, i.modalityID, i.timesPerPeriod, i.period.rawValue, i.responsibleStaffID, i.detail]
    }
    static func decode(_ r: Row, at o: Int) throws -> Intervention {
        Intervention(id: r[o], objectiveID: r[o + 1], position: r[o + 2], modalityID: r[o + 3],
                     timesPerPeriod: r[o + 4], period: try Col.value(r, o + 5, "interventions.period"),
                     responsibleStaffID: r[o + 6], detail: r[o + 7])
    }
}

enum NoteTable: TableMapping {
    static let table = "progress_notes"
    static let columns = ["id", "client_id", "staff_id", "date", "start_minute", "minutes", "modality_id", "format",
                          "template", "section1", "section2", "section3", "section4", "status", "signed_at",
                          "signed_by_id", "cosigned_at", "cosigned_by_id", "billing_units", "created_at", "updated_at",
                          "revision"]
    static func values(_ n: ProgressNote) -> [(any DatabaseValueConvertible)?] {
        let s = n.sections
        func section(_ i: Int) -> String { i < s.count ? s[i] : "" }
        return [n.id, n.clientID, n.staffID, n.date.sqlText, n.startMinute, n.minutes, n.modalityID,
                n.format.rawValue, n.template.rawValue, section(0), section(1), section(2), section(3),
                n.status.rawValue, n.signedAt, n.signedByID, n.cosignedAt, n.cosignedByID, n.billingUnits,
                n.createdAt, n.updatedAt, n.revision]
    }
    static func decode(_ r: Row, at o: Int) throws -> ProgressNote {
        let template: NoteTemplate = try Col.value(r, o + 8, "progress_notes.template")
        let sections: [String] = (0..<template.sections.count).map { r[o + 9 + $0] }
        return ProgressNote(
            id: r[o], clientID: r[o + 1], staffID: r[o + 2], date: try Col.day(r, o + 3, "progress_notes.date"),
            startMinute: r[o + 4], minutes: r[o + 5], modalityID: r[o + 6],
            format: try Col.value(r, o + 7, "progress_notes.format"), template: template, sections: sections,
            status: try Col.value(r, o + 13, "progress_notes.status"), signedAt: r[o + 14], signedByID: r[o + 15],
            cosignedAt: r[o + 16], cosignedByID: r[o + 17], billingUnits: r[o + 18],
            createdAt: try Col.date(r, o + 19, "progress_notes.created_at"),
            updatedAt: try Col.date(r, o + 20, "progress_notes.updated_at"), revision: r[o + 21])
    }
}

enum AppointmentTable: TableMapping {
    static let table = "appointments"
    static let columns = ["id", "client_id", "staff_id", "date", "start_minute", "minutes", "modality_id", "note_id"]
    static func values(_ a: Appointment) -> [(any DatabaseValueConvertible)?] {
        [a.id, a.clientID, a.staffID, a.date.sqlText, a.startMinute, a.minutes, a.modalityID, a.noteID]
    }
    static func decode(_ r: Row, at o: Int) throws -> Appointment {
        Appointment(id: r[o], clientID: r[o + 1], staffID: r[o + 2], date: try Col.day(r, o + 3, "appointments.date"),
                    startMinute: r[o + 4], minutes: r[o + 5], modalityID: r[o + 6], noteID: r[o + 7])
    }
}

enum GroupTable: TableMapping {
    static let table = "groups"
    static let columns = ["id", "name", "modality_id", "weekday", "start_minute", "minutes", "room", "is_open",
                          "capacity", "active", "revision"]
    static func values(_ g: CounselingGroup) -> [(any DatabaseValueConvertible)?] {
        [g.id, g.name, g.modalityID, g.weekday, g.startMinute, g.minutes, g.room, g.isOpen, g.capacity, g.active, g.revision]
    }
    static func decode(_ r: Row, at o: Int) throws -> CounselingGroup {
        CounselingGroup(id: r[o], name: r[o + 1], modalityID: r[o + 2], weekday: r[o + 3], startMinute: r[o + 4],
                        minutes: r[o + 5], room: r[o + 6], isOpen: r[o + 7], capacity: r[o + 8], active: r[o + 9],
                        revision: r[o + 10])
    }
}

enum FacilitatorTable: TableMapping {
    static let table = "group_facilitators"
    static let columns = ["group_id", "staff_id"]
    static func values(_ f: GroupFacilitator) -> [(any DatabaseValueConvertible)?] { [f.groupID, f.staffID] }
    static func decode(_ r: Row, at o: Int) throws -> GroupFacilitator { GroupFacilitator(groupID: r[o], staffID: r[o + 1]) }
}

enum MemberTable: TableMapping {
    static let table = "group_members"
    static let columns = ["id", "group_id", "client_id", "joined_on", "left_on"]
    static func values(_ m: GroupMember) -> [(any DatabaseValueConvertible)?] {
        [m.id, m.groupID, m.clientID, m.joinedOn.sqlText, m.leftOn?.sqlText]
    }
    static func decode(_ r: Row, at o: Int) throws -> GroupMember {
        GroupMember(id: r[o], groupID: r[o + 1], clientID: r[o + 2],
                    joinedOn: try Col.day(r, o + 3, "group_members.joined_on"),
                    leftOn: try Col.optionalDay(r, o + 4, "group_members.left_on"))
    }
}

enum GroupSessionTable: TableMapping {
    static let table = "group_sessions"
    static let columns = ["id", "group_id", "date", "start_minute", "minutes", "topic", "note", "status", "signed_at",
                          "signed_by_id", "revision"]
    static func values(_ s: GroupSession) -> [(any DatabaseValueConvertible)?] {
        [s.id, s.groupID, s.date.sqlText, s.startMinute, s.minutes, s.topic, s.note, s.status.rawValue,
         s.signedAt, s.signedByID, s.revision]
    }
    static func decode(_ r: Row, at o: Int) throws -> GroupSession {
        GroupSession(id: r[o], groupID: r[o + 1], date: try Col.day(r, o + 2, "group_sessions.date"),
                     startMinute: r[o + 3], minutes: r[o + 4], topic: r[o + 5], note: r[o + 6],
                     status: try Col.value(r, o + 7, "group_sessions.status"), signedAt: r[o + 8],
                     signedByID: r[o + 9], revision: r[o + 10])
    }
}

enum AttendanceTable: TableMapping {
    static let table = "attendance"
    static let columns = ["id", "group_session_id", "client_id", "status", "minutes", "line", "revision"]
    static func values(_ a: Attendance) -> [(any DatabaseValueConvertible)?] {
        [a.id, a.groupSessionID, a.clientID, a.status.rawValue, a.minutes, a.line, a.revision]
    }
    static func decode(_ r: Row, at o: Int) throws -> Attendance {
        Attendance(id: r[o], groupSessionID: r[o + 1], clientID: r[o + 2],
                   status: try Col.value(r, o + 3, "attendance.status"), minutes: r[o + 4], line: r[o + 5],
                   revision: r[o + 6])
    }
}

/// Drug screens without their results (those live in drug_screen_results).
enum DrugScreenTable: TableMapping {
    static let table = "drug_screens"
    static let columns = ["id", "client_id", "collected_on", "observed", "random", "note"]
    static func values(_ d: DrugScreen) -> [(any DatabaseValueConvertible)?] {
        [d.id, d.clientID, d.collectedOn.sqlText, d.observed, d.random, d.note]
    }
    static func decode(_ r: Row, at o: Int) throws -> DrugScreen {
        DrugScreen(id: r[o], clientID: r[o + 1], collectedOn: try Col.day(r, o + 2, "drug_screens.collected_on"),
                   observed: r[o + 3], random: r[o + 4], results: [:], note: r[o + 5])
    }
    static let insertResultSQL = "INSERT INTO drug_screen_results (screen_id, substance, result) VALUES (?, ?, ?)"

    /// Fills in `enteredInError` and `correctsID` (one query; most screens have neither).
    static func attachCorrections(_ screens: inout [DrugScreen], _ db: Database) throws {
        guard !screens.isEmpty else { return }
        var index: [RowID: Int] = [:]
        for (i, s) in screens.enumerated() { if let id = s.id { index[id] = i } }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT d.id, d.error_reason, d.error_at, coalesce(s.display_name, 'someone'), d.corrects_id
            FROM drug_screens d LEFT JOIN staff s ON s.id = d.error_by_id
            WHERE d.id IN (\(index.keys.map(String.init).joined(separator: ","))) AND (d.error_at IS NOT NULL OR d.corrects_id IS NOT NULL)
            """)
        while let r = try rows.next() {
            guard let i = index[r[0] as RowID] else { continue }
            if let at: Date = r[2] { screens[i].enteredInError = ScreenError(reason: r[1] ?? "", at: at, byName: r[3]) }
            screens[i].correctsID = r[4]
        }
    }

    /// Fills in `results` for screens whose ids are all in `ids` (one query).
    static func attachResults(_ screens: inout [DrugScreen], _ db: Database) throws {
        guard !screens.isEmpty else { return }
        var index: [RowID: Int] = [:]
        for (i, s) in screens.enumerated() { if let id = s.id { index[id] = i } }
        let ids = screens.compactMap(\.id)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT screen_id, substance, result FROM drug_screen_results
            WHERE screen_id IN (\(ids.map(String.init).joined(separator: ",")))
            """)
        while let r = try rows.next() {
            let id: RowID = r[0]
            guard let i = index[id] else { continue }
            screens[i].results[try Col.value(r, 1, "drug_screen_results.substance")] =
                try Col.value(r, 2, "drug_screen_results.result")
        }
    }
}

enum ReferralTable: TableMapping {
    static let table = "referrals"
    static let columns = ["id", "client_id", "type", "agency", "referred_on", "status", "follow_up_on", "note", "revision"]
    static func values(_ x: Referral) -> [(any DatabaseValueConvertible)?] {
        [x.id, x.clientID, x.type.rawValue, x.agency, x.referredOn.sqlText, x.status.rawValue,
         x.followUpOn?.sqlText, x.note, x.revision]
    }
    static func decode(_ r: Row, at o: Int) throws -> Referral {
        Referral(id: r[o], clientID: r[o + 1], type: try Col.value(r, o + 2, "referrals.type"), agency: r[o + 3],
                 referredOn: try Col.day(r, o + 4, "referrals.referred_on"),
                 status: try Col.value(r, o + 5, "referrals.status"),
                 followUpOn: try Col.optionalDay(r, o + 6, "referrals.follow_up_on"), note: r[o + 7], revision: r[o + 8])
    }
}

enum ContactTable: TableMapping {
    static let table = "contacts"
    static let columns = ["id", "client_id", "name", "relationship", "phone", "involvement", "consent_id", "revision"]
    static func values(_ c: Contact) -> [(any DatabaseValueConvertible)?] {
        [c.id, c.clientID, c.name, c.relationship, c.phone, c.involvement, c.consentID, c.revision]
    }
    static func decode(_ r: Row, at o: Int) throws -> Contact {
        Contact(id: r[o], clientID: r[o + 1], name: r[o + 2], relationship: r[o + 3], phone: r[o + 4],
                involvement: r[o + 5], consentID: r[o + 6], revision: r[o + 7])
    }
}

enum ConsentTable: TableMapping {
    static let table = "consents"
    static let columns = ["id", "client_id", "discloser", "recipient", "purpose", "information_covered", "expires_on",
                          "expiration_event", "signed_on", "revoked_on", "revision", "categories",
                          "revocation_statement", "revocation_note", "signed_by"]
    static func values(_ c: Consent) -> [(any DatabaseValueConvertible)?] {
        [c.id, c.clientID, c.discloser, c.recipient, c.purpose, c.informationCovered, c.expiresOn?.sqlText,
         c.expirationEvent, c.signedOn.sqlText, c.revokedOn?.sqlText, c.revision, Col.categories(c.categories),
         c.revocationStatement, c.revocationNote, c.signedBy.isEmpty ? Consent.signedByPatient : c.signedBy]
    }
    static func decode(_ r: Row, at o: Int) throws -> Consent {
        Consent(id: r[o], clientID: r[o + 1], discloser: r[o + 2], recipient: r[o + 3], purpose: r[o + 4],
                informationCovered: r[o + 5], expiresOn: try Col.optionalDay(r, o + 6, "consents.expires_on"),
                expirationEvent: r[o + 7], signedOn: try Col.day(r, o + 8, "consents.signed_on"), signedBy: r[o + 14],
                revokedOn: try Col.optionalDay(r, o + 9, "consents.revoked_on"), revision: r[o + 10],
                categories: try Col.categories(r, o + 11, "consents.categories"),
                revocationStatement: r[o + 12], revocationNote: r[o + 13])
    }
}

extension Col {
    /// Disclosure categories are a JSON array of their raw values.
    static func categories(_ c: [DisclosureCategory]) -> String { json(c.map(\.rawValue)) }
    static func categories(_ row: Row, _ i: Int, _ name: String) throws -> [DisclosureCategory] {
        let s: String = row[i] ?? "[]"
        guard let raw = try? JSONDecoder().decode([String].self, from: Data(s.utf8)) else {
            throw BadStoredValue(column: name, value: s)
        }
        return try raw.map { v in
            guard let c = DisclosureCategory(rawValue: v) else { throw BadStoredValue(column: name, value: s) }
            return c
        }
    }
}

enum AuditTable: TableMapping {
    static let table = "audit_events"
    static let columns = ["id", "at", "staff_id", "username", "action", "client_id", "subject", "detail",
                          "previous_hash", "hash"]
    static func values(_ e: AuditEvent) -> [(any DatabaseValueConvertible)?] {
        [e.id, e.at, e.staffID, e.username, e.action.rawValue, e.clientID, e.subject, e.detail, e.previousHash, e.hash]
    }
    static func decode(_ r: Row, at o: Int) throws -> AuditEvent {
        AuditEvent(id: r[o], at: try Col.date(r, o + 1, "audit_events.at"), staffID: r[o + 2], username: r[o + 3],
                   action: try Col.value(r, o + 4, "audit_events.action"), clientID: r[o + 5], subject: r[o + 6],
                   detail: r[o + 7], previousHash: r[o + 8], hash: r[o + 9])
    }
}

// MARK: - Program settings (key/value rows)

/// Settings are key/value rows so an administrator can read them with plain SQL; a key that is
/// absent (or unreadable) falls back to the default, so adding a setting needs no migration.
enum SettingsCodec {
    private struct Field: Sendable {
        var key: String
        var get: @Sendable (ProgramSettings) -> String
        var set: @Sendable (inout ProgramSettings, String) -> Void
    }

    private static func int(_ key: String, _ kp: WritableKeyPath<ProgramSettings, Int> & Sendable) -> Field {
        Field(key: key, get: { String($0[keyPath: kp]) }, set: { s, v in if let i = Int(v) { s[keyPath: kp] = i } })
    }
    private static func bool(_ key: String, _ kp: WritableKeyPath<ProgramSettings, Bool> & Sendable) -> Field {
        Field(key: key, get: { $0[keyPath: kp] ? "true" : "false" }, set: { s, v in
            switch v.lowercased() {
            case "true", "1", "yes": s[keyPath: kp] = true
            case "false", "0", "no": s[keyPath: kp] = false
            default: break
            }
        })
    }

    // Adding a field to ProgramSettings means adding a line here.
    private static let fields: [Field] = [
        Field(key: "program_name", get: { $0.programName }, set: { s, v in if !v.isEmpty { s.programName = v } }),
        int("plan_review_interval_days", \.planReviewIntervalDays),
        int("plan_due_warning_days", \.planDueWarningDays),
        int("no_contact_warning_days", \.noContactWarningDays),
        int("unsigned_note_hours", \.unsignedNoteHours),
        int("minutes_per_billing_unit", \.minutesPerBillingUnit),
        Field(key: "default_note_template", get: { $0.defaultNoteTemplate.rawValue },
              set: { s, v in if let t = NoteTemplate(rawValue: v) { s.defaultNoteTemplate = t } }),
        Field(key: "phases", get: { Col.json($0.phases) }, set: { s, v in
            if let p = try? JSONDecoder().decode([String].self, from: Data(v.utf8)), !p.isEmpty { s.phases = p }
        }),
        int("idle_lock_minutes", \.idleLockMinutes),
        int("consecutive_absences_alert", \.consecutiveAbsencesAlert),
        bool("supervisor_cosign_plans", \.supervisorCosignPlans),
        bool("is_demo", \.isDemo),
        bool("sign_requires_passphrase", \.signRequiresPassphrase),
        Field(key: "clinical_flags", get: { Col.json($0.clinicalFlags) }, set: { s, v in
            if let f = try? JSONDecoder().decode([String].self, from: Data(v.utf8)), !f.isEmpty { s.clinicalFlags = f }
        }),
    ]

    static func read(_ db: Database) throws -> ProgramSettings {
        var settings = ProgramSettings()
        var stored: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM program_settings") {
            stored[row[0]] = row[1]
        }
        for field in fields { if let v = stored[field.key] { field.set(&settings, v) } }
        return settings
    }

    static func write(_ settings: ProgramSettings, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO program_settings (key, value) VALUES (?, ?)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """)
        for field in fields { try statement.execute(arguments: [field.key, field.get(settings)]) }
    }
}

enum Tables {
    static var staffColumns: String { StaffTable.select() }
    static var clientColumns: String { ClientTable.select() }
    static func staff(_ row: Row) throws -> Staff { try StaffTable.decode(row) }
    static func client(_ row: Row) throws -> Client { try ClientTable.decode(row) }
    static func insert(_ staff: Staff, _ db: Database) throws -> RowID { try StaffTable.insert(staff, db) }
}

extension Day {
    /// "YYYY-MM-DD", as stored. Built from digits: `description` goes through String(format:),
    /// which is slow on Linux and the demo formats millions of dates.
    var sqlText: String {
        String(unsafeUninitializedCapacity: 10) { buffer in
            func put(_ value: Int, _ width: Int, at start: Int) {
                var v = value
                for i in stride(from: start + width - 1, through: start, by: -1) {
                    buffer[i] = UInt8(0x30 + v % 10)
                    v /= 10
                }
            }
            put(year, 4, at: 0)
            buffer[4] = 0x2D
            put(month, 2, at: 5)
            buffer[7] = 0x2D
            put(day, 2, at: 8)
            return 10
        }
    }
}
