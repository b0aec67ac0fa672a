// Migration v15: a signature keeps the signer's name and credentials as they were when it was made ("Ana Pérez,
// LADC"), so a later change of name or credentials never rewrites who signed a note, its co-signature or a group
// session. The signed-note trigger is rebuilt so that these, like every other column, cannot change afterwards
// (a co-signature may fill its own once).
import GRDB

extension Schema {
    static func v15SignatureNames(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE progress_notes ADD COLUMN signer_text TEXT;
            ALTER TABLE progress_notes ADD COLUMN cosigner_text TEXT;
            ALTER TABLE group_sessions ADD COLUMN signer_text TEXT;
            DROP TRIGGER IF EXISTS progress_notes_signed_update;
            CREATE TRIGGER progress_notes_signed_update BEFORE UPDATE ON progress_notes
            WHEN OLD.status = 'signed' AND NOT (
                OLD.cosigned_at IS NULL AND NEW.cosigned_at IS NOT NULL AND NEW.cosigned_by_id IS NOT NULL
                AND OLD.cosigner_text IS NULL
                AND NEW.id IS OLD.id AND NEW.client_id IS OLD.client_id AND NEW.staff_id IS OLD.staff_id
                AND NEW.date IS OLD.date AND NEW.start_minute IS OLD.start_minute AND NEW.minutes IS OLD.minutes
                AND NEW.modality_id IS OLD.modality_id AND NEW.format IS OLD.format AND NEW.template IS OLD.template
                AND NEW.section1 IS OLD.section1 AND NEW.section2 IS OLD.section2 AND NEW.section3 IS OLD.section3
                AND NEW.section4 IS OLD.section4 AND NEW.status IS OLD.status AND NEW.signed_at IS OLD.signed_at
                AND NEW.signed_by_id IS OLD.signed_by_id AND NEW.billing_units IS OLD.billing_units
                AND NEW.created_at IS OLD.created_at AND NEW.signer_text IS OLD.signer_text)
            BEGIN SELECT RAISE(ABORT, 'A signed note cannot be changed. Add an addendum instead.'); END;
            """)
    }
}
