// What case management asks of a store (issue 8): referrals, drug screens and contacts with their
// editors, the follow-ups and screens due that Home shows, the roster import and the three reports.
// Kept apart from CaseloadRepository like GroupRepository; SQLiteStore implements it.
import Foundation

/// Federal rules for maintenance patients (42 CFR 8.12): at least this many random screens a year.
public enum ScreenRule {
    public static let randomScreensPerYear = 8
    /// The window the rule counts over: the 12 months before `day`, `day` included.
    public static func windowStart(_ day: Day) -> Day {
        Day(year: day.year - 1, month: day.month, day: min(day.day, Day.daysIn(month: day.month, year: day.year - 1)))!
            .adding(days: 1)
    }
    /// Whether a phase name is the maintenance phase (the program names phases; matched loosely).
    public static func isMaintenance(_ phase: String) -> Bool {
        phase.lowercased().contains("maintenance")
    }
}

/// A referral whose follow-up date has come (on or before the day) while it is still open (made or accepted).
public struct FollowUpDue: Hashable, Sendable, Identifiable {
    public var referral: Referral
    public var clientName: String
    public var mrn: String
    public var id: RowID { referral.id! }
    public init(referral: Referral, clientName: String, mrn: String) {
        self.referral = referral; self.clientName = clientName; self.mrn = mrn
    }
}

/// A maintenance client of the counselor's caseload with too few random screens in the last 12 months.
public struct ScreensDue: Hashable, Sendable, Identifiable {
    public var clientID: RowID
    public var clientName: String
    public var mrn: String
    public var randomScreens: Int         // random screens collected in the window
    public var id: RowID { clientID }
    public init(clientID: RowID, clientName: String, mrn: String, randomScreens: Int) {
        self.clientID = clientID; self.clientName = clientName; self.mrn = mrn; self.randomScreens = randomScreens
    }
}

/// A contact with the consent that covers them (nil: "no consent on file").
public struct ContactRow: Hashable, Sendable, Identifiable {
    public var contact: Contact
    /// The active consent the contact points to, when it is still in force on the day asked for.
    public var activeConsent: Consent?
    public var id: RowID { contact.id! }
    public init(contact: Contact, activeConsent: Consent?) { self.contact = contact; self.activeConsent = activeConsent }
}

// MARK: - Roster import

/// One roster row, already checked field by field (names, dates, enumerations); the store checks
/// the counselor and the MRN against what it holds.
public struct ClientImportRow: Hashable, Sendable {
    public var row: Int                   // line of the file (the header is row 1), for messages
    public var mrn: String
    public var lastName: String
    public var firstName: String
    public var preferredName: String?     // nil: the file has no such column (keep what the store has)
    public var dateOfBirth: Day
    public var admissionDate: Day
    public var phase: String
    public var medication: Medication
    public var doseMg: Double
    public var takeHomeLevel: Int
    public var counselorUsername: String? // nil or empty: no primary counselor
    public var status: ClientStatus
    public init(row: Int, mrn: String, lastName: String, firstName: String, preferredName: String?, dateOfBirth: Day,
                admissionDate: Day, phase: String, medication: Medication, doseMg: Double, takeHomeLevel: Int,
                counselorUsername: String?, status: ClientStatus) {
        self.row = row; self.mrn = mrn; self.lastName = lastName; self.firstName = firstName
        self.preferredName = preferredName; self.dateOfBirth = dateOfBirth; self.admissionDate = admissionDate
        self.phase = phase; self.medication = medication; self.doseMg = doseMg; self.takeHomeLevel = takeHomeLevel
        self.counselorUsername = counselorUsername; self.status = status
    }
}

public struct ImportSummary: Hashable, Sendable {
    public var added: Int
    public var updated: Int
    public var unchanged: Int
    public init(added: Int, updated: Int, unchanged: Int) {
        self.added = added; self.updated = updated; self.unchanged = unchanged
    }
    public var sentence: String { "\(added) added, \(updated) updated, \(unchanged) unchanged" }
}

