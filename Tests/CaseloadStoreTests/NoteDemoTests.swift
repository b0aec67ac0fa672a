// What `caseload demo` gives the notes screens: the search index filled in bulk and in step with
// the notes, the OS user's drafts (one overdue), and signed notes waiting for a co-signature.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class NoteDemoTests: XCTestCase {
    func testDemoNotesAreSearchableDraftedAndWaitingForCosignature() throws {
        let (store, summary) = try DemoCache.shared.demo(clients: 300)
        let staff = try store.allStaff()
        let me = try XCTUnwrap(try store.staff(username: summary.osUser))
        let supervisor = try XCTUnwrap(try store.staff(username: summary.supervisor))

        // Every note is in the index once, under its client.
        let clients = try store.caseloadRows(for: supervisor.id!, scope: .all, on: fixtureToday)
        let expected = try clients.prefix(40).map { try store.noteCount(clientID: $0.id) }
        XCTAssertGreaterThan(expected.reduce(0, +), 1000)
        try store.dbPool.read { db in
            for (row, count) in zip(clients.prefix(40), expected) {
                let indexed = try Int.fetchOne(db, sql: "SELECT count(*) FROM note_search WHERE note_search MATCH ?",
                                               arguments: ["scope : \"c\(row.id)\""])
                XCTAssertEqual(indexed, count, row.mrn)
            }
            let triggers = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%search%' ORDER BY name")
            XCTAssertEqual(triggers, Schema.noteSearchTriggerNames.sorted(), "the demo puts the index triggers back")
        }
        let common = try store.searchNotes(NoteSearchQuery(text: "client", scope: .team, limit: 50), by: supervisor)
        XCTAssertEqual(common.count, 50)
        XCTAssertEqual(common.map(\.date), common.map(\.date).sorted(by: >), "newest first")
        XCTAssertTrue(common.allSatisfy { !$0.highlights.isEmpty })
        let rare = try store.searchNotes(NoteSearchQuery(text: "ukulele apprenticeship passport abscess", scope: .team), by: supervisor)
        XCTAssertEqual(rare, [], "no note has all four")
        let anyRare = try DemoText.rareDetails.map { detail in
            try store.searchNotes(NoteSearchQuery(text: String(detail.split(separator: " ")[3]), scope: .team), by: supervisor).count
        }.reduce(0, +)
        XCTAssertGreaterThan(anyRare, 0, "the rare details are in some older notes")

        // My drafts: Home lists them, at least one left unsigned for more than a day.
        let drafts = try store.drafts(staffID: me.id!, now: fixtureClock.now())
        XCTAssertGreaterThanOrEqual(drafts.count, 2)
        XCTAssertTrue(drafts.contains { $0.overdue })
        XCTAssertTrue(drafts.contains { !$0.overdue })

        // Counselors who need a co-signature have signed notes waiting for their supervisor.
        let cosigned = staff.filter { $0.needsCosign }
        XCTAssertFalse(cosigned.isEmpty)
        let queues = try Set(cosigned.compactMap(\.supervisorID)).flatMap { try store.cosignQueue(supervisorID: $0) }
        XCTAssertFalse(queues.isEmpty)
        XCTAssertTrue(queues.allSatisfy { row in cosigned.contains { $0.displayName == row.staffName } })
    }
}
