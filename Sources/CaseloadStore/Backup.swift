// Backups of the store and their restore: a consistent online copy (SQLite's backup API in one step,
// so sessions keep writing and the copy never restarts), verified by an integrity check of the copy,
// optionally sealed with a passphrase; the integrity checks that `caseload check` and the crash test run.
//
// A plain backup is an SQLite file (rollback-journal mode, one self-contained file), mode 0600.
// A sealed backup (format version 1) is, all integers big-endian:
//
//   offset size
//     0     8   magic "CSLDSEAL"
//     8     1   format version: 1
//     9     1   key derivation: 1 = scrypt
//    10     1   log2 of scrypt's N (15: N = 32768)
//    11     1   scrypt r (8)
//    12     1   scrypt p (1)
//    13     3   zero
//    16     4   chunk size in bytes (1 MiB)
//    20    32   salt (random for every backup)
//    52    32   key check: bytes 32..<64 of the 64-byte scrypt output (the AES-256 key is bytes 0..<32),
//               so a wrong passphrase is told apart from a damaged file
//    84     …   the plain backup in chunks, each AES-256-GCM ciphertext (chunk size bytes; the last one
//               shorter, possibly empty) followed by its 16-byte tag. Nonce: 4 zero bytes + the chunk
//               index (UInt64); the key is new for every file (random salt), so nonces never repeat.
//               Additional data: the 84 header bytes + the chunk index (UInt64) + 1 byte, 1 for the last
//               chunk and 0 otherwise: a changed header, chunks swapped, dropped or added, or a file cut
//               at a chunk boundary all fail authentication.
import CaseloadCore
import Crypto
import _CryptoExtras
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `SQLiteStore.backup` wrote.
public struct BackupReport: Sendable, Equatable {
    /// The backup file.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Wall time taken, copy and verification included.
    public var seconds: Double
    public var sealed: Bool
    /// How many migrations the copied store has (its schema version).
    public var schemaVersion: Int
}

/// What `SQLiteStore.restore` did.
public struct RestoreReport: Sendable, Equatable {
    /// Where the store that was replaced now is (`PATH.replaced-YYYYMMDD-HHMMSS`); nil if there was none.
    public var replacedPath: String?
    /// The schema version of the restored store (an older one is upgraded at its next open).
    public var schemaVersion: Int
    public var sealed: Bool
    public var seconds: Double
}

extension SQLiteStore {
    /// Whether any process holds the store open (a session, an export) or is creating, upgrading or
    /// restoring it: someone holds a lock on `PATH.lock`. Sessions of Caseload versions from before
    /// this lock existed cannot be seen.
    public static func sessionsInUse(path: String) -> Bool {
        guard let lock = FileLock(existing: StorePath.resolve(path) + ".lock") else { return false }
        defer { lock.release() }
        return (try? lock.tryLock(.exclusive)) != true
    }

