// The roster import under the access rules of every other write (Access.swift): a supervisor adds and updates
// only their team's clients and cannot move a client into or out of the team; refusals are whole-file, name the
// row and are recorded; every client touched is in the audit trail under its id. Also: one refusal sentence for
// a record that does not exist and one of another client, and chart numbers unique regardless of case.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class ImportAccessTests: XCTestCase {
    private var path: String!
    private var store: SQLiteStore!
    private var dir: Staff!, sup: Staff!, other: Staff!, ana: Staff!, ben: Staff!, cal: Staff!, fay: Staff!, adm: Staff!
    private var zoe: Client!, cal1: Client!

    override func setUpWithError() throws {
        path = try TestDirs.make(self).appendingPathComponent("import-access.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        // The director supervises Sam, who supervises Ana and Ben; Cal is on Oli's team.
        dir = try store.addStaff(Staff(username: "dir", displayName: "Dora Director", role: .supervisor))
        sup = try store.addStaff(Staff(username: "sup", displayName: "Sam Okafor", role: .supervisor, supervisorID: dir.id))
        other = try store.addStaff(Staff(username: "oli", displayName: "Oli Other", role: .supervisor))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sup.id))
        ben = try store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor, supervisorID: sup.id))
        cal = try store.addStaff(Staff(username: "cal", displayName: "Cal Reyes", role: .counselor, supervisorID: other.id))
        fay = try store.addStaff(Staff(username: "fay", displayName: "Fay Li", role: .facilitator, supervisorID: other.id))
        adm = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        func client(_ mrn: String, _ counselor: Staff) throws -> Client {
            try store.insert(Client(mrn: mrn, legalFirstName: "Zoë", legalLastName: "Ñúñez", dateOfBirth: Day("1988-07-14")!,
                                    admissionDate: Day("2024-06-01")!, phase: "Stabilization", medication: .methadone,
                                    doseMg: 80, takeHomeLevel: 2, primaryCounselorID: counselor.id))
        }
        zoe = try client("A-001", ana)
        cal1 = try client("C-001", cal)
    }

    private func session(_ staff: Staff) throws -> SQLiteStore {
        let h = try SQLiteStore.open(path: path, clock: fixtureClock)
        try h.bind(viewer: staff)
        return h
    }

    private func row(_ n: Int, _ mrn: String, counselor: String?, dose: Double = 80) -> ClientImportRow {
        ClientImportRow(row: n, mrn: mrn, lastName: "Ñúñez", firstName: "Zoë", preferredName: nil,
                        dateOfBirth: Day("1988-07-14")!, admissionDate: Day("2024-06-01")!, phase: "Stabilization",
                        medication: .methadone, doseMg: dose, takeHomeLevel: 2, counselorUsername: counselor, status: .active)
    }

    private func refusal(_ body: () throws -> Void) -> String? {
        do { try body() } catch CaseloadError.refused(let sentence) { return sentence } catch { return "\(error)" }
        return nil
    }

    private func events(_ action: String) throws -> [(client: Int64?, subject: String, detail: String)] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT client_id, subject, detail FROM audit_events WHERE action = ? ORDER BY id",
                             arguments: [action]).map { ($0[0], $0[1], $0[2]) }
        }
    }

    private func client(_ mrn: String) throws -> Client? { try store.client(mrn: mrn) }

    func testASupervisorCannotTakeOverOrChangeAClientOfAnotherTeam() throws {
        let h = try session(sup)
        // Moving Cal's client to Ana (a counselor of Sam's team), as the attack did, and only changing its dose.
        for rows in [[row(2, "C-001", counselor: "ana")], [row(2, "C-001", counselor: "cal", dose: 200)]] {
            let sentence = refusal { _ = try h.importClients(rows, source: "roster.csv", by: self.sup, dryRun: false) }
            XCTAssertEqual(sentence, "Nothing was imported: row 2: chart C-001 is a client outside your team; only an administrator can update it.")
        }
        XCTAssertEqual(try client("C-001")?.primaryCounselorID, cal.id)
        XCTAssertEqual(try client("C-001")?.doseMg, 80)
        // The export that was refused stays refused.
        XCTAssertNotNil(refusal { _ = try Exporter.authorize(h, clientMRN: "C-001") })
        // All rows or none: a good row beside a refused one is not written either.
        let mixed = refusal {
            _ = try h.importClients([self.row(2, "A-001", counselor: "ana", dose: 95), self.row(3, "C-001", counselor: "ana")],
                                    source: "roster.csv", by: self.sup, dryRun: false)
        }
        XCTAssertEqual(mixed, "Nothing was imported: row 3: chart C-001 is a client outside your team; only an administrator can update it.")
        XCTAssertEqual(try client("A-001")?.doseMg, 80)
        // Every refusal is recorded, under the client it was about.
        let refused = try events("refused").filter { $0.subject == "roster_import" }
        XCTAssertEqual(refused.count, 3)
        XCTAssertEqual(refused.first?.client, cal1.id)
    }

    func testASupervisorCannotMoveATeamClientOutNorAddOneToAnotherTeam() throws {
        let h = try session(sup)
        XCTAssertEqual(refusal { _ = try h.importClients([self.row(2, "A-001", counselor: "cal")], source: "r.csv", by: self.sup, dryRun: false) },
                       "Nothing was imported: row 2: it would move chart A-001 out of your team (counselor 'cal'); moving a client between teams is an administrator's act.")
        XCTAssertNotNil(refusal { _ = try h.importClients([self.row(2, "A-001", counselor: nil)], source: "r.csv", by: self.sup, dryRun: false) })
        XCTAssertEqual(refusal { _ = try h.importClients([self.row(4, "N-001", counselor: "cal")], source: "r.csv", by: self.sup, dryRun: true) },
                       "Nothing was imported: row 4: counselor 'cal' is not on your team; a supervisor adds clients to their own team only.")
        XCTAssertNil(try client("N-001"))
        XCTAssertEqual(try client("A-001")?.primaryCounselorID, ana.id)
        // The director supervises Sam's team at one remove: moving a client within it is theirs to do.
        let d = try session(dir)
        let summary = try d.importClients([row(2, "A-001", counselor: "ben"), row(3, "N-002", counselor: "ana")],
                                          source: "r.csv", by: dir, dryRun: false)
        XCTAssertEqual(summary, ImportSummary(added: 1, updated: 1, unchanged: 0))
        XCTAssertEqual(try client("A-001")?.primaryCounselorID, ben.id)
        // An administrator moves a client between teams; a facilitator imports nothing (and that is recorded).
        let a = try session(adm)
        XCTAssertEqual(try a.importClients([row(2, "C-001", counselor: "ana")], source: "r.csv", by: adm, dryRun: false).updated, 1)
        XCTAssertEqual(try client("C-001")?.primaryCounselorID, ana.id)
        let f = try session(fay)
        XCTAssertEqual(refusal { _ = try f.importClients([self.row(2, "A-001", counselor: "ana")], source: "r.csv", by: self.fay, dryRun: false) },
                       "Only an administrator or a clinical supervisor can import the roster.")
        XCTAssertTrue(try events("refused").contains { $0.subject == "roster_import" && $0.detail.contains("Only an administrator") })
    }

    func testAnImportRecordsEachClientItTouchedAndADryRunIsRecordedAsAView() throws {
        let h = try session(sup)
        let dry = try h.importClients([row(2, "A-001", counselor: "ben"), row(3, "N-003", counselor: "ana")],
                                      source: "roster.csv", by: sup, dryRun: true)
        XCTAssertEqual(dry, ImportSummary(added: 1, updated: 1, unchanged: 0))
        XCTAssertTrue(try events("view").contains {
            $0.subject == "roster_import" && $0.detail.contains("dry run") && $0.detail.contains("1 added, 1 updated")
        })
        XCTAssertTrue(try events("create").filter { $0.subject == "roster_import" }.isEmpty, "a dry run records no import")
        _ = try h.importClients([row(2, "A-001", counselor: "ben"), row(3, "N-003", counselor: "ana")],
                                source: "roster.csv", by: sup, dryRun: false)
        let added = try XCTUnwrap(try client("N-003")?.id)
        let created = try events("create").filter { $0.subject == "roster_import" }
        XCTAssertEqual(created.map(\.client), [nil, added], "the file, then the client added")
        XCTAssertEqual(try events("update").filter { $0.subject == "roster_import" }.map(\.client), [zoe.id])
        // What `caseload audit --client` lists: the import's events are found under each client.
        let admin = try session(adm)
        let forZoe = try admin.auditTrail(AuditQuery(clientID: zoe.id), by: adm, detail: "test")
        XCTAssertTrue(forZoe.contains { $0.event.subject == "roster_import" && $0.event.action == .update })
        // A file with problems is recorded as a refused import.
        XCTAssertThrowsError(try h.importClients([row(2, "A-001", counselor: "nobody")], source: "bad.csv", by: sup, dryRun: false))
        XCTAssertTrue(try events("refused").contains { $0.detail.contains("bad.csv was not imported (1 problem") })
    }

    func testAConsentOfAnotherClientAndOneThatDoesNotExistAreRefusedAlike() throws {
        let consent = try store.saveConsent(Consent(clientID: cal1.id!, discloser: "Riverbend", recipient: "County Probation",
                                                    purpose: "Attendance", informationCovered: "", expiresOn: Day("2025-09-12"),
                                                    signedOn: Day("2025-03-10")!, categories: [.attendance]), by: cal)
        let h = try session(ana)
        let theirs = refusal { _ = try h.revokeConsent(id: consent.id!, revision: 1, on: fixtureToday, note: "told me", by: self.ana) }
        let none = refusal { _ = try h.revokeConsent(id: 999_999, revision: 1, on: fixtureToday, note: "told me", by: self.ana) }
        XCTAssertNotNil(theirs)
        XCTAssertEqual(theirs, none)
        XCTAssertFalse(theirs?.contains("C-001") ?? true, "names no chart: \(theirs ?? "")")
        // Chart numbers typed for a command: one that does not exist reads as one the person may not see.
        h.accessGuard.commandLine = true
        let missing = refusal { _ = try h.clientID(typedMRN: "zz-404", what: "export") }
        let hidden = refusal { _ = try Exporter.authorize(h, clientMRN: "c-001") }
        XCTAssertEqual(missing, "You do not have access to chart ZZ-404: there is no such chart, or the client is not on your caseload, your team's, or in a group you facilitate. In an emergency, give --break-glass REASON (it is recorded).")
        XCTAssertEqual(hidden, missing?.replacingOccurrences(of: "ZZ-404", with: "C-001"))
    }

    func testChartNumbersAreUniqueRegardlessOfCase() throws {
        let a = try session(adm)
        _ = try a.importClients([row(2, "d-2", counselor: "ana")], source: "r.csv", by: adm, dryRun: false)
        XCTAssertEqual(try client("D-2")?.id, try client("d-2")?.id, "found whichever way it is typed")
        XCTAssertThrowsError(try store.insert(Client(mrn: "a-001", legalFirstName: "X", legalLastName: "Y",
                                                     dateOfBirth: Day("1990-01-01")!, admissionDate: Day("2024-01-01")!,
                                                     phase: "Stabilization", medication: .methadone, doseMg: 1,
                                                     takeHomeLevel: 0)), "the store refuses a second A-001 in lower case")
    }

    func testTheCaseInsensitiveMigrationRefusesAStoreWithChartsDifferingOnlyInCase() throws {
        // A store as the previous version left it: two charts whose numbers differ only in case.
        try store.write { db in
            try db.execute(sql: "DROP INDEX clients_mrn_nocase")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v11'")
            try db.execute(sql: "UPDATE clients SET mrn = 'c-001' WHERE mrn = 'C-001'")
            try db.execute(sql: "UPDATE clients SET mrn = 'C-001' WHERE mrn = 'A-001'")
        }
        try store.close()
        XCTAssertThrowsError(try SQLiteStore.open(path: path, clock: fixtureClock)) { error in
            XCTAssertTrue("\(error)".contains("chart numbers that differ only in case ("), "\(error)")
            XCTAssertTrue("\(error)".contains("c-001") && "\(error)".contains("C-001"), "\(error)")
        }
    }
}
