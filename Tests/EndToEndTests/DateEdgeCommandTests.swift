// The days that break date code, run through the real binary in two time zones far apart (UTC−8/−7 with
// daylight saving, and UTC+14, where 10:00 local is the previous day in UTC): a demo pinned to each day
// (CASELOAD_NOW), its reports, and the audit trail's day filter, which must list exactly the events whose
// instant falls on that local day by the tz database (Foundation's TimeZone here, not the binary's code).
import CaseloadCore
import Foundation
import XCTest

final class DateEdgeCommandTests: XCTestCase {
    /// Ends of months, 29 February, the US daylight-saving switches, the turn of a year, a Monday and a Sunday.
    static let days = ["2027-01-31", "2027-04-30", "2028-02-29", "2027-03-14", "2027-11-07", "2027-12-31",
                       "2028-01-01", "2027-07-05", "2027-07-04"]
    static let zones = ["America/Los_Angeles", "Pacific/Kiritimati"]

    func testEveryEdgeDayInBothTimeZones() throws {
        let dir = try TempDirectories.make("dates")
        for zone in Self.zones {
            for text in Self.days {
                try check(day: try XCTUnwrap(Day(text)), zone: zone, dir: dir)
            }
        }
    }

    private func check(day: Day, zone: String, dir: URL) throws {
        let label = "\(day) in \(zone)"
        let db = dir.appendingPathComponent("d-\(zone.replacingOccurrences(of: "/", with: "-"))-\(day).sqlite").path
        let env = ["TZ": zone, "CASELOAD_NOW": "\(day)T10:00"]
        func run(_ args: [String]) throws -> RunResult {
            let r = try Run.caseload(args, environment: env)
            XCTAssertEqual(r.status, 0, "\(args.joined(separator: " ")), \(label): \(r.stderr)")
            return r
        }
        _ = try run(["demo", "--db", db, "--clients", "25"])
        let admin = try Run.administratorLogin(db)

        // Reports over periods that end today, and the overdue list of today.
        let month = Day(year: day.year, month: day.month, day: 1)!
        let overdue = try run(["report", "overdue", "--db", db, "--format", "csv"])
        XCTAssertTrue(overdue.stdout.hasPrefix("item,counselor,client,mrn,date,detail"), "\(label): \(overdue.stdout) \(overdue.stderr)")
        for line in overdue.stdout.components(separatedBy: "\n").dropFirst() where line.hasPrefix("Plan review") {
            // "review was due D": strictly before today.
            let due = try XCTUnwrap(line.trimmingCharacters(in: .newlines).split(separator: ",").dropLast().last.flatMap { Day(String($0)) }, line)
            XCTAssertLessThan(due, day, "\(line), \(label)")
        }
        let caseload = try run(["report", "caseload", "--db", db, "--as", admin, "--from", "\(month)", "--to", "\(day)",
                                "--format", "csv"])
        XCTAssertTrue(caseload.stdout.contains("\n"), label)

        // The day filter of the audit trail, against the tz database.
        var tz = Calendar(identifier: .gregorian)
        tz.timeZone = try XCTUnwrap(TimeZone(identifier: zone))
        let iso = ISO8601DateFormatter()
        func localDay(_ utc: String) throws -> Day {
            let date = try XCTUnwrap(iso.date(from: utc), utc)
            let c = tz.dateComponents([.year, .month, .day], from: date)
            return Day(year: c.year!, month: c.month!, day: c.day!)!
        }
        func rows(_ extra: [String]) throws -> [[String]] {
            let r = try run(["audit", "--db", db, "--as", admin, "--format", "csv"] + extra)
            // CSV lines end in CR LF (one Character in Swift): split on the line feed's scalar.
            return r.stdout.unicodeScalars.split(separator: "\n").dropFirst().map { String(String.UnicodeScalarView($0)) }
                .map { $0.trimmingCharacters(in: .newlines).split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let all = try rows([])
        let onDay = try rows(["--from", "\(day)", "--to", "\(day)"])
        XCTAssertFalse(onDay.isEmpty, "the reports just run are events of today, \(label): \(all)")
        for r in onDay { XCTAssertEqual(try localDay(r[1]), day, "\(r), \(label)") }
        // Everything in the whole listing that happened on that local day is in the day's listing (the day's own
        // listing adds one event after the whole one was taken: its own `view`).
        let expected = Set(try all.filter { try localDay($0[1]) == day }.map { $0[0] })
        XCTAssertTrue(expected.isSubset(of: Set(onDay.map { $0[0] })), "\(expected) in \(onDay.map { $0[0] }), \(label)")
        XCTAssertEqual(onDay.count, expected.count + 1, label)
        // The day before and the day after list none of today's events.
        let around = try rows(["--from", "\(day.adding(days: -1))", "--to", "\(day.adding(days: -1))"])
            + rows(["--from", "\(day.adding(days: 1))", "--to", "\(day.adding(days: 1))"])
        XCTAssertTrue(Set(around.map { $0[0] }).isDisjoint(with: Set(onDay.map { $0[0] })), label)
        // The pinned clock really is 10:00 local in that zone: the report event's instant says so.
        let report = try XCTUnwrap(onDay.first { $0[3] == "print" }, label)
        let instant = try XCTUnwrap(iso.date(from: report[1]))
        let parts = tz.dateComponents([.hour], from: instant)
        XCTAssertEqual(parts.hour, 10, "\(report[1]) is 10 o'clock in \(zone)")
    }
}
