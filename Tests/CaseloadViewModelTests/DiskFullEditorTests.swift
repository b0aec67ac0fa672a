// The note editor on a full disk, as a counselor meets it: Ctrl-S says the disk is full, the editor keeps every
// word, and the same Ctrl-S saves once space is freed. On a real, small tmpfs (root, as on CI).
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class DiskFullEditorTests: XCTestCase {
    private var mountPoint: String?

    override func setUpWithError() throws {
        let point = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-full-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        let result = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=40m,mode=0700", "tmpfs", point])
        guard result.status == 0 else {
            throw CaseloadError.refused("The disk-full test needs a small tmpfs, and 'mount -t tmpfs' failed (\(result.output.trimmingCharacters(in: .whitespacesAndNewlines))). Run the tests as root, as CI does.")
        }
        mountPoint = point
    }

    override func tearDownWithError() throws {
        guard let mountPoint else { return }
        if try run("/bin/umount", [mountPoint]).status != 0 { _ = try run("/bin/umount", ["-l", mountPoint]) }
        try? FileManager.default.removeItem(atPath: mountPoint)
    }

    func testCtrlSOnAFullDiskSaysSoAndTheEditorKeepsEveryWord() throws {
        let point = try XCTUnwrap(mountPoint)
        let path = point + "/demo.sqlite"
        let store = try SQLiteStore.open(path: path, create: true, clock: NoteDemo.clock)
        _ = try DemoGenerator(clients: 40, years: 1, seed: 7, today: NoteDemo.clock.day, osUsername: "ccounselor")
            .generate(into: store)
        let app = try NoteDemo.app(store)
        _ = try NoteDemo.newNoteFromHome(app)
        let long = String(repeating: "Zoë Ñúñez 李 walked through her relapse-prevention plan step by step. ", count: 250)   // 17,500 characters, under the 20,000 a section holds
        app.press(.paste(long))
        XCTAssertTrue(app.hasUnsavedChanges)

        let filler = point + "/filler"
        try fill(filler)
        app.press(.ctrl("s"))
        XCTAssertEqual(app.message?.text, "The disk holding the store '\(path)' is full. Nothing was saved; free some space and try again.")
        XCTAssertEqual(app.message?.role, .error)
        guard let kept = app.editor else { return XCTFail("the editor stays open") }
        XCTAssertTrue(kept.sections[0].text == long, "every word is still in the editor (\(kept.sections[0].text.count) of \(long.count) characters)")
        XCTAssertTrue(app.hasUnsavedChanges, "and it still counts as unsaved")

        try FileManager.default.removeItem(atPath: filler)
        app.press(.ctrl("s"))
        XCTAssertTrue(app.message?.text.hasPrefix("Draft saved at") == true, app.message?.text ?? "")
        let id = try XCTUnwrap(app.editor?.note.id)
        XCTAssertTrue(try store.noteForEditing(id: id).note.sections[0] == long, "the saved draft holds the whole text")
        XCTAssertEqual(try store.integrityProblems(), [])
        try store.close()
    }

    private func fill(_ path: String) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CaseloadError.refused("cannot create \(path)") }
        defer { close(fd) }
        for size in [1 << 16, 4096, 1] {
            let block = [UInt8](repeating: 0x42, count: size)
            while block.withUnsafeBytes({ write(fd, $0.baseAddress!, size) }) > 0 {}
        }
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
