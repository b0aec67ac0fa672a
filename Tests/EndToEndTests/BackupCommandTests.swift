// `caseload backup`, `restore` and `check` as an administrator runs them from a shell (issue 7).
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class BackupCommandTests: XCTestCase {
    private func makeStore(_ name: String) throws -> (dir: URL, db: String) {
        let dir = try TempDirectories.make(name)
        let db = dir.appendingPathComponent("clinic.sqlite").path
        let made = try Run.caseload(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let added = try Run.caseload(["staff", "add", "ana", "--name", "Ana Pérez", "--role", "counselor", "--db", db])
        XCTAssertEqual(added.status, 0, added.stderr)
        return (dir, db)
    }

    /// Runs caseload with no controlling terminal (its own session), as under cron: when the tests
    /// themselves run in a terminal, /dev/tty would otherwise be that terminal and the prompt would wait.
    private func withoutTerminal(_ arguments: [String]) throws -> RunResult {
        let setsid = ["/usr/bin/setsid", "/bin/setsid"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let setsid else { return try Run.caseload(arguments) }
        return try Run.program(URL(fileURLWithPath: setsid), [Binary.url.path] + arguments)
    }

    private func staffList(_ db: String) throws -> String {
        let r = try Run.caseload(["staff", "list", "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    func testPlainBackupThenRestoreBringsBackTheStoreAsItWas() throws {
        let (dir, db) = try makeStore("backup-plain")
        let out = dir.appendingPathComponent("monday.sqlite").path
        let backup = try Run.caseload(["backup", "--db", db, "--out", out])
        XCTAssertEqual(backup.status, 0, backup.stderr)
        XCTAssertTrue(backup.stdout.contains("Backup written: \(out)"), backup.stdout)
        XCTAssertTrue(backup.stdout.contains("verified"), backup.stdout)
        XCTAssertNotNil(backup.stdout.range(of: #"Size \d+(\.\d+)? (B|KiB|MiB|GiB), took \d+\.\d s"#, options: .regularExpression),
                        backup.stdout)
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        // The backup is in the audit trail (recorded before the copy, so the copy holds it too).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        XCTAssertNotNil(bytes.range(of: Data("backed up the whole store to \(out)".utf8)), "audit event of the backup")

        // Refuses to overwrite, unless asked.
        let again = try Run.caseload(["backup", "--db", db, "--out", out])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), bytes)

        let before = try staffList(db)
        XCTAssertEqual(try Run.caseload(["staff", "add", "ben", "--name", "Ben Kim", "--role", "counselor", "--db", db]).status, 0)
        XCTAssertTrue(try staffList(db).contains("Ben Kim"))

        let restore = try Run.caseload(["restore", out, "--db", db])
        XCTAssertEqual(restore.status, 0, restore.stderr)
        XCTAssertTrue(restore.stdout.contains("Restored"), restore.stdout)
        XCTAssertTrue(restore.stdout.contains(".replaced-"), restore.stdout)
        XCTAssertEqual(try staffList(db), before, "back as it was at the backup: Ben is gone")

        let check = try Run.caseload(["check", "--db", db])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdout, "ok\n")
    }

    func testSealedBackupNeedsItsPassphraseAndATerminalOrAFile() throws {
        let (dir, db) = try makeStore("backup-sealed")
        let out = dir.appendingPathComponent("sealed.bak").path
        let phrase = dir.appendingPathComponent("phrase").path
        try Data("river stone lantern 42\n".utf8).write(to: URL(fileURLWithPath: phrase))
        let wrong = dir.appendingPathComponent("wrong").path
        try Data("river stone lantern 43\n".utf8).write(to: URL(fileURLWithPath: wrong))

        // No terminal and no file: refused with a sentence, nothing written.
        let noTTY = try withoutTerminal(["backup", "--db", db, "--out", out, "--seal"])
        XCTAssertNotEqual(noTTY.status, 0)
        XCTAssertTrue(noTTY.stderr.contains("no terminal") && noTTY.stderr.contains("--passphrase-file"), noTTY.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))

        let sealed = try Run.caseload(["backup", "--db", db, "--out", out, "--seal", "--passphrase-file", phrase])
        XCTAssertEqual(sealed.status, 0, sealed.stderr)
        XCTAssertTrue(sealed.stdout.contains("sealed") && sealed.stdout.contains("verified"), sealed.stdout)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        XCTAssertEqual(Array(bytes.prefix(8)), Array("CSLDSEAL".utf8))
        XCTAssertNil(bytes.range(of: Data("Ana Pérez".utf8)), "names are not readable in a sealed backup")

        let before = try staffList(db)
        XCTAssertEqual(try Run.caseload(["staff", "add", "ben", "--name", "Ben Kim", "--role", "counselor", "--db", db]).status, 0)
        let withBen = try Data(contentsOf: URL(fileURLWithPath: db))

        for (args, says) in [([String](), "no terminal"), (["--passphrase-file", wrong], "not the passphrase")] {
            let r = try withoutTerminal(["restore", out, "--db", db] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(says), r.stderr)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), withBen, "nothing touched: \(args)")
        }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x20
        let tampered = dir.appendingPathComponent("tampered.bak").path
        try flipped.write(to: URL(fileURLWithPath: tampered))
        let refused = try Run.caseload(["restore", tampered, "--db", db, "--passphrase-file", phrase])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("changed or damaged"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), withBen)

        let restored = try Run.caseload(["restore", out, "--db", db, "--passphrase-file", phrase])
        XCTAssertEqual(restored.status, 0, restored.stderr)
        XCTAssertEqual(try staffList(db), before)
    }

    func testRestoreRefusesAStoreInUseAndNamesIt() throws {
        let (dir, db) = try makeStore("restore-in-use")
        let out = dir.appendingPathComponent("b.sqlite").path
        XCTAssertEqual(try Run.caseload(["backup", "--db", db, "--out", out]).status, 0)
        // A running session holds a shared lock on the lock file for as long as it has the store open.
        let fd = open(db + ".lock", O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(flock(fd, LOCK_SH), 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let refused = try Run.caseload(["restore", out, "--db", db])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("in use") && refused.stderr.contains(db), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
        // Other commands still work beside the session: opening never waits for it.
        XCTAssertEqual(try Run.caseload(["staff", "list", "--db", db]).status, 0)
        close(fd)
        XCTAssertEqual(try Run.caseload(["restore", out, "--db", db]).status, 0)
    }

    func testCheckNamesDamageAndRestoreRefusesADamagedBackup() throws {
        let (dir, db) = try makeStore("check-damage")
        let out = dir.appendingPathComponent("b.sqlite").path
        XCTAssertEqual(try Run.caseload(["backup", "--db", db, "--out", out]).status, 0)
        // A copy of the (self-contained) backup with its second half overwritten.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        for i in (bytes.count / 2)..<bytes.count where i % 7 == 0 { bytes[i] = 0xA5 }
        let damaged = dir.appendingPathComponent("damaged.sqlite").path
        try bytes.write(to: URL(fileURLWithPath: damaged))

        let check = try Run.caseload(["check", "--db", damaged])
        XCTAssertNotEqual(check.status, 0)
        XCTAssertTrue(check.stderr.contains("is damaged"), check.stderr)
        XCTAssertFalse(check.stderr.contains("Fatal error"), check.stderr)

        let damagedBackup = dir.appendingPathComponent("damaged-backup.sqlite").path
        try bytes.write(to: URL(fileURLWithPath: damagedBackup))
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let refused = try Run.caseload(["restore", damagedBackup, "--db", db])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("nothing was restored"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)

        let notBackup = dir.appendingPathComponent("notes.txt").path
        try Data("shopping list\n".utf8).write(to: URL(fileURLWithPath: notBackup))
        let text = try Run.caseload(["restore", notBackup, "--db", db])
        XCTAssertNotEqual(text.status, 0)
        XCTAssertTrue(text.stderr.contains("not a Caseload backup"), text.stderr)
    }
}
