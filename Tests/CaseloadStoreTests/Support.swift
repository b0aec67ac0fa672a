// Helpers shared by the store tests: temporary folders with real store files (WAL needs a
// real file, never :memory:) and a fixed clock.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

enum TestDirs {
    /// A fresh folder under the system temp directory, removed when the test case ends.
    static func make(_ test: XCTestCase, _ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("caseload-store-tests")
            .appendingPathComponent("\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// Wednesday 12 March 2025, 09:00.
let fixtureToday = Day(year: 2025, month: 3, day: 12)!
let fixtureClock = FixedClock(day: fixtureToday, minute: 9 * 60)

func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as! NSNumber).intValue & 0o777
}

/// Shared small demos, built once per test process (each build takes a few seconds in debug).
final class DemoCache: @unchecked Sendable {
    static let shared = DemoCache()
    private let lock = NSLock()
    private var demos: [String: (SQLiteStore, DemoSummary)] = [:]
    private let root: URL = FileManager.default.temporaryDirectory
        .appendingPathComponent("caseload-store-demos-\(getpid())")

    func demo(clients: Int, years: Int = 1, seed: UInt64 = 1, user: String = "tester") throws -> (SQLiteStore, DemoSummary) {
        lock.lock(); defer { lock.unlock() }
        let key = "\(clients)-\(years)-\(seed)-\(user)"
        if let d = demos[key] { return d }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let path = root.appendingPathComponent("demo-\(key).sqlite").path
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        let summary = try DemoGenerator(clients: clients, years: years, seed: seed, today: fixtureToday, osUsername: user)
            .generate(into: store)
        demos[key] = (store, summary)
        return (store, summary)
    }

    func store(clients: Int, years: Int = 1, seed: UInt64 = 1, user: String = "tester") throws -> SQLiteStore {
        try demo(clients: clients, years: years, seed: seed, user: user).0
    }
}

func exportText(_ store: SQLiteStore, mrn: String? = nil) throws -> String {
    var text = ""
    try Exporter.export(store, clientMRN: mrn) { text += $0 }
    return text
}

func exportJSON(_ store: SQLiteStore, mrn: String? = nil) throws -> [String: Any] {
    let text = try exportText(store, mrn: mrn)
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// The refusal a person gets for a chart that is not on their caseload, team or groups (Access.swift).
func noAccess(_ mrn: String) -> String {
    "You do not have access to chart \(mrn): there is no such chart, or the client is not on your caseload, your team's, or in a group you facilitate. In an emergency, type :breakglass \(mrn) and give the reason (it is recorded)."
}

/// The refusal for a record (a consent, a plan, a note) named by its number: the same whether it does not exist
/// or belongs to a client the person may not see, and naming no chart (Access.swift).
let noAccessToRecord = "You do not have access to that record: it does not exist, or its client is not on your caseload, your team's, or in a group you facilitate. In an emergency, type :breakglass MRN and give the reason (it is recorded)."

/// A supervisor, two counselors she supervises, and Ana's client Zoë Ñúñez, on a new store.
struct TwoCounselorProgram {
    let path: String
    let store: SQLiteStore
    let ana: Staff, ben: Staff, sup: Staff
    let client: Client

    init(_ test: XCTestCase) throws {
        let dir = try TestDirs.make(test)
        path = dir.appendingPathComponent("store.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Okafor", role: .supervisor))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id))
        ben = try store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor, supervisorID: sup.id))
        client = try store.insert(Client(mrn: "A-001", legalFirstName: "Zoë", legalLastName: "Ñúñez", preferredName: nil,
                                         pronouns: nil, dateOfBirth: Day("1988-07-14")!, phone: "555-0100",
                                         admissionDate: Day("2024-06-01")!, status: .active, phase: "Stabilization",
                                         medication: .methadone, doseMg: 80, takeHomeLevel: 2, primaryCounselorID: ana.id))
    }
}
