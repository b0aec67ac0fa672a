// Migration v3: what writing, signing and searching progress notes needs (issue: progress notes).
import CaseloadCore
import GRDB

extension Schema {
    static func v3Notes(_ db: Database) throws {
        try db.execute(sql: """
            -- Who saved a note last (named in an edit conflict); NULL means its author.
            ALTER TABLE progress_notes ADD COLUMN updated_by_id INTEGER REFERENCES staff(id);

            -- Home's drafts and the unsigned count: a few rows per counselor out of millions.
            CREATE INDEX progress_notes_drafts ON progress_notes(staff_id, created_at) WHERE status = 'draft';
            -- The co-signature queue: a co-signed staff member's waiting notes are the only rows
            -- of theirs in this index, so the queue never walks years of signed notes. (Everyone
            -- else's signed notes are in it too, at a few bytes each: an index cannot see staff.)
            CREATE INDEX progress_notes_uncosigned ON progress_notes(staff_id)
                WHERE status = 'signed' AND cosigned_at IS NULL;
            """)
        // The vocabulary (note_terms) exists because FTS5 answers a prefix query ("anx"*) by
        // merging the whole doclist of every matching word before returning the first row:
        // 0.4 s for a word in a million notes. Searching for the exact words instead (the words
        // of the vocabulary that start with "anx", OR-ed) walks newest first and stops at the
        // LIMIT. Triggers cannot tokenize, so new text also goes into a small second index whose
        // fts5vocab lists its words; foldNoteTerms moves them into note_terms and empties it.
        try db.execute(sql: """
            CREATE VIRTUAL TABLE note_search USING fts5(
                body, scope, content = '', tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE note_terms (term TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
            CREATE VIRTUAL TABLE note_search_recent USING fts5(
                body, content = '', tokenize = 'unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE note_search_recent_terms USING fts5vocab(note_search_recent, 'row');
            CREATE VIRTUAL TABLE note_search_terms USING fts5vocab(note_search, 'col');
            """)
        // As v3 built them (frozen: v13 rebuilt the index with the addenda, see Schema+Search.swift).
        try db.execute(sql: noteSearchTriggers(addenda: false))
        try fillNoteSearch(db, addenda: false)
    }

