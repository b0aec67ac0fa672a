import Foundation
import XCTest
import CaseloadViewModels
@testable import CaseloadTUI

final class InputDecoderTests: XCTestCase {
    private let size = Size(width: 100, height: 30)

    /// Feeds reads the way the loop does: after the last one, "nothing more arrived" until the decoder is idle.
    private func decode(_ reads: [RawInput]) -> [InputEvent] {
        var d = InputDecoder()
        var events: [InputEvent] = []
        for r in reads { events += d.feed(r, size: size) }
        var guardCount = 0
        while d.pendingWaitMs != nil, guardCount < 10 {
            events += d.feed(.none, size: size)
            guardCount += 1
        }
        XCTAssertNil(d.pendingWaitMs, "decoder left waiting")
        return events
    }

    private func chars(_ s: String) -> [RawInput] { s.unicodeScalars.map { .char($0.value) } }

    func testCursesKeyCodes() {
        let cases: [(Int32, InputEvent)] = [
            (CursesKey.up, .key(.up)), (CursesKey.down, .key(.down)), (CursesKey.left, .key(.left)),
            (CursesKey.right, .key(.right)), (CursesKey.home, .key(.home)), (CursesKey.end, .key(.end)),
            (CursesKey.ppage, .key(.pageUp)), (CursesKey.npage, .key(.pageDown)), (CursesKey.btab, .key(.backTab)),
            (CursesKey.dc, .key(.delete)), (CursesKey.backspace, .key(.backspace)), (CursesKey.enter, .key(.enter)),
            (CursesKey.f0 + 1, .key(.function(1))), (CursesKey.f0 + 12, .key(.function(12))),
            (CursesKey.resize, .resize(size)),
        ]
        for (code, expected) in cases {
            XCTAssertEqual(InputDecoder.decode(.keyCode(code), size: size), expected, "code \(code)")
            XCTAssertEqual(decode([.keyCode(code)]), [expected], "code \(code)")
        }
        XCTAssertNil(InputDecoder.decode(.keyCode(CursesKey.b2), size: size))
        XCTAssertEqual(decode([.keyCode(0o777)]), [])
    }

    func testControlCharacters() {
        XCTAssertEqual(InputDecoder.decode(.char(13), size: size), .key(.enter))
        XCTAssertEqual(InputDecoder.decode(.char(10), size: size), .key(.enter))
        XCTAssertEqual(InputDecoder.decode(.char(9), size: size), .key(.tab))
        XCTAssertEqual(InputDecoder.decode(.char(127), size: size), .key(.backspace))
        XCTAssertEqual(InputDecoder.decode(.char(8), size: size), .key(.backspace))
        XCTAssertEqual(InputDecoder.decode(.char(27), size: size), .key(.escape))
        // Ctrl-C must be a key the app can treat like Q, never a signal; Ctrl-S/Ctrl-Q likewise.
        XCTAssertEqual(InputDecoder.decode(.char(3), size: size), .key(.ctrl("c")))
        XCTAssertEqual(InputDecoder.decode(.char(19), size: size), .key(.ctrl("s")))
        XCTAssertEqual(InputDecoder.decode(.char(17), size: size), .key(.ctrl("q")))
        XCTAssertEqual(InputDecoder.decode(.char(12), size: size), .key(.ctrl("l")))
        XCTAssertEqual(InputDecoder.decode(.char(0), size: size), .key(.ctrl("@")))
        XCTAssertEqual(InputDecoder.decode(.char(31), size: size), .key(.ctrl("_")))
        XCTAssertNil(InputDecoder.decode(.char(0x9B), size: size))  // C1 CSI is never typed text
        XCTAssertEqual(decode([.char(3)]), [.key(.ctrl("c"))])
    }

    func testPrintableCharactersIncludingWideAndAccented() {
        XCTAssertEqual(decode(chars("jq")), [.key(.char("j")), .key(.char("q"))])
        XCTAssertEqual(decode(chars("李")), [.key(.char("李"))])
        XCTAssertEqual(decode(chars("Ñ")), [.key(.char("Ñ"))])
    }

