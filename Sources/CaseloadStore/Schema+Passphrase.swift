// Migration v8: each staff member's passphrase for the lock screen (issue 6). Only a salted hash from a
// slow KDF is kept, with the parameters it was made with, so they can be raised later without a migration.
import CaseloadCore
import GRDB

extension Schema {
    static func v8Passphrases(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE staff_passphrases (
                staff_id INTEGER PRIMARY KEY REFERENCES staff(id),
                kdf TEXT NOT NULL CHECK (kdf IN ('scrypt')),
                salt BLOB NOT NULL CHECK (length(salt) >= 16),
                hash BLOB NOT NULL CHECK (length(hash) >= 32),
                cost INTEGER NOT NULL CHECK (cost >= 32768 AND (cost & (cost - 1)) = 0),
                block_size INTEGER NOT NULL CHECK (block_size >= 8),
                parallelism INTEGER NOT NULL CHECK (parallelism >= 1),
                set_at DATETIME NOT NULL
            );
            """)
    }
}
