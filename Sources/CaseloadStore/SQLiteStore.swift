// The SQLite store: opening (locking, creating, recognising, migrating) and the admin helpers.
// The read queries of CaseloadRepository live in Queries.swift.
import CaseloadCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
func posixOpen(_ p: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { Glibc.open(p, flags, mode) }
func posixClose(_ fd: Int32) { _ = Glibc.close(fd) }
func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { Glibc.read(fd, buffer, count) }
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Glibc.write(fd, buffer, count) }
#elseif canImport(Darwin)
import Darwin
func posixOpen(_ p: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { Darwin.open(p, flags, mode) }
func posixClose(_ fd: Int32) { _ = Darwin.close(fd) }
func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { Darwin.read(fd, buffer, count) }
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Darwin.write(fd, buffer, count) }
#endif

public final class SQLiteStore: CaseloadRepository, @unchecked Sendable {
    public let path: String
    /// The store's time: every timestamp it writes and every "today" it computes. Set at open; a demo store
    /// may have it pinned once, before use (`pinDemoClock`).
    public private(set) var clock: any Clock
    private let pool: DatabasePool
    /// A shared `flock` on `PATH.lock` for as long as the store is open (nil: a read-only open of a
    /// store that has no lock file). Restore and upgrades need the exclusive lock, so they can tell.
    private let sessionLock: FileLock?

    /// The person this handle acts for and their emergency grants (Access.swift).
    let accessGuard = AccessGuard()

    /// Where `open` put the verified copy of the store it took before upgrading it (nil: no upgrade).
    public let upgradeBackupPath: String?

    /// For the CLI and tests that need SQL. Writes should go through `write` transactions.
    public var dbPool: DatabasePool { pool }

    private init(path: String, clock: any Clock, pool: DatabasePool, lock: FileLock?, upgradeBackupPath: String? = nil) {
        self.path = path; self.clock = clock; self.pool = pool; self.sessionLock = lock
        self.upgradeBackupPath = upgradeBackupPath
    }

    /// `CASELOAD_NOW` ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", local time): on a store made by `caseload demo`,
    /// today becomes that moment, running on from there (PinnedClock), so a test or a demonstration can
    /// fix the day. Any other store ignores it: a program's records always carry the real time. Call it
    /// right after opening, before the handle is shared. Returns whether the clock was pinned.
    @discardableResult
    public func pinDemoClock(_ value: String?) throws -> Bool {
        guard let value, !value.isEmpty else { return false }
        guard let pinned = PinnedClock(parsing: value) else {
            throw CaseloadError.invalidInput(
                "CASELOAD_NOW takes a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM); '\(value)' is neither.")
        }
        guard try settings().isDemo else { return false }
        clock = pinned
        return true
    }

    /// Closes the database connections and gives up this session's hold on the store. Also done
    /// when the last reference goes away.
    public func close() throws {
        try pool.close()
        sessionLock?.release()
    }

    /// Opens (and migrates) a store. `create: true` creates a missing file (mode 0600; never world-readable).
    /// Without `create`, a missing file throws CaseloadError.storeNotFound; a missing directory throws
    /// .storeDirectoryMissing; a non-SQLite or non-Caseload file throws .notACaseloadStore; a store whose
    /// schema is newer than this build throws .storeFromNewerVersion; a damaged one .storeDamaged.
    ///
    /// The store keeps a shared lock on `PATH.lock` while it is open. Creating or upgrading needs the
    /// exclusive lock: an upgrade waits up to 15 s for sessions of the older version to close, then
    /// refuses. An existing store that needs an upgrade is first copied (verified) to
    /// `PATH.before-vN-YYYYMMDD-HHMMSS`; `upgradeBackupPath` says where.
    public static func open(path: String, create: Bool = false, clock: any Clock = SystemClock()) throws -> SQLiteStore {
        try open(path: path, create: create, clock: clock, upgradeWait: 15)
    }

