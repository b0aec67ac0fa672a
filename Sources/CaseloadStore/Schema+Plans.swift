// Migration v4: what editing, signing and reviewing treatment plans needs (issue: treatment plans).
import CaseloadCore
import GRDB

extension Schema {
    /// Who changed a draft plan last (named in an edit conflict); at most one draft per client
    /// (two sessions starting a review at once: the second is refused by the store, not merged);
    /// and the signed-plan lookups of the co-sign queue.
    static func v4Plans(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE treatment_plans ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE treatment_plans ADD COLUMN updated_at DATETIME;
            CREATE UNIQUE INDEX treatment_plans_one_draft ON treatment_plans(client_id) WHERE status = 'draft';
            CREATE INDEX treatment_plans_status ON treatment_plans(status, client_id);
            CREATE INDEX plan_signatures_staff ON plan_signatures(staff_id, role);
            CREATE INDEX IF NOT EXISTS note_goal_links_plan_goal ON note_goal_links(goal_id) WHERE goal_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS note_goal_links_plan_objective ON note_goal_links(objective_id) WHERE objective_id IS NOT NULL;
            """)
    }
}
