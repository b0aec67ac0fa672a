// The rules about files (docs/deployment.md, "Files the program opens"), below the command line: one real path
// for the store, the store's files refused as outputs, files a person names opened with their own ids,
// temporary copies of killed commands told from those in use, a store created whole or not at all. And the
// rule about words: no sentence of the program advises a restore except after a failed check.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class StoreFilesTests: XCTestCase {
    func testAPathReachedThroughALinkResolvesToTheRealFileAndItsFolder() throws {
        let dir = try TestDirs.make(self).path
        let real = dir + "/real"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: real + "/s.sqlite"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.sqlite", withDestinationPath: "real/s.sqlite")
        try FileManager.default.createSymbolicLink(atPath: dir + "/folder", withDestinationPath: real)
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling.sqlite", withDestinationPath: "real/new.sqlite")
        XCTAssertEqual(StorePath.resolve(dir + "/link.sqlite"), real + "/s.sqlite")
        XCTAssertEqual(StorePath.resolve(dir + "/folder/./s.sqlite"), real + "/s.sqlite")
        XCTAssertEqual(StorePath.resolve(dir + "/folder/../real/s.sqlite"), real + "/s.sqlite")
        XCTAssertEqual(StorePath.resolve(dir + "/folder/new.sqlite"), real + "/new.sqlite", "a file not made yet: its folder resolved")
        XCTAssertEqual(StorePath.resolve(dir + "/dangling.sqlite"), real + "/new.sqlite", "a link to a file not made yet")
        XCTAssertEqual(StorePath.resolve(dir + "/no/such/x.sqlite"), dir + "/no/such/x.sqlite")
    }

    func testTheStoresFilesAreRecognisedByAnyName() throws {
        let dir = try TestDirs.make(self).path
        let store = dir + "/data/s.sqlite"
        try FileManager.default.createDirectory(atPath: dir + "/data/sub", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: store))
        try Data("x".utf8).write(to: URL(fileURLWithPath: store + "-wal"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/data")
        XCTAssertEqual(link(store + "-wal", dir + "/hard-wal"), 0)
        for candidate in [store, store + "-wal", store + "-shm", store + "-journal", store + ".lock", store + ".before-v9-x",
                          dir + "/data/./s.sqlite-shm", dir + "/data/sub/../s.sqlite-journal", dir + "/link/s.sqlite.lock",
                          dir + "/link/.s.sqlite.tmp-12-abc", dir + "/hard-wal"] {
            XCTAssertTrue(StorePath.isStoreFile(candidate, of: store), candidate)
            XCTAssertTrue(StorePath.isStoreFile(candidate, of: dir + "/link/s.sqlite"), candidate)
        }
        for candidate in [dir + "/data/other.sqlite", dir + "/s.sqlite-wal", dir + "/data/sub/s.sqlite", dir + "/data/backup-s.sqlite"] {
            XCTAssertFalse(StorePath.isStoreFile(candidate, of: store), candidate)
        }
    }

    func testAFilePersonNamesIsNeverOneOfAnOpenStoresFiles() throws {
        let dir = try TestDirs.make(self).path
        let path = dir + "/s.sqlite"
        let program = try SmallProgram.make(at: path)
        defer { try? program.store.close() }
        XCTAssertThrowsError(try UserFiles.createPrivate(dir + "/s.sqlite-journal", exclusive: true)) {
            guard case .refused(let m) = $0 as? CaseloadError else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("one of the files Caseload keeps beside it"), m)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/s.sqlite-journal"))
        XCTAssertThrowsError(try UserFiles.createPrivate(dir + "/s.sqlite-shm", exclusive: false))
        let fd = try UserFiles.createPrivate(dir + "/plan.txt", exclusive: true)
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        var st = stat()
        XCTAssertEqual(stat(dir + "/plan.txt", &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
    }

    func testFilesAPersonNamesAreOpenedWithTheirOwnGroup() throws {
        // Without gained ids it is a plain call.
        XCTAssertEqual(try UserFiles.withRealIDs { getegid() }, getegid())
        guard getuid() == 0 else { return }   // only root can take another effective group to act setgid
        let gained: gid_t = 54_321
        XCTAssertEqual(setegid(gained), 0)
        defer { _ = setegid(getgid()) }
        XCTAssertTrue(UserFiles.hasGainedIDs)
        XCTAssertEqual(try UserFiles.withRealIDs { getegid() }, getgid(), "the person's own group while opening")
        XCTAssertEqual(getegid(), gained, "the program's group back afterwards")
        XCTAssertThrowsError(try UserFiles.withRealIDs { throw CaseloadError.refused("x") })
        XCTAssertEqual(getegid(), gained, "back also when the body throws")
    }

    func testAStoreOpenedThroughALinkIsTheRealFileWithItsLockAndRestoreReplacesTheTarget() throws {
        let dir = try TestDirs.make(self).path
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let real = dir + "/data/s.sqlite", link = dir + "/s.sqlite"
        let program = try SmallProgram.make(at: real)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        _ = try program.store.backup(to: dir + "/b.sqlite", passphrase: nil)
        let viaLink = try SQLiteStore.open(path: link)
        XCTAssertEqual(viaLink.path, real)
        XCTAssertEqual(try viaLink.integrityProblems(), [])
        try program.store.close()
        XCTAssertTrue(SQLiteStore.sessionsInUse(path: real), "the session through the link holds the real file's lock")
        XCTAssertThrowsError(try SQLiteStore.restore(from: dir + "/b.sqlite", to: real, passphrase: nil))
        try viaLink.close()
        let report = try SQLiteStore.restore(from: dir + "/b.sqlite", to: link, passphrase: nil)
        XCTAssertTrue(report.replacedPath?.hasPrefix(real + ".replaced-") ?? false, "\(String(describing: report.replacedPath))")
        var st = stat()
        XCTAssertEqual(lstat(link, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK, "the link is still a link")
        XCTAssertFalse(FileManager.default.fileExists(atPath: link + ".lock") && !FileManager.default.fileExists(atPath: real + ".lock"))
        XCTAssertEqual(try SQLiteStore.open(path: link).allStaff().count, 2)
    }

    func testTemporaryCopiesOfGoneProcessesAreRemovedAndThoseInUseKept() throws {
        let dir = try TestDirs.make(self).path
        let store = dir + "/s.sqlite"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { free(argv[0]) }
        XCTAssertEqual(posix_spawn(&pid, "/bin/true", nil, nil, argv, environ), 0)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        let stale = "\(dir)/.s.sqlite.tmp-\(pid)-aB3xYz", live = "\(dir)/.s.sqlite.tmp-\(getpid())-qQ1wWw"
        for file in [stale, stale + "-journal", stale + "-wal", stale + ".lock", live, live + "-journal", dir + "/.s.sqlite.tmp-abc"] {
            try Data().write(to: URL(fileURLWithPath: file))
        }
        XCTAssertEqual(SQLiteStore.removeStaleTemporaryFiles(beside: store), [stale])
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(left, [".s.sqlite.tmp-\(getpid())-qQ1wWw", ".s.sqlite.tmp-\(getpid())-qQ1wWw-journal", ".s.sqlite.tmp-abc"])
        // A temporary copy this process makes carries its pid.
        let temp = try Backup.makeTemp(beside: store)
        defer { Backup.removeTemp(temp) }
        XCTAssertTrue((temp as NSString).lastPathComponent.hasPrefix(".s.sqlite.tmp-\(getpid())-"), temp)
    }

    func testACreatedStoreAppearsWholeOrNotAtAll() throws {
        let dir = try TestDirs.make(self).path
        let path = dir + "/s.sqlite"
        struct Stop: Error {}
        XCTAssertThrowsError(try SQLiteStore.create(path: path) { store in
            _ = try store.addStaff(Staff(username: "adm", displayName: "Ada", role: .admin))
            throw Stop()
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "no store and no temporary copy")
        try SQLiteStore.create(path: path, clock: fixtureClock) { store in
            _ = try store.addStaff(Staff(username: "adm", displayName: "Ada", role: .admin))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["s.sqlite"])
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        let store = try SQLiteStore.open(path: path)
        XCTAssertEqual(try store.allStaff().map(\.username), ["adm"])
        try store.close()
        XCTAssertThrowsError(try SQLiteStore.create(path: path) { _ in }) {
            XCTAssertTrue("\($0)".contains("already exists"), "\($0)")
        }
    }

    // MARK: Sentences that mention a restore

    /// Every string literal in Sources/ that mentions a restore, with why it may: it is the restore
    /// command's own word, or it follows a failed header or integrity check. A new one fails this test until
    /// it is added here with its reason.
    static let restoreSentences: [(file: String, fragment: String, condition: String)] = [
        ("caseload/RestoreCommand.swift", "commandName: \"restore\"", "the restore command's name"),
        ("caseload/RestoreCommand.swift", "\"caseload restore\"", "the restore command refused when installed"),
        ("caseload/RestoreCommand.swift", "\"Restored '", "the restore command's report"),
        ("caseload/RestoreCommand.swift", "\"restored the store from the backup", "the restore command's audit entry"),
        ("CaseloadStore/SQLiteStore.swift", "creating, upgrading or restoring the store", "waiting on another process's exclusive lock: no advice to restore"),
        ("CaseloadStore/SQLiteStore.swift", "upgrading or restoring the store", "waiting on another process's exclusive lock: no advice to restore"),
        ("CaseloadStore/Backup.swift", "nothing was restored", "a restore command refusing its backup file"),
        ("CaseloadStore/Backup.swift", "Nothing was restored", "a restore command refusing a sealed backup without passphrase"),
        ("CaseloadStore/Backup.swift", "before it can be restored; nothing was changed", "a restore command refused while the store is in use"),
        ("CaseloadStore/Backup.swift", "Update Caseload before restoring it", "a restore command refusing a backup from a newer version"),
        ("CaseloadCore/Repository.swift", "Restore it from a backup", "CaseloadError.storeDamaged: thrown only by the checks listed in damageSites"),
        ("CaseloadStore/AuditAnchor.swift", "the protective trigger", "caseload check found a protective trigger missing (a failed check)"),
    ]

    /// Where `storeDamaged` (whose sentence advises a restore) may be made: each is the file's own header or
    /// an integrity check failing.
    static let damageSites: [(file: String, fragment: String)] = [
        ("CaseloadStore/SQLiteStore.swift", "\"its header is cut short\""),
        ("CaseloadStore/SQLiteStore.swift", "\"its header is not valid\""),
        ("CaseloadStore/SQLiteStore.swift", "is not a whole number of pages"),
        ("CaseloadStore/SQLiteStore.swift", "the file is shorter than it should be"),
        ("CaseloadStore/SQLiteStore.swift", "case .SQLITE_CORRUPT:"),
        ("CaseloadStore/SQLiteStore.swift", "// The store was recognised when it was opened"),
        ("CaseloadStore/Backup.swift", "the copy fails the integrity check"),
        ("CaseloadStore/Backup.swift", "error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB"),
        ("caseload/AuditCommand.swift", "the audit trail was altered"),
        // audit verify --anchor: an anchored event cut off or rewritten is a failed integrity check of the trail.
        ("caseload/AuditCommand.swift", "the audit trail does not match its anchors"),
    ]

    private static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    /// (file relative to Sources/, line number, lines) of every Swift file.
    private func sourceFiles() throws -> [(String, [String])] {
        let root = Self.sources.path
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: root)).filter { $0.hasSuffix(".swift") }.sorted()
        XCTAssertGreaterThan(files.count, 50)
        return try files.map { ($0, try String(contentsOfFile: root + "/" + $0, encoding: .utf8).components(separatedBy: "\n")) }
    }

    func testNoSentenceAdvisesARestoreExceptAfterAFailedCheck() throws {
        var unlisted: [String] = []
        var used = Set<Int>()
        for (file, lines) in try sourceFiles() {
            for (n, line) in lines.enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                // The text inside string literals on this line.
                let quoted = code.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
                    .filter { $0.offset % 2 == 1 }.map(\.element).joined(separator: " ")
                guard quoted.lowercased().contains("restor") else { continue }
                let reasons = Self.restoreSentences.indices.filter {
                    file == Self.restoreSentences[$0].file && line.contains(Self.restoreSentences[$0].fragment)
                }
                if reasons.isEmpty { unlisted.append("\(file):\(n + 1): \(code)") }
                used.formUnion(reasons)
            }
        }
        XCTAssertEqual(unlisted, [], "sentences mentioning a restore with no reason in restoreSentences")
        for (i, entry) in Self.restoreSentences.enumerated() where !used.contains(i) {
            XCTFail("restoreSentences lists a sentence no longer in Sources/: \(entry)")
        }
    }

    func testOnlyAFailedHeaderOrIntegrityCheckCallsTheStoreDamaged() throws {
        var unlisted: [String] = []
        for (file, lines) in try sourceFiles() {
            for (n, line) in lines.enumerated() where line.contains("storeDamaged(") || line.contains(".storeDamaged") {
                let code = line.trimmingCharacters(in: .whitespaces)
                // Comments, the sentence itself, and patterns that match the error rather than make it.
                if code.hasPrefix("//") || code.hasPrefix("case ") || file == "CaseloadCore/Repository.swift" { continue }
                // The reason is on this line, within the six before it (the condition of a throw) or the two after.
                let context = lines[max(0, n - 6)...min(lines.count - 1, n + 2)].joined(separator: "\n")
                if file == "caseload/CheckCommand.swift" && context.contains("problems") { continue }
                if !Self.damageSites.contains(where: { file == $0.file && context.contains($0.fragment) }) {
                    unlisted.append("\(file):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertEqual(unlisted, [], "storeDamaged made where no header or integrity check failed")
    }
}