    static func open(path given: String, create: Bool, clock: any Clock, upgradeWait: TimeInterval) throws -> SQLiteStore {
        // One real file whatever the name it is reached by (docs/deployment.md, "Files the program opens"):
        // its lock, side files and checks all follow from this path.
        let path = StorePath.resolve(given)
        StorePath.register(path)
        if try !checkLocation(path) && !create { throw CaseloadError.storeNotFound(path: path) }
        let lock = try FileLock(path: path + ".lock")
        // Waiting for sessions that hold the store open (shared) is bounded by `upgradeWait`; waiting for
        // one process that is creating, upgrading or restoring it (exclusive) is bounded more loosely.
        let othersDeadline = Date().addingTimeInterval(upgradeWait)
        let upgraderDeadline = Date().addingTimeInterval(max(upgradeWait, 600))
        while true {
            if try lock.tryLock(.shared) {
                // The common case: nothing to create or migrate, so no waiting for anyone.
                if let opened = try prepare(path: path, create: create, exclusive: false) {
                    return SQLiteStore(path: path, clock: clock, pool: opened.pool, lock: lock)
                }
                try lock.unlock()
                if try lock.tryLock(.exclusive) {
                    return try openExclusively(path: path, create: create, clock: clock, lock: lock)
                }
                if Date() >= othersDeadline {
                    throw CaseloadError.refused(
                        "The store '\(path)' must be upgraded for this version of Caseload, but other Caseload sessions (of an older version) have it open. They must close before the upgrade: ask everyone to quit Caseload, then try again.")
                }
            } else if try lock.tryLock(.exclusive) {
                return try openExclusively(path: path, create: create, clock: clock, lock: lock)
            } else if Date() >= upgraderDeadline {
                throw CaseloadError.refused(
                    "Another Caseload process has been creating, upgrading or restoring the store '\(path)' for more than \(Int(max(upgradeWait, 600)) / 60) minutes. Try again later, or ask your administrator.")
            }
            usleep(UInt32.random(in: 20_000...70_000))   // jitter: many openers must not move in step
        }
    }

    /// With the exclusive lock: does what is needed (checking again: someone may have done it meanwhile),
    /// then keeps a shared lock like every other session.
    private static func openExclusively(path: String, create: Bool, clock: any Clock, lock: FileLock) throws -> SQLiteStore {
        do {
            guard let opened = try prepare(path: path, create: create, exclusive: true) else {
                throw CaseloadError.refused("Caseload could not prepare the store '\(path)'.")
            }
            try lock.lockShared()
            return SQLiteStore(path: path, clock: clock, pool: opened.pool, lock: lock,
                               upgradeBackupPath: opened.backup)
        } catch {
            try? lock.unlock()
            throw error
        }
    }

