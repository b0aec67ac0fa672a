// The Notes tab lists the group sessions a client was on among the progress notes, newest first.
import XCTest
import CaseloadCore
@testable import CaseloadViewModels

final class GroupChartTests: XCTestCase {
    func row(_ day: String, _ status: AttendanceStatus, line: String = "") -> AttendanceHistoryRow {
        AttendanceHistoryRow(groupSessionID: 1, groupName: "Early Recovery", date: Day(day)!, topic: "Triggers",
                             status: status, minutes: 90, line: line)
    }

    func testGroupSessionsAreMergedByDateAndWaitForOlderNotesToPageIn() {
        var s = Fixtures.chart()
        _ = ChartScreen.select(&s, .notes)
        // Notes every two days from 2026-03-02 back; 10 of 20 loaded.
        _ = ChartScreen.reduce(&s, .tabLoaded(.notes(Fixtures.notes(10), total: 20)))
        let groups = [row("2026-03-01", .present, line: "Spoke about sleep, Zoë"), row("2026-02-23", .absent),
                      row("2025-12-01", .excused)]
        _ = ChartScreen.reduce(&s, .groupAttendanceLoaded(groups))
        // 2026-03-02 note, then the 03-01 group, … the 02-23 group after the 02-24 note; 12-01 waits (older than
        // the oldest loaded note, 2026-02-12).
        XCTAssertEqual(s.notesEntries, [.note(0), .group(0), .note(1), .note(2), .note(3), .group(1), .note(4),
                                        .note(5), .note(6), .note(7), .note(8), .note(9)])
        XCTAssertEqual(s.notesCursor.count, 12)
        _ = ChartScreen.reduce(&s, .moreNotesLoaded(Fixtures.notes(10, from: 10)))
        XCTAssertEqual(s.notesEntries.count, 23, "with every note loaded the oldest session shows too")
        XCTAssertEqual(s.notesEntries.last, .group(2))

        var buffer = ScreenBuffer(size: .design)
        s.notesCursor.select(1)
        ChartScreen.render(s, into: &buffer)
        let line = (0..<24).map { buffer.line($0) }.first { $0.contains("Early Recovery") } ?? ""
        XCTAssertTrue(line.contains("2026-03-01") && line.contains("Group") && line.contains("[P]")
                      && line.contains("Spoke about sleep"), line)
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.open, .enter)),
                       .message("Group session: Early Recovery, present. The Groups tab (4) has each session.", .info))
    }
}
