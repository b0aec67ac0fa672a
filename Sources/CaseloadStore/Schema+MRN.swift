// Migration v11: chart numbers are unique regardless of case ("d-2" and "D-2" are one chart; CaseloadCore/MRN.swift).
// A store that already holds two charts differing only in case is not upgraded: the migration refuses with a
// sentence naming them, so an administrator merges or renumbers them first.
import CaseloadCore
import GRDB

extension Schema {
    static func v11CaseInsensitiveMRN(_ db: Database) throws {
        let clashes = try String.fetchAll(db, sql: """
            SELECT group_concat(mrn, ' and ') FROM clients GROUP BY upper(mrn) HAVING count(*) > 1 ORDER BY upper(mrn) LIMIT 3
            """)
        if !clashes.isEmpty {
            throw CaseloadError.refused(
                "The store holds chart numbers that differ only in case (\(clashes.map(StaffValidation.printable).joined(separator: "; "))), which this version treats as one chart; give one of each pair another chart number with the previous version of Caseload, then open the store again.")
        }
        // The index is what lookups by chart number use (`mrn = ? COLLATE NOCASE`) and what refuses a second
        // chart whose number differs only in case.
        try db.execute(sql: "CREATE UNIQUE INDEX clients_mrn_nocase ON clients(mrn COLLATE NOCASE)")
    }
}
