// One demo store for every end-to-end test in the process (building it is the slow part),
// plus what the tests need to know about it, read back through `caseload export`.
import Foundation
import XCTest

struct DemoFixture {
    let directory: URL
    let dbPath: String
    let demoOutput: String
    let osUser: String
    /// Parsed `caseload export` of the whole store.
    let export: [String: Any]

    var clients: [[String: Any]] { export["clients"] as? [[String: Any]] ?? [] }
    var staff: [[String: Any]] { export["staff"] as? [[String: Any]] ?? [] }

    var myStaffID: Int? {
        staff.first { $0["username"] as? String == osUser }?["id"] as? Int
    }

    /// The demo's clinical supervisor (its first): the whole team's charts and groups are theirs to see, so the
    /// tests that read any client's plan or any group's attendance act as them (`--as`).
    var supervisor: String {
        staff.filter { $0["role"] as? String == "supervisor" }.min { ($0["id"] as! Int) < ($1["id"] as! Int) }?["username"]
            as? String ?? "no-supervisor"
    }

    /// Clients on the OS user's own caseload (what the Caseload screen lists by default), active first.
    var myClients: [[String: Any]] {
        guard let me = myStaffID else { return [] }
        return clients.filter { $0["primaryCounselorID"] as? Int == me }
    }

    static let clientCount = 120

    nonisolated(unsafe) private static var cached: Result<DemoFixture, Error>?
    private static let lock = NSLock()

    static func shared() throws -> DemoFixture {
        lock.lock(); defer { lock.unlock() }
        if let cached { return try cached.get() }
        let result = Result { try build() }
        cached = result
        return try result.get()
    }

    private static func build() throws -> DemoFixture {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("caseload-e2e-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        TempDirectories.register(dir)
        let db = dir.appendingPathComponent("demo.sqlite").path
        let made = try Run.caseload(["demo", "--db", db, "--clients", "\(clientCount)"], timeout: 600)
        guard made.status == 0 else {
            throw HarnessError("caseload demo failed (\(made.status)): \(made.stderr)")
        }
        let exported = try Run.exportAll(db, timeout: 300)
        guard exported.status == 0,
              let json = try JSONSerialization.jsonObject(with: exported.stdoutData) as? [String: Any] else {
            throw HarnessError("caseload export failed (\(exported.status)): \(exported.stderr)")
        }
        return DemoFixture(directory: dir, dbPath: db, demoOutput: made.stdout, osUser: osLogin(), export: json)
    }
}

/// Temp folders removed when the test process exits (the shared demo outlives any one class).
enum TempDirectories {
    nonisolated(unsafe) private static var paths: [String] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false

    static func register(_ url: URL) {
        lock.lock(); defer { lock.unlock() }
        paths.append(url.path)
        if !registered {
            registered = true
            atexit { TempDirectories.removeAll() }
        }
    }

    static func removeAll() {
        for p in paths { try? FileManager.default.removeItem(atPath: p) }
    }

    /// A fresh empty folder for one test.
    static func make(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("caseload-e2e-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        register(dir)
        return dir
    }
}
