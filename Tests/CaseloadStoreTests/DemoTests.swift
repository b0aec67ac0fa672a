// The demo program: deterministic, and rich enough that every screen has something real to show.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class DemoTests: XCTestCase {
    private func count(_ store: SQLiteStore, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try store.dbPool.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? 0 }
    }

    func testTheSameSeedGivesTheSameProgram() throws {
        let dir = try TestDirs.make(self)
        func build(_ name: String, seed: UInt64) throws -> String {
            let store = try SQLiteStore.open(path: dir.appendingPathComponent(name).path, create: true, clock: fixtureClock)
            _ = try DemoGenerator(clients: 60, years: 2, seed: seed, today: fixtureToday, osUsername: "tester").generate(into: store)
            return try exportText(store)
        }
        let a = try build("a.sqlite", seed: 7)
        let b = try build("b.sqlite", seed: 7)
        XCTAssertEqual(a.count, b.count)
        XCTAssertTrue(a == b, "same seed, same export")
        XCTAssertFalse(a == (try build("c.sqlite", seed: 8)), "another seed, another program")
    }

    func testTheOSUserHasADayToWorkWith() throws {
        let (store, summary) = try DemoCache.shared.demo(clients: 300)
        let me = try XCTUnwrap(try store.staff(username: "tester"))
        XCTAssertEqual(me.role, .counselor)
        XCTAssertTrue(me.active)

        let home = try store.homeSummary(for: me.id!, on: fixtureToday)
        XCTAssertTrue((3...6).contains(home.appointments.count), "\(home.appointments.count) appointments today")
        XCTAssertTrue(home.appointments.contains { $0.noteWritten }, "some appointments already have a note")
        XCTAssertTrue(home.appointments.contains { !$0.noteWritten }, "others are still to write")
        XCTAssertFalse(home.groups.isEmpty, "a group meets today")
        XCTAssertTrue(home.groups.allSatisfy { $0.groupSessionID != nil && $0.status == .scheduled && $0.rosterSize >= 6 })
        XCTAssertGreaterThanOrEqual(home.unsignedNotes, 1, "a few drafts older than 24 hours")
        XCTAssertTrue((30...50).contains(home.caseloadActive + home.caseloadOnHold), "about 40 clients of their own")

        let mine = try store.caseloadRows(for: me.id!, scope: .mine, on: fixtureToday)
        XCTAssertTrue(mine.contains { $0.name.contains("Ñúñez") })
        XCTAssertTrue(mine.contains { $0.name == "王, 小明" })
        XCTAssertTrue(mine.contains { $0.name.unicodeScalars.contains("\u{0308}") }, "a decomposed combining mark")
        // Stored byte for byte: SQLite tells the decomposed spelling from the precomposed one.
        let decomposed = try count(store, "SELECT count(*) FROM clients WHERE legal_first_name = ?", ["Zoe\u{0308}"])
        let precomposed = try count(store, "SELECT count(*) FROM clients WHERE legal_first_name = ?", ["Zo\u{00EB}"])
        XCTAssertGreaterThan(decomposed, 0)
        XCTAssertGreaterThan(precomposed, 0)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM clients WHERE legal_first_name IN (?, ?)", ["Zoe\u{0308}", "Zo\u{00EB}"]),
                       decomposed + precomposed)

        // The summary names logins worth trying, and they exist with the right roles.
        XCTAssertEqual(summary.osUser, "tester")
        XCTAssertEqual(summary.osUserClients, mine.count)
        XCTAssertEqual(summary.appointmentsToday, home.appointments.count)
        XCTAssertEqual(try store.staff(username: summary.supervisor)?.role, .supervisor)
        XCTAssertEqual(try store.staff(username: summary.facilitator)?.role, .facilitator)
        XCTAssertEqual(try store.staff(username: summary.admin)?.role, .admin)
        let team = try store.caseloadRows(for: try store.staff(username: summary.supervisor)!.id!, scope: .team, on: fixtureToday)
        XCTAssertTrue(team.contains { row in mine.contains { $0.id == row.id } }, "the OS user is on the supervisor's team")
    }

    func testTheProgramHasWhatTheSpecAsksFor() throws {
        let store = try DemoCache.shared.store(clients: 300)
        XCTAssertTrue(try store.settings().isDemo)
        let staffRoles = try store.allStaff().map(\.role)
        let counselors = staffRoles.filter { $0 == .counselor }.count
        XCTAssertTrue((6...8).contains(counselors), "about one counselor per 45 clients: \(counselors)")
        XCTAssertGreaterThanOrEqual(staffRoles.filter { $0 == .supervisor }.count, 1)
        XCTAssertGreaterThanOrEqual(staffRoles.filter { $0 == .facilitator }.count, 1)
        XCTAssertEqual(staffRoles.filter { $0 == .admin }.count, 1)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM staff WHERE role = 'counselor' AND supervisor_id IS NULL"), 0)

        // Groups: at least 8, rosters of 6–15 today, some who left, weekly sessions, all five statuses.
        XCTAssertGreaterThanOrEqual(try count(store, "SELECT count(*) FROM groups"), 8)
        let rosters = try store.dbPool.read { db in
            try Int.fetchAll(db, sql: """
                SELECT (SELECT count(*) FROM group_members m WHERE m.group_id = g.id AND m.joined_on <= ? AND (m.left_on IS NULL OR m.left_on > ?))
                FROM groups g
                """, arguments: [fixtureToday.description, fixtureToday.description])
        }
        XCTAssertTrue(rosters.allSatisfy { (6...15).contains($0) }, "\(rosters)")
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM group_members WHERE left_on IS NOT NULL"), 0)
        XCTAssertEqual(Set(try store.dbPool.read { try String.fetchAll($0, sql: "SELECT DISTINCT status FROM attendance") }),
                       Set(AttendanceStatus.allCases.filter { $0 != .notRecorded }.map(\.rawValue)),
                       "every mark a facilitator gives (not recorded is a facilitator's answer at signing, not demo data)")
        XCTAssertGreaterThanOrEqual(try count(store, "SELECT min(n) FROM (SELECT count(*) n FROM group_sessions GROUP BY group_id)"), 50)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM group_sessions"),
                       try count(store, "SELECT count(*) FROM group_sessions s JOIN groups g ON g.id = s.group_id WHERE (CAST(strftime('%w', s.date) AS INTEGER) + 6) % 7 = g.weekday"),
                       "every session falls on its group's weekday")

        // Plans: exactly one in force per client; superseded versions and drafts exist; some overdue, some due soon.
        XCTAssertEqual(try count(store, "SELECT count(*) FROM clients c WHERE (SELECT count(*) FROM treatment_plans p WHERE p.client_id = c.id AND p.status = 'signed') <> 1"), 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM treatment_plans WHERE status = 'superseded'"), 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM treatment_plans WHERE status = 'draft'"), 0)
        let rows = try store.caseloadRows(for: 1, scope: .all, on: fixtureToday).filter { $0.status != .discharged }
        let overdue = rows.filter { $0.nextPlanReview.map { $0 < fixtureToday } ?? false }.count
        let soon = rows.filter { $0.nextPlanReview.map { $0 >= fixtureToday && $0 <= fixtureToday.adding(days: 14) } ?? false }.count
        XCTAssertGreaterThan(overdue, 0)
        XCTAssertGreaterThan(soon, 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM goals WHERE kind = 'harm_reduction'"), 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(DISTINCT modality_id) FROM interventions"), 5)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM (SELECT plan_id, count(*) n FROM problems GROUP BY plan_id) WHERE n > 3"), 0)

        // Notes: about 50 per client-year, all four templates, all formats, drafts, goal links.
        let notes = try count(store, "SELECT count(*) FROM progress_notes")
        XCTAssertTrue((12_000...18_000).contains(notes), "\(notes) notes for 300 client-years")
        XCTAssertEqual(Set(try store.dbPool.read { try String.fetchAll($0, sql: "SELECT DISTINCT template FROM progress_notes") }),
                       Set(NoteTemplate.allCases.map(\.rawValue)))
        XCTAssertTrue(Set(try store.dbPool.read { try String.fetchAll($0, sql: "SELECT DISTINCT format FROM progress_notes") })
                        .isSuperset(of: ["individual", "phone", "telehealth", "family", "no_show"]))
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM progress_notes WHERE status = 'draft'"), 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(DISTINCT note_id) FROM note_goal_links"), notes / 3)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM progress_notes WHERE signed_at < created_at"), 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM progress_notes WHERE cosigned_at IS NOT NULL"), 0)
        XCTAssertEqual(try count(store, "SELECT count(*) FROM progress_notes WHERE date > ?", [fixtureToday.description]), 0,
                       "no notes in the future")
        let distinctTexts = try count(store, "SELECT count(DISTINCT section1 || section2) FROM progress_notes")
        XCTAssertGreaterThan(distinctTexts, notes / 4, "note texts vary")

        // Drug screens: at least 8 a year for clients in care all year; results per substance.
        let screened = try store.dbPool.read { db in
            try Int.fetchAll(db, sql: """
                SELECT (SELECT count(*) FROM drug_screens d WHERE d.client_id = c.id AND d.collected_on >= ?)
                FROM clients c WHERE c.status = 'active' AND c.admission_date <= ?
                """, arguments: [fixtureToday.adding(days: -365).description, fixtureToday.adding(days: -365).description])
        }
        XCTAssertFalse(screened.isEmpty)
        XCTAssertGreaterThan(Double(screened.filter { $0 >= 8 }.count) / Double(screened.count), 0.9, "\(screened)")
        XCTAssertEqual(Set(try store.dbPool.read { try String.fetchAll($0, sql: "SELECT DISTINCT result FROM drug_screen_results") }),
                       Set(ScreenResult.allCases.map(\.rawValue)))

        // Referrals of every type, family and collateral contacts, consents expiring soon and revoked.
        XCTAssertEqual(Set(try store.dbPool.read { try String.fetchAll($0, sql: "SELECT DISTINCT type FROM referrals") }),
                       Set(ReferralType.allCases.map(\.rawValue)))
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM contacts WHERE relationship IN ('Mother','Father','Partner','Spouse','Sister','Brother')"), 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM contacts WHERE relationship LIKE 'Probation%' OR relationship LIKE 'Case worker%' OR relationship = 'Sponsor' OR relationship LIKE 'Housing%' OR relationship LIKE 'Primary-care%'"), 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM consents WHERE revoked_on IS NOT NULL"), 0)
        XCTAssertGreaterThan(try count(store, "SELECT count(*) FROM consents WHERE revoked_on IS NULL AND expires_on BETWEEN ? AND ?",
                                       [fixtureToday.description, fixtureToday.adding(days: 30).description]), 0)

        // Names: accents, CJK, combining marks; phases from the settings; take-home levels within the 2024 rule.
        let names = try store.dbPool.read { try String.fetchAll($0, sql: "SELECT legal_first_name || ' ' || legal_last_name FROM clients") }
        XCTAssertTrue(names.contains { $0.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF } }, "CJK")
        XCTAssertTrue(names.contains { $0.unicodeScalars.contains { (0x00C0...0x017F).contains($0.value) } }, "accents")
        XCTAssertTrue(names.contains { $0.unicodeScalars.contains { (0x0300...0x036F).contains($0.value) } }, "combining marks")
        let phases = Set(try store.dbPool.read { try String.fetchAll($0, sql: "SELECT DISTINCT phase FROM clients") })
        XCTAssertTrue(phases.isSubset(of: Set(ProgramSettings().phases)), "\(phases)")
        XCTAssertEqual(try count(store, "SELECT count(*) FROM clients WHERE take_home_level > 27 OR (julianday(?) - julianday(admission_date) < 15 AND take_home_level > 7)",
                                 [fixtureToday.description]), 0)
    }

    /// The caseload figures the screens show (kept by triggers) agree with the notes and plans
    /// themselves, computed here another way.
    func testDerivedCaseloadFiguresMatchTheRecords() throws {
        let store = try DemoCache.shared.store(clients: 300)
        let rows = try store.caseloadRows(for: 1, scope: .all, on: fixtureToday)
        XCTAssertEqual(rows.count, 300)
        let expected = try store.dbPool.read { db -> [RowID: (String?, String?)] in
            var result: [RowID: (String?, String?)] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id FROM clients") { result[r[0]] = (nil, nil) }
            for r in try Row.fetchAll(db, sql: "SELECT client_id, max(date) FROM progress_notes WHERE format IN ('individual','group','family','phone','telehealth') GROUP BY client_id") {
                result[r[0]]!.0 = r[1]
            }
            for r in try Row.fetchAll(db, sql: "SELECT client_id, status, version, next_review_date FROM treatment_plans ORDER BY client_id, version") {
                let status: String = r[1]
                // The signed plan wins; failing that, the latest draft.
                if status == "signed" { result[r[0]]!.1 = r[3] }
            }
            for r in try Row.fetchAll(db, sql: "SELECT client_id, next_review_date FROM treatment_plans WHERE status = 'draft' AND client_id NOT IN (SELECT client_id FROM treatment_plans WHERE status = 'signed') ORDER BY version") {
                result[r[0]]!.1 = r[1]
            }
            return result
        }
        for row in rows {
            XCTAssertEqual(row.lastContact?.description, expected[row.id]!.0, "last contact of \(row.mrn)")
            XCTAssertEqual(row.nextPlanReview?.description, expected[row.id]!.1, "next review of \(row.mrn)")
        }

        // Home counts, recomputed from the Caseload rows of each counselor.
        let settings = try store.settings()
        for counselor in try store.allStaff().filter({ $0.role == .counselor }) {
            let mine = try store.caseloadRows(for: counselor.id!, scope: .mine, on: fixtureToday)
            let home = try store.homeSummary(for: counselor.id!, on: fixtureToday)
            let open = mine.filter { $0.status != .discharged }
            XCTAssertEqual(home.caseloadActive, mine.filter { $0.status == .active }.count)
            XCTAssertEqual(home.caseloadOnHold, mine.filter { $0.status == .onHold }.count)
            XCTAssertEqual(home.plansOverdue, open.filter { $0.nextPlanReview.map { $0 < fixtureToday } ?? false }.count)
            XCTAssertEqual(home.plansDueSoon, open.filter {
                $0.nextPlanReview.map { $0 >= fixtureToday && $0 <= fixtureToday.adding(days: settings.planDueWarningDays) } ?? false
            }.count)
            var noContact = 0
            for row in mine where row.status == .active {
                let admitted = try store.chartSummary(clientID: row.id).client.admissionDate
                if (row.lastContact ?? admitted) < fixtureToday.adding(days: -settings.noContactWarningDays) { noContact += 1 }
            }
            XCTAssertEqual(home.noContact, noContact, counselor.username)
        }
    }

    func testADemoOnlyFillsAnEmptyStore() throws {
        let dir = try TestDirs.make(self)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("used.sqlite").path, create: true)
        try store.addStaff(Staff(username: "admin", displayName: "Admin", role: .admin))
        XCTAssertThrowsError(try DemoGenerator(clients: 5, today: fixtureToday, osUsername: "me").generate(into: store)) { error in
            guard case .invalidInput(let message)? = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("empty store"), message)
        }
        XCTAssertEqual(try store.allStaff().count, 1)
        XCTAssertFalse(try store.settings().isDemo)
    }

    func testTinyAndOddDemosStillWork() throws {
        let dir = try TestDirs.make(self)
        // One client, and an OS user whose login clashes with a generated one.
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("tiny.sqlite").path, create: true, clock: fixtureClock)
        var lines: [String] = []
        let summary = try DemoGenerator(clients: 1, years: 1, seed: 3, today: fixtureToday, osUsername: "admin")
            .generate(into: store) { lines.append($0) }
        XCTAssertEqual(summary.clients, 1)
        XCTAssertEqual(summary.osUser, "admin")
        XCTAssertNotEqual(summary.admin, "admin")
        XCTAssertEqual(try store.staff(username: "admin")?.role, .counselor)
        XCTAssertEqual(summary.osUserClients, 1)
        XCTAssertFalse(lines.isEmpty, "progress is reported")
        XCTAssertTrue(summary.description.contains("'admin'"))
        XCTAssertTrue(summary.description.contains("--as"))
        XCTAssertThrowsError(try DemoGenerator(clients: 0, today: fixtureToday, osUsername: "x").generate(into: store))
    }

    func testSummaryCountsMatchTheStore() throws {
        let dir = try TestDirs.make(self)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("count.sqlite").path, create: true, clock: fixtureClock)
        let s = try DemoGenerator(clients: 90, years: 1, seed: 5, today: fixtureToday, osUsername: "pat").generate(into: store)
        XCTAssertEqual(s.clients, try count(store, "SELECT count(*) FROM clients"))
        XCTAssertEqual(s.activeClients, try count(store, "SELECT count(*) FROM clients WHERE status = 'active'"))
        XCTAssertEqual(s.staff, try count(store, "SELECT count(*) FROM staff"))
        XCTAssertEqual(s.notes, try count(store, "SELECT count(*) FROM progress_notes"))
        XCTAssertEqual(s.treatmentPlans, try count(store, "SELECT count(*) FROM treatment_plans"))
        XCTAssertEqual(s.groupSessions, try count(store, "SELECT count(*) FROM group_sessions"))
        XCTAssertEqual(s.attendance, try count(store, "SELECT count(*) FROM attendance"))
        XCTAssertEqual(s.drugScreens, try count(store, "SELECT count(*) FROM drug_screens"))
        XCTAssertEqual(s.referrals, try count(store, "SELECT count(*) FROM referrals"))
        XCTAssertEqual(s.consents, try count(store, "SELECT count(*) FROM consents"))
        XCTAssertEqual(s.contacts, try count(store, "SELECT count(*) FROM contacts"))
        let me = try XCTUnwrap(try store.staff(username: "pat"))
        XCTAssertEqual(s.appointmentsToday, try store.homeSummary(for: me.id!, on: fixtureToday).appointments.count)
        XCTAssertTrue(s.description.contains("90 clients"), s.description)
        // The writer is back to FULL durability after the fast bulk load.
        try store.dbPool.writeWithoutTransaction { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA synchronous"), 2)
        }
    }
}