    /// Everything wrong with the store, as sentences; empty when it is sound. Runs SQLite's full
    /// `PRAGMA integrity_check` (in a read transaction: sessions keep saving) and the FTS5
    /// integrity check of the note search indexes (a write transaction: saves in other sessions wait
    /// while it runs). Minutes on a very large store; not for start-up.
    ///
    /// With `sparingOtherSessions` the search index is checked in a temporary snapshot of the store
    /// (beside it; as much free space as the store takes) instead, so no one's save waits: on the
    /// largest stores that check holds the write lock for about as long as sessions wait (10 s).
    public func integrityProblems(sparingOtherSessions: Bool = false) throws -> [String] {
        do {
            var problems = try dbPool.read { db in try Backup.structureProblems(db) }
            if sparingOtherSessions {
                let temp = try Backup.makeTemp(beside: path)
                defer { Backup.removeTemp(temp) }
                problems += try Backup.searchIndexProblems(inSnapshotOf: dbPool, storePath: path, temp: temp)
            } else {
                problems += try dbPool.writeWithoutTransaction { db in try Backup.searchIndexProblems(db) }
            }
            return problems
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
                return ["the store cannot be read: \(error.message ?? "\(error.resultCode)")"]
            }
            throw Self.translate(error, path: path)
        }
    }

    /// Writes a backup of the whole store to `target` while other sessions go on writing: a consistent
    /// snapshot copied to a temporary file in the target's folder (mode 0600), verified (integrity
    /// check, application_id, schema version), then renamed into place. An existing `target` is
    /// refused unless `overwrite`. With a passphrase the copy is sealed (format at the top of
    /// Backup.swift); the plain copy then waits beside the store, never beside the target, and the
    /// sealed file is decrypted once more to check it before it is renamed into place.
    public func backup(to target: String, passphrase: String?, overwrite: Bool = false) throws -> BackupReport {
        let started = Date()
        try Backup.checkTarget(target, overwrite: overwrite, storePath: path)
        let version: Int
        if let passphrase {
            try Backup.checkNewPassphrase(passphrase)
            let plain = try Backup.makeTemp(beside: path)
            defer { Backup.removeTemp(plain) }
            version = try Backup.copy(of: dbPool, storePath: path, into: plain)
            let sealed = try Backup.makeTemp(beside: target)
            var published = false
            defer { if !published { unlink(sealed) } }
            let digest = try Backup.seal(plain, into: sealed, passphrase: passphrase)
            let check = try Backup.unseal(sealed, into: nil, passphrase: passphrase)
            guard check == digest else {
                throw CaseloadError.refused("The sealed backup did not read back as written, so it was not kept. Check the disk holding '\(target)'.")
            }
            try Backup.publish(sealed, as: target, overwrite: overwrite)
            published = true
        } else {
            version = try Backup.snapshot(of: dbPool, storePath: path, to: target, overwrite: overwrite)
        }
        return BackupReport(path: target, bytes: Backup.fileSize(target), seconds: Date().timeIntervalSince(started),
                            sealed: passphrase != nil, schemaVersion: version)
    }

    /// Removes the temporary copies a killed Caseload command left beside `path` (a backup's, a restore's,
    /// a check's or an init's: `.NAME.tmp-PID-XXXXXX`, with their -journal, -wal, -shm and .lock) whose
    /// process is gone; copies of commands still running are kept. Returns the copies removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(beside path: String) -> [String] {
        let stale = Backup.staleTemps(beside: StorePath.resolve(path))
        for temp in stale { Backup.removeTemp(temp) }
        return stale
    }

    /// Creates a new store at `path` whole or not at all: it is built in a temporary file beside `path`,
    /// `setUp` fills it (the first administrator), and only then is it renamed into place. A command killed
    /// half-way leaves no store, only a temporary copy the next `removeStaleTemporaryFiles` removes.
    /// Refuses an existing file, touching nothing.
    public static func create(path given: String, clock: any Clock = SystemClock(),
                              setUp: (SQLiteStore) throws -> Void) throws {
        let path = StorePath.resolve(given)
        if try checkRestoreLocation(path) {
            throw CaseloadError.refused("'\(given)' already exists, so nothing was changed. Give another path with --db.")
        }
        let temp = try Backup.makeTemp(beside: path)
        var published = false
        defer { if !published { Backup.removeTemp(temp) } }
        let store = try open(path: temp, create: true, clock: clock)
        do {
            try setUp(store)
            // Everything into the main file: the -wal stays behind with the temporary name.
            try store.dbPool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
        do {
            try Backup.publish(temp, as: path, overwrite: false)
        } catch let error as CaseloadError {
            throw FileManager.default.fileExists(atPath: path)
                ? CaseloadError.refused("'\(given)' already exists, so nothing was changed. Give another path with --db.")
                : error
        }
        published = true
        for suffix in StorePath.sideSuffixes { unlink(temp + suffix) }
        chmod(path, 0o600)
    }

    /// Refuses a backup target that is a folder, in a missing folder, an existing file (unless `overwrite`),
    /// or the store or one of the files beside it (by any name), as `backup` does, before anything is written.
    public func checkBackupTarget(_ target: String, overwrite: Bool) throws {
        try Backup.checkTarget(target, overwrite: overwrite, storePath: path)
    }

    /// The refusal of a restore while the store at `path` is in use.
    public static func inUseRefusal(path: String) -> CaseloadError { Backup.inUse(path) }

    /// Whether `path` is a sealed backup (so a passphrase is needed to restore it).
    public static func isSealedBackup(path: String) -> Bool { Backup.kind(of: path) == .sealed }

    /// Replaces the store at `path` with the backup `backup` (plain or sealed). Refuses, touching
    /// nothing, while the store is in use, for a sealed file without the right passphrase, and for a
    /// file that is not a Caseload store, is from a newer version or fails the integrity check.
    /// Otherwise the backup is written to a temporary file beside the store and fsynced; the previous
    /// store (if any) is kept as `PATH.replaced-YYYYMMDD-HHMMSS` (with its -wal), stale -wal/-shm are
    /// removed under the exclusive lock, and the new file is renamed into place (mode 0600).
    @discardableResult
    public static func restore(from backup: String, to given: String, passphrase: String?) throws -> RestoreReport {
        let started = Date()
        // Through a link, the file it points to is replaced, never the link.
        let path = StorePath.resolve(given)
        let kind = Backup.kind(of: backup)
        switch kind {
        case .missing:
            throw CaseloadError.refused("There is no backup file at '\(backup)'.")
        case .unreadable:
            throw CaseloadError.refused("Caseload cannot read the backup '\(backup)' (\(String(cString: strerror(EACCES)))).")
        case .other:
            throw CaseloadError.refused("'\(backup)' is not a Caseload backup, so nothing was restored.")
        case .sealed, .sqlite:
            break
        }
        _ = try checkRestoreLocation(path)

        let lock = try FileLock(path: path + ".lock")
        var published = false
        defer {
            // A lock file made only for a restore that did not happen goes too (unlinked while still held),
            // when there is no store: beside an existing one a session may be opening it meanwhile.
            if !published && lock.createdNow && !FileManager.default.fileExists(atPath: path) { unlink(lock.path) }
            lock.release()
        }
        guard try lock.tryLock(.exclusive) else { throw Backup.inUse(path) }
        if kind == .sealed && (passphrase ?? "").isEmpty {
            throw CaseloadError.refused("The backup '\(backup)' is sealed with a passphrase; give it (--passphrase-file FILE, or type it at a terminal). Nothing was restored.")
        }

        let temp = try Backup.makeTemp(beside: path)
        defer { if !published { Backup.removeTemp(temp) } }
        if kind == .sealed {
            _ = try Backup.unseal(backup, into: temp, passphrase: passphrase ?? "")
        } else {
            try Backup.copyFile(backup, to: temp)
        }
        let version = try Backup.verifyRestorable(temp, backup: backup)
        try Backup.fsyncPath(temp)

        var replaced: String?
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let kept = Backup.uniquePath(path + ".replaced-" + Backup.timestamp())
            try Backup.renameOrSay(path, kept)
            // The -wal may hold committed changes not yet in the main file: it goes with it.
            if Backup.fileSize(path + "-wal") > 0 { try Backup.renameOrSay(path + "-wal", kept + "-wal") }
            replaced = kept
        }
        for stale in [path + "-wal", path + "-shm", path + "-journal"] { unlink(stale) }
        try Backup.renameOrSay(temp, path)
        published = true
        chmod(path, 0o600)
        Backup.fsyncDirectory(of: path)
        return RestoreReport(replacedPath: replaced, schemaVersion: version, sealed: kind == .sealed,
                             seconds: Date().timeIntervalSince(started))
    }

    private static func checkRestoreLocation(_ path: String) throws -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty {
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CaseloadError.storeDirectoryMissing(path: path)
            }
        }
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        if isDirectory.boolValue { throw CaseloadError.notACaseloadStore(path: path) }
        return true
    }
}