    func testBaseAndCombiningMarksInOneReadBecomeOneCharacter() {
        // "e" + COMBINING ACUTE, "n" + COMBINING TILDE, as a terminal sends decomposed text.
        let events = decode([.char(0x65), .char(0x301), .char(0x6E), .char(0x303)])
        XCTAssertEqual(events, [.key(.char("e\u{301}")), .key(.char("n\u{303}"))])
        // A control key in the burst ends the text and keeps its place in the order.
        XCTAssertEqual(decode([.char(0x61), .char(13), .char(0x62)]),
                       [.key(.char("a")), .key(.enter), .key(.char("b"))])
    }

    func testLoneEscapeAnswersAtOnce() {
        var d = InputDecoder()
        XCTAssertEqual(d.feed(.char(27), size: size), [])
        // ncurses already waited ESCDELAY; the loop only polls for bytes that came with it.
        XCTAssertEqual(d.pendingWaitMs, 0)
        XCTAssertEqual(d.feed(.none, size: size), [.key(.escape)])
        XCTAssertNil(d.pendingWaitMs)
        XCTAssertEqual(decode([.char(27), .char(27)]), [.key(.escape), .key(.escape)])
    }

    func testEscapeThenKeyInOneReadIsAlt() {
        // The app model turns it back into Esc, then the key, outside a text field.
        XCTAssertEqual(decode([.char(27), .char(0x6A)]), [.key(.alt("j"))])
        XCTAssertEqual(decode([.char(27), .char(0x62)]), [.key(.alt("b"))])
        XCTAssertEqual(decode([.char(27), .char(127)]), [.key(.altBackspace)])
        XCTAssertEqual(decode([.char(27), .keyCode(CursesKey.up)]), [.key(.escape), .key(.up)])
        // A non-ASCII key after Esc is not an Alt chord any terminal sends.
        XCTAssertEqual(decode([.char(27), .char(0xE9)]), [.key(.escape), .key(.char("é"))])
    }

    func testModifiedArrowsMoveByWord() {
        XCTAssertEqual(decode([.char(27)] + chars("[1;5D")), [.key(.ctrlLeft)])
        XCTAssertEqual(decode([.char(27)] + chars("[1;5C")), [.key(.ctrlRight)])
        XCTAssertEqual(decode([.char(27)] + chars("[1;3C")), [.key(.ctrlRight)])
        XCTAssertEqual(decode([.char(27)] + chars("[1;5H")), [.key(.ctrlHome)])
        XCTAssertEqual(decode([.char(27)] + chars("[1;5F")), [.key(.ctrlEnd)])
        // Shift alone does not change what an arrow does.
        XCTAssertEqual(decode([.char(27)] + chars("[1;2D")), [.key(.left)])
        XCTAssertEqual(decode([.char(27)] + chars("[1;5A")), [.key(.up)])
    }

    func testKeyCodesCursesAssignsToModifiedKeys() {
        var d = InputDecoder(extendedKeys: [560: .ctrlRight])
        XCTAssertEqual(d.feed(.keyCode(560), size: size), [.key(.ctrlRight)])
        XCTAssertEqual(d.feed(.keyCode(561), size: size), [])
    }

    func testEscapeSequencesCursesDidNotMatch() {
        XCTAssertEqual(decode([.char(27)] + chars("[A")), [.key(.up)])
        XCTAssertEqual(decode([.char(27)] + chars("[1;5B")), [.key(.down)])
        XCTAssertEqual(decode([.char(27)] + chars("[6~")), [.key(.pageDown)])
        XCTAssertEqual(decode([.char(27)] + chars("[15~")), [.key(.function(5))])
        XCTAssertEqual(decode([.char(27)] + chars("[Z")), [.key(.backTab)])
        XCTAssertEqual(decode([.char(27)] + chars("OP")), [.key(.function(1))])
        XCTAssertEqual(decode([.char(27)] + chars("OH")), [.key(.home)])
        // Focus reports and other unbound sequences vanish instead of typing "[I" into a field.
        XCTAssertEqual(decode([.char(27)] + chars("[I") + chars("x")), [.key(.char("x"))])
        // Esc then "[" with nothing after it is what the person typed.
        XCTAssertEqual(decode([.char(27)] + chars("[")), [.key(.escape), .key(.char("["))])
    }

