// Helpers for the reliability tests: the worker binary, processes, a demo store, and the checker that
// compares the workers' acknowledgement logs with what the store holds afterwards.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest
#if canImport(Glibc)
import Glibc
#endif

struct ReliabilityError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

enum Env {
    static func int(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? fallback
    }
    static func double(_ name: String, _ fallback: Double) -> Double {
        ProcessInfo.processInfo.environment[name].flatMap { Double($0) } ?? fallback
    }
    static func string(_ name: String, _ fallback: String) -> String {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }
}

/// A built product next to this test bundle (SwiftPM's products directory), as EndToEndTests finds `caseload`.
enum Product {
    static func url(_ name: String) -> URL {
        let bundleDir = Bundle(for: Locator.self).bundleURL.deletingLastPathComponent()
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [
            bundleDir.appendingPathComponent(name),
            argv0.deletingLastPathComponent().appendingPathComponent(name),
            // macOS: the .xctest is a bundle directory, its products dir is further up.
            argv0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(name),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }
    static var stress: URL { url("caseload-stress") }
}
private final class Locator {}

/// A child process started with posix_spawn, stdin from /dev/null, stdout and stderr appended to a file.
struct Child {
    let pid: pid_t
    let output: String

    static func spawn(_ url: URL, _ arguments: [String], output: String) throws -> Child {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CASELOAD_DB")
        env["CASELOAD_NOW"] = Scratch.now      // the workers' today is the demo's (docs/testing.md)
        let argv = [url.path] + arguments
        let envp = env.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = cStrings(argv) { a in cStrings(envp) { e in posix_spawn(&pid, url.path, &actions, nil, a, e) } }
        guard rc == 0 else { throw ReliabilityError("could not start \(url.path): \(String(cString: strerror(rc)))") }
        return Child(pid: pid, output: output)
    }

    /// The exit status if the child has ended (reaped), nil while it runs.
    func poll() -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        return r == pid ? status : nil
    }

    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    func tail(_ bytes: Int = 600) -> String {
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return String(text.suffix(bytes))
    }
}

