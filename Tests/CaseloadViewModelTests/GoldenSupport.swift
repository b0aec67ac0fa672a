// Golden-screen comparison: a frame as text against Golden/<name>.txt in the source tree.
import XCTest
import CaseloadViewModels

/// Compares `actual` with the golden file `name`. With CASELOAD_RECORD_GOLDEN=1 it rewrites the file
/// instead and fails, so a recording is always looked at before it is trusted.
func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Golden")
    let url = dir.appendingPathComponent("\(name).txt")
    if ProcessInfo.processInfo.environment["CASELOAD_RECORD_GOLDEN"] == "1" {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            XCTFail("Recorded golden \(name).txt: read it, check it is right, then run again without CASELOAD_RECORD_GOLDEN.",
                    file: file, line: line)
        } catch {
            XCTFail("Could not write golden \(url.path): \(error)", file: file, line: line)
        }
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("Golden \(name).txt is missing. Record it with CASELOAD_RECORD_GOLDEN=1 swift test --filter CaseloadViewModelTests, then review it.",
                file: file, line: line)
        return
    }
    if expected != actual {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var diff: [String] = []
        for i in 0..<max(e.count, a.count) where e[safe: i] != a[safe: i] {
            diff.append("row \(i):\n  expected |\(e[safe: i] ?? "<none>")|\n  actual   |\(a[safe: i] ?? "<none>")|")
        }
        XCTFail("Frame differs from golden \(name).txt:\n" + diff.prefix(8).joined(separator: "\n") + "\n\nWhole frame:\n" + actual,
                file: file, line: line)
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

/// A golden frame: the text layer, and the cursor position so goldens also pin where screen readers look.
func frameText(_ b: ScreenBuffer) -> String {
    let cursor = b.cursor.map { "cursor: \($0.x),\($0.y)" } ?? "cursor: none"
    return b.text + "-- \(b.size.width)x\(b.size.height) \(cursor)\n"
}
