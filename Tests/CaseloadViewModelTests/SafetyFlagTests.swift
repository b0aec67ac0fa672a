// Safety information is never hidden: a client's clinical flags (a safety alert, pregnancy, an allergy) come first
// and in full on every screen about the client — the chart header on every tab and the note editor — at the design
// size and at the 60×16 minimum, where the rest of the header is what gets cut.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class SafetyFlagTests: XCTestCase {
    /// A client of ccounselor's with a safety flag, found through the store (the demo flags a few).
    private func flaggedClient(_ store: SQLiteStore, _ app: AppModel) throws -> (RowID, [String]) {
        let rows = try store.caseloadRows(for: app.identity.staffID, scope: .mine, on: NoteDemo.clock.day)
        for r in rows {
            let s = try store.chartSummary(clientID: r.id)
            if !s.safetyFlags.isEmpty { return (r.id, s.safetyFlags) }
        }
        let none: (RowID, [String])? = nil
        return try XCTUnwrap(none, "the demo gives ccounselor a client with a safety flag")
    }

    func testTheChartHeaderShowsTheSafetyFlagsFirstOnEveryTabAtBothSizes() throws {
        let store = try NoteDemo.fresh()
        for size in [Size.design, AppModel.minimumSize] {
            let app = try NoteDemo.app(store, size)
            let (clientID, flags) = try flaggedClient(store, app)
            app.perform(.openChart(clientID: clientID))
            let banner = flags.map { "! \($0)" }.joined(separator: " ")
            for tab in ChartTab.allCases {
                app.type(String(tab.rawValue + 1))
                let header = app.render().line(2)
                XCTAssertTrue(header.trimmingCharacters(in: .whitespaces).hasPrefix(banner),
                              "\(tab) at \(size.width)×\(size.height): '\(header)'")
            }
            app.type("1")
            assertGolden(frameText(app.render()), "chart-safety-\(size.width)x\(size.height)")
            // The note editor's title starts with them too.
            app.type("n")
            XCTAssertNotNil(app.editor)
            XCTAssertTrue(app.render().line(1).trimmingCharacters(in: .whitespaces).hasPrefix(banner),
                          "note editor at \(size.width)×\(size.height): '\(app.render().line(1))'")
            assertGolden(frameText(app.render()), "editor-safety-\(size.width)x\(size.height)")
        }
    }
}
