// The database schema: one DatabaseMigrator, migrations registered once and never edited
// after they ship (later issues append "v2", "v3", …). Constraints and triggers back up
// the Swift code: enumerations are CHECKed, signed records and the audit trail are locked.
import CaseloadCore
import GRDB

enum Schema {
    /// `PRAGMA application_id` of every Caseload store ("CSLD" in ASCII), so that a
    /// different SQLite file given by mistake is recognised and left alone.
    static let applicationID: Int32 = 0x4353_4C44

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try v1(db) }
        migrator.registerMigration("v2") { db in try v2(db) }
        migrator.registerMigration("v3") { db in try v3Notes(db) }   // Schema+Notes.swift
        migrator.registerMigration("v4") { db in try v4Plans(db) }   // Schema+Plans.swift
        migrator.registerMigration("v5") { db in try v5CaseManagement(db) }   // Schema+CaseManagement.swift
        migrator.registerMigration("v6") { db in try v6Versioning(db) }   // Schema+Versioning.swift
        migrator.registerMigration("v7") { db in try v7AuditChain(db) }   // Schema+Audit.swift
        migrator.registerMigration("v8") { db in try v8Passphrases(db) }   // Schema+Passphrase.swift
        migrator.registerMigration("v9") { db in try v9Consents(db) }   // Schema+Consents.swift (issue 6)
        migrator.registerMigration("v10") { db in try v10ConsentSigner(db) }   // Schema+Consents.swift (issue 6)
        migrator.registerMigration("v11") { db in try v11CaseInsensitiveMRN(db) }   // Schema+MRN.swift
        migrator.registerMigration("v12") { db in try v12ScreensEnteredInError(db) }   // Schema+Screens.swift
        migrator.registerMigration("v13") { db in try v13SearchAddenda(db) }   // Schema+Search.swift
        migrator.registerMigration("v14") { db in try v14AttendanceNotRecorded(db) }   // Schema+Attendance.swift
        migrator.registerMigration("v15") { db in try v15SignatureNames(db) }   // Schema+Signatures.swift
        return migrator
    }

    /// Identifiers of the migrations this build knows, in order.
    static var knownMigrations: [String] { migrator.migrations }

    // MARK: - v1: the whole domain model of SPEC §3

    private static func day(_ column: String) -> String {
        "CHECK (\(column) GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')"
    }
    private static func optionalDay(_ column: String) -> String {
        "CHECK (\(column) IS NULL OR \(column) GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')"
    }
    private static func bool(_ column: String) -> String { "CHECK (\(column) IN (0, 1))" }
    private static func minuteOfDay(_ column: String) -> String { "CHECK (\(column) BETWEEN 0 AND 1439)" }

    // The v1 migration freezes these lists as they were when it shipped: later edits to the
    // Swift enums or to Modality.seeded need a new migration, not an edit here.
    private static func v1(_ db: Database) throws {
        try db.execute(sql: "PRAGMA application_id = \(applicationID)")

        try db.execute(sql: """
            CREATE TABLE staff (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL UNIQUE CHECK (length(username) > 0),
                display_name TEXT NOT NULL CHECK (length(display_name) > 0),
                credentials TEXT NOT NULL DEFAULT '',
                role TEXT NOT NULL CHECK (role IN (\(StaffRole.sqlList))),
                supervisor_id INTEGER REFERENCES staff(id),
                active INTEGER NOT NULL DEFAULT 1 \(bool("active")),
                needs_cosign INTEGER NOT NULL DEFAULT 0 \(bool("needs_cosign"))
            );
            CREATE INDEX staff_supervisor ON staff(supervisor_id);

            CREATE TABLE clients (
                id INTEGER PRIMARY KEY,
                mrn TEXT NOT NULL UNIQUE CHECK (length(mrn) > 0),
                legal_first_name TEXT NOT NULL,
                legal_last_name TEXT NOT NULL CHECK (length(legal_last_name) > 0),
                preferred_name TEXT,
                pronouns TEXT,
                date_of_birth TEXT NOT NULL \(day("date_of_birth")),
                phone TEXT,
                admission_date TEXT NOT NULL \(day("admission_date")),
                discharge_date TEXT \(optionalDay("discharge_date")),
                discharge_reason TEXT,
                status TEXT NOT NULL CHECK (status IN (\(ClientStatus.sqlList))),
                phase TEXT NOT NULL,
                medication TEXT NOT NULL CHECK (medication IN (\(Medication.sqlList))),
                dose_mg REAL NOT NULL CHECK (dose_mg >= 0),
                take_home_level INTEGER NOT NULL DEFAULT 0 CHECK (take_home_level >= 0),
                primary_counselor_id INTEGER REFERENCES staff(id),
                flags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags)),
                emergency_contact TEXT CHECK (emergency_contact IS NULL OR json_valid(emergency_contact)),
                version INTEGER NOT NULL DEFAULT 1,
                -- Derived, kept by triggers (see createDerived): the Caseload screen reads 5,000
                -- clients at once and cannot afford two subqueries per row over millions of notes.
                last_contact TEXT,
                next_plan_review TEXT
            );
            CREATE INDEX clients_primary_counselor ON clients(primary_counselor_id);

            CREATE TABLE modalities (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
                active INTEGER NOT NULL DEFAULT 1 \(bool("active"))
            );

            CREATE TABLE treatment_plans (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES clients(id),
                version INTEGER NOT NULL CHECK (version >= 1),
                status TEXT NOT NULL CHECK (status IN (\(PlanStatus.sqlList))),
                effective_date TEXT NOT NULL \(day("effective_date")),
                next_review_date TEXT NOT NULL \(day("next_review_date")),
                client_words TEXT NOT NULL DEFAULT '',
                created_by_id INTEGER REFERENCES staff(id),
                review_note TEXT,
                revision INTEGER NOT NULL DEFAULT 1,
                UNIQUE (client_id, version)
            );

            CREATE TABLE plan_signatures (
                id INTEGER PRIMARY KEY,
                plan_id INTEGER NOT NULL REFERENCES treatment_plans(id),
                role TEXT NOT NULL CHECK (role IN (\(SignatureRole.sqlList))),
                signer_name TEXT NOT NULL,
                staff_id INTEGER REFERENCES staff(id),
                signed_at DATETIME NOT NULL
            );
            CREATE INDEX plan_signatures_plan ON plan_signatures(plan_id);

            CREATE TABLE problems (
                id INTEGER PRIMARY KEY,
                plan_id INTEGER NOT NULL REFERENCES treatment_plans(id),
                position INTEGER NOT NULL,
                statement TEXT NOT NULL,
                client_words TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX problems_plan ON problems(plan_id, position);

            CREATE TABLE goals (
                id INTEGER PRIMARY KEY,
                problem_id INTEGER NOT NULL REFERENCES problems(id),
                position INTEGER NOT NULL,
                statement TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN (\(GoalKind.sqlList))),
                target_date TEXT \(optionalDay("target_date")),
                status TEXT NOT NULL CHECK (status IN (\(GoalStatus.sqlList)))
            );
            CREATE INDEX goals_problem ON goals(problem_id, position);

            CREATE TABLE objectives (
                id INTEGER PRIMARY KEY,
                goal_id INTEGER NOT NULL REFERENCES goals(id),
                position INTEGER NOT NULL,
                statement TEXT NOT NULL,
                target_date TEXT \(optionalDay("target_date")),
                status TEXT NOT NULL CHECK (status IN (\(ObjectiveStatus.sqlList)))
            );
            CREATE INDEX objectives_goal ON objectives(goal_id, position);

            CREATE TABLE interventions (
                id INTEGER PRIMARY KEY,
                objective_id INTEGER NOT NULL REFERENCES objectives(id),
                position INTEGER NOT NULL,
                modality_id INTEGER NOT NULL REFERENCES modalities(id),
                times_per_period INTEGER NOT NULL CHECK (times_per_period >= 1),
                period TEXT NOT NULL CHECK (period IN (\(FrequencyPeriod.sqlList))),
                responsible_staff_id INTEGER REFERENCES staff(id),
                detail TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX interventions_objective ON interventions(objective_id, position);

            CREATE TABLE progress_notes (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES clients(id),
                staff_id INTEGER NOT NULL REFERENCES staff(id),
                date TEXT NOT NULL \(day("date")),
                start_minute INTEGER NOT NULL \(minuteOfDay("start_minute")),
                minutes INTEGER NOT NULL CHECK (minutes >= 0),
                modality_id INTEGER NOT NULL REFERENCES modalities(id),
                format TEXT NOT NULL CHECK (format IN (\(SessionFormat.sqlList))),
                template TEXT NOT NULL CHECK (template IN (\(NoteTemplate.sqlList))),
                section1 TEXT NOT NULL DEFAULT '',
                section2 TEXT NOT NULL DEFAULT '',
                section3 TEXT NOT NULL DEFAULT '',
                section4 TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL CHECK (status IN (\(NoteStatus.sqlList))),
                signed_at DATETIME,
                signed_by_id INTEGER REFERENCES staff(id),
                cosigned_at DATETIME,
                cosigned_by_id INTEGER REFERENCES staff(id),
                billing_units INTEGER NOT NULL DEFAULT 0 CHECK (billing_units >= 0),
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL,
                revision INTEGER NOT NULL DEFAULT 1,
                CHECK (status = 'draft' OR (signed_at IS NOT NULL AND signed_by_id IS NOT NULL))
            );
            CREATE INDEX progress_notes_client_date ON progress_notes(client_id, date, start_minute);
            CREATE INDEX progress_notes_staff_status ON progress_notes(staff_id, status);
            -- The last contact of every client on the Caseload screen: max(date) over this
            -- partial index is one b-tree probe per client, no-shows excluded.
            CREATE INDEX progress_notes_contact ON progress_notes(client_id, date) WHERE format <> 'no_show';

            CREATE TABLE note_goal_links (
                id INTEGER PRIMARY KEY,
                note_id INTEGER NOT NULL REFERENCES progress_notes(id),
                goal_id INTEGER REFERENCES goals(id),
                objective_id INTEGER REFERENCES objectives(id),
                CHECK (goal_id IS NOT NULL OR objective_id IS NOT NULL)
            );
            CREATE INDEX note_goal_links_note ON note_goal_links(note_id);

            CREATE TABLE note_addenda (
                id INTEGER PRIMARY KEY,
                note_id INTEGER NOT NULL REFERENCES progress_notes(id),
                staff_id INTEGER NOT NULL REFERENCES staff(id),
                at DATETIME NOT NULL,
                text TEXT NOT NULL CHECK (length(text) > 0)
            );
            CREATE INDEX note_addenda_note ON note_addenda(note_id);

            CREATE TABLE appointments (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES clients(id),
                staff_id INTEGER NOT NULL REFERENCES staff(id),
                date TEXT NOT NULL \(day("date")),
                start_minute INTEGER NOT NULL \(minuteOfDay("start_minute")),
                minutes INTEGER NOT NULL CHECK (minutes > 0),
                modality_id INTEGER NOT NULL REFERENCES modalities(id),
                note_id INTEGER REFERENCES progress_notes(id)
            );
            CREATE INDEX appointments_staff_date ON appointments(staff_id, date, start_minute);
            CREATE INDEX appointments_client ON appointments(client_id, date);

            CREATE TABLE groups (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
                modality_id INTEGER NOT NULL REFERENCES modalities(id),
                weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
                start_minute INTEGER NOT NULL \(minuteOfDay("start_minute")),
                minutes INTEGER NOT NULL CHECK (minutes > 0),
                room TEXT NOT NULL DEFAULT '',
                is_open INTEGER NOT NULL DEFAULT 1 \(bool("is_open")),
                capacity INTEGER NOT NULL CHECK (capacity > 0),
                active INTEGER NOT NULL DEFAULT 1 \(bool("active")),
                revision INTEGER NOT NULL DEFAULT 1
            );

            CREATE TABLE group_facilitators (
                group_id INTEGER NOT NULL REFERENCES groups(id),
                staff_id INTEGER NOT NULL REFERENCES staff(id),
                PRIMARY KEY (group_id, staff_id)
            ) WITHOUT ROWID;
            CREATE INDEX group_facilitators_staff ON group_facilitators(staff_id);

            CREATE TABLE group_members (
                id INTEGER PRIMARY KEY,
                group_id INTEGER NOT NULL REFERENCES groups(id),
                client_id INTEGER NOT NULL REFERENCES clients(id),
                joined_on TEXT NOT NULL \(day("joined_on")),
                left_on TEXT \(optionalDay("left_on")),
                CHECK (left_on IS NULL OR left_on >= joined_on)
            );
            CREATE INDEX group_members_group ON group_members(group_id, joined_on);
            CREATE INDEX group_members_client ON group_members(client_id);

            CREATE TABLE group_sessions (
                id INTEGER PRIMARY KEY,
                group_id INTEGER NOT NULL REFERENCES groups(id),
                date TEXT NOT NULL \(day("date")),
                start_minute INTEGER NOT NULL \(minuteOfDay("start_minute")),
                minutes INTEGER NOT NULL CHECK (minutes > 0),
                topic TEXT NOT NULL DEFAULT '',
                note TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL CHECK (status IN (\(GroupSessionStatus.sqlList))),
                signed_at DATETIME,
                signed_by_id INTEGER REFERENCES staff(id),
                revision INTEGER NOT NULL DEFAULT 1
            );
            -- Covering for the chart's Groups tab (sessions held while a member).
            CREATE INDEX group_sessions_group_date ON group_sessions(group_id, date, status);

            CREATE TABLE attendance (
                id INTEGER PRIMARY KEY,
                group_session_id INTEGER NOT NULL REFERENCES group_sessions(id),
                client_id INTEGER NOT NULL REFERENCES clients(id),
                status TEXT NOT NULL CHECK (status IN (\(AttendanceStatus.sqlList))),
                minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
                line TEXT NOT NULL DEFAULT '',
                revision INTEGER NOT NULL DEFAULT 1,
                UNIQUE (group_session_id, client_id)
            );
            CREATE INDEX attendance_client ON attendance(client_id, group_session_id, status);

            CREATE TABLE drug_screens (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES clients(id),
                collected_on TEXT NOT NULL \(day("collected_on")),
                observed INTEGER NOT NULL \(bool("observed")),
                random INTEGER NOT NULL DEFAULT 1 \(bool("random")),
                note TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX drug_screens_client ON drug_screens(client_id, collected_on);

            CREATE TABLE drug_screen_results (
                screen_id INTEGER NOT NULL REFERENCES drug_screens(id),
                substance TEXT NOT NULL CHECK (substance IN (\(Substance.sqlList))),
                result TEXT NOT NULL CHECK (result IN (\(ScreenResult.sqlList))),
                PRIMARY KEY (screen_id, substance)
            ) WITHOUT ROWID;

            CREATE TABLE referrals (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES clients(id),
                type TEXT NOT NULL CHECK (type IN (\(ReferralType.sqlList))),
                agency TEXT NOT NULL,
                referred_on TEXT NOT NULL \(day("referred_on")),
                status TEXT NOT NULL CHECK (status IN (\(ReferralStatus.sqlList))),
                follow_up_on TEXT \(optionalDay("follow_up_on")),
                note TEXT NOT NULL DEFAULT '',
                revision INTEGER NOT NULL DEFAULT 1
            );
            CREATE INDEX referrals_client ON referrals(client_id, referred_on);

            CREATE TABLE consents (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES clients(id),
                discloser TEXT NOT NULL,
                recipient TEXT NOT NULL CHECK (length(recipient) > 0),
                purpose TEXT NOT NULL,
                information_covered TEXT NOT NULL,
                expires_on TEXT \(optionalDay("expires_on")),
                expiration_event TEXT,
                signed_on TEXT NOT NULL \(day("signed_on")),
                revoked_on TEXT \(optionalDay("revoked_on")),
                revision INTEGER NOT NULL DEFAULT 1,
                -- § 2.31 needs an expiration date or event.
                CHECK (expires_on IS NOT NULL OR expiration_event IS NOT NULL)
            );
            CREATE INDEX consents_client ON consents(client_id, signed_on);

            CREATE TABLE contacts (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES clients(id),
                name TEXT NOT NULL CHECK (length(name) > 0),
                relationship TEXT NOT NULL,
                phone TEXT NOT NULL DEFAULT '',
                involvement TEXT NOT NULL DEFAULT '',
                consent_id INTEGER REFERENCES consents(id),
                revision INTEGER NOT NULL DEFAULT 1
            );
            CREATE INDEX contacts_client ON contacts(client_id);

            -- A disclosure of a chart outside the program (42 CFR Part 2 § 2.32).
            CREATE TABLE disclosures (
                id INTEGER PRIMARY KEY,
                client_id INTEGER NOT NULL REFERENCES clients(id),
                consent_id INTEGER NOT NULL REFERENCES consents(id),
                staff_id INTEGER NOT NULL REFERENCES staff(id),
                disclosed_at DATETIME NOT NULL,
                recipient TEXT NOT NULL,
                information TEXT NOT NULL,
                notice TEXT NOT NULL
            );
            CREATE INDEX disclosures_client ON disclosures(client_id, disclosed_at);

            CREATE TABLE audit_events (
                id INTEGER PRIMARY KEY,
                at DATETIME NOT NULL,
                staff_id INTEGER REFERENCES staff(id),
                username TEXT NOT NULL,
                action TEXT NOT NULL CHECK (action IN (\(AuditAction.sqlList))),
                client_id INTEGER REFERENCES clients(id),
                subject TEXT NOT NULL DEFAULT '',
                detail TEXT NOT NULL DEFAULT '',
                previous_hash TEXT NOT NULL DEFAULT '',
                hash TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX audit_events_client ON audit_events(client_id, at);
            CREATE INDEX audit_events_at ON audit_events(at);

            CREATE TABLE program_settings (
                key TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE plan_templates (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
                body TEXT NOT NULL CHECK (json_valid(body))
            );
            """)

        try createLocks(db)
        try createDerived(db)

        // SPEC §3: modalities are stored, program-editable and seeded.
        for name in [
            "Individual counseling", "Cognitive-behavioral therapy", "Motivational interviewing", "Group therapy",
            "Family therapy / family involvement", "Case management", "Peer support", "Drug education",
            "Psychotherapy", "12-step facilitation", "Relapse prevention", "HIV/HCV prevention counseling",
        ] {
            try db.execute(sql: "INSERT INTO modalities (name, active) VALUES (?, 1)", arguments: [name])
        }
        for (name, body) in seededPlanTemplates {
            try db.execute(sql: "INSERT INTO plan_templates (name, body) VALUES (?, ?)", arguments: [name, body])
        }
    }

    // MARK: - v2: groups and attendance

    /// Who saved a group or a group note last (named in an edit conflict), and the lock on
    /// signed group sessions: once signed, the session and its attendance are what was signed.
    /// attendance already has UNIQUE (group_session_id, client_id) from v1, which `mark` upserts on.
    private static func v2(_ db: Database) throws {
        let sessionLocked = "This group session is signed and cannot be changed."
        let attendanceLocked = "The attendance of a signed group session cannot be changed."
        let signed = { (column: String) in "(SELECT signed_at FROM group_sessions WHERE id = \(column)) IS NOT NULL" }
        try db.execute(sql: """
            ALTER TABLE groups ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE groups ADD COLUMN updated_at DATETIME;
            ALTER TABLE group_sessions ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);
            ALTER TABLE group_sessions ADD COLUMN updated_at DATETIME;

            CREATE TRIGGER group_sessions_signed_update BEFORE UPDATE ON group_sessions
            WHEN OLD.signed_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, '\(sessionLocked)'); END;
            CREATE TRIGGER group_sessions_signed_delete BEFORE DELETE ON group_sessions
            WHEN OLD.signed_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, '\(sessionLocked)'); END;

            CREATE TRIGGER attendance_signed_insert BEFORE INSERT ON attendance
            WHEN \(signed("NEW.group_session_id"))
            BEGIN SELECT RAISE(ABORT, '\(attendanceLocked)'); END;
            CREATE TRIGGER attendance_signed_update BEFORE UPDATE ON attendance
            WHEN \(signed("OLD.group_session_id")) OR \(signed("NEW.group_session_id"))
            BEGIN SELECT RAISE(ABORT, '\(attendanceLocked)'); END;
            CREATE TRIGGER attendance_signed_delete BEFORE DELETE ON attendance
            WHEN \(signed("OLD.group_session_id"))
            BEGIN SELECT RAISE(ABORT, '\(attendanceLocked)'); END;
            """)
    }

    /// Triggers that keep signed records and the audit trail as they were signed.
    private static func createLocks(_ db: Database) throws {
        // Every column of a note but the co-signature (and the bookkeeping a co-signature bumps).
        let noteColumns = ["id", "client_id", "staff_id", "date", "start_minute", "minutes", "modality_id", "format",
                           "template", "section1", "section2", "section3", "section4", "status", "signed_at",
                           "signed_by_id", "billing_units", "created_at"]
        let noteUnchanged = noteColumns.map { "NEW.\($0) IS OLD.\($0)" }.joined(separator: " AND ")
        let planColumns = ["id", "client_id", "version", "effective_date", "next_review_date", "client_words",
                           "created_by_id", "review_note", "revision"]
        let planUnchanged = planColumns.map { "NEW.\($0) IS OLD.\($0)" }.joined(separator: " AND ")
        let noteLocked = "A signed note cannot be changed. Add an addendum instead."
        let planLocked = "A signed treatment plan cannot be changed. Start a plan review to create the next version."

        try db.execute(sql: """
            CREATE TRIGGER progress_notes_signed_update BEFORE UPDATE ON progress_notes
            WHEN OLD.status = 'signed' AND NOT (
                OLD.cosigned_at IS NULL AND NEW.cosigned_at IS NOT NULL AND NEW.cosigned_by_id IS NOT NULL
                AND \(noteUnchanged))
            BEGIN SELECT RAISE(ABORT, '\(noteLocked)'); END;

            CREATE TRIGGER progress_notes_signed_delete BEFORE DELETE ON progress_notes
            WHEN OLD.status = 'signed'
            BEGIN SELECT RAISE(ABORT, '\(noteLocked)'); END;

            CREATE TRIGGER note_goal_links_signed_update BEFORE UPDATE ON note_goal_links
            WHEN (SELECT status FROM progress_notes WHERE id = OLD.note_id) = 'signed'
              OR (SELECT status FROM progress_notes WHERE id = NEW.note_id) = 'signed'
            BEGIN SELECT RAISE(ABORT, '\(noteLocked)'); END;

            CREATE TRIGGER note_goal_links_signed_delete BEFORE DELETE ON note_goal_links
            WHEN (SELECT status FROM progress_notes WHERE id = OLD.note_id) = 'signed'
            BEGIN SELECT RAISE(ABORT, '\(noteLocked)'); END;

            CREATE TRIGGER note_addenda_update BEFORE UPDATE ON note_addenda
            BEGIN SELECT RAISE(ABORT, 'An addendum cannot be changed once added. Add another addendum.'); END;
            CREATE TRIGGER note_addenda_delete BEFORE DELETE ON note_addenda
            BEGIN SELECT RAISE(ABORT, 'An addendum cannot be removed once added. Add another addendum.'); END;

            CREATE TRIGGER treatment_plans_signed_update BEFORE UPDATE ON treatment_plans
            WHEN OLD.status <> 'draft' AND NOT (
                OLD.status = 'signed' AND NEW.status = 'superseded' AND \(planUnchanged))
            BEGIN SELECT RAISE(ABORT, '\(planLocked)'); END;

            CREATE TRIGGER treatment_plans_signed_delete BEFORE DELETE ON treatment_plans
            WHEN OLD.status <> 'draft'
            BEGIN SELECT RAISE(ABORT, '\(planLocked)'); END;

            CREATE TRIGGER audit_events_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'The audit trail cannot be changed.'); END;
            CREATE TRIGGER audit_events_delete BEFORE DELETE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'The audit trail cannot be changed.'); END;
            """)

        // The plan tree: the status of the plan a row belongs to, reached from OLD or NEW.
        let planOf: [(table: String, path: (String) -> String)] = [
            ("plan_signatures", { "(SELECT status FROM treatment_plans WHERE id = \($0).plan_id)" }),
            ("problems", { "(SELECT status FROM treatment_plans WHERE id = \($0).plan_id)" }),
            ("goals", { """
                (SELECT tp.status FROM problems p JOIN treatment_plans tp ON tp.id = p.plan_id
                 WHERE p.id = \($0).problem_id)
                """ }),
            ("objectives", { """
                (SELECT tp.status FROM goals g JOIN problems p ON p.id = g.problem_id
                 JOIN treatment_plans tp ON tp.id = p.plan_id WHERE g.id = \($0).goal_id)
                """ }),
            ("interventions", { """
                (SELECT tp.status FROM objectives o JOIN goals g ON g.id = o.goal_id
                 JOIN problems p ON p.id = g.problem_id JOIN treatment_plans tp ON tp.id = p.plan_id
                 WHERE o.id = \($0).objective_id)
                """ }),
        ]
        for (table, path) in planOf {
            // Signatures may be added to a signed plan (a supervisor co-signs later); nothing
            // else of a signed plan may be added, changed or removed.
            if table != "plan_signatures" {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_signed_insert BEFORE INSERT ON \(table)
                    WHEN \(path("NEW")) <> 'draft'
                    BEGIN SELECT RAISE(ABORT, '\(planLocked)'); END;
                    """)
            }
            try db.execute(sql: """
                CREATE TRIGGER \(table)_signed_update BEFORE UPDATE ON \(table)
                WHEN \(path("OLD")) <> 'draft' OR \(path("NEW")) <> 'draft'
                BEGIN SELECT RAISE(ABORT, '\(planLocked)'); END;
                CREATE TRIGGER \(table)_signed_delete BEFORE DELETE ON \(table)
                WHEN \(path("OLD")) <> 'draft'
                BEGIN SELECT RAISE(ABORT, '\(planLocked)'); END;
                """)
        }
    }

    /// Last contact: the latest session that was not a no-show, drafts included (the session happened).
    static func lastContactOf(_ client: String) -> String {
        "(SELECT max(n.date) FROM progress_notes n WHERE n.client_id = \(client) AND n.format <> 'no_show')"
    }
    /// Next plan review: of the plan in force (signed), else of the latest draft.
    static func nextReviewOf(_ client: String) -> String {
        """
        (SELECT p.next_review_date FROM treatment_plans p
         WHERE p.client_id = \(client) AND p.status IN ('signed', 'draft')
         ORDER BY p.status = 'signed' DESC, p.version DESC LIMIT 1)
        """
    }

    /// Triggers that keep clients.last_contact and clients.next_plan_review equal to what
    /// lastContactOf / nextReviewOf compute, whoever writes notes and plans.
    private static func createDerived(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER progress_notes_contact_insert AFTER INSERT ON progress_notes
            WHEN NEW.format <> 'no_show'
            BEGIN
                UPDATE clients SET last_contact = NEW.date
                WHERE id = NEW.client_id AND (last_contact IS NULL OR last_contact < NEW.date);
            END;
            CREATE TRIGGER progress_notes_contact_update AFTER UPDATE OF client_id, date, format ON progress_notes
            BEGIN
                UPDATE clients SET last_contact = \(lastContactOf("clients.id")) WHERE id IN (OLD.client_id, NEW.client_id);
            END;
            CREATE TRIGGER progress_notes_contact_delete AFTER DELETE ON progress_notes
            BEGIN
                UPDATE clients SET last_contact = \(lastContactOf("clients.id")) WHERE id = OLD.client_id;
            END;

            CREATE TRIGGER treatment_plans_review_insert AFTER INSERT ON treatment_plans
            BEGIN
                UPDATE clients SET next_plan_review = \(nextReviewOf("clients.id")) WHERE id = NEW.client_id;
            END;
            CREATE TRIGGER treatment_plans_review_update
            AFTER UPDATE OF client_id, version, status, next_review_date ON treatment_plans
            BEGIN
                UPDATE clients SET next_plan_review = \(nextReviewOf("clients.id")) WHERE id IN (OLD.client_id, NEW.client_id);
            END;
            CREATE TRIGGER treatment_plans_review_delete AFTER DELETE ON treatment_plans
            BEGIN
                UPDATE clients SET next_plan_review = \(nextReviewOf("clients.id")) WHERE id = OLD.client_id;
            END;
            """)
    }

    /// Starting points for a new plan ("copy a template" saves typing the same problems again).
    static let seededPlanTemplates: [(String, String)] = [
        ("Opioid use disorder: stabilization", #"""
        {"problems":[{"statement":"Opioid use disorder, in early treatment; ongoing illicit opioid use puts the client at risk of overdose.",
          "goals":[
            {"statement":"Reduce and then stop illicit opioid use while stabilizing on medication.","kind":"abstinence",
             "objectives":[{"statement":"Attends daily dosing at least 6 days a week for 4 weeks.","weeks":4,
                            "interventions":[{"modality":"Individual counseling","timesPerPeriod":1,"period":"week"}]},
                           {"statement":"Identifies 3 personal triggers and a coping response for each.","weeks":8,
                            "interventions":[{"modality":"Relapse prevention","timesPerPeriod":1,"period":"week"},
                                             {"modality":"Group therapy","timesPerPeriod":1,"period":"week"}]}]},
            {"statement":"Stay alive and safer while any use continues.","kind":"harm_reduction",
             "objectives":[{"statement":"Carries naloxone and never uses alone, as reported at each session.","weeks":4,
                            "interventions":[{"modality":"HIV/HCV prevention counseling","timesPerPeriod":1,"period":"month"}]}]}]}]}
        """#),
        ("Co-occurring depression", #"""
        {"problems":[{"statement":"Depressive symptoms (low mood, poor sleep, withdrawal from others) interfere with recovery.",
          "goals":[
            {"statement":"Improve mood and daily functioning.","kind":"mental_health",
             "objectives":[{"statement":"PHQ-9 score decreases by 5 points from baseline.","weeks":12,
                            "interventions":[{"modality":"Cognitive-behavioral therapy","timesPerPeriod":1,"period":"week"}]},
                           {"statement":"Completes a psychiatric evaluation and follows its recommendations.","weeks":6,
                            "interventions":[{"modality":"Case management","timesPerPeriod":2,"period":"month"}]}]}]}]}
        """#),
        ("Housing instability", #"""
        {"problems":[{"statement":"No stable housing; staying in a shelter or with friends makes treatment hard to keep up.",
          "goals":[
            {"statement":"Obtain safe, stable housing.","kind":"housing",
             "objectives":[{"statement":"Completes a housing application with the case manager.","weeks":4,
                            "interventions":[{"modality":"Case management","timesPerPeriod":1,"period":"week"}]},
                           {"statement":"Attends every housing appointment scheduled in the next 90 days.","weeks":13,
                            "interventions":[{"modality":"Peer support","timesPerPeriod":2,"period":"month"}]}]}]}]}
        """#),
    ]
}
