// Migration v6: who changed an attendance mark or a client's details last (issue 7, optimistic versioning),
// so a save refused as stale can name the person and the time.
import CaseloadCore
import GRDB

extension Schema {
    static func v6Versioning(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE attendance ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE attendance ADD COLUMN updated_at DATETIME;
            ALTER TABLE clients ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE clients ADD COLUMN updated_at DATETIME;
            """)
    }
}
