// Home reducer: selection over today's appointments, opening a chart, going to the caseload.
import XCTest
import CaseloadCore
@testable import CaseloadViewModels

final class HomeReducerTests: XCTestCase {
    func summary(appointments n: Int, groups g: Int = 1) -> HomeSummary {
        HomeSummary(
            appointments: (0..<n).map {
                TodayAppointment(appointmentID: RowID(100 + $0), clientID: RowID(10 + $0), clientName: "Ñúñez, Zoë \($0)",
                                 mrn: "M\($0)", startMinute: 8 * 60 + $0 * 30, minutes: 50,
                                 modality: "Individual counseling", noteID: $0 % 2 == 0 ? RowID(500 + $0) : nil,
                                 noteSigned: $0 % 4 == 0)
            },
            groups: (0..<g).map {
                TodayGroup(groupID: RowID($0), groupSessionID: nil, name: "Relapse prevention \($0)", startMinute: 17 * 60,
                           minutes: 90, room: "Sala Azul", rosterSize: 12, status: .scheduled)
            },
            plansOverdue: 2, plansDueSoon: 1, unsignedNotes: 0, noContact: 3, caseloadActive: 41, caseloadOnHold: 2)
    }

    func testMoveAndOpen() {
        var s = HomeState(summary: summary(appointments: 4), area: Fixtures.area80)
        var expected = s
        XCTAssertEqual(HomeScreen.reduce(&s, .command(.moveDown)), Request.none)
        expected.cursor.select(1)
        XCTAssertEqual(s, expected)
        XCTAssertEqual(HomeScreen.reduce(&s, .command(.open)), .openChart(clientID: 11))
        XCTAssertEqual(HomeScreen.reduce(&s, .command(.goCaseload)), .openCaseload)
        XCTAssertEqual(HomeScreen.reduce(&s, .command(.back)), .message("Home is the first screen. Press Q to quit.", .info))
    }

    func testNoAppointmentsSaysSo() {
        var s = HomeState(summary: summary(appointments: 0, groups: 0), area: Fixtures.area80)
        XCTAssertEqual(HomeScreen.reduce(&s, .command(.open)),
                       .message("No appointment to open today. Press c for your caseload.", .info))
        var b = ScreenBuffer(size: .design)
        HomeScreen.render(s, into: &b)
        XCTAssertTrue(b.text.contains("No individual appointments today."))
        XCTAssertTrue(b.text.contains("No groups today."))
    }

    func testReloadKeepsTheSelectedAppointment() {
        var s = HomeState(summary: summary(appointments: 4), area: Fixtures.area80)
        _ = HomeScreen.reduce(&s, .command(.last))
        var fresh = summary(appointments: 5)
        fresh.appointments.insert(fresh.appointments.removeLast(), at: 0)   // an appointment added earlier today
        _ = HomeScreen.reduce(&s, .loaded(fresh))
        XCTAssertEqual(s.summary?.appointments[s.cursor.selected].appointmentID, 103)
    }

    func testManyAppointmentsScrollAndGroupsOverflowLine() {
        var s = HomeState(summary: summary(appointments: 30, groups: 9), area: Rect(x: 0, y: 1, width: 60, height: 17))
        _ = HomeScreen.reduce(&s, .command(.last))
        var b = ScreenBuffer(size: Size(width: 60, height: 20))
        HomeScreen.render(s, into: &b)
        XCTAssertTrue(b.text.contains("> 22:30"), "the last appointment is on screen and marked")
        XCTAssertTrue(b.text.contains("30/30"))
        XCTAssertTrue(b.text.contains("more"), "groups that do not fit are counted")
        for y in 18..<20 { XCTAssertEqual(b.line(y), "", "home stays inside its area") }
    }
}
