// Staff passphrases (migration v8): set with scrypt from swift-crypto, checked in constant time.
// The passphrase itself is never stored, logged or audited.
import CaseloadCore
import Crypto
import _CryptoExtras
import Foundation
import GRDB

/// What the store keeps of one staff member's passphrase.
public struct StoredPassphrase: Hashable, Sendable {
    public var kdf: String
    public var salt: [UInt8]
    public var hash: [UInt8]
    /// scrypt's N (a power of two), r and p.
    public var cost: Int
    public var blockSize: Int
    public var parallelism: Int
    public var setAt: Date
}

extension SQLiteStore: StaffAuthenticator {
    /// scrypt N = 2^15, r = 8, p = 1: 32 MiB of memory per try; OWASP's minimum for scrypt.
    public static let passphraseCost = 1 << 15
    public static let passphraseBlockSize = 8
    public static let passphraseParallelism = 1
    static let saltBytes = 16
    static let hashBytes = 32

    /// Sets (or replaces) the staff member's passphrase after checking the rules (PassphraseRules).
    public func setPassphrase(_ passphrase: String, for staff: Staff) throws {
        guard let staffID = staff.id else { throw CaseloadError.notFound(what: "The staff account '\(staff.username)'") }
        try PassphraseRules.check(passphrase, username: staff.username)
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let hash = try Self.derive(passphrase, salt: salt, cost: Self.passphraseCost, blockSize: Self.passphraseBlockSize,
                                   parallelism: Self.passphraseParallelism)
        let now = clock.now()
        try write { db in
            try db.execute(sql: """
                INSERT INTO staff_passphrases (staff_id, kdf, salt, hash, cost, block_size, parallelism, set_at)
                VALUES (?, 'scrypt', ?, ?, ?, ?, ?, ?)
                ON CONFLICT (staff_id) DO UPDATE SET kdf = excluded.kdf, salt = excluded.salt, hash = excluded.hash,
                    cost = excluded.cost, block_size = excluded.block_size, parallelism = excluded.parallelism,
                    set_at = excluded.set_at
                """, arguments: [staffID, Data(salt), Data(hash), Self.passphraseCost, Self.passphraseBlockSize,
                                 Self.passphraseParallelism, now])
        }
    }

    /// The stored salt, hash and parameters (nil: no passphrase set).
    public func storedPassphrase(staffID: RowID) throws -> StoredPassphrase? {
        try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT kdf, salt, hash, cost, block_size, parallelism, set_at FROM staff_passphrases WHERE staff_id = ?
                """, arguments: [staffID]) else { return nil }
            let salt: Data = r[1], hash: Data = r[2]
            return StoredPassphrase(kdf: r[0], salt: Array(salt), hash: Array(hash), cost: r[3], blockSize: r[4],
                                    parallelism: r[5], setAt: try Col.date(r, 6, "staff_passphrases.set_at"))
        }
    }

    public func hasPassphrase(staffID: RowID) throws -> Bool { try storedPassphrase(staffID: staffID) != nil }

    public func verifyPassphrase(_ passphrase: String, staffID: RowID) throws -> Bool {
        guard let stored = try storedPassphrase(staffID: staffID) else { return false }
        guard stored.kdf == "scrypt" else {
            throw CaseloadError.refused("This account's lock passphrase was made with a method this version of Caseload does not know ('\(stored.kdf)'). Update Caseload, or tell your administrator; nothing was changed.")
        }
        let hash = try Self.derive(passphrase, salt: stored.salt, cost: stored.cost, blockSize: stored.blockSize,
                                   parallelism: stored.parallelism, length: stored.hash.count)
        return Self.constantTimeEqual(hash, stored.hash)
    }

    static func derive(_ passphrase: String, salt: [UInt8], cost: Int, blockSize: Int, parallelism: Int,
                       length: Int = hashBytes) throws -> [UInt8] {
        // The passphrase as typed, in Unicode NFC, so "é" typed two ways is the same passphrase.
        let bytes = Array(passphrase.precomposedStringWithCanonicalMapping.utf8)
        let key = try KDF.Scrypt.deriveKey(from: bytes, salt: salt, outputByteCount: length, rounds: cost,
                                           blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }

    /// Compares every byte whatever the first difference, so the time taken says nothing about the hash.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
