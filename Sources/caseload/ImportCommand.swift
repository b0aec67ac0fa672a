// `caseload import clients`: the roster a dosing system exports, checked row by row, then added or
// updated by MRN in one transaction (all or nothing).
import ArgumentParser
import CaseloadCore
import CaseloadStore
import Foundation
import SwiftCSV

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import records from files.",
        subcommands: [ImportClientsCommand.self])
}

struct ImportClientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "Add or update clients from a roster CSV file (all rows or none).",
        discussion: RosterColumns.help)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The roster file (CSV, UTF-8, with a header row).", valueName: "file.csv"))
    var file: String

    @Flag(name: .long, help: "Check the file and print what would change, without writing anything.")
    var dryRun = false

    @OptionGroup var identity: IdentityOptions

    func run() throws {
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        guard me.staff.role == .admin || me.staff.role == .supervisor else {
            throw try repository.refusal(by: me.staff, clientID: nil, what: "roster_import", sentence:
                "Only an administrator or a clinical supervisor can import the roster.")
        }
        guard let data = UserFiles.contents(atPath: file) else {
            throw CaseloadError.notFound(what: "The file '\(StaffValidation.printable(file))' (or it cannot be read)")
        }
        let source = (file as NSString).lastPathComponent
        do {
            let parsed: RosterCSV.Parsed
            do {
                parsed = try RosterCSV.parse(data, phases: try repository.settings().phases,
                                             staff: try repository.allStaff(), today: repository.clock.today())
            } catch let problems as ImportProblems {
                try repository.recordFailedImport(source: source, problems, by: me.staff)
                throw problems
            }
            if !parsed.ignoredColumns.isEmpty {
                Console.note("Ignored columns Caseload does not keep: \(parsed.ignoredColumns.joined(separator: ", ")).")
            }
            let summary = try repository.importClients(parsed.rows, source: source, by: me.staff, dryRun: dryRun)
            if dryRun {
                try Console.out("Dry run, nothing was written. The import would give: \(summary.sentence).")
            } else {
                try Console.out("Imported \(parsed.rows.count) row\(parsed.rows.count == 1 ? "" : "s"): \(summary.sentence).")
            }
        } catch let problems as ImportProblems {
            Console.error(problems.description)
            throw ExitCode.failure
        }
    }
}

/// The columns of a roster file, for `--help` and the README.
enum RosterColumns {
    static let required = ["mrn", "last_name", "first_name", "date_of_birth", "admission_date", "phase", "medication",
                           "dose_mg", "take_home_level", "counselor", "status"]
    static let optional = ["preferred_name"]
    static let help = """
        The file is CSV (RFC 4180: comma-separated, fields with commas, quotes or line breaks in double quotes), \
        UTF-8 (a byte-order mark is fine), with LF or CRLF line ends, and a header row naming the columns in any \
        order (case-insensitive; spaces and hyphens count as underscores). Columns:

          mrn              chart number: letters, digits, '-' and '.',
                           starting with a letter or digit; case does
                           not matter (d-2 is D-2, kept in upper case);
                           a client already in the store with this MRN
                           is updated, any other is added
          last_name        legal last name (required)
          first_name       legal first name (may be empty)
          preferred_name   optional column; an empty cell clears it, and
                           without the column the store's value is kept
          date_of_birth    YYYY-MM-DD
          admission_date   YYYY-MM-DD, not before the date of birth, not in
                           the future
          phase            one of the program's phases, e.g. Maintenance
          medication       methadone, buprenorphine or naltrexone
          dose_mg          dose in mg, 0 to 1000 (e.g. 80 or 92.5)
          take_home_level  take-home doses, a whole number from 0 (daily
                           observed dosing) to 28
          counselor        the primary counselor's Caseload username, or
                           empty for none
          status           active, on_hold (or "on hold") or discharged

        Every row is checked before anything is written; each problem names its row (the header is row 1) \
        and column, and when there is any problem nothing is imported. Other columns are ignored (and named). \
        Updating a client keeps what the file does not carry (pronouns, phone, flags, emergency contact) and \
        raises its version; a client first seen as discharged is given today as discharge date. The summary \
        says how many clients were added, updated and unchanged. Only administrators and clinical supervisors \
        may import, and a supervisor only adds and updates clients of their own team (moving a client between \
        teams is an administrator's act); every import, dry run and refused file is recorded in the audit trail, \
        with an event for each client added or updated.
        """
}

/// Parsing and checking a roster file. Pure: the store is asked only for phases and staff beforehand.
enum RosterCSV {
    struct Parsed {
        var rows: [ClientImportRow]
        var ignoredColumns: [String]
    }

