import XCTest
import CaseloadViewModels
@testable import CaseloadTUI

final class ThemeParserTests: XCTestCase {
    private func parseError(_ text: String, file: String = "mine.toml") -> ThemeError? {
        do {
            _ = try Theme.parse(text, name: "mine", file: file)
            return nil
        } catch let e as ThemeError {
            return e
        } catch {
            XCTFail("unexpected error type \(error)")
            return nil
        }
    }

    func testEveryBuiltinThemeParsesAndCoversTheStandOutRoles() throws {
        XCTAssertEqual(Set(BuiltinThemes.texts.keys), ["default", "light", "high-contrast", "monochrome", "colorblind"])
        for (name, text) in BuiltinThemes.texts {
            let theme = try Theme.parse(text, name: name, file: name)
            XCTAssertFalse(theme.label.isEmpty, name)
            XCTAssertFalse(theme.description.isEmpty, name)
            // Every built-in says something explicit about each role: none silently looks like body text.
            for role in Role.allCases {
                XCTAssertNotNil(theme.declared[role], "\(name) has no [\(role.rawValue)]")
            }
        }
    }

    func testRolesInheritFromNormal() throws {
        let theme = try Theme.parse("""
            [selection]
            attrs = ["bold"]

            [normal]
            fg = "black"
            bg = "#ffffff"
            """, name: "t", file: "t.toml")
        // [selection] gave no colours: it takes normal's even though [normal] comes later.
        XCTAssertEqual(theme.style(for: .selection), Style(fg: .named(0), bg: .rgb(255, 255, 255), attributes: [.bold]))
        // A role with no table at all looks like normal.
        XCTAssertEqual(theme.style(for: .overdue), Style(fg: .named(0), bg: .rgb(255, 255, 255)))
    }

    func testValuesOfEveryKind() throws {
        let theme = try Theme.parse("""
            # a comment
            name = "Zoë's \\"quoted\\" theme \\u00e9"   # trailing comment
            description = "tab\\there"
            [title]
            fg = 196
            bg = "bright-blue"
            attrs = ["bold", "underline", "reverse", "dim",]
            [header]
            fg = "DEFAULT"
            attrs = []
            """, name: "t", file: "t.toml")
        XCTAssertEqual(theme.label, "Zoë's \"quoted\" theme é")
        XCTAssertEqual(theme.description, "tab\there")
        XCTAssertEqual(theme.style(for: .title), Style(fg: .index(196), bg: .named(12), attributes: [.bold, .underline, .reverse, .dim]))
        XCTAssertEqual(theme.style(for: .header), Style())
    }

    func testBadColourNamesFileLineAndKey() {
        let e = parseError("""
            name = "x"

            [selection]
            fg = "black"
            bg = "#12345"
            """)
        XCTAssertEqual(e?.file, "mine.toml")
        XCTAssertEqual(e?.line, 5)
        XCTAssertEqual(e?.key, "bg")
        XCTAssertTrue(e?.description.hasPrefix("mine.toml:5: key 'bg': '#12345' is not a colour (") ?? false, e?.description ?? "")
    }

    func testSummaryFitsTheMessageLine() {
        let e = ThemeError(file: "/home/ana/.config/caseload/themes/mine.toml", line: 5, key: "bg",
                           message: "'#12345' is not a colour (use a name such as \"red\").")
        XCTAssertEqual(e.summary, "mine.toml:5: key 'bg': '#12345' is not a colour")
        XCTAssertEqual(e.description,
                       "/home/ana/.config/caseload/themes/mine.toml:5: key 'bg': '#12345' is not a colour (use a name such as \"red\").")
        let missing = ThemeError(file: "nope.toml", line: 0, key: nil, message: "there is no theme named 'nope'. Available themes: default.")
        XCTAssertEqual(missing.summary, "nope.toml: there is no theme named 'nope'")
        XCTAssertEqual(TUI.themeProblem("mine", e), "Theme “mine” not used (mine.toml:5: key 'bg': '#12345' is not a colour); showing the default theme.")
    }

