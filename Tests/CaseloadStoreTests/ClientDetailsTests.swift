// The counselor-kept details of a client (Summary tab's edit): validation sentences, who may change them,
// optimistic versioning across two handles (two sessions), and the audit trail.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class ClientDetailsTests: XCTestCase {
    private var path: String!
    private var store: SQLiteStore!
    private var ana: Staff!, ben: Staff!, sup: Staff!
    private var client: Client!

    override func setUpWithError() throws {
        let program = try TwoCounselorProgram(self)
        path = program.path; store = program.store
        ana = program.ana; ben = program.ben; sup = program.sup
        client = program.client
    }

    private let details = ClientDetails(preferredName: " Zo ", pronouns: "she/her", phone: "555-0142",
                                        emergencyContact: EmergencyContact(name: "Lucía Ñúñez", relationship: "sister",
                                                                           phone: "+1 (555) 010-0199"))

    func testSavingChangesOnlyTheCounselorKeptFieldsBumpsTheVersionAndIsAudited() throws {
        let saved = try store.saveClientDetails(clientID: client.id!, details, expectedVersion: client.version, by: ana)
        XCTAssertEqual(saved.version, client.version + 1)
        let stored = try XCTUnwrap(try store.client(mrn: "A-001"))
        XCTAssertEqual(stored, saved)
        XCTAssertEqual(stored.preferredName, "Zo", "trimmed")
        XCTAssertEqual(stored.emergencyContact, EmergencyContact(name: "Lucía Ñúñez", relationship: "sister", phone: "+1 (555) 010-0199"))
        XCTAssertEqual(stored.doseMg, 80, "the dose is the nurses'")
        XCTAssertEqual(stored.takeHomeLevel, 2)
        XCTAssertEqual(stored.legalFirstName, "Zoë")
        let audit = try store.activity(clientID: client.id!, limit: 5)
        XCTAssertEqual(audit.first?.action, .update)
        XCTAssertEqual(audit.first?.username, "ana")
        XCTAssertEqual(audit.first?.detail, "changed the client's preferred name, pronouns, phone, emergency contact")
        // Saving the same again changes nothing and records nothing.
        XCTAssertEqual(try store.saveClientDetails(clientID: client.id!, details, expectedVersion: saved.version, by: ana), saved)
        XCTAssertEqual(try store.activity(clientID: client.id!, limit: 5).count, audit.count)
    }

    func testAStaleVersionFromAnotherSessionIsRefusedWithWhoAndWhen() throws {
        let later = FixedClock(day: fixtureToday, minute: 10 * 60 + 30)
        let supervisorSession = try SQLiteStore.open(path: path, clock: later)
        let anaSession = try SQLiteStore.open(path: path, clock: fixtureClock)
        // Both opened the chart at version 1; the supervisor saves first.
        _ = try supervisorSession.saveClientDetails(clientID: client.id!, ClientDetails(preferredName: "Zo", pronouns: nil,
                                                                                         phone: "555-0777", emergencyContact: nil),
                                                    expectedVersion: 1, by: sup)
        XCTAssertThrowsError(try anaSession.saveClientDetails(clientID: client.id!, details, expectedVersion: 1, by: ana)) { error in
            XCTAssertEqual(error as? EditConflict, EditConflict(what: "The client record of Ñúñez, Zoë \"Zo\"",
                                                                changedBy: "Sam Okafor", changedAt: later.now()))
        }
        XCTAssertEqual(try store.client(mrn: "A-001")?.phone, "555-0777", "theirs stays")
        // Overwrite, chosen: nil expected version.
        XCTAssertEqual(try anaSession.saveClientDetails(clientID: client.id!, details, expectedVersion: nil, by: ana).phone,
                       "555-0142")
    }

    func testAnImportNamesItselfInALaterConflict() throws {
        let admin = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        _ = try store.importClients([ClientImportRow(row: 2, mrn: "A-001", lastName: "Ñúñez-Ruiz", firstName: "Zoë",
                                                     preferredName: nil, dateOfBirth: client.dateOfBirth,
                                                     admissionDate: client.admissionDate, phase: "Stabilization",
                                                     medication: .methadone, doseMg: 90, takeHomeLevel: 2,
                                                     counselorUsername: "ana", status: .active)],
                                    source: "roster.csv", by: admin, dryRun: false)
        XCTAssertThrowsError(try store.saveClientDetails(clientID: client.id!, details, expectedVersion: 1, by: ana)) { error in
            XCTAssertEqual((error as? EditConflict)?.changedBy, "Ada Admin")
        }
    }

    func testBadDetailsGetASentenceAndOnlyTheirCounselorOrASupervisorMayChangeThem() throws {
        func sentence(_ d: ClientDetails, by who: Staff? = nil) -> String? {
            do { _ = try store.saveClientDetails(clientID: client.id!, d, expectedVersion: nil, by: who ?? ana); return nil }
            catch { return "\(error)" }
        }
        XCTAssertEqual(sentence(ClientDetails(preferredName: "Zo\në", pronouns: nil, phone: nil, emergencyContact: nil)),
                       "The preferred name cannot contain line breaks, tabs or other control characters.")
        XCTAssertEqual(sentence(ClientDetails(preferredName: nil, pronouns: nil, phone: "call me", emergencyContact: nil)),
                       "The phone number must be digits, like 555-0142 or +1 (555) 010-0142 x12.")
        XCTAssertEqual(sentence(ClientDetails(preferredName: nil, pronouns: String(repeating: "x", count: 41), phone: nil,
                                              emergencyContact: nil)),
                       "The pronouns are too long (41 characters; at most 40).")
        XCTAssertEqual(sentence(ClientDetails(preferredName: nil, pronouns: nil, phone: nil,
                                              emergencyContact: EmergencyContact(name: "", relationship: "sister", phone: ""))),
                       "Give the emergency contact's name, or clear the contact's other fields.")
        XCTAssertEqual(sentence(ClientDetails(preferredName: nil, pronouns: nil, phone: nil,
                                              emergencyContact: EmergencyContact(name: "Lucía", relationship: "", phone: ""))),
                       "Give a phone number for the emergency contact Lucía.")
        XCTAssertEqual(sentence(details, by: ben),
                       noAccess("A-001"))
        XCTAssertEqual(try store.client(mrn: "A-001")?.version, 1, "nothing refused was written")
        XCTAssertNil(sentence(details, by: sup))
        // Clearing every field of the emergency contact removes it.
        XCTAssertNil(sentence(ClientDetails(preferredName: nil, pronouns: nil, phone: nil,
                                            emergencyContact: EmergencyContact(name: " ", relationship: "", phone: ""))))
        XCTAssertNil(try store.client(mrn: "A-001")?.emergencyContact)
    }
}