enum Backup {
    static let magic = Array("CSLDSEAL".utf8)
    static let headerSize = 84
    static let chunkSize = 1 << 20
    static let tagSize = 16
    static let scryptLog2N: UInt8 = 15, scryptR: UInt8 = 8, scryptP: UInt8 = 1

    enum Kind { case missing, unreadable, sealed, sqlite, other }

    static func kind(of path: String) -> Kind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return isDirectory.boolValue ? .other : .missing
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .unreadable }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        if bytes.count >= 8 && Array(bytes[0..<8]) == magic { return .sealed }
        if bytes.count == 16 && bytes == Array("SQLite format 3\0".utf8) { return .sqlite }
        return .other
    }

    static func inUse(_ path: String) -> CaseloadError {
        .refused("The store '\(path)' is in use: Caseload sessions (or an export, a backup or an upgrade) have it open. Everyone must quit Caseload before it can be restored; nothing was changed.")
    }

    // MARK: Copy and verify

    /// A verified copy of the store at `target` (temp file beside it, then renamed); the schema version.
    @discardableResult
    static func snapshot(of pool: DatabasePool, storePath: String, to target: String, overwrite: Bool) throws -> Int {
        let temp = try makeTemp(beside: target)
        var published = false
        defer { if !published { removeTemp(temp) } }
        let version = try copy(of: pool, storePath: storePath, into: temp)
        try publish(temp, as: target, overwrite: overwrite)
        published = true
        chmod(target, 0o600)
        return version
    }

    /// Copies the store into the (empty) file `temp` in one backup step, makes the copy a plain
    /// rollback-journal file, verifies it and fsyncs it; returns its schema version.
    static func copy(of pool: DatabasePool, storePath: String, into temp: String) throws -> Int {
        do {
            let destination = try DatabaseQueue(path: temp)
            defer { try? destination.close() }
            // pagesPerStep -1: the whole store in one step, under one read transaction of the
            // source: a consistent snapshot that other sessions' writes never restart.
            try pool.backup(to: destination)
            return try destination.writeWithoutTransaction { db -> Int in
                // The copy inherits WAL mode from the store; a backup is better as one file.
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
                guard try Int32.fetchOne(db, sql: "PRAGMA application_id") == Schema.applicationID else {
                    throw CaseloadError.refused("The copy of the store is not recognisable as a Caseload store; it was not kept.")
                }
                let applied = try Schema.migrator.appliedIdentifiers(db)
                let problems = try structureProblems(db) + searchIndexProblems(db)
                if !problems.isEmpty {
                    throw CaseloadError.storeDamaged(path: storePath, detail: "the copy fails the integrity check: " + problems.prefix(3).joined(separator: "; "))
                }
                return applied.count
            }
        } catch let error as DatabaseError {
            throw copyError(error, storePath: storePath, temp: temp)
        }
    }

    private static func copyError(_ error: DatabaseError, storePath: String, temp: String) -> CaseloadError {
        let folder = (temp as NSString).deletingLastPathComponent
        if error.resultCode == .SQLITE_FULL || diskIsFull(near: temp) {
            return .refused("There is not enough free space in '\(folder.isEmpty ? "." : folder)' for the copy of the store; nothing was written. Free some space and try again.")
        }
        if error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            return .storeDamaged(path: storePath, detail: error.message ?? "corrupt database")
        }
        return .refused("The copy of the store could not be written in '\(folder.isEmpty ? "." : folder)' (\(error.message ?? "\(error.resultCode)")); nothing was kept.")
    }

    /// The FTS5 check run on a snapshot copy of the store in `temp` (an empty file).
    static func searchIndexProblems(inSnapshotOf pool: DatabasePool, storePath: String, temp: String) throws -> [String] {
        do {
            let copy = try DatabaseQueue(path: temp)
            defer { try? copy.close() }
            try pool.backup(to: copy)
            return try copy.writeWithoutTransaction { db in try searchIndexProblems(db) }
        } catch let error as DatabaseError {
            throw copyError(error, storePath: storePath, temp: temp)
        }
    }

    /// SQLite's own full check; each line it reports is one problem.
    static func structureProblems(_ db: Database) throws -> [String] {
        let rows = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        if rows == ["ok"] { return [] }
        return rows.prefix(20).map { "integrity check: \($0)" }
    }

    /// FTS5's check of the note search indexes (contentless tables: their internal structure).
    /// Needs a connection that may write (the check is an INSERT command), outside a read transaction.
    static func searchIndexProblems(_ db: Database) throws -> [String] {
        var problems: [String] = []
        for table in ["note_search", "note_search_recent"] {
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                    arguments: [table]) == true else { continue }
            do {
                try db.execute(sql: "INSERT INTO \(table) (\(table), rank) VALUES ('integrity-check', 1)")
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
                problems.append("the note search index (\(table)) is damaged: \(error.message ?? "corrupt")")
            }
        }
        return problems
    }

    /// Checks a file about to be restored (the temp copy): a Caseload store, not from a newer
    /// version, sound. Returns its schema version.
    static func verifyRestorable(_ temp: String, backup: String) throws -> Int {
        do {
            let queue = try DatabaseQueue(path: temp)
            defer { try? queue.close() }
            return try queue.writeWithoutTransaction { db -> Int in
                guard try Int32.fetchOne(db, sql: "PRAGMA application_id") == Schema.applicationID else {
                    throw CaseloadError.refused("'\(backup)' is not a Caseload backup, so nothing was restored.")
                }
                let applied = try Schema.migrator.appliedIdentifiers(db)
                let known = Schema.knownMigrations
                if !applied.isSubset(of: Set(known)) {
                    throw CaseloadError.refused("The backup '\(backup)' was made by a newer version of Caseload (schema \(applied.count); this program knows up to \(known.count)). Update Caseload before restoring it; nothing was restored.")
                }
                let problems = try structureProblems(db) + searchIndexProblems(db)
                if !problems.isEmpty {
                    throw CaseloadError.refused("The backup '\(backup)' fails the integrity check (\(problems.prefix(3).joined(separator: "; "))), so nothing was restored.")
                }
                // A restored store is a single file; the next open switches it back to WAL.
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
                return applied.count
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_FULL || diskIsFull(near: temp) {
                throw SQLiteStore.diskFull(temp)
            }
            throw CaseloadError.refused("The backup '\(backup)' is damaged or not a Caseload store (\(error.message ?? "\(error.resultCode)")), so nothing was restored.")
        }
    }

    // MARK: Sealing

    static func checkNewPassphrase(_ passphrase: String) throws {
        if passphrase.count < 8 {
            throw CaseloadError.invalidInput("A passphrase for a sealed backup needs at least 8 characters; a few words are best.")
        }
    }

    /// The AES key and the key check for a passphrase and salt.
    static func keys(_ passphrase: String, salt: [UInt8], log2N: UInt8, r: UInt8, p: UInt8) throws -> (key: SymmetricKey, check: [UInt8]) {
        guard log2N >= 10, log2N <= 22, r >= 1, r <= 32, p >= 1, p <= 16 else {
            throw CaseloadError.refused("The sealed backup asks for key settings this version of Caseload does not accept.")
        }
        let derived = try KDF.Scrypt.deriveKey(from: Array(passphrase.utf8), salt: salt, outputByteCount: 64,
                                               rounds: 1 << Int(log2N), blockSize: Int(r), parallelism: Int(p))
        let bytes = derived.withUnsafeBytes { Array($0) }
        return (SymmetricKey(data: bytes[0..<32]), Array(bytes[32..<64]))
    }

    static func header(salt: [UInt8], check: [UInt8]) -> [UInt8] {
        var h = magic + [1, 1, scryptLog2N, scryptR, scryptP, 0, 0, 0]
        h += be32(UInt32(chunkSize))
        h += salt + check
        return h
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    static func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(v >> (56 - 8 * UInt64($0)) & 0xff) } }

    static func nonce(_ index: UInt64) throws -> AES.GCM.Nonce { try AES.GCM.Nonce(data: [0, 0, 0, 0] + be64(index)) }
    static func aad(_ header: [UInt8], _ index: UInt64, last: Bool) -> [UInt8] { header + be64(index) + [last ? 1 : 0] }

    /// Encrypts `plain` into `sealed` (an existing empty temp file); returns SHA-256 of the plaintext.
    static func seal(_ plain: String, into sealed: String, passphrase: String) throws -> [UInt8] {
        var salt = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &generator) }
        let (key, check) = try keys(passphrase, salt: salt, log2N: scryptLog2N, r: scryptR, p: scryptP)
        let head = header(salt: salt, check: check)
        let input = try FileReader(plain)
        defer { input.close() }
        let output = try FileWriter(sealed)
        defer { output.close() }
        try output.write(head)
        var hash = SHA256()
        var index: UInt64 = 0
        var chunk = try input.read(chunkSize)
        while true {
            let next = chunk.count == chunkSize ? try input.read(chunkSize) : []
            let last = next.isEmpty
            hash.update(data: chunk)
            let box = try AES.GCM.seal(chunk, using: key, nonce: nonce(index), authenticating: aad(head, index, last: last))
            try output.write(Array(box.ciphertext) + Array(box.tag))
            if last { break }
            chunk = next
            index += 1
        }
        try output.sync()
        return Array(hash.finalize())
    }

    /// Decrypts `sealed` (into `plain` if given, an existing empty file); returns SHA-256 of the plaintext.
    /// A wrong passphrase and a changed file are told apart; either way nothing else is touched.
    static func unseal(_ sealed: String, into plain: String?, passphrase: String) throws -> [UInt8] {
        let input = try FileReader(sealed)
        defer { input.close() }
        let head = try input.read(headerSize)
        guard head.count == headerSize, Array(head[0..<8]) == magic else {
            throw CaseloadError.refused("'\(sealed)' is not a sealed Caseload backup, or its header is damaged; nothing was restored.")
        }
        guard head[8] == 1, head[9] == 1 else {
            throw CaseloadError.refused("The sealed backup '\(sealed)' is in a format this version of Caseload does not know (version \(head[8])). Update Caseload; nothing was restored.")
        }
        let size = Int(UInt32(head[16]) << 24 | UInt32(head[17]) << 16 | UInt32(head[18]) << 8 | UInt32(head[19]))
        guard size >= 4096, size <= 64 << 20 else {
            throw CaseloadError.refused("The sealed backup '\(sealed)' has a damaged header; nothing was restored.")
        }
        let (key, check) = try keys(passphrase, salt: Array(head[20..<52]), log2N: head[10], r: head[11], p: head[12])
        guard check == Array(head[52..<84]) else {
            throw CaseloadError.refused("That is not the passphrase this backup was sealed with; nothing was restored.")
        }
        let output = try plain.map { try FileWriter($0) }
        defer { output?.close() }
        var hash = SHA256()
        var index: UInt64 = 0
        var chunk = try input.read(size + tagSize)
        while true {
            let next = chunk.count == size + tagSize ? try input.read(size + tagSize) : []
            let last = next.isEmpty
            guard chunk.count >= tagSize else { throw tampered(sealed, index) }
            let opened: Data
            do {
                let box = try AES.GCM.SealedBox(nonce: nonce(index), ciphertext: chunk[0..<(chunk.count - tagSize)],
                                                tag: chunk[(chunk.count - tagSize)...])
                opened = try AES.GCM.open(box, using: key, authenticating: aad(head, index, last: last))
            } catch {
                throw tampered(sealed, index)
            }
            hash.update(data: opened)
            try output?.write(Array(opened))
            if last { break }
            chunk = next
            index += 1
        }
        try output?.sync()
        return Array(hash.finalize())
    }

    private static func tampered(_ path: String, _ index: UInt64) -> CaseloadError {
        .refused("The sealed backup '\(path)' has been changed or damaged (at MiB \(index)); it cannot be trusted, so nothing was restored.")
    }

    // MARK: Files

    /// A new empty file (mode 0600) in the folder of `path`, named after it and after this process
    /// (`.NAME.tmp-PID-XXXXXX`), so that a copy left by a killed command can be told from one in use.
    static func makeTemp(beside path: String) throws -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var template = Array(((directory.isEmpty ? "" : directory + "/") + "." + name + ".tmp-\(getpid())-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            let code = errno
            if code == ENOSPC { throw CaseloadError.refused("The disk holding '\(path)' is full; nothing was written. Free some space and try again.") }
            throw CaseloadError.refused("Caseload cannot write in the folder of '\(path)' (\(String(cString: strerror(code)))).")
        }
        fchmod(fd, 0o600)
        posixClose(fd)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A temp database file and whatever SQLite and Caseload left beside it.
    static func removeTemp(_ path: String) {
        for suffix in [""] + StorePath.sideSuffixes { unlink(path + suffix) }
    }

    /// The temporary copies (`.NAME.tmp-PID-XXXXXX` and their side files) beside `path` whose process is
    /// gone: a command killed before it could remove them. Copies of a running process are left alone.
    static func staleTemps(beside path: String) -> [String] {
        let (folder, name) = StorePath.split(path)
        let prefix = "." + name + ".tmp-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var stale: Set<String> = []
        for entry in entries where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            // Alive (or another user's: EPERM) means in use.
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            var base = String(entry)
            for suffix in StorePath.sideSuffixes where base.hasSuffix(suffix) { base.removeLast(suffix.count) }
            stale.insert(folder + "/" + base)
        }
        return stale.sorted()
    }

    static func checkTarget(_ target: String, overwrite: Bool, storePath: String) throws {
        let directory = (target as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty {
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CaseloadError.refused("The folder for the backup '\(target)' does not exist. Create it first.")
            }
        }
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw CaseloadError.refused("'\(target)' is a folder; give the backup a file name.") }
        }
        // The store, its side files (-wal, -shm, -journal, .lock) and anything beside it named after it,
        // by whatever name (docs/deployment.md, "Files the program opens").
        if StorePath.isStoreFile(target, of: storePath) {
            throw CaseloadError.refused(UserFiles.storeFileRefusal(target, store: StorePath.resolve(storePath)))
        }
        if FileManager.default.fileExists(atPath: target) {
            if !overwrite {
                throw CaseloadError.refused("'\(target)' already exists, so nothing was written. Give another name, or ask to overwrite it.")
            }
        }
    }

    /// Moves the verified temp file to its name: never over an existing file unless asked.
    static func publish(_ temp: String, as target: String, overwrite: Bool) throws {
        try fsyncPath(temp)
        if overwrite {
            try renameOrSay(temp, target)
        } else if link(temp, target) == 0 {
            unlink(temp)
        } else if errno == EEXIST {
            throw CaseloadError.refused("'\(target)' already exists, so nothing was written. Give another name, or ask to overwrite it.")
        } else {
            // A file system without hard links (a FAT stick): check, then rename.
            guard !FileManager.default.fileExists(atPath: target) else {
                throw CaseloadError.refused("'\(target)' already exists, so nothing was written. Give another name, or ask to overwrite it.")
            }
            try renameOrSay(temp, target)
        }
        fsyncDirectory(of: target)
    }

    static func renameOrSay(_ from: String, _ to: String) throws {
        guard rename(from, to) == 0 else {
            throw CaseloadError.refused("Caseload could not rename '\(from)' to '\(to)' (\(String(cString: strerror(errno)))).")
        }
    }

    static func copyFile(_ from: String, to: String) throws {
        let input = try FileReader(from)
        defer { input.close() }
        let output = try FileWriter(to)
        defer { output.close() }
        while true {
            let chunk = try input.read(chunkSize)
            if chunk.isEmpty { break }
            try output.write(chunk)
        }
        try output.sync()
    }

    static func fsyncPath(_ path: String) throws {
        let fd = posixOpen(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { posixClose(fd) }
        if fsync(fd) != 0 && errno != EINVAL {
            throw CaseloadError.refused("Caseload could not write '\(path)' to disk (\(String(cString: strerror(errno)))).")
        }
    }

    static func fsyncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = posixOpen(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        posixClose(fd)
    }

    static func fileSize(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    /// True when the file system holding `path` has (next to) no space left for an unprivileged write.
    static func diskIsFull(near path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        var fs = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &fs) == 0 else { return false }
        return UInt64(fs.f_bavail) * UInt64(fs.f_frsize) < 256 * 1024
    }

    /// Local time as YYYYMMDD-HHMMSS, for file names an administrator reads.
    static func timestamp(_ date: Date = Date()) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%04d%02d%02d-%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// `base`, or `base-2`, `base-3`… if taken.
    static func uniquePath(_ base: String) -> String {
        var candidate = base
        var n = 2
        while FileManager.default.fileExists(atPath: candidate) || FileManager.default.fileExists(atPath: candidate + "-wal") {
            candidate = "\(base)-\(n)"
            n += 1
        }
        return candidate
    }
}

