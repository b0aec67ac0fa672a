// Migration v3: what writing, signing and searching progress notes needs (issue: progress notes).
import CaseloadCore
import GRDB

extension Schema {
    static func v3Notes(_ db: Database) throws {
    }
}
