// What view-models may ask of a store. The SQLite store (CaseloadStore) implements it; a
// PostgreSQL store for multi-site programs would implement it too. Everything here is a
// read model shaped for a screen, so a screen needs one call, not a query per row.
import Foundation

/// Who is using the app. Established once at start-up from the OS login.
public struct Identity: Hashable, Sendable {
    public var staff: Staff
    public init(staff: Staff) { self.staff = staff }
    public var staffID: RowID { staff.id! }
}

/// Errors a person can meet, with a sentence they understand.
public enum CaseloadError: Error, Equatable, CustomStringConvertible, Sendable {
    case storeDirectoryMissing(path: String)
    case notACaseloadStore(path: String)
    case storeFromNewerVersion(path: String, storeVersion: Int, appVersion: Int)
    case storeDamaged(path: String, detail: String)
    case storeNotFound(path: String)
    case unknownUser(username: String)
    case inactiveUser(username: String)
    case switchingUserNotAllowed
    case notFound(what: String)
    case invalidInput(String)
    case refused(String)

    public var description: String {
        switch self {
        case .storeDirectoryMissing(let p):
            "The folder for the store '\(p)' does not exist. Create it first, or give another path with --db."
        case .notACaseloadStore(let p):
            "'\(p)' is not a Caseload store. Check the path given with --db or $CASELOAD_DB."
        case .storeFromNewerVersion(let p, let s, let a):
            "The store '\(p)' was written by a newer version of Caseload (schema \(s); this program knows up to \(a)). Update Caseload before opening it."
        case .storeDamaged(let p, let d):
            "The store '\(p)' is damaged (\(d)). Restore it from a backup and tell your administrator."
        case .storeNotFound(let p):
            "There is no Caseload store at '\(p)'. Create one with 'caseload init' (or 'caseload demo' to try the app), or give another path with --db."
        case .unknownUser(let u):
            "The login '\(u)' is not a Caseload staff account. Ask an administrator to add it: caseload staff add \(u) --name \"Full Name\" --role counselor"
        case .inactiveUser(let u):
            "The staff account '\(u)' is deactivated. Ask an administrator to reactivate it."
        case .switchingUserNotAllowed:
            "--as only works on a demo store made by 'caseload demo'."
        case .notFound(let w):
            "\(w) was not found."
        case .invalidInput(let m), .refused(let m):
            m
        }
    }
}

// MARK: - Read models

public struct TodayAppointment: Hashable, Sendable {
    public var appointmentID: RowID
    public var clientID: RowID
    public var clientName: String
    public var mrn: String
    public var startMinute: Int
    public var minutes: Int
    public var modality: String
    /// The note of the appointment, if one was started, and whether it is signed (a draft is not a delivered session).
    public var noteID: RowID?
    public var noteSigned: Bool
    public var noteWritten: Bool { noteID != nil }
    public init(appointmentID: RowID, clientID: RowID, clientName: String, mrn: String, startMinute: Int,
                minutes: Int, modality: String, noteID: RowID? = nil, noteSigned: Bool = false) {
        self.appointmentID = appointmentID; self.clientID = clientID; self.clientName = clientName; self.mrn = mrn
        self.startMinute = startMinute; self.minutes = minutes; self.modality = modality; self.noteID = noteID
        self.noteSigned = noteSigned
    }
}

public struct TodayGroup: Hashable, Sendable {
    public var groupID: RowID
    public var groupSessionID: RowID?
    public var name: String
    public var startMinute: Int
    public var minutes: Int
    public var room: String
    public var rosterSize: Int
    public var status: GroupSessionStatus
    /// Held and signed; a held session not signed yet is shown apart ("Held, not signed").
    public var signed: Bool
    public init(groupID: RowID, groupSessionID: RowID?, name: String, startMinute: Int, minutes: Int, room: String,
                rosterSize: Int, status: GroupSessionStatus, signed: Bool = false) {
        self.groupID = groupID; self.groupSessionID = groupSessionID; self.name = name; self.startMinute = startMinute
        self.minutes = minutes; self.room = room; self.rosterSize = rosterSize; self.status = status; self.signed = signed
    }

    /// "Scheduled", "Held, not signed", "Signed", "Cancelled".
    public var statusText: String {
        switch status {
        case .held: signed ? "Signed" : "Held, not signed"
        default: status.label
        }
    }
}

public struct HomeSummary: Hashable, Sendable {
    public var appointments: [TodayAppointment]
    public var groups: [TodayGroup]
    public var plansOverdue: Int          // next review date before today
    public var plansDueSoon: Int          // due within ProgramSettings.planDueWarningDays
    public var unsignedNotes: Int         // my drafts, all of them (the list "My unsigned notes" shows them)
    public var unsignedOverdue: Int       // of those, created more than ProgramSettings.unsignedNoteHours ago
    public var noContact: Int             // active clients with no contact in noContactWarningDays
    public var caseloadActive: Int
    public var caseloadOnHold: Int
    public init(appointments: [TodayAppointment], groups: [TodayGroup], plansOverdue: Int, plansDueSoon: Int,
                unsignedNotes: Int, unsignedOverdue: Int = 0, noContact: Int, caseloadActive: Int, caseloadOnHold: Int) {
        self.appointments = appointments; self.groups = groups; self.plansOverdue = plansOverdue
        self.plansDueSoon = plansDueSoon; self.unsignedNotes = unsignedNotes; self.unsignedOverdue = unsignedOverdue
        self.noContact = noContact
        self.caseloadActive = caseloadActive; self.caseloadOnHold = caseloadOnHold
    }
}