/// exited normally with code 0 / killed by a signal, from a waitpid status.
func exitCode(_ status: Int32) -> Int32? { (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil }
func killSignal(_ status: Int32) -> Int32? { (status & 0x7f) != 0 && (status & 0x7f) != 0x7f ? status & 0x7f : nil }

private func cStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

func monotonic() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

enum Scratch {
    /// A fresh folder under the temporary directory, removed when the test ends.
    static func make(_ test: XCTestCase, _ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("caseload-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// The day the reliability tests' demo stores are built around: CASELOAD_TEST_TODAY (YYYY-MM-DD), else the
    /// local date when the run starts; the workers pin the same moment through CASELOAD_NOW.
    static let today: Day = {
        if let raw = ProcessInfo.processInfo.environment["CASELOAD_TEST_TODAY"], let day = Day(raw) { return day }
        return SystemClock().today()
    }()
    /// The same offset from the real clock for every worker (PinnedClock's anchor), so their writes stay in order.
    static let anchor = Int(Date().timeIntervalSince1970)
    static var now: String { "\(today)T10:00@\(anchor)" }

    /// A demo store (synthetic program) dated around the pinned day, as `caseload demo` makes it.
    static func demoStore(at path: String, clients: Int, seed: UInt64) throws -> DemoSummary {
        guard let clock = PinnedClock(parsing: now) else { throw ReliabilityError("bad pinned time \(now)") }
        let store = try SQLiteStore.open(path: path, create: true, clock: clock)
        return try DemoGenerator(clients: clients, years: 1, seed: seed, today: clock.today(), osUsername: "stress")
            .generate(into: store)
    }
}

// MARK: - The acknowledgement logs against the store

/// FNV-1a 64, as the worker computes it over a note's sections or a referral's fields.
func fnv1a(_ text: String) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return String(h, radix: 16)
}

struct LedgerCheck {
    var checked = 0
    var byKind: [String: Int] = [:]
    var problems: [String] = []
    var notesSearched = 0

    var summary: String {
        byKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}

enum Ledger {
    /// Every complete line of the logs (a last line without its newline is the write a kill interrupted
    /// the logging of, and claims nothing).
    static func lines(_ logs: [URL]) throws -> [[String]] {
        var out: [[String]] = []
        for url in logs where FileManager.default.fileExists(atPath: url.path) {
            let text = try String(contentsOf: url, encoding: .utf8)
            var parts = text.components(separatedBy: "\n")
            parts.removeLast()              // "" after the last newline, or an unfinished line
            out += parts.map { $0.components(separatedBy: "\t") }
        }
        return out
    }

    /// Checks that every acknowledged write is in the store: the same revision with the same content,
    /// or a higher revision (a later write of the same record also committed). Then that each note
    /// written is found by the store's full-text search on the word only it contains.
    static func verify(_ logs: [URL], store: SQLiteStore) throws -> LedgerCheck {
        var check = LedgerCheck()
        var latestNotes: [RowID: Int] = [:]     // note id → highest logged revision
        func problem(_ s: String) { if check.problems.count < 50 { check.problems.append(s) } }
        let entries = try lines(logs)
        try store.dbPool.read { db in
            for f in entries {
                check.checked += 1
                check.byKind[f[0], default: 0] += 1
                switch f[0] {
                case "draft" where f.count == 5:
                    let id = RowID(f[1])!, rev = Int(f[2])!
                    latestNotes[id] = max(latestNotes[id] ?? 0, rev)
                    guard let row = try Row.fetchOne(db, sql: """
                        SELECT revision, status, template, section1, section2, section3, section4
                        FROM progress_notes WHERE id = ?
                        """, arguments: [id]) else {
                        problem("draft \(id) rev \(rev) (\(f[4])) is missing"); continue
                    }
                    let stored: Int = row[0]
                    if stored < rev { problem("draft \(id): logged rev \(rev), stored \(stored)") }
                    if stored == rev {
                        let count = NoteTemplate(rawValue: row[2])?.sections.count ?? 4
                        let sections = (0..<count).map { (row[3 + $0] as String?) ?? "" }
                        if (row[1] as String) != "draft" || fnv1a(sections.joined(separator: "\u{1F}")) != f[3] {
                            problem("draft \(id) rev \(rev) (\(f[4])): the stored text is not the text saved")
                        }
                    }
                case "sign" where f.count == 3:
                    let id = RowID(f[1])!, rev = Int(f[2])!
                    let row = try Row.fetchOne(db, sql: "SELECT revision, status FROM progress_notes WHERE id = ?", arguments: [id])
                    if row == nil || (row![1] as String) != "signed" || (row![0] as Int) < rev {
                        problem("signed note \(id) rev \(rev): stored \(row.map { "\($0)" } ?? "nothing")")
                    }
                case "mark" where f.count == 6:
                    let rev = Int(f[3])!
                    let row = try Row.fetchOne(db, sql: """
                        SELECT revision, status, minutes FROM attendance WHERE group_session_id = ? AND client_id = ?
                        """, arguments: [RowID(f[1])!, RowID(f[2])!])
                    guard let row else { problem("mark session \(f[1]) client \(f[2]) is missing"); continue }
                    let stored: Int = row[0]
                    if stored < rev || (stored == rev && ((row[1] as String) != f[4] || (row[2] as Int) != Int(f[5])!)) {
                        problem("mark session \(f[1]) client \(f[2]) rev \(rev) \(f[4]) \(f[5]): stored \(row)")
                    }
                case "ref" where f.count == 4:
                    let rev = Int(f[2])!
                    guard let row = try Row.fetchOne(db, sql: "SELECT revision, agency, note, status FROM referrals WHERE id = ?",
                                                     arguments: [RowID(f[1])!]) else {
                        problem("referral \(f[1]) is missing"); continue
                    }
                    let stored: Int = row[0]
                    let hash = fnv1a([row[1] as String, row[2] as String, row[3] as String].joined(separator: "\u{1F}"))
                    if stored < rev || (stored == rev && hash != f[3]) {
                        problem("referral \(f[1]) rev \(rev): stored rev \(stored), same content: \(hash == f[3])")
                    }
                case "view" where f.count == 4:
                    let n = try Int.fetchOne(db, sql: """
                        SELECT count(*) FROM audit_events
                        WHERE action = 'view' AND client_id = ? AND staff_id = ? AND subject = 'chart' AND detail = ?
                        """, arguments: [RowID(f[1])!, RowID(f[2])!, f[3]]) ?? 0
                    if n != 1 { problem("chart view of client \(f[1]) '\(f[3])': \(n) audit events") }
                default:
                    problem("unreadable log line: \(f.joined(separator: " | "))")
                }
            }
        }
        // Search (the author's search over their notes, which walks the FTS5 index; a search inside one
        // chart reads its recent notes directly) finds every note written, by the word only its text contains.
        for id in latestNotes.keys.sorted() {
            // A missing note is reported above.
            guard let (note, _) = try? store.noteForEditing(id: id) else { continue }
            guard let range = note.sections[0].range(of: #"\(ref ([a-z0-9]+)\)"#, options: .regularExpression) else {
                problem("note \(id) lost its reference word: \(note.sections[0].prefix(80))"); continue
            }
            let word = String(note.sections[0][range].dropFirst(5).dropLast())
            guard let author = try store.staff(id: note.staffID) else { problem("note \(id) has no author"); continue }
            let hits = try store.searchNotes(NoteSearchQuery(text: word, scope: .mine, limit: 200), by: author)
            if !hits.contains(where: { $0.noteID == id }) { problem("searching '\(word)' does not find note \(id)") }
            check.notesSearched += 1
        }
        return check
    }

    /// PRAGMA integrity_check, FTS5's own 'integrity-check' on both note indexes, and the index holding
    /// exactly one entry per note (the indexes are contentless, so FTS5 cannot compare them with
    /// progress_notes itself). Returns the problems found; empty means sound.
    static func storeProblems(_ store: SQLiteStore) throws -> [String] {
        var problems: [String] = []
        let integrity = try store.dbPool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        if integrity != ["ok"] { problems.append("integrity_check: \(integrity.prefix(5).joined(separator: "; "))") }
        for table in ["note_search", "note_search_recent"] {
            do {
                try store.dbPool.write { db in
                    try db.execute(sql: "INSERT INTO \(table) (\(table)) VALUES ('integrity-check')")
                }
            } catch {
                problems.append("FTS5 integrity-check of \(table): \(error)")
            }
        }
        let (indexed, keys) = try store.dbPool.read { db in
            (try Int64.fetchAll(db, sql: "SELECT rowid FROM note_search ORDER BY rowid"),
             try Int64.fetchAll(db, sql: "SELECT \(Schema.noteSearchKey("n")) AS k FROM progress_notes n ORDER BY k"))
        }
        if indexed != keys {
            let a = Set(indexed), b = Set(keys)
            problems.append("note_search has \(indexed.count) entries for \(keys.count) notes "
                + "(\(a.subtracting(b).count) stale, \(b.subtracting(a).count) missing)")
        }
        return problems
    }
}

/// Percentile of a sample (nearest rank), in the sample's unit.
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

func f1(_ x: Double) -> String { String(format: "%.1f", x) }
