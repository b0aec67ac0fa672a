// The read side of CaseloadRepository: each screen's data in one or a few SQL queries.
import CaseloadCore
import Foundation
import GRDB

extension SQLiteStore {
    static let attendedList = AttendanceStatus.allCases.filter(\.attended).map { "'\($0.rawValue)'" }
        .joined(separator: ",")

    public func settings() throws -> ProgramSettings {
        try read { db in try SettingsCodec.read(db) }
    }

    public func staff(username: String) throws -> Staff? {
        try read { db in try StaffTable.fetchAll(db, where: "username = ?", [username]).first }
    }

    public func staff(id: RowID) throws -> Staff? {
        try read { db in try StaffTable.fetchAll(db, where: "id = ?", [id]).first }
    }

    // MARK: Home

    /// Counts cover the staff member's own caseload (primary counselor = them):
    /// - plan reviews: clients not discharged whose next review is before `day` (overdue) or within
    ///   `planDueWarningDays` from `day` inclusive (due soon); clients without a plan are not counted;
    /// - no contact: active clients whose last contact (or admission, when never seen) is more than
    ///   `noContactWarningDays` before `day`;
    /// - unsigned notes: their drafts created more than `unsignedNoteHours` before the store clock's now.
    public func homeSummary(for staffID: RowID, on day: Day) throws -> HomeSummary {
        try authorizeStaffView(staffID, what: "Home")
        return try read { db in
            let settings = try SettingsCodec.read(db)
            let soon = day.adding(days: settings.planDueWarningDays).sqlText
            let noContactBefore = day.adding(days: -settings.noContactWarningDays).sqlText
            let today = day.sqlText
            let counts = try Row.fetchOne(db, sql: """
                WITH mine AS (
                    SELECT status, admission_date, last_contact, next_plan_review AS next_review
                    FROM clients WHERE primary_counselor_id = ?)
                SELECT
                    count(*) FILTER (WHERE status = 'active'),
                    count(*) FILTER (WHERE status = 'on_hold'),
                    count(*) FILTER (WHERE status <> 'discharged' AND next_review < ?),
                    count(*) FILTER (WHERE status <> 'discharged' AND next_review >= ? AND next_review <= ?),
                    count(*) FILTER (WHERE status = 'active' AND coalesce(last_contact, admission_date) < ?)
                FROM mine
                """, arguments: [staffID, today, today, soon, noContactBefore])!
            let cutoff = clock.now().addingTimeInterval(-Double(settings.unsignedNoteHours) * 3600)
            let unsigned = try Row.fetchOne(db, sql: """
                SELECT count(*), count(*) FILTER (WHERE created_at < ?) FROM progress_notes
                WHERE staff_id = ? AND status = 'draft'
                """, arguments: [cutoff, staffID])!

            var appointments: [TodayAppointment] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.id, a.client_id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn,
                       a.start_minute, a.minutes, m.name, a.note_id, n.status = 'signed'
                FROM appointments a JOIN clients c ON c.id = a.client_id JOIN modalities m ON m.id = a.modality_id
                LEFT JOIN progress_notes n ON n.id = a.note_id
                WHERE a.staff_id = ? AND a.date = ? ORDER BY a.start_minute, a.id
                """, arguments: [staffID, today])
            while let r = try rows.next() {
                appointments.append(TodayAppointment(
                    appointmentID: r[0], clientID: r[1],
                    clientName: clientDisplayName(first: r[2], last: r[3], preferred: r[4]), mrn: r[5],
                    startMinute: r[6], minutes: r[7], modality: r[8], noteID: r[9], noteSigned: (r[10] as Bool?) ?? false))
            }

            var groups: [TodayGroup] = []
            let groupRows = try Row.fetchCursor(db, sql: """
                SELECT g.id, s.id, g.name, coalesce(s.start_minute, g.start_minute), coalesce(s.minutes, g.minutes),
                       g.room,
                       (SELECT count(DISTINCT gm.client_id) FROM group_members gm
                        WHERE gm.group_id = g.id AND gm.joined_on <= :day AND (gm.left_on IS NULL OR gm.left_on > :day)),
                       coalesce(s.status, 'scheduled'), s.signed_at IS NOT NULL
                FROM groups g
                JOIN group_facilitators f ON f.group_id = g.id AND f.staff_id = :staff
                LEFT JOIN group_sessions s ON s.group_id = g.id AND s.date = :day
                WHERE s.id IS NOT NULL OR (g.active AND g.weekday = :weekday)
                ORDER BY 4, g.name, g.id
                """, arguments: ["day": today, "staff": staffID, "weekday": day.weekday])
            while let r = try groupRows.next() {
                groups.append(TodayGroup(groupID: r[0], groupSessionID: r[1], name: r[2], startMinute: r[3],
                                         minutes: r[4], room: r[5], rosterSize: r[6],
                                         status: try Col.value(r, 7, "group_sessions.status"), signed: (r[8] as Bool?) ?? false))
            }
            return HomeSummary(appointments: appointments, groups: groups, plansOverdue: counts[2],
                               plansDueSoon: counts[3], unsignedNotes: unsigned[0], unsignedOverdue: unsigned[1],
                               noContact: counts[4],
                               caseloadActive: counts[0], caseloadOnHold: counts[1])
        }
    }

    // MARK: Caseload

    /// Whose caseload a person may list: their own; a supervisor their team's; the whole program only the
    /// program itself (a handle with no viewer).
    func authorizeScope(_ scope: CaseloadScope, staffID: RowID) throws {
        guard let v = viewer else { return }
        switch scope {
        case .mine:
            try authorizeStaffView(staffID, what: "caseload")
        case .team:
            let role = try staff(id: v.id!)?.role
            guard staffID == v.id, role == .supervisor else {
                throw try refusal(by: v, clientID: nil, what: "team caseload",
                                  sentence: "Only a clinical supervisor sees a team's caseload, and only their own team's.")
            }
        case .all:
            throw try refusal(by: v, clientID: nil, what: "program caseload", sentence:
                "Nobody lists every client of the program: counselors see their caseload, supervisors their team's.")
        }
    }

    /// Every client in scope, whatever their status (the screen filters and sorts), by id.
    public func caseloadRows(for staffID: RowID, scope: CaseloadScope, on day: Day) throws -> [CaseloadRow] {
        try authorizeScope(scope, staffID: staffID)
        let filter: String
        let arguments: StatementArguments
        switch scope {
        case .mine:
            filter = "c.primary_counselor_id = :me"; arguments = ["me": staffID]
        case .team:
            filter = "(c.primary_counselor_id = :me OR c.primary_counselor_id IN (\(Self.teamSQL)))"
            arguments = ["me": staffID]
        case .all:
            filter = "1"; arguments = [:]
        }
        return try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT c.id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, c.status, c.phase,
                       c.medication, c.dose_mg, c.take_home_level, coalesce(s.display_name, ''),
                       c.last_contact, c.next_plan_review, c.flags
                FROM clients c LEFT JOIN staff s ON s.id = c.primary_counselor_id
                WHERE \(filter)
                ORDER BY c.id
                """, arguments: arguments)
            var result: [CaseloadRow] = []
            while let r = try rows.next() {
                result.append(CaseloadRow(
                    id: r[0], name: clientDisplayName(first: r[1], last: r[2], preferred: r[3]), mrn: r[4],
                    status: try Col.value(r, 5, "clients.status"), phase: r[6],
                    medication: try Col.value(r, 7, "clients.medication"), doseMg: r[8], takeHomeLevel: r[9],
                    counselorName: r[10], lastContact: try Col.optionalDay(r, 11, "progress_notes.date"),
                    nextPlanReview: try Col.optionalDay(r, 12, "treatment_plans.next_review_date"),
                    flags: try Col.flags(r, 13)))
            }
            return result
        }
    }

    // MARK: Chart

    public func chartSummary(clientID: RowID) throws -> ChartSummary {
        let access = try authorize(clientID: clientID, .groupPart, what: "chart")
        return try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT \(ClientTable.select("c")), s.display_name, c.last_contact, c.next_plan_review
                FROM clients c LEFT JOIN staff s ON s.id = c.primary_counselor_id WHERE c.id = ?
                """, arguments: [clientID]) else { throw CaseloadError.notFound(what: "Client \(clientID)") }
            let n = ClientTable.columns.count
            let client = try ClientTable.decode(r)
            // Safety flags go to whoever sees any part of the chart: a facilitator needs a safety alert too.
            let safety = try SettingsCodec.read(db).safetyFlags(client.flags)
            return ChartSummary(client: access.isFull ? client : Self.groupPartOnly(client), counselorName: r[n],
                                lastContact: try Col.optionalDay(r, n + 1, "progress_notes.date"),
                                nextPlanReview: try Col.optionalDay(r, n + 2, "treatment_plans.next_review_date"),
                                access: access, safetyFlags: safety)
        }
    }

    public func currentPlan(clientID: RowID) throws -> PlanTree? {
        try authorize(clientID: clientID, .full, what: "treatment plan")
        return try read { db in
            guard let plan = try PlanTable.fetchAll(
                db, where: "client_id = ? AND status IN ('signed', 'draft')", [clientID],
                orderBy: "status = 'signed' DESC, version DESC LIMIT 1").first else { return nil }
            return try Self.planTree(plan, db)
        }
    }

    /// The tree of one plan: five queries whatever its size.
    static func planTree(_ plan: TreatmentPlan, _ db: Database) throws -> PlanTree {
        let planID = plan.id!
        let problems = try ProblemTable.fetchAll(db, where: "plan_id = ?", [planID], orderBy: "position, id")
        let goals = try Row.fetchAll(db, sql: """
            SELECT \(GoalTable.select("g")) FROM goals g JOIN problems p ON p.id = g.problem_id
            WHERE p.plan_id = ? ORDER BY g.position, g.id
            """, arguments: [planID]).map { try GoalTable.decode($0) }
        let objectives = try Row.fetchAll(db, sql: """
            SELECT \(ObjectiveTable.select("o")) FROM objectives o JOIN goals g ON g.id = o.goal_id
            JOIN problems p ON p.id = g.problem_id WHERE p.plan_id = ? ORDER BY o.position, o.id
            """, arguments: [planID]).map { try ObjectiveTable.decode($0) }
        let n = InterventionTable.columns.count
        let interventions = try Row.fetchAll(db, sql: """
            SELECT \(InterventionTable.select("i")), m.name, s.display_name
            FROM interventions i JOIN objectives o ON o.id = i.objective_id JOIN goals g ON g.id = o.goal_id
            JOIN problems p ON p.id = g.problem_id JOIN modalities m ON m.id = i.modality_id
            LEFT JOIN staff s ON s.id = i.responsible_staff_id
            WHERE p.plan_id = ? ORDER BY i.position, i.id
            """, arguments: [planID]).map {
                PlanTree.InterventionNode(intervention: try InterventionTable.decode($0), modality: $0[n],
                                          responsibleName: $0[n + 1])
            }
        let signatures = try SignatureTable.fetchAll(db, where: "plan_id = ?", [planID], orderBy: "signed_at, id")

        var interventionsByObjective: [RowID: [PlanTree.InterventionNode]] = [:]
        for i in interventions { interventionsByObjective[i.intervention.objectiveID, default: []].append(i) }
        var objectivesByGoal: [RowID: [PlanTree.ObjectiveNode]] = [:]
        for o in objectives {
            objectivesByGoal[o.goalID, default: []].append(
                PlanTree.ObjectiveNode(objective: o, interventions: interventionsByObjective[o.id!] ?? []))
        }
        var goalsByProblem: [RowID: [PlanTree.GoalNode]] = [:]
        for g in goals {
            goalsByProblem[g.problemID, default: []].append(PlanTree.GoalNode(goal: g, objectives: objectivesByGoal[g.id!] ?? []))
        }
        return PlanTree(plan: plan, problems: problems.map { PlanTree.ProblemNode(problem: $0, goals: goalsByProblem[$0.id!] ?? []) },
                        signatures: signatures)
    }

    /// Newest version first.
    public func planVersions(clientID: RowID) throws -> [TreatmentPlan] {
        try authorize(clientID: clientID, .full, what: "treatment plan")
        return try read { db in try PlanTable.fetchAll(db, where: "client_id = ?", [clientID], orderBy: "version DESC") }
    }

    public func notes(clientID: RowID, limit: Int, offset: Int) throws -> [NoteListItem] {
        try authorize(clientID: clientID, .full, what: "progress notes")
        return try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT n.id, n.date, n.start_minute, n.minutes, n.format, n.template, m.name, s.display_name, n.status,
                       CASE WHEN n.section1 <> '' THEN substr(n.section1, 1, 200)
                            WHEN n.section2 <> '' THEN substr(n.section2, 1, 200)
                            WHEN n.section3 <> '' THEN substr(n.section3, 1, 200)
                            ELSE substr(n.section4, 1, 200) END
                FROM progress_notes n JOIN modalities m ON m.id = n.modality_id JOIN staff s ON s.id = n.staff_id
                WHERE n.client_id = ?
                ORDER BY n.date DESC, n.start_minute DESC, n.id DESC LIMIT ? OFFSET ?
                """, arguments: [clientID, max(0, limit), max(0, offset)])
            var result: [NoteListItem] = []
            while let r = try rows.next() {
                let text: String = r[9] ?? ""
                let firstLine = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first
                    .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                result.append(NoteListItem(
                    id: r[0], date: try Col.day(r, 1, "progress_notes.date"), startMinute: r[2], minutes: r[3],
                    format: try Col.value(r, 4, "progress_notes.format"),
                    template: try Col.value(r, 5, "progress_notes.template"), modality: r[6], staffName: r[7],
                    status: try Col.value(r, 8, "progress_notes.status"), firstLine: firstLine))
            }
            return result
        }
    }

    public func noteCount(clientID: RowID) throws -> Int {
        try authorize(clientID: clientID, .full, what: "progress notes")
        return try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM progress_notes WHERE client_id = ?", arguments: [clientID]) ?? 0
        }
    }

    public func note(id: RowID) throws -> NoteDetail {
        try authorize(recordSQL: Self.noteClientSQL, id: id, .full, what: "note \(id)")
        return try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT \(NoteTable.select("n")), m.name, s.display_name, coalesce(n.signer_text, sb.display_name),
                       coalesce(n.cosigner_text, cb.display_name)
                FROM progress_notes n JOIN modalities m ON m.id = n.modality_id JOIN staff s ON s.id = n.staff_id
                LEFT JOIN staff sb ON sb.id = n.signed_by_id LEFT JOIN staff cb ON cb.id = n.cosigned_by_id
                WHERE n.id = ?
                """, arguments: [id]) else { throw CaseloadError.notFound(what: "Note \(id)") }
            let k = NoteTable.columns.count
            let linked = try String.fetchAll(db, sql: """
                SELECT coalesce(o.statement, g.statement) FROM note_goal_links l
                LEFT JOIN goals g ON g.id = l.goal_id LEFT JOIN objectives o ON o.id = l.objective_id
                WHERE l.note_id = ? ORDER BY l.id
                """, arguments: [id])
            let addenda = try Row.fetchAll(db, sql: """
                SELECT a.id, a.staff_id, s.display_name, a.at, a.text FROM note_addenda a JOIN staff s ON s.id = a.staff_id
                WHERE a.note_id = ? ORDER BY a.at, a.id
                """, arguments: [id]).map { a in
                    NoteAddendum(id: a[0], noteID: id, staffID: a[1], staffName: a[2],
                                 at: try Col.date(a, 3, "note_addenda.at"), text: a[4])
                }
            return NoteDetail(note: try NoteTable.decode(r), modality: r[k], staffName: r[k + 1],
                              signedByName: r[k + 2], linkedGoals: linked, cosignedByName: r[k + 3], addenda: addenda)
        }
    }

    // MARK: Groups

    /// Attended and held count the group's sessions inside the membership window
    /// (joined on or after, before the day the member left). The window is written as one
    /// range on date so that both ends bound the index scan.
    public func groupMemberships(clientID: RowID) throws -> [GroupMembershipRow] {
        let only = try authorize(clientID: clientID, .groupPart, what: "group memberships").groupIDs.map(Set.init)
        return try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT gm.group_id, g.name, m.name, g.weekday, g.start_minute, g.minutes, gm.joined_on, gm.left_on,
                       (SELECT count(*) FROM attendance a JOIN group_sessions s ON s.id = a.group_session_id
                        WHERE a.client_id = gm.client_id AND s.group_id = gm.group_id AND s.date >= gm.joined_on
                          AND s.date < coalesce(gm.left_on, '9999-12-31') AND a.status IN (\(Self.attendedList))),
                       (SELECT count(*) FROM group_sessions s
                        WHERE s.group_id = gm.group_id AND s.status = 'held' AND s.date >= gm.joined_on
                          AND s.date < coalesce(gm.left_on, '9999-12-31'))
                FROM group_members gm JOIN groups g ON g.id = gm.group_id JOIN modalities m ON m.id = g.modality_id
                WHERE gm.client_id = ?
                ORDER BY gm.left_on IS NOT NULL, gm.joined_on DESC, gm.id DESC
                """, arguments: [clientID])
            var result: [GroupMembershipRow] = []
            while let r = try rows.next() {
                if let only, !only.contains(r[0]) { continue }
                let weekday: Int = r[3], start: Int = r[4], minutes: Int = r[5]
                let schedule = "\(Day.weekdayNames[min(max(weekday, 0), 6)]) \(formatClockTime(start)) \(minutes)m"
                result.append(GroupMembershipRow(
                    groupID: r[0], groupName: r[1], modality: r[2], schedule: schedule,
                    joinedOn: try Col.day(r, 6, "group_members.joined_on"),
                    leftOn: try Col.optionalDay(r, 7, "group_members.left_on"), attended: r[8], held: r[9]))
            }
            return result
        }
    }

    public func attendanceHistory(clientID: RowID, limit: Int) throws -> [AttendanceHistoryRow] {
        let only = try authorize(clientID: clientID, .groupPart, what: "group attendance").groupIDs
        let groupFilter = only.map { ids in "AND s.group_id IN (\(ids.map(String.init).joined(separator: ",")))" } ?? ""
        return try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.id, g.name, s.date, s.topic, a.status, a.minutes, a.line
                FROM attendance a JOIN group_sessions s ON s.id = a.group_session_id JOIN groups g ON g.id = s.group_id
                WHERE a.client_id = ? \(groupFilter) ORDER BY s.date DESC, s.start_minute DESC, s.id DESC LIMIT ?
                """, arguments: [clientID, max(0, limit)])
            var result: [AttendanceHistoryRow] = []
            while let r = try rows.next() {
                result.append(AttendanceHistoryRow(
                    groupSessionID: r[0], groupName: r[1], date: try Col.day(r, 2, "group_sessions.date"), topic: r[3],
                    status: try Col.value(r, 4, "attendance.status"), minutes: r[5], line: r[6]))
            }
            return result
        }
    }

    // MARK: Other chart tabs

    public func drugScreens(clientID: RowID, limit: Int) throws -> [DrugScreen] {
        try authorize(clientID: clientID, .full, what: "drug screens")
        return try read { db in
            var screens = try DrugScreenTable.fetchAll(db, where: "client_id = ?", [clientID],
                                                       orderBy: "collected_on DESC, id DESC LIMIT \(max(0, limit))")
            try DrugScreenTable.attachResults(&screens, db)
            try DrugScreenTable.attachCorrections(&screens, db)
            return screens
        }
    }

    /// Newest first.
    public func referrals(clientID: RowID) throws -> [Referral] {
        try authorize(clientID: clientID, .full, what: "referrals")
        return try read { db in
            try ReferralTable.fetchAll(db, where: "client_id = ?", [clientID], orderBy: "referred_on DESC, id DESC")
        }
    }

    public func contacts(clientID: RowID) throws -> [Contact] {
        try authorize(clientID: clientID, .full, what: "contacts")
        return try read { db in try ContactTable.fetchAll(db, where: "client_id = ?", [clientID], orderBy: "name, id") }
    }

    /// Newest first.
    public func consents(clientID: RowID) throws -> [Consent] {
        try authorize(clientID: clientID, .full, what: "consents")
        return try read { db in
            try ConsentTable.fetchAll(db, where: "client_id = ?", [clientID], orderBy: "signed_on DESC, id DESC")
        }
    }

    public func activity(clientID: RowID, limit: Int) throws -> [ActivityRow] {
        try authorize(clientID: clientID, .full, what: "activity")
        return try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT at, username, action, subject, detail FROM audit_events
                WHERE client_id = ? ORDER BY at DESC, id DESC LIMIT ?
                """, arguments: [clientID, max(0, limit)])
            var result: [ActivityRow] = []
            while let r = try rows.next() {
                result.append(ActivityRow(at: try Col.date(r, 0, "audit_events.at"), username: r[1],
                                          action: try Col.value(r, 2, "audit_events.action"), subject: r[3], detail: r[4]))
            }
            return result
        }
    }

    /// A sign-in refused: an OS login that is no staff account, a deactivated account, or `--as` on a real store.
    /// Recorded under the login tried (the staff id when there is one), with no client.
    public func recordFailedLogin(username: String, detail: String) throws {
        let who = try staff(username: username)
        let event = AuditEvent(at: clock.now(), staffID: who?.id, username: String(username.prefix(64)), action: .failedLogin,
                               clientID: nil, subject: "session", detail: detail)
        try write { db in _ = try AuditTable.insert(event, db) }
    }

    /// Appends an audit event at the store clock's now (AuditChain.swift chains it).
    public func record(_ action: AuditAction, by staff: Staff, clientID: RowID?, subject: String, detail: String) throws {
        let event = AuditEvent(at: clock.now(), staffID: staff.id, username: staff.username, action: action,
                               clientID: clientID, subject: subject, detail: detail)
        try write { db in _ = try AuditTable.insert(event, db) }
    }
}
