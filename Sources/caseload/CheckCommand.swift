// `caseload check`: SQLite's full integrity check and the note search index's own check.
import ArgumentParser
import CaseloadCore
import CaseloadStore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the whole store for damage (prints ok, or names each problem and exits non-zero).",
        discussion: """
        Checks that the store's protective triggers are all there (append-only audit trail, signed notes and plans, \
        revoked consents, the accounting of disclosures), then runs SQLite's PRAGMA integrity_check and the FTS5 \
        integrity check of the note search index. Sessions keep \
        working: while any are open, the index is checked in a temporary copy beside the store (it needs as much \
        free space as the store). Takes a while on a large store.
        """)

    @OptionGroup var store: StoreOptions

    func run() throws {
        try Deployment.refuseWhenInstalled("caseload check")
        let path = try store.location().path
        StaleCopies.remove(beside: path)
        // With sessions at work, the search index is checked in a snapshot so no save has to wait.
        let othersAtWork = SQLiteStore.sessionsInUse(path: path)
        let repository = try store.openStore()
        let problems = try repository.missingProtections()
            + repository.integrityProblems(sparingOtherSessions: othersAtWork)
        if problems.isEmpty {
            try Console.out("ok")
            return
        }
        for problem in problems { try Console.out(problem) }
        throw CaseloadError.storeDamaged(path: path, detail: "\(problems.count) problem\(problems.count == 1 ? "" : "s") found: \(problems[0])")
    }
}
