// The chart's Activity tab (9) shows who opened the chart and when, newest first, from the audit trail.
import CaseloadCore
import CaseloadStore
import CaseloadViewModels
import Foundation
import XCTest

final class ActivityTabTests: XCTestCase {
    /// Its own small demo, so the trail holds only what this test did (the golden is stable).
    private func store() throws -> SQLiteStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-vm-activity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("demo.sqlite").path, create: true, clock: DemoStore.clock)
        _ = try DemoGenerator(clients: 20, years: 1, seed: 7, today: DemoStore.clock.day, osUsername: "ccounselor").generate(into: store)
        return store
    }

    func testTheActivityTabShowsWhoOpenedTheChartAndWhen() throws {
        let store = try store()
        let me = try XCTUnwrap(try store.staff(username: "ccounselor"))
        let app = AppModel(repository: store, identity: Identity(staff: me), clock: DemoStore.clock, size: .design,
                           themeNames: ["default"])
        guard case .home(let home) = app.current, let first = home.summary?.appointments.first else {
            return XCTFail("the demo gives the OS user appointments today")
        }
        app.press(.enter)
        guard case .chart = app.current else { return XCTFail("Enter opens the chart") }
        app.type("9")
        guard case .chart(let chart) = app.current else { return XCTFail("still on the chart") }
        XCTAssertEqual(chart.tab, .activity)
        let text = frameText(app.render())
        let lines = text.split(separator: "\n").map(String.init)
        let heading = try XCTUnwrap(lines.firstIndex { $0.contains("Activity on this chart, newest first") }, text)
        // Newest first: this very opening, today at 09:00 (the clock), by the person at the keyboard.
        let newest = lines[heading + 1]
        XCTAssertTrue(newest.contains("2026-03-02 09:00"), newest)
        XCTAssertTrue(newest.contains("ccounselor view chart: opened from Home"), newest)
        // Earlier openings from the audit trail are there too, with their times.
        let earlier = try store.activity(clientID: first.clientID, limit: 200).dropFirst().filter { $0.action == .view && $0.subject == "chart" }
        XCTAssertFalse(earlier.isEmpty, "the demo's trail has earlier views of this chart")
        XCTAssertTrue(lines.dropFirst(heading + 2).contains { $0.contains("\(earlier[0].username) view chart") }, text)
        assertGolden(text, "chart-activity-80x24")
    }
}
