// `caseload report attendance` run as a person would, its figures checked against counts made
// here from `caseload export` of the same demo store.
import Foundation
import XCTest

final class ReportTests: XCTestCase {
    private var demo: DemoFixture!

    override func setUpWithError() throws {
        demo = try DemoFixture.shared()
    }

    /// What the report should say for one member and group, counted from the export.
    private struct Expected: Equatable {
        var present = 0, absent = 0, excused = 0, late = 0, leftEarly = 0, held = 0
        /// Held sessions with no mark (or marked not recorded): every session is accounted for.
        var notRecorded: Int { held - present - absent - excused - late - leftEarly }
        var percent: String? {
            guard held > 0 else { return nil }
            let tenths = Int((Double(present + late + leftEarly) * 1000 / Double(held)).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
        /// Attended of the sessions the member was expected at: excused absences left out.
        var percentOfExpected: String? {
            guard held - excused > 0 else { return nil }
            let tenths = Int((Double(present + late + leftEarly) * 1000 / Double(held - excused)).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
    }

    private struct ExportView {
        var groups: [[String: Any]]
        var sessions: [[String: Any]]
        var attendance: [[String: Any]]
        var clients: [Int: [String: Any]]

        init(_ json: [String: Any]) {
            groups = json["groups"] as? [[String: Any]] ?? []
            sessions = json["groupSessions"] as? [[String: Any]] ?? []
            attendance = json["attendance"] as? [[String: Any]] ?? []
            clients = Dictionary(uniqueKeysWithValues: (json["clients"] as? [[String: Any]] ?? []).map { ($0["id"] as! Int, $0) })
        }

        func heldDates(group: Int) -> [String] {
            sessions.filter { $0["groupID"] as? Int == group && $0["status"] as? String == "held" }
                .map { $0["date"] as! String }.sorted()
        }

        func name(_ clientID: Int) -> String {
            let c = clients[clientID]!
            let first = c["legalFirstName"] as! String, last = c["legalLastName"] as! String
            if let p = c["preferredName"] as? String, !p.isEmpty, p != first { return "\(last), \(first) \"\(p)\"" }
            return "\(last), \(first)"
        }

        /// Per (group name, client id): held sessions in from…to while a member (before the leave day
        /// and the discharge day), and the client's marks on them.
        func expected(group: Int?, client: Int?, from: String, to: String) -> [String: [Int: Expected]] {
            var result: [String: [Int: Expected]] = [:]
            let marks = Dictionary(attendance.map { ("\($0["groupSessionID"] as! Int)/\($0["clientID"] as! Int)", $0["status"] as! String) },
                                   uniquingKeysWith: { a, _ in a })
            for g in groups where group == nil || g["id"] as? Int == group {
                let gid = g["id"] as! Int, gname = g["name"] as! String
                for m in g["roster"] as? [[String: Any]] ?? [] {
                    let cid = m["clientID"] as! Int
                    if let client, client != cid { continue }
                    let joined = m["joinedOn"] as! String, left = m["leftOn"] as? String
                    let discharged = clients[cid]?["dischargeDate"] as? String
                    guard joined <= to, left.map({ $0 > from }) ?? true, discharged.map({ $0 > from }) ?? true else { continue }
                    var e = result[gname]?[cid] ?? Expected()
                    for s in sessions where s["groupID"] as? Int == gid && s["status"] as? String == "held" {
                        let d = s["date"] as! String
                        guard d >= from, d <= to, d >= joined, left.map({ d < $0 }) ?? true,
                              discharged.map({ d < $0 }) ?? true else { continue }
                        e.held += 1
                        switch marks["\(s["id"] as! Int)/\(cid)"] {
                        case "present": e.present += 1
                        case "absent": e.absent += 1
                        case "excused": e.excused += 1
                        case "late": e.late += 1
                        case "left_early": e.leftEarly += 1
                        default: break
                        }
                    }
                    result[gname, default: [:]][cid] = e
                }
            }
            return result
        }
    }

    private func freshExport() throws -> ExportView {
        // Other end-to-end tests may take attendance on the shared demo: count from the store as it is now.
        let r = try Run.exportAll(demo.dbPath, timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        return ExportView(try XCTUnwrap(try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any]))
    }

    /// The busiest group and a period covering its last twelve held sessions.
    private func busiestGroup(_ view: ExportView) throws -> (id: Int, name: String, from: String, to: String) {
        let g = try XCTUnwrap(view.groups.max { view.heldDates(group: $0["id"] as! Int).count < view.heldDates(group: $1["id"] as! Int).count })
        let dates = view.heldDates(group: g["id"] as! Int)
        XCTAssertGreaterThanOrEqual(dates.count, 12)
        return (g["id"] as! Int, g["name"] as! String, dates[dates.count - 12], dates.last!)
    }

    func testCSVMatchesTheExportForEveryMember() throws {
        let view = try freshExport()
        let g = try busiestGroup(view)
        let r = try Run.caseload(["report", "attendance", "--db", demo.dbPath, "--as", demo.supervisor, "--group", g.name, "--from", g.from,
                                  "--to", g.to, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let records = parseCSV(r.stdout)
        XCTAssertEqual(records.first, ["group", "member", "mrn", "present", "absent", "excused", "late", "left_early",
                                       "not_recorded", "sessions_held", "attendance_percent", "attendance_percent_excused_excluded"])
        let expected = try XCTUnwrap(view.expected(group: g.id, client: nil, from: g.from, to: g.to)[g.name])
        XCTAssertEqual(records.count - 1, expected.count, "one line per member in the period")
        XCTAssertFalse(expected.isEmpty)
        var byMRN: [String: [String]] = [:]
        for record in records.dropFirst() { byMRN[record[2]] = record }
        for (cid, e) in expected {
            let mrn = view.clients[cid]!["mrn"] as! String
            let record = try XCTUnwrap(byMRN[mrn], "\(mrn) is in the report")
            XCTAssertEqual(record[0], g.name)
            XCTAssertEqual(record[1], view.name(cid), "names with commas and quotes survive CSV quoting")
            XCTAssertEqual(record[3...9].map { Int($0)! }, [e.present, e.absent, e.excused, e.late, e.leftEarly, e.notRecorded, e.held], mrn)
            XCTAssertEqual(record[10], e.percent ?? "", mrn)
            XCTAssertEqual(record[11], e.percentOfExpected ?? "", mrn)
        }
        XCTAssertTrue(r.stdout.contains("\",R"), "a name with a comma is quoted:\n\(r.stdout.prefix(400))")
    }

    func testTextAndMarkdownSaySessionsHeldAndAlignNonASCIINames() throws {
        let view = try freshExport()
        let g = try busiestGroup(view)
        let expected = try XCTUnwrap(view.expected(group: g.id, client: nil, from: g.from, to: g.to)[g.name])
        let base = ["report", "attendance", "--db", demo.dbPath, "--as", demo.supervisor, "--group", g.name, "--from", g.from, "--to", g.to]

        let text = try Run.caseload(base)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("Sessions held: 12\n"), text.stdout)
        // The table: from its header to the blank line before the legend of the two rates.
        let table = Array(text.stdout.components(separatedBy: "\n").drop { !$0.hasPrefix("Member") }.prefix { !$0.isEmpty })
        XCTAssertTrue(text.stdout.contains("Of expected: attended / (held - excused)."), text.stdout)
        XCTAssertEqual(table.count, expected.count + 1, text.stdout)
        XCTAssertEqual(Set(table.map(columns)).count, 1, "every line is as wide as the header:\n\(text.stdout)")
        // The MRN column starts at the same display column on every line, whatever the script of the name.
        let mrnHeader = columns(String(table[0][..<table[0].range(of: "MRN")!.lowerBound]))
        for (cid, e) in expected {
            let mrn = view.clients[cid]!["mrn"] as! String
            let line = try XCTUnwrap(table.first { $0.contains(" \(mrn) ") })
            let parts = line.components(separatedBy: " \(mrn) ")
            XCTAssertEqual(columns(parts[0]) + 1, mrnHeader, "MRN column of \(view.name(cid)):\n\(text.stdout)")
            let numbers = parts[1].split(separator: " ").map(String.init)
            XCTAssertEqual(numbers, [e.present, e.absent, e.excused, e.late, e.leftEarly, e.notRecorded, e.held].map(String.init)
                           + [e.percent.map { $0 + "%" } ?? "—", e.percentOfExpected.map { $0 + "%" } ?? "—"], line)
        }

        let md = try Run.caseload(base + ["--format", "markdown"])
        XCTAssertEqual(md.status, 0, md.stderr)
        XCTAssertTrue(md.stdout.hasPrefix("# Attendance: \(g.name)\n"), md.stdout)
        XCTAssertTrue(md.stdout.contains("Sessions held: **12**"), md.stdout)
        let rows = md.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| ---") }
        XCTAssertEqual(rows.first, "| Member | MRN | Present | Absent | Excused | Late | Left early | Not recorded | Held | Of held | Of expected |")
        XCTAssertEqual(rows.count, expected.count + 1)
        let (cid, e) = try XCTUnwrap(expected.first)
        let mrn = view.clients[cid]!["mrn"] as! String
        XCTAssertTrue(rows.contains("| \(view.name(cid)) | \(mrn) | \(e.present) | \(e.absent) | \(e.excused) | \(e.late) | \(e.leftEarly) | \(e.notRecorded) | \(e.held) | \(e.percent.map { $0 + "%" } ?? "—") | \(e.percentOfExpected.map { $0 + "%" } ?? "—") |"),
                      md.stdout)
    }

    func testClientReportSpansTheirGroups() throws {
        let view = try freshExport()
        let g = try busiestGroup(view)
        let perClient = try XCTUnwrap(view.expected(group: g.id, client: nil, from: g.from, to: g.to)[g.name])
        let cid = try XCTUnwrap(perClient.max { $0.value.held < $1.value.held }?.key)
        let mrn = view.clients[cid]!["mrn"] as! String
        let expected = view.expected(group: nil, client: cid, from: g.from, to: g.to)
        let r = try Run.caseload(["report", "attendance", "--db", demo.dbPath, "--as", demo.supervisor, "--client", mrn, "--from", g.from,
                                  "--to", g.to, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let records = parseCSV(r.stdout).dropFirst()
        XCTAssertEqual(Set(records.map { $0[0] }), Set(expected.keys))
        for record in records {
            let e = try XCTUnwrap(expected[record[0]]?[cid])
            XCTAssertEqual(record[2], mrn)
            XCTAssertEqual(record[3...9].map { Int($0)! }, [e.present, e.absent, e.excused, e.late, e.leftEarly, e.notRecorded, e.held], record[0])
        }
        let text = try Run.caseload(["report", "attendance", "--db", demo.dbPath, "--as", demo.supervisor, "--client", mrn, "--from", g.from, "--to", g.to])
        let total = expected.values.reduce(0) { $0 + ($1[cid]?.held ?? 0) }
        XCTAssertTrue(text.stdout.contains("Sessions held: \(total)\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("(\(mrn))"), text.stdout)
    }

    func testMistakesAreSentences() throws {
        let cases: [([String], String)] = [
            (["--group", "Early Recovery", "--from", "2024-13-01", "--to", "2025-01-01"],
             "'2024-13-01' is not a valid date (YYYY-MM-DD)"),
            (["--group", "Early Recovery", "--from", "2025-01-01", "--to", "1/2/2025"], "'1/2/2025' is not a valid date (YYYY-MM-DD)"),
            (["--group", "No Such Group", "--from", "2025-01-01", "--to", "2025-02-01"], "A group called 'No Such Group' was not found."),
            (["--client", "NOPE-1", "--from", "2025-01-01", "--to", "2025-02-01"],
             "You do not have access to chart NOPE-1: there is no such chart, or"),
            (["--from", "2025-01-01", "--to", "2025-02-01"], "Give exactly one of --group NAME or --client MRN."),
            (["--group", "Early Recovery", "--client", "R100001", "--from", "2025-01-01", "--to", "2025-02-01"],
             "Give exactly one of --group NAME or --client MRN."),
            (["--group", "Early Recovery", "--from", "2025-02-01", "--to", "2025-01-01"], "after it ends"),
        ]
        for (args, sentence) in cases {
            let r = try Run.caseload(["report", "attendance", "--db", demo.dbPath, "--as", demo.supervisor] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(sentence), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
            XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        }
        let bad = try Run.caseload(["report", "attendance", "--db", demo.dbPath, "--as", demo.supervisor, "--group", "x", "--from", "2025-01-01",
                                    "--to", "2025-01-02", "--format", "pdf"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--format"), bad.stderr)
    }
}

/// RFC 4180 records (quoted fields may hold commas, doubled quotes and line breaks).
private func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = [], record: [String] = [], field = "", quoted = false
    var chars = Array(text).makeIterator()
    var pending: Character? = nil
    while let c = pending ?? chars.next() {
        pending = nil
        if quoted {
            if c == "\"" {
                if let n = chars.next() {
                    if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                } else { quoted = false }
            } else { field.append(c) }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            record.append(field); field = ""
        } else if c == "\r\n" || c == "\n" {
            record.append(field); records.append(record); record = []; field = ""
        } else if c != "\r" {
            field.append(c)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}

/// Terminal columns, worked out independently of the app's DisplayWidth: combining marks take
/// none, East Asian wide characters (Hangul, CJK, fullwidth forms) take two.
private func columns(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { total, u in
        let v = u.value
        if u.properties.generalCategory == .nonspacingMark || u.properties.generalCategory == .enclosingMark { return total }
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            || (0x20000...0x3FFFD).contains(v)
        return total + (wide ? 2 : 1)
    }
}
