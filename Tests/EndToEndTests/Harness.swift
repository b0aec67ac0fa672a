// Helpers for running the real `caseload` binary: as a plain process, and inside a private tmux
// server where it sees a real terminal. Every wait polls (50 ms) with a generous deadline.
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

enum Binary {
    /// The `caseload` built next to this test bundle (SwiftPM's products directory).
    static let url: URL = {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["CASELOAD_BIN"], !explicit.isEmpty {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        let bundleDir = Bundle(for: BinaryLocator.self).bundleURL.deletingLastPathComponent()
        candidates.append(bundleDir.appendingPathComponent("caseload"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("caseload"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("caseload"))
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("caseload"))
        // On macOS the .xctest is a bundle directory: its products dir is two levels further up.
        candidates.append(argv0.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("caseload"))
        for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) {
            return url
        }
        return candidates[1]
    }()
}

private final class BinaryLocator {}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var stdoutData: Data
}

enum Run {
    /// Runs `caseload` with no terminal (stdin is /dev/null), killing it if it outlives `timeout`.
    static func caseload(_ arguments: [String], environment extra: [String: String] = [:],
                         timeout: TimeInterval = 300) throws -> RunResult {
        try program(Binary.url, arguments, environment: extra, timeout: timeout)
    }

    /// posix_spawn + waitpid rather than Foundation's Process: on Linux, Process learns that a child
    /// ended from a socket the child inherits, and tmux's server (which the tmux client forks) keeps
    /// that socket open, so Process would wait for the server to exit.
    /// `pinTime: false` leaves the clock alone (a setgid installation refuses CASELOAD_NOW, as it should).
    static func program(_ url: URL, _ arguments: [String], environment extra: [String: String] = [:],
                        timeout: TimeInterval = 60, pinTime: Bool = true) throws -> RunResult {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CASELOAD_DB")
        if pinTime { for (k, v) in TestTime.environment { env[k] = v } }
        for (k, v) in extra { env[k] = v }

        // Output goes to files: a big export cannot stall on a full pipe, and nothing waits for EOF.
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("caseload-run-\(getpid())-\(UUID().uuidString.prefix(8))").path
        let outPath = scratch + ".out", errPath = scratch + ".err"
        defer { unlink(outPath); unlink(errPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var argv = [url.path] + arguments
        var program = url.path
        // libfaketime preloaded straight into a Swift binary leaves it without its arguments (CommandLine.arguments
        // comes back empty); started through env(1), which loads the library first and then execs, it gets them.
        if pinTime, TestTime.fakedDay != nil {
            program = "/usr/bin/env"
            argv = [program] + argv
        }
        let envp = env.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status: Int32 = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnv in
                posix_spawn(&pid, program, &actions, nil, cArgv, cEnv)
            }
        }
        guard status == 0 else {
            throw HarnessError("could not start \(url.path): \(String(cString: strerror(status)))")
        }

        let deadline = Date().addingTimeInterval(timeout)
        var wstatus: Int32 = 0
        while true {
            let r = waitpid(pid, &wstatus, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw HarnessError("waitpid: \(String(cString: strerror(errno)))") }
            if Date() >= deadline {
                Glibc.kill(pid, SIGKILL)
                _ = waitpid(pid, &wstatus, 0)
                throw HarnessError("'\(url.lastPathComponent) \(arguments.joined(separator: " "))' did not finish in \(Int(timeout)) s")
            }
            usleep(5_000)
        }
        // WIFEXITED / WEXITSTATUS are macros Swift cannot see.
        let exitStatus: Int32 = (wstatus & 0x7f) == 0 ? (wstatus >> 8) & 0xff : 128 + (wstatus & 0x7f)
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return RunResult(status: exitStatus,
                         stdout: String(decoding: out, as: UTF8.self),
                         stderr: String(decoding: err, as: UTF8.self),
                         stdoutData: out)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return body(pointers)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The OS login the binary will see (the real uid, like the app itself looks it up).
extension Run {
    /// The whole store as JSON, which only an administrator exports (CaseloadStore/Access.swift): as the
    /// store's first active administrator (`--as` on a demo store; the OS user when they are it).
    static func exportAll(_ db: String, timeout: TimeInterval = 120) throws -> RunResult {
        let admin = try administratorLogin(db)
        return try caseload(["export", "--db", db] + (admin == osLogin() ? [] : ["--as", admin]), timeout: timeout)
    }

    static func administratorLogin(_ db: String) throws -> String {
        let sqlite = try Run.program(URL(fileURLWithPath: "/usr/bin/sqlite3"),
                                     ["-readonly", db, "SELECT username FROM staff WHERE role = 'admin' AND active ORDER BY id LIMIT 1"])
        let name = sqlite.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard sqlite.status == 0, !name.isEmpty else { throw HarnessError("no administrator in \(db): \(sqlite.stderr)") }
        return name
    }
}

func osLogin() -> String {
    guard let pw = getpwuid(getuid()) else { return "unknown" }
    return String(cString: pw.pointee.pw_name)
}

/// Quotes for `sh -c`.
func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// One private tmux server (its own socket) with one session: nothing is shared with the
/// developer's own tmux, and killing the server cannot touch anyone else's sessions.
final class TmuxSession {
    static var isAvailable: Bool { tmuxURL != nil }
    private static let tmuxURL: URL? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }
    nonisolated(unsafe) private static var counter = 0

    let socket: String
    let name = "caseload-e2e"
    private var alive = true

    /// Starts `command` (run by the server's `sh -c`) in a detached width × height window.
    init(command: String, width: Int = 80, height: Int = 24) throws {
        TmuxSession.counter += 1
        socket = "caseload-e2e-\(getpid())-\(TmuxSession.counter)-\(Int.random(in: 0..<1_000_000))"
        // Keep the pane after the program exits so a crash leaves its last screen to read; set in the
        // same command queue as new-session so even an instant exit is kept.
        let result = try tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command,
                               ";", "set-option", "-t", name, "remain-on-exit", "on"])
        guard result.status == 0 else { throw HarnessError("tmux new-session failed: \(result.stderr)") }
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> RunResult {
        guard let url = TmuxSession.tmuxURL else { throw HarnessError("tmux is not installed") }
        var env: [String: String] = [:]
        env["TMUX"] = ""
        return try Run.program(url, ["-f", "/dev/null", "-L", socket] + arguments, environment: env, timeout: 30)
    }

