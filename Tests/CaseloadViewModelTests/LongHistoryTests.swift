// A chart with years of notes, through the real store: every tab opens and scrolling pages in every note.
// (Keystroke-to-frame time is measured by Benchmarks/, in a release build at full scale.)
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class LongHistoryTests: XCTestCase {
    func testTabSwitchAndRowMoveOnAClientWithHundredsOfNotes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-vm-long-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = DemoStore.clock
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("long.sqlite").path, create: true, clock: clock)
        _ = try DemoGenerator(clients: 6, years: 8, seed: 3, today: clock.day, osUsername: "ccounselor").generate(into: store)
        let me = try XCTUnwrap(try store.staff(username: "ccounselor"))
        let rows = try store.caseloadRows(for: me.id!, scope: .mine, on: clock.day).filter { $0.status == .active }
        let busiest = try XCTUnwrap(try rows.max { try store.noteCount(clientID: $0.id) < store.noteCount(clientID: $1.id) })
        let count = try store.noteCount(clientID: busiest.id)
        XCTAssertGreaterThan(count, 300, "the busiest client has years of notes")

        let app = AppModel(repository: store, identity: Identity(staff: me), clock: clock, size: .design)
        app.type(":caseload")
        app.press(.enter)
        app.type("/" + busiest.mrn)
        app.press(.enter, .enter)
        guard case .chart(let chart) = app.current else { return XCTFail("chart of \(busiest.mrn) did not open: \(app.message?.text ?? "")") }
        XCTAssertEqual(chart.clientID, busiest.id)

        for key in ["2", "3", "4", "5", "6", "7", "8", "9", "1"] {
            app.type(key)
            XCTAssertNil(app.message.flatMap { $0.role == .error ? $0.text : nil }, "tab \(key) loads without error")
            _ = app.render()
        }
        app.type("3")
        let groupRows = try store.attendanceHistory(clientID: busiest.id, limit: 200).count
        for _ in 0..<(count + groupRows + 20) {
            app.press(.down)
            let frame = app.render()
            let cursorRow = try XCTUnwrap(frame.cursor).y
            XCTAssertTrue(frame.line(cursorRow).hasPrefix(">"), "the selected note is on screen")
        }
        guard case .chart(let after) = app.current else { return XCTFail() }
        XCTAssertEqual(after.notes.count, count, "every note paged in while scrolling")
        // Group sessions are merged into the list, so the last row is past every note and session.
        XCTAssertEqual(after.notesEntries.count, count + groupRows)
        XCTAssertEqual(after.notesCursor.selected, count + groupRows - 1)
        XCTAssertEqual(after.notesEntries.filter { if case .note = $0 { true } else { false } }.count, count)
    }
}
