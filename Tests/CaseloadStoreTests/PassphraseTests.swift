// Staff passphrases (migration v8): scrypt with a random salt per staff member, the rules a new one must
// meet, and what the store keeps (never the passphrase).
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class PassphraseTests: XCTestCase {
    private func store() throws -> (SQLiteStore, Staff, Staff) {
        let dir = try TestDirs.make(self)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("p.sqlite").path, create: true, clock: fixtureClock)
        let ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor))
        let sam = try store.addStaff(Staff(username: "sam", displayName: "Sam Okafor", role: .supervisor))
        return (store, ana, sam)
    }

    func testTheRightPassphraseVerifiesAndAWrongOneDoesNot() throws {
        let (store, ana, _) = try store()
        XCTAssertFalse(try store.hasPassphrase(staffID: ana.id!))
        XCTAssertFalse(try store.verifyPassphrase("anything at all", staffID: ana.id!), "no passphrase set: nothing verifies")
        try store.setPassphrase("river stones at dawn", for: ana)
        XCTAssertTrue(try store.hasPassphrase(staffID: ana.id!))
        let started = Date()
        XCTAssertTrue(try store.verifyPassphrase("river stones at dawn", staffID: ana.id!))
        let seconds = Date().timeIntervalSince(started)
        XCTAssertFalse(try store.verifyPassphrase("river stones at dusk", staffID: ana.id!))
        XCTAssertFalse(try store.verifyPassphrase("River stones at dawn", staffID: ana.id!), "case counts")
        XCTAssertFalse(try store.verifyPassphrase("", staffID: ana.id!))
        // Composed and decomposed "é" are the same passphrase to the person typing it.
        try store.setPassphrase("caf\u{E9} on the corner", for: ana)
        XCTAssertTrue(try store.verifyPassphrase("cafe\u{301} on the corner", staffID: ana.id!))
        XCTAssertFalse(try store.verifyPassphrase("river stones at dawn", staffID: ana.id!), "the old one no longer works")
        print("PassphraseTests: one scrypt verify (N=\(SQLiteStore.passphraseCost), r=\(SQLiteStore.passphraseBlockSize), p=\(SQLiteStore.passphraseParallelism)) took \(Int(seconds * 1000)) ms")
    }

    func testTheStoreKeepsTheSaltHashAndParametersAndNeverThePassphrase() throws {
        let (store, ana, sam) = try store()
        try store.setPassphrase("same words for both", for: ana)
        try store.setPassphrase("same words for both", for: sam)
        let a = try XCTUnwrap(try store.storedPassphrase(staffID: ana.id!))
        let s = try XCTUnwrap(try store.storedPassphrase(staffID: sam.id!))
        XCTAssertEqual(a.kdf, "scrypt")
        XCTAssertEqual(a.cost, 1 << 15)
        XCTAssertEqual(a.blockSize, 8)
        XCTAssertEqual(a.parallelism, 1)
        XCTAssertEqual(a.salt.count, 16)
        XCTAssertEqual(a.hash.count, 32)
        XCTAssertEqual(a.setAt, fixtureClock.now())
        XCTAssertNotEqual(a.salt, s.salt, "a random salt for each staff member")
        XCTAssertNotEqual(a.hash, s.hash, "the same passphrase gives two different hashes")
        // The hash is scrypt of the passphrase with the stored salt and parameters.
        XCTAssertEqual(try SQLiteStore.derive("same words for both", salt: a.salt, cost: a.cost, blockSize: a.blockSize,
                                              parallelism: a.parallelism), a.hash)
        // Nothing in the file holds the passphrase's text.
        try store.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: store.path))
        XCTAssertNil(bytes.range(of: Data("same words for both".utf8)))
    }

    func testThePassphraseRulesRefuseWithSentences() throws {
        let (store, ana, _) = try store()
        func refusal(_ p: String) -> String? {
            do { try store.setPassphrase(p, for: ana); return nil } catch { return (error as? CaseloadError)?.description }
        }
        XCTAssertEqual(refusal(""), "The passphrase is empty. Choose one of at least 10 characters; a few words make a good one.")
        XCTAssertEqual(refusal("short one"), "The passphrase has 9 characters; it needs at least 10. A few words make a good one.")
        XCTAssertEqual(refusal("zzzzzzzzzzzz"), "The passphrase is one character repeated; choose one that is harder to guess.")
        XCTAssertThrowsError(try PassphraseRules.check("Rosalind.Kwame", username: "rosalind.kwame"), "the username in other case")
        XCTAssertThrowsError(try PassphraseRules.check("  longusername ", username: "longusername")) {
            XCTAssertEqual(($0 as? CaseloadError)?.description, "The passphrase is your username; choose one that is harder to guess.")
        }
        XCTAssertEqual(refusal("ten chars\u{7}x"), "The passphrase contains a control character; use letters, digits, spaces and punctuation.")
        XCTAssertFalse(try store.hasPassphrase(staffID: ana.id!), "nothing refused was stored")
        XCTAssertNil(refusal("ten chars!"), "exactly ten characters is enough")
    }

    func testTheTableRefusesAWeakCostOrAShortSalt() throws {
        let (store, ana, _) = try store()
        XCTAssertThrowsError(try store.write { db in
            try db.execute(sql: """
                INSERT INTO staff_passphrases (staff_id, kdf, salt, hash, cost, block_size, parallelism, set_at)
                VALUES (?, 'scrypt', zeroblob(16), zeroblob(32), 1024, 8, 1, '2025-03-12 09:00:00')
                """, arguments: [ana.id!])
        })
        XCTAssertThrowsError(try store.write { db in
            try db.execute(sql: """
                INSERT INTO staff_passphrases (staff_id, kdf, salt, hash, cost, block_size, parallelism, set_at)
                VALUES (?, 'scrypt', zeroblob(4), zeroblob(32), 32768, 8, 1, '2025-03-12 09:00:00')
                """, arguments: [ana.id!])
        })
        XCTAssertFalse(try store.hasPassphrase(staffID: ana.id!))
    }
}
