// The building blocks every screen stands on: width-aware text, tables, tabs, the line editor, key map.
import XCTest
@testable import CaseloadViewModels

final class TextTests: XCTestCase {
    func testWrapKeepsWordsAndWidth() {
        let lines = TextWrap.wrap("Client reports two weeks without fentanyl use and stable housing.", width: 20)
        XCTAssertEqual(lines, ["Client reports two", "weeks without", "fentanyl use and", "stable housing."])
        XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= 20 })
    }

    func testWrapCountsWideCharactersAsTwoColumns() {
        let lines = TextWrap.wrap("李小龍 李小龍 李小龍", width: 8)
        XCTAssertEqual(lines, ["李小龍", "李小龍", "李小龍"])
        XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= 8 })
    }

    func testWrapSplitsAWordLongerThanTheLineWithoutLosingText() {
        let word = "Ñúñez-García-Oyelaran-Kowalczyk"
        let lines = TextWrap.wrap(word, width: 10)
        XCTAssertEqual(lines.joined(), word)
        XCTAssertTrue(lines.allSatisfy { DisplayWidth.of($0) <= 10 })
    }

    func testWrapKeepsParagraphBreaks() {
        XCTAssertEqual(TextWrap.wrap("one\n\ntwo", width: 10), ["one", "", "two"])
    }

    func testAccentAndCaseInsensitiveMatch() {
        let name = FoldedText("Ñúñez, Zoë")
        XCTAssertNotNil(name.firstMatch(FoldedText.key("nunez")))
        XCTAssertNotNil(name.firstMatch(FoldedText.key("ZOE")))
        XCTAssertNil(name.firstMatch(FoldedText.key("nunes")))
        // The match maps back to the graphemes to highlight: "úñe" is graphemes 1..<4.
        XCTAssertEqual(name.firstMatch(FoldedText.key("une")), 1..<4)
    }

    func testCombiningMarksAndCJKFold() {
        // "e" + combining acute, as some keyboards produce it.
        XCTAssertTrue(FoldedText("Rene\u{301} Lefèvre").contains(FoldedText.key("rene lefevre")))
        XCTAssertTrue(FoldedText("王 李").contains(FoldedText.key("李")))
        XCTAssertTrue(FoldedText("Søren Łukasz").contains(FoldedText.key("soren lukasz")))
    }

    func testStyledLineClipsAtWidthAndSanitizesControlCharacters() {
        var b = ScreenBuffer(size: Size(width: 10, height: 1))
        StyledLine([Span("ab\u{1B}[31m", .normal), Span("李李李李", .flag)]).draw(into: &b, x: 0, y: 0, width: 8)
        // 7 columns used; the wide 李 cannot straddle the 8-column edge, so a blank takes its place.
        XCTAssertEqual(b.line(0), "ab\u{FFFD}[31m")
        XCTAssertEqual(b[7, 0].text, " ")
        XCTAssertFalse(b.text.contains("\u{1B}"))
    }
}

final class ListCursorTests: XCTestCase {
    func testSelectionStaysInsideTheWindow() {
        var c = ListCursor(count: 100, pageSize: 10)
        c.move(by: 15)
        XCTAssertEqual(c.selected, 15)
        XCTAssertTrue(c.visible.contains(15))
        XCTAssertEqual(c.visible, 6..<16)
        c.pageUp()
        XCTAssertEqual(c.selected, 5)
        XCTAssertEqual(c.visible, 5..<15)
        c.last()
        XCTAssertEqual(c.selected, 99)
        XCTAssertEqual(c.visible, 90..<100)
        c.setCount(3)
        XCTAssertEqual(c.selected, 2)
        XCTAssertEqual(c.visible, 0..<3)
    }

    func testPagerScrollsTheWindowAndClampsAtTheEnds() {
        var c = ListCursor(count: 30, pageSize: 10)
        XCTAssertTrue(c.applyPager(.moveDown))
        XCTAssertEqual(c.top, 1)
        XCTAssertTrue(c.applyPager(.last))
        XCTAssertEqual(c.top, 20)
        XCTAssertTrue(c.applyPager(.pageDown))
        XCTAssertEqual(c.top, 20)
        XCTAssertTrue(c.applyPager(.first))
        XCTAssertEqual(c.top, 0)
        XCTAssertFalse(c.applyPager(.open))
    }

    func testEmptyList() {
        var c = ListCursor(count: 0, pageSize: 5)
        c.move(by: 3)
        XCTAssertEqual(c.selected, 0)
        XCTAssertTrue(c.visible.isEmpty)
    }
}

final class TableTests: XCTestCase {
    let columns = [
        TableColumn("Name", width: 10, flexible: true),
        TableColumn("MRN", width: 6, priority: 90),
        TableColumn("Phase", width: 8, priority: 10),
        TableColumn("Due", width: 10, priority: 50),
    ]

