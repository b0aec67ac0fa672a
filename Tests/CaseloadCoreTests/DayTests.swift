// Calendar days: what every date shown and stored in Caseload rests on.
import XCTest
@testable import CaseloadCore

final class DayTests: XCTestCase {
    func testParsesStrictISODates() {
        XCTAssertEqual(Day("2024-02-29")?.description, "2024-02-29")
        XCTAssertNil(Day("2023-02-29"), "2023 is not a leap year")
        XCTAssertNil(Day("2024-13-01"))
        XCTAssertNil(Day("2024-04-31"))
        XCTAssertNil(Day("2024-4-3"), "single-digit months are not ISO")
        XCTAssertNil(Day("24-04-03"))
        XCTAssertNil(Day("2024/04/03"))
        XCTAssertNil(Day(""))
        XCTAssertNil(Day("２０２４-04-03"), "full-width digits are not accepted")
        XCTAssertNil(Day("2024-04-03 "))
    }

    func testOrdinalRoundTripsAcrossCenturies() {
        XCTAssertEqual(Day("1970-01-01")!.ordinal, 0)
        XCTAssertEqual(Day("2000-03-01")!.ordinal - Day("2000-02-28")!.ordinal, 2, "2000 is a leap year")
        XCTAssertEqual(Day("1900-03-01")!.ordinal - Day("1900-02-28")!.ordinal, 1, "1900 is not")
        var d = Day("1899-12-25")!
        for _ in 0..<60_000 {
            let next = d.adding(days: 1)
            XCTAssertEqual(Day(ordinal: next.ordinal), next)
            XCTAssertEqual(d.days(until: next), 1)
            d = next
        }
    }

    func testWeekdayMondayIsZero() {
        XCTAssertEqual(Day("2026-11-23")!.weekday, 0, "23 Nov 2026 is a Monday")
        XCTAssertEqual(Day("2026-11-29")!.weekday, 6)
        XCTAssertEqual(Day("1970-01-01")!.weekday, 3, "a Thursday")
    }

    func testAgeCountsBirthdaysNotYears() {
        let dob = Day("1990-06-15")!
        XCTAssertEqual(dob.age(on: Day("2026-06-14")!), 35)
        XCTAssertEqual(dob.age(on: Day("2026-06-15")!), 36)
    }

    func testCodableUsesISOTextAndRejectsBadDates() throws {
        struct Box: Codable { var d: Day }
        let data = try JSONEncoder().encode(Box(d: Day("2025-01-09")!))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"d":"2025-01-09"}"#)
        XCTAssertThrowsError(try JSONDecoder().decode(Box.self, from: Data(#"{"d":"2025-02-30"}"#.utf8)))
    }

    func testAPinnedClockWithAnAnchorKeepsOneOffsetForEveryProcess() throws {
        let anchor = Int(Date().timeIntervalSince1970) - 90        // the run started a minute and a half ago
        let text = "2027-02-28T10:00@\(anchor)"
        let a = try XCTUnwrap(PinnedClock(parsing: text)), b = try XCTUnwrap(PinnedClock(parsing: text))
        XCTAssertEqual(a.today(), Day("2027-02-28")!)
        // 90 s after the anchor it is 10:01:30 there, in whichever process reads it, and time moves on.
        XCTAssertEqual(a.minuteOfDay(), 10 * 60 + 1)
        XCTAssertEqual(a.now().timeIntervalSince1970, b.now().timeIntervalSince1970, accuracy: 1)
        XCTAssertNil(PinnedClock(parsing: "2027-02-28T10:00@soon"))
        XCTAssertNil(PinnedClock(parsing: "2027-02-30"))
        XCTAssertNil(PinnedClock(parsing: "2027-02-28T25:00"))
        XCTAssertEqual(PinnedClock(parsing: "2027-02-28")?.minuteOfDay(), 10 * 60, "10:00 when no time is given")
    }

    func testFixedClockIsStable() {
        let c = FixedClock(day: Day("2026-03-02")!, minute: 9 * 60 + 30)
        XCTAssertEqual(c.today(), Day("2026-03-02"))
        XCTAssertEqual(c.minuteOfDay(), 570)
        XCTAssertEqual(formatClockTime(c.minuteOfDay()), "09:30")
    }
}

final class DomainRuleTests: XCTestCase {
    func testBillingUnitsRoundToNearestUnit() {
        let s = ProgramSettings(minutesPerBillingUnit: 15)
        XCTAssertEqual(s.billingUnits(forMinutes: 0), 0)
        XCTAssertEqual(s.billingUnits(forMinutes: 5), 1, "any session earns at least one unit")
        XCTAssertEqual(s.billingUnits(forMinutes: 22), 1)
        XCTAssertEqual(s.billingUnits(forMinutes: 23), 2)
        XCTAssertEqual(s.billingUnits(forMinutes: 50), 3)
        XCTAssertEqual(s.billingUnits(forMinutes: 60), 4)
    }

    func testConsentIsActiveOnlyBetweenSigningAndExpiryOrRevocation() {
        var c = Consent(clientID: 1, discloser: "OTP", recipient: "Dr. A", purpose: "Care coordination",
                        informationCovered: "Attendance", expiresOn: Day("2026-12-31"), signedOn: Day("2026-01-10")!)
        XCTAssertFalse(c.isActive(on: Day("2026-01-09")!))
        XCTAssertTrue(c.isActive(on: Day("2026-12-31")!))
        XCTAssertFalse(c.isActive(on: Day("2027-01-01")!))
        c.revokedOn = Day("2026-06-01")
        XCTAssertTrue(c.isActive(on: Day("2026-05-31")!))
        XCTAssertFalse(c.isActive(on: Day("2026-06-01")!))
    }

    func testEnumerationsHaveSQLListsForCheckConstraints() {
        XCTAssertEqual(ClientStatus.sqlList, "'active','on_hold','discharged'")
        XCTAssertEqual(AttendanceStatus.allCases.map(\.marker), ["P", "A", "E", "L", "O", "N"])
        XCTAssertEqual(NoteTemplate.dap.sections, ["Data", "Assessment", "Plan"])
        XCTAssertEqual(Set(NoteTemplate.allCases.map { $0.sections.last! }), ["Plan"])
    }

    func testClientDisplayNameShowsPreferredNameOnlyWhenDifferent() {
        var c = Client(mrn: "M1", legalFirstName: "José", legalLastName: "Ñúñez", dateOfBirth: Day("1980-01-01")!,
                       admissionDate: Day("2020-01-01")!, phase: "Maintenance", medication: .methadone, doseMg: 80)
        XCTAssertEqual(c.displayName, "Ñúñez, José")
        c.preferredName = "Pepe"
        XCTAssertEqual(c.displayName, "Ñúñez, José \"Pepe\"")
        c.preferredName = "José"
        XCTAssertEqual(c.displayName, "Ñúñez, José")
    }

    func testErrorsReadAsSentencesNamingTheProblem() {
        XCTAssertTrue(CaseloadError.unknownUser(username: "zoë").description.contains("'zoë'"))
        XCTAssertTrue(CaseloadError.unknownUser(username: "zoë").description.contains("caseload staff add"))
        XCTAssertTrue(CaseloadError.storeDirectoryMissing(path: "/nope/x.sqlite").description.contains("/nope/x.sqlite"))
    }
}
