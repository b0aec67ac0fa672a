// The store's files on disk, through the real binary (docs/deployment.md, "Files the program opens"): a store
// reached through a symbolic link is the file it points to (one lock, one WAL, restore replaces the target);
// no command writes a file the person names onto the store or the files beside it; a command killed half-way
// leaves temporary copies that the next command removes, and a killed init leaves no half store.
import CaseloadCore
import CaseloadStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class StoreFilesTests: XCTestCase {
    /// A store with its administrator (this login) and a counselor, in `DIR/data/clinic.sqlite`.
    private func makeStore(_ name: String) throws -> (dir: String, db: String) {
        let dir = try TempDirectories.make(name).path
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let db = dir + "/data/clinic.sqlite"
        let made = try Run.caseload(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let added = try Run.caseload(["staff", "add", "ana", "--name", "Ana Pérez", "--role", "counselor", "--db", db])
        XCTAssertEqual(added.status, 0, added.stderr)
        return (dir, db)
    }

    private func isLink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    private func entries(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    func testCheckThroughALinkReportsTheRealState() throws {
        let (dir, db) = try makeStore("link-check")
        let link = dir + "/link.sqlite"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: db)
        let check = try Run.caseload(["check", "--db", link])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdout, "ok\n", check.stderr)
        XCTAssertFalse(check.stderr.contains("damaged") || check.stderr.lowercased().contains("restore"), check.stderr)
        let list = try Run.caseload(["staff", "list", "--db", link])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("ana"), list.stdout)
        // The lock and the WAL are the real file's: nothing was made beside the link.
        XCTAssertEqual(entries(dir), ["data", "link.sqlite"])
    }

    func testALinkAndTheRealPathAreOneStoreWithOneLock() throws {
        let (dir, db) = try makeStore("link-two")
        try FileManager.default.createDirectory(atPath: dir + "/links", withIntermediateDirectories: true)
        let link = dir + "/links/store.sqlite"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../data/clinic.sqlite")
        let backup = dir + "/b.sqlite"
        XCTAssertEqual(try Run.caseload(["backup", "--db", db, "--out", backup]).status, 0)

        // This process holds the store open through the link; another writes through the real path.
        var throughLink: SQLiteStore? = try SQLiteStore.open(path: link)
        XCTAssertEqual(throughLink?.path, db)
        let token = try throughLink!.changeToken()
        let added = try Run.caseload(["staff", "add", "bo", "--name", "Bo Real", "--role", "counselor", "--db", db])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertNotEqual(try throughLink!.changeToken(), token, "live refresh through the link sees the other process's save")
        _ = try throughLink!.addStaff(Staff(username: "cy", displayName: "Cy Link", role: .counselor))
        XCTAssertEqual(try throughLink!.allStaff().map(\.username).sorted(), ["ana", "bo", "cy", osLogin()].sorted())
        let seen = try Run.caseload(["staff", "list", "--db", db])
        XCTAssertTrue(seen.stdout.contains("cy") && seen.stdout.contains("bo"), seen.stdout)
        // One lock: a restore by either name is refused while the session through the link is open.
        for name in [db, link] {
            let refused = try Run.caseload(["restore", backup, "--db", name])
            XCTAssertNotEqual(refused.status, 0, name)
            XCTAssertTrue(refused.stderr.contains("is in use"), refused.stderr)
        }
        try throughLink?.close()
        throughLink = nil
        // And the other way round: open through the real path, restore through the link is refused.
        var throughReal: SQLiteStore? = try SQLiteStore.open(path: db)
        let refused = try Run.caseload(["restore", backup, "--db", link])
        XCTAssertTrue(refused.stderr.contains("is in use"), refused.stderr)
        try throughReal?.close()
        throughReal = nil
        XCTAssertEqual(entries(dir + "/links"), ["store.sqlite"], "no lock, WAL or copy beside the link")

        // Restore through the link replaces the file it points to; the link stays a link.
        let restored = try Run.caseload(["restore", backup, "--db", link])
        XCTAssertEqual(restored.status, 0, restored.stderr)
        XCTAssertTrue(isLink(link))
        XCTAssertTrue(entries(dir + "/data").contains { $0.hasPrefix("clinic.sqlite.replaced-") }, "\(entries(dir + "/data"))")
        XCTAssertEqual(entries(dir + "/links"), ["store.sqlite"])
        let after = try Run.caseload(["staff", "list", "--db", db])
        XCTAssertFalse(after.stdout.contains("Cy Link"), "the backup from before is back:\n\(after.stdout)")
    }

    func testADemoThroughALinkReplacesTheFileItPointsTo() throws {
        let dir = try TempDirectories.make("link-demo").path
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        let link = dir + "/demo.sqlite"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir + "/data/demo.sqlite")
        for _ in 0..<2 {
            let made = try Run.caseload(["demo", "--db", link, "--clients", "5"])
            XCTAssertEqual(made.status, 0, made.stderr)
            XCTAssertTrue(isLink(link))
        }
        XCTAssertEqual(entries(dir), ["data", "demo.sqlite"])
        XCTAssertTrue(entries(dir + "/data").contains("demo.sqlite"), "\(entries(dir + "/data"))")
        XCTAssertEqual(try Run.caseload(["check", "--db", link]).stdout, "ok\n")
    }

    func testBackupIsRefusedOntoTheStoreAndEveryFileBesideItByAnyName() throws {
        let (dir, db) = try makeStore("side-files")
        // A session keeps the store open, so its -wal, -shm and .lock exist.
        let session = try SQLiteStore.open(path: db)
        defer { try? session.close() }
        try FileManager.default.createSymbolicLink(atPath: dir + "/datalink", withDestinationPath: dir + "/data")
        try FileManager.default.createDirectory(atPath: dir + "/data/sub", withIntermediateDirectories: true)
        let targets = [db + "-shm", db + "-wal", db + ".lock", db + "-journal", db + ".replaced-1", db,
                       dir + "/data/./clinic.sqlite-shm", dir + "/data/sub/../clinic.sqlite-wal",
                       dir + "/datalink/clinic.sqlite.lock", dir + "/datalink/.clinic.sqlite.tmp-1-x"]
        func identity(_ path: String) -> [UInt64]? {
            var st = stat()
            return stat(path, &st) == 0 ? [UInt64(st.st_dev), UInt64(st.st_ino)] : nil
        }
        for target in targets {
            let before = identity(target)
            let r = try Run.caseload(["backup", "--db", db, "--out", target, "--overwrite"])
            XCTAssertNotEqual(r.status, 0, target)
            XCTAssertTrue(r.stderr.contains("one of the files Caseload keeps beside it"), "\(target): \(r.stderr)")
            XCTAssertEqual(identity(target), before, "\(target) was neither replaced nor made")
        }
        // The session's writes are all there, and a backup elsewhere is still fine.
        _ = try session.addStaff(Staff(username: "dee", displayName: "Dee", role: .counselor))
        let fine = try Run.caseload(["backup", "--db", db, "--out", dir + "/clinic.sqlite.bak"])
        XCTAssertEqual(fine.status, 0, fine.stderr)
        XCTAssertTrue(try session.allStaff().contains { $0.username == "dee" })
    }

    // MARK: Debris of killed commands

    /// A process id that no process has: a child that has exited and been waited for.
    private func deadPID() throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { free(argv[0]) }
        guard posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 else { throw HarnessError("spawn /bin/true") }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        return pid
    }

    /// Starts `caseload` with these arguments, output thrown away; the caller kills it.
    private func start(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in Int32(0)...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let argv = ([Binary.url.path] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, Binary.url.path, &actions, nil, argv, environ) == 0 else { throw HarnessError("spawn caseload") }
        return pid
    }

    /// Waits until a file whose name starts with `prefix` appears in `folder` (true), or the process ends first.
    private func waitForFile(in folder: String, prefix: String, while pid: pid_t) -> Bool {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if entries(folder).contains(where: { $0.hasPrefix(prefix) }) { return true }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return false }
            usleep(1_000)
        }
        return false
    }

    private func killAndReap(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    func testCopiesLeftByAKilledBackupAreRemovedByCheckAndTheNextBackupAndSaid() throws {
        let (dir, db) = try makeStore("debris")
        // A real backup killed once its temporary copy exists (tried again if it finished first).
        let out = dir + "/night.sqlite"
        var pid: pid_t = 0, caught = false
        for _ in 0..<5 where !caught {
            unlink(out)
            pid = try start(["backup", "--db", db, "--out", out])
            caught = waitForFile(in: dir, prefix: ".night.sqlite.tmp-", while: pid)
            killAndReap(pid)
        }
        XCTAssertTrue(caught, "the backup makes its copy as .night.sqlite.tmp-PID-…: \(entries(dir))")
        // Unless the kill came just after the copy was renamed into place, the copy is left behind.
        let leftBehind = entries(dir).contains { $0.hasPrefix(".night.sqlite.tmp-\(pid)-") }
        // And simulated ones: a killed check's copy beside the store with its journal, and one of a running process.
        let dead = try deadPID()
        let stale = "\(dir)/data/.clinic.sqlite.tmp-\(dead)-AbC123"
        try Data("x".utf8).write(to: URL(fileURLWithPath: stale))
        try Data("x".utf8).write(to: URL(fileURLWithPath: stale + "-journal"))
        let live = "\(dir)/data/.clinic.sqlite.tmp-\(getpid())-ZzZ999"
        try Data("x".utf8).write(to: URL(fileURLWithPath: live))

        let check = try Run.caseload(["check", "--db", db])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stderr.contains("Removed '\(stale)'"), check.stderr)
        XCTAssertEqual(entries(dir + "/data").filter { $0.hasPrefix(".clinic") }, [(live as NSString).lastPathComponent],
                       "the running process's copy stays")
        let backup = try Run.caseload(["backup", "--db", db, "--out", out])
        XCTAssertEqual(backup.status, 0, backup.stderr)
        if leftBehind { XCTAssertTrue(backup.stderr.contains("Removed '\(dir)/.night.sqlite.tmp-\(pid)-"), backup.stderr) }
        XCTAssertEqual(entries(dir).filter { $0.hasPrefix(".") }, [], "no hidden copy is left beside the backup")
    }

    func testAKilledInitLeavesNoHalfStoreAndTheNextInitSucceeds() throws {
        let dir = try TempDirectories.make("init-kill").path
        let db = dir + "/new.sqlite"
        var pid: pid_t = 0, caught = false
        for _ in 0..<5 where !caught {
            for name in entries(dir) { unlink(dir + "/" + name) }
            pid = try start(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"])
            caught = waitForFile(in: dir, prefix: ".new.sqlite.tmp-", while: pid)
            killAndReap(pid)
        }
        XCTAssertTrue(caught, "init builds the store as .new.sqlite.tmp-PID-…: \(entries(dir))")
        // Either the whole store (the kill came after the rename) or none; never one without its administrator.
        if FileManager.default.fileExists(atPath: db) {
            let list = try Run.caseload(["staff", "list", "--db", db])
            XCTAssertTrue(list.stdout.contains(osLogin()), list.stdout + list.stderr)
            return
        }
        let again = try Run.caseload(["init", "--db", db, "--admin", osLogin(), "--name", "Ada Admin"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("Removed '\(dir)/.new.sqlite.tmp-\(pid)-"), again.stderr)
        XCTAssertEqual(entries(dir).filter { $0.hasPrefix(".") }, [])
        let list = try Run.caseload(["staff", "list", "--db", db])
        XCTAssertTrue(list.stdout.contains(osLogin()), list.stdout + list.stderr)
    }

    func testARestoreWithTheWrongPassphraseLeavesNoLockFile() throws {
        let (dir, db) = try makeStore("wrong-phrase")
        let phrase = dir + "/phrase", wrong = dir + "/wrong"
        try Data("correct horse battery\n".utf8).write(to: URL(fileURLWithPath: phrase))
        try Data("incorrect pony staple\n".utf8).write(to: URL(fileURLWithPath: wrong))
        let sealed = dir + "/sealed.cls"
        XCTAssertEqual(try Run.caseload(["backup", "--db", db, "--out", sealed, "--passphrase-file", phrase]).status, 0)
        try FileManager.default.createDirectory(atPath: dir + "/fresh", withIntermediateDirectories: true)
        let r = try Run.caseload(["restore", sealed, "--db", dir + "/fresh/clinic.sqlite", "--passphrase-file", wrong])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("not the passphrase"), r.stderr)
        XCTAssertEqual(entries(dir + "/fresh"), [], "nothing is left where the store would have gone")
    }
}
