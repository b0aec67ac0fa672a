// `caseload demo`: a synthetic program to try Caseload with (never real patients).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
import ArgumentParser
import CaseloadCore
import CaseloadStore
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a demo store with a synthetic program (you become one of its counselors).",
        discussion: """
        The data is made up and deterministic for the same options and day. An existing file is replaced only \
        if it is itself a demo store; anything else is left alone.
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, parsing: .unconditional, help: "How many clients (1–100000).")
    var clients: Int = 300

    @Option(name: .long, parsing: .unconditional, help: "Years of history (1–30).")
    var years: Int = 1

    @Option(name: .long, parsing: .unconditional, help: "Seed for the synthetic data; the same seed gives the same program.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (1...100_000).contains(clients) else {
            throw ValidationError("--clients must be a whole number from 1 to 100000 (got \(clients)).")
        }
        guard (1...30).contains(years) else {
            throw ValidationError("--years must be a whole number from 1 to 30 (got \(years)).")
        }
    }

    func run() throws {
        try Deployment.refuseWhenInstalled("caseload demo")
        var location = try store.location()
        try location.prepareDirectoryIfDefault()
        // Through a link, the demo replaced is the file it points to, with its own side files.
        location.path = StorePath.resolve(location.path)
        try Self.removeExistingDemo(at: location)

        let login = try SignIn.osUsername()
        // CASELOAD_NOW pins the demo's "today" (docs/testing.md); the store it makes keeps honouring it.
        let clock: any Clock
        if let raw = Environment.current["CASELOAD_NOW"], !raw.isEmpty {
            guard let pinned = PinnedClock(parsing: raw) else {
                throw CaseloadError.invalidInput(
                    "CASELOAD_NOW takes a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM); '\(raw)' is neither.")
            }
            clock = pinned
        } else {
            clock = SystemClock()
        }
        let started = Date()
        let big = clients * years >= 2_000
        let repository = try SQLiteStore.open(path: location.path, create: true, clock: clock)
        let summary: DemoSummary
        do {
            let generator = DemoGenerator(clients: clients, years: years, seed: seed, today: clock.today(),
                                          osUsername: login)
            summary = try generator.generate(into: repository, progress: big ? { line in
                Console.note("  \(line)")
            } : nil)
        } catch {
            // A half-built demo is useless and would block the next attempt's "is it a demo?" check.
            for file in [location.path] + location.companionFiles { unlink(file) }
            throw error
        }
        let seconds = Date().timeIntervalSince(started)
        let bytes = Environment.fileSize(location.path) ?? 0

        try Console.out("Demo store ready: \(location.path)")
        try Console.out(Self.describe(summary))
        try Console.out(String(format: "Built in %.1f s; file size %@.", seconds, Self.humanSize(bytes)))
        try Console.out("""
            Open it:      caseload --db \(Self.shellQuoted(location.path))
            Try a role:   caseload --db \(Self.shellQuoted(location.path)) --as USERNAME
            """)
    }

    /// Replaces a previous demo, never anything else: a real store holds PHI and must not be lost to a typo.
    static func removeExistingDemo(at location: StoreLocation) throws {
        guard Environment.fileExists(location.path) else {
            // Leftovers of an interrupted run would confuse SQLite (a stale -wal) or the store's lock.
            for file in location.companionFiles { unlink(file) }
            return
        }
        let isDemo: Bool
        do {
            // Read-only: looking must not lock, migrate or rewrite someone's real store.
            let existing = try SQLiteStore.openReadOnly(path: location.path)
            isDemo = try existing.settings().isDemo
        } catch let error as CaseloadError {
            switch error {
            case .notACaseloadStore, .storeDamaged:
                throw CaseloadError.refused(
                    "'\(location.path)' already exists and is not a Caseload demo store, so it was left alone. Give another path with --db, or move that file away first.")
            case .storeFromNewerVersion, .refused:
                throw CaseloadError.refused(
                    "'\(location.path)' already exists and could not be checked (\(error.description)), so it was left alone. Give another path with --db.")
            default:
                throw error
            }
        }
        guard isDemo else {
            throw CaseloadError.refused(
                "'\(location.path)' is a real Caseload store (not a demo), so it was left alone. Give another path with --db.")
        }
        // Removing the files (the lock file too) under running sessions would leave them on a deleted store.
        guard !SQLiteStore.sessionsInUse(path: location.path) else {
            throw CaseloadError.refused(
                "The demo store '\(location.path)' is open in other Caseload sessions; quit them before building a new demo there.")
        }
        for file in [location.path] + location.companionFiles {
            if unlink(file) != 0 && errno != ENOENT {
                throw CaseloadError.refused(
                    "Could not remove the old demo file '\(file)': \(String(cString: strerror(errno))).")
            }
        }
    }

    static func describe(_ summary: DemoSummary) -> String {
        "\(summary)"
    }

    static func humanSize(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }

    static func shellQuoted(_ path: String) -> String {
        let safe = path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+,:@".contains($0)) }
        return safe ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
