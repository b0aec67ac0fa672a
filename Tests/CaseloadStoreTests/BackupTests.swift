// Backups and restore, the session lock, start-up checks and upgrades with their automatic copy
// (issue 7): real store files in a temp folder, real locks, real damage done to real bytes.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

/// A small program: an administrator, a counselor, one client and one draft note.
struct SmallProgram {
    var store: SQLiteStore
    var ana: Staff
    var zoe: Client
    var note: ProgressNote

    static func make(at path: String) throws -> SmallProgram {
        let store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        _ = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        let ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor))
        let zoe = try store.insert(Client(mrn: "A-001", legalFirstName: "Zoë", legalLastName: "Ñúñez",
                                          dateOfBirth: Day("1988-07-14")!, admissionDate: Day("2024-06-01")!,
                                          phase: "Stabilization", medication: .methadone, doseMg: 80,
                                          primaryCounselorID: ana.id))
        let note = try store.saveDraft(draft(store, zoe, ana, ["Client reports cravings eased after the dose change",
                                                                "Engaged, reflective", "Continue weekly sessions"]),
                                       links: [], appointmentID: nil, force: false, by: ana)
        return SmallProgram(store: store, ana: ana, zoe: zoe, note: note)
    }

    static func draft(_ store: SQLiteStore, _ client: Client, _ staff: Staff, _ sections: [String]) throws -> ProgressNote {
        ProgressNote(clientID: client.id!, staffID: staff.id!, date: fixtureToday, startMinute: 600, minutes: 50,
                     modalityID: try XCTUnwrap(try store.modalityID(named: "Individual counseling")),
                     format: .individual, template: .dap, sections: sections, status: .draft,
                     billingUnits: 0, createdAt: Date(), updatedAt: Date())
    }
}

/// A store at schema v1 (as the foundation left it), with one staff member.
func makeV1Store(at path: String) throws {
    let pool = try DatabasePool(path: path, configuration: SQLiteStore.configuration())
    try Schema.migrator.migrate(pool, upTo: "v1")
    try pool.write { db in
        try db.execute(sql: "INSERT INTO staff (id, username, display_name, role) VALUES (1, 'fay', 'Fay Li', 'facilitator')")
    }
    try pool.close()
}

final class SessionLockTests: XCTestCase {
    func testAnOpenStoreIsInUseUntilItIsClosedAndOthersNeverWait() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("s.sqlite").path
        XCTAssertFalse(SQLiteStore.sessionsInUse(path: path), "no store, no lock file: not in use")
        let first = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        XCTAssertTrue(SQLiteStore.sessionsInUse(path: path))

        // A second session on a store that needs nothing opens at once beside the first.
        let started = Date()
        let second = try SQLiteStore.open(path: path, clock: fixtureClock)
        print("second open while a session holds the store: \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        XCTAssertEqual(try second.settings(), ProgramSettings())
        try first.close()
        XCTAssertTrue(SQLiteStore.sessionsInUse(path: path), "the second session still has it open")
        try second.close()
        XCTAssertFalse(SQLiteStore.sessionsInUse(path: path))

        // A read-only open (an export) counts too.
        let reader = try SQLiteStore.openReadOnly(path: path)
        XCTAssertTrue(SQLiteStore.sessionsInUse(path: path))
        try reader.close()
        XCTAssertFalse(SQLiteStore.sessionsInUse(path: path))

        // Letting go of the last reference releases the lock as well.
        do { _ = try SQLiteStore.open(path: path).settings() }
        XCTAssertFalse(SQLiteStore.sessionsInUse(path: path))
    }

