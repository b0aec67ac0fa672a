// Signal handling for the TUI: hang-up and SIGTERM ask the loop to save and leave; fatal signals
// and SIGINT/SIGQUIT put the terminal back before the default action runs. Handlers only touch
// memory prepared beforehand and call async-signal-safe functions (write, tcsetattr, signal, raise).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Set by the SIGHUP/SIGTERM handler, read by the loop after get_wch returns (EINTR).
nonisolated(unsafe) private var pendingHangupSignal: sig_atomic_t = 0
// Bytes that undo what the TUI did to the terminal, prepared before any handler is installed.
nonisolated(unsafe) private var restoreBytes: UnsafeMutablePointer<UInt8>?
nonisolated(unsafe) private var restoreByteCount = 0
nonisolated(unsafe) private var originalTermios: UnsafeMutablePointer<termios>?
nonisolated(unsafe) private var terminalRestored: sig_atomic_t = 1
// The actions installed before ours, indexed by signal number (a plain array: handlers cannot use Swift collections).
nonisolated(unsafe) private var savedActions: UnsafeMutablePointer<sigaction>?
private let savedActionCount: Int32 = 65

private func hangupHandler(_ sig: Int32) {
    pendingHangupSignal = sig
}

private func fatalHandler(_ sig: Int32) {
    restoreTerminalNow()
    // The default action, not Swift's crash reporter: that one waits for a key on a terminal, which
    // a counselor would read as a frozen screen. The default gives the usual exit status (and core).
    signal(sig, SIG_DFL)
    raise(sig)
}

/// Writes the prepared reset sequence and the original tty modes. Safe inside a signal handler.
private func restoreTerminalNow() {
    guard terminalRestored == 0 else { return }
    terminalRestored = 1
    if let bytes = restoreBytes, restoreByteCount > 0 {
        var done = 0
        while done < restoreByteCount {
            let n = write(STDOUT_FILENO, bytes + done, restoreByteCount - done)
            if n <= 0 { break }
            done += n
        }
    }
    if let t = originalTermios { tcsetattr(STDIN_FILENO, TCSANOW, t) }
}

enum Signals {
    static let hangupSignals: [Int32] = [SIGHUP, SIGTERM]
    static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGINT, SIGQUIT]

    nonisolated(unsafe) private static var installed: Set<Int32> = []

    /// The signal (SIGHUP or SIGTERM) that asked the session to end, or nil.
    static var hangupRequested: Int32? {
        pendingHangupSignal == 0 ? nil : pendingHangupSignal
    }

    /// Remembers the actions in force before curses starts (curses installs its own for SIGINT and
    /// SIGTERM, which exit(1); re-raising must reach the program's real default, not those).
    static func recordOriginalActions() {
        if savedActions == nil {
            let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: Int(savedActionCount))
            actions.initialize(repeating: sigaction(), count: Int(savedActionCount))
            savedActions = actions
        }
        guard let saved = savedActions else { return }
        for sig in hangupSignals + fatalSignals { sigaction(sig, nil, saved + Int(sig)) }
    }

    /// Records how to put the terminal back. Call before `install`, with the terminal's original
    /// modes (taken before curses changed them) and the escape sequences that undo the session.
    static func prepare(original: termios?, resetSequence: [UInt8]) {
        if let original {
            let t = originalTermios ?? UnsafeMutablePointer<termios>.allocate(capacity: 1)
            t.initialize(to: original)
            originalTermios = t
        }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, resetSequence.count))
        buffer.initialize(from: resetSequence, count: resetSequence.count)
        restoreBytes = buffer
        restoreByteCount = resetSequence.count
        pendingHangupSignal = 0
        terminalRestored = 0
    }

    static func install() {
        for sig in hangupSignals {
            // No SA_RESTART: the blocking read must return EINTR so the loop sees the request at once.
            set(sig, handler: hangupHandler, flags: 0)
        }
        for sig in fatalSignals {
            // SA_NODEFER: the handler's own raise() must be delivered at once, not after it returns.
            set(sig, handler: fatalHandler, flags: Int32(bitPattern: UInt32(truncatingIfNeeded: SA_NODEFER)))
        }
    }

    /// Puts back the handlers that were there before `install` (the CLI runs on after the TUI).
    static func uninstall() {
        guard let saved = savedActions else { return }
        for sig in installed { sigaction(sig, saved + Int(sig), nil) }
        installed = []
    }

    /// The loop restored the terminal itself (endwin): handlers must not write the reset again.
    static func terminalWasRestored() {
        terminalRestored = 1
    }

    private static func set(_ sig: Int32, handler: @convention(c) (Int32) -> Void, flags: Int32) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = flags
        guard savedActions != nil, sig > 0, sig < savedActionCount else { return }
        if sigaction(sig, &action, nil) == 0 { installed.insert(sig) }
    }
}
