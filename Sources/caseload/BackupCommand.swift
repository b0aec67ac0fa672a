// `caseload backup`: an online, verified copy of the store, optionally sealed with a passphrase.
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

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a verified copy of the whole store (sessions may keep working meanwhile).",
        discussion: """
        The copy is a consistent snapshot, checked with SQLite's integrity check before it is kept, mode 0600. \
        With --seal it is encrypted (AES-GCM, key from the passphrase with scrypt); the passphrase comes from \
        --passphrase-file (its first line) or is typed twice at the terminal. Every backup is recorded in the \
        audit trail. Treat the file as protected health information.
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The backup file to write (refused if it exists, unless --overwrite).", valueName: "file"))
    var out: String

    @Flag(name: .long, help: "Seal the backup with a passphrase.")
    var seal = false

    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp("Read the passphrase from the first line of this file (implies --seal).", valueName: "file"))
    var passphraseFile: String?

    @Flag(name: .long, help: "Replace the file given with --out if it exists.")
    var overwrite = false

    func run() throws {
        try Deployment.refuseWhenInstalled("caseload backup")
        let passphrase: String?
        if let passphraseFile {
            passphrase = try Passphrase.fromFile(passphraseFile)
        } else if seal {
            passphrase = try Passphrase.typedTwice()
        } else {
            passphrase = nil
        }
        let repository = try store.openStore()
        StaleCopies.remove(beside: repository.path)
        StaleCopies.remove(beside: out)
        let me = try SignIn.identify(in: repository, switchingTo: nil)
        try repository.checkBackupTarget(out, overwrite: overwrite)
        // Record first: a copy of every chart that leaves no trace is worse than a trace of one that failed.
        try repository.record(.export, by: me.staff, clientID: nil, subject: "backup",
                              detail: SignIn.auditDetail(me, what: "backed up the whole store\(passphrase == nil ? "" : " (sealed)") to \(out)"))
        let report = try repository.backup(to: out, passphrase: passphrase, overwrite: overwrite)
        try Console.out("Backup written: \(report.path)\(report.sealed ? " (sealed with a passphrase)" : "")")
        try Console.out(String(format: "Size %@, took %.1f s, verified (integrity check of the copy passed; schema %d).",
                               DemoCommand.humanSize(report.bytes), report.seconds, report.schemaVersion))
    }
}

/// Passphrases for sealed backups: from a file, or typed at the terminal with echo off.
enum Passphrase {
    static func fromFile(_ path: String) throws -> String {
        guard let data = UserFiles.contents(atPath: path, limit: 1 << 16) else {
            throw CaseloadError.refused("Caseload cannot read the passphrase file '\(path)'.")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        guard !line.isEmpty else {
            throw CaseloadError.invalidInput("The passphrase file '\(path)' is empty; put the passphrase on its first line.")
        }
        return line
    }

    static func typedTwice() throws -> String {
        let first = try typed("Passphrase for the sealed backup: ")
        let second = try typed("The same passphrase again: ")
        guard first == second else {
            throw CaseloadError.invalidInput("The two passphrases differ; nothing was written. Try again.")
        }
        return first
    }

    /// One line from /dev/tty with echo off. Refused when there is no terminal (cron, a pipe).
    static func typed(_ prompt: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            throw CaseloadError.refused("A passphrase is needed and there is no terminal to type it at: give it with --passphrase-file FILE.")
        }
        defer { close(fd) }
        var bytes = Array(prompt.utf8)
        try Console.writeAll(fd: fd, &bytes)
        var saved = termios()
        let haveTermios = tcgetattr(fd, &saved) == 0
        if haveTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer { if haveTermios { tcsetattr(fd, TCSAFLUSH, &saved) } }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard !line.isEmpty else { throw CaseloadError.invalidInput("No passphrase was typed; nothing was done.") }
        return String(decoding: line, as: UTF8.self)
    }
}
