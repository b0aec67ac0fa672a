// The one "today" of an end-to-end run, and how the real binary is made to agree with it (docs/testing.md).
//
// - CASELOAD_TEST_TODAY=YYYY-MM-DD pins the day; otherwise it is the local date when the run starts, fixed for
//   the whole run (a run that crosses midnight does not change day half-way).
// - Every process the harness starts gets CASELOAD_NOW=<day>T10:00: `caseload` honours it on demo stores
//   (their "today" is that day, time running on from 10:00) and ignores it on any other store.
// - CASELOAD_TEST_FAKETIME=YYYY-MM-DD instead moves the whole clock of every started process with libfaketime
//   (the binary reads the system clock as in production: demo and non-demo stores alike).
import CaseloadCore
import Foundation

enum TestTime {
    /// libfaketime as Debian's `faketime` package installs it.
    static let libfaketime = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                              "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
                              "/usr/lib/faketime/libfaketime.so.1"]
        .first { FileManager.default.fileExists(atPath: $0) }

    static let fakedDay: Day? = {
        guard let raw = ProcessInfo.processInfo.environment["CASELOAD_TEST_FAKETIME"], !raw.isEmpty else { return nil }
        guard let day = Day(raw) else { fatalError("CASELOAD_TEST_FAKETIME takes YYYY-MM-DD; '\(raw)' is not one") }
        guard libfaketime != nil else { fatalError("CASELOAD_TEST_FAKETIME needs libfaketime (apt-get install faketime)") }
        return day
    }()

    /// The day every end-to-end test takes as today on a demo store.
    static let today: Day = {
        if let fakedDay { return fakedDay }
        if let raw = ProcessInfo.processInfo.environment["CASELOAD_TEST_TODAY"], !raw.isEmpty {
            guard let day = Day(raw) else { fatalError("CASELOAD_TEST_TODAY takes YYYY-MM-DD; '\(raw)' is not one") }
            return day
        }
        return SystemClock().today()
    }()

    /// Today as the binary sees it on a store made by `caseload init` (which never honours CASELOAD_NOW):
    /// the faked day under libfaketime, else the real local date.
    static var realStoreToday: Day { fakedDay ?? SystemClock().today() }

    /// The real instant the run's pinned 10:00 stands for (its start): every process started keeps the same offset
    /// from the real clock, so events written by several processes keep their order (a test lists them).
    static let anchor = Int(Date().timeIntervalSince1970)

    /// The pinned moment: 10:00 local, clear of midnight and of the small hours a daylight-saving switch skips.
    static var now: String { "\(today)T10:00@\(anchor)" }

    /// A clock for in-process reads of a demo store that agree with the binary's.
    static var clock: any Clock { PinnedClock(parsing: now)! }

    /// What every started process gets.
    static let environment: [String: String] = {
        if let fakedDay, let lib = libfaketime {
            // One offset from the real clock for every process ("+N" seconds), not a start time: each process
            // would start at 10:00:00 again and events would come out of order. The monotonic clocks stay real:
            // faking them makes timed waits (tmux, SQLite's busy handler) hang.
            let offset = Int(PinnedClock(day: fakedDay, minute: 10 * 60).start.timeIntervalSince1970) - anchor
            return ["LD_PRELOAD": lib, "FAKETIME": offset >= 0 ? "+\(offset)" : "\(offset)",
                    "FAKETIME_DONT_FAKE_MONOTONIC": "1", "DONT_FAKE_MONOTONIC": "1", "FAKETIME_NO_CACHE": "1"]
        }
        return ["CASELOAD_NOW": now]
    }()
}