    func testFlexibleColumnTakesTheSpareRoom() {
        let l = TableLayout.make(columns, width: 60)
        XCTAssertEqual(l.slots.map(\.column), [0, 1, 2, 3])
        XCTAssertEqual(l.slots.last.map { $0.x + $0.width }, 60)
    }

    func testLowPriorityColumnsDropFirstWhenNarrow() {
        let l = TableLayout.make(columns, width: 32)
        XCTAssertEqual(l.slots.map(\.column), [0, 1, 3])
        let narrower = TableLayout.make(columns, width: 20)
        XCTAssertEqual(narrower.slots.map(\.column), [0, 1])
    }

    func testSelectedRowHasMarkerRoleAndCursor() {
        var b = ScreenBuffer(size: Size(width: 30, height: 5))
        var cursor = ListCursor(count: 3, pageSize: 4)
        cursor.select(1)
        let cols = Array(columns.prefix(2))
        TableView.draw(into: &b, x: 0, y: 0, width: 30, height: 5, columns: cols,
                       layout: TableLayout.make(cols, width: 30), cursor: cursor) { row, col in
            StyledLine(col == 0 ? ["Ada", "Zoë", "李雷"][row] : "M\(row)")
        }
        // Name flexes to 21 columns (30 - 2 gutter - 6 MRN - 1 gap), so MRN starts at column 24.
        XCTAssertEqual(b.line(0), "  Name" + String(repeating: " ", count: 18) + "MRN")
        XCTAssertEqual(b.line(2), "> Zoë" + String(repeating: " ", count: 19) + "M1")
        XCTAssertEqual(b.line(3), "  李雷" + String(repeating: " ", count: 18) + "M2")
        XCTAssertEqual(b[5, 2].role, .selection)
        XCTAssertEqual(b[5, 1].role, .normal)
        XCTAssertEqual(b.cursor, Point(x: 0, y: 2))
    }
}

final class TabBarTests: XCTestCase {
    func testActiveTabIsBracketedAndFallsBackToShortTitles() {
        var wide = ScreenBuffer(size: Size(width: 40, height: 1))
        TabBar.draw(into: &wide, x: 0, y: 0, width: 40, titles: ["Summary", "Plan", "Notes"],
                    shortTitles: ["Sum", "Plan", "Notes"], active: 1)
        XCTAssertEqual(wide.line(0), " Summary [Plan] Notes")
        XCTAssertEqual(wide[9, 0].role, .tabActive)
        var narrow = ScreenBuffer(size: Size(width: 18, height: 1))
        TabBar.draw(into: &narrow, x: 0, y: 0, width: 18, titles: ["Summary", "Plan", "Notes"],
                    shortTitles: ["Sum", "Plan", "Notes"], active: 2)
        XCTAssertEqual(narrow.line(0), " Sum  Plan [Notes]")
    }
}

final class LineEditorTests: XCTestCase {
    func testTypingEditingAndSubmit() {
        var e = LineEditor()
        for c in "thme" { XCTAssertEqual(e.handle(.char(c)), .edited) }
        _ = e.handle(.left); _ = e.handle(.left)
        XCTAssertEqual(e.handle(.char("e")), .edited)
        XCTAssertEqual(e.text, "theme")
        _ = e.handle(.end)
        XCTAssertEqual(e.handle(.backspace), .edited)
        XCTAssertEqual(e.text, "them")
        XCTAssertEqual(e.handle(.enter), .submit)
        XCTAssertEqual(e.handle(.escape), .cancel)
    }

    func testPasteBecomesOneLineAndWideTextKeepsCursorVisible() {
        var e = LineEditor()
        _ = e.handle(.paste("Zoë\nÑúñez"))
        XCTAssertEqual(e.text, "Zoë Ñúñez")
        var long = LineEditor(text: String(repeating: "李", count: 30))
        _ = long.handle(.end)
        var b = ScreenBuffer(size: Size(width: 20, height: 1))
        long.draw(into: &b, prompt: "/", x: 0, y: 0, width: 20, role: .commandLine)
        XCTAssertNotNil(b.cursor)
        XCTAssertLessThan(b.cursor!.x, 20)
        XCTAssertEqual(b.line(0).first, "/")
    }
}

final class CommandPromptTests: XCTestCase {
    func testParse() {
        XCTAssertEqual(CommandPrompt.parse("q"), .quit)
        XCTAssertEqual(CommandPrompt.parse("quit"), .quit)
        XCTAssertEqual(CommandPrompt.parse("  theme   light "), .theme("light"))
        XCTAssertEqual(CommandPrompt.parse("theme"), .theme(nil))
        XCTAssertEqual(CommandPrompt.parse("help"), .help)
        XCTAssertEqual(CommandPrompt.parse(""), .empty)
        XCTAssertEqual(CommandPrompt.parse("frobnicate now"), .unknown("frobnicate"))
    }