/// Problems found in a file, each naming a row and a column; nothing was written.
public struct ImportProblems: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Problem: Hashable, Sendable {
        public var row: Int?              // nil: about the whole file
        public var column: String?
        public var message: String
        public init(row: Int?, column: String?, message: String) {
            self.row = row; self.column = column; self.message = message
        }
        public var line: String {
            switch (row, column) {
            case let (r?, c?): "row \(r), column \(c): \(message)"
            case let (r?, nil): "row \(r): \(message)"
            case let (nil, c?): "column \(c): \(message)"
            case (nil, nil): message
            }
        }
    }
    public static let limit = 50
    public var problems: [Problem]
    public var more: Int                  // problems found beyond `limit`, not listed
    public init(problems: [Problem], more: Int = 0) { self.problems = problems; self.more = more }
    public var description: String {
        var lines = ["Nothing was imported: the file has \(problems.count + more) problem\(problems.count + more == 1 ? "" : "s")."]
        lines += problems.map { "  " + $0.line }
        if more > 0 { lines.append("  … and \(more) more.") }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Reports

public struct CaseloadReportRow: Hashable, Sendable {
    public var counselorName: String      // "Unassigned" for clients without a primary counselor
    public var username: String?
    public var active: Int                // now
    public var onHold: Int                // now
    public var admissions: Int            // admission date within the period
    public var discharges: Int            // discharge date within the period
    public init(counselorName: String, username: String?, active: Int, onHold: Int, admissions: Int, discharges: Int) {
        self.counselorName = counselorName; self.username = username; self.active = active; self.onHold = onHold
        self.admissions = admissions; self.discharges = discharges
    }
}

public enum OverdueKind: String, CaseIterable, Hashable, Sendable {
    case planReview = "plan_review", unsignedNote = "unsigned_note", referralFollowUp = "referral_follow_up",
         consentExpiring = "consent_expiring", screensDue = "screens_due", groupSessionUnsigned = "group_session_unsigned"
    public var label: String {
        switch self {
        case .planReview: "Plan review overdue"
        case .unsignedNote: "Unsigned note"
        case .referralFollowUp: "Referral follow-up"
        case .consentExpiring: "Consent expiring"
        case .screensDue: "Random screens due"
        case .groupSessionUnsigned: "Group session not signed"
        }
    }
}

public struct OverdueItem: Hashable, Sendable {
    public var kind: OverdueKind
    public var counselorName: String
    public var clientName: String
    public var mrn: String
    public var date: Day?                 // the due / expiry / session date
    public var detail: String
    public init(kind: OverdueKind, counselorName: String, clientName: String, mrn: String, date: Day?, detail: String) {
        self.kind = kind; self.counselorName = counselorName; self.clientName = clientName; self.mrn = mrn
        self.date = date; self.detail = detail
    }
}

public struct ProductivityRow: Hashable, Sendable {
    public var staffName: String
    public var modality: String
    public var sessions: Int              // sessions held (no-shows not counted)
    public var minutes: Int
    public var billingUnits: Int
    public var noShows: Int
    public init(staffName: String, modality: String, sessions: Int, minutes: Int, billingUnits: Int, noShows: Int) {
        self.staffName = staffName; self.modality = modality; self.sessions = sessions; self.minutes = minutes
        self.billingUnits = billingUnits; self.noShows = noShows
    }
}

/// What a counselor keeps up to date about a client (the Summary tab's edit). The legal name, the dose
/// and the take-home level are not here: the dosing system and the nurses own them.
public struct ClientDetails: Hashable, Sendable {
    public var preferredName: String?
    public var pronouns: String?
    public var phone: String?
    /// nil: no emergency contact on file.
    public var emergencyContact: EmergencyContact?
    public init(preferredName: String?, pronouns: String?, phone: String?, emergencyContact: EmergencyContact?) {
        self.preferredName = preferredName; self.pronouns = pronouns; self.phone = phone
        self.emergencyContact = emergencyContact
    }
    public init(_ c: Client) {
        self.init(preferredName: c.preferredName, pronouns: c.pronouns, phone: c.phone, emergencyContact: c.emergencyContact)
    }
}

extension ClientDetails {
    public enum Field: Int, CaseIterable, Sendable {
        case preferredName, pronouns, phone, contactName, contactRelationship, contactPhone
    }
    /// Why the details cannot be saved: a sentence and the field to fix.
    public struct Invalid: Error, Hashable, Sendable {
        public var field: Field
        public var sentence: String
    }

    /// Trimmed, empty fields as nil (no emergency contact when its three fields are empty), or the first
    /// thing to fix. The store checks with this too, so the form and the store say the same.
    public func validated() -> Result<ClientDetails, Invalid> {
        func clean(_ s: String?) -> String? {
            let t = (s ?? "").trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        func check(_ value: String?, _ field: Field, _ what: String, max: Int) -> Invalid? {
            guard let value else { return nil }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return Invalid(field: field, sentence: "The \(what) cannot contain line breaks, tabs or other control characters.")
            }
            if value.count > max {
                let be = what.hasSuffix("pronouns") ? "are" : "is"
                return Invalid(field: field, sentence: "The \(what) \(be) too long (\(value.count) characters; at most \(max)).")
            }
            return nil
        }
        func checkPhone(_ value: String?, _ field: Field, _ what: String) -> Invalid? {
            guard let value else { return nil }
            if let bad = check(value, field, what, max: 40) { return bad }
            let allowed = CharacterSet(charactersIn: "0123456789 +-().x/")
            let digits = value.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) && $0.isASCII }.count
            if !value.unicodeScalars.allSatisfy({ allowed.contains($0) }) || digits < 3 {
                return Invalid(field: field, sentence: "The \(what) must be digits, like 555-0142 or +1 (555) 010-0142 x12.")
            }
            return nil
        }
        var out = ClientDetails(preferredName: clean(preferredName), pronouns: clean(pronouns), phone: clean(phone),
                                emergencyContact: nil)
        if let bad = check(out.preferredName, .preferredName, "preferred name", max: 100)
            ?? check(out.pronouns, .pronouns, "pronouns", max: 40)
            ?? checkPhone(out.phone, .phone, "phone number") { return .failure(bad) }
        let name = clean(emergencyContact?.name), relationship = clean(emergencyContact?.relationship)
        let contactPhone = clean(emergencyContact?.phone)
        if name != nil || relationship != nil || contactPhone != nil {
            guard let name else {
                return .failure(Invalid(field: .contactName, sentence: "Give the emergency contact's name, or clear the contact's other fields."))
            }
            if let bad = check(name, .contactName, "emergency contact's name", max: 200)
                ?? check(relationship, .contactRelationship, "emergency contact's relationship", max: 100)
                ?? checkPhone(contactPhone, .contactPhone, "emergency contact's phone number") { return .failure(bad) }
            guard contactPhone != nil else {
                return .failure(Invalid(field: .contactPhone, sentence: "Give a phone number for the emergency contact \(name)."))
            }
            out.emergencyContact = EmergencyContact(name: name, relationship: relationship ?? "", phone: contactPhone ?? "")
        }
        return .success(out)
    }
}

