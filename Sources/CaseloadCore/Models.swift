// The records of the domain model (SPEC §3). Plain Codable values: the store maps them to
// tables, `caseload export` encodes them as JSON (camelCase keys), view-models read them.
import Foundation

public typealias RowID = Int64

public struct Staff: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var username: String          // the OS login used over SSH; unique
    public var displayName: String
    public var credentials: String       // e.g. "LADC", "CADC-II"; may be empty
    /// The name a signature keeps: "Ana Pérez, LADC" (the name alone without credentials).
    public var signatureText: String { credentials.isEmpty ? displayName : "\(displayName), \(credentials)" }
    public var role: StaffRole
    public var supervisorID: RowID?      // the clinical supervisor of this staff member
    public var active: Bool
    public var needsCosign: Bool         // notes and plans need a supervisor co-signature
    public init(id: RowID? = nil, username: String, displayName: String, credentials: String = "",
                role: StaffRole, supervisorID: RowID? = nil, active: Bool = true, needsCosign: Bool = false) {
        self.id = id; self.username = username; self.displayName = displayName; self.credentials = credentials
        self.role = role; self.supervisorID = supervisorID; self.active = active; self.needsCosign = needsCosign
    }
}

public struct EmergencyContact: Codable, Hashable, Sendable {
    public var name: String
    public var relationship: String
    public var phone: String
    public init(name: String, relationship: String, phone: String) {
        self.name = name; self.relationship = relationship; self.phone = phone
    }
}

public struct Client: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var mrn: String               // chart number; unique
    public var legalFirstName: String
    public var legalLastName: String
    public var preferredName: String?    // what the client likes to be called
    public var pronouns: String?
    public var dateOfBirth: Day
    public var phone: String?
    public var admissionDate: Day
    public var dischargeDate: Day?
    public var dischargeReason: String?
    public var status: ClientStatus
    public var phase: String             // program-defined phase name (see ProgramSettings.phases)
    public var medication: Medication
    public var doseMg: Double            // read-only for counselors: nurses own it
    public var takeHomeLevel: Int        // take-home doses per week/fortnight; 0 = daily observed dosing
    public var primaryCounselorID: RowID?
    public var flags: [String]           // e.g. "co-occurring", "pregnancy", "safety alert"
    public var emergencyContact: EmergencyContact?
    public var version: Int              // optimistic versioning
    public init(id: RowID? = nil, mrn: String, legalFirstName: String, legalLastName: String,
                preferredName: String? = nil, pronouns: String? = nil, dateOfBirth: Day, phone: String? = nil,
                admissionDate: Day, dischargeDate: Day? = nil, dischargeReason: String? = nil,
                status: ClientStatus = .active, phase: String, medication: Medication, doseMg: Double,
                takeHomeLevel: Int = 0, primaryCounselorID: RowID? = nil, flags: [String] = [],
                emergencyContact: EmergencyContact? = nil, version: Int = 1) {
        self.id = id; self.mrn = mrn; self.legalFirstName = legalFirstName; self.legalLastName = legalLastName
        self.preferredName = preferredName; self.pronouns = pronouns; self.dateOfBirth = dateOfBirth
        self.phone = phone; self.admissionDate = admissionDate; self.dischargeDate = dischargeDate
        self.dischargeReason = dischargeReason; self.status = status; self.phase = phase
        self.medication = medication; self.doseMg = doseMg; self.takeHomeLevel = takeHomeLevel
        self.primaryCounselorID = primaryCounselorID; self.flags = flags
        self.emergencyContact = emergencyContact; self.version = version
    }
    /// "Last, First" with the preferred name in quotes when it differs.
    public var displayName: String {
        if let p = preferredName, !p.isEmpty, p != legalFirstName {
            return "\(legalLastName), \(legalFirstName) \"\(p)\""
        }
        return "\(legalLastName), \(legalFirstName)"
    }
}

public struct Modality: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var name: String              // unique
    public var active: Bool
    public init(id: RowID? = nil, name: String, active: Bool = true) {
        self.id = id; self.name = name; self.active = active
    }
    /// The modalities every program starts with (SPEC §3).
    public static let seeded = [
        "Individual counseling", "Cognitive-behavioral therapy", "Motivational interviewing", "Group therapy",
        "Family therapy / family involvement", "Case management", "Peer support", "Drug education",
        "Psychotherapy", "12-step facilitation", "Relapse prevention", "HIV/HCV prevention counseling",
    ]
}

