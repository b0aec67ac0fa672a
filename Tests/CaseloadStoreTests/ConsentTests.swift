// Part 2 consents in the store (issue 6): every § 2.31 validation sentence, who may record them, revocation
// for good (the store's trigger too), optimistic revisions across two handles, the consents ending soon
// and the disclosure document that holds only what the consent covers.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class ConsentTests: XCTestCase {
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

    private func draft(_ change: (inout Consent) -> Void = { _ in }) -> Consent {
        var c = Consent(clientID: client.id!, discloser: "Riverbend Treatment Services", recipient: "County Probation Department",
                        purpose: "Report attendance to probation", informationCovered: "", expiresOn: Day("2025-09-12"),
                        signedOn: Day("2025-03-10")!, categories: [.attendance])
        change(&c)
        return c
    }

    private func refused(_ c: Consent, _ sentence: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try store.saveConsent(c, by: ana), file: file, line: line) { error in
            XCTAssertEqual((error as? CaseloadError)?.description, sentence, file: file, line: line)
        }
    }

    func testEveryMissingElementIsRefusedWithItsSentenceAndNothingIsStored() throws {
        refused(draft { $0.discloser = "  " }, "Give who may disclose: the program's name.")
        refused(draft { $0.recipient = "" },
                "Give the recipient: a person or organization by name, or a class such as \"my treating providers\".")
        refused(draft { $0.purpose = "\n" }, "Give the purpose of the disclosure.")
        refused(draft { $0.categories = [] }, "Choose at least one kind of information the consent covers.")
        refused(draft { $0.expiresOn = nil; $0.expirationEvent = "  " },
                "Give an expiration date or an expiration event: a consent must say when it ends.")
        refused(draft { $0.signedOn = fixtureToday.adding(days: 1) }, "The signature date (2025-03-13) is in the future.")
        refused(draft { $0.expiresOn = Day("2025-03-01") }, "The expiration date (2025-03-01) is before the signature date (2025-03-10).")
        refused(draft { $0.recipient = String(repeating: "x", count: 501) }, "The recipient is too long (501 characters; at most 500).")
        refused(draft { $0.purpose = String(repeating: "p", count: 600) }, "The purpose is too long (600 characters; at most 500).")
        refused(draft { $0.signedBy = " \t" },
                "Say who signed: \"the patient\", or the name and authority of who signed for them (e.g. \"Ana Ruiz, mother (patient is a minor)\").")
        refused(draft { $0.signedBy = "Ana\u{1B}[2J" }, "Who signed contains control characters; type it as plain text.")
        XCTAssertThrowsError(try store.saveConsent(draft(), by: ben)) { error in
            XCTAssertEqual((error as? CaseloadError)?.description,
                           noAccess("A-001"))
        }
        XCTAssertEqual(try store.consents(clientID: client.id!), [])
    }

    func testASavedConsentKeepsItsCategoriesStatementAndIsAudited() throws {
        let saved = try store.saveConsent(draft { $0.categories = [.drugScreens, .attendance, .attendance]
                                                   $0.expiresOn = nil; $0.expirationEvent = " Completion of probation " }, by: ana)
        let stored = try XCTUnwrap(try store.consents(clientID: client.id!).first)
        XCTAssertEqual(stored, saved)
        XCTAssertEqual(stored.categories, [.attendance, .drugScreens], "canonical order, no duplicates")
        XCTAssertEqual(stored.expirationEvent, "Completion of probation")
        XCTAssertEqual(stored.informationCovered, "Attendance and dosing-visit dates; Drug-screen results")
        XCTAssertEqual(stored.revocationStatement, PartTwo.rightToRevoke)
        XCTAssertEqual(stored.revision, 1)
        let audit = try store.activity(clientID: client.id!, limit: 1).first
        XCTAssertEqual(audit?.action, .create)
        XCTAssertEqual(audit?.detail, "consent to County Probation Department covering attendance, drug_screens, ends at Completion of probation")
    }

    func testAStaleRevisionFromAnotherSessionIsRefusedNamingWhoAndWhen() throws {
        let saved = try store.saveConsent(draft(), by: ana)
        let later = FixedClock(day: fixtureToday, minute: 10 * 60 + 30)
        let supSession = try SQLiteStore.open(path: path, clock: later)
        let anaSession = try SQLiteStore.open(path: path, clock: fixtureClock)
        var theirs = saved; theirs.purpose = "Coordinate with the probation officer"
        XCTAssertEqual(try supSession.saveConsent(theirs, by: sup).revision, 2)
        var mine = saved; mine.recipient = "Officer Lee, County Probation"
        XCTAssertThrowsError(try anaSession.saveConsent(mine, by: ana)) { error in
            XCTAssertEqual(error as? EditConflict, EditConflict(what: "The consent to County Probation Department",
                                                                changedBy: "Sam Okafor", changedAt: later.now()))
        }
        XCTAssertEqual(try store.consents(clientID: client.id!).first?.purpose, "Coordinate with the probation officer", "theirs stays")
        mine.revision = 2
        XCTAssertEqual(try anaSession.saveConsent(mine, by: ana).recipient, "Officer Lee, County Probation")
    }

    func testARevokedConsentCannotBeEditedOrRevokedAgainEvenBySQL() throws {
        let saved = try store.saveConsent(draft(), by: ana)
        XCTAssertThrowsError(try store.revokeConsent(id: saved.id!, revision: 1, on: fixtureToday, note: " ", by: ana)) {
            XCTAssertEqual(($0 as? CaseloadError)?.description, "Say how the patient revoked the consent (in writing, or told whom).")
        }
        XCTAssertThrowsError(try store.revokeConsent(id: saved.id!, revision: 1, on: fixtureToday.adding(days: 2), note: "letter", by: ana)) {
            XCTAssertEqual(($0 as? CaseloadError)?.description, "The revocation date (2025-03-14) is in the future.")
        }
        XCTAssertThrowsError(try store.revokeConsent(id: saved.id!, revision: 1, on: Day("2025-03-01")!, note: "letter", by: ana)) {
            XCTAssertEqual(($0 as? CaseloadError)?.description, "The revocation date (2025-03-01) is before the consent was signed (2025-03-10).")
        }
        XCTAssertThrowsError(try store.revokeConsent(id: saved.id!, revision: 1, on: fixtureToday, note: "letter", by: ben)) {
            XCTAssertEqual(($0 as? CaseloadError)?.description, noAccessToRecord)
        }
        let revoked = try store.revokeConsent(id: saved.id!, revision: 1, on: fixtureToday, note: "Letter from the patient, given to Ana", by: ana)
        XCTAssertEqual(revoked.revokedOn, fixtureToday)
        XCTAssertFalse(revoked.isActive(on: fixtureToday))
        let stored = try XCTUnwrap(try store.consents(clientID: client.id!).first)
        XCTAssertEqual(stored.revocationNote, "Letter from the patient, given to Ana")
        XCTAssertEqual(stored.revision, 2)

        var edit = stored; edit.purpose = "Something else"
        XCTAssertThrowsError(try store.saveConsent(edit, by: ana)) {
            XCTAssertEqual(($0 as? CaseloadError)?.description,
                           "Consent \(saved.id!) was revoked on 2025-03-12 and cannot be changed; record a new consent instead.")
        }
        XCTAssertThrowsError(try store.revokeConsent(id: saved.id!, revision: 2, on: fixtureToday, note: "again", by: sup)) {
            XCTAssertEqual(($0 as? CaseloadError)?.description,
                           "Consent \(saved.id!) was already revoked on 2025-03-12; a revocation cannot be undone or changed.")
        }
        // Un-revoking behind the app's back is refused by the store itself.
        XCTAssertThrowsError(try store.write { db in try db.execute(sql: "UPDATE consents SET revoked_on = NULL") })
        XCTAssertEqual(try store.consents(clientID: client.id!).first?.revokedOn, fixtureToday)
    }

    func testAStaleRevocationIsAConflict() throws {
        let saved = try store.saveConsent(draft(), by: ana)
        var changed = saved; changed.purpose = "Court reports"
        _ = try store.saveConsent(changed, by: sup)
        XCTAssertThrowsError(try store.revokeConsent(id: saved.id!, revision: 1, on: fixtureToday, note: "letter", by: ana)) {
            XCTAssertEqual(($0 as? EditConflict)?.changedBy, "Sam Okafor")
        }
        XCTAssertNil(try store.consents(clientID: client.id!).first?.revokedOn)
    }

    func testConsentsExpiringWithinThirtyDaysOfMyClients() throws {
        let soon = try store.saveConsent(draft { $0.expiresOn = fixtureToday.adding(days: 20) }, by: ana)
        _ = try store.saveConsent(draft { $0.expiresOn = fixtureToday.adding(days: 40) }, by: ana)
        _ = try store.saveConsent(draft { $0.expiresOn = nil; $0.expirationEvent = "End of probation" }, by: ana)
        let revokedSoon = try store.saveConsent(draft { $0.expiresOn = fixtureToday.adding(days: 5) }, by: ana)
        _ = try store.revokeConsent(id: revokedSoon.id!, revision: 1, on: fixtureToday, note: "phone call", by: ana)
        let mine = try store.consentsExpiring(counselorID: ana.id!, on: fixtureToday, within: 30)
        XCTAssertEqual(mine.map(\.id), [soon.id!])
        XCTAssertEqual(mine.first?.mrn, "A-001")
        XCTAssertEqual(try store.consentsExpiring(counselorID: ben.id!, on: fixtureToday, within: 30), [])
    }

    func testADisclosureHoldsTheNoticeScopeAndOnlyTheCoveredCategories() throws {
        _ = try store.insert(DrugScreen(clientID: client.id!, collectedOn: Day("2025-03-01")!, observed: true,
                                        results: [.fentanyl: .positive, .opioids: .negative], note: "screen note SECRET"))
        let consent = try store.saveConsent(draft(), by: ana)
        var written = ""
        let d = try store.disclose(clientID: client.id!, consentID: consent.id!, format: .text, by: ana) { written = $0 }
        XCTAssertTrue(written.hasPrefix("NOTICE (42 CFR 2.32)\nThis record, which has been disclosed to you, is protected by federal"))
        XCTAssertTrue(written.contains("Recipient:        County Probation Department"))
        XCTAssertTrue(written.contains("ATTENDANCE AND DOSING-VISIT DATES"))
        XCTAssertFalse(written.contains("DRUG-SCREEN RESULTS"))
        XCTAssertFalse(written.contains("Fentanyl"))
        XCTAssertFalse(written.contains("SECRET"))
        XCTAssertFalse(written.contains("555-0100"), "demographics are not covered")
        XCTAssertEqual(d.categories, [.attendance])
        XCTAssertEqual(try store.disclosures(clientID: client.id!).map(\.recipient), ["County Probation Department"])
        XCTAssertEqual(try store.activity(clientID: client.id!, limit: 1).first?.action, .disclose)

        // A failed delivery records nothing.
        struct Full: Error {}
        XCTAssertThrowsError(try store.disclose(clientID: client.id!, consentID: consent.id!, format: .json, by: ana) { _ in throw Full() })
        XCTAssertEqual(try store.disclosures(clientID: client.id!).count, 1)
        // The accounting is append-only.
        XCTAssertThrowsError(try store.write { db in try db.execute(sql: "DELETE FROM disclosures") })
    }

    func testNoDisclosureUnderARevokedExpiredFutureOrOtherClientsConsent() throws {
        let other = try store.insert(Client(mrn: "B-002", legalFirstName: "Kai", legalLastName: "Lee", preferredName: nil,
                                            pronouns: nil, dateOfBirth: Day("1990-01-01")!, phone: nil,
                                            admissionDate: Day("2024-01-01")!, status: .active, phase: "Maintenance",
                                            medication: .methadone, doseMg: 60, takeHomeLevel: 0, primaryCounselorID: ana.id))
        let revoked = try store.saveConsent(draft(), by: ana)
        _ = try store.revokeConsent(id: revoked.id!, revision: 1, on: fixtureToday, note: "letter", by: ana)
        let expired = try store.insert(draft { $0.signedOn = Day("2024-01-01")!; $0.expiresOn = Day("2025-01-01") })
        let otherConsent = try store.saveConsent(draft { $0.clientID = other.id! }, by: ana)
        func refusal(_ id: RowID, _ by: Staff? = nil) -> String? {
            var wrote = false
            var sentence: String?
            XCTAssertThrowsError(try store.disclose(clientID: client.id!, consentID: id, format: .text, by: by ?? ana) { _ in wrote = true }) {
                sentence = ($0 as? CaseloadError)?.description
            }
            XCTAssertFalse(wrote)
            return sentence
        }
        XCTAssertEqual(refusal(revoked.id!), "Consent \(revoked.id!) was revoked on 2025-03-12: nothing may be disclosed under it.")
        XCTAssertEqual(refusal(expired.id!), "Consent \(expired.id!) expired on 2025-01-01: nothing may be disclosed under it.")
        XCTAssertEqual(refusal(otherConsent.id!), "Consent \(otherConsent.id!) is not one of the consents of Ñúñez, Zoë (MRN A-001).")
        let fine = try store.saveConsent(draft(), by: ana)
        XCTAssertEqual(refusal(fine.id!, ben),
                       noAccess("A-001"))
        XCTAssertEqual(try store.disclosures(clientID: client.id!), [])
        let future = Consent(id: 99, clientID: client.id!, discloser: "P", recipient: "R", purpose: "x", informationCovered: "",
                             expiresOn: nil, expirationEvent: "e", signedOn: fixtureToday.adding(days: 3), categories: [.attendance])
        XCTAssertEqual(future.refusal(on: fixtureToday), "Consent 99 is not signed yet (signature date 2025-03-15): nothing may be disclosed under it.")
    }

    func testWhoSignedIsKeptAndCannotBeBlankedBySQL() throws {
        var c = try store.saveConsent(draft { $0.signedBy = "  José Núñez, legal guardian 监护人 " }, by: ana)
        XCTAssertEqual(c.signedBy, "José Núñez, legal guardian 监护人")
        XCTAssertEqual(try store.consents(clientID: client.id!).first?.signedBy, "José Núñez, legal guardian 监护人")
        c.signedBy = Consent.signedByPatient
        c = try store.saveConsent(c, by: ana)
        XCTAssertEqual(try store.consents(clientID: client.id!).first?.signedBy, "the patient")
        // The column's CHECK keeps the element even against SQL written by hand.
        XCTAssertThrowsError(try store.write { db in
            try db.execute(sql: "UPDATE consents SET signed_by = '' WHERE id = ?", arguments: [c.id])
        })
    }
}