public enum CaseloadScope: Hashable, Sendable {
    case mine                 // my own clients (primary counselor = me)
    case team                 // supervisors: every client of the staff I supervise, and mine
    case all                  // administrators / supervisors: the whole program
}

public struct CaseloadRow: Hashable, Sendable, Identifiable {
    public var id: RowID                  // client id
    public var name: String               // Client.displayName
    public var mrn: String
    public var status: ClientStatus
    public var phase: String
    public var medication: Medication
    public var doseMg: Double
    public var takeHomeLevel: Int
    public var counselorName: String
    public var lastContact: Day?          // last session that was not a no-show
    public var nextPlanReview: Day?       // of the plan in force (signed), else of the draft
    public var flags: [String]
    public init(id: RowID, name: String, mrn: String, status: ClientStatus, phase: String, medication: Medication,
                doseMg: Double, takeHomeLevel: Int, counselorName: String, lastContact: Day?, nextPlanReview: Day?,
                flags: [String]) {
        self.id = id; self.name = name; self.mrn = mrn; self.status = status; self.phase = phase
        self.medication = medication; self.doseMg = doseMg; self.takeHomeLevel = takeHomeLevel
        self.counselorName = counselorName; self.lastContact = lastContact; self.nextPlanReview = nextPlanReview
        self.flags = flags
    }
}

/// A whole plan with its tree, for the Plan tab.
public struct PlanTree: Hashable, Sendable {
    public struct InterventionNode: Hashable, Sendable {
        public var intervention: Intervention
        public var modality: String
        public var responsibleName: String?
        public init(intervention: Intervention, modality: String, responsibleName: String?) {
            self.intervention = intervention; self.modality = modality; self.responsibleName = responsibleName
        }
    }
    public struct ObjectiveNode: Hashable, Sendable {
        public var objective: Objective
        public var interventions: [InterventionNode]
        public init(objective: Objective, interventions: [InterventionNode]) {
            self.objective = objective; self.interventions = interventions
        }
    }
    public struct GoalNode: Hashable, Sendable {
        public var goal: Goal
        public var objectives: [ObjectiveNode]
        public init(goal: Goal, objectives: [ObjectiveNode]) { self.goal = goal; self.objectives = objectives }
    }
    public struct ProblemNode: Hashable, Sendable {
        public var problem: Problem
        public var goals: [GoalNode]
        public init(problem: Problem, goals: [GoalNode]) { self.problem = problem; self.goals = goals }
    }
    public var plan: TreatmentPlan
    public var problems: [ProblemNode]
    public var signatures: [PlanSignature]
    public init(plan: TreatmentPlan, problems: [ProblemNode], signatures: [PlanSignature]) {
        self.plan = plan; self.problems = problems; self.signatures = signatures
    }
}

public struct NoteListItem: Hashable, Sendable, Identifiable {
    public var id: RowID                  // note id
    public var date: Day
    public var startMinute: Int
    public var minutes: Int
    public var format: SessionFormat
    public var template: NoteTemplate
    public var modality: String
    public var staffName: String
    public var status: NoteStatus
    public var firstLine: String          // the start of the first section, for the list
    public init(id: RowID, date: Day, startMinute: Int, minutes: Int, format: SessionFormat, template: NoteTemplate,
                modality: String, staffName: String, status: NoteStatus, firstLine: String) {
        self.id = id; self.date = date; self.startMinute = startMinute; self.minutes = minutes; self.format = format
        self.template = template; self.modality = modality; self.staffName = staffName; self.status = status
        self.firstLine = firstLine
    }
}

public struct NoteDetail: Hashable, Sendable {
    public var note: ProgressNote
    public var modality: String
    public var staffName: String
    public var signedByName: String?
    public var linkedGoals: [String]      // statements of the goals / objectives the note addresses
    public var cosignedByName: String?
    /// Dated corrections under a signed note, oldest first.
    public var addenda: [NoteAddendum]
    public init(note: ProgressNote, modality: String, staffName: String, signedByName: String?, linkedGoals: [String],
                cosignedByName: String? = nil, addenda: [NoteAddendum] = []) {
        self.note = note; self.modality = modality; self.staffName = staffName; self.signedByName = signedByName
        self.linkedGoals = linkedGoals; self.cosignedByName = cosignedByName; self.addenda = addenda
    }
}