public struct TreatmentPlan: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var clientID: RowID
    public var version: Int              // 1, 2, … per client; a review creates the next
    public var status: PlanStatus
    public var effectiveDate: Day
    public var nextReviewDate: Day
    public var clientWords: String       // the client's own words about what they want
    public var createdByID: RowID?
    public var reviewNote: String?       // what the review that created this version found
    public var revision: Int             // optimistic versioning of the draft
    public init(id: RowID? = nil, clientID: RowID, version: Int, status: PlanStatus, effectiveDate: Day,
                nextReviewDate: Day, clientWords: String = "", createdByID: RowID? = nil,
                reviewNote: String? = nil, revision: Int = 1) {
        self.id = id; self.clientID = clientID; self.version = version; self.status = status
        self.effectiveDate = effectiveDate; self.nextReviewDate = nextReviewDate; self.clientWords = clientWords
        self.createdByID = createdByID; self.reviewNote = reviewNote; self.revision = revision
    }
}

public struct PlanSignature: Codable, Hashable, Sendable {
    public var id: RowID?
    public var planID: RowID
    public var role: SignatureRole
    public var signerName: String        // the client's name, or the staff member's display name
    public var staffID: RowID?           // nil for the client's signature
    public var signedAt: Date
    public init(id: RowID? = nil, planID: RowID, role: SignatureRole, signerName: String, staffID: RowID?, signedAt: Date) {
        self.id = id; self.planID = planID; self.role = role; self.signerName = signerName
        self.staffID = staffID; self.signedAt = signedAt
    }
}

public struct Problem: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var planID: RowID
    public var position: Int
    public var statement: String
    public var clientWords: String
    public init(id: RowID? = nil, planID: RowID, position: Int, statement: String, clientWords: String = "") {
        self.id = id; self.planID = planID; self.position = position; self.statement = statement
        self.clientWords = clientWords
    }
}

public struct Goal: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var problemID: RowID
    public var position: Int
    public var statement: String
    public var kind: GoalKind
    public var targetDate: Day?
    public var status: GoalStatus
    public init(id: RowID? = nil, problemID: RowID, position: Int, statement: String, kind: GoalKind,
                targetDate: Day?, status: GoalStatus = .active) {
        self.id = id; self.problemID = problemID; self.position = position; self.statement = statement
        self.kind = kind; self.targetDate = targetDate; self.status = status
    }
}

public struct Objective: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var goalID: RowID
    public var position: Int
    public var statement: String
    public var targetDate: Day?
    public var status: ObjectiveStatus
    public init(id: RowID? = nil, goalID: RowID, position: Int, statement: String, targetDate: Day?,
                status: ObjectiveStatus = .notStarted) {
        self.id = id; self.goalID = goalID; self.position = position; self.statement = statement
        self.targetDate = targetDate; self.status = status
    }
}

public struct Intervention: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var objectiveID: RowID
    public var position: Int
    public var modalityID: RowID
    public var timesPerPeriod: Int       // e.g. 2 (times) …
    public var period: FrequencyPeriod   // … per week
    public var responsibleStaffID: RowID?
    public var detail: String
    public init(id: RowID? = nil, objectiveID: RowID, position: Int, modalityID: RowID, timesPerPeriod: Int,
                period: FrequencyPeriod, responsibleStaffID: RowID?, detail: String = "") {
        self.id = id; self.objectiveID = objectiveID; self.position = position; self.modalityID = modalityID
        self.timesPerPeriod = timesPerPeriod; self.period = period; self.responsibleStaffID = responsibleStaffID
        self.detail = detail
    }
    public var frequencyLabel: String { "\(timesPerPeriod)×/\(period.rawValue)" }
}

/// A counseling session and its progress note (one record: SPEC §3 "Session / progress note").
public struct ProgressNote: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var clientID: RowID
    public var staffID: RowID
    public var date: Day
    public var startMinute: Int          // minutes since local midnight
    public var minutes: Int              // duration
    public var modalityID: RowID
    public var format: SessionFormat
    public var template: NoteTemplate
    public var sections: [String]        // one text per template section, in order
    public var status: NoteStatus
    public var signedAt: Date?
    public var signedByID: RowID?
    public var cosignedAt: Date?
    public var cosignedByID: RowID?
    public var billingUnits: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var revision: Int             // optimistic versioning of the draft
    public init(id: RowID? = nil, clientID: RowID, staffID: RowID, date: Day, startMinute: Int, minutes: Int,
                modalityID: RowID, format: SessionFormat, template: NoteTemplate, sections: [String],
                status: NoteStatus, signedAt: Date? = nil, signedByID: RowID? = nil, cosignedAt: Date? = nil,
                cosignedByID: RowID? = nil, billingUnits: Int, createdAt: Date, updatedAt: Date, revision: Int = 1) {
        self.id = id; self.clientID = clientID; self.staffID = staffID; self.date = date
        self.startMinute = startMinute; self.minutes = minutes; self.modalityID = modalityID; self.format = format
        self.template = template; self.sections = sections; self.status = status; self.signedAt = signedAt
        self.signedByID = signedByID; self.cosignedAt = cosignedAt; self.cosignedByID = cosignedByID
        self.billingUnits = billingUnits; self.createdAt = createdAt; self.updatedAt = updatedAt
        self.revision = revision
    }
}

