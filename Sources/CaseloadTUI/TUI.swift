// The front end's entry point and event loop: render → blit → wait for a key (or a tick) → handle → act on the Effect.
import CaseloadCore
import CaseloadViewModels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct TUIOptions: Sendable {
    /// `--theme`; nil → "default".
    public var themeName: String?
    /// `$XDG_CONFIG_HOME/caseload/themes` (default ~/.config/caseload/themes).
    public var userThemeDir: String?
    /// `$CASELOAD_TRACE_FILE`: one line per key, microseconds from the key arriving to the frame on screen.
    public var traceFile: String?

    public init(themeName: String? = nil, userThemeDir: String? = nil, traceFile: String? = nil) {
        self.themeName = themeName
        self.userThemeDir = userThemeDir
        self.traceFile = traceFile
    }
}

/// What the loop needs from a view-model. `AppModel` is the real one; tests and tools can drive
/// the loop with a stand-in.
public protocol TUIModel: AnyObject {
    func handle(_ event: InputEvent) -> Effect
    func render() -> ScreenBuffer
    func themeApplied(name: String, error: String?)
    var hasUnsavedChanges: Bool { get }
    func saveDrafts()
    /// Why the model ended the session (a lock-out), printed once the terminal is restored; exit status 1.
    var exitMessage: String? { get }
}

extension TUIModel {
    public var exitMessage: String? { nil }
}

extension AppModel: TUIModel {}

public enum TUI {
    /// Milliseconds between `.tick` events while nobody types.
    static let tickMs = 1000

    /// Takes over the terminal, runs the loop until the model returns .quit or the terminal hangs up,
    /// restores the terminal, returns the process exit status (0 normal, 0 on hang-up after saving).
    /// `makeModel` is called once the terminal size is known.
    public static func run(options: TUIOptions, makeModel: (Size) throws -> AppModel) throws -> Int32 {
        try runLoop(options: options, makeModel: makeModel)
    }

    /// The loop for any model (the public `run` uses `AppModel`).
    public static func runLoop<Model: TUIModel>(options: TUIOptions, makeModel: (Size) throws -> Model) throws -> Int32 {
        setlocale(LC_ALL, "")
        preferUTF8()
        let environment = currentEnvironment()
        let terminal = try Terminal(environment: environment)
        Signals.install()
        var ending: String?
        defer {
            terminal.close()
            Signals.uninstall()
            // The message line is gone with the screen; say it again where the person will still see it.
            if let notice = terminal.notice { writeToStandardError("caseload: \(notice)\n") }
            if let ending { writeToStandardError("caseload: \(ending)\n") }
        }

        let requested = options.themeName ?? "default"
        var themeProblem: String?
        do {
            terminal.apply(try Theme.load(name: requested, userDir: options.userThemeDir))
        } catch {
            terminal.apply(Theme.builtinDefault)
            themeProblem = Self.themeProblem(requested, error)
        }

        let model = try makeModel(terminal.size)
        if let themeProblem {
            model.themeApplied(name: "default", error: themeProblem)
        } else if let notice = terminal.notice {
            // The model's theme report is the one message line the loop can fill; a fallback terminal
            // type is a display problem of the same kind.
            model.themeApplied(name: "default", error: notice)
        }

        var loop = Loop(terminal: terminal, model: model, options: options)
        loop.run()
        ending = model.exitMessage
        return ending == nil ? 0 : 1
    }

    /// An SSH session without LANG runs in the C locale, where curses cannot show "Zoë" or "李" at all.
    /// Terminals are UTF-8 in practice, so an ASCII-only locale is upgraded for character handling;
    /// a locale that names another character set is left as the person chose it.
    static func preferUTF8() {
        guard let codeset = nl_langinfo(nl_item(CODESET)).map({ String(cString: $0) }),
              codeset == "ANSI_X3.4-1968" || codeset == "ASCII" else { return }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil { return }
    }

    /// The message-line sentence for a theme that could not be used.
    static func themeProblem(_ name: String, _ error: Error) -> String {
        let detail = (error as? ThemeError)?.summary ?? "\(error)"
        return "Theme “\(name)” not used (\(detail)); showing the default theme."
    }