    /// Opens the store; returns nil when work is needed (creation, adoption of a blank file, migration)
    /// and `exclusive` is false. With `exclusive` it does that work.
    private static func prepare(path: String, create: Bool, exclusive: Bool) throws -> (pool: DatabasePool, backup: String?)? {
        let fm = FileManager.default
        var createdNow = false
        if !fm.fileExists(atPath: path) {
            guard create else { throw CaseloadError.storeNotFound(path: path) }
            guard exclusive else { return nil }
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
        // The effective ids: installed setgid for a program, the store is reachable through the program's group only.
        guard faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == 0 else {
            throw CaseloadError.refused(
                "Caseload cannot read and write the store '\(path)' (\(String(cString: strerror(errno)))). Ask your administrator to give your account access to it.")
        }

        let header = try readHeader(path: path)
        switch header {
        case .empty:
            guard create || createdNow else { throw CaseloadError.notACaseloadStore(path: path) }
            if !exclusive { return nil }
        case .notSQLite, .foreign:
            throw CaseloadError.notACaseloadStore(path: path)
        case .caseload, .unknownWAL:
            try checkStructure(path: path)
        }

        var pool: DatabasePool?
        do {
            let opened = try DatabasePool(path: path, configuration: configuration())
            pool = opened
            // GRDB switches its writer to synchronous = NORMAL when it enables WAL; a
            // committed note must survive a power cut, so the writer goes back to FULL.
            try opened.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            let blank = try opened.read { db -> Bool in
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                // Reading the schema parses every table, index and trigger: a cheap sign it is sane.
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if appID == Schema.applicationID { return false }
                // A blank database is only adopted when the caller asked to create a store.
                if appID != 0 || tables > 0 || !(create || createdNow) {
                    throw CaseloadError.notACaseloadStore(path: path)
                }
                return true
            }
            let migrator = Schema.migrator
            let known = Schema.knownMigrations
            let applied = try opened.read { db -> Set<String> in
                let applied = try migrator.appliedIdentifiers(db)
                if !applied.isSubset(of: Set(known)) {
                    throw CaseloadError.storeFromNewerVersion(path: path, storeVersion: applied.count,
                                                              appVersion: known.count)
                }
                return applied
            }
            if !blank && applied.count == known.count { return (opened, nil) }
            guard exclusive else {
                try opened.close()
                return nil
            }
            var backup: String?
            if !blank && !applied.isEmpty {
                backup = try takeUpgradeBackup(opened, path: path, from: applied.count, to: known.count)
            }
            try migrator.migrate(opened)
            return (opened, backup)
        } catch {
            try? pool?.close()
            if let error = error as? DatabaseError { throw translate(error, path: path) }
            throw error
        }
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

    /// Opens an existing store without writing to it: no migration, and the database file keeps its
    /// bytes (a read-write open may touch the file's header even when nothing is saved). For looking at
    /// a store: "is it a demo?", exports. Writes through it fail. A store that still needs a migration
    /// from this build throws `.refused`. It holds a shared lock on `PATH.lock` when that file exists
    /// (so a restore knows it is in use) but never creates it.
    public static func openReadOnly(path given: String, clock: any Clock = SystemClock()) throws -> SQLiteStore {
        let path = StorePath.resolve(given)
        StorePath.register(path)
        guard try checkLocation(path) else { throw CaseloadError.storeNotFound(path: path) }
        guard faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0 else {
            throw CaseloadError.refused(
                "Caseload cannot read the store '\(path)' (\(String(cString: strerror(errno)))). Ask your administrator to give your account access to it.")
        }
        let lock = FileLock(existing: path + ".lock")
        if let lock {
            // Only an upgrade or a restore holds the exclusive lock, and only for a while.
            let deadline = Date().addingTimeInterval(600)
            while try !lock.tryLock(.shared) {
                if Date() >= deadline {
                    throw CaseloadError.refused("Another Caseload process has been upgrading or restoring the store '\(path)' for more than 10 minutes. Try again later.")
                }
                usleep(50_000)
            }
        }
        switch try readHeader(path: path) {
        case .empty, .notSQLite, .foreign: throw CaseloadError.notACaseloadStore(path: path)
        case .caseload, .unknownWAL: try checkStructure(path: path)
        }
        var config = configuration()
        config.readonly = true
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            let known = Schema.knownMigrations
            do {
                try pool.read { db in
                    guard try Int32.fetchOne(db, sql: "PRAGMA application_id") == Schema.applicationID else {
                        throw CaseloadError.notACaseloadStore(path: path)
                    }
                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                    let applied = try Schema.migrator.appliedIdentifiers(db)
                    if !applied.isSubset(of: Set(known)) {
                        throw CaseloadError.storeFromNewerVersion(path: path, storeVersion: applied.count, appVersion: known.count)
                    }
                    if applied.count < known.count {
                        throw CaseloadError.refused(
                            "The store '\(path)' was made by an older version of Caseload and must be upgraded first: open it once normally (for example with 'caseload --db \(path)').")
                    }
                }
            } catch {
                try? pool.close()
                throw error
            }
            return SQLiteStore(path: path, clock: clock, pool: pool, lock: lock)
        } catch let error as DatabaseError {
            throw translate(error, path: path)
        }
    }

    /// Cheap structural checks for every open (a full check of a large store takes far longer than a
    /// start-up may): a sane header, and a file no shorter than the header says. A copy cut short or a
    /// file overwritten at its start fails here with a sentence instead of deep inside a screen.
    static func checkStructure(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let h = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        guard h.count == 100 else { throw CaseloadError.storeDamaged(path: path, detail: "its header is cut short") }
        func be32(_ i: Int) -> UInt32 { UInt32(h[i]) << 24 | UInt32(h[i + 1]) << 16 | UInt32(h[i + 2]) << 8 | UInt32(h[i + 3]) }
        let rawPageSize = Int(h[16]) << 8 | Int(h[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0,
              h[21] == 64, h[22] == 32, h[23] == 32, [1, 2].contains(h[18]), [1, 2].contains(h[19]) else {
            throw CaseloadError.storeDamaged(path: path, detail: "its header is not valid")
        }
        let size = Backup.fileSize(path)
        guard size % Int64(pageSize) == 0 else {
            throw CaseloadError.storeDamaged(path: path, detail: "its size (\(size) bytes) is not a whole number of pages")
        }
        // The page count in the header is valid when the two change counters agree (SQLite file format §1.3.8).
        // Not while a -wal holds frames: a checkpoint killed half-way has written page 1 (the new count) before
        // the pages that lengthen the file, and the WAL still holds them all; SQLite finishes it on the next
        // checkpoint (the crash test met this: a sound store was called damaged).
        let pages = Int64(be32(28))
        let walSize = Backup.fileSize(path + "-wal")
        if walSize == 0, be32(24) == be32(92), pages > 0, pages * Int64(pageSize) > size {
            throw CaseloadError.storeDamaged(
                path: path, detail: "the file is shorter than it should be: \(size) bytes for \(pages) pages of \(pageSize)")
        }
    }

    /// Before migrating an existing store: a verified copy beside it, `PATH.before-vN-YYYYMMDD-HHMMSS`.
    private static func takeUpgradeBackup(_ pool: DatabasePool, path: String, from: Int, to: Int) throws -> String {
        let target = Backup.uniquePath(path + ".before-v\(to)-" + Backup.timestamp())
        do {
            try Backup.snapshot(of: pool, storePath: path, to: target, overwrite: false)
        } catch let error as CaseloadError {
            throw CaseloadError.refused(
                "The store '\(path)' needs an upgrade (schema \(from) to \(to)), but the copy Caseload takes first could not be made, so nothing was changed: \(error.description)")
        }
        return target
    }

    /// Tries of 1-5 ms each (3 ms on average): about 20 s of waiting for another session's write.
    static let busyTries = 7_000

    static func configuration() -> Configuration {
        var config = Configuration()
        // One process per SSH session shares this file: wait for a writer instead of failing. SQLite's own
        // timeout sleeps up to 100 ms between tries, so under 60 busy sessions one process could keep losing
        // the write lock to quicker pollers until its 10 s ran out (seen in the load test without think
        // time). Short random waits make each free moment a fair draw; about 20 s before giving up.
        config.busyMode = .callback { tries in
            if tries >= Self.busyTries { return false }
            usleep(UInt32.random(in: 1_000...5_000))
            return true
        }
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
            return diskFull(path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .refused("The store '\(path)' stayed busy for too long. Try again in a moment.")
        case .SQLITE_IOERR:
            // Running out of space can also show as an I/O error (growing the -shm file, a short write).
            if Backup.diskIsFull(near: path) { return diskFull(path) }
            return .refused("Caseload could not read or write the store '\(path)' (\(error.message ?? "disk I/O error")). Nothing was saved; try again, and tell your administrator if it keeps happening.")
        default:
            // Not a sign of damage by itself: only the file's header and the integrity check say "damaged".
            return .refused("Caseload could not use the store '\(path)' (\(error.message ?? "\(error.resultCode)")). Nothing was changed; run 'caseload check' on it, or tell your administrator.")
        }
    }

    /// The sentence for a save that failed for lack of space (SQLite rolled the transaction back).
    public static func diskFull(_ path: String) -> CaseloadError {
        .refused("The disk holding the store '\(path)' is full. Nothing was saved; free some space and try again.")
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

    /// The id of the client with this chart number, without access check: an id shows nothing of a chart, and
    /// every read by id is checked (the audit listing filters by it).
    public func clientID(mrn: String) throws -> RowID? {
        try read { db in try RowID.fetchOne(db, sql: "SELECT id FROM clients WHERE mrn = ? COLLATE NOCASE", arguments: [mrn]) }
    }

    /// The client with this chart number. For a handle bound to a person (`bind(viewer:)`), a client they may
    /// not see is refused (and recorded), and one they see only the group part of comes without the details
    /// that belong to the counselor (see `ChartSummary.access`).
    public func client(mrn: String) throws -> Client? {
        let found = try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Tables.clientColumns) FROM clients WHERE mrn = ? COLLATE NOCASE", arguments: [mrn])
                .map(Tables.client)
        }
        guard let found, let id = found.id, viewer != nil else { return found }
        let access = try authorize(clientID: id, .groupPart, what: "chart \(mrn)")
        return access.isFull ? found : Self.groupPartOnly(found)
    }

    // MARK: - Transactions with errors a person understands

    /// A read transaction; SQLite errors become CaseloadErrors.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) }
        catch let e as AccessRefused { throw try recorded(e) }
        catch let e as DatabaseError { throw Self.translateWrite(e, path: path) }
        catch let e as BadStoredValue { throw Self.unreadableValue(e, path: path) }
    }

    /// A write transaction; SQLite errors (a trigger refusing, a constraint) become CaseloadErrors.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) }
        catch let e as AccessRefused { throw try recorded(e) }
        catch let e as DatabaseError { throw Self.translateWrite(e, path: path) }
        catch let e as BadStoredValue { throw Self.unreadableValue(e, path: path) }
    }

