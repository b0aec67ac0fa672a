// Many processes on one store (issue 7, SPEC §7 and §8): writers killed with SIGKILL at random moments
// lose no acknowledged write and leave a sound store; 60 people working at once see no error.
// Real processes (caseload-stress) doing real saves through the store API on a real SQLite file (WAL).
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class CrashTests: XCTestCase {
    /// N writers on one store, each killed with SIGKILL at a random moment and restarted, at least
    /// CASELOAD_CRASH_KILLS (200) times in all. Seeded by CASELOAD_CRASH_SEED (printed) to replay a run.
    func testKilledWritersLoseNoAcknowledgedWrite() throws {
        let started = monotonic()
        let seed = UInt64(Env.string("CASELOAD_CRASH_SEED", String(UInt64.random(in: 1...999_999))))!
        let killTarget = Env.int("CASELOAD_CRASH_KILLS", 200)
        let writers = Env.int("CASELOAD_CRASH_WRITERS", 4)
        print("crash test: seed \(seed) (CASELOAD_CRASH_SEED=\(seed) replays it), \(writers) writers, \(killTarget) kills")

        let dir = try Scratch.make(self, "crash")
        let db = dir.appendingPathComponent("crash.sqlite").path
        _ = try Scratch.demoStore(at: db, clients: 120, seed: 11)

        var rng = SplitMix64(seed: seed)
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(rng.next() % 1_000_000) / 1_000_000 }
        /// One writer process and when it dies: a quarter while starting (opening the store, reading its
        /// day), the rest at a random moment while writing, counted from the end of its start-up.
        struct Writer {
            var child: Child
            var ready: String
            var startedAt: Double
            var killAt: Double?          // set at spawn (start-up kill) or when ready appears
            var delayAfterReady: Double
        }
        var generation = Array(repeating: 0, count: writers)
        var kills = 0, startupKills = 0
        var failures: [String] = []
        func start(_ slot: Int) throws -> Writer {
            let ready = dir.appendingPathComponent("writer-\(slot)-\(generation[slot]).ready").path
            let child = try Child.spawn(Product.stress, [
                "writer", "--db", db, "--log", dir.appendingPathComponent("writer-\(slot).log").path,
                "--seed", "\(seed &+ UInt64(slot * 100_000 + generation[slot]))",
                "--worker", "\(slot)", "--generation", "\(generation[slot])", "--ready", ready,
            ], output: dir.appendingPathComponent("writer-\(slot).out").path)
            let now = monotonic()
            let duringStartup = rng.next() % 4 == 0
            return Writer(child: child, ready: ready, startedAt: now, killAt: duringStartup ? now + uniform(0, 0.25) : nil,
                          delayAfterReady: uniform(0.01, 0.6))
        }
        var running = try (0..<writers).map { try start($0) }
        defer { for w in running where w.child.poll() == nil { kill(w.child.pid, SIGKILL); w.child.wait() } }

        while kills < killTarget && failures.isEmpty {
            for slot in 0..<writers {
                let w = running[slot]
                if let status = w.child.poll() {
                    // A writer never ends by itself: it met an error.
                    failures.append("writer \(slot) generation \(generation[slot]) ended on its own (status \(status)): \(w.child.tail())")
                    break
                }
                let now = monotonic()
                if w.killAt == nil {
                    if access(w.ready, F_OK) == 0 { running[slot].killAt = now + w.delayAfterReady }
                    else if now - w.startedAt > 30 { failures.append("writer \(slot) did not start within 30 s"); break }
                    continue
                }
                guard now >= w.killAt! else { continue }
                kill(w.child.pid, SIGKILL)
                let status = w.child.wait()
                if killSignal(status) != SIGKILL {
                    failures.append("writer \(slot) was not killed but ended with status \(status): \(w.child.tail())")
                    break
                }
                kills += 1
                if access(w.ready, F_OK) != 0 { startupKills += 1 }
                generation[slot] += 1
                running[slot] = try start(slot)
            }
            usleep(2_000)
        }
        for w in running where w.child.poll() == nil {
            kill(w.child.pid, SIGKILL)
            if killSignal(w.child.wait()) == SIGKILL { kills += 1 }
        }
        XCTAssertEqual(failures, [], "writers that failed")
        let killSeconds = monotonic() - started

        // No writer is running. A new session opens the store as the app would, then everything is checked.
        let store = try SQLiteStore.open(path: db)
        let problems = try Ledger.storeProblems(store)
        XCTAssertEqual(problems, [], "the store after \(kills) kills")
        let logs = (0..<writers).map { dir.appendingPathComponent("writer-\($0).log") }
        let check = try Ledger.verify(logs, store: store)
        XCTAssertEqual(check.problems, [], "acknowledged writes missing or different after \(kills) kills")
        XCTAssertGreaterThanOrEqual(kills, killTarget)
        XCTAssertGreaterThan(check.byKind["draft"] ?? 0, 0, "the writers saved drafts")
        XCTAssertGreaterThan(check.byKind["mark"] ?? 0, 0, "the writers marked attendance")
        // How many killed processes got as far as a logged draft or chart view (a kill can come before that).
        let tokens = try Ledger.lines(logs).compactMap { f -> String? in
            let t = f[0] == "draft" ? f.last : f[0] == "view" ? f.last : nil
            return t?.range(of: #"sw[0-9]+g[0-9]+"#, options: .regularExpression).map { String(t![$0]) }
        }
        let productive = Set(tokens).count
        print("crash test: \(startupKills) kills during start-up, the others while writing; "
              + "\(productive) of the \(kills) killed processes had logged a note draft or chart view")
        print("crash test: \(kills) kills of \(writers) writers in \(f1(killSeconds)) s; \(check.checked) acknowledged "
              + "writes checked (\(check.summary)), \(check.notesSearched) notes found by search; "
              + "total \(f1(monotonic() - started)) s (seed \(seed))")
    }
}

