// Migration v4: what editing, signing and reviewing treatment plans needs (issue: treatment plans).
import CaseloadCore
import GRDB

extension Schema {
    static func v4Plans(_ db: Database) throws {
    }
}
