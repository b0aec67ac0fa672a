// Migration v4: what editing, signing and reviewing treatment plans needs (issue: treatment plans).
import CaseloadCore
import GRDB

extension Schema {
    /// Who changed a draft plan last (named in an edit conflict), and indexes for the due lists,
    /// the co-sign queue and the check that a goal a note addresses is not deleted. "One draft per
    /// client" is checked inside the write transaction that starts a plan (writers are serialised).
    static func v4Plans(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE treatment_plans ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE treatment_plans ADD COLUMN updated_at DATETIME;
            CREATE INDEX treatment_plans_status ON treatment_plans(status, client_id);
            CREATE INDEX plan_signatures_staff ON plan_signatures(staff_id, role);
            CREATE INDEX IF NOT EXISTS note_goal_links_plan_goal ON note_goal_links(goal_id) WHERE goal_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS note_goal_links_plan_objective ON note_goal_links(objective_id) WHERE objective_id IS NOT NULL;
            """)
    }
}
