// What the blitter sends: only changed cells, which is what keeps a one-row selection move cheap over SSH.
import XCTest
import CaseloadViewModels
@testable import CaseloadTUI

final class FrameDiffTests: XCTestCase {
    private func changes(_ last: ScreenBuffer?, _ next: ScreenBuffer) -> [Point] {
        var out: [Point] = []
        FrameDiff.forEachChange(from: last, to: next, rows: next.size.height, columns: next.size.width) {
            out.append(Point(x: $0, y: $1))
        }
        return out
    }

    private func list(selected: Int, size: Size = Size(width: 20, height: 5)) -> ScreenBuffer {
        var b = ScreenBuffer(size: size)
        for (i, name) in ["Zoë Ñúñez 李", "Ana", "José"].enumerated() {
            b.put((i == selected ? "> " : "  ") + name, x: 0, y: i, role: i == selected ? .selection : .normal)
            if i == selected { b.setRole(.selection, x: 0, y: i, width: 16) }
        }
        return b
    }

    func testFirstFrameSendsEveryCellButRightHalvesOfWideCharacters() {
        let frame = list(selected: 0)
        let sent = changes(nil, frame)
        // 20×5 cells, minus the right half of 李 on row 0.
        XCTAssertEqual(sent.count, 99)
        XCTAssertTrue(sent.contains(Point(x: 12, y: 0)))  // "> Zoë Ñúñez " is 12 columns; 李 sits at 12–13
        XCTAssertFalse(sent.contains(Point(x: 13, y: 0)))
    }

    func testMovingTheSelectionSendsOnlyTheTwoRows() {
        let sent = changes(list(selected: 0), list(selected: 1))
        XCTAssertEqual(Set(sent.map(\.y)), [0, 1])
        // Only the bar's 16 columns change role; the blank tail of the row is left alone.
        XCTAssertTrue(sent.allSatisfy { $0.x < 16 })
        XCTAssertEqual(changes(list(selected: 1), list(selected: 1)), [])
    }

    func testNarrowOverWideAndWideOverNarrow() {
        var a = ScreenBuffer(size: Size(width: 6, height: 1))
        a.put("李x", x: 0, y: 0)
        var b = ScreenBuffer(size: Size(width: 6, height: 1))
        b.put("abx", x: 0, y: 0)
        // Both halves of 李 become real characters: both are sent.
        XCTAssertEqual(changes(a, b), [Point(x: 0, y: 0), Point(x: 1, y: 0)])
        // And back: one wide character covers both.
        XCTAssertEqual(changes(b, a), [Point(x: 0, y: 0)])
    }

    func testSizeChangeSendsEverything() {
        let small = list(selected: 0, size: Size(width: 10, height: 3))
        let big = list(selected: 0)
        XCTAssertEqual(changes(small, big).count, changes(nil, big).count)
    }
}