/// One worker's summary, as caseload-stress load writes it.
struct LoadReport: Codable {
    var worker: Int
    var staff: String
    var seconds: Double
    var actions: Int
    var saves: Int
    var chartsOpened: Int
    var saveLatenciesMs: [Double]
    var saveStartsS: [Double]            // when each save started, seconds after the worker started
    var chartLatenciesMs: [Double]
    var chartStartsS: [Double]
    var errors: [String]
}

/// What a step run during the load can use.
struct LoadPhase {
    var dir: URL
    var db: String
    var seconds: Double
    var startedAt: Double
    /// Waits until `fraction` of the load's duration has passed.
    func waitUntil(fraction: Double) {
        let t = startedAt + seconds * fraction
        while monotonic() < t { usleep(50_000) }
    }
}

final class LoadTests: XCTestCase {
    /// Runs `workers` caseload-stress load processes on `db` for `seconds`; `duringLoad` runs in this
    /// process while they work (the place for a backup taken under load). Returns each worker's report.
    private func runLoad(dir: URL, db: String, workers: Int, seconds: Double, thinkMs: String, seed: UInt64,
                         duringLoad: (LoadPhase) throws -> Void) throws -> [LoadReport] {
        let startedAt = monotonic()
        var children: [Child] = []
        defer { for c in children where c.poll() == nil { kill(c.pid, SIGKILL); c.wait() } }
        for k in 0..<workers {
            children.append(try Child.spawn(Product.stress, [
                "load", "--db", db, "--seconds", "\(seconds)", "--think-ms", thinkMs,
                "--out", dir.appendingPathComponent("load-\(k).json").path,
                "--log", dir.appendingPathComponent("load-\(k).log").path,
                "--seed", "\(seed &+ UInt64(k))", "--worker", "\(k)",
            ], output: dir.appendingPathComponent("load-\(k).out").path))
        }

        try duringLoad(LoadPhase(dir: dir, db: db, seconds: seconds, startedAt: startedAt))

        // Every worker stops by itself after `seconds`; a generous deadline for a loaded box.
        let deadline = startedAt + seconds + 120
        var statuses = [Int32?](repeating: nil, count: workers)
        while statuses.contains(where: { $0 == nil }) && monotonic() < deadline {
            for k in 0..<workers where statuses[k] == nil { statuses[k] = children[k].poll() }
            usleep(50_000)
        }
        var reports: [LoadReport] = []
        for k in 0..<workers {
            guard let status = statuses[k] else {
                XCTFail("worker \(k) was still running \(Int(seconds + 120)) s after the start"); continue
            }
            XCTAssertEqual(exitCode(status), 0, "worker \(k) ended with status \(status): \(children[k].tail())")
            let url = dir.appendingPathComponent("load-\(k).json")
            guard let data = try? Data(contentsOf: url) else {
                XCTFail("worker \(k) wrote no report: \(children[k].tail())"); continue
            }
            reports.append(try JSONDecoder().decode(LoadReport.self, from: data))
        }
        return reports
    }

