// Migration v5: what editing referrals and contacts and the case-management reports need (issue 8).
import CaseloadCore
import GRDB

extension Schema {
    /// Who saved a referral or contact last (named in an edit conflict), and indexes for the
    /// follow-ups due on Home and the random-screen count of the overdue report.
    static func v5CaseManagement(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE referrals ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE referrals ADD COLUMN updated_at DATETIME;
            ALTER TABLE contacts ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE contacts ADD COLUMN updated_at DATETIME;
            CREATE INDEX referrals_open_follow_up ON referrals(follow_up_on)
                WHERE status IN ('made', 'accepted') AND follow_up_on IS NOT NULL;
            CREATE INDEX drug_screens_random ON drug_screens(client_id, collected_on) WHERE random = 1;
            CREATE INDEX clients_admission ON clients(admission_date);
            CREATE INDEX clients_discharge ON clients(discharge_date) WHERE discharge_date IS NOT NULL;
            """)
    }
}
