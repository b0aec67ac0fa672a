// `caseload-bench`: store-level timings for SPEC §8 that the pty driver cannot see — note search
// (FTS5) latency for a rare and a common term, program-wide, per client and over a date range.
// Run it through Benchmarks/run.sh (release build, the cached full-scale demo store).
import CaseloadCore
import CaseloadStore
import Foundation

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
    return sorted[min(rank, sorted.count) - 1]
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}
guard let path = option("--db") else {
    FileHandle.standardError.write(Data("usage: caseload-bench --db PATH --as SUPERVISOR [--rare WORD] [--common WORD] [--runs N]\n".utf8))
    exit(2)
}
let runs = Int(option("--runs") ?? "") ?? 50
let rare = option("--rare") ?? "hepatitis"
let common = option("--common") ?? "client"

do {
    let store = try SQLiteStore.open(path: path, create: false)
    guard let notes = store as Any as? any NoteRepository else {
        print("this build's store has no note search"); exit(1)
    }
    guard let username = option("--as"), let staff = try store.staff(username: username) else {
        print("give --as with a supervisor's login (the demo prints one: its clinical director)"); exit(2)
    }
    // Searches run as that person would: the store handle is bound to them (Access.swift). The demo's first
    // supervisor is the clinical director, whose team is the whole program: the widest search anyone may make.
    try store.bind(viewer: staff)
    let today = SystemClock().today()
    let clients = try store.caseloadRows(for: staff.id!, scope: .team, on: today).map(\.id)
    var rng = SystemRandomNumberGenerator()
    print("note search, \(runs) runs each, as \(username) (\(clients.count) clients in their team)")
    print("measure".padding(toLength: 52, withPad: " ", startingAt: 0) + "  p50 ms   p99 ms   hits")
    for term in [rare, common] {
        let cases: [(String, () -> NoteSearchQuery)] = [
            ("'\(term)' over the whole program", { NoteSearchQuery(text: term, scope: .team) }),
            ("'\(term)' in one client's notes", {
                NoteSearchQuery(text: term, clientID: clients.randomElement(using: &rng)!, scope: .team) }),
            ("'\(term)' over the last 90 days", {
                NoteSearchQuery(text: term, from: today.adding(days: -90), to: today, scope: .team) }),
            ("'\(term)' in 2019 (an old year)", {
                NoteSearchQuery(text: term, from: Day(year: 2019, month: 1, day: 1)!, to: Day(year: 2019, month: 12, day: 31)!, scope: .team) }),
        ]
        for (label, make) in cases {
            var times: [Double] = []
            var hits = 0
            for _ in 0..<runs {
                let q = make()
                times.append(try milliseconds { hits = try notes.searchNotes(q, by: staff).count })
            }
            print(label.padding(toLength: 52, withPad: " ", startingAt: 0)
                  + String(format: "  %6.2f   %6.2f   %d", percentile(times, 50), percentile(times, 99), hits))
        }
    }
} catch {
    print("error: \(error)")
    exit(1)
}
