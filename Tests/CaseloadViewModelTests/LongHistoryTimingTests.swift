// Keystroke-to-frame time on a chart with years of notes, through the real store.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class LongHistoryTimingTests: XCTestCase {
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

        func timed(_ body: () -> Void) -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            _ = app.render()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        }
        var firstVisit: [Double] = [], revisit: [Double] = [], moves: [Double] = []
        for key in ["2", "3", "4", "5", "6", "7", "8", "9", "1"] { firstVisit.append(timed { app.type(key) }) }
        for _ in 0..<5 { for key in ["2", "3", "4", "9", "1"] { revisit.append(timed { app.type(key) }) } }
        app.type("3")
        for _ in 0..<(count + 20) { moves.append(timed { app.press(.down) }) }
        guard case .chart(let after) = app.current else { return XCTFail() }
        XCTAssertEqual(after.notes.count, count, "every note paged in while scrolling")
        XCTAssertEqual(after.notesCursor.selected, count - 1)

        func p(_ xs: [Double], _ q: Double) -> Double { let s = xs.sorted(); return s[min(s.count - 1, Int(Double(s.count) * q))] }
        let report = String(format: "notes %d | first tab visit max %.2f ms | revisit p99 %.2f ms | row move p50 %.2f p99 %.2f max %.2f ms",
                            count, firstVisit.max()!, p(revisit, 0.99), p(moves, 0.5), p(moves, 0.99), moves.max()!)
        print("[timing] " + report)
        // SPEC §8 targets 10 ms in a release build; an unoptimised debug build on a busy 2-core
        // machine is several times slower, so it only guards against rows-proportional work.
        #if DEBUG
        let limit = 60.0
        #else
        let limit = 10.0
        #endif
        XCTAssertLessThan(p(revisit, 0.99), limit, report)
        XCTAssertLessThan(p(moves, 0.99), limit, report)
        XCTAssertLessThan(firstVisit.max()!, limit * 5, report)
    }
}
