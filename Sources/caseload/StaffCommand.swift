// `caseload staff add|list`: the minimal staff administration the first store needs.
import ArgumentParser
import CaseloadCore
import CaseloadStore
import CaseloadViewModels

struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Add, list and change staff accounts.",
        subcommands: [Add.self, List.self, SetRole.self, SetSupervisor.self, Deactivate.self, Reactivate.self])

    /// One change to one account by an administrator: open, sign in, change, say what changed.
    static func change(_ store: StoreOptions, _ identity: IdentityOptions, _ username: String, _ change: StaffChange) throws {
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        let result = try repository.changeStaff(username: username, change, by: me.staff)
        try Console.out("\(result.staff.username) (\(result.staff.displayName)): \(result.summary).")
        if !result.staff.active && result.clientsStillAssigned > 0 {
            Console.note("caseload: \(result.clientsStillAssigned) client\(result.clientsStillAssigned == 1 ? " still has" : "s still have") '\(result.staff.username)' as primary counselor; give them another counselor (for example with caseload import clients).")
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Change a staff member's role (administrators only).")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The staff member's username.", valueName: "username")) var username: String
        @Argument(help: ArgumentHelp("counselor, facilitator, supervisor or admin.", valueName: "role")) var role: String
        @OptionGroup var identity: IdentityOptions
        func run() throws {
            try StaffCommand.change(store, identity, username, .role(try StaffValidation.role(role)))
        }
    }

    struct SetSupervisor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-supervisor", abstract: "Change who supervises a staff member (administrators only).",
            discussion: "Give 'none' to leave the person without a supervisor.")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The staff member's username.", valueName: "username")) var username: String
        @Argument(help: ArgumentHelp("The supervisor's username, or none.", valueName: "supervisor")) var supervisor: String
        @OptionGroup var identity: IdentityOptions
        func run() throws {
            try StaffCommand.change(store, identity, username, .supervisor(username: supervisor == "none" ? nil : supervisor))
        }
    }

    struct Deactivate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate a staff account: the person can no longer open Caseload; their records stay (administrators only).")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The staff member's username.", valueName: "username")) var username: String
        @OptionGroup var identity: IdentityOptions
        func run() throws { try StaffCommand.change(store, identity, username, .active(false)) }
    }

    struct Reactivate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a deactivated staff account (administrators only).")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The staff member's username.", valueName: "username")) var username: String
        @OptionGroup var identity: IdentityOptions
        func run() throws { try StaffCommand.change(store, identity, username, .active(true)) }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a staff account (administrators only).",
            discussion: "USERNAME is the person's login on this computer (the SSH user); Caseload signs people in by it.")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The person's login name.", valueName: "username"))
        var username: String

        @Option(name: .long, help: ArgumentHelp("Full name as colleagues know it.", valueName: "full name"))
        var name: String

        @Option(name: .long, help: ArgumentHelp("Credentials, e.g. LADC or CADC-II.", valueName: "text"))
        var credentials: String = ""

        @Option(name: .long, help: ArgumentHelp("counselor, facilitator, supervisor or admin.", valueName: "role"))
        var role: String

        @Option(name: .long, help: ArgumentHelp("The clinical supervisor's username.", valueName: "username"))
        var supervisor: String?

        @Flag(name: .customLong("needs-cosign"), help: ArgumentHelp(
            "The person's signed notes wait in their supervisor's co-signature queue (e.g. a counselor in training).",
            discussion: "Needs --supervisor."))
        var needsCosign = false

        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let role = try StaffValidation.role(self.role)
            let repository = try store.openStore()
            let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
            if needsCosign && supervisor == nil {
                throw CaseloadError.invalidInput("--needs-cosign needs a --supervisor to co-sign the notes.")
            }
            let added = try repository.addStaff(
                NewStaff(username: username, displayName: name, credentials: credentials, role: role,
                         supervisor: supervisor, needsCosign: needsCosign), by: me.staff,
                detail: SignIn.auditDetail(me, what: "added \(role.rawValue) \(StaffValidation.printable(name.trimmingWhitespace()))"
                    + (needsCosign ? ", notes co-signed" : "")))
            try Console.out("Added \(role.label.lowercased()) '\(added.username)' (\(added.displayName)).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff accounts.")

        @OptionGroup var store: StoreOptions

        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let repository = try store.openStore()
            _ = try SignIn.identify(in: repository, switchingTo: identity.asUser)
            let staff = try repository.allStaff()
            let byID = Dictionary(staff.compactMap { s in s.id.map { ($0, s) } }, uniquingKeysWith: { a, _ in a })
            var rows = [["USERNAME", "NAME", "CREDENTIALS", "ROLE", "SUPERVISOR", "CO-SIGN", "ACTIVE"]]
            for s in staff.sorted(by: { $0.username < $1.username }) {
                rows.append([s.username, s.displayName, s.credentials, s.role.rawValue,
                             s.supervisorID.flatMap { byID[$0]?.username } ?? "", s.needsCosign ? "needed" : "",
                             s.active ? "yes" : "no"])
            }
            for line in TextTable.lines(rows) { try Console.out(line) }
        }
    }
}

/// Columns aligned by display width, so 李 or Zoë do not push the next column out of line.
enum TextTable {
    static func lines(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : DisplayWidth.pad(cell, to: widths[i])
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