    /// Moves the words of recently written notes into note_terms (a superset of the index's
    /// vocabulary: a word of a discarded draft stays, which only costs an empty OR branch).
    static func foldNoteTerms(_ db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO note_terms (term) SELECT term FROM note_search_recent_terms;
            INSERT INTO note_search_recent (note_search_recent) VALUES ('delete-all');
            """)
    }

    /// The rowid of a note in `note_search`: session day, start minute and note id packed so that
    /// rowid order is "newest first" order. FTS5 walks a term's doclist by rowid, so
    /// `ORDER BY rowid DESC LIMIT n` stops after n hits even for a term in a million notes,
    /// and a date range is a rowid range. Days count from 1900-01-01 (earlier dates give
    /// negative keys, which still sort right); minutes < 2^11, ids < 2^32.
    static func noteSearchKey(_ row: String) -> String {
        "((CAST(julianday(\(row).date) AS INTEGER) - 2415020) * 8796093022208 + \(row).start_minute * 4294967296 + \(row).id)"
    }
    /// The first key of a day (`day` is an SQL expression giving 'YYYY-MM-DD').
    static func noteSearchDayStart(_ day: String) -> String {
        "((CAST(julianday(\(day)) AS INTEGER) - 2415020) * 8796093022208)"
    }
    static let noteSearchIDMask: Int64 = 0xFFFF_FFFF

    /// The indexed text: every section, one per line (what the snippet is cut from); since v13 the note's
    /// addenda follow, one per line (`addendaBefore`: only those with a smaller id, the body before that one).
    static func noteSearchBody(_ row: String, addenda: Bool = false, addendaBefore: String? = nil) -> String {
        let sections = "\(row).section1 || char(10) || \(row).section2 || char(10) || \(row).section3 || char(10) || \(row).section4"
        guard addenda else { return sections }
        let before = addendaBefore.map { " AND id < \($0)" } ?? ""
        return sections + """
             || coalesce((SELECT char(10) || group_concat(x.text, char(10)) FROM \
            (SELECT text FROM note_addenda WHERE note_id = \(row).id\(before) ORDER BY id) x), '')
            """
    }
    /// Tokens that let a search be narrowed inside the index: the client ("c12") and the author ("s3").
    static func noteSearchScope(_ row: String) -> String {
        "'c' || \(row).client_id || ' s' || \(row).staff_id"
    }

    /// A contentless index forgets a row only when given the exact values it indexed, so every
    /// change of an indexed column deletes the old entry with OLD's values and adds NEW's.
    /// The triggers of the current index (with the addenda); `addenda: false` gives v3's, frozen.
    static var noteSearchTriggers: String { noteSearchTriggers(addenda: true) }

    static func noteSearchTriggers(addenda: Bool) -> String {
        func add(_ r: String) -> String {
            "INSERT INTO note_search (rowid, body, scope) VALUES (\(noteSearchKey(r)), \(noteSearchBody(r, addenda: addenda)), \(noteSearchScope(r)));"
        }
        func remove(_ r: String) -> String {
            """
            INSERT INTO note_search (note_search, rowid, body, scope)
            VALUES ('delete', \(noteSearchKey(r)), \(noteSearchBody(r, addenda: addenda)), \(noteSearchScope(r)));
            """
        }
        let recent = "INSERT INTO note_search_recent (rowid, body) VALUES (NEW.id, \(noteSearchBody("NEW", addenda: addenda)));"
        var sql = """
            CREATE TRIGGER progress_notes_search_insert AFTER INSERT ON progress_notes
            BEGIN \(add("NEW")) \(recent) END;
            CREATE TRIGGER progress_notes_search_update
            AFTER UPDATE OF client_id, staff_id, date, start_minute, section1, section2, section3, section4 ON progress_notes
            BEGIN \(remove("OLD")) \(add("NEW")) \(recent) END;
            CREATE TRIGGER progress_notes_search_delete AFTER DELETE ON progress_notes
            BEGIN \(remove("OLD")) END;
            """
        if addenda {
            // An addendum (they are never changed or removed) re-indexes its note: out with the body it had
            // before this addendum, in with the one that ends with it.
            let key = noteSearchKey("n"), scope = noteSearchScope("n")
            sql += """

                CREATE TRIGGER note_addenda_search_insert AFTER INSERT ON note_addenda
                BEGIN
                    INSERT INTO note_search (note_search, rowid, body, scope)
                    SELECT 'delete', \(key), \(noteSearchBody("n", addenda: true, addendaBefore: "NEW.id")), \(scope)
                    FROM progress_notes n WHERE n.id = NEW.note_id;
                    INSERT INTO note_search (rowid, body, scope)
                    SELECT \(key), \(noteSearchBody("n", addenda: true)), \(scope) FROM progress_notes n WHERE n.id = NEW.note_id;
                    INSERT INTO note_search_recent (rowid, body) VALUES (NEW.note_id, NEW.text);
                END;
                """
        }
        return sql
    }

    /// Indexes every note in one statement (an upgraded store, or the demo after its bulk load),
    /// then its vocabulary.
    static func fillNoteSearch(_ db: Database, addenda: Bool = true) throws {
        try db.execute(sql: """
            INSERT INTO note_search (rowid, body, scope)
            SELECT \(noteSearchKey("n")), \(noteSearchBody("n", addenda: addenda)), \(noteSearchScope("n")) FROM progress_notes n;
            INSERT OR IGNORE INTO note_terms (term) SELECT term FROM note_search_terms WHERE col = 'body';
            INSERT INTO note_search_recent (note_search_recent) VALUES ('delete-all');
            """)
        // Not followed by FTS5's 'optimize' (one segment): measured on 2.5 M notes it took 47 s,
        // helped a client-scoped common word little and made a newest-first walk that starts in an
        // old year (a date range) four times slower (14 → 55 ms p50 for "client" in 2019).
    }

    static let noteSearchTriggerNames = ["progress_notes_search_insert", "progress_notes_search_update",
                                         "progress_notes_search_delete", "note_addenda_search_insert"]
}