    /// 60 people (CASELOAD_LOAD_WORKERS) each opening charts, saving note drafts and marking attendance
    /// with a person's think time (CASELOAD_LOAD_THINK_MS, default 500-2000) for 60 s (CASELOAD_LOAD_SECONDS).
    func testSixtyPeopleAtOnceSeeNoErrorAndLoseNoWrite() throws {
        let workers = Env.int("CASELOAD_LOAD_WORKERS", 60)
        let seconds = Env.double("CASELOAD_LOAD_SECONDS", 60)
        let thinkMs = Env.string("CASELOAD_LOAD_THINK_MS", "500-2000")
        let seed = UInt64(Env.string("CASELOAD_LOAD_SEED", "7"))!
        let dir = try Scratch.make(self, "load")
        let db = dir.appendingPathComponent("load.sqlite").path
        let summary = try Scratch.demoStore(at: db, clients: 600, seed: 5)
        print("load test: \(workers) workers for \(seconds) s, think time \(thinkMs) ms, on a demo of "
              + "\(summary.clients) clients, \(summary.notes) notes, \(summary.staff) staff")

        var checkedDuringLoad = ""
        var backupReport: BackupReport?
        let backupPath = dir.appendingPathComponent("during-load.backup").path
        let passphrase = "load test: Zoë 李 passphrase"
        // The acknowledgement logs as they stood just before the backup began: every write in them was
        // committed before the backup started, so the backup (a snapshot taken after) must hold it.
        let beforeBackup = (0..<workers).map { dir.appendingPathComponent("before-backup-\($0).log") }
        let reports = try runLoad(dir: dir, db: db, workers: workers, seconds: seconds, thinkMs: thinkMs, seed: seed) { phase in
            // Half-way, as an administrator would: another session checks the store, then takes a sealed online
            // backup while the 60 sessions keep writing.
            phase.waitUntil(fraction: 0.5)
            let observer = try SQLiteStore.open(path: phase.db)
            checkedDuringLoad = try observer.dbPool.read { try String.fetchOne($0, sql: "PRAGMA quick_check") } ?? ""
            for k in 0..<workers {
                let log = phase.dir.appendingPathComponent("load-\(k).log")
                let data = (try? Data(contentsOf: log)) ?? Data()
                try data.write(to: beforeBackup[k])
            }
            backupReport = try observer.backup(to: backupPath, passphrase: passphrase)
        }
        XCTAssertEqual(checkedDuringLoad, "ok", "quick_check by another session during the load")
        let backup = try XCTUnwrap(backupReport, "a backup was taken during the load")
        XCTAssertTrue(backup.sealed)
        print("backup during the load: \(backup.bytes / 1024) KiB sealed in \(f1(backup.seconds)) s")

        XCTAssertEqual(reports.count, workers, "every worker reported")
        for r in reports {
            XCTAssertEqual(r.errors, [], "worker \(r.worker) (\(r.staff)) saw errors")
            XCTAssertGreaterThan(r.saves, 0, "worker \(r.worker) (\(r.staff)) saved something")
            XCTAssertGreaterThan(r.chartsOpened, 0, "worker \(r.worker) (\(r.staff)) opened a chart")
        }

        let store = try SQLiteStore.open(path: db)
        let logs = (0..<workers).map { dir.appendingPathComponent("load-\($0).log") }
        let check = try Ledger.verify(logs, store: store)
        XCTAssertEqual(check.problems, [], "acknowledged writes missing or different after the load")
        XCTAssertEqual(try Ledger.storeProblems(store), [], "the store after the load")

        // The backup taken under load restores into a sound store holding every write acknowledged before it.
        let restoredPath = dir.appendingPathComponent("restored.sqlite").path
        XCTAssertThrowsError(try SQLiteStore.restore(from: backupPath, to: restoredPath, passphrase: "wrong"),
                             "a wrong passphrase restores nothing")
        XCTAssertFalse(FileManager.default.fileExists(atPath: restoredPath))
        try SQLiteStore.restore(from: backupPath, to: restoredPath, passphrase: passphrase)
        let restored = try SQLiteStore.open(path: restoredPath)
        let restoredCheck = try Ledger.verify(beforeBackup, store: restored)
        XCTAssertGreaterThan(restoredCheck.checked, 0, "writes were acknowledged before the backup")
        XCTAssertEqual(restoredCheck.problems, [], "writes acknowledged before the backup, missing from its restore")
        XCTAssertEqual(try Ledger.storeProblems(restored), [], "the restored backup")
        let notesIn = { (s: SQLiteStore) in try s.dbPool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM progress_notes") ?? 0 } }
        XCTAssertLessThanOrEqual(try notesIn(restored), try notesIn(store), "the backup is a moment of the store, not more")
        print("restored the backup taken under load: \(restoredCheck.checked) writes acknowledged before it are all in it")

        let saves = reports.flatMap(\.saveLatenciesMs), charts = reports.flatMap(\.chartLatenciesMs)
        let people = Set(reports.map(\.staff)).count
        // The first seconds are 60 processes starting at once on the same cores; apart from those, the steady state.
        let warmUp = min(10, seconds / 4)
        func after(_ values: [Double], _ starts: [Double]) -> [Double] { zip(starts, values).filter { $0.0 >= warmUp }.map(\.1) }
        let steadySaves = reports.flatMap { after($0.saveLatenciesMs, $0.saveStartsS) }
        let steadyCharts = reports.flatMap { after($0.chartLatenciesMs, $0.chartStartsS) }
        let actions = reports.map(\.actions).reduce(0, +), errors = reports.map(\.errors.count).reduce(0, +)
        print("load test: \(workers) workers (\(people) staff members) for \(f1(seconds)) s, think \(thinkMs) ms: "
              + "\(actions) actions, \(saves.count) saves = \(f1(Double(saves.count) / seconds)) saves/s; "
              + "save latency p50 \(f1(percentile(saves, 50))) ms, p99 \(f1(percentile(saves, 99))) ms, "
              + "max \(f1(saves.max() ?? 0)) ms; chart open p50 \(f1(percentile(charts, 50))) ms, "
              + "p99 \(f1(percentile(charts, 99))) ms (\(charts.count) opens); \(errors) errors; "
              + "\(check.checked) acknowledged writes checked (\(check.summary))")
        print("load test, after the first \(f1(warmUp)) s (all workers started): save p50 \(f1(percentile(steadySaves, 50))) ms, "
              + "p99 \(f1(percentile(steadySaves, 99))) ms, max \(f1(steadySaves.max() ?? 0)) ms; "
              + "chart open p50 \(f1(percentile(steadyCharts, 50))) ms, p99 \(f1(percentile(steadyCharts, 99))) ms")
    }
}

final class CheckerTests: XCTestCase {
    /// The crash and load tests would pass vacuously if their checks could not see a lost write or a
    /// search index out of step with the notes. They can.
    func testTheChecksSeeALostWriteAndANoteMissingFromSearch() throws {
        let dir = try Scratch.make(self, "checker")
        let db = dir.appendingPathComponent("checker.sqlite").path
        _ = try Scratch.demoStore(at: db, clients: 60, seed: 3)
        let log = dir.appendingPathComponent("writer.log")
        let child = try Child.spawn(Product.stress, ["writer", "--db", db, "--log", log.path, "--seed", "1",
                                                     "--worker", "0", "--duration", "1"],
                                    output: dir.appendingPathComponent("writer.out").path)
        XCTAssertEqual(exitCode(child.wait()), 0, child.tail())

        let store = try SQLiteStore.open(path: db)
        XCTAssertEqual(try Ledger.storeProblems(store), [])
        let clean = try Ledger.verify([log], store: store)
        XCTAssertEqual(clean.problems, [])
        let firstDraft = try XCTUnwrap(try Ledger.lines([log]).first { $0[0] == "draft" })

        // Claims the store cannot honour: a note that was never saved, and a revision beyond the stored one.
        var later = firstDraft
        let stored = try store.dbPool.read {
            try Int.fetchOne($0, sql: "SELECT revision FROM progress_notes WHERE id = ?", arguments: [RowID(firstDraft[1])!])
        }
        later[2] = "\(try XCTUnwrap(stored) + 5)"
        let forged = dir.appendingPathComponent("forged.log")
        try (["draft\t999999999\t1\t0\tswXg0s1", later.joined(separator: "\t")].joined(separator: "\n") + "\n")
            .write(to: forged, atomically: true, encoding: .utf8)
        let caught = try Ledger.verify([forged], store: store)
        XCTAssertEqual(caught.problems.count, 2, "\(caught.problems)")

        // The search index forgets the newest note (FTS5 'delete' with the exact values it indexed).
        let newest = try store.dbPool.write { db -> RowID in
            let id = try RowID.fetchOne(db, sql: "SELECT max(id) FROM progress_notes")!
            try db.execute(sql: """
                INSERT INTO note_search (note_search, rowid, body, scope)
                SELECT 'delete', \(Schema.noteSearchKey("n")), \(Schema.noteSearchBody("n")), \(Schema.noteSearchScope("n"))
                FROM progress_notes n WHERE id = ?
                """, arguments: [id])
            return id
        }
        let problems = try Ledger.storeProblems(store)
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems.first?.contains("1 missing") == true, "\(problems)")
        let searched = try Ledger.verify([log], store: store)
        XCTAssertTrue(searched.problems.contains { $0.contains("does not find note \(newest)") }, "\(searched.problems)")
    }
}