/// Reads a file in chunks with read(2).
final class FileReader {
    private var fd: Int32
    let path: String
    init(_ path: String) throws {
        self.path = path
        fd = posixOpen(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CaseloadError.refused("Caseload cannot read '\(path)' (\(String(cString: strerror(errno)))).")
        }
    }
    /// Up to `count` bytes; fewer only at the end of the file.
    func read(_ count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { raw in posixRead(fd, raw.baseAddress! + filled, count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CaseloadError.refused("Caseload could not read '\(path)' (\(String(cString: strerror(errno)))).")
            }
            if n == 0 { break }
            filled += n
        }
        if filled < count { buffer.removeLast(count - filled) }
        return buffer
    }
    func close() { if fd >= 0 { posixClose(fd); fd = -1 } }
    deinit { close() }
}

/// Writes a file with write(2); a full disk is said in words.
final class FileWriter {
    private var fd: Int32
    let path: String
    init(_ path: String) throws {
        self.path = path
        fd = posixOpen(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else {
            throw CaseloadError.refused("Caseload cannot write '\(path)' (\(String(cString: strerror(errno)))).")
        }
    }
    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in posixWrite(fd, raw.baseAddress! + offset, raw.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            offset += n
        }
    }
    func sync() throws {
        if fsync(fd) != 0 && errno != EINVAL { throw failure(errno) }
    }
    private func failure(_ code: Int32) -> CaseloadError {
        let folder = (path as NSString).deletingLastPathComponent
        if code == ENOSPC || code == EDQUOT {
            return .refused("There is not enough free space in '\(folder.isEmpty ? "." : folder)'; nothing was kept. Free some space and try again.")
        }
        return .refused("Caseload could not write '\(path)' (\(String(cString: strerror(code)))).")
    }
    func close() { if fd >= 0 { posixClose(fd); fd = -1 } }
    deinit { close() }
}