/// A scheduled individual appointment (shows on Home; becomes a ProgressNote when held).
public struct Appointment: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var clientID: RowID
    public var staffID: RowID
    public var date: Day
    public var startMinute: Int
    public var minutes: Int
    public var modalityID: RowID
    public var noteID: RowID?            // the note written for it, once written
    public init(id: RowID? = nil, clientID: RowID, staffID: RowID, date: Day, startMinute: Int, minutes: Int,
                modalityID: RowID, noteID: RowID? = nil) {
        self.id = id; self.clientID = clientID; self.staffID = staffID; self.date = date
        self.startMinute = startMinute; self.minutes = minutes; self.modalityID = modalityID; self.noteID = noteID
    }
}

public struct CounselingGroup: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var name: String              // unique
    public var modalityID: RowID
    public var weekday: Int              // 0 = Monday … 6 = Sunday
    public var startMinute: Int
    public var minutes: Int
    public var room: String
    public var isOpen: Bool              // open enrollment vs closed cohort
    public var capacity: Int
    public var active: Bool
    public var revision: Int
    public init(id: RowID? = nil, name: String, modalityID: RowID, weekday: Int, startMinute: Int, minutes: Int,
                room: String, isOpen: Bool, capacity: Int, active: Bool = true, revision: Int = 1) {
        self.id = id; self.name = name; self.modalityID = modalityID; self.weekday = weekday
        self.startMinute = startMinute; self.minutes = minutes; self.room = room; self.isOpen = isOpen
        self.capacity = capacity; self.active = active; self.revision = revision
    }
    public var scheduleLabel: String {
        "\(Day.weekdayNames[weekday]) \(formatClockTime(startMinute)) \(minutes)m"
    }
}

public struct GroupFacilitator: Codable, Hashable, Sendable {
    public var groupID: RowID
    public var staffID: RowID
    public init(groupID: RowID, staffID: RowID) { self.groupID = groupID; self.staffID = staffID }
}

public struct GroupMember: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var groupID: RowID
    public var clientID: RowID
    public var joinedOn: Day
    public var leftOn: Day?
    public init(id: RowID? = nil, groupID: RowID, clientID: RowID, joinedOn: Day, leftOn: Day? = nil) {
        self.id = id; self.groupID = groupID; self.clientID = clientID; self.joinedOn = joinedOn; self.leftOn = leftOn
    }
}

public struct GroupSession: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var groupID: RowID
    public var date: Day
    public var startMinute: Int
    public var minutes: Int
    public var topic: String
    public var note: String
    public var status: GroupSessionStatus
    public var signedAt: Date?
    public var signedByID: RowID?
    public var revision: Int
    public init(id: RowID? = nil, groupID: RowID, date: Day, startMinute: Int, minutes: Int, topic: String = "",
                note: String = "", status: GroupSessionStatus, signedAt: Date? = nil, signedByID: RowID? = nil,
                revision: Int = 1) {
        self.id = id; self.groupID = groupID; self.date = date; self.startMinute = startMinute
        self.minutes = minutes; self.topic = topic; self.note = note; self.status = status
        self.signedAt = signedAt; self.signedByID = signedByID; self.revision = revision
    }
}

public struct Attendance: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var groupSessionID: RowID
    public var clientID: RowID
    public var status: AttendanceStatus
    public var minutes: Int
    public var line: String              // the member's individual line; appears in their chart
    public var revision: Int
    public init(id: RowID? = nil, groupSessionID: RowID, clientID: RowID, status: AttendanceStatus, minutes: Int,
                line: String = "", revision: Int = 1) {
        self.id = id; self.groupSessionID = groupSessionID; self.clientID = clientID; self.status = status
        self.minutes = minutes; self.line = line; self.revision = revision
    }
}