    func testColourIndexOutOfRange() {
        let e = parseError("[normal]\nfg = 256\n")
        XCTAssertEqual(e?.line, 2)
        XCTAssertEqual(e?.key, "fg")
        XCTAssertTrue(e?.message.contains("256 is not a colour") ?? false)
    }

    func testUnknownRole() {
        let e = parseError("[normal]\nfg = \"red\"\n\n[selecton]\nfg = \"red\"\n")
        XCTAssertEqual(e?.line, 4)
        XCTAssertEqual(e?.key, "[selecton]")
        XCTAssertTrue(e?.description.hasPrefix("mine.toml:4: table [selecton]: 'selecton' is not a role") ?? false,
                      e?.description ?? "")
    }

    func testUnknownKeyInsideATableAndAtTopLevel() {
        let inTable = parseError("[normal]\nforeground = \"red\"\n")
        XCTAssertEqual(inTable?.line, 2)
        XCTAssertEqual(inTable?.key, "foreground")
        let topLevel = parseError("name = \"a\"\ncolour = \"red\"\n")
        XCTAssertEqual(topLevel?.line, 2)
        XCTAssertEqual(topLevel?.key, "colour")
    }

    func testUnterminatedString() {
        let e = parseError("name = \"ok\"\n[title]\nfg = \"red\nbg = \"blue\"\n")
        XCTAssertEqual(e?.line, 3)
        XCTAssertEqual(e?.key, "fg")
        XCTAssertTrue(e?.message.contains("not closed") ?? false)
    }

    func testBadAttribute() {
        let e = parseError("[title]\nattrs = [\"bold\", \"blink\"]\n")
        XCTAssertEqual(e?.line, 2)
        XCTAssertEqual(e?.key, "attrs")
        XCTAssertTrue(e?.message.contains("'blink' is not an attribute") ?? false)
        let notAList = parseError("[title]\nattrs = \"bold\"\n")
        XCTAssertEqual(notAList?.key, "attrs")
        XCTAssertTrue(notAList?.message.contains("must be a list") ?? false)
    }

    func testDuplicateTableAndDuplicateKey() {
        let table = parseError("[title]\nfg = \"red\"\n\n[title]\nbg = \"red\"\n")
        XCTAssertEqual(table?.line, 4)
        XCTAssertEqual(table?.key, "[title]")
        XCTAssertTrue(table?.message.contains("first on line 1") ?? false)
        let key = parseError("[title]\nfg = \"red\"\nfg = \"blue\"\n")
        XCTAssertEqual(key?.line, 3)
        XCTAssertEqual(key?.key, "fg")
    }

    func testUnquotedWordAndTrailingGarbage() {
        let bare = parseError("[title]\nfg = red\n")
        XCTAssertEqual(bare?.line, 2)
        XCTAssertTrue(bare?.message.contains("double quotes") ?? false)
        let garbage = parseError("[title]\nfg = \"red\" bg = \"blue\"\n")
        XCTAssertEqual(garbage?.line, 2)
        XCTAssertTrue(garbage?.message.contains("unexpected text") ?? false)
    }

    func testWindowsLineEndingsKeepLineNumbers() {
        let e = parseError("[title]\r\nfg = \"red\"\r\nbg = \"nope\"\r\n")
        XCTAssertEqual(e?.line, 3)
        XCTAssertEqual(e?.key, "bg")
    }

    func testColourDescriptionRoundTrips() {
        for text in ["default", "red", "bright-white", "#0a0b0c"] {
            XCTAssertEqual(ThemeColor(name: text)?.description, text)
        }
        XCTAssertNil(ThemeColor(name: "#0a0b0"))
        XCTAssertNil(ThemeColor(name: "#gg0000"))
        XCTAssertNil(ThemeColor(name: "purple"))
    }
}