    static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { result[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return result
    }

    static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// One session's loop state: the model, the decoder, the trace log and hang-up detection.
struct Loop<Model: TUIModel> {
    let terminal: Terminal
    let model: Model
    let options: TUIOptions
    var decoder = InputDecoder()
    var trace: TraceLog?
    /// Reads that failed at once without input; a terminal that is gone produces them without end.
    var fastFailures = 0
    var fastFailureWindowStart: UInt64 = 0

    init(terminal: Terminal, model: Model, options: TUIOptions) {
        self.terminal = terminal
        self.model = model
        self.options = options
        self.trace = options.traceFile.flatMap(TraceLog.init(path:))
        self.decoder = InputDecoder(extendedKeys: terminal.extendedKeys)
    }

    mutating func run() {
        terminal.blit(model.render(), full: true)
        while true {
            if Signals.hangupRequested != nil { return hangUp() }
            let wait = decoder.pendingWaitMs ?? TUI.tickMs
            let started = MonotonicClock.microseconds()
            let (raw, error) = terminal.read(timeoutMs: wait)
            let arrived = MonotonicClock.microseconds()

            var events: [InputEvent]
            if case .none = raw {
                if error == EINTR { continue }  // a signal: the check at the top decides
                if error == EIO || error == ENXIO { return hangUp() }
                if decoder.pendingWaitMs != nil {
                    events = decoder.feed(.none, size: terminal.size)
                } else if (arrived - started) < UInt64(wait) * 500 {
                    // Returned long before the timeout with nothing read: end of file on a closed terminal.
                    if isTerminalGone(now: arrived) { return hangUp() }
                    continue
                } else {
                    events = [.tick]
                }
            } else {
                fastFailures = 0
                events = decoder.feed(raw, size: terminal.size)
            }
            if events.isEmpty { continue }

            var redraw = false, full = false, quit = false
            for event in events {
                if case .resize = event { redraw = true; full = true }
                switch model.handle(event) {
                case .none: break
                case .redraw: redraw = true
                case .fullRedraw: redraw = true; full = true
                case .setTheme(let name): applyTheme(name); redraw = true; full = true
                case .quit: quit = true
                }
                if quit { break }
            }
            if quit { return }
            if redraw { terminal.blit(model.render(), full: full) }
            if let trace, events.contains(where: { if case .key = $0 { true } else { false } }) {
                trace.record(microseconds: MonotonicClock.microseconds() - arrived)
            }
        }
    }

    private func applyTheme(_ name: String) {
        do {
            let theme = try Theme.load(name: name, userDir: options.userThemeDir)
            terminal.apply(theme)
            model.themeApplied(name: name, error: nil)
        } catch {
            terminal.apply(Theme.builtinDefault)
            model.themeApplied(name: "default", error: TUI.themeProblem(name, error))
        }
    }

    private mutating func isTerminalGone(now: UInt64) -> Bool {
        // A hung-up terminal says so to poll(); the counting below is for terminals that do not.
        var pfd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        if poll(&pfd, 1, 0) == 1, Int32(pfd.revents) & (Int32(POLLHUP) | Int32(POLLERR) | Int32(POLLNVAL)) != 0 {
            return true
        }
        if fastFailures == 0 || now - fastFailureWindowStart > 1_000_000 {
            fastFailures = 0
            fastFailureWindowStart = now
        }
        fastFailures += 1
        if fastFailures >= 200 { return true }
        // Stay polite while deciding: never spin the CPU.
        usleep(2_000)
        return false
    }

    /// The terminal went away or SIGHUP/SIGTERM arrived: keep every draft, then leave.
    private func hangUp() {
        _ = model.handle(.hangup)
        if model.hasUnsavedChanges { model.saveDrafts() }
    }
}

enum MonotonicClock {
    static func microseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }
}

/// Appends one line per key event: microseconds from get_wch returning to doupdate returning.
final class TraceLog {
    private let file: UnsafeMutablePointer<FILE>

    init?(path: String) {
        // Never onto the store's own files; with the person's own rights (docs/deployment.md).
        guard (try? UserFiles.refuseStoreFile(path)) != nil,
              let f = try? UserFiles.withRealIDs({ fopen(path, "a") }) ?? nil else { return nil }
        file = f
    }

    deinit { fclose(file) }

    func record(microseconds: UInt64) {
        fputs("\(microseconds)\n", file)
        fflush(file)
    }
}
