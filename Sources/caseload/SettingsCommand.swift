// `caseload settings [show]` and `caseload settings set KEY VALUE`: the program settings (administrators change them).
import ArgumentParser
import CaseloadCore
import CaseloadStore
import CaseloadViewModels

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show or change the program settings (review interval, note template, billing units, ...).",
        subcommands: [Show.self, Set.self],
        defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every program setting and what it means.")

        @OptionGroup var store: StoreOptions

        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let repository = try store.openStore()
            _ = try SignIn.identify(in: repository, switchingTo: identity.asUser)
            let settings = try repository.settings()
            var rows = [["SETTING", "VALUE", "MEANING"]]
            for s in ProgramSetting.allCases { rows.append([s.key, s.value(in: settings), s.summary]) }
            for line in TextTable.lines(rows) { try Console.out(line) }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change one program setting (administrators only).",
            discussion: "Example: caseload settings set plan_review_interval_days 30. The change applies from now on (a review interval to plans started, reviewed or re-dated from now on; sessions already open keep the settings they read at start) and is recorded in the audit trail.")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The setting's name, as 'caseload settings' lists it.", valueName: "key"))
        var key: String

        @Argument(help: ArgumentHelp("The new value.", valueName: "value"))
        var value: String

        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let setting = try ProgramSetting.named(key)
            let repository = try store.openStore()
            let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
            guard me.staff.role == .admin else {
                throw try repository.refusal(by: me.staff, clientID: nil, what: "settings:\(setting.key)", sentence:
                    "Only an administrator can change program settings; '\(me.staff.username)' is a \(me.staff.role.label.lowercased()).")
            }
            var before = ""
            var after = ""
            var failure: Error?
            try repository.updateSettings { settings in
                before = setting.value(in: settings)
                do { try setting.apply(value, to: &settings) } catch { failure = error }
                after = setting.value(in: settings)
            }
            if let failure { throw failure }
            if before == after {
                try Console.out("\(setting.key) is already \(after); nothing changed.")
                return
            }
            try repository.record(.update, by: me.staff, clientID: nil, subject: "settings:\(setting.key)",
                                  detail: SignIn.auditDetail(me, what: "changed \(setting.key) from '\(before)' to '\(after)'"))
            try Console.out("\(setting.key): \(before) -> \(after)")
        }
    }
}
