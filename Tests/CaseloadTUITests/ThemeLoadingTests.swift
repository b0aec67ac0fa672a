// Loading themes by name: built-ins, user folders overriding them, and the embedded copies matching Themes/.
import XCTest
import CaseloadViewModels
@testable import CaseloadTUI
#if canImport(Glibc)
import Glibc
#endif

final class ThemeLoadingTests: XCTestCase {
    /// The repository root, found from this file's path (tests run from a source checkout).
    static let repositoryRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/CaseloadTUITests/ThemeLoadingTests.swift
        return parts.joined(separator: "/")
    }()

    private var tempDir = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/caseload-themes-XXXXXX".utf8CString)
        tempDir = String(cString: try XCTUnwrap(mkdtemp(&template), "could not make a temporary folder"))
    }

    override func tearDown() {
        if let d = opendir(tempDir) {
            while let e = readdir(d) {
                let n = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
                if n != "." && n != ".." { unlink(tempDir + "/" + n) }
            }
            closedir(d)
        }
        rmdir(tempDir)
    }

    private func write(_ name: String, _ text: String) {
        let f = fopen(tempDir + "/" + name, "w")!
        fputs(text, f)
        fclose(f)
    }

    private func readFile(_ path: String) -> String? {
        try? Theme.readFile(path)
    }

    func testEmbeddedThemesAreByteIdenticalToThemesFolder() throws {
        let dir = Self.repositoryRoot + "/Themes"
        var onDisk: [String: String] = [:]
        for name in Theme.availableNames(userDir: dir) {
            if let text = readFile(dir + "/" + name + ".toml") { onDisk[name] = text }
        }
        if getenv("CASELOAD_UPDATE_BUILTIN_THEMES").map({ String(cString: $0) }) == "1" {
            try Self.regenerate(from: onDisk)
            return
        }
        XCTAssertEqual(Set(onDisk.keys), Set(BuiltinThemes.texts.keys),
                       "Themes/ and BuiltinThemes.swift list different themes; run CASELOAD_UPDATE_BUILTIN_THEMES=1 swift test --filter CaseloadTUITests")
        for (name, text) in onDisk {
            XCTAssertEqual(Array(BuiltinThemes.texts[name]?.utf8 ?? "".utf8), Array(text.utf8),
                           "Themes/\(name).toml differs from its embedded copy; run CASELOAD_UPDATE_BUILTIN_THEMES=1 swift test --filter CaseloadTUITests")
        }
    }

    /// Rewrites BuiltinThemes.swift from Themes/*.toml, on purpose only.
    static func regenerate(from themes: [String: String]) throws {
        var out = """
            // The built-in themes, embedded so an installed binary needs no source tree.
            // Generated from Themes/*.toml: CASELOAD_UPDATE_BUILTIN_THEMES=1 swift test --filter CaseloadTUITests rewrites it,
            // and a test fails when this file and Themes/ drift apart.

            enum BuiltinThemes {
                static let texts: [String: String] = [

            """
        for name in themes.keys.sorted() {
            let text = themes[name]!
            guard !text.contains("\"\"\"#") else {
                XCTFail("Themes/\(name).toml contains a raw-string delimiter and cannot be embedded")
                return
            }
            out += "        \"\(name)\": #\"\"\"\n" + text + "\n\"\"\"#,\n"
        }
        out += "    ]\n}\n"
        let path = repositoryRoot + "/Sources/CaseloadTUI/BuiltinThemes.swift"
        let f = fopen(path, "w")!
        fputs(out, f)
        fclose(f)
    }

    func testBuiltinsLoadWithoutAUserFolder() throws {
        XCTAssertEqual(Theme.availableNames(userDir: nil), ["default", "light", "high-contrast", "monochrome", "colorblind"])
        for name in Theme.availableNames(userDir: nil) {
            let theme = try Theme.load(name: name, userDir: nil)
            XCTAssertEqual(theme.name, name)
        }
        XCTAssertTrue(try Theme.load(name: "monochrome", userDir: nil).isMonochrome)
        XCTAssertFalse(try Theme.load(name: "default", userDir: nil).isMonochrome)
    }

    func testUserThemesAreListedAndOverrideBuiltins() throws {
        write("calm.toml", "name = \"Calm\"\n[normal]\nfg = \"#5fafd7\"\n")
        write("light.toml", "name = \"My light\"\n[normal]\nfg = \"black\"\n")
        write("notes.txt", "not a theme")
        XCTAssertEqual(Theme.availableNames(userDir: tempDir),
                       ["default", "light", "high-contrast", "monochrome", "colorblind", "calm"])
        XCTAssertEqual(try Theme.load(name: "calm", userDir: tempDir).label, "Calm")
        XCTAssertEqual(try Theme.load(name: "light", userDir: tempDir).label, "My light")
        // A folder that does not exist is simply empty.
        XCTAssertEqual(Theme.availableNames(userDir: tempDir + "/missing").count, 5)
    }

    func testBrokenUserThemeReportsItsPath() {
        write("broken.toml", "name = \"Broken\"\n\n[title]\nbg = \"#12345\"\n")
        XCTAssertThrowsError(try Theme.load(name: "broken", userDir: tempDir)) { error in
            let e = error as? ThemeError
            XCTAssertEqual(e?.file, tempDir + "/broken.toml")
            XCTAssertEqual(e?.line, 4)
            XCTAssertEqual(e?.key, "bg")
        }
    }

    func testUnknownNameAndPathTricksAreRefused() {
        XCTAssertThrowsError(try Theme.load(name: "nope", userDir: nil)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("no theme named 'nope'"), text)
            XCTAssertTrue(text.contains("default, light"), text)
        }
        XCTAssertThrowsError(try Theme.load(name: "../etc/passwd", userDir: tempDir)) { error in
            XCTAssertTrue("\(error)".contains("is not a theme name"))
        }
    }

    func testNonUTF8FileIsAClearError() {
        let f = fopen(tempDir + "/latin1.toml", "w")!
        let bytes: [UInt8] = Array("name = \"Caf".utf8) + [0xE9] + Array("\"\n".utf8)
        fwrite(bytes, 1, bytes.count, f)
        fclose(f)
        XCTAssertThrowsError(try Theme.load(name: "latin1", userDir: tempDir)) { error in
            XCTAssertTrue("\(error)".contains("is not UTF-8"), "\(error)")
        }
    }

    func testDefaultUserDirectoryFollowsXDG() {
        XCTAssertEqual(Theme.defaultUserDirectory(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/a"]),
                       "/x/cfg/caseload/themes")
        XCTAssertEqual(Theme.defaultUserDirectory(environment: ["HOME": "/home/a"]), "/home/a/.config/caseload/themes")
        // A relative XDG_CONFIG_HOME is invalid per the spec and is ignored.
        XCTAssertEqual(Theme.defaultUserDirectory(environment: ["XDG_CONFIG_HOME": "cfg", "HOME": "/home/a"]),
                       "/home/a/.config/caseload/themes")
    }
}
