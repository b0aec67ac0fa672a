// GroupRepository on a small program built by hand; every expected figure is worked out in the
// comments from the fixture itself (fixture "today" is Wednesday 2025-03-12).
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class GroupRepositoryTests: XCTestCase {
    private var path: String!
    private var store: SQLiteStore!
    private var adm: Staff!, sup: Staff!, fay: Staff!, ana: Staff!, ben: Staff!
    // Ana's: c1 Zoë Ñúñez, c2 王小明, c3 José García (left the group 03-01), c4 Ruth Begay (discharged 02-20).
    // Ben's: c5 Ama Mensah (joined 02-15).
    private var c1: Client!, c2: Client!, c3: Client!, c4: Client!, c5: Client!
    /// g1 "Early Recovery": Wednesdays 10:30, 60 min, facilitated by Fay and Ana.
    /// g2 "Coping Skills": Mondays, Fay only. g3 "Peer Support": Thursdays, Ana only.
    private var g1: CounselingGroup!, g2: CounselingGroup!, g3: CounselingGroup!
    private var m2: GroupMember!
    /// g1 sessions: s1 02-05, s2 02-19, s3 02-26, s4 03-05 held; s5 03-12 scheduled.
    private var s1: GroupSession!, s2: GroupSession!, s3: GroupSession!, s4: GroupSession!, s5: GroupSession!

    private func day(_ s: String) -> Day { Day(s)! }

    override func setUpWithError() throws {
        let dir = try TestDirs.make(self)
        path = dir.appendingPathComponent("groups.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        adm = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Okafor", role: .supervisor))
        fay = try store.addStaff(Staff(username: "fay", displayName: "Fay Li", role: .facilitator, supervisorID: sup.id))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id))
        ben = try store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor, supervisorID: sup.id))

        func client(_ mrn: String, _ first: String, _ last: String, _ counselor: Staff, discharged: String? = nil) throws -> Client {
            try store.insert(Client(mrn: mrn, legalFirstName: first, legalLastName: last, preferredName: nil, pronouns: nil,
                                    dateOfBirth: day("1988-07-14"), phone: nil, admissionDate: day("2024-06-01"),
                                    dischargeDate: discharged.map(day), dischargeReason: discharged == nil ? nil : "Moved",
                                    status: discharged == nil ? .active : .discharged, phase: "Stabilization",
                                    medication: .methadone, doseMg: 80, takeHomeLevel: 0, primaryCounselorID: counselor.id,
                                    flags: [], emergencyContact: nil))
        }
        c1 = try client("A-001", "Zoë", "Ñúñez", ana)
        c2 = try client("A-002", "小明", "王", ana)
        c3 = try client("A-003", "José", "García", ana)
        c4 = try client("A-004", "Ruth", "Begay", ana, discharged: "2025-02-20")
        c5 = try client("B-001", "Ama", "Mensah", ben)

        let gt = try XCTUnwrap(try store.modalityID(named: "Group therapy"))
        func group(_ name: String, weekday: Int, _ facilitators: [Staff]) throws -> CounselingGroup {
            try store.insert(CounselingGroup(name: name, modalityID: gt, weekday: weekday, startMinute: 630, minutes: 60,
                                             room: "Room 2", isOpen: true, capacity: 10),
                             facilitatorIDs: facilitators.map { $0.id! })
        }
        g1 = try group("Early Recovery", weekday: 2, [fay, ana])
        g2 = try group("Coping Skills", weekday: 0, [fay])
        g3 = try group("Peer Support", weekday: 3, [ana])

        try store.insert(GroupMember(groupID: g1.id!, clientID: c1.id!, joinedOn: day("2025-01-01")))
        m2 = try store.insert(GroupMember(groupID: g1.id!, clientID: c2.id!, joinedOn: day("2025-01-01")))
        try store.insert(GroupMember(groupID: g1.id!, clientID: c3.id!, joinedOn: day("2025-01-01"), leftOn: day("2025-03-01")))
        try store.insert(GroupMember(groupID: g1.id!, clientID: c4.id!, joinedOn: day("2025-01-01")))
        try store.insert(GroupMember(groupID: g1.id!, clientID: c5.id!, joinedOn: day("2025-02-15")))
        try store.insert(GroupMember(groupID: g2.id!, clientID: c1.id!, joinedOn: day("2025-03-01")))

        func session(_ g: CounselingGroup, _ date: String, _ status: GroupSessionStatus) throws -> GroupSession {
            try store.insert(GroupSession(groupID: g.id!, date: day(date), startMinute: g.startMinute, minutes: g.minutes,
                                          topic: "Topic \(date)", status: status))
        }
        s1 = try session(g1, "2025-02-05", .held)
        s2 = try session(g1, "2025-02-19", .held)
        s3 = try session(g1, "2025-02-26", .held)
        s4 = try session(g1, "2025-03-05", .held)
        s5 = try session(g1, "2025-03-12", .scheduled)
        let g2a = try session(g2, "2025-03-03", .held), g2b = try session(g2, "2025-03-10", .held)
        let marks: [(GroupSession, Client, AttendanceStatus)] = [
            (s1, c1, .present), (s1, c2, .absent), (s1, c3, .late), (s1, c4, .present),
            (s2, c1, .absent), (s2, c2, .present), (s2, c3, .excused), (s2, c4, .absent), (s2, c5, .present),
            (s3, c1, .absent), (s3, c2, .absent), (s3, c3, .present), (s3, c5, .leftEarly),
            (s4, c1, .absent), (s4, c2, .present), (s4, c5, .late),
            (g2a, c1, .present), (g2b, c1, .excused),
        ]
        for (s, c, status) in marks {
            try store.insert(Attendance(groupSessionID: s.id!, clientID: c.id!, status: status,
                                        minutes: status.attended ? 60 : 0, line: "\(status.rawValue) line"))
        }
    }

    // MARK: Groups and rosters

    func testGroupsListMineFirstWithFacilitatorsAndCurrentRosterSize() throws {
        let rows = try store.groups(for: fay.id!)
        XCTAssertEqual(rows.map(\.group.name), ["Coping Skills", "Early Recovery", "Peer Support"])
        XCTAssertEqual(rows.map(\.isMine), [true, true, false])
        let early = rows[1]
        XCTAssertEqual(early.facilitatorNames, ["Ana Pérez", "Fay Li"])
        XCTAssertEqual(early.modality, "Group therapy")
        // c1, c2, c5 today; c3 left on 03-01 and c4 is discharged.
        XCTAssertEqual(early.rosterSize, 3)
        XCTAssertEqual(rows[0].rosterSize, 1)
        XCTAssertEqual(try store.groups(for: ben.id!).map(\.isMine), [false, false, false])
    }

    func testRosterKeepsPastMembersAfterTheCurrentOnes() throws {
        let roster = try store.roster(groupID: g1.id!)
        XCTAssertEqual(roster.map(\.clientName), ["Mensah, Ama", "Ñúñez, Zoë", "王, 小明", "Begay, Ruth", "García, José"])
        XCTAssertEqual(roster[4].leftOn, day("2025-03-01"))
        XCTAssertEqual(roster[3].clientStatus, .discharged)
    }

    func testSheetListsTheRosterOnTheSessionDatePlusAnyoneAlreadyMarked() throws {
        // On 03-12: c3 has left, c4 is discharged.
        let today = try store.attendanceSheet(sessionID: s5.id!)
        XCTAssertEqual(today.lines.map(\.clientName), ["Mensah, Ama", "Ñúñez, Zoë", "王, 小明"])
        XCTAssertTrue(today.lines.allSatisfy { $0.attendance == nil })
        XCTAssertEqual(today.group.name, "Early Recovery")
        XCTAssertEqual(Set(today.facilitatorIDs), [fay.id!, ana.id!])
        // On 02-19 c3 was still a member; c4 is discharged now but was marked then, so stays on that sheet.
        let past = try store.attendanceSheet(sessionID: s2.id!)
        XCTAssertEqual(past.lines.map(\.clientName), ["Begay, Ruth", "García, José", "Mensah, Ama", "Ñúñez, Zoë", "王, 小明"])
        XCTAssertEqual(past.lines.first { $0.clientID == c3.id }?.attendance?.status, .excused)
    }

    func testEnrollAndDischargeChangeNewSheetsButKeepHistory() throws {
        try store.enroll(clientID: c3.id!, groupID: g1.id!, on: day("2025-03-12"), by: fay)
        try store.discharge(memberID: m2.id!, on: day("2025-03-12"), by: ana)
        let sheet = try store.attendanceSheet(sessionID: s5.id!)
        XCTAssertEqual(sheet.lines.map(\.clientName), ["García, José", "Mensah, Ama", "Ñúñez, Zoë"])
        // 王's history stays: four marks in the chart, four held sessions while a member.
        XCTAssertEqual(try store.attendanceHistory(clientID: c2.id!, limit: 10).count, 4)
        let report = try store.attendanceReport(groupID: nil, clientID: c2.id!, from: day("2025-01-01"), to: day("2025-03-31"))
        XCTAssertEqual(report.rows.first?.sessionsHeld, 4)
        XCTAssertEqual(try store.roster(groupID: g1.id!).first { $0.memberID == m2.id }?.leftOn, day("2025-03-12"))

        XCTAssertThrowsError(try store.enroll(clientID: c1.id!, groupID: g1.id!, on: day("2025-03-12"), by: fay)) { error in
            XCTAssertEqual(error as? CaseloadError, .invalidInput("Ñúñez, Zoë is already a member of Early Recovery."))
        }
        XCTAssertThrowsError(try store.enroll(clientID: c4.id!, groupID: g3.id!, on: day("2025-03-12"), by: ana)) { error in
            XCTAssertEqual(error as? CaseloadError, .refused("Begay, Ruth is discharged from the program and cannot join a group."))
        }
        XCTAssertThrowsError(try store.discharge(memberID: m2.id!, on: day("2024-12-01"), by: ana))
    }

    func testAFullGroupRefusesAnotherMember() throws {
        var small = g3!
        small.capacity = 1
        small = try store.saveGroup(small, facilitatorIDs: [ana.id!], by: ana)
        try store.enroll(clientID: c1.id!, groupID: g3.id!, on: fixtureToday, by: ana)
        XCTAssertThrowsError(try store.enroll(clientID: c2.id!, groupID: g3.id!, on: fixtureToday, by: ana)) { error in
            XCTAssertTrue("\(error)".contains("Peer Support is full (1 members)"), "\(error)")
        }
    }

    func testSaveGroupCreatesUpdatesAndDetectsAStaleRevision() throws {
        let gt = try XCTUnwrap(try store.modalityID(named: "Group therapy"))
        let created = try store.saveGroup(CounselingGroup(name: "  Mujeres en Recuperación ", modalityID: gt, weekday: 4,
                                                          startMinute: 900, minutes: 90, room: "Sala 1", isOpen: false,
                                                          capacity: 8), facilitatorIDs: [fay.id!], by: fay)
        XCTAssertEqual(created.name, "Mujeres en Recuperación")
        XCTAssertEqual(created.revision, 1)
        XCTAssertEqual(try store.groups(for: fay.id!).first { $0.id == created.id }?.facilitatorNames, ["Fay Li"])

        var edit = created
        edit.room = "Sala 2"
        let saved = try store.saveGroup(edit, facilitatorIDs: [fay.id!, ana.id!], by: fay)
        XCTAssertEqual(saved.revision, 2)
        XCTAssertEqual(try store.groups(for: ana.id!).first { $0.id == created.id }?.isMine, true)

        // Ana edits from the revision-1 copy Fay already changed.
        XCTAssertThrowsError(try store.saveGroup(edit, facilitatorIDs: [ana.id!], by: ana)) { error in
            let conflict = error as? EditConflict
            XCTAssertEqual(conflict?.changedBy, "Fay Li")
            XCTAssertEqual(conflict?.changedAt, fixtureClock.now())
        }
        var duplicate = created
        duplicate.id = nil
        XCTAssertThrowsError(try store.saveGroup(duplicate, facilitatorIDs: [fay.id!], by: fay)) { error in
            XCTAssertEqual(error as? CaseloadError,
                           .invalidInput("Another group is already called 'Mujeres en Recuperación'. Choose another name."))
        }
    }

    // MARK: Permissions

    func testOnlyTheFacilitatorsAndTheirSupervisorWorkWithMembersAndAdministratorsOnlyWithTheSettings() throws {
        func assertRefused(_ what: String, _ body: () throws -> Void) {
            XCTAssertThrowsError(try body(), what) { error in
                guard case .refused(let sentence)? = error as? CaseloadError else {
                    return XCTFail("\(what): \(error)")
                }
                XCTAssertTrue(sentence.hasPrefix("Only the group's facilitators and their clinical supervisor can")
                              || sentence.hasPrefix("Only an administrator, one of the group's facilitators or their clinical supervisor"),
                              sentence)
            }
        }
        // Ben is a counselor who facilitates nothing; Fay does not facilitate Peer Support (g3).
        assertRefused("mark") { try store.mark(sessionID: s5.id!, clientID: c1.id!, status: .present, minutes: 60, line: nil, by: ben) }
        assertRefused("note") { try store.saveGroupNote(sessionID: s5.id!, topic: "x", note: "y", expectedRevision: 1, by: ben) }
        assertRefused("sign") { try store.signGroupSession(sessionID: s4.id!, by: ben) }
        assertRefused("enroll") { try store.enroll(clientID: c1.id!, groupID: g3.id!, on: fixtureToday, by: fay) }
        assertRefused("discharge") { try store.discharge(memberID: m2.id!, on: fixtureToday, by: ben) }
        assertRefused("add session") { _ = try store.addSession(groupID: g3.id!, date: fixtureToday, startMinute: 600, minutes: 60, by: fay) }
        assertRefused("save group") { _ = try store.saveGroup(g3, facilitatorIDs: [fay.id!], by: fay) }
        var newGroup = g3!
        newGroup.id = nil; newGroup.name = "Ben's own"
        XCTAssertThrowsError(try store.saveGroup(newGroup, facilitatorIDs: [], by: ben))
        // Nothing was written by the refused calls.
        XCTAssertNil(try store.attendanceSheet(sessionID: s5.id!).lines.first { $0.attendance != nil })

        // An administrator manages the group's settings, but takes no attendance and sees no roster (clients).
        assertRefused("admin marks") { try store.mark(sessionID: s5.id!, clientID: c1.id!, status: .present, minutes: 60, line: nil, by: adm) }
        _ = try store.saveGroup(g3, facilitatorIDs: [ana.id!], by: adm)
        let admins = try SQLiteStore.open(path: path, clock: fixtureClock)
        try admins.bind(viewer: adm)
        assertRefused("admin roster") { _ = try admins.roster(groupID: g1.id!) }
        // The facilitators' supervisor may, without facilitating; every refusal above is in the audit trail.
        try store.mark(sessionID: s5.id!, clientID: c2.id!, status: .present, minutes: 60, line: nil, by: sup)
        _ = try store.addSession(groupID: g3.id!, date: fixtureToday, startMinute: 600, minutes: 60, by: sup)
        let refused = try store.read { db in
            try String.fetchAll(db, sql: "SELECT username FROM audit_events WHERE action = 'refused' ORDER BY id")
        }
        XCTAssertEqual(refused, ["ben", "ben", "ben", "fay", "ben", "fay", "fay", "ben", "adm", "adm"])
    }

    // MARK: Marks

    func testAStaleMarkIsRefusedNamingWhoMarkedAndWhenWhileOtherMembersNeverConflict() throws {
        // Two co-facilitators, two processes, both sheets showing Zoë and 小明 unmarked.
        let later = FixedClock(day: fixtureToday, minute: 10 * 60 + 5)
        let fays = try SQLiteStore.open(path: path, clock: fixtureClock)
        let anas = try SQLiteStore.open(path: path, clock: later)
        let first = try fays.mark(sessionID: s5.id!, clientID: c1.id!, status: .present, minutes: 60, line: nil,
                                  expectedRevision: 0, by: fay)
        XCTAssertEqual(first.revision, 1)
        XCTAssertThrowsError(try anas.mark(sessionID: s5.id!, clientID: c1.id!, status: .absent, minutes: 0, line: nil,
                                           expectedRevision: 0, by: ana)) { error in
            XCTAssertEqual(error as? EditConflict, EditConflict(what: "The attendance mark of Ñúñez, Zoë", changedBy: "Fay Li",
                                                                changedAt: fixtureClock.now()))
        }
        XCTAssertEqual(try store.attendanceSheet(sessionID: s5.id!).lines.first { $0.clientID == c1.id }?.attendance?.status,
                       .present, "the refused mark changed nothing")
        // Another member on the same stale sheet: no conflict.
        XCTAssertEqual(try anas.mark(sessionID: s5.id!, clientID: c2.id!, status: .absent, minutes: 0, line: nil,
                                     expectedRevision: 0, by: ana).status, .absent)
        // Ana chose to overwrite; now Fay's sheet (revision 1) is the stale one, and Ana is named.
        let over = try anas.mark(sessionID: s5.id!, clientID: c1.id!, status: .absent, minutes: 0, line: nil,
                                 expectedRevision: nil, by: ana)
        XCTAssertEqual(over.revision, 2)
        XCTAssertThrowsError(try fays.mark(sessionID: s5.id!, clientID: c1.id!, status: .late, minutes: 30, line: "Late",
                                           expectedRevision: first.revision, by: fay)) { error in
            XCTAssertEqual((error as? EditConflict)?.changedBy, "Ana Pérez")
            XCTAssertEqual((error as? EditConflict)?.changedAt, later.now())
        }
        // With the revision she now sees, her mark goes in.
        XCTAssertEqual(try fays.mark(sessionID: s5.id!, clientID: c1.id!, status: .late, minutes: 30, line: "Late",
                                     expectedRevision: over.revision, by: fay).revision, 3)
    }

    func testMarkWritesOneRowSetsTheSessionHeldAndKeepsTheLineWhenNil() throws {
        let first = try store.mark(sessionID: s5.id!, clientID: c1.id!, status: .late, minutes: 40,
                                   line: "Arrived 20 minutes late; shared about her daughter.", by: fay)
        XCTAssertEqual(first.status, .late)
        XCTAssertEqual(first.minutes, 40)
        XCTAssertEqual(try store.attendanceSheet(sessionID: s5.id!).session.status, .held)
        let again = try store.mark(sessionID: s5.id!, clientID: c1.id!, status: .present, minutes: 60, line: nil, by: ana)
        XCTAssertEqual(again.id, first.id)
        XCTAssertEqual(again.status, .present)
        XCTAssertEqual(again.line, "Arrived 20 minutes late; shared about her daughter.")
        XCTAssertEqual(again.revision, first.revision + 1)
        let sheet = try store.attendanceSheet(sessionID: s5.id!)
        XCTAssertEqual(sheet.lines.compactMap(\.attendance).count, 1)
        // c3 left before this date and was never marked here: not on the roster.
        XCTAssertThrowsError(try store.mark(sessionID: s5.id!, clientID: c3.id!, status: .present, minutes: 60, line: nil, by: fay))
    }

    func testTwoProcessesMarkingDifferentMembersKeepEveryMark() throws {
        // Twelve members in a fresh group; two store handles (two DatabasePools, as two SSH sessions
        // would have) mark alternate members at the same time.
        let gt = try XCTUnwrap(try store.modalityID(named: "Group therapy"))
        let big = try store.insert(CounselingGroup(name: "Big Group", modalityID: gt, weekday: 2, startMinute: 600,
                                                   minutes: 60, room: "", isOpen: true, capacity: 20),
                                   facilitatorIDs: [fay.id!, ana.id!])
        var members: [RowID] = []
        for i in 0..<12 {
            let c = try store.insert(Client(mrn: "BIG-\(i)", legalFirstName: "Member", legalLastName: "Número \(i)",
                                            preferredName: nil, pronouns: nil, dateOfBirth: day("1990-01-01"), phone: nil,
                                            admissionDate: day("2024-01-01"), dischargeDate: nil, dischargeReason: nil,
                                            status: .active, phase: "Stabilization", medication: .methadone, doseMg: 60,
                                            takeHomeLevel: 0, primaryCounselorID: ana.id, flags: [], emergencyContact: nil))
            try store.insert(GroupMember(groupID: big.id!, clientID: c.id!, joinedOn: day("2025-01-01")))
            members.append(c.id!)
        }
        let session = try store.insert(GroupSession(groupID: big.id!, date: fixtureToday, startMinute: 600, minutes: 60,
                                                    status: .scheduled))
        let first = try SQLiteStore.open(path: path, clock: fixtureClock)
        let second = try SQLiteStore.open(path: path, clock: fixtureClock)
        XCTAssertFalse(first.dbPool === second.dbPool)
        let handles = [(first, fay!), (second, ana!)]
        let memberIDs = members
        let failures = FailureBox()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let (handle, who) = handles[worker]
            // Each sheet passes the revision it saw of its own members: marks of different members never conflict.
            var seen: [RowID: Int] = [:]
            for round in 0..<5 {
                for (i, client) in memberIDs.enumerated() where i % 2 == worker {
                    do {
                        seen[client] = try handle.mark(sessionID: session.id!, clientID: client,
                                                       status: round == 4 && i == worker ? .absent : .present, minutes: 60,
                                                       line: "Round \(round) by \(who.username)",
                                                       expectedRevision: seen[client] ?? 0, by: who).revision
                    } catch { failures.add("\(error)") }
                }
            }
        }
        XCTAssertEqual(failures.all, [])
        let sheet = try store.attendanceSheet(sessionID: session.id!)
        XCTAssertEqual(sheet.lines.count, 12)
        XCTAssertEqual(sheet.lines.filter { $0.attendance != nil }.count, 12, "every mark from both processes is there")
        XCTAssertEqual(sheet.lines.filter { $0.attendance?.status == .absent }.map(\.clientID).sorted(), [members[0], members[1]])
        XCTAssertTrue(sheet.lines.allSatisfy { $0.attendance?.line.hasPrefix("Round 4") == true })
    }

    // MARK: Group note and signing

    func testAStaleGroupNoteRevisionIsAConflictNamingWhoChangedIt() throws {
        let opened = try store.attendanceSheet(sessionID: s5.id!)
        XCTAssertEqual(opened.session.revision, 1)
        let fays = try store.saveGroupNote(sessionID: s5.id!, topic: "Coping with cravings",
                                           note: "Members named three triggers each.", expectedRevision: 1, by: fay)
        XCTAssertEqual(fays.revision, 2)
        XCTAssertThrowsError(try store.saveGroupNote(sessionID: s5.id!, topic: "Cravings", note: "Ana's version",
                                                     expectedRevision: opened.session.revision, by: ana)) { error in
            XCTAssertEqual(error as? EditConflict,
                           EditConflict(what: "The group note", changedBy: "Fay Li", changedAt: fixtureClock.now()))
            XCTAssertEqual("\(error)", "The group note was changed by Fay Li while you were editing it.")
        }
        let reloaded = try store.attendanceSheet(sessionID: s5.id!)
        XCTAssertEqual(reloaded.session.note, "Members named three triggers each.")
        XCTAssertEqual(reloaded.lastChangedBy, "Fay Li")
        XCTAssertEqual(reloaded.lastChangedAt, fixtureClock.now())
        XCTAssertEqual(try store.saveGroupNote(sessionID: s5.id!, topic: "Cravings", note: "Ana's version",
                                               expectedRevision: reloaded.session.revision, by: ana).revision, 3)
    }

    func testASignedSessionRefusesMarksAndEditsEvenInSQL() throws {
        XCTAssertThrowsError(try store.signGroupSession(sessionID: s5.id!, by: fay)) { error in
            XCTAssertEqual(error as? CaseloadError,
                           .invalidInput("Take attendance before signing: nobody is marked on this session yet."))
        }
        try store.signGroupSession(sessionID: s4.id!, by: fay)
        let signed = try store.attendanceSheet(sessionID: s4.id!).session
        XCTAssertEqual(signed.signedByID, fay.id)
        XCTAssertEqual(signed.signedAt, fixtureClock.now())

        let locked = CaseloadError.refused("The attendance of a signed group session cannot be changed.")
        XCTAssertThrowsError(try store.mark(sessionID: s4.id!, clientID: c1.id!, status: .present, minutes: 60, line: nil, by: fay)) {
            XCTAssertEqual($0 as? CaseloadError, locked)
        }
        // The trigger itself, bypassing the Swift checks.
        XCTAssertThrowsError(try store.write { db in
            try db.execute(sql: "UPDATE attendance SET status = 'present' WHERE group_session_id = ?", arguments: [s4.id!])
        }) { XCTAssertEqual($0 as? CaseloadError, locked) }
        XCTAssertThrowsError(try store.write { db in
            try db.execute(sql: "INSERT INTO attendance (group_session_id, client_id, status) VALUES (?, ?, 'present')",
                           arguments: [s4.id!, c3.id!])
        }) { XCTAssertEqual($0 as? CaseloadError, locked) }
        XCTAssertThrowsError(try store.write { db in
            try db.execute(sql: "DELETE FROM attendance WHERE group_session_id = ?", arguments: [s4.id!])
        }) { XCTAssertEqual($0 as? CaseloadError, locked) }
        XCTAssertThrowsError(try store.write { db in
            try db.execute(sql: "UPDATE group_sessions SET note = 'rewritten' WHERE id = ?", arguments: [s4.id!])
        }) { XCTAssertEqual($0 as? CaseloadError, .refused("This group session is signed and cannot be changed.")) }
        XCTAssertThrowsError(try store.saveGroupNote(sessionID: s4.id!, topic: "t", note: "n", expectedRevision: 1, by: fay))
        XCTAssertThrowsError(try store.signGroupSession(sessionID: s4.id!, by: fay))
        XCTAssertEqual(try store.attendanceSheet(sessionID: s4.id!).lines.compactMap(\.attendance?.status),
                       [.late, .absent, .present])   // Mensah, Ñúñez, 王: as marked before signing
    }

    func testAStoreMadeBeforeGroupsLandedIsUpgradedAndItsSignedSessionsLocked() throws {
        let dir = try TestDirs.make(self)
        let old = dir.appendingPathComponent("v1.sqlite").path
        do {
            // A store as the foundation left it: only v1, a signed session with its attendance.
            let pool = try DatabasePool(path: old, configuration: SQLiteStore.configuration())
            try Schema.migrator.migrate(pool, upTo: "v1")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO staff (id, username, display_name, role) VALUES (1, 'fay', 'Fay Li', 'facilitator');
                    INSERT INTO clients (id, mrn, legal_first_name, legal_last_name, date_of_birth, admission_date, status,
                                         phase, medication, dose_mg) VALUES (1, 'M-1', 'Zoë', 'Ñúñez', '1990-01-01',
                                         '2024-01-01', 'active', 'Stabilization', 'methadone', 80);
                    INSERT INTO groups (id, name, modality_id, weekday, start_minute, minutes, capacity)
                        VALUES (1, 'Early Recovery', 1, 2, 600, 60, 10);
                    INSERT INTO group_facilitators VALUES (1, 1);
                    INSERT INTO group_members (group_id, client_id, joined_on) VALUES (1, 1, '2025-01-01');
                    INSERT INTO group_sessions (id, group_id, date, start_minute, minutes, status, signed_at, signed_by_id)
                        VALUES (1, 1, '2025-03-05', 600, 60, 'held', '2025-03-05 12:00:00.000', 1);
                    INSERT INTO attendance (group_session_id, client_id, status, minutes) VALUES (1, 1, 'present', 60);
                    """)
            }
            try pool.close()
        }
        let upgraded = try SQLiteStore.open(path: old, clock: fixtureClock)
        let sheet = try upgraded.attendanceSheet(sessionID: 1)
        XCTAssertEqual(sheet.lines.map(\.attendance?.status), [.present])
        XCTAssertNil(sheet.lastChangedBy)
        let fay = try XCTUnwrap(try upgraded.staff(username: "fay"))
        XCTAssertThrowsError(try upgraded.mark(sessionID: 1, clientID: 1, status: .absent, minutes: 0, line: nil, by: fay)) {
            XCTAssertEqual($0 as? CaseloadError, .refused("The attendance of a signed group session cannot be changed."))
        }
        XCTAssertEqual(try upgraded.attendanceReport(groupID: 1, clientID: nil, from: day("2025-03-01"),
                                                     to: day("2025-03-31")).rows.first?.present, 1)
    }

    // MARK: Sessions

    func testSessionGenerationFillsTheScheduleOnceAcrossProcesses() throws {
        // Wednesdays 02-05 … 03-26: eight dates; 02-12, 03-19 and 03-26 are missing.
        let sessions = try store.groupSessions(groupID: g1.id!, from: day("2025-02-01"), to: day("2025-03-31"))
        XCTAssertEqual(sessions.map(\.date.description),
                       ["2025-03-26", "2025-03-19", "2025-03-12", "2025-03-05", "2025-02-26", "2025-02-19", "2025-02-12", "2025-02-05"])
        XCTAssertEqual(sessions.first?.status, .scheduled)
        XCTAssertEqual(sessions.first?.startMinute, 630)
        let other = try SQLiteStore.open(path: path, clock: fixtureClock)
        XCTAssertEqual(try other.groupSessions(groupID: g1.id!, from: day("2025-02-01"), to: day("2025-03-31")), sessions)
        XCTAssertEqual(try store.groupSessions(groupID: g1.id!, from: day("2025-02-01"), to: day("2025-03-31")), sessions)
        let count = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM group_sessions WHERE group_id = ?", arguments: [g1.id!]) }
        XCTAssertEqual(count, 8)

        let adHoc = try store.addSession(groupID: g1.id!, date: day("2025-03-13"), startMinute: 14 * 60, minutes: 45, by: fay)
        XCTAssertEqual(try store.groupSessions(groupID: g1.id!, from: day("2025-03-13"), to: day("2025-03-13")), [adHoc])
        XCTAssertEqual(try store.groupSessions(groupID: g1.id!, from: day("2025-03-31"), to: day("2025-03-01")), [])
    }

    // MARK: Alerts

    func testAbsenceAlertsCountTrailingConsecutiveAbsences() throws {
        // Ana's clients: Zoë absent at s2, s3, s4 (present at s1; Coping Skills ends excused, not absent) → 3.
        // 王 absent at s3 then present at s4 → none. García left, Begay discharged → not counted.
        XCTAssertEqual(try store.absenceAlerts(counselorID: ana.id!), [c1.id!: 3])
        // Mensah (Ben's) was late at s4.
        XCTAssertEqual(try store.absenceAlerts(counselorID: ben.id!), [:])
        try store.updateSettings { $0.consecutiveAbsencesAlert = 4 }
        XCTAssertEqual(try store.absenceAlerts(counselorID: ana.id!), [:])
        try store.updateSettings { $0.consecutiveAbsencesAlert = 2 }
        // A fourth absence at today's session and 王 absent today too (1 trailing → no alert).
        try store.mark(sessionID: s5.id!, clientID: c1.id!, status: .absent, minutes: 0, line: nil, by: fay)
        try store.mark(sessionID: s5.id!, clientID: c2.id!, status: .absent, minutes: 0, line: nil, by: fay)
        XCTAssertEqual(try store.absenceAlerts(counselorID: ana.id!), [c1.id!: 4])
        try store.mark(sessionID: s5.id!, clientID: c1.id!, status: .present, minutes: 60, line: nil, by: fay)
        XCTAssertEqual(try store.absenceAlerts(counselorID: ana.id!), [:])
    }

    // MARK: Report

    func testGroupReportCountsEachMemberOverHeldSessionsWhileAMember() throws {
        let report = try store.attendanceReport(groupID: g1.id!, clientID: nil, from: day("2025-02-01"), to: day("2025-03-12"))
        XCTAssertEqual(report.sessionsHeld, 4)   // s1–s4; s5 is only scheduled
        let byName = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.clientName, $0) })
        XCTAssertEqual(report.rows.map(\.clientName), ["Begay, Ruth", "García, José", "Mensah, Ama", "Ñúñez, Zoë", "王, 小明"])
        // Begay: discharged 02-20 → s1, s2: present 1, absent 1 → 50 %.
        XCTAssertEqual(byName["Begay, Ruth"], AttendanceReportRow(groupName: "Early Recovery", clientName: "Begay, Ruth",
            mrn: "A-004", present: 1, absent: 1, excused: 0, late: 0, leftEarly: 0, sessionsHeld: 2))
        // García: left 03-01 → s1–s3: late, excused, present → 2 of 3.
        XCTAssertEqual(byName["García, José"]?.sessionsHeld, 3)
        XCTAssertEqual(byName["García, José"]?.late, 1)
        XCTAssertEqual(byName["García, José"]?.excused, 1)
        XCTAssertEqual(byName["García, José"]!.percent!, 200.0 / 3, accuracy: 0.001)
        // Mensah: joined 02-15 → s2–s4: present, left early, late → 100 %.
        XCTAssertEqual(byName["Mensah, Ama"], AttendanceReportRow(groupName: "Early Recovery", clientName: "Mensah, Ama",
            mrn: "B-001", present: 1, absent: 0, excused: 0, late: 1, leftEarly: 1, sessionsHeld: 3))
        XCTAssertEqual(byName["Mensah, Ama"]?.percent, 100)
        XCTAssertEqual(byName["Ñúñez, Zoë"]?.absent, 3)
        XCTAssertEqual(byName["Ñúñez, Zoë"]?.percent, 25)
        XCTAssertEqual(byName["王, 小明"]?.percent, 50)

        // 02-20 … 03-12: s3, s4. Begay was discharged on 02-20 and drops out; García has s3 only.
        let late = try store.attendanceReport(groupID: g1.id!, clientID: nil, from: day("2025-02-20"), to: day("2025-03-12"))
        XCTAssertEqual(late.sessionsHeld, 2)
        XCTAssertEqual(late.rows.map(\.clientName), ["García, José", "Mensah, Ama", "Ñúñez, Zoë", "王, 小明"])
        XCTAssertEqual(late.rows[0].sessionsHeld, 1)
        XCTAssertEqual(late.rows[0].percent, 100)
    }

    func testClientReportSpansTheirGroups() throws {
        let report = try store.attendanceReport(groupID: nil, clientID: c1.id!, from: day("2025-02-01"), to: day("2025-03-12"))
        // Coping Skills: 03-03 present, 03-10 excused; Early Recovery: s1–s4 present 1, absent 3.
        XCTAssertEqual(report.sessionsHeld, 6)
        XCTAssertEqual(report.rows.map(\.groupName), ["Coping Skills", "Early Recovery"])
        XCTAssertEqual(report.rows[0].percent, 50)
        XCTAssertEqual(report.rows[0].excused, 1)
        XCTAssertEqual(report.rows[1].percent, 25)
        XCTAssertThrowsError(try store.attendanceReport(groupID: g1.id!, clientID: c1.id!, from: fixtureToday, to: fixtureToday))
        XCTAssertThrowsError(try store.attendanceReport(groupID: g1.id!, clientID: nil, from: fixtureToday, to: day("2025-01-01")))
    }
}

/// Errors collected from concurrent workers.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
