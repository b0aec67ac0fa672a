// Migration v9: what the Part 2 consent editor and `caseload disclose` need (issue 6): the categories of
// information a consent covers, its statement of the right to revoke, how it was revoked, who saved it
// last (named in an edit conflict), and the purpose and categories of each disclosure for the accounting.
import CaseloadCore
import GRDB

extension Schema {
    static func v9Consents(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE consents ADD COLUMN categories TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(categories));
            ALTER TABLE consents ADD COLUMN revocation_statement TEXT NOT NULL DEFAULT '';
            ALTER TABLE consents ADD COLUMN revocation_note TEXT;
            ALTER TABLE consents ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE consents ADD COLUMN updated_at DATETIME;
            ALTER TABLE disclosures ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
            ALTER TABLE disclosures ADD COLUMN categories TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(categories));
            CREATE INDEX consents_expiring ON consents(expires_on) WHERE revoked_on IS NULL AND expires_on IS NOT NULL;
            -- A revoked consent stays as it was: no edit, no un-revoking (§ 2.31 revocation is final).
            CREATE TRIGGER consents_revoked_locked BEFORE UPDATE ON consents
            WHEN OLD.revoked_on IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a revoked consent cannot be changed'); END;
            -- The accounting of disclosures is kept as made.
            CREATE TRIGGER disclosures_no_update BEFORE UPDATE ON disclosures
            BEGIN SELECT RAISE(ABORT, 'disclosures are append-only'); END;
            CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
            BEGIN SELECT RAISE(ABORT, 'disclosures are append-only'); END;
            """)
    }
}

extension Schema {
    /// Migration v10: who signed each consent (§ 2.31(a)(8)), the patient or the person authorized to sign for
    /// them. Consents recorded before say the patient, which is what the form assumed until now.
    static func v10ConsentSigner(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE consents ADD COLUMN signed_by TEXT NOT NULL DEFAULT 'the patient' CHECK (signed_by <> '');
            """)
    }
}
