// `caseload passphrase`: the signed-in staff member sets or changes the passphrase that opens the lock screen.
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

struct PassphraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase",
        abstract: "Set or change your passphrase, which unlocks the screen after Caseload locks itself.",
        discussion: """
        Asks for the new passphrase twice, without showing it (and for the current one first when you \
        change it). At least \(PassphraseRules.minimumLength) characters, not one character repeated, not \
        your username; a few words make a good one. When standard input is not a terminal, the lines are \
        read from it instead (current passphrase first when one is set). The store keeps only a salted \
        scrypt hash; the change is recorded in the audit trail, the passphrase never.
        """)

    @OptionGroup var store: StoreOptions

    @OptionGroup var identity: IdentityOptions

    func run() throws {
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        let staffID = me.staffID
        var input = try PassphraseInput()
        defer { input.close() }
        let changing = try repository.hasPassphrase(staffID: staffID)
        if changing {
            let current = try input.read(prompt: "Current passphrase for \(me.staff.username): ")
            guard try repository.verifyPassphrase(current, staffID: staffID) else {
                try repository.record(.failedLogin, by: me.staff, clientID: nil, subject: "passphrase",
                                      detail: SignIn.auditDetail(me, what: "wrong current passphrase when changing it"))
                throw CaseloadError.refused("That is not your current passphrase; nothing was changed.")
            }
        }
        let first = try input.read(prompt: "New passphrase: ")
        try PassphraseRules.check(first, username: me.staff.username)
        let second = try input.read(prompt: "Type it again: ")
        guard first == second else {
            throw CaseloadError.invalidInput("The two passphrases differ; nothing was changed. Run 'caseload passphrase' again.")
        }
        try repository.setPassphrase(first, for: me.staff)
        try repository.record(.update, by: me.staff, clientID: nil, subject: "passphrase",
                              detail: SignIn.auditDetail(me, what: changing ? "changed the passphrase" : "set a passphrase"))
        try Console.out(changing ? "Passphrase changed for \(me.staff.username)."
                        : "Passphrase set for \(me.staff.username). It unlocks the screen when Caseload locks itself.")
    }
}

/// Lines typed on /dev/tty with echo off, or read from standard input when that is not a terminal.
struct PassphraseInput {
    private let fd: Int32
    private let isTerminal: Bool
    private var saved = termios()

    init() throws {
        if isatty(0) == 1 {
            let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
            guard tty >= 0 else {
                throw CaseloadError.refused("Could not open the terminal to ask for the passphrase.")
            }
            fd = tty
            isTerminal = true
            guard tcgetattr(fd, &saved) == 0 else {
                Glibc_close(tty)
                throw CaseloadError.refused("Could not turn off echo on the terminal, so the passphrase is not asked for.")
            }
        } else {
            fd = 0
            isTerminal = false
        }
    }

    mutating func close() {
        if isTerminal { _ = tcsetattr(fd, TCSAFLUSH, &saved); Glibc_close(fd) }
    }

    /// One line without its newline. A terminal shows the prompt and nothing of what is typed.
    mutating func read(prompt: String) throws -> String {
        if isTerminal {
            write(text: prompt)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ICANON)
            _ = tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if isTerminal { _ = tcsetattr(fd, TCSAFLUSH, &saved); write(text: "\n") }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = Glibc_read(fd, &byte)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if bytes.isEmpty {
                    throw CaseloadError.invalidInput(isTerminal ? "No passphrase was typed; nothing was changed."
                        : "Standard input ended before the passphrase; give each passphrase on its own line.")
                }
                break
            }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
            if bytes.count > 4096 { throw CaseloadError.invalidInput("The passphrase is longer than 4096 bytes.") }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CaseloadError.invalidInput("The passphrase is not valid UTF-8 text; check the terminal's character set.")
        }
        return text
    }

    private func write(text: String) {
        var b = Array(text.utf8)
        _ = try? Console.writeAll(fd: fd, &b)
    }
}

// Free functions so the struct's own `close` and `read` do not hide the system calls.
private func Glibc_close(_ fd: Int32) { _ = close(fd) }
private func Glibc_read(_ fd: Int32, _ byte: UnsafeMutablePointer<UInt8>) -> Int { read(fd, byte, 1) }