public struct DrugScreen: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var clientID: RowID
    public var collectedOn: Day
    public var observed: Bool
    public var random: Bool
    public var results: [Substance: ScreenResult]
    public var note: String
    /// Set when the screen was marked entered in error (the laboratory convention): it stays in the chart and in
    /// exports, marked, and leaves positivity counts, trends and the random-screen count.
    public var enteredInError: ScreenError?
    /// The screen this one corrects (that one is entered in error, with a reason naming this one).
    public var correctsID: RowID?
    public init(id: RowID? = nil, clientID: RowID, collectedOn: Day, observed: Bool, random: Bool = true,
                results: [Substance: ScreenResult], note: String = "", enteredInError: ScreenError? = nil,
                correctsID: RowID? = nil) {
        self.id = id; self.clientID = clientID; self.collectedOn = collectedOn; self.observed = observed
        self.random = random; self.results = results; self.note = note; self.enteredInError = enteredInError
        self.correctsID = correctsID
    }

    /// The substance of the client's own medication: in a methadone program the medication is the expected positive.
    public static func ownSubstance(_ m: Medication) -> Substance? {
        switch m {
        case .methadone: .methadone
        case .buprenorphine: .buprenorphine
        case .naltrexone: nil
        }
    }

    /// A negative for the client's own medication: it may not be being taken (possible diversion).
    public func unexpectedNegative(for medication: Medication) -> Substance? {
        guard let own = Self.ownSubstance(medication), results[own] == .negative else { return nil }
        return own
    }

    /// Positives other than the client's own medication: the results that are a clinical concern.
    public func unexpectedPositives(for medication: Medication) -> [Substance] {
        let own = Self.ownSubstance(medication)
        return Substance.allCases.filter { $0 != own && results[$0] == .positive }
    }
}

/// Why and when a screen was marked entered in error, and by whom.
public struct ScreenError: Codable, Hashable, Sendable {
    public var reason: String
    public var at: Date
    public var byName: String
    public init(reason: String, at: Date, byName: String) { self.reason = reason; self.at = at; self.byName = byName }
}

public struct Referral: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var clientID: RowID
    public var type: ReferralType
    public var agency: String
    public var referredOn: Day
    public var status: ReferralStatus
    public var followUpOn: Day?
    public var note: String
    public var revision: Int
    public init(id: RowID? = nil, clientID: RowID, type: ReferralType, agency: String, referredOn: Day,
                status: ReferralStatus, followUpOn: Day?, note: String = "", revision: Int = 1) {
        self.id = id; self.clientID = clientID; self.type = type; self.agency = agency; self.referredOn = referredOn
        self.status = status; self.followUpOn = followUpOn; self.note = note; self.revision = revision
    }
}

public struct Contact: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var clientID: RowID
    public var name: String
    public var relationship: String
    public var phone: String
    public var involvement: String       // how this person takes part in treatment
    public var consentID: RowID?         // the Part 2 consent that covers talking with them
    public var revision: Int
    public init(id: RowID? = nil, clientID: RowID, name: String, relationship: String, phone: String,
                involvement: String, consentID: RowID? = nil, revision: Int = 1) {
        self.id = id; self.clientID = clientID; self.name = name; self.relationship = relationship
        self.phone = phone; self.involvement = involvement; self.consentID = consentID; self.revision = revision
    }
}

/// A 42 CFR Part 2 § 2.31 written consent.
public struct Consent: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var clientID: RowID
    public var discloser: String         // who may disclose (the program)
    public var recipient: String         // by name or class
    public var purpose: String
    public var informationCovered: String
    public var expiresOn: Day?
    public var expirationEvent: String?
    public var signedOn: Day
    /// Who signed (§ 2.31(a)(8)): `Consent.signedByPatient`, or the name and authority of the person who
    /// signed for the patient (a parent of a minor, a guardian, a personal representative).
    public var signedBy: String
    public var revokedOn: Day?
    public var revision: Int
    /// What information, specifically (§ 2.31(a)(3)): the parts of the chart a disclosure may write.
    public var categories: [DisclosureCategory]
    /// The right to revoke and how, as shown to the patient (§ 2.31(a)(6)).
    public var revocationStatement: String
    /// How the patient revoked it (in writing, by telling whom), once revoked.
    public var revocationNote: String?
    public init(id: RowID? = nil, clientID: RowID, discloser: String, recipient: String, purpose: String,
                informationCovered: String, expiresOn: Day?, expirationEvent: String? = nil, signedOn: Day,
                signedBy: String = Consent.signedByPatient,
                revokedOn: Day? = nil, revision: Int = 1, categories: [DisclosureCategory] = [],
                revocationStatement: String = PartTwo.rightToRevoke, revocationNote: String? = nil) {
        self.id = id; self.clientID = clientID; self.discloser = discloser; self.recipient = recipient
        self.purpose = purpose; self.informationCovered = informationCovered; self.expiresOn = expiresOn
        self.expirationEvent = expirationEvent; self.signedOn = signedOn; self.signedBy = signedBy; self.revokedOn = revokedOn
        self.revision = revision; self.categories = categories; self.revocationStatement = revocationStatement
        self.revocationNote = revocationNote
    }
    public func isActive(on day: Day) -> Bool {
        if let r = revokedOn, r <= day { return false }
        if let e = expiresOn, e < day { return false }
        return signedOn <= day
    }
}

