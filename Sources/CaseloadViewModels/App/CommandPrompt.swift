// The `:` command table and its parser; the help overlay lists the same table.

public struct CommandSpec: Hashable, Sendable {
    public var name: String
    public var aliases: [String]
    public var usage: String
    public var summary: String
}

public enum ParsedCommand: Hashable, Sendable {
    case quit
    case theme(String?)
    case help
    case caseload
    case groups
    case home
    /// `:search WORDS [from:DATE] [to:DATE]`: every note I may see.
    case search(String)
    case cosign
    case reports
    case plans
    case staff
    /// `:lock`: the lock screen at once.
    case lock
    /// `:breakglass MRN`: emergency access to a chart, with a reason that is recorded.
    case breakGlass(String?)
    case empty
    case unknown(String)
}

public enum CommandPrompt {
    public static let commands: [CommandSpec] = [
        CommandSpec(name: "quit", aliases: ["q"], usage: ":q, :quit", summary: "quit Caseload (asks first if unsaved)"),
        CommandSpec(name: "theme", aliases: [], usage: ":theme NAME", summary: "switch colours; :theme alone lists them"),
        CommandSpec(name: "help", aliases: ["h"], usage: ":help", summary: "show the keys and commands"),
        CommandSpec(name: "caseload", aliases: [], usage: ":caseload", summary: "go to the caseload table"),
        CommandSpec(name: "groups", aliases: [], usage: ":groups", summary: "go to the program's groups"),
        CommandSpec(name: "home", aliases: [], usage: ":home", summary: "go to today's overview"),
        CommandSpec(name: "search", aliases: [], usage: ":search WORDS",
                    summary: "search the notes I may see; words match as prefixes; from:YYYY-MM-DD to:YYYY-MM-DD limit the dates"),
        CommandSpec(name: "cosign", aliases: [], usage: ":cosign", summary: "notes waiting for my co-signature (supervisors)"),
        CommandSpec(name: "reports", aliases: [], usage: ":reports", summary: "caseload, overdue items and productivity figures"),
        CommandSpec(name: "plans", aliases: [], usage: ":plans", summary: "treatment plans due for review (and plans to co-sign)"),
        CommandSpec(name: "staff", aliases: [], usage: ":staff", summary: "staff accounts: role, supervisor, deactivate (administrators)"),
        CommandSpec(name: "lock", aliases: [], usage: ":lock", summary: "lock the screen; your passphrase unlocks it"),
        CommandSpec(name: "breakglass", aliases: [], usage: ":breakglass MRN",
                    summary: "emergency access to a chart you may not see; asks the reason and records it"),
    ]

    public static func parse(_ line: String) -> ParsedCommand {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let head = words.first else { return .empty }
        let word = head.lowercased()
        guard let spec = commands.first(where: { $0.name == word || $0.aliases.contains(word) }) else {
            return .unknown(head)
        }
        switch spec.name {
        case "quit": return .quit
        case "theme": return .theme(words.count > 1 ? words[1...].joined(separator: " ") : nil)
        case "help": return .help
        case "caseload": return .caseload
        case "groups": return .groups
        case "search": return .search(words.dropFirst().joined(separator: " "))
        case "cosign": return .cosign
        case "reports": return .reports
        case "plans": return .plans
        case "staff": return .staff
        case "lock": return .lock
        case "breakglass": return .breakGlass(words.count > 1 ? words[1] : nil)
        default: return .home
        }
    }

    /// Completes the command name (or a theme name after "theme "). Returns the new text and,
    /// when several candidates remain, the candidates to show.
    public static func complete(_ line: String, themeNames: [String]) -> (text: String, candidates: [String]) {
        let lower = line.lowercased()
        if lower.hasPrefix("theme ") {
            let partial = String(line.dropFirst(6)).trimmingLeadingSpaces()
            let matches = themeNames.filter { $0.lowercased().hasPrefix(partial.lowercased()) }.sorted()
            return extend(prefix: "theme ", partial: partial, matches: matches, addSpace: false)
        }
        guard !line.contains(" ") else { return (line, []) }
        let matches = commands.map(\.name).filter { $0.hasPrefix(lower) }
        return extend(prefix: "", partial: line, matches: matches, addSpace: true)
    }

    private static func extend(prefix: String, partial: String, matches: [String],
                               addSpace: Bool) -> (text: String, candidates: [String]) {
        guard let firstMatch = matches.first else { return (prefix + partial, []) }
        if matches.count == 1 { return (prefix + firstMatch + (addSpace ? " " : ""), []) }
        var common = firstMatch
        for m in matches.dropFirst() {
            while !m.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        return (prefix + (common.count > partial.count ? common : partial), matches)
    }
}

extension String {
    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
}
