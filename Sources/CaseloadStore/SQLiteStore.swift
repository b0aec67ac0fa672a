// The SQLite store: opening (locking, creating, recognising, migrating) and the admin helpers.
// The read queries of CaseloadRepository live in Queries.swift.
import CaseloadCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
private func posixOpen(_ p: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { Glibc.open(p, flags, mode) }
private func posixClose(_ fd: Int32) { _ = Glibc.close(fd) }
#elseif canImport(Darwin)
import Darwin
private func posixOpen(_ p: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { Darwin.open(p, flags, mode) }
private func posixClose(_ fd: Int32) { _ = Darwin.close(fd) }
#endif

public final class SQLiteStore: CaseloadRepository, @unchecked Sendable {
    public let path: String
    public let clock: any Clock
    private let pool: DatabasePool

    /// For the CLI and tests that need SQL. Writes should go through `write` transactions.
    public var dbPool: DatabasePool { pool }

    private init(path: String, clock: any Clock, pool: DatabasePool) {
        self.path = path; self.clock = clock; self.pool = pool
    }

    /// Opens (and migrates) a store. `create: true` creates a missing file (mode 0600; never world-readable).
    /// Without `create`, a missing file throws CaseloadError.storeNotFound; a missing directory throws
    /// .storeDirectoryMissing; a non-SQLite or non-Caseload file throws .notACaseloadStore; a store whose
    /// schema is newer than this build throws .storeFromNewerVersion.
    public static func open(path: String, create: Bool = false, clock: any Clock = SystemClock()) throws -> SQLiteStore {
        let fm = FileManager.default
        if try !checkLocation(path) && !create { throw CaseloadError.storeNotFound(path: path) }

        // Two processes migrating at once crash one another (SQLite cannot run DDL under a
        // reader's feet reliably), so open + migrate is serialised across processes.
        let lock = try FileLock(path: path + ".lock")
        defer { lock.release() }

        var createdNow = false
        if !fm.fileExists(atPath: path) {
            // Created by us with 0600 before SQLite touches it: SQLite gives -wal and -shm the
            // mode of the database file, so none of the three is ever world-readable.
            let fd = posixOpen(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd >= 0 {
                posixClose(fd)
                createdNow = true
            } else if errno != EEXIST {
                throw permissionOrDamage(path: path, errno: errno)
            }
        }
        guard access(path, R_OK | W_OK) == 0 else {
            throw CaseloadError.refused(
                "Caseload cannot read and write the store '\(path)' (\(String(cString: strerror(errno)))). Ask your administrator to give your account access to it.")
        }

        let header = try readHeader(path: path)
        switch header {
        case .empty:
            guard create || createdNow else { throw CaseloadError.notACaseloadStore(path: path) }
        case .notSQLite, .foreign:
            throw CaseloadError.notACaseloadStore(path: path)
        case .caseload, .unknownWAL:
            break
        }

        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration())
            // GRDB switches its writer to synchronous = NORMAL when it enables WAL; a
            // committed note must survive a power cut, so the writer goes back to FULL.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try pool.read { db in
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if appID == Schema.applicationID { return }
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                // A blank database is only adopted when the caller asked to create a store.
                if appID != 0 || tables > 0 || !(create || createdNow) {
                    throw CaseloadError.notACaseloadStore(path: path)
                }
            }
            let migrator = Schema.migrator
            let known = Schema.knownMigrations
            try pool.read { db in
                let applied = try migrator.appliedIdentifiers(db)
                if !applied.isSubset(of: Set(known)) {
                    throw CaseloadError.storeFromNewerVersion(path: path, storeVersion: applied.count,
                                                              appVersion: known.count)
                }
            }
            try migrator.migrate(pool)
        } catch let error as CaseloadError {
            throw error
        } catch let error as DatabaseError {
            throw translate(error, path: path)
        }
        return SQLiteStore(path: path, clock: clock, pool: pool)
    }

    /// Checks the folder exists and `path` is not a folder; returns whether the file exists.
    private static func checkLocation(_ path: String) throws -> Bool {
        let fm = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty {
            guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CaseloadError.storeDirectoryMissing(path: path)
            }
        }
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        if isDirectory.boolValue { throw CaseloadError.notACaseloadStore(path: path) }
        return true
    }

    /// Opens an existing store without writing to it: no lock file, no migration, and the
    /// database file keeps its bytes (a read-write open may touch the file's header even when
    /// nothing is saved). For looking at a store: "is it a demo?", exports. Writes through it
    /// fail. A store that still needs a migration from this build throws `.refused`.
    public static func openReadOnly(path: String, clock: any Clock = SystemClock()) throws -> SQLiteStore {
        guard try checkLocation(path) else { throw CaseloadError.storeNotFound(path: path) }
        guard access(path, R_OK) == 0 else {
            throw CaseloadError.refused(
                "Caseload cannot read the store '\(path)' (\(String(cString: strerror(errno)))). Ask your administrator to give your account access to it.")
        }
        switch try readHeader(path: path) {
        case .empty, .notSQLite, .foreign: throw CaseloadError.notACaseloadStore(path: path)
        case .caseload, .unknownWAL: break
        }
        var config = configuration()
        config.readonly = true
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            let known = Schema.knownMigrations
            try pool.read { db in
                guard try Int32.fetchOne(db, sql: "PRAGMA application_id") == Schema.applicationID else {
                    throw CaseloadError.notACaseloadStore(path: path)
                }
                let applied = try Schema.migrator.appliedIdentifiers(db)
                if !applied.isSubset(of: Set(known)) {
                    throw CaseloadError.storeFromNewerVersion(path: path, storeVersion: applied.count, appVersion: known.count)
                }
                if applied.count < known.count {
                    throw CaseloadError.refused(
                        "The store '\(path)' was made by an older version of Caseload and must be upgraded first: open it once normally (for example with 'caseload --db \(path)').")
                }
            }
            return SQLiteStore(path: path, clock: clock, pool: pool)
        } catch let error as DatabaseError {
            throw translate(error, path: path)
        }
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        // One process per SSH session shares this file: wait for a writer instead of failing.
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // Readers too, so a reader that ever writes (checkpoint) is just as careful.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return config
    }

    static func translate(_ error: DatabaseError, path: String) -> CaseloadError {
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return .notACaseloadStore(path: path)
        case .SQLITE_CORRUPT:
            return .storeDamaged(path: path, detail: error.message ?? "corrupt database")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return .refused("Caseload cannot open the store '\(path)' (\(error.message ?? "permission denied")). Ask your administrator to give your account access to it.")
        case .SQLITE_FULL:
            return .refused("The disk holding the store '\(path)' is full. Nothing was saved; free some space and try again.")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .refused("The store '\(path)' stayed busy for too long. Try again in a moment.")
        default:
            return .storeDamaged(path: path, detail: error.message ?? "\(error.resultCode)")
        }
    }

    private static func permissionOrDamage(path: String, errno code: Int32) -> CaseloadError {
        .refused("Caseload cannot create the store '\(path)' (\(String(cString: strerror(code)))).")
    }

    private enum Header { case empty, notSQLite, foreign, caseload, unknownWAL }

    /// Looks at the file before SQLite does, so that a foreign database is never switched to WAL.
    private static func readHeader(path: String) throws -> Header {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CaseloadError.refused("Caseload cannot read the store '\(path)'. Ask your administrator to give your account access to it.")
        }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        if bytes.isEmpty { return .empty }
        let magic = Array("SQLite format 3\0".utf8)
        guard bytes.count == 100, Array(bytes[0..<16]) == magic else { return .notSQLite }
        let appID = Int32(bitPattern: UInt32(bytes[68]) << 24 | UInt32(bytes[69]) << 16 | UInt32(bytes[70]) << 8 | UInt32(bytes[71]))
        if appID == Schema.applicationID { return .caseload }
        if appID != 0 { return .foreign }
        // Header byte 18 is 2 in WAL mode. A Caseload store is always WAL, and its
        // application_id may still sit in the -wal file (not yet checkpointed): let SQLite say.
        return bytes[18] == 2 ? .unknownWAL : .foreign
    }

    // MARK: - Admin / setup helpers the CLI uses

    /// Adds a staff account; a username already taken throws `invalidInput`.
    @discardableResult
    public func addStaff(_ staff: Staff) throws -> Staff {
        let username = staff.username.trimmingCharacters(in: .whitespaces)
        guard !username.isEmpty else { throw CaseloadError.invalidInput("A staff account needs a username (the person's login).") }
        guard !staff.displayName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CaseloadError.invalidInput("The staff account '\(username)' needs a display name.")
        }
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE username = ?", arguments: [username]) == true {
                throw CaseloadError.invalidInput("A staff account with the username '\(username)' already exists.")
            }
            if let sup = staff.supervisorID,
               try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE id = ?", arguments: [sup]) != true {
                throw CaseloadError.invalidInput("The supervisor chosen for '\(username)' is not a staff member.")
            }
            var s = staff
            s.username = username
            s.id = try Tables.insert(s, db)
            return s
        }
    }

    /// Every staff account, by display name.
    public func allStaff() throws -> [Staff] {
        try read { db in
            try StaffTable.fetchAll(db, where: "1", orderBy: "display_name, username, id")
        }
    }

    /// Reads the settings, lets `body` change them, and writes them back in one transaction.
    public func updateSettings(_ body: (inout ProgramSettings) -> Void) throws {
        try write { db in
            var settings = try SettingsCodec.read(db)
            body(&settings)
            try SettingsCodec.write(settings, db)
        }
    }

    public func client(mrn: String) throws -> Client? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Tables.clientColumns) FROM clients WHERE mrn = ?", arguments: [mrn])
                .map(Tables.client)
        }
    }

    // MARK: - Transactions with errors a person understands

    /// A read transaction; SQLite errors become CaseloadErrors.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) }
        catch let e as DatabaseError { throw Self.translateWrite(e, path: path) }
        catch let e as BadStoredValue { throw CaseloadError.storeDamaged(path: path, detail: e.description) }
    }

    /// A write transaction; SQLite errors (a trigger refusing, a constraint) become CaseloadErrors.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) }
        catch let e as DatabaseError { throw Self.translateWrite(e, path: path) }
        catch let e as BadStoredValue { throw CaseloadError.storeDamaged(path: path, detail: e.description) }
    }

    static func translateWrite(_ error: DatabaseError, path: String) -> CaseloadError {
        switch error.resultCode {
        case .SQLITE_CONSTRAINT:
            // RAISE(ABORT, …) in a trigger carries a sentence meant for the counselor.
            if error.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER, let m = error.message { return .refused(m) }
            return .invalidInput(constraintMessage(error))
        default:
            return translate(error, path: path)
        }
    }

    private static func constraintMessage(_ error: DatabaseError) -> String {
        let m = error.message ?? ""
        if m.contains("clients.mrn") { return "Another client already has this chart number (MRN)." }
        if m.contains("staff.username") { return "A staff account with this username already exists." }
        if m.contains("treatment_plans.client_id, treatment_plans.version") {
            return "This plan version already exists; someone else may have started the review. Reload the plan."
        }
        if error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            return "This record refers to something that does not exist (it may have been removed in another session)."
        }
        return "The change was not saved: it breaks a rule of the store (\(m))."
    }
}

/// An exclusive `flock` on `<store>.lock`, held while a process opens and migrates the store.
final class FileLock {
    private var fd: Int32

    init(path: String) throws {
        var fd = posixOpen(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if fd < 0 && (errno == EACCES || errno == EPERM) {
            // Another account created the lock file (a store shared by a group): a read-only
            // descriptor is enough for flock.
            fd = posixOpen(path, O_RDONLY | O_CLOEXEC)
        }
        guard fd >= 0 else {
            throw CaseloadError.refused(
                "Caseload cannot create the lock file '\(path)' (\(String(cString: strerror(errno)))). Ask your administrator to give your account access to the store's folder.")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let code = errno
            posixClose(fd)
            throw CaseloadError.refused("Caseload cannot lock '\(path)' (\(String(cString: strerror(code)))).")
        }
        self.fd = fd
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        posixClose(fd)
        fd = -1
    }

    deinit { release() }
}