    func testBracketedPasteIsDeliveredWhole() {
        let reads = [.char(27)] + chars("[200~") + chars("Zoë Ñúñez 李\r2nd line\r\n") + [.char(27)] + chars("[201~") + chars("j")
        XCTAssertEqual(decode(reads), [.key(.paste("Zoë Ñúñez 李\n2nd line\n")), .key(.char("j"))])
    }

    func testACRLFPasteWhoseCRCameAsKeyEnterIsOneLineBreak() {
        // Some terminfo entries make ncurses report the CR of a pasted CR LF as KEY_ENTER.
        let reads = [.char(27)] + chars("[200~") + chars("Zoë") + [.keyCode(CursesKey.enter)] + chars("\n李")
            + [.keyCode(CursesKey.enter)] + [.char(27)] + chars("[201~")
        XCTAssertEqual(decode(reads), [.key(.paste("Zoë\n李\n"))])
    }

    func testPasteContainingEscapesAndControlsStaysText() {
        let reads = [.char(27)] + chars("[200~") + chars("a\tb") + [.char(27)] + chars("[A") + [.char(27)] + chars("[201~")
        XCTAssertEqual(decode(reads), [.key(.paste("a\tb\u{1B}[A"))])
    }

    func testAOneMebibytePasteIsDecodedInLinearTime() {
        // 1 MiB of pasted note text (lines of 64 characters) between the bracketed-paste markers, fed one read
        // at a time as the loop does. It used to copy the whole buffer on every byte (minutes for 1 MiB).
        let line = Array("The client reports a calm week; attended all groups and dosing. ".unicodeScalars)
        var reads: [RawInput] = chars("\u{1B}[200~")
        let size = 1 << 20
        reads.reserveCapacity(size + 12)
        var n = 0
        while n < size - 6 {
            for s in line where n < size - 6 { reads.append(.char(s.value)); n += 1 }
            if n < size - 6 { reads.append(.char(13)); n += 1 }
        }
        reads += chars("\u{1B}[201~")
        var d = InputDecoder()
        var events: [InputEvent] = []
        let started = Date()
        for r in reads { events += d.feed(r, size: self.size) }
        let seconds = Date().timeIntervalSince(started)
        XCTAssertNil(d.pendingWaitMs)
        XCTAssertEqual(events.count, 1)
        guard case .key(.paste(let text))? = events.first else { return XCTFail("no paste: \(events.prefix(3))") }
        XCTAssertEqual(text.unicodeScalars.count, size - 6)
        XCTAssertTrue(text.hasPrefix("The client reports"))
        // Measured at about 0.3 s in a debug build on a shared 2-core machine; quadratic decoding took minutes.
        XCTAssertLessThan(seconds, 1.0, "decoding 1 MiB of paste took \(seconds) s")
    }

    func testAPasteLargerThanThePasteLimitComesInPiecesAndTheEndMarkerIsStillFound() {
        var reads: [RawInput] = chars("\u{1B}[200~")
        reads += Array(repeating: .char(0x61), count: InputDecoder.pasteLimit + 10)
        reads += chars("\u{1B}[201~") + chars("j")
        let events = decode(reads)
        XCTAssertEqual(events.count, 3)
        XCTAssertEqual(events.first, .key(.paste(String(repeating: "a", count: InputDecoder.pasteLimit))))
        XCTAssertEqual(events.dropFirst().first, .key(.paste("aaaaaaaaaa")))
        XCTAssertEqual(events.last, .key(.char("j")))
    }

    func testPasteWithoutEndMarkerIsDeliveredAfterAPause() {
        var d = InputDecoder()
        var events: [InputEvent] = []
        for r in [.char(27)] + chars("[200~") + chars("MRN-0042") { events += d.feed(r, size: size) }
        XCTAssertEqual(events, [])
        XCTAssertEqual(d.pendingWaitMs, InputDecoder.pasteWaitMs)
        XCTAssertEqual(d.feed(.none, size: size), [.key(.paste("MRN-0042"))])
    }

    func testResizeCarriesTheSizeGiven() {
        var d = InputDecoder()
        XCTAssertEqual(d.feed(.keyCode(CursesKey.resize), size: Size(width: 60, height: 20)),
                       [.resize(Size(width: 60, height: 20))])
    }
}
