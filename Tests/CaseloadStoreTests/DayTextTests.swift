// The store's fast date reading and writing must agree exactly with Day's own text form.
import CaseloadCore
@testable import CaseloadStore
import XCTest

final class DayTextTests: XCTestCase {
    func testFastTextMatchesDayDescriptionBothWays() {
        var ordinal = Day(year: 1, month: 1, day: 1)!.ordinal
        let last = Day(year: 9999, month: 12, day: 31)!.ordinal
        while ordinal <= last {
            let day = Day(ordinal: ordinal)
            XCTAssertEqual(day.sqlText, day.description)
            XCTAssertEqual(Col.parseDay(day.description), day)
            ordinal += 997
        }
        for leap in ["2024-02-29", "2000-02-29", "1999-12-31", "0099-01-01"] {
            XCTAssertEqual(Col.parseDay(leap)?.sqlText, leap)
        }
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "2024/01/01", "２０２４-01-01", "", "2024-01-01 ", "abcd-ef-gh"] {
            XCTAssertNil(Col.parseDay(bad), bad)
            XCTAssertEqual(Col.parseDay(bad), Day(bad), bad)
        }
    }
}
