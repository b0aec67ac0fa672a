// `caseload export`: the JSON shape, one client's records only, and streaming in pages.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class ExportTests: XCTestCase {
    private let keys: Set<String> = ["staff", "clients", "modalities", "treatmentPlans", "sessions", "groups", "groupSessions",
                                     "attendance", "drugScreens", "referrals", "contacts", "consents"]

    private func count(_ store: SQLiteStore, _ table: String, _ filter: String = "1") throws -> Int {
        try store.dbPool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table) WHERE \(filter)") ?? 0 }
    }

    func testTheWholeStoreHasTheDocumentedShape() throws {
        let store = try DemoCache.shared.store(clients: 300)
        let json = try exportJSON(store)
        XCTAssertEqual(Set(json.keys), keys)
        XCTAssertEqual(Set(Exporter.topLevelKeys), keys)

        for (key, table) in [("staff", "staff"), ("clients", "clients"), ("modalities", "modalities"),
                             ("treatmentPlans", "treatment_plans"), ("sessions", "progress_notes"), ("groups", "groups"),
                             ("groupSessions", "group_sessions"), ("attendance", "attendance"), ("drugScreens", "drug_screens"),
                             ("referrals", "referrals"), ("contacts", "contacts"), ("consents", "consents")] {
            XCTAssertEqual((json[key] as? [Any])?.count, try count(store, table), key)
        }

        let clients = try XCTUnwrap(json["clients"] as? [[String: Any]])
        XCTAssertTrue(clients.allSatisfy { ($0["mrn"] as? String)?.isEmpty == false }, "every client has an mrn")
        let client = try XCTUnwrap(clients.first)
        for key in ["legalFirstName", "legalLastName", "dateOfBirth", "admissionDate", "primaryCounselorID", "takeHomeLevel", "doseMg"] {
            XCTAssertNotNil(client[key], "camelCase \(key)")
        }
        XCTAssertNil(client["legal_first_name"])
        XCTAssertNotNil((client["dateOfBirth"] as? String).flatMap(Day.init), "dates as YYYY-MM-DD")
        XCTAssertTrue(clients.contains { ($0["legalLastName"] as? String) == "Ñúñez" }, "non-ASCII survives")

        // Plans nest problems → goals → objectives → interventions, with their signatures.
        let plans = try XCTUnwrap(json["treatmentPlans"] as? [[String: Any]])
        let signed = try XCTUnwrap(plans.first { $0["status"] as? String == "signed" })
        let problem = try XCTUnwrap((signed["problems"] as? [[String: Any]])?.first)
        let goal = try XCTUnwrap((problem["goals"] as? [[String: Any]])?.first)
        let objective = try XCTUnwrap((goal["objectives"] as? [[String: Any]])?.first)
        let intervention = try XCTUnwrap((objective["interventions"] as? [[String: Any]])?.first)
        XCTAssertNotNil(intervention["modalityID"])
        XCTAssertNotNil(intervention["timesPerPeriod"])
        XCTAssertFalse((signed["signatures"] as? [[String: Any]] ?? []).isEmpty)
        let signedAt = try XCTUnwrap((signed["signatures"] as? [[String: Any]])?.first?["signedAt"] as? String)
        XCTAssertNotNil(ISO8601DateFormatter().date(from: signedAt), "timestamps in ISO 8601: \(signedAt)")
        let treeRows = plans.reduce(0) { sum, plan in
            sum + ((plan["problems"] as? [[String: Any]]) ?? []).reduce(0) { s, p in
                s + ((p["goals"] as? [[String: Any]]) ?? []).reduce(0) { s2, g in
                    s2 + ((g["objectives"] as? [[String: Any]]) ?? []).reduce(0) { $0 + (($1["interventions"] as? [Any])?.count ?? 0) }
                }
            }
        }
        XCTAssertEqual(treeRows, try count(store, "interventions"), "every intervention sits in its plan's tree")

        // Sessions carry their sections, goal links and addenda; screens their results by substance.
        let sessions = try XCTUnwrap(json["sessions"] as? [[String: Any]])
        XCTAssertTrue(sessions.allSatisfy { ($0["sections"] as? [String]) != nil && $0["linkedGoalIDs"] != nil })
        XCTAssertEqual(sessions.reduce(0) { $0 + (($1["addenda"] as? [Any])?.count ?? 0) }, try count(store, "note_addenda"))
        let screen = try XCTUnwrap((json["drugScreens"] as? [[String: Any]])?.first)
        let results = try XCTUnwrap(screen["results"] as? [String: String])
        XCTAssertEqual(results["methadone"].flatMap(ScreenResult.init(rawValue:)) != nil, true, "\(results)")
        let group = try XCTUnwrap((json["groups"] as? [[String: Any]])?.first)
        XCTAssertFalse((group["facilitatorIDs"] as? [Any] ?? []).isEmpty)
        XCTAssertFalse((group["roster"] as? [Any] ?? []).isEmpty)

        // Whatever the page boundaries, the text decodes back into the domain types.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let data = try JSONSerialization.data(withJSONObject: json["clients"]!)
        XCTAssertEqual(try decoder.decode([Client].self, from: data).count, 300)
    }

    func testOneClientExportHoldsOnlyThatClient() throws {
        let store = try DemoCache.shared.store(clients: 300)
        let me = try XCTUnwrap(try store.staff(username: "tester"))
        // A client of the OS user who is in a group, has notes and a plan.
        let row = try XCTUnwrap(try store.caseloadRows(for: me.id!, scope: .mine, on: fixtureToday).first {
            try !store.groupMemberships(clientID: $0.id).isEmpty
        })
        let json = try exportJSON(store, mrn: row.mrn)
        XCTAssertEqual(Set(json.keys), keys)
        let clients = try XCTUnwrap(json["clients"] as? [[String: Any]])
        XCTAssertEqual(clients.map { $0["mrn"] as? String }, [row.mrn])
        let id = try XCTUnwrap(clients.first?["id"] as? Int)

        for key in ["sessions", "attendance", "drugScreens", "referrals", "contacts", "consents", "treatmentPlans"] {
            let records = try XCTUnwrap(json[key] as? [[String: Any]], key)
            XCTAssertTrue(records.allSatisfy { $0["clientID"] as? Int == id }, "\(key) holds only this client's records")
        }
        XCTAssertEqual((json["sessions"] as? [Any])?.count, try store.noteCount(clientID: row.id))
        let groups = try XCTUnwrap(json["groups"] as? [[String: Any]])
        XCTAssertEqual(Set(groups.compactMap { $0["id"] as? Int }),
                       Set(try store.groupMemberships(clientID: row.id).map { Int($0.groupID) }))
        for group in groups {
            let roster = try XCTUnwrap(group["roster"] as? [[String: Any]])
            XCTAssertTrue(roster.allSatisfy { $0["clientID"] as? Int == id }, "no other member of the group is disclosed")
        }
        let sessionIDs = Set((json["groupSessions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        let attended = Set((json["attendance"] as? [[String: Any]] ?? []).compactMap { $0["groupSessionID"] as? Int })
        XCTAssertEqual(sessionIDs, attended)

        // The staff and modalities the records name are there, and no others.
        let staffIDs = Set((json["staff"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        XCTAssertTrue(staffIDs.contains(Int(me.id!)))
        let named = Set((json["sessions"] as? [[String: Any]] ?? []).compactMap { $0["staffID"] as? Int })
        XCTAssertTrue(named.isSubset(of: staffIDs))
        XCTAssertLessThan(staffIDs.count, try count(store, "staff"))
        let modalityIDs = Set((json["modalities"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        XCTAssertTrue(Set((json["sessions"] as? [[String: Any]] ?? []).compactMap { $0["modalityID"] as? Int }).isSubset(of: modalityIDs))
        XCTAssertTrue(Set(groups.compactMap { $0["modalityID"] as? Int }).isSubset(of: modalityIDs))
    }

    func testAnUnknownChartNumberIsNotFound() throws {
        let store = try DemoCache.shared.store(clients: 300)
        var written = ""
        XCTAssertThrowsError(try Exporter.export(store, clientMRN: "NOPE-1") { written += $0 }) { error in
            XCTAssertEqual(error as? CaseloadError, .notFound(what: "The client with MRN 'NOPE-1'"))
            XCTAssertEqual("\(error)", "The client with MRN 'NOPE-1' was not found.")
        }
        XCTAssertEqual(written, "", "nothing half-written")
    }

    func testAnEmptyStoreExportsEmptyLists() throws {
        let dir = try TestDirs.make(self)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("e.sqlite").path, create: true)
        let json = try exportJSON(store)
        XCTAssertEqual(Set(json.keys), keys)
        XCTAssertEqual((json["modalities"] as? [Any])?.count, Modality.seeded.count)
        XCTAssertEqual((json["clients"] as? [Any])?.count, 0)
    }

    /// The export is written as it is read: many bounded pieces, never the whole store at once.
    func testExportStreamsInBoundedPieces() throws {
        let store = try DemoCache.shared.store(clients: 300)
        let notes = try count(store, "progress_notes")
        XCTAssertGreaterThan(notes, Exporter.pageSize, "enough notes for several pages")
        var pieces = 0, largest = 0, total = 0
        try Exporter.export(store, clientMRN: nil) { text in
            pieces += 1
            largest = max(largest, text.utf8.count)
            total += text.utf8.count
        }
        XCTAssertGreaterThan(pieces, 24, "two pieces or more per key, plus a piece per page")
        XCTAssertLessThan(largest, 8 << 20, "a piece is one page of rows at most")
        XCTAssertLessThan(largest, total / 2)
    }
}