    func testAnUpgradeWaitsForOlderSessionsThenRefusesAndChangesNothing() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("old.sqlite").path
        try makeV1Store(at: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // A session of the older version holds the store open.
        let older = try FileLock(path: path + ".lock")
        XCTAssertTrue(try older.tryLock(.shared))
        XCTAssertThrowsError(try SQLiteStore.open(path: path, create: false, clock: fixtureClock, upgradeWait: 0.5)) { error in
            guard case .refused(let m) = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("other Caseload sessions") && m.contains("must close before the upgrade"), m)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), bytes, "not migrated")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("before-") }, [],
                       "no copy made for an upgrade that did not happen")

        // When that session quits within the wait, the upgrade goes ahead.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.4) { older.release() }
        let store = try SQLiteStore.open(path: path, create: false, clock: fixtureClock, upgradeWait: 10)
        XCTAssertEqual(try store.staff(username: "fay")?.displayName, "Fay Li")
        XCTAssertNotNil(store.upgradeBackupPath)
    }

    func testManyProcessesUpgradingAtOnceUpgradeOnceAndAllOpen() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("race.sqlite").path
        try makeV1Store(at: path)
        let errors = ErrorBox()
        let backups = ErrorBox()
        let stores = StoreBox()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let store = try SQLiteStore.open(path: path, clock: fixtureClock)
                if let b = store.upgradeBackupPath { backups.append(CaseloadError.refused(b)) }
                stores.append(store)   // kept open, as sessions would be
            } catch { errors.append(error) }
        }
        XCTAssertEqual(errors.all.map { "\($0)" }, [])
        XCTAssertEqual(backups.all.count, 1, "one of them upgraded, and took one copy")
        XCTAssertEqual(stores.count, 6)
    }
}

final class StartUpCheckTests: XCTestCase {
    func testUpgradeTakesAVerifiedCopyOfTheOldStoreFirst() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("v1.sqlite").path
        try makeV1Store(at: path)
        let store = try SQLiteStore.open(path: path, clock: fixtureClock)
        let backup = try XCTUnwrap(store.upgradeBackupPath)
        XCTAssertTrue(backup.hasPrefix(path + ".before-v\(Schema.knownMigrations.count)-"), backup)
        XCTAssertNotNil(backup.range(of: #"-\d{8}-\d{6}$"#, options: .regularExpression), backup)
        XCTAssertEqual(try mode(of: backup), 0o600)
        // The copy is the old store as it was: schema v1, its data, sound.
        let old = try DatabaseQueue(path: backup, configuration: { var c = Configuration(); c.readonly = true; return c }())
        try old.read { db in
            XCTAssertEqual(try Int32.fetchOne(db, sql: "PRAGMA application_id"), Schema.applicationID)
            XCTAssertEqual(try Schema.migrator.appliedIdentifiers(db), ["v1"])
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT display_name FROM staff WHERE username = 'fay'"), "Fay Li")
            XCTAssertEqual(try String.fetchAll(db, sql: "PRAGMA integrity_check"), ["ok"])
        }
        try old.close()
        // The store itself is upgraded, and the next open needs no copy.
        XCTAssertEqual(try store.dbPool.read { try Schema.migrator.appliedIdentifiers($0).count }, Schema.knownMigrations.count)
        XCTAssertEqual(try store.staff(username: "fay")?.displayName, "Fay Li")
        try store.close()
        XCTAssertNil(try SQLiteStore.open(path: path).upgradeBackupPath)
        // A new store is not "upgraded": no copy of nothing.
        XCTAssertNil(try SQLiteStore.open(path: dir.appendingPathComponent("new.sqlite").path, create: true).upgradeBackupPath)
    }

    func testACutShortStoreIsRefusedAtOpenAsDamaged() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("cut.sqlite").path
        let program = try SmallProgram.make(at: path)
        try closeCheckpointed(program.store)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        XCTAssertGreaterThan(size, 8 * 4096)
        // A copy cut short at a page boundary (a full disk during a copy, an interrupted transfer).
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size / 2 / 4096 * 4096))
        try handle.close()
        let started = Date()
        XCTAssertThrowsError(try SQLiteStore.open(path: path)) { error in
            guard case .storeDamaged(let p, let detail) = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
            XCTAssertTrue(detail.contains("shorter"), detail)
            XCTAssertTrue("\(error)".contains("Restore it from a backup"), "\(error)")
        }
        print("refusing a cut-short store took \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        // Not a whole number of pages: cut mid-page.
        let handle2 = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle2.truncate(atOffset: 4096 * 3 + 100)
        try handle2.close()
        XCTAssertThrowsError(try SQLiteStore.open(path: path)) { error in
            guard case .storeDamaged = error as? CaseloadError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try SQLiteStore.openReadOnly(path: path)) { error in
            guard case .storeDamaged = error as? CaseloadError else { return XCTFail("\(error)") }
        }
    }

    func testAGarbledHeaderIsRefusedAsDamaged() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("garbled.sqlite").path
        try closeCheckpointed(SmallProgram.make(at: path).store)
        try overwrite(path, at: 16, with: [0x03, 0x00])   // page size 768: not a power of two
        XCTAssertThrowsError(try SQLiteStore.open(path: path)) { error in
            guard case .storeDamaged(_, let detail) = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("header"), detail)
        }
    }

    func testIntegrityProblemsIsEmptyForASoundStoreAndNamesDamage() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("check.sqlite").path
        let program = try SmallProgram.make(at: path)
        XCTAssertEqual(try program.store.integrityProblems(), [])

        // Damage to the note search index: FTS5's own check finds it.
        try program.store.dbPool.write { db in
            try db.execute(sql: "UPDATE note_search_data SET block = zeroblob(length(block)) WHERE id > 10")
        }
        let ftsProblems = try program.store.integrityProblems()
        XCTAssertTrue(ftsProblems.contains { $0.contains("note search index") }, "\(ftsProblems)")
        try program.store.close()

        // Damage to a table's pages: SQLite's integrity check finds it, and reads say "damaged".
        let other = dir.appendingPathComponent("pages.sqlite").path
        let second = try SmallProgram.make(at: other)
        let pageSize = try second.store.dbPool.read { try Int.fetchOne($0, sql: "PRAGMA page_size")! }
        let rootpage = try second.store.dbPool.read {
            try Int.fetchOne($0, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'staff'")!
        }
        try closeCheckpointed(second.store)
        try overwrite(other, at: (rootpage - 1) * pageSize, with: [UInt8](repeating: 0xA5, count: 64))
        let damaged = try SQLiteStore.open(path: other)
        let problems = try damaged.integrityProblems()
        XCTAssertFalse(problems.isEmpty)
        print("integrity problems found: \(problems.prefix(2))")
        XCTAssertThrowsError(try damaged.allStaff()) { error in
            guard case .storeDamaged(let p, _) = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, other)
        }
    }
}

