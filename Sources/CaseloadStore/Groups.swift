// GroupRepository on the SQLite store: groups, rosters, group sessions, attendance marks,
// group notes with optimistic versioning, signing, absence alerts and the attendance report.
import CaseloadCore
import Foundation
import GRDB

extension SQLiteStore: GroupRepository {
    /// On the roster on a day: joined by then, not yet left, and the client not discharged.
    /// The day is written into the SQL (a Day prints only digits and dashes) because it is needed twice.
    static func onRoster(_ member: String, _ client: String, day: Day) -> String {
        onRoster(member, client, dayColumn: "'\(day.sqlText)'")
    }

    /// The same, for a day given as an SQL expression (a column).
    static func onRoster(_ member: String, _ client: String, dayColumn d: String) -> String {
        "\(member).joined_on <= \(d) AND (\(member).left_on IS NULL OR \(member).left_on > \(d)) AND \(client).status <> 'discharged'"
    }

    // MARK: Groups

    public func groups(for staffID: RowID) throws -> [GroupListRow] {
        let today = clock.today()
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(GroupTable.select("g")), m.name,
                       (SELECT count(*) FROM group_members gm JOIN clients c ON c.id = gm.client_id
                        WHERE gm.group_id = g.id AND \(Self.onRoster("gm", "c", day: today))),
                       EXISTS (SELECT 1 FROM group_facilitators f WHERE f.group_id = g.id AND f.staff_id = ?) AS mine
                FROM groups g JOIN modalities m ON m.id = g.modality_id
                WHERE g.active = 1
                ORDER BY mine DESC, g.name, g.id
                """, arguments: [staffID])
            let n = GroupTable.columns.count
            var facilitators: [RowID: [(RowID, String)]] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT f.group_id, s.id, s.display_name FROM group_facilitators f JOIN staff s ON s.id = f.staff_id
                ORDER BY s.display_name, s.id
                """) {
                facilitators[r[0], default: []].append((r[1], r[2]))
            }
            return try rows.map { r in
                let group = try GroupTable.decode(r)
                let f = facilitators[group.id!] ?? []
                return GroupListRow(group: group, modality: r[n], facilitatorIDs: f.map(\.0),
                                    facilitatorNames: f.map(\.1), rosterSize: r[n + 1], isMine: r[n + 2])
            }
        }
    }

    /// The id of the group called `name` exactly (names are unique), active or not.
    public func groupID(named name: String) throws -> RowID? {
        try read { db in try RowID.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [name]) }
    }

    public func roster(groupID: RowID) throws -> [RosterMember] {
        let today = clock.today()
        return try read { db in
            if let v = viewer { try Self.requireGroupAccess(v, groupID: groupID, db, to: "see this group's members") }
            let rows = try Row.fetchAll(db, sql: """
                SELECT gm.id, c.id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, gm.joined_on,
                       gm.left_on, c.status, \(Self.onRoster("gm", "c", day: today)) AS current
                FROM group_members gm JOIN clients c ON c.id = gm.client_id
                WHERE gm.group_id = ?
                """, arguments: [groupID])
            let members = try rows.map { r in
                (current: r[9] as Bool,
                 member: RosterMember(memberID: r[0], clientID: r[1],
                                      clientName: clientDisplayName(first: r[2], last: r[3], preferred: r[4]), mrn: r[5],
                                      joinedOn: try Col.day(r, 6, "group_members.joined_on"),
                                      leftOn: try Col.optionalDay(r, 7, "group_members.left_on"),
                                      clientStatus: try Col.value(r, 8, "clients.status")))
            }
            return members.sorted { a, b in
                if a.current != b.current { return a.current }
                let order = Self.nameOrder(a.member.clientName, b.member.clientName)
                if order != .orderedSame { return order == .orderedAscending }
                return a.member.joinedOn > b.member.joinedOn
            }.map(\.member)
        }
    }

    /// Names in the order a person expects ("Ñúñez" with the N's, not after "Z").
    static func nameOrder(_ a: String, _ b: String) -> ComparisonResult {
        let folded = a.compare(b, options: [.caseInsensitive, .diacriticInsensitive])
        return folded != .orderedSame ? folded : a.compare(b)
    }

    public func saveGroup(_ group: CounselingGroup, facilitatorIDs: [RowID], by staff: Staff) throws -> CounselingGroup {
        var g = group
        g.name = group.name.trimmingCharacters(in: .whitespacesAndNewlines)
        g.room = group.room.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !g.name.isEmpty else { throw CaseloadError.invalidInput("A group needs a name.") }
        guard (0...6).contains(g.weekday) else { throw CaseloadError.invalidInput("Choose the day of the week the group meets.") }
        guard (0..<1440).contains(g.startMinute) else {
            throw CaseloadError.invalidInput("The group's start time must be between 00:00 and 23:59.")
        }
        guard g.minutes > 0 else { throw CaseloadError.invalidInput("A group session must last at least one minute.") }
        guard g.capacity > 0 else { throw CaseloadError.invalidInput("A group's capacity must be at least 1.") }
        let facilitators = Array(Set(facilitatorIDs)).sorted()
        let now = clock.now()
        return try write { db in
            if let id = g.id {
                try Self.requireGroupAccess(staff, groupID: id, db, to: "change this group", settings: true)
            } else if !(staff.role == .admin || staff.role == .supervisor || facilitators.contains(staff.id ?? -1)) {
                throw AccessRefused(staff: staff, clientID: nil, subject: "group", sentence:
                    "Only an administrator, a clinical supervisor or one of the group's facilitators can create a group.")
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM groups WHERE name = ? AND id IS NOT ?", arguments: [g.name, g.id]) == true {
                throw CaseloadError.invalidInput("Another group is already called '\(g.name)'. Choose another name.")
            }
            for f in facilitators where try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE id = ?", arguments: [f]) != true {
                throw CaseloadError.invalidInput("A facilitator chosen for '\(g.name)' is not a staff member.")
            }
            if let id = g.id {
                try db.execute(sql: """
                    UPDATE groups SET name = ?, modality_id = ?, weekday = ?, start_minute = ?, minutes = ?, room = ?,
                           is_open = ?, capacity = ?, active = ?, revision = revision + 1, updated_by_id = ?, updated_at = ?
                    WHERE id = ? AND revision = ?
                    """, arguments: [g.name, g.modalityID, g.weekday, g.startMinute, g.minutes, g.room, g.isOpen,
                                     g.capacity, g.active, staff.id, now, id, g.revision])
                if db.changesCount == 0 {
                    guard let r = try Row.fetchOne(db, sql: """
                        SELECT coalesce(s.display_name, 'someone else'), g.updated_at
                        FROM groups g LEFT JOIN staff s ON s.id = g.updated_by_id WHERE g.id = ?
                        """, arguments: [id]) else { throw CaseloadError.notFound(what: "The group '\(g.name)'") }
                    throw EditConflict(what: "The group", changedBy: r[0], changedAt: r[1])
                }
                g.revision += 1
                try db.execute(sql: "DELETE FROM group_facilitators WHERE group_id = ?", arguments: [id])
            } else {
                g.revision = 1
                g.id = try GroupTable.insert(g, db)
                try db.execute(sql: "UPDATE groups SET updated_by_id = ?, updated_at = ? WHERE id = ?",
                               arguments: [staff.id, now, g.id])
            }
            for f in facilitators { try FacilitatorTable.insert(GroupFacilitator(groupID: g.id!, staffID: f), db) }
            try audit(db, group.id == nil ? .create : .update, staff, clientID: nil, subject: "group:\(g.id!)",
                      detail: "\(group.id == nil ? "created" : "changed") the group '\(g.name)'")
            return g
        }
    }

    public func enroll(clientID: RowID, groupID: RowID, on day: Day, by staff: Staff) throws {
        try write { db in
            try Self.requireGroupAccess(staff, groupID: groupID, db, to: "enroll members in this group")
            let group = try Self.group(groupID, db)
            guard let c = try Row.fetchOne(db, sql: """
                SELECT legal_first_name, legal_last_name, preferred_name, status FROM clients WHERE id = ?
                """, arguments: [clientID]) else { throw CaseloadError.notFound(what: "The client") }
            let name = clientDisplayName(first: c[0], last: c[1], preferred: c[2])
            if (c[3] as String) == ClientStatus.discharged.rawValue {
                throw CaseloadError.refused("\(name) is discharged from the program and cannot join a group.")
            }
            if try Bool.fetchOne(db, sql: """
                SELECT 1 FROM group_members WHERE group_id = ? AND client_id = ? AND (left_on IS NULL OR left_on > ?)
                """, arguments: [groupID, clientID, day.sqlText]) == true {
                throw CaseloadError.invalidInput("\(name) is already a member of \(group.name).")
            }
            let size = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM group_members gm JOIN clients c ON c.id = gm.client_id
                WHERE gm.group_id = ? AND \(Self.onRoster("gm", "c", day: day))
                """, arguments: [groupID]) ?? 0
            if size >= group.capacity {
                throw CaseloadError.refused("\(group.name) is full (\(group.capacity) members). Raise its capacity or discharge a member first.")
            }
            try MemberTable.insert(GroupMember(groupID: groupID, clientID: clientID, joinedOn: day), db)
            try audit(db, .update, staff, clientID: clientID, subject: "group:\(groupID)",
                      detail: "enrolled in '\(group.name)' from \(day)")
        }
    }

    public func enroll(mrn: String, groupID: RowID, on day: Day, by staff: Staff) throws -> String {
        let number = mrn.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let r = try read({ db in
            try Row.fetchOne(db, sql: """
                SELECT id, legal_first_name, legal_last_name, preferred_name FROM clients WHERE mrn = ? COLLATE NOCASE
                """, arguments: [number])
        }) else {
            throw CaseloadError.notFound(what: "A client with the chart number “\(StaffValidation.printable(String(number.prefix(40))))”")
        }
        try enroll(clientID: r[0], groupID: groupID, on: day, by: staff)
        return clientDisplayName(first: r[1], last: r[2], preferred: r[3])
    }

    public func discharge(memberID: RowID, on day: Day, by staff: Staff) throws {
        try write { db in
            guard let member = try MemberTable.fetchAll(db, where: "id = ?", [memberID]).first else {
                throw CaseloadError.notFound(what: "The group membership")
            }
            try Self.requireGroupAccess(staff, groupID: member.groupID, db, to: "discharge members from this group")
            let group = try Self.group(member.groupID, db)
            if let left = member.leftOn, left <= clock.today() {
                throw CaseloadError.invalidInput("This member already left \(group.name) on \(left).")
            }
            guard day >= member.joinedOn else {
                throw CaseloadError.invalidInput("The leave date \(day) is before the day the member joined (\(member.joinedOn)).")
            }
            try db.execute(sql: "UPDATE group_members SET left_on = ? WHERE id = ?", arguments: [day.sqlText, memberID])
            try audit(db, .update, staff, clientID: member.clientID, subject: "group:\(member.groupID)",
                      detail: "left '\(group.name)' on \(day)")
        }
    }

    // MARK: Sessions

    public func groupSessions(groupID: RowID, from: Day, to: Day) throws -> [GroupSession] {
        guard from <= to else { return [] }
        // One write transaction: check-then-insert cannot race another process (writers are serialised).
        return try write { db in
            let group = try Self.group(groupID, db)
            if group.active {
                var day = from.adding(days: (group.weekday - from.weekday + 7) % 7)
                let exists = try db.cachedStatement(sql: "SELECT 1 FROM group_sessions WHERE group_id = ? AND date = ?")
                while day <= to {
                    if try Bool.fetchOne(exists, arguments: [groupID, day.sqlText]) != true {
                        try GroupSessionTable.insert(GroupSession(groupID: groupID, date: day, startMinute: group.startMinute,
                                                                  minutes: group.minutes, status: .scheduled), db)
                    }
                    day = day.adding(days: 7)
                }
            }
            return try GroupSessionTable.fetchAll(db, where: "group_id = ? AND date BETWEEN ? AND ?",
                                                  [groupID, from.sqlText, to.sqlText],
                                                  orderBy: "date DESC, start_minute DESC, id DESC")
        }
    }

    public func addSession(groupID: RowID, date: Day, startMinute: Int, minutes: Int, by staff: Staff) throws -> GroupSession {
        guard (0..<1440).contains(startMinute) else {
            throw CaseloadError.invalidInput("The session's start time must be between 00:00 and 23:59.")
        }
        guard minutes > 0 else { throw CaseloadError.invalidInput("A group session must last at least one minute.") }
        return try write { db in
            try Self.requireGroupAccess(staff, groupID: groupID, db, to: "add a session to this group")
            let group = try Self.group(groupID, db)
            // Two sessions of one group at the same hour are one session entered twice.
            if try Bool.fetchOne(db, sql: """
                SELECT 1 FROM group_sessions WHERE group_id = ? AND date = ? AND start_minute = ? AND status <> 'cancelled'
                """, arguments: [groupID, date.sqlText, startMinute]) == true {
                throw CaseloadError.invalidInput(
                    "'\(group.name)' already has a session on \(date) at \(formatClockTime(startMinute)): open it from the list.")
            }
            var session = GroupSession(groupID: groupID, date: date, startMinute: startMinute, minutes: minutes, status: .scheduled)
            session.id = try GroupSessionTable.insert(session, db)
            try audit(db, .create, staff, clientID: nil, subject: "group_session:\(session.id!)",
                      detail: "added a session of '\(group.name)' on \(date) \(formatClockTime(startMinute))")
            return session
        }
    }

    public func moveSessionToToday(sessionID: RowID, by staff: Staff) throws -> GroupSession {
        let today = clock.today()
        return try write { db in
            let session = try Self.session(sessionID, db)
            try Self.requireGroupAccess(staff, groupID: session.groupID, db, to: "change this group's sessions")
            if session.signedAt != nil { throw CaseloadError.refused("This group session is signed and cannot be changed.") }
            guard session.date > today else { return session }
            let group = try Self.group(session.groupID, db)
            if try Bool.fetchOne(db, sql: """
                SELECT 1 FROM group_sessions WHERE group_id = ? AND date = ? AND start_minute = ? AND status <> 'cancelled'
                """, arguments: [session.groupID, today.sqlText, session.startMinute]) == true {
                throw CaseloadError.invalidInput(
                    "'\(group.name)' already has a session today at \(formatClockTime(session.startMinute)): take attendance on that one.")
            }
            try db.execute(sql: "UPDATE group_sessions SET date = ? WHERE id = ?", arguments: [today.sqlText, sessionID])
            try audit(db, .update, staff, clientID: nil, subject: "group_session:\(sessionID)",
                      detail: "moved the session of '\(group.name)' from \(session.date) to \(today): it met early")
            return try Self.session(sessionID, db)
        }
    }

    public func attendanceSheet(sessionID: RowID) throws -> AttendanceSheet {
        try read { db in
            let (session, changedBy, changedAt) = try Self.sessionWithEditor(sessionID, db)
            if let v = viewer { try Self.requireGroupAccess(v, groupID: session.groupID, db, to: "see this group's attendance") }
            let group = try Self.group(session.groupID, db)
            let facilitatorIDs = try RowID.fetchAll(db, sql: "SELECT staff_id FROM group_facilitators WHERE group_id = ? ORDER BY staff_id",
                                                    arguments: [session.groupID])
            // The roster on the session date, plus anyone already marked (who may have left since).
            let rows = try Row.fetchAll(db, sql: """
                WITH ids(id) AS (
                    SELECT gm.client_id FROM group_members gm JOIN clients c2 ON c2.id = gm.client_id
                    WHERE gm.group_id = ? AND \(Self.onRoster("gm", "c2", day: session.date))
                    UNION SELECT client_id FROM attendance WHERE group_session_id = ?)
                SELECT c.id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, c.flags, \(AttendanceTable.select("a"))
                FROM ids JOIN clients c ON c.id = ids.id
                LEFT JOIN attendance a ON a.group_session_id = ? AND a.client_id = c.id
                """, arguments: [session.groupID, sessionID, sessionID])
            let settings = try SettingsCodec.read(db)
            let lines = try rows.map { r in
                let flags = (try? JSONDecoder().decode([String].self, from: Data((r[5] as String).utf8))) ?? []
                return AttendanceSheet.Line(clientID: r[0], clientName: clientDisplayName(first: r[1], last: r[2], preferred: r[3]),
                                            mrn: r[4], attendance: r.hasNull(atIndex: 6) ? nil : try AttendanceTable.decode(r, at: 6),
                                            safetyFlags: settings.safetyFlags(flags))
            }.sorted { a, b in
                let order = Self.nameOrder(a.clientName, b.clientName)
                return order != .orderedSame ? order == .orderedAscending : a.clientID < b.clientID
            }
            return AttendanceSheet(session: session, group: group, facilitatorIDs: facilitatorIDs, lines: lines,
                                   lastChangedBy: changedBy, lastChangedAt: changedAt)
        }
    }

    @discardableResult
    public func mark(sessionID: RowID, clientID: RowID, status: AttendanceStatus, minutes: Int, line: String?,
                     expectedRevision: Int?, by staff: Staff) throws -> Attendance {
        let now = clock.now(), today = clock.today()
        // A short write transaction touching only this member's row: a co-facilitator marking
        // someone else at the same time waits a moment and keeps their mark.
        return try write { db in
            let session = try Self.session(sessionID, db)
            try Self.requireGroupAccess(staff, groupID: session.groupID, db, to: "take attendance for this group")
            if session.signedAt != nil {
                throw CaseloadError.refused("The attendance of a signed group session cannot be changed.")
            }
            try Self.requireHeld(session, today: today, doing: "take attendance")
            let minutes = try Self.checkMinutes(minutes, status: status, session: session)
            let allowed = try Bool.fetchOne(db, sql: """
                SELECT 1 FROM group_members gm JOIN clients c ON c.id = gm.client_id
                WHERE gm.group_id = ? AND gm.client_id = ? AND \(Self.onRoster("gm", "c", day: session.date))
                UNION ALL SELECT 1 FROM attendance WHERE group_session_id = ? AND client_id = ?
                """, arguments: [session.groupID, clientID, sessionID, clientID]) == true
            guard allowed else {
                throw CaseloadError.invalidInput("This client is not on the group's roster on \(session.date).")
            }
            // The sheet showed this member's mark at `expectedRevision` (0: unmarked); anything else stored
            // now is someone else's mark, which is never overwritten without asking.
            if let expected = expectedRevision {
                let stored = try Row.fetchOne(db, sql: """
                    SELECT a.revision, coalesce(s.display_name, 'someone else'), a.updated_at,
                           c.legal_first_name, c.legal_last_name, c.preferred_name
                    FROM attendance a JOIN clients c ON c.id = a.client_id LEFT JOIN staff s ON s.id = a.updated_by_id
                    WHERE a.group_session_id = ? AND a.client_id = ?
                    """, arguments: [sessionID, clientID])
                let revision: Int = stored?[0] ?? 0
                if revision != expected, let stored {
                    let name = clientDisplayName(first: stored[3], last: stored[4], preferred: stored[5])
                    throw EditConflict(what: "The attendance mark of \(name)", changedBy: stored[1], changedAt: stored[2])
                }
            }
            try db.execute(sql: """
                INSERT INTO attendance (group_session_id, client_id, status, minutes, line, updated_by_id, updated_at)
                VALUES (?, ?, ?, ?, coalesce(?, ''), ?, ?)
                ON CONFLICT (group_session_id, client_id) DO UPDATE SET
                    status = excluded.status, minutes = excluded.minutes,
                    line = CASE WHEN ? IS NULL THEN attendance.line ELSE excluded.line END,
                    revision = attendance.revision + 1,
                    updated_by_id = excluded.updated_by_id, updated_at = excluded.updated_at
                """, arguments: [sessionID, clientID, status.rawValue, minutes, line, staff.id, now, line])
            if session.status != .held {
                try db.execute(sql: "UPDATE group_sessions SET status = 'held' WHERE id = ?", arguments: [sessionID])
            }
            guard let saved = try AttendanceTable.fetchAll(db, where: "group_session_id = ? AND client_id = ?",
                                                           [sessionID, clientID]).first else {
                throw CaseloadError.notFound(what: "The attendance mark")
            }
            // The mark is a line of the member's chart: recorded like any other change to it.
            let group = try Self.group(session.groupID, db)
            try audit(db, saved.revision == 1 ? .create : .update, staff, clientID: clientID,
                      subject: "attendance:\(sessionID)",
                      detail: "marked \(status.label.lowercased()) (\(minutes) min) in '\(group.name)' on \(session.date)"
                        + (line.map { $0.isEmpty ? "" : ", with a line" } ?? ""))
            return saved
        }
    }

    @discardableResult
    public func saveGroupNote(sessionID: RowID, topic: String, note: String, expectedRevision: Int,
                              by staff: Staff) throws -> GroupSession {
        let now = clock.now()
        return try write { db in
            let session = try Self.session(sessionID, db)
            try Self.requireGroupAccess(staff, groupID: session.groupID, db, to: "write this group's notes")
            if session.signedAt != nil { throw CaseloadError.refused("This group session is signed and cannot be changed.") }
            try db.execute(sql: """
                UPDATE group_sessions SET topic = ?, note = ?, revision = revision + 1, updated_by_id = ?, updated_at = ?
                WHERE id = ? AND revision = ?
                """, arguments: [topic, note, staff.id, now, sessionID, expectedRevision])
            if db.changesCount == 0 {
                let (_, by, at) = try Self.sessionWithEditor(sessionID, db)
                throw EditConflict(what: "The group note", changedBy: by ?? "someone else", changedAt: at)
            }
            let group = try Self.group(session.groupID, db)
            try audit(db, .update, staff, clientID: nil, subject: "group_session:\(sessionID)",
                      detail: "wrote the group note of '\(group.name)' on \(session.date)")
            return try Self.session(sessionID, db)
        }
    }

    public func signGroupSession(sessionID: RowID, by staff: Staff) throws {
        let now = clock.now()
        try write { db in
            let session = try Self.session(sessionID, db)
            try Self.requireGroupAccess(staff, groupID: session.groupID, db, to: "sign this group's sessions")
            if session.signedAt != nil { throw CaseloadError.refused("This group session is already signed.") }
            try Self.requireHeld(session, today: clock.today(), doing: "sign it")
            guard session.status == .held else {
                throw CaseloadError.invalidInput("Take attendance before signing: nobody is marked on this session yet.")
            }
            // Every member on the roster is accounted for: marked, or recorded as "not recorded" on purpose.
            let unmarked = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM group_members gm JOIN clients c ON c.id = gm.client_id
                WHERE gm.group_id = ? AND \(Self.onRoster("gm", "c", day: session.date))
                  AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.group_session_id = ? AND a.client_id = gm.client_id)
                """, arguments: [session.groupID, sessionID]) ?? 0
            if unmarked > 0 {
                throw CaseloadError.invalidInput(
                    "\(unmarked == 1 ? "1 member is" : "\(unmarked) members are") not marked: mark them, or record them as not recorded, before signing.")
            }
            try db.execute(sql: """
                UPDATE group_sessions SET signed_at = ?, signed_by_id = ?,
                    signer_text = \(Self.signatureTextSQL)
                WHERE id = ?
                """, arguments: [now, staff.id, staff.id, sessionID])
            let group = try Self.group(session.groupID, db)
            try audit(db, .sign, staff, clientID: nil, subject: "group_session:\(sessionID)",
                      detail: "signed the session of '\(group.name)' on \(session.date)")
        }
    }

    public func sessionsToSign(facilitatorID: RowID?, on day: Day) throws -> [SessionToSign] {
        if let facilitatorID { try authorizeStaffView(facilitatorID, what: "group sessions to sign") }
        return try read { db in try Self.sessionsToSign(facilitatorID: facilitatorID, on: day, db) }
    }

    static func sessionsToSign(facilitatorID: RowID?, on day: Day, _ db: Database) throws -> [SessionToSign] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT s.id, g.id, g.name, s.date, s.start_minute, s.status = 'held',
                   (SELECT count(*) FROM group_members gm JOIN clients c ON c.id = gm.client_id
                    WHERE gm.group_id = g.id AND \(Self.onRoster("gm", "c", dayColumn: "s.date"))
                      AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.group_session_id = s.id AND a.client_id = gm.client_id)),
                   coalesce((SELECT group_concat(st.display_name, ', ') FROM group_facilitators f JOIN staff st ON st.id = f.staff_id
                             WHERE f.group_id = g.id), 'no facilitator')
            FROM group_sessions s JOIN groups g ON g.id = s.group_id
            WHERE s.signed_at IS NULL AND s.status <> 'cancelled'
              AND (s.status = 'held' AND s.date <= :day OR s.status = 'scheduled' AND s.date < :day)
              AND (:staff IS NULL OR EXISTS (SELECT 1 FROM group_facilitators f WHERE f.group_id = g.id AND f.staff_id = :staff))
            ORDER BY s.date, s.start_minute, s.id
            """, arguments: ["day": day.sqlText, "staff": facilitatorID])
        return try rows.map { r in
            SessionToSign(sessionID: r[0], groupID: r[1], groupName: r[2], date: try Col.day(r, 3, "group_sessions.date"),
                          startMinute: r[4], held: r[5], unmarked: r[6], facilitatorName: r[7])
        }
    }

    // MARK: Alerts and report

    public func absenceAlerts(counselorID: RowID) throws -> [RowID: Int] {
        try authorizeStaffView(counselorID, what: "absence alerts")
        let today = clock.today()
        return try read { db in
            let threshold = max(1, try SettingsCodec.read(db).consecutiveAbsencesAlert)
            let memberships = try Row.fetchAll(db, sql: """
                SELECT gm.client_id, gm.group_id, gm.joined_on FROM group_members gm JOIN clients c ON c.id = gm.client_id
                WHERE c.primary_counselor_id = ? AND \(Self.onRoster("gm", "c", day: today))
                """, arguments: [counselorID])
            let trail = try db.cachedStatement(sql: """
                SELECT a.status FROM group_sessions s
                LEFT JOIN attendance a ON a.group_session_id = s.id AND a.client_id = ?
                WHERE s.group_id = ? AND s.status = 'held' AND s.date >= ? AND s.date <= ?
                ORDER BY s.date DESC, s.start_minute DESC, s.id DESC
                """)
            var alerts: [RowID: Int] = [:]
            for m in memberships {
                let clientID: RowID = m[0], groupID: RowID = m[1], joined: String = m[2]
                let statuses = try String?.fetchCursor(trail, arguments: [clientID, groupID, joined, today.sqlText])
                var count = 0
                while let status = try statuses.next(), status == AttendanceStatus.absent.rawValue { count += 1 }
                if count >= threshold { alerts[clientID] = max(alerts[clientID] ?? 0, count) }
            }
            return alerts
        }
    }

    public func attendanceReport(groupID: RowID?, clientID: RowID?, from: Day, to: Day) throws
        -> (sessionsHeld: Int, rows: [AttendanceReportRow]) {
        guard (groupID == nil) != (clientID == nil) else {
            throw CaseloadError.invalidInput("An attendance report is for one group or for one client.")
        }
        guard from <= to else { throw CaseloadError.invalidInput("The report's start date \(from) is after its end date \(to).") }
        // A client's report shows the groups of their chart the person sees (all of them, or their own groups).
        var only = ""
        if let clientID, let ids = try authorize(clientID: clientID, .groupPart, what: "group attendance").groupIDs {
            only = " AND gm.group_id IN (\(ids.map(String.init).joined(separator: ",")))"
        }
        return try read { db in
            if let groupID, let v = viewer { try Self.requireGroupAccess(v, groupID: groupID, db, to: "report on this group's attendance") }
            let filter = (groupID != nil ? "gm.group_id = :id" : "gm.client_id = :id") + only
            // Each stint of membership counts the held sessions inside the range and the stint; a
            // discharged client's stint ends at discharge even when nobody set the leave date.
            let rows = try Row.fetchAll(db, sql: """
                SELECT g.name, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn,
                       count(s.id),
                       coalesce(sum(a.status = 'present'), 0), coalesce(sum(a.status = 'absent'), 0),
                       coalesce(sum(a.status = 'excused'), 0), coalesce(sum(a.status = 'late'), 0),
                       coalesce(sum(a.status = 'left_early'), 0)
                FROM group_members gm
                JOIN groups g ON g.id = gm.group_id
                JOIN clients c ON c.id = gm.client_id
                LEFT JOIN group_sessions s ON s.group_id = gm.group_id AND s.status = 'held'
                     AND s.date >= max(gm.joined_on, :from) AND s.date <= :to
                     AND s.date < coalesce(gm.left_on, '9999-12-31') AND s.date < coalesce(c.discharge_date, '9999-12-31')
                LEFT JOIN attendance a ON a.group_session_id = s.id AND a.client_id = gm.client_id
                WHERE \(filter) AND gm.joined_on <= :to AND (gm.left_on IS NULL OR gm.left_on > :from)
                  AND (c.discharge_date IS NULL OR c.discharge_date > :from)
                GROUP BY gm.group_id, gm.client_id
                """,
                arguments: ["id": groupID ?? clientID, "from": from.sqlText, "to": to.sqlText])
            let report = rows.map { r in
                AttendanceReportRow(groupName: r[0], clientName: clientDisplayName(first: r[1], last: r[2], preferred: r[3]),
                                    mrn: r[4], present: r[6], absent: r[7], excused: r[8], late: r[9], leftEarly: r[10],
                                    sessionsHeld: r[5])
            }.sorted { a, b in
                let g = Self.nameOrder(a.groupName, b.groupName)
                if g != .orderedSame { return g == .orderedAscending }
                let c = Self.nameOrder(a.clientName, b.clientName)
                return c != .orderedSame ? c == .orderedAscending : a.mrn < b.mrn
            }
            let held: Int
            if let groupID {
                held = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM group_sessions WHERE group_id = ? AND status = 'held' AND date BETWEEN ? AND ?
                    """, arguments: [groupID, from.sqlText, to.sqlText]) ?? 0
            } else {
                held = report.reduce(0) { $0 + $1.sessionsHeld }
            }
            return (held, report)
        }
    }

    // MARK: Helpers

    private static func group(_ id: RowID, _ db: Database) throws -> CounselingGroup {
        guard let g = try GroupTable.fetchAll(db, where: "id = ?", [id]).first else { throw CaseloadError.notFound(what: "The group") }
        return g
    }

    /// The name a signature keeps, as Staff.signatureText builds it ("Ana Pérez, LADC"), for the staff member whose
    /// id is bound to the `?`: one expression for notes, co-signatures and group sessions.
    static let signatureTextSQL = """
        (SELECT CASE WHEN credentials = '' THEN display_name ELSE display_name || ', ' || credentials END
         FROM staff WHERE id = ?)
        """

    /// Attendance is taken, and a session signed, on the day it meets or later: a session on a later day has not
    /// happened, and marking it would count it as held in reports and productivity.
    static func requireHeld(_ session: GroupSession, today: Day, doing: String) throws {
        guard session.date <= today else {
            throw CaseloadError.refused(
                "This session is on \(session.date), after today (\(today)): \(doing) on the day it meets. If it met early, add a session for today instead.")
        }
    }

    /// Minutes attended: 1 to the session's length for those who came (present, late, left early), 0 for the absent
    /// and the excused (whatever was given); billing units follow from them. Returns the minutes to store.
    static func checkMinutes(_ minutes: Int, status: AttendanceStatus, session: GroupSession) throws -> Int {
        switch status {
        case .absent, .excused, .notRecorded:
            return 0
        default:
            let length = max(1, session.minutes)
            guard (1...length).contains(minutes) else {
                throw CaseloadError.invalidInput(
                    "Minutes attended are a whole number from 1 to \(length), the session's length; \(minutes) is not.")
            }
            return minutes
        }
    }

    private static func session(_ id: RowID, _ db: Database) throws -> GroupSession {
        guard let s = try GroupSessionTable.fetchAll(db, where: "id = ?", [id]).first else {
            throw CaseloadError.notFound(what: "The group session")
        }
        return s
    }

    private static func sessionWithEditor(_ id: RowID, _ db: Database) throws -> (GroupSession, String?, Date?) {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT \(GroupSessionTable.select("s")), st.display_name, s.updated_at
            FROM group_sessions s LEFT JOIN staff st ON st.id = s.updated_by_id WHERE s.id = ?
            """, arguments: [id]) else { throw CaseloadError.notFound(what: "The group session") }
        let n = GroupSessionTable.columns.count
        return (try GroupSessionTable.decode(r), r[n], r[n + 1])
    }

    private func audit(_ db: Database, _ action: AuditAction, _ staff: Staff, clientID: RowID?, subject: String,
                       detail: String) throws {
        try AuditTable.insert(AuditEvent(at: clock.now(), staffID: staff.id, username: staff.username, action: action,
                                         clientID: clientID, subject: subject, detail: detail), db)
    }
}
