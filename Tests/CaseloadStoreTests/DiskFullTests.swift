// A save that fails for lack of space: a clear sentence, no draft lost, and the store still sound
// once space is freed (issue 7). On a real, small tmpfs mounted for the test (root, as on CI).
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class DiskFullTests: XCTestCase {
    private var mountPoint: String?
    private var store: SQLiteStore?

    override func setUpWithError() throws {
        let dir = try TestDirs.make(self)
        let point = dir.appendingPathComponent("small-disk").path
        try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        let result = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=12m,mode=0700", "tmpfs", point])
        guard result.status == 0 else {
            // A failure, never a skip: without this test nobody knows a full disk loses nothing.
            throw CaseloadError.refused("The disk-full test needs a small tmpfs, and 'mount -t tmpfs' failed (\(result.output.trimmingCharacters(in: .whitespacesAndNewlines))). Run the tests as root, as CI does.")
        }
        mountPoint = point
    }

    override func tearDownWithError() throws {
        try? store?.close()
        store = nil
        if let mountPoint {
            let result = try run("/bin/umount", [mountPoint])
            if result.status != 0 { _ = try run("/bin/umount", ["-l", mountPoint]) }
        }
    }

    func testASaveOnAFullDiskSaysSoLosesNothingAndSucceedsOnceSpaceIsFreed() throws {
        let point = try XCTUnwrap(mountPoint)
        let path = point + "/store.sqlite"
        let program = try SmallProgram.make(at: path)
        store = program.store
        let s = program.store
        var first = program.note
        first.sections = ["Reviewed the week; cravings down", "Calm, engaged", "Next session Friday"]
        first = try s.saveDraft(first, links: [], appointmentID: nil, force: false, by: program.ana)

        // Fill the file system to the last byte.
        let filler = point + "/filler"
        let filled = try fill(filler)
        print("filled the tmpfs with \(filled / 1024) KiB; store \(Backup.fileSize(path) / 1024) KiB, -wal \(Backup.fileSize(path + "-wal") / 1024) KiB")

        // A long draft needs new space in the -wal: the save fails with the sentence, and nothing changes.
        var long = first
        long.sections = [String(repeating: "Talked through the relapse-prevention plan step by step. ", count: 40_000), "", ""]
        XCTAssertThrowsError(try s.saveDraft(long, links: [], appointmentID: nil, force: false, by: program.ana)) { error in
            XCTAssertEqual(error as? CaseloadError, SQLiteStore.diskFull(path), "\(error)")
            XCTAssertEqual("\(error)", "The disk holding the store '\(path)' is full. Nothing was saved; free some space and try again.")
        }
        // A new note on a full disk: the same sentence.
        let fresh = try SmallProgram.draft(s, program.zoe, program.ana, [String(repeating: "Group dynamics. ", count: 100_000), "", ""])
        XCTAssertThrowsError(try s.saveDraft(fresh, links: [], appointmentID: nil, force: false, by: program.ana)) { error in
            XCTAssertEqual(error as? CaseloadError, SQLiteStore.diskFull(path), "\(error)")
        }
        let kept = try s.noteForEditing(id: first.id!).note
        XCTAssertEqual(kept.sections, first.sections, "the draft saved before is intact")
        XCTAssertEqual(kept.revision, first.revision)
        XCTAssertEqual(try s.drafts(staffID: program.ana.id!, now: Date()).count, 1, "no half-saved note")

        // Space freed: the same save, retried, goes through, and the store is sound.
        try FileManager.default.removeItem(atPath: filler)
        let saved = try s.saveDraft(long, links: [], appointmentID: nil, force: false, by: program.ana)
        XCTAssertEqual(saved.revision, first.revision + 1)
        XCTAssertEqual(try s.noteForEditing(id: first.id!).note.sections[0], long.sections[0])
        XCTAssertEqual(try s.integrityProblems(), [])
        try s.close()
        let reopened = try SQLiteStore.open(path: path)
        XCTAssertEqual(try reopened.noteForEditing(id: first.id!).note.sections[0].count, long.sections[0].count)
        XCTAssertEqual(try reopened.integrityProblems(), [])
        try reopened.close()
    }

    /// Writes `path` until the file system says it is full; returns the bytes written.
    private func fill(_ path: String) throws -> Int {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CaseloadError.refused("cannot create \(path)") }
        defer { close(fd) }
        var total = 0
        for size in [1 << 16, 4096, 1] {
            let block = [UInt8](repeating: 0x42, count: size)
            while true {
                let n = block.withUnsafeBytes { write(fd, $0.baseAddress!, size) }
                if n <= 0 { break }
                total += n
            }
            XCTAssertEqual(errno, ENOSPC)
        }
        return total
    }

    private func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