final class BackupTests: XCTestCase {
    func testPlainBackupAndRestoreRoundTrip() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("store.sqlite").path
        let out = dir.appendingPathComponent("backup.sqlite").path
        let program = try SmallProgram.make(at: path)
        let report = try program.store.backup(to: out, passphrase: nil)
        print("plain backup: \(report.bytes) bytes in \(String(format: "%.3f", report.seconds)) s")
        XCTAssertEqual(report.path, out)
        XCTAssertFalse(report.sealed)
        XCTAssertEqual(report.schemaVersion, Schema.knownMigrations.count)
        XCTAssertEqual(report.bytes, Int64(try Data(contentsOf: URL(fileURLWithPath: out)).count))
        XCTAssertEqual(try mode(of: out), 0o600)
        XCTAssertFalse(SQLiteStore.isSealedBackup(path: out))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }, [],
                       "no temporary file left behind")

        // Afterwards someone adds a staff member and rewrites the draft.
        _ = try program.store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor))
        var changed = program.note
        changed.sections = ["Rewritten after the backup", "", ""]
        _ = try program.store.saveDraft(changed, links: [], appointmentID: nil, force: false, by: program.ana)

        // Not while the store is open.
        XCTAssertThrowsError(try SQLiteStore.restore(from: out, to: path, passphrase: nil)) { error in
            guard case .refused(let m) = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("in use") && m.contains(path), m)
        }
        XCTAssertNotNil(try program.store.staff(username: "ben"), "the refused restore changed nothing")
        try program.store.close()

        let restored = try SQLiteStore.restore(from: out, to: path, passphrase: nil)
        let replaced = try XCTUnwrap(restored.replacedPath)
        XCTAssertTrue(replaced.hasPrefix(path + ".replaced-"), replaced)
        XCTAssertEqual(try mode(of: path), 0o600)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))

        let back = try SQLiteStore.open(path: path, clock: fixtureClock)
        XCTAssertNil(try back.staff(username: "ben"), "the change after the backup is gone")
        XCTAssertEqual(try back.staff(username: "ana")?.displayName, "Ana Pérez")
        XCTAssertEqual(try back.noteForEditing(id: program.note.id!).note.sections[0],
                       "Client reports cravings eased after the dose change")
        XCTAssertEqual(try back.integrityProblems(), [])
        // The store that was replaced is kept whole, with the change.
        let kept = try SQLiteStore.open(path: replaced)
        XCTAssertNotNil(try kept.staff(username: "ben"))
        XCTAssertEqual(try kept.noteForEditing(id: program.note.id!).note.sections[0], "Rewritten after the backup")
    }

    func testSealedBackupRoundTripWrongPassphraseAndTampering() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("store.sqlite").path
        let out = dir.appendingPathComponent("backup.sealed").path
        let program = try SmallProgram.make(at: path)
        let passphrase = "correct horse battery staple"
        let report = try program.store.backup(to: out, passphrase: passphrase)
        print("sealed backup: \(report.bytes) bytes in \(String(format: "%.3f", report.seconds)) s")
        XCTAssertTrue(report.sealed)
        XCTAssertTrue(SQLiteStore.isSealedBackup(path: out))
        XCTAssertEqual(try mode(of: out), 0o600)
        let sealed = try Data(contentsOf: URL(fileURLWithPath: out))
        XCTAssertEqual(Array(sealed.prefix(8)), Array("CSLDSEAL".utf8))
        for secret in ["Ñúñez", "cravings", "SQLite format 3"] {
            XCTAssertNil(sealed.range(of: Data(secret.utf8)), "'\(secret)' readable in the sealed file")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }, [])
        XCTAssertThrowsError(try program.store.backup(to: dir.appendingPathComponent("short").path, passphrase: "short")) {
            guard case .invalidInput(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("at least 8"), m)
        }

        _ = try program.store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor))
        try program.store.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        func assertUntouched(_ what: String) throws {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, what)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
                $0.contains(".tmp-") || $0.contains(".replaced-")
            }, [], what)
        }

        for missing in [nil, ""] as [String?] {
            XCTAssertThrowsError(try SQLiteStore.restore(from: out, to: path, passphrase: missing)) {
                guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
                XCTAssertTrue(m.contains("sealed with a passphrase"), m)
            }
        }
        XCTAssertThrowsError(try SQLiteStore.restore(from: out, to: path, passphrase: "correct horse battery stapler")) {
            guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("not the passphrase"), m)
        }
        try assertUntouched("wrong passphrase")

        // One byte changed inside the encrypted data; then a file cut short by one chunk's tag.
        let tampered = dir.appendingPathComponent("tampered.sealed").path
        var flipped = sealed
        flipped[Backup.headerSize + 1000] ^= 0x01
        try flipped.write(to: URL(fileURLWithPath: tampered))
        let cut = dir.appendingPathComponent("cut.sealed").path
        try sealed.prefix(sealed.count - 16).write(to: URL(fileURLWithPath: cut))
        let header = dir.appendingPathComponent("header.sealed").path
        var headerChanged = sealed
        headerChanged[13] = 7   // a reserved byte: covered by every chunk's authentication
        try headerChanged.write(to: URL(fileURLWithPath: header))
        for file in [tampered, cut, header] {
            XCTAssertThrowsError(try SQLiteStore.restore(from: file, to: path, passphrase: passphrase)) {
                guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
                XCTAssertTrue(m.contains("changed or damaged"), m)
            }
            try assertUntouched(file)
        }

        let restored = try SQLiteStore.restore(from: out, to: path, passphrase: passphrase)
        XCTAssertTrue(restored.sealed)
        let back = try SQLiteStore.open(path: path)
        XCTAssertNil(try back.staff(username: "ben"))
        XCTAssertEqual(try back.client(mrn: "A-001")?.legalLastName, "Ñúñez")
        XCTAssertEqual(try back.integrityProblems(), [])
    }

    func testASealedBackupOfSeveralChunksDetectsSwappedChunks() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("big.sqlite").path
        let program = try SmallProgram.make(at: path)
        // About 3 MiB of notes, so the sealed file has several 1 MiB chunks.
        let text = String(repeating: "Discussed coping strategies for cravings and weekend routines. ", count: 2_000)
        for i in 0..<25 {
            var note = try SmallProgram.draft(program.store, program.zoe, program.ana, [text + "\(i)", "", ""])
            note.startMinute = 10 * i
            _ = try program.store.saveDraft(note, links: [], appointmentID: nil, force: false, by: program.ana)
        }
        let out = dir.appendingPathComponent("big.sealed").path
        let report = try program.store.backup(to: out, passphrase: "a long enough passphrase")
        print("sealed backup of a \(Backup.fileSize(path)) byte store: \(report.bytes) bytes in \(String(format: "%.2f", report.seconds)) s")
        let sealed = try Data(contentsOf: URL(fileURLWithPath: out))
        let chunk = Backup.chunkSize + Backup.tagSize
        XCTAssertGreaterThan(sealed.count, Backup.headerSize + 2 * chunk)
        var swapped = sealed
        let a = Backup.headerSize, b = Backup.headerSize + chunk
        swapped.replaceSubrange(a..<(a + chunk), with: sealed[b..<(b + chunk)])
        swapped.replaceSubrange(b..<(b + chunk), with: sealed[a..<(a + chunk)])
        let swappedPath = dir.appendingPathComponent("swapped.sealed").path
        try swapped.write(to: URL(fileURLWithPath: swappedPath))
        let dropped = dir.appendingPathComponent("dropped.sealed").path
        try sealed.prefix(Backup.headerSize + chunk).write(to: URL(fileURLWithPath: dropped))   // the rest cut off at a chunk boundary
        let target = dir.appendingPathComponent("restored.sqlite").path
        for file in [swappedPath, dropped] {
            XCTAssertThrowsError(try SQLiteStore.restore(from: file, to: target, passphrase: "a long enough passphrase")) {
                guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
                XCTAssertTrue(m.contains("changed or damaged"), m)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        }
        let restored = try SQLiteStore.restore(from: out, to: target, passphrase: "a long enough passphrase")
        XCTAssertNil(restored.replacedPath, "there was no store there before")
        XCTAssertEqual(try SQLiteStore.open(path: target).drafts(staffID: program.ana.id!, now: Date()).count, 26)
    }

    func testBackupWhileAnotherSessionWritesIsAConsistentSnapshot() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("busy.sqlite").path
        let program = try SmallProgram.make(at: path)
        let writer = try SQLiteStore.open(path: path, clock: fixtureClock)
        let stop = StopFlag()
        let written = Counter()
        let errors = ErrorBox()
        let thread = Thread {
            var k = 0
            while !stop.isSet {
                do {
                    try writer.record(.view, by: program.ana, clientID: program.zoe.id, subject: "chart", detail: "view \(k)")
                    written.increment()
                } catch { errors.append(error) }
                k += 1
            }
        }
        thread.start()
        while written.value < 50 { usleep(1_000) }
        let out = dir.appendingPathComponent("during.sqlite").path
        let report = try program.store.backup(to: out, passphrase: nil)
        let afterBackup = written.value
        while written.value < afterBackup + 50 { usleep(1_000) }
        stop.set()
        while !thread.isFinished { usleep(1_000) }
        XCTAssertEqual(errors.all.map { "\($0)" }, [], "the writer never saw an error")
        let copied = try DatabaseQueue(path: out).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_events WHERE subject = 'chart'")!
        }
        print("backup during writes: \(copied) of \(written.value) events in the copy; \(String(format: "%.3f", report.seconds)) s")
        XCTAssertGreaterThanOrEqual(copied, 50)
        XCTAssertLessThan(copied, written.value, "writes went on during and after the backup")
        XCTAssertEqual(try DatabaseQueue(path: out).read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }, ["ok"])
    }

    func testBackupRefusesToOverwriteUnlessAskedAndNeverTheStoreItself() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("store.sqlite").path
        let program = try SmallProgram.make(at: path)
        let out = dir.appendingPathComponent("existing.sqlite").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
        XCTAssertThrowsError(try program.store.backup(to: out, passphrase: nil)) {
            guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("already exists"), m)
        }
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "keep me")
        XCTAssertThrowsError(try program.store.backup(to: path, passphrase: nil, overwrite: true)) {
            guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("the store itself"), m)
        }
        XCTAssertThrowsError(try program.store.backup(to: dir.appendingPathComponent("no/such/b.sqlite").path, passphrase: nil)) {
            guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("does not exist"), m)
        }
        let report = try program.store.backup(to: out, passphrase: nil, overwrite: true)
        XCTAssertFalse(SQLiteStore.isSealedBackup(path: report.path))
        XCTAssertEqual(try DatabaseQueue(path: out).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM staff") }, 2)
    }

    func testRestoreRefusesWhatIsNotASoundCaseloadStoreAndTouchesNothing() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("store.sqlite").path
        let program = try SmallProgram.make(at: path)
        let good = dir.appendingPathComponent("good.sqlite").path
        _ = try program.store.backup(to: good, passphrase: nil)
        let pageSize = try program.store.dbPool.read { try Int.fetchOne($0, sql: "PRAGMA page_size")! }
        let rootpage = try program.store.dbPool.read {
            try Int.fetchOne($0, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'clients'")!
        }
        try program.store.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let text = dir.appendingPathComponent("notes.txt").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: text))
        let other = dir.appendingPathComponent("other.db").path
        try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE recipes (id INTEGER PRIMARY KEY)") }
        let newer = dir.appendingPathComponent("newer.sqlite").path
        try FileManager.default.copyItem(atPath: good, toPath: newer)
        try DatabaseQueue(path: newer).write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-future')") }
        let damaged = dir.appendingPathComponent("damaged.sqlite").path
        try FileManager.default.copyItem(atPath: good, toPath: damaged)
        try overwrite(damaged, at: (rootpage - 1) * pageSize + 8, with: [UInt8](repeating: 0x5A, count: 200))

        let cases: [(String, String)] = [
            (dir.appendingPathComponent("absent").path, "no backup file"),
            (text, "not a Caseload backup"), (other, "not a Caseload backup"),
            (newer, "newer version"), (damaged, "nothing was restored"),
        ]
        for (file, says) in cases {
            XCTAssertThrowsError(try SQLiteStore.restore(from: file, to: path, passphrase: nil), file) {
                guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\(file): \($0)") }
                XCTAssertTrue(m.contains(says), "\(file): \(m)")
            }
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, file)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.contains(".tmp-") || $0.contains(".replaced-")
        }, [])
    }
}

