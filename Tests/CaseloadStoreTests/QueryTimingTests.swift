// How long each screen's query takes. On the shared small demo by default; point
// CASELOAD_BENCH_DB at a store made by `caseload demo --clients 5000 --years 10` to check the
// SPEC §8 scale (the targets are asserted there; figures are printed either way).
import CaseloadCore
import CaseloadStore
import Foundation
import XCTest

final class QueryTimingTests: XCTestCase {
    private func time(_ label: String, runs: Int = 15, _ body: () throws -> Void) rethrows -> Double {
        var samples: [Double] = []
        try body()                                   // warm the page cache once
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        let median = samples[samples.count / 2]
        print(String(format: "query %-28@ median %7.2f ms  max %7.2f ms", label as NSString, median, samples.last!))
        return median
    }

    func testScreenQueriesAreFast() throws {
        let env = ProcessInfo.processInfo.environment
        let store: SQLiteStore
        let today: Day
        if let path = env["CASELOAD_BENCH_DB"] {
            store = try SQLiteStore.open(path: path)
            today = store.clock.today()
        } else {
            store = try DemoCache.shared.store(clients: 300)
            today = fixtureToday
        }
        let atScale = env["CASELOAD_BENCH_DB"] != nil
        let counselor = try XCTUnwrap(try store.allStaff().filter { $0.role == .counselor }.min { $0.id! < $1.id! })
        let rows = try store.caseloadRows(for: counselor.id!, scope: .mine, on: today)
        let client = try XCTUnwrap(rows.max { try! store.noteCount(clientID: $0.id) < store.noteCount(clientID: $1.id) })
        let noteID = try XCTUnwrap(try store.notes(clientID: client.id, limit: 1, offset: 0).first?.id)

        let all = try time("caseloadRows(.all)") { _ = try store.caseloadRows(for: counselor.id!, scope: .all, on: today) }
        let home = try time("homeSummary") { _ = try store.homeSummary(for: counselor.id!, on: today) }
        let mine = try time("caseloadRows(.mine)") { _ = try store.caseloadRows(for: counselor.id!, scope: .mine, on: today) }
        let chart = try time("chartSummary") { _ = try store.chartSummary(clientID: client.id) }
        let notes = try time("notes(limit: 50)") { _ = try store.notes(clientID: client.id, limit: 50, offset: 0) }
        let deep = try time("notes(offset: 400)") { _ = try store.notes(clientID: client.id, limit: 50, offset: 400) }
        let count = try time("noteCount") { _ = try store.noteCount(clientID: client.id) }
        let note = try time("note(id:)") { _ = try store.note(id: noteID) }
        let plan = try time("currentPlan") { _ = try store.currentPlan(clientID: client.id) }
        let groups = try time("groupMemberships") { _ = try store.groupMemberships(clientID: client.id) }
        let attendance = try time("attendanceHistory(100)") { _ = try store.attendanceHistory(clientID: client.id, limit: 100) }
        let screens = try time("drugScreens(50)") { _ = try store.drugScreens(clientID: client.id, limit: 50) }
        let other = try time("referrals+contacts+consents") {
            _ = try store.referrals(clientID: client.id); _ = try store.contacts(clientID: client.id)
            _ = try store.consents(clientID: client.id)
        }
        print("client \(client.mrn): \(try store.noteCount(clientID: client.id)) notes; caseload of \(rows.count)")

        // Speed is judged only at full scale (CASELOAD_BENCH_DB, release build), never by wall-clock
        // limits in the ordinary suite, where a loaded 2-core CI machine would make them flaky. On the
        // small demo this test still runs every screen query repeatedly and fails on any error.
        guard atScale else { return }
        XCTAssertLessThan(all, 30)
        XCTAssertLessThan(home, 20)
        for (label, value) in [("mine", mine), ("chart", chart), ("notes", notes), ("deep notes", deep), ("count", count),
                               ("note", note), ("plan", plan), ("groups", groups), ("attendance", attendance),
                               ("screens", screens), ("other tabs", other)] {
            XCTAssertLessThan(value, 5.0, label)
        }
    }

    /// Note search (SPEC §8: p99 ≤ 30 ms) for a rare and a common word, 50 runs each: the whole
    /// program as a supervisor, one client's notes (a different client each run), a counselor's own
    /// clients, and the last 90 days. CASELOAD_BENCH_RARE / CASELOAD_BENCH_COMMON choose the words.
    func testNoteSearchLatency() throws {
        let env = ProcessInfo.processInfo.environment
        let store: SQLiteStore
        if let path = env["CASELOAD_BENCH_DB"] {
            store = try SQLiteStore.open(path: path)
        } else {
            store = try DemoCache.shared.store(clients: 300)
        }
        let atScale = env["CASELOAD_BENCH_DB"] != nil
        let today = store.clock.today()
        let staff = try store.allStaff()
        let supervisor = try XCTUnwrap(staff.filter { $0.role == .supervisor }.min { $0.id! < $1.id! })
        let counselor = try XCTUnwrap(staff.filter { $0.role == .counselor }.min { $0.id! < $1.id! })
        let clients = try store.caseloadRows(for: supervisor.id!, scope: .all, on: today).filter { $0.lastContact != nil }
            .map(\.id)
        let rare = env["CASELOAD_BENCH_RARE"] ?? "hepatitis"
        let common = env["CASELOAD_BENCH_COMMON"] ?? "client"
        let runs = 50

        func percentiles(_ label: String, _ make: (Int) -> NoteSearchQuery, by who: Staff) throws -> (Double, Double) {
            var samples: [Double] = []
            var hits = 0
            _ = try store.searchNotes(make(0), by: who)          // warm the page cache once
            for i in 0..<runs {
                let query = make(i)
                let start = DispatchTime.now().uptimeNanoseconds
                hits = try store.searchNotes(query, by: who).count
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            samples.sort()
            let p50 = samples[runs / 2], p99 = samples[min(runs - 1, Int((Double(runs) * 0.99).rounded(.up)) - 1)]
            print(String(format: "search %-44@ p50 %7.2f ms  p99 %7.2f ms  (%d hits)", label as NSString, p50, p99, hits))
            return (p50, p99)
        }

        var medians: [(String, Double)] = []
        for term in [rare, common] {
            let program = try percentiles("'\(term)' whole program (supervisor)", { _ in
                NoteSearchQuery(text: term, scope: .team) }, by: supervisor)
            let client = try percentiles("'\(term)' one client", { i in
                NoteSearchQuery(text: term, clientID: clients[(i * 7919) % clients.count], scope: .team) }, by: supervisor)
            let mine = try percentiles("'\(term)' my clients (counselor)", { _ in
                NoteSearchQuery(text: term, scope: .mine) }, by: counselor)
            let recent = try percentiles("'\(term)' last 90 days (supervisor)", { _ in
                NoteSearchQuery(text: term, from: today.adding(days: -90), to: today, scope: .team) }, by: supervisor)
            let prefix = try percentiles("'\(term.prefix(3))' prefix, whole program", { _ in
                NoteSearchQuery(text: String(term.prefix(3)), scope: .team) }, by: supervisor)
            medians += [("program \(term)", program.0), ("client \(term)", client.0), ("mine \(term)", mine.0),
                      ("recent \(term)", recent.0), ("prefix \(term)", prefix.0)]
        }
        // The p99 target is judged on the release figures printed here; the assertion is on the
        // median, which a debug build on a busy 2-core machine still meets with room to spare.
        guard atScale else { return }
        for (label, p50) in medians { XCTAssertLessThan(p50, 30, label) }
    }
}
