// `caseload export`: the store, or one client, as JSON on stdout (streamed; the shape is in the README).
import ArgumentParser
import CaseloadCore
import CaseloadStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the store, or one client's records, as JSON to standard output.",
        discussion: "Every export is recorded in the audit trail. Treat the output as protected health information.")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Only this client's records (chart number).", valueName: "mrn"))
    var client: String?

    @OptionGroup var identity: IdentityOptions
    @OptionGroup var emergency: EmergencyOptions

    func run() throws {
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        if let client { try SignIn.emergency(emergency, mrn: client, me, in: repository) }
        // Checked first, so a refused export is recorded as a refusal and never as an export; then recorded
        // before the first byte goes out: an export that leaves no trace is worse than a trace of one that failed.
        let clientID = try Exporter.authorize(repository, clientMRN: client)
        try repository.record(.export, by: me.staff, clientID: clientID,
                              subject: client.map { "client:\($0)" } ?? "store",
                              detail: SignIn.auditDetail(me, what: client == nil ? "exported the whole store as JSON" : "exported one client as JSON"))
        let output = BufferedOutput(fd: 1)
        try Exporter.export(repository, clientMRN: client, write: output.write)
        try output.flush()
    }
}
