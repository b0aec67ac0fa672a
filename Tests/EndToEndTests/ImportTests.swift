// `caseload import clients` run as an administrator would: a good roster, a re-import that updates
// by MRN, a dry run, and a dozen kinds of bad file, each leaving the store's content as it was.
import Foundation
import XCTest

final class ImportTests: XCTestCase {
    private var dir: URL!
    private var db: String!
    private let header = "mrn,last_name,first_name,preferred_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,counselor,status"

    override func setUpWithError() throws {
        dir = try TempDirectories.make("import")
        db = dir.appendingPathComponent("store.sqlite").path
        let made = try Run.caseload(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"])
        XCTAssertEqual(made.status, 0, made.stderr)
        for (user, name) in [("jdoe", "Jamie Doe"), ("mlee", "Morgan Lee")] {
            let r = try Run.caseload(["staff", "add", user, "--db", db, "--name", name, "--role", "counselor"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
    }

    private func write(_ name: String, _ text: String) -> String { write(name, Data(text.utf8)) }
    private func write(_ name: String, _ data: Data) -> String {
        let path = dir.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: data)
        return path
    }
    private func importFile(_ path: String, _ extra: [String] = []) throws -> RunResult {
        try Run.caseload(["import", "clients", path, "--db", db] + extra)
    }
    private func export() throws -> [String: Any] {
        let r = try Run.exportAll(db)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONSerialization.jsonObject(with: r.stdoutData) as! [String: Any]
    }
    private func exportData() throws -> Data {
        let r = try Run.exportAll(db)
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdoutData
    }
    private func clients() throws -> [String: [String: Any]] {
        let list = try export()["clients"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: list.map { ($0["mrn"] as! String, $0) })
    }
    private func staffID(_ username: String) throws -> Int {
        let staff = try export()["staff"] as! [[String: Any]]
        return staff.first { $0["username"] as? String == username }!["id"] as! Int
    }

    // MARK: - Happy path

    func testImportAddsClientsWithNonASCIINamesAndPrintsASummary() throws {
        let file = write("roster.csv", """
            \(header)
            A-1001,Ñúñez 李,Zoë,Zo,1985-03-14,2025-01-06,Maintenance,methadone,80,2,jdoe,active
            A-1002,"O'Brien, Jr.",Seán,,1990-11-02,2026-02-10,Stabilization,buprenorphine,16.5,0,mlee,on_hold
            A-1003,Nguyễn,Thị Minh,,1978-07-30,2024-05-01,Orientation,naltrexone,0,0,,discharged

            """)
        let r = try importFile(file)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("3 added, 0 updated, 0 unchanged"), r.stdout)

        let c = try clients()
        XCTAssertEqual(c.count, 3)
        let zoe = try XCTUnwrap(c["A-1001"])
        XCTAssertEqual(zoe["legalLastName"] as? String, "Ñúñez 李")
        XCTAssertEqual(zoe["legalFirstName"] as? String, "Zoë")
        XCTAssertEqual(zoe["preferredName"] as? String, "Zo")
        XCTAssertEqual(zoe["dateOfBirth"] as? String, "1985-03-14")
        XCTAssertEqual(zoe["admissionDate"] as? String, "2025-01-06")
        XCTAssertEqual(zoe["phase"] as? String, "Maintenance")
        XCTAssertEqual(zoe["medication"] as? String, "methadone")
        XCTAssertEqual(zoe["doseMg"] as? Double, 80)
        XCTAssertEqual(zoe["takeHomeLevel"] as? Int, 2)
        XCTAssertEqual(zoe["primaryCounselorID"] as? Int, try staffID("jdoe"))
        XCTAssertEqual(zoe["status"] as? String, "active")
        let sean = try XCTUnwrap(c["A-1002"])
        XCTAssertEqual(sean["legalLastName"] as? String, "O'Brien, Jr.")
        XCTAssertNil(sean["preferredName"] as? String)
        XCTAssertEqual(sean["doseMg"] as? Double, 16.5)
        XCTAssertEqual(sean["status"] as? String, "on_hold")
        let minh = try XCTUnwrap(c["A-1003"])
        XCTAssertNil(minh["primaryCounselorID"] as? Int)
        XCTAssertEqual(minh["status"] as? String, "discharged")
        XCTAssertNotNil(minh["dischargeDate"] as? String, "a discharged client needs a discharge date")
    }

    func testBOMAndCRLFAndHeaderInAnyOrderAndCase() throws {
        let text = "\u{FEFF}Status,MRN,Last Name,First-Name,Date_of_Birth,admission_date,PHASE,medication,dose_mg,take_home_level,counselor\r\n"
            + "active,B-1,Zoë,Ana,1980-01-01,2025-06-01,maintenance,Methadone,95,1,JDOE\r\n"
        let r = try importFile(write("bom.csv", text))
        XCTAssertEqual(r.status, 0, r.stderr)
        let b = try XCTUnwrap(try clients()["B-1"])
        XCTAssertEqual(b["legalLastName"] as? String, "Zoë")
        XCTAssertEqual(b["status"] as? String, "active")
        XCTAssertEqual(b["phase"] as? String, "Maintenance", "the program's spelling of the phase is kept")
        XCTAssertEqual(b["primaryCounselorID"] as? Int, try staffID("jdoe"))
    }

    func testAnEmptyLastFieldOnALastLineWithoutALineBreakIsStillAField() throws {
        // The counselor column last and empty, and no line break after the last row: a spreadsheet's usual output.
        let text = "mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,status,counselor\n"
            + "C-1,Ñúñez,Zoë,1980-01-01,2025-06-01,Maintenance,methadone,95,1,active,jdoe\n"
            + "C-2,李,Wei,1982-02-02,2025-07-01,Maintenance,methadone,60,0,active,"
        let r = try importFile(write("no-final-newline.csv", text))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 added"), r.stdout)
        let c = try clients()
        XCTAssertEqual(c["C-2"]?["legalLastName"] as? String, "李")
        XCTAssertNil(c["C-2"]?["primaryCounselorID"] as? Int, "the empty counselor field means no counselor")
        XCTAssertEqual(c["C-1"]?["primaryCounselorID"] as? Int, try staffID("jdoe"))
    }

    func testReimportUpdatesByMRNBumpsVersionAndKeepsWhatTheFileDoesNotCarry() throws {
        let first = write("r1.csv", """
            \(header)
            A-1,Ñúñez,Zoë,Zo,1985-03-14,2025-01-06,Stabilization,methadone,60,0,jdoe,active
            A-2,Doe,Ann,,1970-01-01,2025-01-06,Maintenance,methadone,100,6,jdoe,active
            """)
        XCTAssertEqual(try importFile(first).status, 0)
        // Without a preferred_name column the preferred name stays; A-2 is unchanged; A-3 is new.
        let second = write("r2.csv", """
            mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,dose_mg,take_home_level,counselor,status
            A-1,Ñúñez,Zoë,1985-03-14,2025-01-06,Maintenance,methadone,85,1,mlee,active
            A-2,Doe,Ann,1970-01-01,2025-01-06,Maintenance,methadone,100,6,jdoe,active
            A-3,Roe,Rik,1999-09-09,2026-03-01,Orientation,buprenorphine,8,0,mlee,active
            """)
        let r = try importFile(second)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("1 added, 1 updated, 1 unchanged"), r.stdout)
        let c = try clients()
        XCTAssertEqual(c["A-1"]?["phase"] as? String, "Maintenance")
        XCTAssertEqual(c["A-1"]?["doseMg"] as? Double, 85)
        XCTAssertEqual(c["A-1"]?["preferredName"] as? String, "Zo")
        XCTAssertEqual(c["A-1"]?["version"] as? Int, 2)
        XCTAssertEqual(c["A-1"]?["primaryCounselorID"] as? Int, try staffID("mlee"))
        XCTAssertEqual(c["A-2"]?["version"] as? Int, 1)
        XCTAssertEqual(c.count, 3)
        // The same file again changes nothing.
        let again = try importFile(second)
        XCTAssertTrue(again.stdout.contains("0 added, 0 updated, 3 unchanged"), again.stdout)
    }

    func testDryRunWritesNothingButSaysWhatWouldHappen() throws {
        let file = write("dry.csv", "\(header)\nA-1,Doe,Ann,,1970-01-01,2025-01-06,Maintenance,methadone,100,6,jdoe,active\n")
        let before = try exportData()
        let r = try importFile(file, ["--dry-run"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("1 added, 0 updated, 0 unchanged"), r.stdout)
        XCTAssertTrue(r.stdout.lowercased().contains("nothing was written"), r.stdout)
        XCTAssertEqual(try exportData(), before)
    }

    func testHelpDocumentsEveryColumn() throws {
        let r = try Run.caseload(["import", "clients", "--help"])
        for column in ["mrn", "last_name", "first_name", "preferred_name", "date_of_birth", "admission_date", "phase",
                       "medication", "dose_mg", "take_home_level", "counselor", "status", "UTF-8", "--dry-run"] {
            XCTAssertTrue(r.stdout.contains(column), "help lacks \(column)\n\(r.stdout)")
        }
    }

    // MARK: - Bad files: all problems listed, nothing written

    /// Imports `data` into a store that already holds one client; the import must fail with
    /// every expected fragment on stderr and leave the export exactly as it was.
    private func assertRefused(_ name: String, _ data: Data, _ fragments: [String],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let seed = write("seed-\(name).csv", "\(header)\nS-1,Seed,Sam,,1980-01-01,2025-01-01,Maintenance,methadone,70,0,jdoe,active\n")
        _ = try importFile(seed)
        let before = try exportData()
        let r = try importFile(write(name, data))
        XCTAssertNotEqual(r.status, 0, "\(name) was accepted: \(r.stdout)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains("Nothing was imported"), r.stderr, file: file, line: line)
        for f in fragments {
            XCTAssertTrue(r.stderr.contains(f), "\(name): stderr lacks '\(f)':\n\(r.stderr)", file: file, line: line)
        }
        XCTAssertFalse(r.stderr.contains("Something went wrong"), r.stderr, file: file, line: line)
        XCTAssertEqual(try exportData(), before, "\(name) changed the store", file: file, line: line)
    }
    private func assertRefused(_ name: String, _ text: String, _ fragments: [String],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        try assertRefused(name, Data(text.utf8), fragments, file: file, line: line)
    }
    private let good = "A-1,Doe,Ann,,1970-01-01,2025-01-06,Maintenance,methadone,100,6,jdoe,active"

    func testMissingColumn() throws {
        try assertRefused("missing.csv", """
            mrn,last_name,first_name,date_of_birth,admission_date,phase,medication,take_home_level,counselor,status
            A-1,Doe,Ann,1970-01-01,2025-01-06,Maintenance,methadone,6,jdoe,active
            """, ["row 1, column dose_mg", "no 'dose_mg' column"])
    }

    func testBadDatesAreAllListedWithRowAndColumn() throws {
        try assertRefused("dates.csv", """
            \(header)
            \(good)
            A-2,Roe,Rik,,1999-02-30,2025-01-06,Maintenance,methadone,100,6,jdoe,active
            A-3,Poe,Pat,,03/04/1980,2025-01-06,Maintenance,methadone,100,6,jdoe,active
            A-4,Loe,Lee,,1980-01-01,2099-01-01,Maintenance,methadone,100,6,jdoe,active
            A-5,Moe,Max,,1990-01-01,1985-01-01,Maintenance,methadone,100,6,jdoe,active
            """, ["row 3, column date_of_birth: '1999-02-30' is not a date",
                  "row 4, column date_of_birth: '03/04/1980' is not a date",
                  "row 5, column admission_date: 2099-01-01 is in the future",
                  "row 6, column admission_date: the admission date 1985-01-01 is before the date of birth",
                  "4 problems"])
    }

    func testDuplicateMRNInTheFile() throws {
        try assertRefused("dup.csv", "\(header)\n\(good)\n\(good.replacingOccurrences(of: "Ann", with: "Anne"))\n",
                          ["row 3, column mrn", "also on row 2"])
    }

    func testUnknownCounselor() throws {
        try assertRefused("counselor.csv", """
            \(header)
            A-1,Doe,Ann,,1970-01-01,2025-01-06,Maintenance,methadone,100,6,nosuchuser,active
            A-2,Roe,Rik,,1970-01-01,2025-01-06,Maintenance,methadone,100,6,mlee,active
            A-3,Poe,Pat,,1970-01-01,2025-01-06,Maintenance,methadone,100,6,Jamie Doe,active
            """, ["row 2, column counselor: there is no staff account 'nosuchuser'",
                  "row 4, column counselor: there is no staff account 'Jamie Doe'", "2 problems"])
    }

    func testLatin1FileNamesTheFirstBadRow() throws {
        var bytes = Data("\(header)\n\(good)\n".utf8)
        bytes += Data("A-2,N".utf8) + Data([0xFA, 0xF1, 0x65, 0x7A]) + Data(",Zo".utf8) + Data([0xEB])
            + Data(",,1980-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe,active\n".utf8)
        try assertRefused("latin1.csv", bytes, ["row 3", "not UTF-8"])
    }

    func testEmptyFile() throws {
        try assertRefused("empty.csv", "", ["empty"])
        try assertRefused("blank.csv", "\n\r\n  \n", ["empty"])
    }

    func testHeaderOnly() throws {
        try assertRefused("header.csv", "\(header)\r\n", ["no clients"])
    }

    func testBadDoseAndTakeHomeLevel() throws {
        try assertRefused("dose.csv", """
            \(header)
            A-1,Doe,Ann,,1970-01-01,2025-01-06,Maintenance,methadone,80mg,6,jdoe,active
            A-2,Roe,Rik,,1970-01-01,2025-01-06,Maintenance,methadone,-5,0,jdoe,active
            A-3,Poe,Pat,,1970-01-01,2025-01-06,Maintenance,methadone,"80,5",0,jdoe,active
            A-4,Loe,Lee,,1970-01-01,2025-01-06,Maintenance,methadone,80,two,jdoe,active
            """, ["row 2, column dose_mg: '80mg' is not a dose", "row 3, column dose_mg: '-5'",
                  "row 4, column dose_mg: '80,5'", "row 5, column take_home_level: 'two'"])
    }

    func testUnknownPhaseMedicationAndStatus() throws {
        try assertRefused("enums.csv", """
            \(header)
            A-1,Doe,Ann,,1970-01-01,2025-01-06,Detox,methadone,80,0,jdoe,active
            A-2,Roe,Rik,,1970-01-01,2025-01-06,Maintenance,suboxone,8,0,jdoe,active
            A-3,Poe,Pat,,1970-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe,inactive
            """, ["row 2, column phase: 'Detox' is not a phase of this program (one of: Orientation, Stabilization, Maintenance",
                  "row 3, column medication: 'suboxone' is not a medication",
                  "row 4, column status: 'inactive' is not a status"])
    }

    func testWrongFieldCountAndUnbalancedQuote() throws {
        try assertRefused("fields.csv", """
            \(header)
            A-1,Doe,Ann,,1970-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe
            \(good.replacingOccurrences(of: "A-1", with: "A-2"))
            """, ["row 2: it has 11 fields but the header has 12"])
        try assertRefused("quote.csv", """
            \(header)
            \(good)
            A-2,"Roe,Rik,,1970-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe,active
            A-3,Poe,Pat,,1970-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe,active
            """, ["row 3"])
        try assertRefused("quote2.csv", """
            \(header)
            A-2,Ro"e,Rik,,1970-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe,active
            """, ["row 2", "quote"])
    }

    func testOverLongAndControlCharacterText() throws {
        let long = String(repeating: "x", count: 101)
        try assertRefused("text.csv", """
            \(header)
            A-1,\(long),Ann,,1970-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe,active
            A-2,Roe\u{1B}[31m,Rik,,1970-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe,active
            A-3,Poe,Pat\u{202E}x,,1970-01-01,2025-01-06,Maintenance,methadone,80,0,jdoe,active
            """, ["row 2, column last_name: it is 101 characters long; at most 100",
                  "row 3, column last_name: the field contains a control character",
                  "row 4, column first_name"])
    }

    func testProblemsAreCappedAt50WithACount() throws {
        var text = header + "\n"
        for i in 0..<60 { text += "Z-\(i),Doe,Ann,,1970-01-01,2025-01-06,Maintenance,methadone,lots,0,jdoe,active\n" }
        try assertRefused("many.csv", text, ["60 problems", "row 51, column dose_mg", "and 10 more"])
        let r = try importFile(write("many2.csv", text))
        XCTAssertFalse(r.stderr.contains("row 52,"), "only 50 problems are listed")
    }

    func testACounselorMayNotImport() throws {
        let demo = try DemoFixture.shared()
        let counselor = try XCTUnwrap(demo.staff.first { $0["role"] as? String == "counselor" }?["username"] as? String)
        let file = write("c.csv", "\(header)\n\(good)\n")
        let r = try Run.caseload(["import", "clients", file, "--db", demo.dbPath, "--as", counselor])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("Only an administrator or a clinical supervisor"), r.stderr)
    }
}