    static let maxBytes = 50 * 1024 * 1024
    static let maxLength = ["mrn": 20, "last_name": 100, "first_name": 100, "preferred_name": 100, "phase": 60,
                            "counselor": 32]

    static func parse(_ raw: Data, phases: [String], staff: [Staff], today: Day) throws -> Parsed {
        func fail(_ message: String, row: Int? = nil) -> ImportProblems {
            ImportProblems(problems: [.init(row: row, column: nil, message: message)])
        }
        guard raw.count <= maxBytes else { throw fail("The file is larger than 50 MB; a roster is much smaller. Check the file name.") }
        var bytes = [UInt8](raw)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw fail("The file is empty: it needs a header row naming the columns, then one row per client.")
        }
        // SwiftCSV drops an empty last field on a last line without a line break ("…,jdoe,"), which would
        // make a valid row one field short: end the text with a line break first.
        if let last = bytes.last, last != 0x0A && last != 0x0D { bytes.append(0x0A) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            var line = 1, start = 0
            for (i, b) in bytes.enumerated() where b == 0x0A {
                if String(validating: bytes[start..<i], as: UTF8.self) == nil { break }
                line += 1; start = i + 1
            }
            throw fail("the file is not UTF-8 text (Latin-1 or another encoding?). Save it as \"CSV UTF-8\" and import it again.",
                       row: line)
        }

