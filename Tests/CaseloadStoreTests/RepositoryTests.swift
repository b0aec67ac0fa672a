// Every CaseloadRepository query against a small program built by hand, whose expected
// figures are worked out below from the fixture itself (not from the implementation).
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class RepositoryTests: XCTestCase {
    private var store: SQLiteStore!
    // Staff
    private var sup: Staff!, ana: Staff!, ben: Staff!, cat: Staff!, fay: Staff!
    // Clients: c1–c4 are Ana's (active, active, on hold, discharged), c5 Ben's, c6 Cat's.
    private var c1: Client!, c2: Client!, c3: Client!, c4: Client!, c5: Client!, c6: Client!
    private var n1: ProgressNote!, n2: ProgressNote!, n3: ProgressNote!, n4: ProgressNote!
    private var c1Plan: PlanTree!
    private var g1: CounselingGroup!, g4: CounselingGroup!
    private var s1: GroupSession!, s2: GroupSession!, s3: GroupSession!, s4: GroupSession!
    private var a1: Appointment!, a2: Appointment!

    private func day(_ s: String) -> Day { Day(s)! }
    /// A timestamp on the fixture's clock convention (wall time as UTC, like FixedClock).
    private func at(_ d: String, _ hour: Int, _ minute: Int = 0) -> Date {
        FixedClock(day: day(d), minute: hour * 60 + minute).now()
    }

    override func setUpWithError() throws {
        let dir = try TestDirs.make(self)
        store = try SQLiteStore.open(path: dir.appendingPathComponent("repo.sqlite").path, create: true, clock: fixtureClock)
        sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Okafor", credentials: "LCSW", role: .supervisor))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", credentials: "LADC", role: .counselor, supervisorID: sup.id))
        ben = try store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor, supervisorID: sup.id))
        cat = try store.addStaff(Staff(username: "cat", displayName: "Cat Begay", role: .counselor))
        fay = try store.addStaff(Staff(username: "fay", displayName: "Fay Li", role: .facilitator, supervisorID: sup.id))

        func client(_ mrn: String, _ first: String, _ last: String, _ counselor: Staff, status: ClientStatus = .active,
                    admitted: String, preferred: String? = nil, flags: [String] = [], discharged: String? = nil) throws -> Client {
            try store.insert(Client(mrn: mrn, legalFirstName: first, legalLastName: last, preferredName: preferred,
                                    pronouns: "she/her", dateOfBirth: day("1988-07-14"), phone: "(612) 555-0100",
                                    admissionDate: day(admitted), dischargeDate: discharged.map(day),
                                    dischargeReason: discharged == nil ? nil : "Moved", status: status, phase: "Stabilization",
                                    medication: .methadone, doseMg: 95, takeHomeLevel: 6, primaryCounselorID: counselor.id,
                                    flags: flags, emergencyContact: EmergencyContact(name: "Walter Ñúñez", relationship: "Father",
                                                                                     phone: "(612) 555-0101")))
        }
        c1 = try client("A-001", "Zoë", "Ñúñez", ana, admitted: "2024-06-01", preferred: "Zo", flags: ["co-occurring", "safety alert"])
        c2 = try client("A-002", "小明", "王", ana, admitted: "2025-01-01")
        c3 = try client("A-003", "José", "García", ana, status: .onHold, admitted: "2024-01-01")
        c4 = try client("A-004", "Zoe\u{0308}", "李", ana, status: .discharged, admitted: "2023-01-01", discharged: "2024-12-01")
        c5 = try client("B-001", "Ama", "Mensah", ben, admitted: "2024-02-01")
        c6 = try client("C-001", "Ruth", "Begay", cat, admitted: "2024-03-01")

        // Plans. c1: v1 superseded, v2 signed (review 2025-03-01: overdue), v3 draft. c2: a draft only
        // (review 2025-03-20: due within 14 days). c3: signed, overdue (on hold still counts).
        // c4: overdue but discharged (does not count). c5: signed, review exactly 14 days away.
        func plan(_ c: Client, _ version: Int, _ status: PlanStatus, effective: String, review: String,
                  goal: String = "Stay safer while any use continues") throws -> PlanTree {
            let mi = try XCTUnwrap(try store.modalityID(named: "Motivational interviewing"))
            let cm = try XCTUnwrap(try store.modalityID(named: "Case management"))
            return try store.insert(PlanTree(
                plan: TreatmentPlan(clientID: c.id!, version: version, status: status, effectiveDate: day(effective),
                                    nextReviewDate: day(review), clientWords: "No quiero morir.", createdByID: ana.id),
                problems: [
                    .init(problem: Problem(planID: 0, position: 1, statement: "Fentanyl use", clientWords: "It scares me"),
                          goals: [
                            .init(goal: Goal(problemID: 0, position: 1, statement: goal, kind: .harmReduction,
                                             targetDate: day("2025-06-01")),
                                  objectives: [
                                    .init(objective: Objective(goalID: 0, position: 1, statement: "Carries naloxone every day",
                                                               targetDate: day("2025-04-01"), status: .inProgress),
                                          interventions: [
                                            .init(intervention: Intervention(objectiveID: 0, position: 1, modalityID: mi,
                                                                             timesPerPeriod: 1, period: .week,
                                                                             responsibleStaffID: ana.id, detail: "MI check-in"),
                                                  modality: "", responsibleName: nil),
                                            .init(intervention: Intervention(objectiveID: 0, position: 2, modalityID: cm,
                                                                             timesPerPeriod: 2, period: .month,
                                                                             responsibleStaffID: nil),
                                                  modality: "", responsibleName: nil)]),
                                    .init(objective: Objective(goalID: 0, position: 2, statement: "Never uses alone",
                                                               targetDate: nil, status: .notStarted), interventions: [])]),
                            .init(goal: Goal(problemID: 0, position: 2, statement: "Stop fentanyl use", kind: .abstinence,
                                             targetDate: nil), objectives: [])]),
                    .init(problem: Problem(planID: 0, position: 2, statement: "Housing"), goals: []),
                ],
                signatures: status == .draft ? [] : [
                    PlanSignature(planID: 0, role: .client, signerName: "Zoë Ñúñez", staffID: nil, signedAt: at(effective, 10)),
                    PlanSignature(planID: 0, role: .counselor, signerName: "Ana Pérez", staffID: ana.id, signedAt: at(effective, 10, 5)),
                ]))
        }
        _ = try plan(c1, 1, .superseded, effective: "2024-06-10", review: "2024-09-08", goal: "Old goal")
        c1Plan = try plan(c1, 2, .signed, effective: "2024-12-01", review: "2025-03-01")
        _ = try plan(c1, 3, .draft, effective: "2025-03-01", review: "2025-05-30", goal: "Draft goal")
        _ = try plan(c2, 1, .draft, effective: "2025-01-10", review: "2025-03-20")
        _ = try plan(c3, 1, .signed, effective: "2024-10-01", review: "2025-01-01")
        _ = try plan(c4, 1, .signed, effective: "2024-03-01", review: "2024-06-01")
        _ = try plan(c5, 1, .signed, effective: "2024-12-26", review: "2025-03-26")

        // Notes. c1: last real contact 2025-03-11 (n4); the no-show today (n2) does not count.
        let individual = try XCTUnwrap(try store.modalityID(named: "Individual counseling"))
        func note(_ c: Client, _ by: Staff, _ date: String, _ start: Int, format: SessionFormat, status: NoteStatus,
                  created: Date, sections: [String] = ["Data.", "Assessment.", "Plan."], goals: [RowID] = [],
                  objectives: [RowID] = []) throws -> ProgressNote {
            try store.insert(ProgressNote(
                clientID: c.id!, staffID: by.id!, date: day(date), startMinute: start, minutes: format == .noShow ? 0 : 50,
                modalityID: individual, format: format, template: .dap, sections: sections, status: status,
                signedAt: status == .signed ? created.addingTimeInterval(600) : nil, signedByID: status == .signed ? by.id : nil,
                billingUnits: format == .noShow ? 0 : 3, createdAt: created, updatedAt: created),
                linkedGoalIDs: goals, linkedObjectiveIDs: objectives)
        }
        let goal = c1Plan.problems[0].goals[0]
        n1 = try note(c1, ana, "2025-03-10", 600, format: .individual, status: .signed, created: at("2025-03-10", 11),
                      sections: ["Talked about housing.\nSecond line of data.", "Stable.", "Weekly."],
                      goals: [goal.goal.id!], objectives: [goal.objectives[0].objective.id!])
        n2 = try note(c1, ana, "2025-03-12", 480, format: .noShow, status: .signed, created: at("2025-03-12", 8, 30),
                      sections: ["Did not come.", "", "Outreach call."])
        n3 = try note(c1, ana, "2025-02-01", 540, format: .phone, status: .draft, created: at("2025-02-01", 9, 30),
                      sections: ["", "Brief call.", ""])
        n4 = try note(c1, ana, "2025-03-11", 840, format: .individual, status: .draft, created: at("2025-03-11", 15))
        _ = try note(c3, ana, "2025-01-05", 600, format: .individual, status: .signed, created: at("2025-01-05", 11))
        _ = try note(c5, ben, "2025-03-01", 600, format: .telehealth, status: .signed, created: at("2025-03-01", 11))
        _ = try note(c5, ben, "2025-03-03", 600, format: .individual, status: .draft, created: at("2025-03-03", 11))

        // Appointments: two for Ana today (c1's has its note), one tomorrow; one for Ben today.
        a1 = try store.insert(Appointment(clientID: c2.id!, staffID: ana.id!, date: fixtureToday, startMinute: 13 * 60,
                                          minutes: 50, modalityID: individual))
        a2 = try store.insert(Appointment(clientID: c1.id!, staffID: ana.id!, date: fixtureToday, startMinute: 8 * 60,
                                          minutes: 50, modalityID: individual, noteID: n2.id))
        try store.insert(Appointment(clientID: c1.id!, staffID: ana.id!, date: fixtureToday.adding(days: 1),
                                     startMinute: 9 * 60, minutes: 50, modalityID: individual))
        try store.insert(Appointment(clientID: c5.id!, staffID: ben.id!, date: fixtureToday, startMinute: 9 * 60,
                                     minutes: 50, modalityID: individual))

        // Groups: Ana runs G1 (Wednesdays, today) with Fay; G4 normally Mondays but moved to today;
        // G3 (Fridays) and the inactive G5 do not meet today; G2 is Fay's alone.
        let groupTherapy = try XCTUnwrap(try store.modalityID(named: "Group therapy"))
        func group(_ name: String, weekday: Int, start: Int, active: Bool = true, _ facilitators: [Staff]) throws -> CounselingGroup {
            try store.insert(CounselingGroup(name: name, modalityID: groupTherapy, weekday: weekday, startMinute: start,
                                             minutes: 60, room: "Sala Azul", isOpen: true, capacity: 12, active: active),
                             facilitatorIDs: facilitators.map { $0.id! })
        }
        XCTAssertEqual(fixtureToday.weekday, 2)
        g1 = try group("Early Recovery", weekday: 2, start: 630, [ana, fay])
        _ = try group("Coping Skills", weekday: 2, start: 600, [fay])
        _ = try group("Peer Support", weekday: 4, start: 600, [ana])
        g4 = try group("Family Education", weekday: 0, start: 600, [ana])
        _ = try group("Inactive Group", weekday: 2, start: 600, active: false, [ana])

        try store.insert(GroupMember(groupID: g1.id!, clientID: c1.id!, joinedOn: day("2025-01-01")))
        try store.insert(GroupMember(groupID: g1.id!, clientID: c5.id!, joinedOn: day("2025-01-01"), leftOn: day("2025-03-01")))
        try store.insert(GroupMember(groupID: g1.id!, clientID: c6.id!, joinedOn: day("2025-02-01")))
        try store.insert(GroupMember(groupID: g1.id!, clientID: c2.id!, joinedOn: day("2025-03-13")))
        try store.insert(GroupMember(groupID: g4.id!, clientID: c1.id!, joinedOn: day("2024-12-01")))

        func session(_ g: CounselingGroup, _ date: String, _ status: GroupSessionStatus, start: Int? = nil,
                     topic: String = "") throws -> GroupSession {
            try store.insert(GroupSession(groupID: g.id!, date: day(date), startMinute: start ?? g.startMinute,
                                          minutes: start == nil ? g.minutes : 90, topic: topic, status: status))
        }
        _ = try session(g1, "2025-02-19", .cancelled)
        s1 = try session(g1, "2025-02-26", .held, topic: "Triggers")
        s2 = try session(g1, "2025-03-05", .held, topic: "Refusal skills")
        s3 = try session(g1, "2025-03-12", .scheduled)
        s4 = try session(g4, "2025-03-12", .scheduled, start: 15 * 60)
        for (s, c, status, minutes, line) in [
            (s1!, c1!, AttendanceStatus.present, 60, "Shared about housing."), (s1!, c5!, .late, 45, "Late: bus."),
            (s1!, c6!, .absent, 0, ""), (s2!, c1!, .excused, 0, "Excused: court date."), (s2!, c6!, .present, 60, "Engaged."),
        ] {
            try store.insert(Attendance(groupSessionID: s.id!, clientID: c.id!, status: status, minutes: minutes, line: line))
        }
    }

    // MARK: - Home

    func testHomeSummaryForACounselor() throws {
        let home = try store.homeSummary(for: ana.id!, on: fixtureToday)
        XCTAssertEqual(home.appointments, [
            TodayAppointment(appointmentID: a2.id!, clientID: c1.id!, clientName: "Ñúñez, Zoë \"Zo\"", mrn: "A-001",
                             startMinute: 480, minutes: 50, modality: "Individual counseling", noteID: n2.id, noteSigned: true),
            TodayAppointment(appointmentID: a1.id!, clientID: c2.id!, clientName: "王, 小明", mrn: "A-002",
                             startMinute: 780, minutes: 50, modality: "Individual counseling"),
        ])
        XCTAssertEqual(home.groups, [
            TodayGroup(groupID: g1.id!, groupSessionID: s3.id, name: "Early Recovery", startMinute: 630, minutes: 60,
                       room: "Sala Azul", rosterSize: 2, status: .scheduled),
            TodayGroup(groupID: g4.id!, groupSessionID: s4.id, name: "Family Education", startMinute: 900, minutes: 90,
                       room: "Sala Azul", rosterSize: 1, status: .scheduled),
        ])
        XCTAssertEqual(home.plansOverdue, 2, "c1 (2025-03-01) and c3 (2025-01-01, on hold); c4 is discharged")
        XCTAssertEqual(home.plansDueSoon, 1, "c2's draft, 2025-03-20")
        XCTAssertEqual(home.unsignedNotes, 2, "n3 and n4: every draft, as the list under it shows")
        XCTAssertEqual(home.unsignedOverdue, 1, "n3 from February; n4 is only 18 hours old")
        XCTAssertEqual(home.noContact, 1, "c2, never seen since admission on 2025-01-01")
        XCTAssertEqual(home.caseloadActive, 2)
        XCTAssertEqual(home.caseloadOnHold, 1)
    }

    func testHomeSummaryEdgesAndSettings() throws {
        let home = try store.homeSummary(for: ben.id!, on: fixtureToday)
        XCTAssertEqual(home.plansDueSoon, 1, "a review exactly planDueWarningDays away is due soon")
        XCTAssertEqual(home.unsignedOverdue, 1)
        XCTAssertEqual(home.groups, [])
        XCTAssertEqual(home.appointments.map(\.clientID), [c5.id!])

        try store.updateSettings { $0.planDueWarningDays = 7; $0.unsignedNoteHours = 12; $0.noContactWarningDays = 90 }
        let ana2 = try store.homeSummary(for: ana.id!, on: fixtureToday)
        XCTAssertEqual(ana2.plansDueSoon, 0, "2025-03-20 is 8 days away")
        XCTAssertEqual(ana2.unsignedOverdue, 2, "n4 (18 hours) is now overdue too")
        XCTAssertEqual(ana2.unsignedNotes, 2)
        XCTAssertEqual(ana2.noContact, 0, "c2 admitted 70 days ago")

        let later = try store.homeSummary(for: ana.id!, on: day("2025-03-19"))
        XCTAssertEqual(later.appointments, [])
        XCTAssertEqual(later.groups.map(\.name), ["Early Recovery"], "G1 meets on Wednesdays even with no session row yet")
        XCTAssertNil(later.groups.first?.groupSessionID)
        XCTAssertEqual(later.groups.first?.rosterSize, 3, "c2 has joined by then")
    }

    // MARK: - Caseload

    func testCaseloadRowsPerScope() throws {
        let mine = try store.caseloadRows(for: ana.id!, scope: .mine, on: fixtureToday)
        XCTAssertEqual(mine.map(\.id), [c1.id!, c2.id!, c3.id!, c4.id!], "by id; the screen sorts")
        let row = try XCTUnwrap(mine.first { $0.id == c1.id })
        XCTAssertEqual(row, CaseloadRow(id: c1.id!, name: c1.displayName, mrn: "A-001", status: .active, phase: "Stabilization",
                                        medication: .methadone, doseMg: 95, takeHomeLevel: 6, counselorName: "Ana Pérez",
                                        lastContact: day("2025-03-11"), nextPlanReview: day("2025-03-01"),
                                        flags: ["co-occurring", "safety alert"]))
        let c2Row = try XCTUnwrap(mine.first { $0.id == c2.id })
        XCTAssertNil(c2Row.lastContact)
        XCTAssertEqual(c2Row.nextPlanReview, day("2025-03-20"), "no signed plan: the draft's review date")
        XCTAssertEqual(mine.first { $0.id == c4.id }?.name, "李, Zoe\u{0308}")

        XCTAssertEqual(Set(try store.caseloadRows(for: sup.id!, scope: .team, on: fixtureToday).map(\.id)),
                       Set([c1, c2, c3, c4, c5].map { $0.id! }), "Ana's and Ben's clients; Cat is not on Sam's team")
        XCTAssertEqual(try store.caseloadRows(for: sup.id!, scope: .mine, on: fixtureToday), [])
        XCTAssertEqual(Set(try store.caseloadRows(for: ana.id!, scope: .team, on: fixtureToday).map(\.id)), Set(mine.map(\.id)))
        let all = try store.caseloadRows(for: cat.id!, scope: .all, on: fixtureToday)
        XCTAssertEqual(all.count, 6)
        XCTAssertEqual(all.first { $0.id == c6.id }?.nextPlanReview, nil)
        XCTAssertEqual(all.first { $0.id == c6.id }?.counselorName, "Cat Begay")
    }

    // MARK: - Chart

    func testChartSummary() throws {
        let summary = try store.chartSummary(clientID: c1.id!)
        XCTAssertEqual(summary.client, c1)
        XCTAssertEqual(summary.counselorName, "Ana Pérez")
        XCTAssertEqual(summary.lastContact, day("2025-03-11"))
        XCTAssertEqual(summary.nextPlanReview, day("2025-03-01"))
        XCTAssertThrowsError(try store.chartSummary(clientID: 9_999)) { error in
            XCTAssertEqual(error as? CaseloadError, .notFound(what: "Client 9999"))
        }
        XCTAssertEqual(try store.client(mrn: "A-002")?.legalFirstName, "小明")
        XCTAssertNil(try store.client(mrn: "nope"))
    }

    func testCurrentPlanIsTheSignedOneWithItsWholeTree() throws {
        let tree = try XCTUnwrap(try store.currentPlan(clientID: c1.id!))
        XCTAssertEqual(tree.plan.version, 2)
        XCTAssertEqual(tree.plan.status, .signed)
        XCTAssertEqual(tree.problems.map(\.problem.statement), ["Fentanyl use", "Housing"])
        XCTAssertEqual(tree.problems[0].goals.map(\.goal.statement), ["Stay safer while any use continues", "Stop fentanyl use"])
        XCTAssertEqual(tree.problems[0].goals[0].goal.kind, .harmReduction)
        XCTAssertEqual(tree.problems[0].goals[0].objectives.map(\.objective.statement), ["Carries naloxone every day", "Never uses alone"])
        let interventions = tree.problems[0].goals[0].objectives[0].interventions
        XCTAssertEqual(interventions.map(\.modality), ["Motivational interviewing", "Case management"])
        XCTAssertEqual(interventions.map(\.responsibleName), ["Ana Pérez", nil])
        XCTAssertEqual(interventions.map(\.intervention.frequencyLabel), ["1×/week", "2×/month"])
        XCTAssertEqual(tree.problems[1].goals, [])
        XCTAssertEqual(tree.signatures.map(\.role), [.client, .counselor])
        XCTAssertEqual(tree, c1Plan, "what was stored comes back whole")

        XCTAssertEqual(try store.currentPlan(clientID: c2.id!)?.plan.status, .draft, "no signed plan: the draft")
        XCTAssertNil(try store.currentPlan(clientID: c6.id!))
        XCTAssertEqual(try store.planVersions(clientID: c1.id!).map(\.version), [3, 2, 1])
        XCTAssertEqual(try store.planVersions(clientID: c1.id!).map(\.status), [.draft, .signed, .superseded])
    }

    func testNotesNewestFirstWithPaging() throws {
        let all = try store.notes(clientID: c1.id!, limit: 50, offset: 0)
        XCTAssertEqual(all.map(\.id), [n2.id!, n4.id!, n1.id!, n3.id!])
        XCTAssertEqual(try store.noteCount(clientID: c1.id!), 4)
        XCTAssertEqual(try store.notes(clientID: c1.id!, limit: 2, offset: 1).map(\.id), [n4.id!, n1.id!])
        XCTAssertEqual(try store.notes(clientID: c1.id!, limit: 2, offset: 10), [])
        let first = try XCTUnwrap(all.first { $0.id == n1.id })
        XCTAssertEqual(first, NoteListItem(id: n1.id!, date: day("2025-03-10"), startMinute: 600, minutes: 50, format: .individual,
                                           template: .dap, modality: "Individual counseling", staffName: "Ana Pérez",
                                           status: .signed, firstLine: "Talked about housing."))
        XCTAssertEqual(all.first { $0.id == n3.id }?.firstLine, "Brief call.", "an empty first section is skipped")
        XCTAssertEqual(all.first { $0.id == n2.id }?.format, .noShow)
    }

    func testOneNoteInFull() throws {
        let detail = try store.note(id: n1.id!)
        XCTAssertEqual(detail.note, n1)
        XCTAssertEqual(detail.note.sections, ["Talked about housing.\nSecond line of data.", "Stable.", "Weekly."])
        XCTAssertEqual(detail.modality, "Individual counseling")
        XCTAssertEqual(detail.staffName, "Ana Pérez")
        XCTAssertEqual(detail.signedByName, "Ana Pérez")
        XCTAssertEqual(detail.linkedGoals, ["Stay safer while any use continues", "Carries naloxone every day"])
        XCTAssertNil(try store.note(id: n4.id!).signedByName, "a draft is not signed")
        XCTAssertThrowsError(try store.note(id: 123_456)) { error in
            XCTAssertEqual(error as? CaseloadError, .notFound(what: "Note 123456"))
        }
    }

    func testGroupMembershipsAndAttendance() throws {
        let memberships = try store.groupMemberships(clientID: c1.id!)
        XCTAssertEqual(memberships, [
            GroupMembershipRow(groupID: g1.id!, groupName: "Early Recovery", modality: "Group therapy", schedule: "Wed 10:30 60m",
                               joinedOn: day("2025-01-01"), leftOn: nil, attended: 1, held: 2),
            GroupMembershipRow(groupID: g4.id!, groupName: "Family Education", modality: "Group therapy", schedule: "Mon 10:00 60m",
                               joinedOn: day("2024-12-01"), leftOn: nil, attended: 0, held: 0),
        ])
        let left = try store.groupMemberships(clientID: c5.id!)
        XCTAssertEqual(left.map(\.leftOn), [day("2025-03-01")])
        XCTAssertEqual(left.map(\.held), [1], "only 2025-02-26 fell inside the membership")
        XCTAssertEqual(left.map(\.attended), [1], "late counts as attended")

        let history = try store.attendanceHistory(clientID: c1.id!, limit: 10)
        XCTAssertEqual(history, [
            AttendanceHistoryRow(groupSessionID: s2.id!, groupName: "Early Recovery", date: day("2025-03-05"),
                                 topic: "Refusal skills", status: .excused, minutes: 0, line: "Excused: court date."),
            AttendanceHistoryRow(groupSessionID: s1.id!, groupName: "Early Recovery", date: day("2025-02-26"),
                                 topic: "Triggers", status: .present, minutes: 60, line: "Shared about housing."),
        ])
        XCTAssertEqual(try store.attendanceHistory(clientID: c1.id!, limit: 1).map(\.groupSessionID), [s2.id!])
        XCTAssertEqual(try store.attendanceHistory(clientID: c2.id!, limit: 10), [])
    }

    func testScreensReferralsContactsConsents() throws {
        let d1 = try store.insert(DrugScreen(clientID: c1.id!, collectedOn: day("2025-01-15"), observed: true,
                                             results: [.fentanyl: .positive, .methadone: .positive, .alcohol: .notTested]))
        let d2 = try store.insert(DrugScreen(clientID: c1.id!, collectedOn: day("2025-02-20"), observed: false, random: false,
                                             results: [.fentanyl: .negative, .methadone: .positive], note: "Dilute"))
        let d3 = try store.insert(DrugScreen(clientID: c1.id!, collectedOn: day("2025-03-05"), observed: false, results: [:]))
        XCTAssertEqual(try store.drugScreens(clientID: c1.id!, limit: 2), [d3, d2])
        XCTAssertEqual(try store.drugScreens(clientID: c1.id!, limit: 10).last, d1)
        XCTAssertEqual(try store.drugScreens(clientID: c2.id!, limit: 10), [])

        let r1 = try store.insert(Referral(clientID: c1.id!, type: .housing, agency: "Harbor Light", referredOn: day("2025-01-10"),
                                           status: .completed, followUpOn: nil))
        let r2 = try store.insert(Referral(clientID: c1.id!, type: .vocational, agency: "Workforce Center", referredOn: day("2025-03-01"),
                                           status: .made, followUpOn: day("2025-03-20"), note: "Warm hand-off"))
        XCTAssertEqual(try store.referrals(clientID: c1.id!), [r2, r1])

        let k1 = try store.insert(Consent(clientID: c1.id!, discloser: "Program", recipient: "Walter Ñúñez (father)",
                                          purpose: "Family involvement", informationCovered: "Attendance",
                                          expiresOn: day("2025-06-01"), signedOn: day("2024-06-01")))
        let k2 = try store.insert(Consent(clientID: c1.id!, discloser: "Program", recipient: "County Probation",
                                          purpose: "Compliance", informationCovered: "Attendance, screens", expiresOn: nil,
                                          expirationEvent: "End of probation", signedOn: day("2025-01-01"),
                                          revokedOn: day("2025-02-01")))
        XCTAssertEqual(try store.consents(clientID: c1.id!), [k2, k1])
        XCTAssertThrowsError(try store.insert(Consent(clientID: c1.id!, discloser: "P", recipient: "R", purpose: "p",
                                                       informationCovered: "i", expiresOn: nil, signedOn: day("2025-01-01"))),
                             "§ 2.31 needs an expiration date or event")

        let w = try store.insert(Contact(clientID: c1.id!, name: "Walter Ñúñez", relationship: "Father", phone: "(612) 555-0101",
                                         involvement: "Drives to dosing", consentID: k1.id))
        let a = try store.insert(Contact(clientID: c1.id!, name: "Ana Ñúñez", relationship: "Sister", phone: "",
                                         involvement: "Emergency contact only"))
        XCTAssertEqual(try store.contacts(clientID: c1.id!), [a, w])
    }

    func testActivityIsRecordedAndListedNewestFirst() throws {
        let earlier = try SQLiteStore.open(path: store.path, clock: FixedClock(day: day("2025-03-11"), minute: 16 * 60))
        try earlier.record(.view, by: sup, clientID: c1.id, subject: "chart", detail: "Plan")
        try store.record(.view, by: ana, clientID: c1.id, subject: "chart", detail: "Summary")
        try store.record(.login, by: ana, clientID: nil, subject: "session", detail: "ssh")
        XCTAssertEqual(try store.activity(clientID: c1.id!, limit: 10), [
            ActivityRow(at: fixtureClock.now(), username: "ana", action: .view, subject: "chart", detail: "Summary"),
            ActivityRow(at: at("2025-03-11", 16), username: "sup", action: .view, subject: "chart", detail: "Plan"),
        ])
        XCTAssertEqual(try store.activity(clientID: c1.id!, limit: 1).count, 1)
    }

    func testStaffLookups() throws {
        XCTAssertEqual(try store.staff(username: "ana"), ana)
        XCTAssertEqual(try store.staff(id: fay.id!), fay)
        XCTAssertNil(try store.staff(username: "nobody"))
        XCTAssertNil(try store.staff(id: 999))
        XCTAssertEqual(try store.allStaff().map(\.displayName), ["Ana Pérez", "Ben Kim", "Cat Begay", "Fay Li", "Sam Okafor"])
    }
}