public struct GroupMembershipRow: Hashable, Sendable {
    public var groupID: RowID
    public var groupName: String
    public var modality: String
    public var schedule: String           // CounselingGroup.scheduleLabel
    public var joinedOn: Day
    public var leftOn: Day?
    public var attended: Int              // sessions attended (present, late, left early)
    public var held: Int                  // sessions held while a member
    public init(groupID: RowID, groupName: String, modality: String, schedule: String, joinedOn: Day, leftOn: Day?,
                attended: Int, held: Int) {
        self.groupID = groupID; self.groupName = groupName; self.modality = modality; self.schedule = schedule
        self.joinedOn = joinedOn; self.leftOn = leftOn; self.attended = attended; self.held = held
    }
}

public struct AttendanceHistoryRow: Hashable, Sendable {
    public var groupSessionID: RowID
    public var groupName: String
    public var date: Day
    public var topic: String
    public var status: AttendanceStatus
    public var minutes: Int
    public var line: String
    public init(groupSessionID: RowID, groupName: String, date: Day, topic: String, status: AttendanceStatus,
                minutes: Int, line: String) {
        self.groupSessionID = groupSessionID; self.groupName = groupName; self.date = date; self.topic = topic
        self.status = status; self.minutes = minutes; self.line = line
    }
}

public struct ActivityRow: Hashable, Sendable {
    public var at: Date
    public var username: String
    public var action: AuditAction
    public var subject: String
    public var detail: String
    public init(at: Date, username: String, action: AuditAction, subject: String, detail: String) {
        self.at = at; self.username = username; self.action = action; self.subject = subject; self.detail = detail
    }
}

/// The header and Summary tab of a chart.
public struct ChartSummary: Hashable, Sendable {
    public var client: Client
    public var counselorName: String?
    public var lastContact: Day?
    public var nextPlanReview: Day?
    /// What of this chart the person sees; with `.groupPart` the store leaves out the phone, date of birth,
    /// medication, flags and emergency contact (they belong to the client's counselor and supervisor).
    public var access: ClientAccess
    /// The client's clinical safety flags (ProgramSettings.clinicalFlags): given to everyone who sees any part of
    /// the chart, the group part included, and shown first, in full, on every screen about the client.
    public var safetyFlags: [String]
    public init(client: Client, counselorName: String?, lastContact: Day?, nextPlanReview: Day?,
                access: ClientAccess = .full(.ownCaseload), safetyFlags: [String]? = nil) {
        self.client = client; self.counselorName = counselorName; self.lastContact = lastContact
        self.nextPlanReview = nextPlanReview; self.access = access
        self.safetyFlags = safetyFlags ?? ProgramSettings().safetyFlags(client.flags)
    }
}

/// The read side of the store, as the view-models see it. Every call is scoped by the
/// identity the store was opened with; implementations are synchronous and fast (local SQLite).
public protocol CaseloadRepository: AnyObject, Sendable {
    func settings() throws -> ProgramSettings
    func staff(username: String) throws -> Staff?
    func staff(id: RowID) throws -> Staff?

    func homeSummary(for staffID: RowID, on day: Day) throws -> HomeSummary
    /// Rows for the Caseload table; the view-model sorts, filters and searches them in memory.
    func caseloadRows(for staffID: RowID, scope: CaseloadScope, on day: Day) throws -> [CaseloadRow]

    func chartSummary(clientID: RowID) throws -> ChartSummary
    /// The plan in force (latest signed), else the latest draft; nil when the client has none.
    func currentPlan(clientID: RowID) throws -> PlanTree?
    func planVersions(clientID: RowID) throws -> [TreatmentPlan]
    /// Newest first.
    func notes(clientID: RowID, limit: Int, offset: Int) throws -> [NoteListItem]
    func noteCount(clientID: RowID) throws -> Int
    func note(id: RowID) throws -> NoteDetail
    func groupMemberships(clientID: RowID) throws -> [GroupMembershipRow]
    /// Newest first.
    func attendanceHistory(clientID: RowID, limit: Int) throws -> [AttendanceHistoryRow]
    /// Newest first.
    func drugScreens(clientID: RowID, limit: Int) throws -> [DrugScreen]
    func referrals(clientID: RowID) throws -> [Referral]
    func contacts(clientID: RowID) throws -> [Contact]
    func consents(clientID: RowID) throws -> [Consent]
    /// Newest first.
    func activity(clientID: RowID, limit: Int) throws -> [ActivityRow]

    /// What of this client's chart the person the store acts for may see (no audit event: a question, not a view).
    func clientAccess(clientID: RowID) throws -> ClientAccess
    /// Emergency ("break-glass") access to the chart with this number, for the rest of the session: needs a
    /// reason (EmergencyReason), is recorded as an audit event, and returns the client's id. Refused with a
    /// sentence for a deactivated account or an unknown chart number.
    func breakGlass(mrn: String, reason: String, by staff: Staff) throws -> RowID

    /// Records an audit event (chart views and the like).
    func record(_ action: AuditAction, by staff: Staff, clientID: RowID?, subject: String, detail: String) throws

    /// A number that changes when another connection or process commits to the store; this handle's own
    /// commits do not change it (they already reload what they change). One cheap query: the app polls it
    /// while idle (live refresh) and reloads the screen on top only when it moved.
    func changeToken() throws -> Int
}