        var records: [[String]] = []
        let header: [String]
        do {
            let csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false, rowLimit: 0)
            header = csv.header
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { records.append($0) }
        } catch {
            throw fail("a double quote is misplaced: a quoted field must start and end with a quote, and a quote inside it is written twice (\"\").",
                       row: records.count + 2)
        }

        var problems: [ImportProblems.Problem] = []
        func problem(_ row: Int?, _ column: String?, _ message: String) {
            problems.append(.init(row: row, column: column, message: message))
        }

        // Header: names → field index.
        var index: [String: Int] = [:]
        var ignored: [String] = []
        let known = Set(RosterColumns.required + RosterColumns.optional)
        for (i, raw) in header.enumerated() {
            let name = raw.trimmingWhitespace().lowercased()
                .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            if StaffValidation.hasControlCharacters(name) || name.contains("\n") {
                problem(1, nil, "the header has a column name with a control character or line break (\(StaffValidation.printable(raw)))")
                continue
            }
            if index[name] != nil { problem(1, name, "the column appears twice in the header"); continue }
            if known.contains(name) { index[name] = i } else { ignored.append(name.isEmpty ? "(unnamed)" : name) }
        }
        for name in RosterColumns.required where index[name] == nil {
            problem(1, name, "the header has no '\(name)' column (see 'caseload import clients --help')")
        }
        if !problems.isEmpty { throw ImportProblems(problems: problems) }

        let phaseByName = Dictionary(phases.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let staffByName = Dictionary(staff.map { ($0.username.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var firstRowOfMRN: [String: Int] = [:]
        var rows: [ClientImportRow] = []
        var dataRows = 0

        for (offset, fields) in records.enumerated() {
            let rowNumber = offset + 2
            if fields.allSatisfy({ $0.trimmingWhitespace().isEmpty }) && fields.count <= 1 { continue }   // blank line
            dataRows += 1
            guard fields.count == header.count else {
                problem(rowNumber, nil, "it has \(fields.count) field\(fields.count == 1 ? "" : "s") but the header has \(header.count) (a missing or extra comma, or an unclosed quote?)")
                continue
            }
            var ok = true
            func field(_ name: String) -> String? {
                guard let i = index[name] else { return nil }
                let value = fields[i].trimmingWhitespace()
                if value.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                    problem(rowNumber, name, "the field holds a line break (a closing quote may be missing)")
                    ok = false; return nil
                }
                if StaffValidation.hasControlCharacters(value) {
                    problem(rowNumber, name, "the field contains a control character (\(StaffValidation.printable(value)))")
                    ok = false; return nil
                }
                if let max = maxLength[name], value.count > max {
                    problem(rowNumber, name, "it is \(value.count) characters long; at most \(max) are allowed")
                    ok = false; return nil
                }
                return value
            }
            func shown(_ s: String) -> String { "'\(StaffValidation.printable(String(s.prefix(40))))'" }
            func day(_ name: String) -> Day? {
                guard let s = field(name) else { return nil }
                guard s.count == 10, let d = Day(s), d.description == s else {
                    problem(rowNumber, name, s.isEmpty ? "the date is missing (YYYY-MM-DD)" : "\(shown(s)) is not a date (YYYY-MM-DD)")
                    ok = false; return nil
                }
                if d > today { problem(rowNumber, name, "\(s) is in the future"); ok = false; return nil }
                if d.year < 1900 { problem(rowNumber, name, "\(s) is before 1900"); ok = false; return nil }
                return d
            }

            // Chart numbers are case-insensitive and kept in upper case (CaseloadCore/MRN.swift).
            let mrn = MRN.normalized(field("mrn") ?? "")
            if mrn.isEmpty && ok { problem(rowNumber, "mrn", "the chart number is missing"); ok = false }
            if !mrn.isEmpty, let why = MRN.problem(mrn) {
                problem(rowNumber, "mrn", "\(shown(mrn)) is not a chart number: \(why)"); ok = false
            } else if !mrn.isEmpty {
                if let first = firstRowOfMRN[mrn] {
                    problem(rowNumber, "mrn", "the chart number \(shown(mrn)) is also on row \(first); each client once")
                    ok = false
                } else {
                    firstRowOfMRN[mrn] = rowNumber
                }
            }
            let last = field("last_name") ?? ""
            if last.isEmpty, index["last_name"] != nil, ok { problem(rowNumber, "last_name", "the last name is missing"); ok = false }
            let first = field("first_name") ?? ""
            let preferred = index["preferred_name"] == nil ? nil : field("preferred_name")
            let dob = day("date_of_birth")
            let admitted = day("admission_date")
            if let dob, let admitted, admitted < dob {
                problem(rowNumber, "admission_date", "the admission date \(admitted) is before the date of birth \(dob)")
                ok = false
            }
            var phase: String?
            if let p = field("phase") {
                phase = phaseByName[p.lowercased()]
                if phase == nil {
                    problem(rowNumber, "phase", "\(shown(p)) is not a phase of this program (one of: \(phases.joined(separator: ", ")))")
                    ok = false
                }
            }
            var medication: Medication?
            if let m = field("medication") {
                medication = Medication(rawValue: m.lowercased())
                if medication == nil {
                    problem(rowNumber, "medication", "\(shown(m)) is not a medication (methadone, buprenorphine or naltrexone)")
                    ok = false
                }
            }
            var dose: Double?
            if let d = field("dose_mg") {
                let isNumber = !d.isEmpty && d.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && d.filter { $0 == "." }.count <= 1
                if isNumber, let v = Double(d), v.isFinite, v >= 0, v <= 1000 { dose = v } else {
                    problem(rowNumber, "dose_mg", "\(shown(d)) is not a dose in mg (a number from 0 to 1000, with a point for decimals)")
                    ok = false
                }
            }
            var takeHome: Int?
            if let t = field("take_home_level") {
                if t.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(t), (0...28).contains(v) { takeHome = v } else {
                    problem(rowNumber, "take_home_level", "\(shown(t)) is not a take-home level (a whole number from 0 to 28)")
                    ok = false
                }
            }
            var counselor: String?
            if let c = field("counselor"), !c.isEmpty {
                if let s = staffByName[c.lowercased()] {
                    if s.active { counselor = s.username } else {
                        problem(rowNumber, "counselor", "the staff account \(shown(c)) is deactivated"); ok = false
                    }
                } else {
                    problem(rowNumber, "counselor", "there is no staff account \(shown(c)) (usernames, e.g. jdoe)"); ok = false
                }
            }
            var status: ClientStatus?
            if let s = field("status") {
                status = ClientStatus(rawValue: s.lowercased().replacingOccurrences(of: " ", with: "_")
                    .replacingOccurrences(of: "-", with: "_"))
                if status == nil {
                    problem(rowNumber, "status", "\(shown(s)) is not a status (active, on_hold or discharged)"); ok = false
                }
            }
            if ok, let dob, let admitted, let phase, let medication, let dose, let takeHome, let status {
                rows.append(ClientImportRow(row: rowNumber, mrn: mrn, lastName: last, firstName: first,
                                            preferredName: preferred, dateOfBirth: dob, admissionDate: admitted,
                                            phase: phase, medication: medication, doseMg: dose,
                                            takeHomeLevel: takeHome, counselorUsername: counselor, status: status))
            }
        }
        if dataRows == 0 && problems.isEmpty {
            problems.append(.init(row: nil, column: nil, message: "The file has a header row but no clients: nothing to import."))
        }
        if !problems.isEmpty {
            throw ImportProblems(problems: Array(problems.prefix(ImportProblems.limit)),
                                 more: max(0, problems.count - ImportProblems.limit))
        }
        return Parsed(rows: rows, ignoredColumns: ignored)
    }
}
