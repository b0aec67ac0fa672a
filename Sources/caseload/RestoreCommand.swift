// `caseload restore`: replaces the store with a backup, keeping the store it replaces.
import ArgumentParser
import CaseloadCore
import CaseloadStore
import Foundation

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the store with a backup made by 'caseload backup'.",
        discussion: """
        Refused while anyone has the store open (every Caseload session must be closed first), for a sealed \
        backup without its passphrase, and for a file that is not a sound Caseload store or comes from a newer \
        version; then nothing is touched. The store it replaces is kept beside it as PATH.replaced-DATE-TIME.
        """)

    @Argument(help: ArgumentHelp("The backup file.", valueName: "file"))
    var file: String

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp("For a sealed backup: read the passphrase from the first line of this file.", valueName: "file"))
    var passphraseFile: String?

    func run() throws {
        try Deployment.refuseWhenInstalled("caseload restore")
        let path = try store.location().path
        StaleCopies.remove(beside: path)
        var passphrase: String?
        if SQLiteStore.isSealedBackup(path: file) {
            // Said before asking for the passphrase, not after.
            if SQLiteStore.sessionsInUse(path: path) { throw SQLiteStore.inUseRefusal(path: path) }
            passphrase = try passphraseFile.map(Passphrase.fromFile) ?? Passphrase.typed("Passphrase of the sealed backup: ")
        }
        let report = try SQLiteStore.restore(from: file, to: path, passphrase: passphrase)
        try Console.out("Restored '\(file)' into '\(path)' (\(String(format: "%.1f", report.seconds)) s).")
        if let replaced = report.replacedPath {
            try Console.out("The store it replaced is kept at '\(replaced)'.")
        }
        // In the restored store's audit trail, when the person is one of its staff.
        if let repository = try? store.openStore(), let me = try? SignIn.identify(in: repository, switchingTo: nil) {
            try? repository.record(.update, by: me.staff, clientID: nil, subject: "store",
                                   detail: SignIn.auditDetail(me, what: "restored the store from the backup \(file)"))
        }
    }
}