    func testCompletion() {
        XCTAssertEqual(CommandPrompt.complete("th", themeNames: []).text, "theme ")
        let t = CommandPrompt.complete("theme hi", themeNames: ["default", "high-contrast", "light"])
        XCTAssertEqual(t.text, "theme high-contrast")
        let many = CommandPrompt.complete("h", themeNames: [])
        XCTAssertEqual(many.text, "h")
        XCTAssertEqual(many.candidates, ["help", "home"])
        XCTAssertEqual(CommandPrompt.complete("zz", themeNames: []).text, "zz")
    }
}

final class KeyMapTests: XCTestCase {
    let map = KeyMap.standard

    func testScopedLookupPrefersTheScreen() {
        XCTAssertEqual(map.command(for: .char("j"), in: [.caseload, .list, .global]), .moveDown)
        XCTAssertEqual(map.command(for: .enter, in: [.chart, .list, .global]), .open)
        XCTAssertEqual(map.command(for: .char("l"), in: [.chart, .list, .global]), .nextTab)
        XCTAssertEqual(map.command(for: .char("l"), in: [.caseload, .list, .global]), .sortNext)
        XCTAssertEqual(map.command(for: .char("q"), in: [.home, .list, .global]), .back)
        XCTAssertEqual(map.command(for: .char("Q"), in: [.home, .list, .global]), .quit)
        XCTAssertEqual(map.command(for: .ctrl("l"), in: [.global]), .redraw)
        XCTAssertEqual(map.command(for: .char("7"), in: [.chart, .list, .global]), .jumpToTab)
        XCTAssertNil(map.command(for: .char("7"), in: [.caseload, .list, .global]))
    }

    func testHintsComeFromTheTable() {
        let hints = map.hints(for: [.caseload, .list, .global])
        XCTAssertEqual(hints.first?.keys, "Enter")
        XCTAssertTrue(hints.contains { $0.keys == "/" && $0.label == "search" })
        XCTAssertTrue(hints.contains { $0.keys == "Q" && $0.label == "quit" })
        // Rebinding changes the hint, the lookup and the help text together.
        let rebound = map.rebinding(.search, in: .caseload, to: [.ctrl("s")])
        XCTAssertEqual(rebound.command(for: .ctrl("s"), in: [.caseload]), .search)
        XCTAssertNil(rebound.command(for: .char("/"), in: [.caseload]))
        XCTAssertTrue(rebound.hints(for: [.caseload]).contains { $0.keys == "^S" })
        let help = HelpState.lines(keyMap: rebound, scopes: [.caseload], width: 60).map(\.plainText)
        XCTAssertTrue(help.contains { $0.contains("^S") && $0.contains("search name or MRN") })
    }

    func testHelpListsEveryBindingAndCommand() {
        // Wrapped labels are joined back and spacing collapsed, so a label split over two rows still counts.
        let text = HelpState.lines(keyMap: map, scopes: [.home, .list, .global], width: 60).map(\.plainText)
            .joined(separator: " ").split(separator: " ").joined(separator: " ")
        for b in map.bindings { XCTAssertTrue(text.contains(b.label), "help misses \(b.label)") }
        for b in map.bindings { XCTAssertTrue(text.contains(b.keyNames), "help misses keys \(b.keyNames)") }
        for c in CommandPrompt.commands { XCTAssertTrue(text.contains(c.usage)) }
        XCTAssertTrue(text.hasPrefix("Home (here)"))
    }
}

final class SpanWrapTests: XCTestCase {
    func testSpansWrapByWordKeepingRolesAndHangingIndent() {
        let lines = ChartContent.wrapSpans([Span("observed, random: ", .dim), Span("+ Fentanyl, Cocaine, Benzodiazepines", .positive),
                                            Span("; − 5 negative", .dim)], width: 30, prefix: "  2026-02-08 ", indent: 13)
        XCTAssertEqual(lines.map(\.plainText), ["  2026-02-08 observed, random:",
                                                "             + Fentanyl,",
                                                "             Cocaine,",
                                                "             Benzodiazepines;",
                                                "             − 5 negative"])
        XCTAssertTrue(lines.allSatisfy { $0.width <= 30 })
        XCTAssertEqual(lines[1].spans.last?.role, .positive)
        XCTAssertEqual(lines[4].spans.last?.role, .dim)
    }

    func testShortSpansStayOnOneLine() {
        let lines = ChartContent.wrapSpans([Span("Written by Zoë · "), Span("[x] Signed", .ok)], width: 40)
        XCTAssertEqual(lines.map(\.plainText), ["Written by Zoë · [x] Signed"])
    }
}