/// Closes a store with every change in the main file (a pool's last connection to close is a
/// read-only reader, which leaves the -wal in place), so tests can damage the bytes that matter.
func closeCheckpointed(_ store: SQLiteStore) throws {
    _ = try store.dbPool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    try store.close()
}

func overwrite(_ path: String, at offset: Int, with bytes: [UInt8]) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: Data(bytes))
    try handle.close()
}

final class StoreBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [SQLiteStore] = []
    func append(_ s: SQLiteStore) { lock.lock(); stores.append(s); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return stores.count }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

final class IntegrityCheckTests: XCTestCase {
    /// `caseload check` beside working sessions checks the search index in a snapshot: same answer,
    /// no temporary file left, and a save in another session meanwhile goes through.
    func testTheSnapshotCheckFindsWhatTheInPlaceCheckFinds() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("s.sqlite").path
        let program = try SmallProgram.make(at: path)
        let other = try SQLiteStore.open(path: path, clock: fixtureClock)
        XCTAssertEqual(try program.store.integrityProblems(sparingOtherSessions: true), [])
        _ = try other.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor))
        try program.store.dbPool.write { db in
            try db.execute(sql: "UPDATE note_search_data SET block = zeroblob(length(block)) WHERE id > 10")
        }
        let inPlace = try program.store.integrityProblems()
        let snapshot = try program.store.integrityProblems(sparingOtherSessions: true)
        XCTAssertFalse(inPlace.isEmpty)
        XCTAssertEqual(snapshot, inPlace)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }, [])
    }
}
