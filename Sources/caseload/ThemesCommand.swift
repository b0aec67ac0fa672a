// `caseload themes`: the theme names --theme and :theme accept, built-in and the user's own.
import ArgumentParser
import CaseloadCore
import CaseloadTUI

struct ThemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "List the colour themes (built-in and your own).",
        discussion: "Your own themes live in $XDG_CONFIG_HOME/caseload/themes/NAME.toml (~/.config/caseload/themes); see docs/themes.md.")

    func run() throws {
        let userDir = Environment.userThemeDirectory()
        let builtin = Set(Theme.availableNames(userDir: nil))
        for name in Theme.availableNames(userDir: userDir) {
            var line = name
            let isUser = UserFiles.exists("\(userDir)/\(name).toml")
            if isUser { line += builtin.contains(name) ? "  (yours, replaces the built-in)" : "  (yours)" }
            // A broken user theme is listed with its error so it can be fixed before someone picks it.
            if isUser {
                do { _ = try Theme.load(name: name, userDir: userDir) } catch { line += "  error: \(error)" }
            }
            try Console.out(line)
        }
        try Console.out("User themes: \(userDir)")
    }
}
