// Chart reducer: tab switching loads each tab once, notes page in, a note opens and closes.
import XCTest
import CaseloadCore
@testable import CaseloadViewModels

final class ChartReducerTests: XCTestCase {
    func testOpensOnSummaryWithNothingToLoad() {
        let s = Fixtures.chart()
        XCTAssertEqual(s.tab, .summary)
        XCTAssertTrue(s.data.isEmpty)
        XCTAssertTrue(s.loading.isEmpty)
    }

    func testTabAsksForItsDataOnceAndKeepsIt() {
        var s = Fixtures.chart()
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.nextTab, .tab)), .loadChartTab(.plan))
        XCTAssertEqual(s.tab, .plan)
        XCTAssertEqual(s.loading, [.plan])
        // Switching away and back before the data arrives does not ask twice.
        _ = ChartScreen.reduce(&s, .command(.previousTab, .backTab))
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.nextTab, .tab)), Request.none)
        _ = ChartScreen.reduce(&s, .tabLoaded(.plan(nil, versions: [])))
        XCTAssertEqual(s.loading, [])
        XCTAssertEqual(s.data[.plan], .plan(nil, versions: []))
        _ = ChartScreen.reduce(&s, .command(.previousTab, .backTab))
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.nextTab, .tab)), Request.none)
    }

    func testNumberKeysJumpAndTabWrapsAround() {
        var s = Fixtures.chart()
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.jumpToTab, .char("9"))), .loadChartTab(.activity))
        XCTAssertEqual(s.tab, .activity)
        _ = ChartScreen.reduce(&s, .command(.nextTab, .tab))
        XCTAssertEqual(s.tab, .summary)
        _ = ChartScreen.reduce(&s, .command(.previousTab, .backTab))
        XCTAssertEqual(s.tab, .activity)
    }

    func testNotesPageInNearTheEnd() {
        var s = Fixtures.chart()
        _ = ChartScreen.reduce(&s, .command(.jumpToTab, .char("3")))
        _ = ChartScreen.reduce(&s, .tabLoaded(.notes(Fixtures.notes(100), total: 500)))
        XCTAssertEqual(s.notesCursor.count, 100)
        var asked: [Request] = []
        for _ in 0..<99 {
            let r = ChartScreen.reduce(&s, .command(.moveDown, .down))
            if r != .none { asked.append(r) }
        }
        XCTAssertEqual(asked, [.loadMoreNotes(offset: 100)], "asks once, ahead of the end")
        _ = ChartScreen.reduce(&s, .moreNotesLoaded(Fixtures.notes(100, from: 100)))
        XCTAssertEqual(s.notes.count, 200)
        XCTAssertEqual(s.notesCursor.count, 200)
        XCTAssertEqual(s.loading, [])
        // A page that overlaps (a note was written meanwhile) adds no duplicates.
        _ = ChartScreen.reduce(&s, .moreNotesLoaded(Fixtures.notes(10, from: 195)))
        XCTAssertEqual(s.notes.count, 205)
    }

    func testEnterReadsTheSelectedNoteAndEscReturnsToTheList() {
        var s = Fixtures.chart()
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.open, .enter)),
                       .message("Enter reads a note on the Notes tab (3).", .info))
        _ = ChartScreen.reduce(&s, .command(.jumpToTab, .char("3")))
        _ = ChartScreen.reduce(&s, .tabLoaded(.notes(Fixtures.notes(5), total: 5)))
        _ = ChartScreen.reduce(&s, .command(.moveDown, .down))
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.open, .enter)), .loadNote(999))
        let note = ProgressNote(id: 999, clientID: 42, staffID: 1, date: Fixtures.today, startMinute: 600, minutes: 50,
                                modalityID: 1, format: .individual, template: .soap,
                                sections: Array(repeating: String(repeating: "Long text of the session. ", count: 20), count: 4),
                                status: .signed, billingUnits: 3, createdAt: Date(), updatedAt: Date())
        _ = ChartScreen.reduce(&s, .noteLoaded(NoteDetail(note: note, modality: "CBT", staffName: "Casey",
                                                          signedByName: "Casey", linkedGoals: [])))
        XCTAssertEqual(s.openNote?.note.id, 999)
        XCTAssertGreaterThan(s.noteScroll.count, s.noteScroll.pageSize, "a long note scrolls")
        XCTAssertEqual(ChartScreen.scopes(s), [.note, .chart, .list, .global])
        _ = ChartScreen.reduce(&s, .command(.pageDown, .pageDown))
        XCTAssertEqual(s.noteScroll.top, s.noteScroll.pageSize)
        XCTAssertEqual(s.notesCursor.selected, 1, "the list keeps its place underneath")
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.back, .escape)), Request.none)
        XCTAssertNil(s.openNote)
        XCTAssertEqual(ChartScreen.reduce(&s, .command(.back, .escape)), .back)
    }

    func testSummaryScrollsAtANarrowSize() {
        var s = Fixtures.chart(area: Rect(x: 0, y: 1, width: 60, height: 13))
        let before = s.scroll[.summary]!
        XCTAssertGreaterThan(before.count, before.pageSize)
        _ = ChartScreen.reduce(&s, .command(.last, .char("G")))
        XCTAssertEqual(s.scroll[.summary]!.top, before.count - before.pageSize)
        _ = ChartScreen.reduce(&s, .resized(Rect(x: 0, y: 1, width: 80, height: 40)))
        XCTAssertEqual(s.scroll[.summary]!.top, 0, "everything fits again")
    }
}
