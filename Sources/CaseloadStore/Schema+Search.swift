// Migration v13: note search finds words of addenda too. The index is rebuilt with each note's addenda after its
// sections (Schema+Notes.swift, noteSearchBody), and a trigger re-indexes a note when an addendum is added.
import GRDB

extension Schema {
    static func v13SearchAddenda(_ db: Database) throws {
        for name in ["progress_notes_search_insert", "progress_notes_search_update", "progress_notes_search_delete"] {
            try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)")
        }
        try db.execute(sql: "INSERT INTO note_search (note_search) VALUES ('delete-all')")
        try db.execute(sql: noteSearchTriggers(addenda: true))
        try fillNoteSearch(db, addenda: true)
    }
}
