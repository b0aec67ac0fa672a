// Caseload reducer: an action in, the whole new state out; plus scale and rendering cost.
import XCTest
import CaseloadCore
@testable import CaseloadViewModels

final class CaseloadReducerTests: XCTestCase {
    func names(_ s: CaseloadState) -> [String] { s.shown.map { s.rows[$0].name } }

    func testStartsSortedByNameShowingActiveClientsOnly() {
        let s = Fixtures.caseload(60)
        XCTAssertEqual(s.shown.count, 60 - 6 - 6)      // 6 on hold, 6 discharged
        XCTAssertTrue(s.shown.allSatisfy { s.rows[$0].status == .active })
        let folded = names(s).map { String(String.UnicodeScalarView(FoldedText.key($0))) }
        XCTAssertEqual(folded, folded.sorted())
        XCTAssertEqual(s.cursor.selected, 0)
    }

    func testMoveDownChangesOnlyTheSelection() {
        var s = Fixtures.caseload(60)
        var expected = s
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.moveDown)), Request.none)
        expected.cursor.select(1)
        XCTAssertEqual(s, expected)
    }

    func testSortCyclesColumnsAndReverses() {
        var s = Fixtures.caseload(60)
        _ = CaseloadScreen.reduce(&s, .command(.sortNext))
        XCTAssertEqual(s.sortColumn, .mrn)
        XCTAssertTrue(s.ascending)
        let mrns = s.shown.map { s.rows[$0].mrn }
        XCTAssertEqual(mrns, mrns.sorted())
        _ = CaseloadScreen.reduce(&s, .command(.sortReverse))
        XCTAssertFalse(s.ascending)
        XCTAssertEqual(s.shown.map { s.rows[$0].mrn }, mrns.sorted().reversed())
        _ = CaseloadScreen.reduce(&s, .command(.sortPrevious))
        XCTAssertEqual(s.sortColumn, .name)
        _ = CaseloadScreen.reduce(&s, .command(.sortPrevious))
        XCTAssertEqual(s.sortColumn, .flags)
    }

    func testSortByPlanReviewPutsMissingDatesLast() {
        var s = Fixtures.caseload(60)
        for _ in 0..<5 { _ = CaseloadScreen.reduce(&s, .command(.sortNext)) }
        XCTAssertEqual(s.sortColumn, .nextReview)
        let dates = s.shown.map { s.rows[$0].nextPlanReview }
        let present = dates.compactMap { $0 }
        XCTAssertEqual(present, present.sorted())
        XCTAssertEqual(Array(dates.suffix(dates.count - present.count)), Array(repeating: nil, count: dates.count - present.count))
    }

    func testSelectionFollowsTheClientAcrossASortChange() {
        var s = Fixtures.caseload(60)
        _ = CaseloadScreen.reduce(&s, .command(.pageDown))
        let chosen = s.selectedRow!.id
        _ = CaseloadScreen.reduce(&s, .command(.sortNext))
        XCTAssertEqual(s.selectedRow?.id, chosen)
        XCTAssertTrue(s.cursor.visible.contains(s.cursor.selected))
    }

    func testStatusFilterCycles() {
        var s = Fixtures.caseload(60)
        var seen: [StatusFilter] = []
        for _ in 0..<4 {
            let r = CaseloadScreen.reduce(&s, .command(.filterStatus))
            seen.append(s.statusFilter)
            guard case .message(let text, .info) = r else { return XCTFail("expected a message") }
            XCTAssertTrue(text.contains("\(s.shown.count)"))
        }
        XCTAssertEqual(seen, [.onHold, .discharged, .all, .active])
        _ = CaseloadScreen.reduce(&s, .command(.filterStatus))
        XCTAssertEqual(s.shown.count, 6)
        XCTAssertTrue(s.shown.allSatisfy { s.rows[$0].status == .onHold })
    }

    func testSearchNarrowsLiveAccentInsensitiveThenEnterKeepsAndEscClears() {
        var s = Fixtures.caseload(60)
        _ = CaseloadScreen.reduce(&s, .command(.search))
        XCTAssertTrue(s.isSearching)
        var counts: [Int] = []
        for c in "nunez" {
            _ = CaseloadScreen.reduce(&s, .searchKey(.char(c)))
            counts.append(s.shown.count)
        }
        XCTAssertEqual(s.query, "nunez")
        XCTAssertTrue(counts[0] > counts[4], "typing narrows: \(counts)")
        XCTAssertFalse(s.shown.isEmpty)
        XCTAssertTrue(names(s).allSatisfy { $0.hasPrefix("Ñúñez") }, "\(names(s))")
        XCTAssertEqual(s.cursor.selected, 0)
        let kept = s.shown
        let r = CaseloadScreen.reduce(&s, .searchKey(.enter))
        XCTAssertFalse(s.isSearching)
        XCTAssertEqual(s.shown, kept)
        XCTAssertEqual(r, .message("\(kept.count) matches for “nunez”. Esc clears.", .info))
        // Esc (back) first clears the kept search, then leaves the screen.
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.back)), .message("Search cleared.", .info))
        XCTAssertEqual(s.query, "")
        XCTAssertEqual(s.shown.count, 48)
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.back)), .back)
    }

    func testSearchByMRNAndEscWhileTypingClears() {
        var s = Fixtures.caseload(60)
        let target = s.rows[12]   // an active client: the status filter still applies to a search
        _ = CaseloadScreen.reduce(&s, .command(.search))
        for c in target.mrn.lowercased() { _ = CaseloadScreen.reduce(&s, .searchKey(.char(c))) }
        XCTAssertEqual(s.shown.map { s.rows[$0].id }, [target.id])
        _ = CaseloadScreen.reduce(&s, .searchKey(.escape))
        XCTAssertFalse(s.isSearching)
        XCTAssertEqual(s.query, "")
        XCTAssertEqual(s.shown.count, 48)
    }

    func testNextAndPreviousMatchWrapAround() {
        var s = Fixtures.caseload(60)
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.nextMatch)),
                       .message("No search yet. Press / to search by name or MRN.", .info))
        _ = CaseloadScreen.reduce(&s, .command(.search))
        for c in "okafor" { _ = CaseloadScreen.reduce(&s, .searchKey(.char(c))) }
        _ = CaseloadScreen.reduce(&s, .searchKey(.enter))
        let n = s.shown.count
        XCTAssertGreaterThan(n, 1)
        _ = CaseloadScreen.reduce(&s, .command(.nextMatch))
        XCTAssertEqual(s.cursor.selected, 1)
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.previousMatch)), Request.none)
        XCTAssertEqual(s.cursor.selected, 0)
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.previousMatch)), .message("Search wrapped around.", .info))
        XCTAssertEqual(s.cursor.selected, n - 1)
    }

    func testOpenAsksForTheSelectedChart() {
        var s = Fixtures.caseload(60)
        _ = CaseloadScreen.reduce(&s, .command(.moveDown))
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.open)), .openChart(clientID: s.selectedRow!.id))
    }

    func testScopeCycleAsksTheAppToReload() {
        var s = Fixtures.caseload(60)
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.cycleScope)), .loadCaseload(.team))
        s.allowedScopes = [.mine]
        XCTAssertEqual(CaseloadScreen.reduce(&s, .command(.cycleScope)),
                       .message("Your role sees only your own caseload.", .info))
    }

    func testResizeKeepsSelectionOnScreen() {
        var s = Fixtures.caseload(200)
        _ = CaseloadScreen.reduce(&s, .command(.pageDown))
        _ = CaseloadScreen.reduce(&s, .command(.pageDown))
        _ = CaseloadScreen.reduce(&s, .resized(Rect(x: 0, y: 1, width: 60, height: 13)))
        XCTAssertEqual(s.cursor.pageSize, 11)
        XCTAssertTrue(s.cursor.visible.contains(s.cursor.selected))
    }

    // MARK: - Scale

    func testFiveThousandRowsSelectionAlwaysVisible() {
        var s = Fixtures.caseload(5000)
        s.statusFilter = .all
        CaseloadScreen.refilter(&s)
        XCTAssertEqual(s.shown.count, 5000)
        var steps = 0
        func check() {
            var b = ScreenBuffer(size: Size.design)
            CaseloadScreen.render(s, into: &b)
            let cursor = b.cursor!
            XCTAssertTrue((2..<22).contains(cursor.y), "cursor row \(cursor.y)")
            let line = b.line(cursor.y)
            XCTAssertTrue(line.hasPrefix(">"), "selected row carries the marker: \(line)")
            XCTAssertTrue(line.contains(s.selectedRow!.mrn), "the marked row is the selected client")
            steps += 1
        }
        while s.cursor.selected < 4999 { _ = CaseloadScreen.reduce(&s, .command(.pageDown)); check() }
        for _ in 0..<30 { _ = CaseloadScreen.reduce(&s, .command(.moveUp)); check() }
        _ = CaseloadScreen.reduce(&s, .command(.first)); check()
        XCTAssertEqual(s.cursor.selected, 0)
        _ = CaseloadScreen.reduce(&s, .command(.last)); check()
        XCTAssertEqual(s.cursor.selected, 4999)
        XCTAssertGreaterThan(steps, 250)
    }

    func testTableAsksOnlyForVisibleRows() {
        var asked = Set<Int>()
        var b = ScreenBuffer(size: Size.design)
        var cursor = ListCursor(count: 5000, pageSize: 20)
        cursor.select(2500)
        TableView.draw(into: &b, x: 0, y: 0, width: 80, height: 21, columns: CaseloadScreen.columns,
                       layout: TableLayout.make(CaseloadScreen.columns, width: 80), cursor: cursor) { row, _ in
            asked.insert(row); return StyledLine("x")
        }
        XCTAssertEqual(asked.count, 20)
        XCTAssertTrue(asked.contains(2500))
    }

    func testSearchOverFiveThousandRowsNarrowsWithEachKeystroke() {
        var s = Fixtures.caseload(5000)
        _ = CaseloadScreen.reduce(&s, .command(.search))
        var counts: [Int] = []
        for c in "mendo" {
            _ = CaseloadScreen.reduce(&s, .searchKey(.char(c)))
            counts.append(s.shown.count)
        }
        XCTAssertFalse(s.shown.isEmpty)
        XCTAssertEqual(counts, counts.sorted(by: >=), "each key can only narrow the list: \(counts)")
        XCTAssertLessThan(counts.last!, 5000)
    }

    // MARK: - Goldens without a store

    func testCaseloadRoleLayerGolden() {
        var s = Fixtures.caseload(60)
        for _ in 0..<6 { _ = CaseloadScreen.reduce(&s, .command(.sortNext)) }   // sort by flags: urgent first
        XCTAssertEqual(s.sortColumn, .flags)
        _ = CaseloadScreen.reduce(&s, .command(.first))
        _ = CaseloadScreen.reduce(&s, .command(.moveDown))
        var b = ScreenBuffer(size: Size.design)
        CaseloadScreen.render(s, into: &b)
        assertGolden(frameText(b), "caseload-synthetic-flags-80x24")
        assertGolden(b.roleText, "caseload-synthetic-flags-80x24.roles")
    }
}
