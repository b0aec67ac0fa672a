// Live refresh: how a session learns that another one committed (GRDB's observation sees only this process).
import CaseloadCore
import GRDB

extension SQLiteStore {
    /// `PRAGMA data_version` on the writer connection. SQLite changes it on a connection whenever any
    /// other connection (in this process or another) commits, and never for that connection's own
    /// commits; the writer is the only connection that writes here, so our own saves do not count.
    /// One read of the shared WAL index: cheap enough to run every second while idle.
    public func changeToken() throws -> Int {
        do {
            return try dbPool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch let e as DatabaseError {
            throw Self.translateWrite(e, path: path)
        }
    }
}
