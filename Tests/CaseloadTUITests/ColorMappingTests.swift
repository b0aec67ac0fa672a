import XCTest
import CaseloadViewModels
@testable import CaseloadTUI

final class ColorMappingTests: XCTestCase {
    private func colour(_ c: ThemeColor, _ depth: ColorDepth, fg: Bool = true) -> Int {
        ColorMapper.terminalColor(c, depth: depth, foreground: fg).number
    }

    func testRGBToNearest256() {
        XCTAssertEqual(colour(.rgb(0xff, 0, 0), .indexed256), 196)
        XCTAssertEqual(colour(.rgb(0x5f, 0xaf, 0xd7), .indexed256), 74)   // exactly on the cube
        XCTAssertEqual(colour(.rgb(0x80, 0x80, 0x80), .indexed256), 244)  // grey ramp: 8 + 10·12 = 128
        XCTAssertEqual(colour(.rgb(0, 0, 0), .indexed256), 16)            // never the terminal-defined 0–15
        XCTAssertEqual(colour(.rgb(0xff, 0xff, 0xff), .indexed256), 231)
        XCTAssertEqual(colour(.rgb(0xd5, 0x5e, 0x00), .indexed256), 166)  // Okabe–Ito vermillion → #d75f00
        XCTAssertEqual(colour(.index(74), .indexed256), 74)
        XCTAssertEqual(colour(.named(9), .indexed256), 9)
    }

    func testRGBToNearest16And8() {
        XCTAssertEqual(colour(.rgb(0xff, 0, 0), .sixteen), 9)   // bright red
        XCTAssertEqual(colour(.rgb(0xff, 0, 0), .eight), 1)     // red
        XCTAssertEqual(colour(.rgb(0x30, 0x30, 0x30), .eight), 0)
        XCTAssertEqual(colour(.rgb(0xe4, 0xe4, 0xe4), .eight), 7)
        XCTAssertEqual(colour(.rgb(0x00, 0x00, 0xaf), .eight), 4)
        XCTAssertEqual(colour(.index(196), .sixteen), 9)
        XCTAssertEqual(colour(.index(196), .eight), 1)
        XCTAssertEqual(colour(.index(3), .sixteen), 3)
    }

    func testBrightNamesOnEightColoursBecomeBoldForeground() {
        XCTAssertEqual(ColorMapper.terminalColor(.named(15), depth: .eight, foreground: true).number, 7)
        XCTAssertTrue(ColorMapper.terminalColor(.named(15), depth: .eight, foreground: true).bold)
        XCTAssertFalse(ColorMapper.terminalColor(.named(15), depth: .eight, foreground: false).bold)
        XCTAssertEqual(ColorMapper.terminalColor(.named(15), depth: .sixteen, foreground: true).number, 15)
    }

    func testDirectColourAndDefault() {
        XCTAssertEqual(colour(.rgb(0x12, 0x34, 0x56), .direct), 0x123456)
        XCTAssertEqual(colour(.rgb(0, 0, 1), .direct), 8)  // values below 8 would be read as palette entries
        XCTAssertEqual(colour(.named(1), .direct), 1)
        XCTAssertEqual(colour(.terminalDefault, .indexed256), -1)
        XCTAssertEqual(colour(.rgb(1, 2, 3), .none), -1)
    }

    func testDepthFromTerminalFacts() {
        XCTAssertEqual(ColorDepth(colors: 256, hasColors: true, noColor: false), .indexed256)
        XCTAssertEqual(ColorDepth(colors: 256, hasColors: true, noColor: true), .none)
        XCTAssertEqual(ColorDepth(colors: 8, hasColors: true, noColor: false), .eight)
        XCTAssertEqual(ColorDepth(colors: 16, hasColors: true, noColor: false), .sixteen)
        XCTAssertEqual(ColorDepth(colors: 0x1000000, hasColors: true, noColor: false), .direct)
        XCTAssertEqual(ColorDepth(colors: 0, hasColors: false, noColor: false), .none)
    }

    func testMonochromeMakesStandOutRolesVisibleWithoutColour() throws {
        for name in Theme.availableNames(userDir: nil) {
            let resolved = ResolvedTheme(theme: try Theme.load(name: name, userDir: nil), depth: .none)
            XCTAssertEqual(resolved.pairs.count, 1, "\(name): no colour pairs without colour")
            let normal = resolved.style(for: .normal)
            for role in ResolvedTheme.mustStandOut {
                let s = resolved.style(for: role)
                XCTAssertEqual(s.fg, -1)
                XCTAssertEqual(s.bg, -1)
                XCTAssertNotEqual(s.attributes, normal.attributes, "\(name): \(role) looks like body text without colour")
                XCTAssertFalse(s.attributes.isDisjoint(with: [.reverse, .bold, .underline]), "\(name): \(role)")
            }
            // The selection must be reverse video (or the theme's own strong choice) so rows stand out.
            XCTAssertTrue(resolved.style(for: .selection).attributes.contains(.reverse), name)
        }
    }

    func testOnePairPerDistinctColourCombination() throws {
        let theme = try Theme.parse("""
            [normal]
            [title]
            fg = "white"
            bg = "blue"
            [tabActive]
            fg = "white"
            bg = "blue"
            attrs = ["bold"]
            [header]
            fg = "#ff0000"
            [overdue]
            fg = 196
            """, name: "t", file: "t")
        let r = ResolvedTheme(theme: theme, depth: .indexed256)
        XCTAssertEqual(r.style(for: .normal).pair, 0)
        XCTAssertEqual(r.style(for: .title).pair, r.style(for: .tabActive).pair)
        XCTAssertEqual(r.style(for: .header).pair, r.style(for: .overdue).pair)  // #ff0000 and 196 are one colour
        XCTAssertNotEqual(r.style(for: .title).pair, r.style(for: .header).pair)
        XCTAssertEqual(r.pairs.count, 3)
        XCTAssertEqual(r.pairs[r.style(for: .header).pair].fg, 196)
        XCTAssertEqual(r.pairs[r.style(for: .header).pair].bg, -1)
    }

    func testColoursThatCollapseOnEightColoursStillShowTextAndSelection() throws {
        // On 8 colours both #303030 and #444444 become black, the same as black text.
        let theme = try Theme.parse("""
            [normal]
            fg = "default"
            [statusBar]
            fg = "#000000"
            bg = "#303030"
            [selection]
            bg = "#3a3a3a"
            """, name: "t", file: "t")
        let r = ResolvedTheme(theme: theme, depth: .eight)
        let status = r.style(for: .statusBar)
        XCTAssertNotEqual(status.fg, status.bg, "text would be invisible")
        // The selection bar turned black on a (usually black) default background: reverse video keeps it visible.
        XCTAssertTrue(r.style(for: .selection).attributes.contains(.reverse))
        XCTAssertTrue(r.style(for: .statusBar).attributes.contains(.reverse))
        // At 256 colours the bar survives, and no attribute is forced on it.
        XCTAssertFalse(ResolvedTheme(theme: theme, depth: .indexed256).style(for: .selection).attributes.contains(.reverse))
        // Every built-in theme's every role is readable at every depth.
        for name in Theme.availableNames(userDir: nil) {
            for depth in [ColorDepth.eight, .sixteen, .indexed256, .direct] {
                let t = ResolvedTheme(theme: try Theme.load(name: name, userDir: nil), depth: depth)
                for role in Role.allCases {
                    let s = t.style(for: role)
                    XCTAssertTrue(s.fg == -1 || s.fg != s.bg, "\(name) \(depth) \(role): fg = bg")
                }
            }
        }
    }
}
