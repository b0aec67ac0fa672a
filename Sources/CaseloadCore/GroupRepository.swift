// What the Groups screen and the attendance sheet ask of a store (issue: groups and attendance).
// Kept apart from CaseloadRepository so the read-side foundation stays small; SQLiteStore implements both.
import Foundation

public struct GroupListRow: Hashable, Sendable, Identifiable {
    public var group: CounselingGroup
    public var modality: String
    public var facilitatorIDs: [RowID]
    public var facilitatorNames: [String]
    public var rosterSize: Int            // current members (joined, not left, client not discharged)
    public var isMine: Bool               // I facilitate it
    public var id: RowID { group.id! }
    public init(group: CounselingGroup, modality: String, facilitatorIDs: [RowID], facilitatorNames: [String],
                rosterSize: Int, isMine: Bool) {
        self.group = group; self.modality = modality; self.facilitatorIDs = facilitatorIDs
        self.facilitatorNames = facilitatorNames; self.rosterSize = rosterSize; self.isMine = isMine
    }
}

public struct RosterMember: Hashable, Sendable, Identifiable {
    public var memberID: RowID            // GroupMember.id
    public var clientID: RowID
    public var clientName: String
    public var mrn: String
    public var joinedOn: Day
    public var leftOn: Day?
    public var clientStatus: ClientStatus
    public var id: RowID { memberID }
    public init(memberID: RowID, clientID: RowID, clientName: String, mrn: String, joinedOn: Day, leftOn: Day?,
                clientStatus: ClientStatus) {
        self.memberID = memberID; self.clientID = clientID; self.clientName = clientName; self.mrn = mrn
        self.joinedOn = joinedOn; self.leftOn = leftOn; self.clientStatus = clientStatus
    }
}

public struct AttendanceSheet: Hashable, Sendable {
    public struct Line: Hashable, Sendable, Identifiable {
        public var clientID: RowID
        public var clientName: String
        public var mrn: String
        public var attendance: Attendance?  // nil: not marked yet
        /// The member's clinical safety flags (ProgramSettings.clinicalFlags), shown on their row.
        public var safetyFlags: [String]
        public var id: RowID { clientID }
        public init(clientID: RowID, clientName: String, mrn: String, attendance: Attendance?, safetyFlags: [String] = []) {
            self.clientID = clientID; self.clientName = clientName; self.mrn = mrn; self.attendance = attendance
            self.safetyFlags = safetyFlags
        }
    }
    public var session: GroupSession
    public var group: CounselingGroup
    public var facilitatorIDs: [RowID]
    /// Members on the roster on the session date (joined on or before, not left before it, client not
    /// discharged), plus anyone already marked on this session; sorted by name.
    public var lines: [Line]
    public var lastChangedBy: String?     // display name of whoever saved the note last
    public var lastChangedAt: Date?
    public init(session: GroupSession, group: CounselingGroup, facilitatorIDs: [RowID], lines: [Line],
                lastChangedBy: String? = nil, lastChangedAt: Date? = nil) {
        self.session = session; self.group = group; self.facilitatorIDs = facilitatorIDs; self.lines = lines
        self.lastChangedBy = lastChangedBy; self.lastChangedAt = lastChangedAt
    }
}

/// A group session that needs its facilitator: held but not signed, or past with nobody marked.
public struct SessionToSign: Hashable, Sendable, Identifiable {
    public var sessionID: RowID
    public var groupID: RowID
    public var groupName: String
    public var date: Day
    public var startMinute: Int
    public var held: Bool
    /// Members on the roster with no mark.
    public var unmarked: Int
    public var facilitatorName: String
    public var id: RowID { sessionID }
    public init(sessionID: RowID, groupID: RowID, groupName: String, date: Day, startMinute: Int, held: Bool,
                unmarked: Int, facilitatorName: String) {
        self.sessionID = sessionID; self.groupID = groupID; self.groupName = groupName; self.date = date
        self.startMinute = startMinute; self.held = held; self.unmarked = unmarked; self.facilitatorName = facilitatorName
    }
    public var detail: String {
        let what = held ? "held, not signed" : "not marked"
        return "\(groupName) on \(date) \(formatClockTime(startMinute)): \(what)"
            + (held && unmarked > 0 ? " (\(unmarked) not marked)" : "")
    }
}

/// A save refused because someone else changed the record first (optimistic versioning).
public struct EditConflict: Error, Hashable, Sendable, CustomStringConvertible {
    public var what: String
    public var changedBy: String
    public var changedAt: Date?
    public init(what: String, changedBy: String, changedAt: Date?) {
        self.what = what; self.changedBy = changedBy; self.changedAt = changedAt
    }
    public var description: String { "\(what) was changed by \(changedBy) while you were editing it." }
}

