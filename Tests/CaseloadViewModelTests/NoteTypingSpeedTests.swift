// Typing in a 2,000-word note through the whole app (key → reducer → frame): a keystroke stays far below a frame budget.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class NoteTypingSpeedTests: XCTestCase {
    func testAKeystrokeAndItsFrameInALongNoteTakeUnderFiftyMilliseconds() throws {
        let store = try NoteDemo.fresh()
        let app = try NoteDemo.app(store)
        _ = try NoteDemo.newNoteFromHome(app)
        // 2,000 words of mixed scripts in the Data section, pasted as a terminal delivers a paste.
        let words = ["Zoë", "Ñúñez", "李", "reports", "steady", "mornings", "cravings", "coping", "plan", "e\u{301}"]
        let text = (0..<2000).map { words[$0 % words.count] + ($0 % 17 == 16 ? ".\n" : " ") }.joined()
        app.press(.paste(text))
        XCTAssertEqual(app.editor?.sections[0].text, TextArea(text: text).text)
        _ = app.render()
        var samples: [Double] = []
        for i in 0..<200 {
            let start = DispatchTime.now().uptimeNanoseconds
            app.type(i % 10 == 9 ? " " : "a")
            _ = app.render()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        let p99 = samples[Int(Double(samples.count) * 0.99) - 1]
        // Debug build on a shared 2-core machine (others build meanwhile): a generous bound; the release benchmark has the figure.
        XCTAssertLessThan(p99, 50, "p99 \(p99) ms, median \(samples[samples.count / 2]) ms")
        print("note typing: median \(samples[samples.count / 2]) ms, p99 \(p99) ms")
    }
}
