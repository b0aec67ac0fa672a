// Migration v14: an attendance mark may be "not recorded" (the facilitator says so when signing, instead of leaving
// a member unmarked). SQLite cannot change a CHECK, so the table is rebuilt with the new list, its rows, indexes and
// triggers kept as they were (read back from sqlite_master). A store whose table already allows it is left alone.
import GRDB

extension Schema {
    static func v14AttendanceNotRecorded(_ db: Database) throws {
        guard let table = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'attendance'"),
              !table.contains("'not_recorded'") else { return }
        let old = "'left_early')"
        guard table.contains(old) else { return }
        let dependents = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_master WHERE tbl_name = 'attendance' AND type IN ('index', 'trigger') AND sql IS NOT NULL
            ORDER BY type = 'trigger', name
            """)
        let rebuilt = table.replacingOccurrences(of: old, with: "'left_early','not_recorded')")
            .replacingOccurrences(of: "CREATE TABLE attendance", with: "CREATE TABLE attendance_v14")
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO attendance_v14 SELECT * FROM attendance")
        try db.execute(sql: "DROP TABLE attendance")
        try db.execute(sql: "ALTER TABLE attendance_v14 RENAME TO attendance")
        for sql in dependents { try db.execute(sql: sql) }
    }
}
