// `caseload plan print`: a client's treatment plan as a document to read and sign on paper.
import ArgumentParser
import CaseloadCore
import CaseloadStore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Treatment plans from the store.",
        subcommands: [PlanPrintCommand.self])
}

/// The formats of PlanDocument, as the command line spells them.
enum PlanPrintFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown
    var document: PlanDocument.Format { self == .text ? .text : .markdown }
}

struct PlanPrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Print a client's treatment plan to sign on paper.",
        discussion: """
        Prints the plan in force (the latest signed version), else the draft, or the version given with --version: \
        the client's details, every problem, goal, objective and intervention, the signatures already given and \
        lines for those still needed. Every print is recorded in the audit trail.
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The client's chart number.", valueName: "mrn"))
    var client: String

    @Option(name: .long, help: ArgumentHelp("Plain text wrapped for paper, or Markdown.", valueName: "format"))
    var format: PlanPrintFormat = .text

    @Option(name: .long, help: ArgumentHelp("An earlier (or the draft) version instead of the current plan.", valueName: "n"))
    var version: Int?

    @Option(name: .long, help: ArgumentHelp("Columns of the text format (40 to 200).", valueName: "columns"))
    var width: Int = 78

    @OptionGroup var identity: IdentityOptions
    @OptionGroup var emergency: EmergencyOptions

    func run() throws {
        guard (40...200).contains(width) else {
            throw CaseloadError.invalidInput("--width must be between 40 and 200 columns.")
        }
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        try SignIn.emergency(emergency, mrn: client, me, in: repository)
        let clientID = try repository.clientID(typedMRN: client, what: "treatment plan")
        guard let found = try repository.client(mrn: MRN.normalized(client)) else {
            throw CaseloadError.notFound(what: "A client with chart number '\(StaffValidation.printable(client))'")
        }
        let tree: PlanTree
        if let version {
            guard let plan = try repository.planVersions(clientID: clientID).first(where: { $0.version == version }),
                  let planID = plan.id else {
                throw CaseloadError.notFound(what: "Version \(version) of the treatment plan of \(found.displayName)")
            }
            tree = try repository.plan(id: planID)
        } else {
            guard let current = try repository.currentPlan(clientID: clientID) else {
                throw CaseloadError.notFound(what: "A treatment plan for \(found.displayName)")
            }
            tree = current
        }
        let settings = try repository.settings()
        let summary = try repository.chartSummary(clientID: clientID)
        let counselor = try found.primaryCounselorID.flatMap { try repository.staff(id: $0) }
        let text = PlanDocument.render(tree, summary: summary, programName: settings.programName, format: format.document,
                                       width: width,
                                       supervisorSignature: settings.supervisorCosignPlans || (counselor?.needsCosign ?? false))
        try repository.record(.print, by: me.staff, clientID: clientID, subject: "plan:\(tree.plan.id ?? 0)",
                              detail: SignIn.auditDetail(me, what: "printed treatment plan version \(tree.plan.version) as \(format.rawValue)"))
        let output = BufferedOutput(fd: 1)
        try output.write(text)
        try output.flush()
    }
}
