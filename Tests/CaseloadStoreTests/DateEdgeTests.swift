// The days that break date code: a demo built around each of them, and the checks a counselor's day rests on
// (Home's counts, plan review dates, absence alerts, report periods, group sessions of the day), each recounted
// here from the rows themselves, with Foundation's calendar as the oracle for day arithmetic. The same days are
// run against the real binary in other time zones by EndToEndTests/DateEdgeCommandTests.swift.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

/// The pinned days: ends of months (30 and 31 days, February in a leap year), the US daylight-saving switches,
/// the turn of a year, a Monday and a Sunday.
let edgeDays: [(String, Day)] = [
    ("the last day of a 31-day month", Day("2027-01-31")!),
    ("the last day of a 30-day month", Day("2027-04-30")!),
    ("29 February of a leap year", Day("2028-02-29")!),
    ("the US spring-forward day", Day("2027-03-14")!),
    ("the US fall-back day", Day("2027-11-07")!),
    ("31 December", Day("2027-12-31")!),
    ("1 January", Day("2028-01-01")!),
    ("a Monday", Day("2027-07-05")!),
    ("a Sunday", Day("2027-07-04")!),
]

final class DateEdgeTests: XCTestCase {
    private var calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// The oracle: `day` moved by `n` days with Foundation's calendar, not Day's own arithmetic.
    private func oracle(_ day: Day, _ n: Int) -> Day {
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        let moved = calendar.date(byAdding: .day, value: n, to: date)!
        let c = calendar.dateComponents([.year, .month, .day], from: moved)
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }

    func testTheNamedDaysAreWhatTheyClaim() {
        XCTAssertEqual(Day("2027-07-05")!.weekday, 0, "a Monday")
        XCTAssertEqual(Day("2027-07-04")!.weekday, 6, "a Sunday")
        XCTAssertNil(Day("2027-02-29"), "2027 is not a leap year")
        XCTAssertEqual(Day("2028-02-28")!.adding(days: 1), Day("2028-02-29")!)
        // The switches, by the tz database rather than by hand.
        let la = TimeZone(identifier: "America/Los_Angeles")!
        for (day, hours) in [(Day("2027-03-14")!, 23.0), (Day("2027-11-07")!, 25.0)] {
            var c = Calendar(identifier: .gregorian)
            c.timeZone = la
            let start = c.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
            let next = c.date(byAdding: .day, value: 1, to: start)!
            XCTAssertEqual(next.timeIntervalSince(start) / 3600, hours, "\(day) in Los Angeles")
        }
    }

    func testDayArithmeticAgreesWithTheCalendarAroundEveryEdgeDay() {
        for (what, day) in edgeDays {
            for n in [-400, -366, -365, -90, -31, -30, -29, -28, -1, 0, 1, 14, 28, 29, 30, 31, 90, 365, 366] {
                XCTAssertEqual(day.adding(days: n), oracle(day, n), "\(what) \(day) + \(n)")
                XCTAssertEqual(day.days(until: day.adding(days: n)), n)
            }
            // Weekday against the calendar (Monday = 0 in Day, Sunday = 1 in Foundation).
            let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
            XCTAssertEqual(day.weekday, (calendar.component(.weekday, from: date) + 5) % 7, "\(what) \(day)")
        }
    }

    func testADemoAroundEachEdgeDayHoldsTogether() throws {
        for (what, day) in edgeDays {
            try checkDemo(around: day, what)
        }
    }

    private func checkDemo(around today: Day, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try TestDirs.make(self, "dates")
        let clock = FixedClock(day: today, minute: 10 * 60)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("d.sqlite").path, create: true, clock: clock)
        let summary = try DemoGenerator(clients: 40, years: 1, seed: 3, today: today, osUsername: "dates").generate(into: store)
        let label = "\(what) (\(today))"
        let me = try XCTUnwrap(try store.staff(username: "dates"), label)
        try store.bind(viewer: me)
        let settings = try store.settings()
        let home = try store.homeSummary(for: me.id!, on: today)

        // Today's appointments are today's, and as many as the demo says it made.
        XCTAssertEqual(home.appointments.count, summary.appointmentsToday, label)
        let ids = home.appointments.map(\.appointmentID)
        let apptDays = try store.dbPool.read { db in
            try ids.map { try String.fetchOne(db, sql: "SELECT date FROM appointments WHERE id = ?", arguments: [$0]) ?? "" }
        }
        XCTAssertEqual(Set(apptDays), home.appointments.isEmpty ? [] : ["\(today)"], label)