public struct AttendanceReportRow: Hashable, Sendable {
    public var groupName: String
    public var clientName: String
    public var mrn: String
    public var present: Int, absent: Int, excused: Int, late: Int, leftEarly: Int
    public var sessionsHeld: Int          // sessions held while this person was a member
    /// Attended (present, late or left early) / sessions held, 0…100; nil when none were held.
    public var percent: Double? {
        sessionsHeld == 0 ? nil : Double(present + late + leftEarly) * 100 / Double(sessionsHeld)
    }
    /// Held sessions with no mark, or marked "not recorded": present + absent + excused + late + left early + this
    /// = held, so every session is accounted for.
    public var notRecorded: Int { max(0, sessionsHeld - (present + absent + excused + late + leftEarly)) }
    /// Attended / sessions the member was expected at (held, less excused absences), 0…100; nil when none.
    public var percentOfExpected: Double? {
        let expected = sessionsHeld - excused
        return expected <= 0 ? nil : Double(present + late + leftEarly) * 100 / Double(expected)
    }
    public init(groupName: String, clientName: String, mrn: String, present: Int, absent: Int, excused: Int,
                late: Int, leftEarly: Int, sessionsHeld: Int) {
        self.groupName = groupName; self.clientName = clientName; self.mrn = mrn; self.present = present
        self.absent = absent; self.excused = excused; self.late = late; self.leftEarly = leftEarly
        self.sessionsHeld = sessionsHeld
    }
}

public protocol GroupRepository: AnyObject, Sendable {
    /// Sessions of the groups `facilitatorID` runs (nil: every group) on or before `day` that need a facilitator:
    /// held and not signed, or past and never marked; oldest first.
    func sessionsToSign(facilitatorID: RowID?, on day: Day) throws -> [SessionToSign]
    /// Every active group, the ones `staffID` facilitates first, then by name.
    func groups(for staffID: RowID) throws -> [GroupListRow]
    /// The whole roster, past members included (leftOn set), current first.
    func roster(groupID: RowID) throws -> [RosterMember]
    /// The program's modalities by name (a new group chooses one).
    func modalities() throws -> [Modality]
    /// Creates (group.id == nil) or updates a group. Only an administrator, a supervisor or one of the
    /// group's facilitators may; others get CaseloadError.refused. An update whose `revision` is stale
    /// throws EditConflict. Returns the saved group (revision bumped).
    func saveGroup(_ group: CounselingGroup, facilitatorIDs: [RowID], by staff: Staff) throws -> CounselingGroup
    func enroll(clientID: RowID, groupID: RowID, on day: Day, by staff: Staff) throws
    /// Enrolls the client with this chart number (exact, any case) and returns their display name. The
    /// group's facilitators and their supervisor may enroll anyone by number (the client's counselor refers
    /// them); an unknown number is `notFound`.
    func enroll(mrn: String, groupID: RowID, on day: Day, by staff: Staff) throws -> String
    /// Sets leftOn; history stays.
    func discharge(memberID: RowID, on day: Day, by staff: Staff) throws
    /// The group's sessions dated within from…to, newest first. Creates the missing `scheduled` session
    /// for each date the weekly schedule falls on in that range (idempotent across processes).
    func groupSessions(groupID: RowID, from: Day, to: Day) throws -> [GroupSession]
    func addSession(groupID: RowID, date: Day, startMinute: Int, minutes: Int, by staff: Staff) throws -> GroupSession
    /// A session on a later day that met early: dated today (audited). Refused when signed, not in the future, or
    /// when the group already has a session today at that hour.
    func moveSessionToToday(sessionID: RowID, by staff: Staff) throws -> GroupSession
    func attendanceSheet(sessionID: RowID) throws -> AttendanceSheet
    /// Marks one member (insert or update of that one row only, so co-facilitators marking other members
    /// at the same time never lose each other's marks); sets the session `held`. `line` nil keeps the line.
    /// `expectedRevision` is the revision of this member's mark as the sheet showed it: 0 when it showed
    /// them unmarked; nil overwrites whatever is stored (the person chose so after a conflict). A stale
    /// one throws EditConflict naming who marked the member and when; nothing is changed then.
    @discardableResult
    func mark(sessionID: RowID, clientID: RowID, status: AttendanceStatus, minutes: Int, line: String?,
              expectedRevision: Int?, by staff: Staff) throws -> Attendance
    /// Saves topic and group note; `expectedRevision` stale → EditConflict naming who changed it and when.
    @discardableResult
    func saveGroupNote(sessionID: RowID, topic: String, note: String, expectedRevision: Int,
                       by staff: Staff) throws -> GroupSession
    /// Signs the session (locks it: the store refuses later changes to it and its attendance).
    func signGroupSession(sessionID: RowID, by staff: Staff) throws
    /// Clients of `counselorID`'s caseload absent from the last N consecutive held sessions of any group
    /// (N = ProgramSettings.consecutiveAbsencesAlert) → the count of consecutive absences.
    func absenceAlerts(counselorID: RowID) throws -> [RowID: Int]
    /// Per member and group, counts over sessions held from…to; for a client, across their groups.
    func attendanceReport(groupID: RowID?, clientID: RowID?, from: Day, to: Day) throws
        -> (sessionsHeld: Int, rows: [AttendanceReportRow])
}

extension GroupRepository {
    /// Marks without checking what is stored (the last mark wins): for tools and tests that own the
    /// sheet. The attendance sheet always passes the revision it showed.
    @discardableResult
    public func mark(sessionID: RowID, clientID: RowID, status: AttendanceStatus, minutes: Int, line: String?,
                     by staff: Staff) throws -> Attendance {
        try mark(sessionID: sessionID, clientID: clientID, status: status, minutes: minutes, line: line,
                 expectedRevision: nil, by: staff)
    }
}
