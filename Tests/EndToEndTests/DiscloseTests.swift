// `caseload disclose` and `caseload disclosures` on a small demo store of their own (issue 6): the document
// starts with the 42 CFR 2.32 notice and the consent's scope and holds only the categories the consent
// covers; revoked, expired and other clients' consents, an existing file and a counselor who is not the
// client's are refused, writing nothing; the accounting lists what was disclosed. The consents are recorded
// through the store's own API (the TUI's path), the disclosures by the real binary.
import CaseloadCore
import CaseloadStore
import Foundation
import XCTest

final class DiscloseTests: XCTestCase {
    private var dir: URL!
    private var db: String!
    private var store: SQLiteStore!
    private var me: Staff!
    private var client: Client!
    private var plan: PlanTree!

    override func setUpWithError() throws {
        dir = try TempDirectories.make("disclose")
        db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "20"])
        XCTAssertEqual(made.status, 0, made.stderr)
        store = try SQLiteStore.open(path: db, clock: TestTime.clock)
        me = try XCTUnwrap(try store.staff(username: osLogin()))
        let today = TestTime.today
        // A client of mine with drug screens and a treatment plan, so leaving them out is visible, and no
        // disclosure yet (the demo records some), so the accounting this test reads is its own.
        for row in try store.caseloadRows(for: me.id!, scope: .mine, on: today) {
            guard try store.disclosures(clientID: row.id).isEmpty,
                  !(try store.drugScreens(clientID: row.id, limit: 1)).isEmpty,
                  let p = try store.currentPlan(clientID: row.id), !p.problems.isEmpty else { continue }
            client = try store.chartSummary(clientID: row.id).client
            plan = p
            break
        }
        XCTAssertNotNil(client, "the demo gives me a client with screens and a plan")
    }

    override func tearDown() { store = nil }

    private func consent(_ categories: [DisclosureCategory], clientID: RowID? = nil, recipient: String = "County Probation Department") throws -> Consent {
        try store.saveConsent(Consent(clientID: clientID ?? client.id!, discloser: "Riverbend Treatment Services",
                                      recipient: recipient, purpose: "Report attendance to probation",
                                      informationCovered: "", expiresOn: TestTime.today.adding(days: 200),
                                      signedOn: TestTime.today.adding(days: -10), categories: categories), by: me)
    }
    private func disclose(_ consentID: RowID, _ out: String, _ extra: [String] = []) throws -> RunResult {
        try Run.caseload(["disclose", "--db", db, "--client", client.mrn, "--consent", "\(consentID)", "--out", out] + extra)
    }
    private func accountingCount() throws -> Int { try store.disclosures(clientID: client.id!).count }

    func testAnAttendanceOnlyConsentDisclosesTheNoticeScopeAndAttendanceOnly() throws {
        let c = try consent([.attendance])
        let out = dir.appendingPathComponent("probation.txt").path
        let r = try disclose(c.id!, out)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Disclosed to County Probation Department under consent \(c.id!)"), r.stdout)
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        XCTAssertEqual((attributes[.posixPermissions] as! NSNumber).intValue & 0o777, 0o600)
        let doc = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(doc.hasPrefix("NOTICE (42 CFR 2.32)\nThis record, which has been disclosed to you, is protected by federal\nconfidentiality rules (42 CFR part 2)."), doc)
        // The notice's three exceptions (§ 2.32 as of 2024) and its last sentence, whatever the line breaks.
        let flat = doc.split(whereSeparator: \.isNewline).joined(separator: " ")
        XCTAssertTrue(flat.contains("(ii) you are a covered entity or business associate"), flat)
        XCTAssertTrue(flat.contains("(iii) you have received the record from a covered entity or business associate"), flat)
        XCTAssertTrue(flat.contains("is NOT sufficient to meet the required elements of written consent to further use or redisclose the record (see 42 CFR 2.31)."), flat)
        XCTAssertTrue(doc.contains("Patient:          \(client.displayName) (MRN \(client.mrn))"))
        XCTAssertTrue(doc.contains("Recipient:        County Probation Department"))
        XCTAssertTrue(doc.contains("Purpose:          Report attendance to probation"))
        XCTAssertTrue(doc.contains("Information:      Attendance and dosing-visit dates\n"))
        XCTAssertTrue(doc.contains("Right to revoke:  The patient may revoke this consent at any time"))
        XCTAssertTrue(doc.contains("\nATTENDANCE AND DOSING-VISIT DATES\n"))
        XCTAssertTrue(doc.contains("visit: individual session"), "the demo client has counseling sessions")
        // Nothing the consent does not cover.
        for absent in ["DRUG-SCREEN RESULTS", "TREATMENT PLAN", "PROGRESS-NOTE SUMMARIES", "DISCHARGE SUMMARY",
                       "Fentanyl", "Opioids", "modality:", "date of birth", client.dateOfBirth.description] {
            XCTAssertFalse(doc.contains(absent), "'\(absent)' is not covered")
        }
        for p in plan.problems {
            XCTAssertFalse(doc.contains(p.problem.statement), "plan text is not covered: \(p.problem.statement)")
            for g in p.goals { XCTAssertFalse(doc.contains(g.goal.statement)) }
        }

        // The accounting lists it.
        let list = try Run.caseload(["disclosures", "--db", db, "--client", client.mrn])
        XCTAssertEqual(list.status, 0, list.stderr)
        let lines = list.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Disclosures of \(client.displayName) (MRN \(client.mrn)) under 42 CFR Part 2 consents")
        XCTAssertTrue(lines[1].hasPrefix("DATE              RECIPIENT"), lines[1])
        XCTAssertEqual(lines.count, 3, list.stdout)
        for cell in ["County Probation Department", "Report attendance to probation", "attendance", "\(c.id!)", me.displayName] {
            XCTAssertTrue(lines[2].contains(cell), "\(cell) in \(lines[2])")
        }
        XCTAssertEqual(try store.activity(clientID: client.id!, limit: 5).first { $0.action == .disclose }?.username, me.username)
    }

    func testJSONHoldsEveryCoveredCategoryAndTheNotice() throws {
        let c = try consent([.drugScreens, .treatmentPlan, .problemList], recipient: "Riverside Community Health")
        let out = dir.appendingPathComponent("clinic.json").path
        let r = try disclose(c.id!, out, ["--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        XCTAssertEqual(json["notice"] as? String, PartTwo.notice)
        let scope = try XCTUnwrap(json["consent"] as? [String: Any])
        XCTAssertEqual(scope["recipient"] as? String, "Riverside Community Health")
        XCTAssertEqual(scope["categories"] as? [String], ["drug_screens", "treatment_plan", "problem_list"])
        let records = try XCTUnwrap(json["records"] as? [String: Any])
        XCTAssertEqual(Set(records.keys), ["drug_screens", "treatment_plan", "problem_list"])
        let problems = try XCTUnwrap(records["problem_list"] as? [[String: String]])
        XCTAssertEqual(problems.count, plan.problems.count)
        XCTAssertEqual(problems.first?["problem 1"], plan.problems.first?.problem.statement)
        XCTAssertEqual((records["drug_screens"] as? [Any])?.count, try store.drugScreens(clientID: client.id!, limit: 10_000).count)
    }

    func testTheStoresOwnFilesAreRefusedAndNothingIsWrittenBesideIt() throws {
        let c = try consent([.attendance])
        let before = try accountingCount()
        let folder = (db as NSString).deletingLastPathComponent
        let link = dir.appendingPathComponent("alias").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder)
        for out in [db + "-journal", db + ".lock", db + "-x", link + "/demo.sqlite-journal", folder + "/./demo.sqlite.copy"] {
            let existed = FileManager.default.fileExists(atPath: out)
            let r = try disclose(c.id!, out)
            XCTAssertNotEqual(r.status, 0, out)
            XCTAssertTrue(r.stderr.contains("one of the files Caseload keeps beside it"), "\(out): \(r.stderr)")
            XCTAssertEqual(FileManager.default.fileExists(atPath: out), existed, out)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: db + "-journal"))
        XCTAssertEqual(try accountingCount(), before, "nothing was disclosed")
    }

    func testRefusalsWriteNothingAndRecordNothing() throws {
        let revoked = try consent([.attendance])
        _ = try store.revokeConsent(id: revoked.id!, revision: 1, on: TestTime.today, note: "Letter from the patient", by: me)
        let expired = try store.insert(Consent(clientID: client.id!, discloser: "Riverbend", recipient: "Old Clinic",
                                               purpose: "Care", informationCovered: "", expiresOn: TestTime.today.adding(days: -1),
                                               signedOn: TestTime.today.adding(days: -400), categories: [.attendance]))
        let others = try XCTUnwrap(try store.caseloadRows(for: me.id!, scope: .mine, on: TestTime.today).first { $0.id != client.id })
        let otherConsent = try consent([.attendance], clientID: others.id)
        let before = try accountingCount()
        func refused(_ id: RowID, _ sentence: String, out: String? = nil, extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
            let path = out ?? dir.appendingPathComponent("refused-\(id).txt").path
            let existed = FileManager.default.fileExists(atPath: path)
            let r = try disclose(id, path, extra)
            XCTAssertNotEqual(r.status, 0, file: file, line: line)
            XCTAssertEqual(r.stderr, "caseload: \(sentence)\n", file: file, line: line)
            XCTAssertEqual(r.stdout, "", file: file, line: line)
            if !existed { XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing written", file: file, line: line) }
        }
        try refused(revoked.id!, "Consent \(revoked.id!) was revoked on \(TestTime.today): nothing may be disclosed under it.")
        try refused(expired.id!, "Consent \(expired.id!) expired on \(TestTime.today.adding(days: -1)): nothing may be disclosed under it.")
        try refused(otherConsent.id!, "Consent \(otherConsent.id!) is not one of the consents of \(client.displayName) (MRN \(client.mrn)).")
        let existing = dir.appendingPathComponent("existing.txt").path
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: existing))
        let good = try consent([.attendance])
        try refused(good.id!, "The file '\(existing)' already exists: give a new file with --out; nothing was disclosed.", out: existing)
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "keep me\n")
        // Another counselor of the program, not this client's: refused whether they see nothing of the chart or,
        // facilitating a group the client attends, its group part only.
        let other = try XCTUnwrap(try store.planStaff().first { $0.role == .counselor && $0.id != client.primaryCounselorID })
        let theirs = try SQLiteStore.open(path: db, clock: TestTime.clock)
        try theirs.bind(viewer: other)
        let sentence = try theirs.clientAccess(clientID: client.id!) == .none
            ? "You do not have access to chart \(client.mrn): there is no such chart, or the client is not on your caseload, your team's, or in a group you facilitate. In an emergency, give --break-glass REASON (it is recorded)."
            : "You see only the group part of this chart (you facilitate a group the client attends); the disclosure of records belongs to the client's counselor and their supervisor."
        try refused(good.id!, sentence, extra: ["--as", other.username])
        XCTAssertEqual(try accountingCount(), before)
        let list = try Run.caseload(["disclosures", "--db", db, "--client", client.mrn])
        XCTAssertTrue(list.stdout.hasSuffix("  none\n"), list.stdout)
    }
}