    /// Named keys as tmux spells them: "Enter", "Tab", "BTab", "Escape", "Down", "C-l", "q".
    func press(_ keys: String...) throws {
        try tmux(["send-keys", "-t", name] + keys)
    }

    /// Literal text (UTF-8 is fine: "Ñúñez").
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    /// One capture, as it is this instant (it may catch a frame half drawn: compare `stableScreen()` or wait).
    func screen() -> String {
        (try? tmux(["capture-pane", "-p", "-t", name]).stdout) ?? ""
    }

    /// The screen once it has stopped changing (two captures 60 ms apart agree), or the last capture after
    /// `timeout`.
    func stableScreen(timeout: TimeInterval = 10) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = screen()
        while Date() < deadline {
            usleep(60_000)
            let next = screen()
            if next == last { return next }
            last = next
        }
        return last
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The pid of the program started in the pane (exec it in the command to make this the app itself).
    func panePID() throws -> pid_t {
        let out = try tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).stdout
        guard let pid = pid_t(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError("no pane pid in '\(out)'")
        }
        return pid
    }

    var paneIsDead: Bool {
        ((try? tmux(["display-message", "-p", "-t", name, "#{pane_dead}"]).stdout) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// Waits until the screen satisfies `predicate` and is stable: two captures 60 ms apart are identical, so a
    /// frame caught half drawn is never compared. On timeout fails the test with the last screen.
    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line,
                   _ predicate: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        repeat {
            last = screen()
            if predicate(last) {
                usleep(60_000)
                let again = screen()
                if again == last { return last }
                last = again
                continue
            }
            usleep(50_000)
        } while Date() < deadline
        XCTFail("Timed out after \(Int(timeout)) s waiting for \(what). Screen was:\n\(last)", file: file, line: line)
        return last
    }

    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line) -> String {
        waitUntil("'\(text)'", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    func kill() {
        guard alive else { return }
        alive = false
        _ = try? tmux(["kill-server"])
        // tmux leaves the socket file of a killed server behind; do not litter /tmp with one per test.
        let dir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        unlink("\(dir)/tmux-\(getuid())/\(socket)")
    }

    deinit { kill() }
}

/// Whether a process is gone (or only a zombie waiting for its parent).
func processHasExited(_ pid: pid_t) -> Bool {
    if Glibc.kill(pid, 0) != 0 { return errno == ESRCH }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return true }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state == "Z" || state == "X"
}

/// Waits for `pid` to exit; returns how long it took, or nil on timeout.
func waitForExit(_ pid: pid_t, timeout: TimeInterval) -> TimeInterval? {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
        if processHasExited(pid) { return Date().timeIntervalSince(start) }
        usleep(20_000)
    }
    return processHasExited(pid) ? Date().timeIntervalSince(start) : nil
}
