// The audit trail's hash chain (issue 6): every event is chained as it is written, verify names the
// first altered, removed or forged event, two sessions keep one chain, and v7 chains an older trail.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class AuditChainTests: XCTestCase {
    private func newStore(_ name: String = #function) throws -> (SQLiteStore, Staff, Staff, Client) {
        let dir = try TestDirs.make(self, name)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("audit.sqlite").path, create: true, clock: fixtureClock)
        let adm = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        let ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor))
        let zoe = try store.insert(Client(mrn: "A-001", legalFirstName: "Zoë", legalLastName: "Ñúñez",
                                          dateOfBirth: Day("1988-07-14")!, admissionDate: Day("2024-06-01")!,
                                          phase: "Stabilization", medication: .methadone, doseMg: 80,
                                          primaryCounselorID: ana.id))
        return (store, adm, ana, zoe)
    }

    private struct Stored { var id: Int64; var at: String; var staffID: Int64?; var username, action: String
        var clientID: Int64?; var subject, detail, previous, hash: String }

    private func rows(_ store: SQLiteStore) throws -> [Stored] {
        try store.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, at, staff_id, username, action, client_id, subject, detail, previous_hash, hash
                FROM audit_events ORDER BY id
                """).map { r in
                Stored(id: r[0], at: r[1], staffID: r[2], username: r[3], action: r[4], clientID: r[5], subject: r[6],
                       detail: r[7], previous: r[8], hash: r[9])
            }
        }
    }

    /// The canonical encoding as the README documents it, built here by hand, hashed by coreutils' sha256sum:
    /// an outside tool can check the chain without Caseload.
    private func documentedHash(_ s: Stored) throws -> String {
        func field(_ v: String?) -> String { v.map { "\($0.utf8.count):\($0)," } ?? "~," }
        let text = "caseload-audit-v1\n" + field(String(s.id)) + field(s.at) + field(s.staffID.map { String($0) })
            + field(s.username) + field(s.action) + field(s.clientID.map { String($0) }) + field(s.subject)
            + field(s.detail) + field(s.previous)
        let dir = try TestDirs.make(self, "sha")
        let input = dir.appendingPathComponent("canonical.bin")
        try Data(text.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: out, as: UTF8.self).prefix(64))
    }

    private func tamper(_ store: SQLiteStore, _ sql: String, _ arguments: StatementArguments = []) throws {
        try store.dbPool.write { db in
            try db.execute(sql: "DROP TRIGGER audit_events_update; DROP TRIGGER audit_events_delete")
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    func testEveryEventIsChainedToTheOneBeforeAndTheHashIsTheDocumentedOne() throws {
        let (store, _, ana, zoe) = try newStore()
        try store.record(.login, by: ana, clientID: nil, subject: "session", detail: "ssh")
        try store.record(.view, by: ana, clientID: zoe.id, subject: "chart", detail: "opened from Caseload")
        try store.record(.view, by: ana, clientID: zoe.id, subject: "chart", detail: "Ñ, 李, \"quotes\", 12:34, and a\nline")
        let all = try rows(store)
        XCTAssertEqual(all.map(\.id), [1, 2, 3])
        XCTAssertEqual(all[0].previous, String(repeating: "0", count: 64))
        for i in 1..<all.count { XCTAssertEqual(all[i].previous, all[i - 1].hash, "event \(all[i].id) links to the one before") }
        for r in all {
            XCTAssertEqual(r.hash.count, 64)
            XCTAssertEqual(r.hash, try documentedHash(r), "event \(r.id)")
        }
        XCTAssertEqual(all[0].clientID, nil)
        let report = try store.verifyAuditChain()
        XCTAssertEqual(report, AuditChainReport(rowsChecked: 3, firstBad: nil))
        XCTAssertTrue(report.intact)
    }

    func testAnEmptyTrailIsIntact() throws {
        let (store, _, _, _) = try newStore()
        XCTAssertEqual(try store.verifyAuditChain(), AuditChainReport(rowsChecked: 0, firstBad: nil))
    }

    func testAChangedDetailIsNamed() throws {
        let (store, _, ana, zoe) = try newStore()
        for i in 1...5 { try store.record(.view, by: ana, clientID: zoe.id, subject: "chart", detail: "view \(i)") }
        try tamper(store, "UPDATE audit_events SET detail = 'nothing to see' WHERE id = 3")
        let report = try store.verifyAuditChain()
        XCTAssertEqual(report.firstBad, .init(id: 3, problem: .contentChanged))
        XCTAssertEqual(report.rowsChecked, 3, "stops at the first bad event")
        XCTAssertEqual(report.firstBad?.sentence,
                       "audit event 3 was changed after it was written (its content does not match its hash)")
    }

    func testAChangedTimeOrPersonIsNamed() throws {
        let (store, adm, ana, zoe) = try newStore()
        for i in 1...4 { try store.record(.view, by: ana, clientID: zoe.id, subject: "chart", detail: "view \(i)") }
        try tamper(store, "UPDATE audit_events SET staff_id = ?, username = 'adm' WHERE id = 2", [adm.id])
        XCTAssertEqual(try store.verifyAuditChain().firstBad, .init(id: 2, problem: .contentChanged))
        try store.dbPool.write { db in try db.execute(sql: "UPDATE audit_events SET staff_id = ?, username = 'ana' WHERE id = 2", arguments: [ana.id]) }
        XCTAssertTrue(try store.verifyAuditChain().intact, "put back as it was, the chain holds again")
        try store.dbPool.write { db in try db.execute(sql: "UPDATE audit_events SET at = '2025-03-12 08:00:00.000' WHERE id = 4") }
        XCTAssertEqual(try store.verifyAuditChain().firstBad, .init(id: 4, problem: .contentChanged))
    }

    func testADeletedEventIsAGap() throws {
        let (store, _, ana, zoe) = try newStore()
        for i in 1...6 { try store.record(.view, by: ana, clientID: zoe.id, subject: "chart", detail: "view \(i)") }
        try tamper(store, "DELETE FROM audit_events WHERE id IN (3, 4)")
        let report = try store.verifyAuditChain()
        XCTAssertEqual(report.firstBad, .init(id: 5, problem: .rowsMissing(firstMissing: 3)))
        XCTAssertEqual(report.firstBad?.sentence, "audit events 3 to 4 are missing before event 5 (deleted)")
    }

    func testDeletingTheFirstEventsIsCaught() throws {
        let (store, _, ana, _) = try newStore()
        for i in 1...3 { try store.record(.login, by: ana, clientID: nil, subject: "session", detail: "\(i)") }
        try tamper(store, "DELETE FROM audit_events WHERE id = 1")
        XCTAssertEqual(try store.verifyAuditChain().firstBad, .init(id: 2, problem: .rowsMissing(firstMissing: 1)))
    }

    /// Someone who knows the encoding changes an event and recomputes its hash: the event itself looks
    /// right, but the next one still points at the original.
    func testAForgedEventWithARecomputedHashBreaksTheNextLink() throws {
        let (store, _, ana, zoe) = try newStore()
        for i in 1...5 { try store.record(.view, by: ana, clientID: zoe.id, subject: "chart", detail: "view \(i)") }
        var forged = try rows(store)[1]
        forged.detail = "a harmless view"
        forged.hash = try documentedHash(forged)
        try tamper(store, "UPDATE audit_events SET detail = ?, hash = ? WHERE id = 2", [forged.detail, forged.hash])
        let report = try store.verifyAuditChain()
        XCTAssertEqual(report.firstBad, .init(id: 3, problem: .linkBroken))
        XCTAssertEqual(report.firstBad?.sentence,
                       "audit event 3 does not follow the event before it (the chain is broken: event 2 was rewritten or replaced)")
    }

    func testARowSlippedInByHandIsCaught() throws {
        let (store, _, ana, _) = try newStore()
        for i in 1...2 { try store.record(.login, by: ana, clientID: nil, subject: "session", detail: "\(i)") }
        try store.dbPool.write { db in
            try db.execute(sql: "INSERT INTO audit_events (at, staff_id, username, action, subject, detail) VALUES (?, ?, 'ana', 'view', 'chart', '')",
                           arguments: [Date(), ana.id])
        }
        try store.record(.logout, by: ana, clientID: nil, subject: "session", detail: "")
        XCTAssertEqual(try store.verifyAuditChain().firstBad, .init(id: 3, problem: .contentChanged))
    }

    /// Two sessions (two pools on one file, as two processes have) append in turn and at once: one chain.
    func testTwoSessionsAppendingKeepOneChain() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("two.sqlite").path
        let first = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        let ana = try first.addStaff(Staff(username: "ana", displayName: "Ana", role: .counselor))
        let second = try SQLiteStore.open(path: path, clock: fixtureClock)
        for k in 0..<20 {
            try (k % 2 == 0 ? first : second).record(.view, by: ana, clientID: nil, subject: "turn", detail: "\(k)")
        }
        let perWriter = 150
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let store = i == 0 ? first : second
            for k in 0..<perWriter {
                do { try store.record(.view, by: ana, clientID: nil, subject: "writer \(i)", detail: "\(k)") }
                catch { errors.append(error) }
            }
        }
        XCTAssertEqual(errors.all.map { "\($0)" }, [])
        let all = try rows(first)
        XCTAssertEqual(all.count, 20 + 2 * perWriter)
        XCTAssertEqual(Set(all.map(\.previous)).count, all.count, "no two events claim the same predecessor (no fork)")
        XCTAssertEqual(try first.verifyAuditChain(), AuditChainReport(rowsChecked: all.count, firstBad: nil))
        XCTAssertEqual(try second.verifyAuditChain(), AuditChainReport(rowsChecked: all.count, firstBad: nil))
    }

    /// A store made before v7 has a trail without hashes; the upgrade chains it in id order.
    func testUpgradingAV6StoreChainsItsTrail() throws {
        let dir = try TestDirs.make(self)
        let path = dir.appendingPathComponent("v6.sqlite").path
        let pool = try DatabasePool(path: path, configuration: SQLiteStore.configuration())
        try Schema.migrator.migrate(pool, upTo: "v6")
        try pool.write { db in
            try db.execute(sql: "INSERT INTO staff (id, username, display_name, role) VALUES (1, 'fay', 'Fay Li', 'supervisor')")
            for i in 1...50 {
                try db.execute(sql: """
                    INSERT INTO audit_events (at, staff_id, username, action, client_id, subject, detail)
                    VALUES (?, 1, 'fay', ?, NULL, 'session', ?)
                    """, arguments: [Date(timeIntervalSince1970: 1_741_770_000 + Double(i) * 60), i % 2 == 0 ? "login" : "logout", "event \(i)"])
            }
        }
        let before = try pool.read { db in try Row.fetchAll(db, sql: "SELECT id, at, detail, hash FROM audit_events ORDER BY id") }
        XCTAssertTrue(before.allSatisfy { ($0[3] as String).isEmpty }, "v6 left the hashes empty")
        try pool.close()

        let store = try SQLiteStore.open(path: path, clock: fixtureClock)
        XCTAssertEqual(try store.dbPool.read { try Schema.migrator.appliedIdentifiers($0).contains("v7") }, true)
        let after = try rows(store)
        XCTAssertEqual(after.map(\.id), before.map { $0[0] as Int64 }, "ids kept")
        XCTAssertEqual(after.map(\.detail), before.map { $0[2] as String }, "content kept")
        XCTAssertEqual(after.map(\.at), before.map { $0[1] as String }, "time stamps kept as stored")
        for r in after.prefix(3) { XCTAssertEqual(r.hash, try documentedHash(r)) }
        XCTAssertEqual(try store.verifyAuditChain(), AuditChainReport(rowsChecked: 50, firstBad: nil))

        // New events continue the migrated chain, and the trail is locked again.
        let fay = try XCTUnwrap(try store.staff(username: "fay"))
        try store.record(.view, by: fay, clientID: nil, subject: "audit", detail: "after the upgrade")
        XCTAssertEqual(try rows(store).last?.previous, after.last?.hash)
        XCTAssertEqual(try store.verifyAuditChain().rowsChecked, 51)
        XCTAssertThrowsError(try store.write { db in try db.execute(sql: "UPDATE audit_events SET detail = 'x' WHERE id = 1") }) {
            XCTAssertEqual($0 as? CaseloadError, .refused("The audit trail cannot be changed."))
        }
        let indexes = try store.dbPool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events'") }
        XCTAssertTrue(indexes.contains("audit_events_staff"), "\(indexes)")
    }

    /// Every path that writes events (notes, plans, groups, case management, the demo) goes through the chain.
    func testADemoStoreVerifiesAndABigTrailVerifiesInStreaming() throws {
        let store = try DemoCache.shared.store(clients: 60)
        let report = try store.verifyAuditChain()
        XCTAssertTrue(report.intact, "\(String(describing: report.firstBad))")
        XCTAssertGreaterThan(report.rowsChecked, 30)

        // A long trail: 100,000 events appended in one transaction (the demo's in-memory path), then verified.
        let (big, _, ana, zoe) = try newStore()
        let count = 100_000
        var started = Date()
        try big.dbPool.write { db in
            var chain = try AuditChain.Appender(db)
            for i in 0..<count {
                try chain.append(AuditEvent(at: Date(timeIntervalSince1970: 1_741_770_000 + Double(i)), staffID: ana.id,
                                            username: ana.username, action: .view, clientID: zoe.id, subject: "chart",
                                            detail: "opened from Caseload \(i)"))
            }
        }
        print("appended \(count) chained audit events in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        started = Date()
        let bigReport = try big.verifyAuditChain()
        print("verified \(bigReport.rowsChecked) audit events in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        XCTAssertEqual(bigReport, AuditChainReport(rowsChecked: count, firstBad: nil))
    }
}

final class AuditTrailListingTests: XCTestCase {
    func testAdministratorsAndSupervisorsListCounselorsAreRefusedAndBothAreRecorded() throws {
        let dir = try TestDirs.make(self)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("l.sqlite").path, create: true, clock: fixtureClock)
        let adm = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        let sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Sup", role: .supervisor))
        let ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id))
        let zoe = try store.insert(Client(mrn: "A-001", legalFirstName: "Zoë", legalLastName: "Ñúñez",
                                          dateOfBirth: Day("1988-07-14")!, admissionDate: Day("2024-06-01")!,
                                          phase: "Stabilization", medication: .methadone, doseMg: 80,
                                          primaryCounselorID: ana.id))
        try store.record(.login, by: ana, clientID: nil, subject: "session", detail: "ssh")
        try store.record(.view, by: ana, clientID: zoe.id, subject: "chart", detail: "opened from Caseload")

        XCTAssertThrowsError(try store.auditTrail(AuditQuery(), by: ana, detail: "audit trail listing")) {
            XCTAssertEqual($0 as? CaseloadError, .refused(
                "Only administrators and supervisors can read the audit trail; 'ana' is a counselor."))
        }
        let forZoe = try store.auditTrail(AuditQuery(clientID: zoe.id), by: sup, detail: "audit trail listing (client A-001)")
        XCTAssertEqual(forZoe.map(\.event.action), [.view, .view], "her chart view, then the supervisor's read of her events")
        XCTAssertEqual(forZoe.map(\.mrn), ["A-001", "A-001"])
        XCTAssertEqual(forZoe.last?.event.subject, "audit")
        XCTAssertEqual(forZoe.last?.event.username, "sup")

        let refusals = try store.auditTrail(AuditQuery(staffID: ana.id, action: .refused), by: adm, detail: "audit trail listing")
        XCTAssertEqual(refusals.map(\.event.subject), ["audit"], "the counselor's refused read is itself in the trail")
        let anaAll = try store.auditTrail(AuditQuery(staffID: ana.id), by: adm, detail: "audit trail listing")
        XCTAssertEqual(anaAll.map(\.event.action), [.login, .view, .refused])

        let window = try store.auditTrail(AuditQuery(from: fixtureClock.now(), before: fixtureClock.now().addingTimeInterval(60),
                                                     action: .login), by: adm, detail: "audit trail listing")
        XCTAssertEqual(window.map(\.event.username), ["ana"])
        let empty = try store.auditTrail(AuditQuery(before: fixtureClock.now()), by: adm, detail: "audit trail listing")
        XCTAssertEqual(empty, [])
        XCTAssertTrue(try store.verifyAuditChain().intact)
    }

    func testASupervisorListsOnlyTheirTeamsEvents() throws {
        let dir = try TestDirs.make(self)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("t.sqlite").path, create: true, clock: fixtureClock)
        let sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Sup", role: .supervisor))
        let oli = try store.addStaff(Staff(username: "oli", displayName: "Oli Other", role: .supervisor))
        let ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id))
        let cal = try store.addStaff(Staff(username: "cal", displayName: "Cal Reyes", role: .counselor, supervisorID: oli.id))
        func client(_ mrn: String, _ counselor: Staff) throws -> Client {
            try store.insert(Client(mrn: mrn, legalFirstName: "Zoë", legalLastName: "Ñúñez", dateOfBirth: Day("1988-07-14")!,
                                    admissionDate: Day("2024-06-01")!, phase: "Stabilization", medication: .methadone,
                                    doseMg: 80, primaryCounselorID: counselor.id))
        }
        let anas = try client("A-001", ana), cals = try client("C-001", cal)
        try store.record(.view, by: ana, clientID: anas.id, subject: "chart", detail: "Ana's own client")
        try store.record(.view, by: cal, clientID: cals.id, subject: "chart", detail: "Cal's own client")
        try store.record(.breakGlass, by: cal, clientID: anas.id, subject: "chart", detail: "Cal opened Ana's client")
        try store.record(.login, by: cal, clientID: nil, subject: "session", detail: "Cal signed in")

        let sams = try store.auditTrail(AuditQuery(), by: sup, detail: "audit trail listing").map(\.event.detail)
        XCTAssertEqual(sams, ["Ana's own client", "Cal opened Ana's client", "audit trail listing"],
                       "the team's staff and the team's clients, whoever touched them; nothing of Cal's own")
        let olis = try store.auditTrail(AuditQuery(), by: oli, detail: "audit trail listing").map(\.event.detail)
        XCTAssertEqual(olis, ["Cal's own client", "Cal opened Ana's client", "Cal signed in", "audit trail listing"])
    }
}