    /// A stored value this version cannot read: said as such, not as damage (which only the checks decide).
    static func unreadableValue(_ e: BadStoredValue, path: String) -> CaseloadError {
        .refused("The store '\(path)' holds a value this version of Caseload cannot read (\(e.description)). Nothing was changed; run 'caseload check' on it, or tell your administrator.")
    }

    static func translateWrite(_ error: DatabaseError, path: String) -> CaseloadError {
        switch error.resultCode {
        case .SQLITE_CONSTRAINT:
            // RAISE(ABORT, …) in a trigger carries a sentence meant for the counselor.
            if error.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER, let m = error.message { return .refused(m) }
            return .invalidInput(constraintMessage(error))
        case .SQLITE_NOTADB:
            // The store was recognised when it was opened: unreadable pages now mean damage.
            return .storeDamaged(path: path, detail: error.message ?? "file is not a database")
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

/// A `flock` on `<store>.lock`: shared while a session has the store open, exclusive while one
/// process creates, upgrades or restores it. The lock goes with the descriptor (closed on release/deinit).
final class FileLock: @unchecked Sendable {
    enum Mode { case shared, exclusive }
    private let mutex = NSLock()
    private var fd: Int32
    let path: String
    /// Whether this lock opened the lock file by creating it.
    private(set) var createdNow = false

    /// Opens (creating, mode 0600) the lock file without locking it.
    init(path: String) throws {
        self.path = path
        var fd = posixOpen(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
        if fd >= 0 {
            createdNow = true
        } else if errno == EEXIST {
            fd = posixOpen(path, O_RDWR | O_CLOEXEC)
        }
        if fd < 0 && (errno == EACCES || errno == EPERM) {
            // Another account created the lock file (a store shared by a group): a read-only
            // descriptor is enough for flock.
            fd = posixOpen(path, O_RDONLY | O_CLOEXEC)
        }
        guard fd >= 0 else {
            throw CaseloadError.refused(
                "Caseload cannot create the lock file '\(path)' (\(String(cString: strerror(errno)))). Ask your administrator to give your account access to the store's folder.")
        }
        self.fd = fd
    }

    /// The lock file if it exists (read-only opens never create it).
    init?(existing path: String) {
        let fd = posixOpen(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.path = path
        self.fd = fd
    }

    /// Takes the lock without waiting; false if another descriptor holds a conflicting one.
    func tryLock(_ mode: Mode) throws -> Bool {
        mutex.lock(); defer { mutex.unlock() }
        guard fd >= 0 else { return false }
        while flock(fd, (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw CaseloadError.refused("Caseload cannot lock '\(path)' (\(String(cString: strerror(errno)))).")
        }
        return true
    }

    /// From exclusive to shared (always granted to the holder of the exclusive lock).
    func lockShared() throws {
        mutex.lock(); defer { mutex.unlock() }
        while flock(fd, LOCK_SH) != 0 {
            if errno == EINTR { continue }
            throw CaseloadError.refused("Caseload cannot lock '\(path)' (\(String(cString: strerror(errno)))).")
        }
    }

    func unlock() throws {
        mutex.lock(); defer { mutex.unlock() }
        guard fd >= 0 else { return }
        _ = flock(fd, LOCK_UN)
    }

    func release() {
        mutex.lock(); defer { mutex.unlock() }
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        posixClose(fd)
        fd = -1
    }

    deinit { release() }
}
