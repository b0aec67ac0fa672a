// `caseload template` with the real binary (issue 6: administrators manage the templates): anyone lists and
// shows them; a counselor's save is refused; the administrator saves one from a file (a mistake is named by
// its place and nothing is saved), changes it with --replace and removes it.
import Foundation
import XCTest

final class TemplateCommandTests: XCTestCase {
    func testListShowSaveReplaceAndRemove() throws {
        let dir = try TempDirectories.make("templates")
        let db = dir.appendingPathComponent("demo.sqlite").path
        XCTAssertEqual(try Run.caseload(["demo", "--db", db, "--clients", "10"], timeout: 300).status, 0)
        let admin = try Run.administratorLogin(db)

        let list = try Run.caseload(["template", "list", "--db", db])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.hasPrefix("TEMPLATE"), list.stdout)
        XCTAssertTrue(list.stdout.contains("Opioid use disorder: stabilization"), list.stdout)
        let shown = try Run.caseload(["template", "show", "Opioid use disorder: stabilization", "--db", db])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: shown.stdoutData) as? [String: Any])
        XCTAssertNotNil(json["problems"] as? [Any])

        // The shown template, renamed and with one change, saved as a new one.
        let file = dir.appendingPathComponent("mine.json")
        try shown.stdoutData.write(to: file)
        let refused = try Run.caseload(["template", "save", "Stabilization (ours)", "--file", file.path, "--db", db])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("Only an administrator can change the plan templates"), refused.stderr)
        let saved = try Run.caseload(["template", "save", "Stabilization (ours)", "--file", file.path, "--db", db, "--as", admin])
        XCTAssertEqual(saved.status, 0, saved.stderr)
        XCTAssertTrue(saved.stdout.hasPrefix("Saved the template 'Stabilization (ours)': "), saved.stdout)
        XCTAssertTrue(try Run.caseload(["template", "list", "--db", db]).stdout.contains("Stabilization (ours)"))

        let broken = String(decoding: shown.stdoutData, as: UTF8.self).replacingOccurrences(of: "\"week\"", with: "\"daily\"")
        try Data(broken.utf8).write(to: file)
        let bad = try Run.caseload(["template", "save", "Stabilization (ours)", "--replace", "--file", file.path, "--db", db, "--as", admin])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains(".period: 'daily' is not a period; use week or month."), bad.stderr)
        XCTAssertEqual(try Run.caseload(["template", "show", "Stabilization (ours)", "--db", db]).stdout,
                       String(decoding: shown.stdoutData, as: UTF8.self), "nothing was saved")

        let removed = try Run.caseload(["template", "remove", "Stabilization (ours)", "--db", db, "--as", admin])
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertFalse(try Run.caseload(["template", "list", "--db", db]).stdout.contains("Stabilization (ours)"))
        let audit = try Run.caseload(["audit", "--db", db, "--as", admin, "--format", "csv"])
        XCTAssertTrue(audit.stdout.contains("template:Stabilization (ours)"), audit.stdout)
    }
}
