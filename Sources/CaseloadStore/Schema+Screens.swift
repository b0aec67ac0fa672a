// Migration v12: drug screens are corrected by the laboratory convention. A recorded screen and its results never
// change; it may be marked entered in error once (a reason, when, by whom), which keeps it in the chart and the
// exports, marked, and out of positivity counts, trends and the random-screen count. A corrected result is a new
// screen that names the one it replaces (`corrects_id`).
import GRDB

extension Schema {
    static func v12ScreensEnteredInError(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE drug_screens ADD COLUMN error_reason TEXT;
            ALTER TABLE drug_screens ADD COLUMN error_at DATETIME;
            ALTER TABLE drug_screens ADD COLUMN error_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE drug_screens ADD COLUMN corrects_id INTEGER REFERENCES drug_screens(id);
            CREATE INDEX drug_screens_corrects ON drug_screens(corrects_id) WHERE corrects_id IS NOT NULL;
            CREATE TRIGGER drug_screens_recorded BEFORE UPDATE ON drug_screens
            WHEN OLD.error_at IS NOT NULL
              OR NEW.id IS NOT OLD.id OR NEW.client_id IS NOT OLD.client_id OR NEW.collected_on IS NOT OLD.collected_on
              OR NEW.observed IS NOT OLD.observed OR NEW.random IS NOT OLD.random OR NEW.note IS NOT OLD.note
              OR NEW.corrects_id IS NOT OLD.corrects_id
              OR NEW.error_at IS NULL OR NEW.error_by_id IS NULL OR length(trim(coalesce(NEW.error_reason, ''))) = 0
            BEGIN SELECT RAISE(ABORT, 'A recorded drug screen is not changed: mark it entered in error and record the corrected result.'); END;
            CREATE TRIGGER drug_screens_kept BEFORE DELETE ON drug_screens
            BEGIN SELECT RAISE(ABORT, 'A recorded drug screen is not changed: mark it entered in error and record the corrected result.'); END;
            CREATE TRIGGER drug_screen_results_recorded BEFORE UPDATE ON drug_screen_results
            BEGIN SELECT RAISE(ABORT, 'A recorded drug screen is not changed: mark it entered in error and record the corrected result.'); END;
            CREATE TRIGGER drug_screen_results_kept BEFORE DELETE ON drug_screen_results
            BEGIN SELECT RAISE(ABORT, 'A recorded drug screen is not changed: mark it entered in error and record the corrected result.'); END;
            """)
    }
}
