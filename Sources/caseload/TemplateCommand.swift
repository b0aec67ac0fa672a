// `caseload template list | show NAME | save NAME --file FILE [--replace] | remove NAME`: the program's
// treatment-plan templates (issue 6: administrators manage them). Anyone may list and show them (no client's
// data is in a template); saving and removing are an administrator's, checked whole and audited.
import ArgumentParser
import CaseloadCore
import CaseloadStore
import Foundation

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "List, show, save or remove the program's treatment-plan templates.",
        discussion: """
        A template is JSON: {"problems": [{"statement": …, "clientWords": …, "goals": [{"statement": …, \
        "kind": "abstinence|harm_reduction|health|mental_health|housing|employment_education|family|legal|other", \
        "objectives": [{"statement": …, "weeks": 1-520, "interventions": [{"modality": "<a modality of the \
        program>", "timesPerPeriod": 1-99, "period": "week|month", "detail": …}]}]}]}]}. \
        'caseload template show NAME' prints one to start from.
        """,
        subcommands: [List.self, Show.self, Save.self, Remove.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the templates with their size.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let repository = try store.openStore()
            _ = try SignIn.identify(in: repository, switchingTo: identity.asUser)
            var rows = [["TEMPLATE", "PROBLEMS", "GOALS", "OBJECTIVES", "INTERVENTIONS"]]
            for t in try repository.templateSummaries() {
                rows.append([t.name, "\(t.problems)", "\(t.goals)", "\(t.objectives)", "\(t.interventions)"])
            }
            for line in TextTable.lines(rows) { try Console.out(line) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one template's JSON (to edit and save again).")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The template's name, as 'caseload template list' shows it.", valueName: "name"))
        var name: String
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let repository = try store.openStore()
            _ = try SignIn.identify(in: repository, switchingTo: identity.asUser)
            try Console.out(try repository.templateJSON(named: name))
        }
    }

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a template from a JSON file, or change one with --replace (administrators only).",
            discussion: "The whole file is checked first (shape, statements, goal kinds, weeks, modalities the program offers); a mistake is named by its place, e.g. problems[0].goals[1].kind, and nothing is saved.")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The template's name, as counselors will choose it.", valueName: "name"))
        var name: String
        @Option(name: .long, help: ArgumentHelp("The template as JSON (UTF-8).", valueName: "file.json"))
        var file: String
        @Flag(name: .long, help: "Change the template of that name (without it, an existing name is refused).")
        var replace = false
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let repository = try store.openStore()
            let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
            guard let data = UserFiles.contents(atPath: file), let json = String(data: data, encoding: .utf8) else {
                throw CaseloadError.invalidInput("Cannot read '\(StaffValidation.printable(file))' as a UTF-8 file.")
            }
            let t = try repository.saveTemplate(name: name, json: json, replace: replace, by: me.staff,
                                                detail: SignIn.auditDetail(me, what: "\(replace ? "saved" : "added") the plan template '\(StaffValidation.printable(name.trimmingWhitespace()))' from \((file as NSString).lastPathComponent)"))
            try Console.out("Saved the template '\(t.name)': \(t.problems) problems, \(t.goals) goals, \(t.objectives) objectives, \(t.interventions) interventions.")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a template (administrators only); plans started from it keep their copy.")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The template's name.", valueName: "name"))
        var name: String
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let repository = try store.openStore()
            let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
            try repository.removeTemplate(name: name, by: me.staff,
                                          detail: SignIn.auditDetail(me, what: "removed the plan template '\(StaffValidation.printable(name))'"))
            try Console.out("Removed the template '\(name)'. Plans started from it keep what they copied.")
        }
    }
}