        // Plan reviews: recounted from the plans (signed plan in force, else the draft), never from the clients'
        // derived column; "due soon" ends planDueWarningDays after today by the calendar.
        let plans = try store.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id, c.status, p.status, p.version, p.next_review_date FROM clients c
                JOIN treatment_plans p ON p.client_id = c.id
                WHERE c.primary_counselor_id = ? AND p.status IN ('signed', 'draft')
                """, arguments: [me.id!])
        }
        var inForce: [RowID: (signed: Bool, version: Int, review: Day, discharged: Bool)] = [:]
        for r in plans {
            let id: RowID = r[0], signed = (r[2] as String) == "signed", version: Int = r[3]
            let review = try XCTUnwrap(Day(r[4] as String), label)
            if let cur = inForce[id], cur.signed && !signed || cur.signed == signed && cur.version >= version { continue }
            inForce[id] = (signed, version, review, (r[1] as String) == "discharged")
        }
        let open = inForce.values.filter { !$0.discharged }
        let soonEnd = oracle(today, settings.planDueWarningDays)
        XCTAssertEqual(home.plansOverdue, open.filter { $0.review < today }.count, "plans overdue, \(label)", file: file, line: line)
        XCTAssertEqual(home.plansDueSoon, open.filter { $0.review >= today && $0.review <= soonEnd }.count,
                       "plans due soon, \(label)", file: file, line: line)
        // The overdue report names the same plan reviews as Home counts.
        let overdue = try store.overdueReport(staffID: me.id!, on: today)
        XCTAssertEqual(overdue.filter { $0.kind == .planReview }.count, home.plansOverdue, label, file: file, line: line)
        XCTAssertTrue(overdue.filter { $0.kind == .planReview }.allSatisfy { ($0.date ?? today) < today }, label)

        // No contact: active clients whose last session (or admission) is before the warning window.
        let caseload = try store.caseloadRows(for: me.id!, scope: .mine, on: today)
        let contactCutoff = oracle(today, -settings.noContactWarningDays)
        let admitted = try store.dbPool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, admission_date FROM clients")
                .map { ($0[0] as RowID, Day($0[1] as String)!) })
        }
        XCTAssertEqual(home.noContact, caseload.filter {
            $0.status == .active && ($0.lastContact ?? admitted[$0.id]!) < contactCutoff
        }.count, "no contact, \(label)", file: file, line: line)
        XCTAssertTrue(caseload.allSatisfy { ($0.lastContact ?? today) <= today }, "no contact in the future, \(label)")

        // Absence alerts: recounted per membership on today's roster (held sessions of that group since joining,
        // newest first, up to today), the longest run of absences that opens the trail.
        let alerts = try store.absenceAlerts(counselorID: me.id!)
        let memberships = try store.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT gm.client_id, gm.group_id, gm.joined_on FROM group_members gm JOIN clients c ON c.id = gm.client_id
                WHERE c.primary_counselor_id = ? AND c.status <> 'discharged' AND gm.joined_on <= ?
                  AND (gm.left_on IS NULL OR gm.left_on > ?)
                """, arguments: [me.id!, "\(today)", "\(today)"])
        }
        var recount: [RowID: Int] = [:]
        for m in memberships {
            let clientID: RowID = m[0], groupID: RowID = m[1], joined: String = m[2]
            let trail = try store.dbPool.read { db in
                try String?.fetchAll(db, sql: """
                    SELECT a.status FROM group_sessions s
                    LEFT JOIN attendance a ON a.group_session_id = s.id AND a.client_id = ?
                    WHERE s.group_id = ? AND s.status = 'held' AND s.date >= ? AND s.date <= ?
                    ORDER BY s.date DESC, s.start_minute DESC, s.id DESC
                    """, arguments: [clientID, groupID, joined, "\(today)"])
            }
            let run = trail.prefix { $0 == AttendanceStatus.absent.rawValue }.count
            if run >= max(1, settings.consecutiveAbsencesAlert) { recount[clientID] = max(recount[clientID] ?? 0, run) }
        }
        XCTAssertEqual(alerts, recount, "absence alerts, \(label)", file: file, line: line)

        // Groups of the day: every group Home lists today meets on today's weekday or has a session today.
        let sessionsToday = try store.dbPool.read { db in
            try RowID.fetchAll(db, sql: "SELECT group_id FROM group_sessions WHERE date = ?", arguments: ["\(today)"])
        }
        let weekdays = try store.dbPool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, weekday FROM groups").map { ($0[0] as RowID, $0[1] as Int) })
        }
        for g in home.groups {
            XCTAssertTrue(sessionsToday.contains(g.groupID) || weekdays[g.groupID] == today.weekday,
                          "\(g.name) is not today's, \(label)", file: file, line: line)
        }

        // Report periods: the 30 days ending today and the calendar month so far, both days included.
        let director = try SQLiteStore.open(path: store.path, clock: clock)
        try director.bind(viewer: try XCTUnwrap(try director.staff(username: summary.supervisor)))
        let clients = try store.dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT primary_counselor_id, admission_date, discharge_date FROM clients")
        }
        let monthStart = Day(year: today.year, month: today.month, day: 1)!
        for (from, to) in [(oracle(today, -29), today), (monthStart, today), (oracle(today, -365), today)] {
            let report = try director.caseloadReport(staffID: me.id!, from: from, to: to)
            let mine = clients.filter { ($0[0] as RowID?) == me.id }
            let admissions = mine.filter { let d = Day($0[1] as String)!; return d >= from && d <= to }.count
            let discharges = mine.filter { ($0[2] as String?).flatMap(Day.init).map { $0 >= from && $0 <= to } ?? false }.count
            XCTAssertEqual(report.map(\.admissions).reduce(0, +), admissions, "admissions \(from)…\(to), \(label)", file: file, line: line)
            XCTAssertEqual(report.map(\.discharges).reduce(0, +), discharges, "discharges \(from)…\(to), \(label)", file: file, line: line)
        }
        try director.close()
        try store.close()
    }
}
