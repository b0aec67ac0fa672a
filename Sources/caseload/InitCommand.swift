// `caseload init`: a new, empty store with its first administrator.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
import ArgumentParser
import CaseloadCore
import CaseloadStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty store and its first administrator.",
        discussion: "Refuses to touch an existing file. The administrator then adds staff with 'caseload staff add'.")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The administrator's login name on this computer.", valueName: "username"))
    var admin: String

    @Option(name: .long, help: ArgumentHelp("The administrator's full name (default: the username).", valueName: "full name"))
    var name: String?

    func run() throws {
        let username = try StaffValidation.username(admin)
        let displayName = try StaffValidation.displayName(name ?? username)
        try Deployment.refuseWhenInstalled("caseload init")
        let location = try store.location()
        guard !Environment.fileExists(location.path) else {
            throw CaseloadError.refused(
                "'\(location.path)' already exists, so nothing was changed. Give another path with --db.")
        }
        try location.prepareDirectoryIfDefault()
        StaleCopies.remove(beside: location.path)
        // Built whole beside the target and renamed into place: a killed init leaves no half store.
        try SQLiteStore.create(path: location.path) { repository in
            let staff = try repository.addStaff(Staff(username: username, displayName: displayName, role: .admin))
            try repository.record(.create, by: staff, clientID: nil, subject: "staff:\(username)",
                                  detail: "store created with its first administrator")
        }
        try Console.out("Created the store '\(location.path)' with the administrator '\(username)' (\(displayName)).")
        try Console.out("Next: as \(username), add staff with: caseload staff add USERNAME --name \"Full Name\" --role counselor")
    }
}