public protocol CaseManagementRepository: AnyObject, Sendable {
    /// Saves the counselor-maintained details of a client. `expectedVersion` is the client's `version` as
    /// shown (nil overwrites, after the person chose so); a stale one throws EditConflict naming who changed
    /// the client and when. Bad text throws CaseloadError.invalidInput with a sentence. Audited as update.
    /// Returns the client as stored (version bumped).
    func saveClientDetails(clientID: RowID, _ details: ClientDetails, expectedVersion: Int?, by staff: Staff) throws -> Client

    /// Newest referral date first.
    func referralList(clientID: RowID) throws -> [Referral]
    /// Creates (id nil) or updates a referral; a stale `revision` throws EditConflict. Audited.
    func saveReferral(_ referral: Referral, by staff: Staff) throws -> Referral
    /// Newest collection first, at most `limit`.
    func screenHistory(clientID: RowID, limit: Int) throws -> [DrugScreen]
    /// Records a collection (screens are never edited once recorded). Audited.
    func recordScreen(_ screen: DrugScreen, by staff: Staff) throws -> DrugScreen
    /// Marks a recorded screen entered in error with a reason (at least a few words); audited. It stays, marked.
    func markScreenEnteredInError(screenID: RowID, reason: String, by staff: Staff) throws -> DrugScreen
    /// Records `screen` as the corrected result of `replacing`, which is marked entered in error in the same
    /// transaction, its reason naming the new screen.
    func recordCorrection(_ screen: DrugScreen, replacing: RowID, reason: String, by staff: Staff) throws -> DrugScreen
    /// Contacts by name with the consent covering each on `day`.
    func contactRows(clientID: RowID, on day: Day) throws -> [ContactRow]
    func saveContact(_ contact: Contact, by staff: Staff) throws -> Contact
    /// Consents of the client in force on `day` (a contact may name one).
    func activeConsents(clientID: RowID, on day: Day) throws -> [Consent]

    /// Open referrals of the counselor's clients whose follow-up date is on or before `day`.
    func followUpsDue(counselorID: RowID, on day: Day) throws -> [FollowUpDue]
    /// Active maintenance clients of the counselor with fewer than 8 random screens in the 12 months to `day`.
    func screensDue(counselorID: RowID, on day: Day) throws -> [ScreensDue]

    /// Adds or updates (by MRN) every row in one transaction, or nothing: a row naming an unknown or
    /// inactive counselor throws ImportProblems. `dryRun` checks and counts without writing. Audited.
    /// `source` names the file in the audit trail. Only administrators and clinical supervisors may import.
    func importClients(_ rows: [ClientImportRow], source: String, by staff: Staff, dryRun: Bool) throws -> ImportSummary

    /// Per counselor (or only `staffID`): current active / on hold, admissions and discharges in from…to.
    func caseloadReport(staffID: RowID?, from: Day, to: Day) throws -> [CaseloadReportRow]
    /// Items overdue on `day` for the caseload of `staffID` (nil: everyone).
    func overdueReport(staffID: RowID?, on day: Day) throws -> [OverdueItem]
    /// Sessions from progress notes dated from…to, per staff member and modality.
    func productivityReport(staffID: RowID?, from: Day, to: Day) throws -> [ProductivityRow]
    /// The same period's total with each group session counted once, however many facilitators ran it (the rows
    /// credit every facilitator; a program total that added them up would count a co-facilitated session twice).
    func productivityTotal(staffID: RowID?, from: Day, to: Day) throws -> ProductivityRow
}