public struct AuditEvent: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var at: Date
    public var staffID: RowID?
    public var username: String          // kept even if the staff row changes
    public var action: AuditAction
    public var clientID: RowID?
    public var subject: String           // e.g. "chart", "note 123", "plan 7"
    public var detail: String
    public var previousHash: String      // hex SHA-256 of the previous row (chain)
    public var hash: String
    public init(id: RowID? = nil, at: Date, staffID: RowID?, username: String, action: AuditAction,
                clientID: RowID?, subject: String, detail: String, previousHash: String = "", hash: String = "") {
        self.id = id; self.at = at; self.staffID = staffID; self.username = username; self.action = action
        self.clientID = clientID; self.subject = subject; self.detail = detail
        self.previousHash = previousHash; self.hash = hash
    }
}

/// Program-wide settings an administrator changes (stored as key/value rows).
public struct ProgramSettings: Codable, Hashable, Sendable {
    public var programName: String
    public var planReviewIntervalDays: Int
    public var planDueWarningDays: Int
    public var noContactWarningDays: Int
    public var unsignedNoteHours: Int
    public var minutesPerBillingUnit: Int
    public var defaultNoteTemplate: NoteTemplate
    public var phases: [String]
    public var idleLockMinutes: Int
    public var consecutiveAbsencesAlert: Int
    public var supervisorCosignPlans: Bool
    public var isDemo: Bool              // only a store made by `caseload demo` allows `--as`
    /// Flags that are clinical safety information: shown in full and first on every screen about one client, to
    /// everyone who sees any part of the chart. A client's flag matches when it starts with one of these.
    public var clinicalFlags: [String] = ProgramSettings.defaultClinicalFlags
    /// Signing a note, a plan or a group session asks for the signer's passphrase (when they have set one), as the
    /// lock screen does: a signature is the person, not whoever sits at their open session.
    public var signRequiresPassphrase = true
    public static let defaultClinicalFlags = ["safety alert", "pregnancy", "allergy"]

    /// The client's flags that are clinical safety information, in the client's order.
    public func safetyFlags(_ flags: [String]) -> [String] {
        let marks = clinicalFlags.map { $0.lowercased() }
        return flags.filter { f in let l = f.lowercased(); return marks.contains { l.hasPrefix($0) } }
    }

    public init(programName: String = "Opioid Treatment Program", planReviewIntervalDays: Int = 90,
                planDueWarningDays: Int = 14, noContactWarningDays: Int = 30, unsignedNoteHours: Int = 24,
                minutesPerBillingUnit: Int = 15, defaultNoteTemplate: NoteTemplate = .dap,
                phases: [String] = ["Orientation", "Stabilization", "Maintenance", "Medically supervised withdrawal"],
                idleLockMinutes: Int = 10, consecutiveAbsencesAlert: Int = 2, supervisorCosignPlans: Bool = false,
                isDemo: Bool = false) {
        self.programName = programName; self.planReviewIntervalDays = planReviewIntervalDays
        self.planDueWarningDays = planDueWarningDays; self.noContactWarningDays = noContactWarningDays
        self.unsignedNoteHours = unsignedNoteHours; self.minutesPerBillingUnit = minutesPerBillingUnit
        self.defaultNoteTemplate = defaultNoteTemplate; self.phases = phases; self.idleLockMinutes = idleLockMinutes
        self.consecutiveAbsencesAlert = consecutiveAbsencesAlert; self.supervisorCosignPlans = supervisorCosignPlans
        self.isDemo = isDemo
    }
    /// Units for a session of `minutes` (rounded to the nearest unit, at least 1 for any session > 0).
    public func billingUnits(forMinutes minutes: Int) -> Int {
        guard minutes > 0, minutesPerBillingUnit > 0 else { return 0 }
        return max(1, (minutes + minutesPerBillingUnit / 2) / minutesPerBillingUnit)
    }
}
