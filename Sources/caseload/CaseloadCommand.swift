// The `caseload` command: with no sub-command it opens the terminal workspace.
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
import CaseloadTUI
import CaseloadViewModels

@main
struct CaseloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caseload",
        abstract: "A terminal workspace for the counseling staff of opioid treatment programs.",
        discussion: """
        With no sub-command, opens the workspace on the store as the staff member whose login you are.
        Keys: ? shows every key, : opens the command line, Q quits.
        Environment: CASELOAD_DB (store path), XDG_DATA_HOME, XDG_CONFIG_HOME (user themes in caseload/themes), \
        NO_COLOR (monochrome), CASELOAD_TRACE_FILE (per-key timings for the benchmark).
        """,
        version: CaseloadVersion.current,
        subcommands: [DemoCommand.self, InitCommand.self, StaffCommand.self, ExportCommand.self, DiscloseCommand.self, DisclosuresCommand.self, ReportCommand.self, ImportCommand.self, PlanCommand.self, SettingsCommand.self, BackupCommand.self, RestoreCommand.self, CheckCommand.self, AuditCommand.self, ThemesCommand.self, PassphraseCommand.self, TemplateCommand.self]
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The colour theme (see 'caseload themes').", valueName: "name"))
    var theme: String?

    @OptionGroup var identity: IdentityOptions

    func run() throws {
        let location = try store.location()
        let repository = try StoreOptions.openStore(path: location.path)
        let identity = try SignIn.identify(in: repository, switchingTo: identity.asUser)

        let environment = Environment.current
        let idleOverride = try Self.idleLockOverride(environment, repository)
        let themeDir = Environment.userThemeDirectory(environment)
        let themeNames = Theme.availableNames(userDir: themeDir)
        if let theme, !themeNames.contains(theme) {
            throw CaseloadError.invalidInput(
                "There is no theme called '\(theme)'. Available themes: \(themeNames.joined(separator: ", ")).")
        }
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw CaseloadError.refused(
                "The Caseload workspace needs a terminal. Run it from a terminal (or over SSH with a terminal); see 'caseload --help' for batch commands.")
        }

        try repository.record(.login, by: identity.staff, clientID: nil, subject: "session",
                              detail: SignIn.auditDetail(identity, what: "opened the workspace"))
        let options = TUIOptions(themeName: theme, userThemeDir: themeDir,
                                 traceFile: environment["CASELOAD_TRACE_FILE"].flatMap { $0.isEmpty ? nil : $0 })
        let status = try TUI.run(options: options) { size in
            let model = AppModel(repository: repository, groups: repository, notes: repository, plans: repository,
                                 caseManagement: repository, staffAdmin: repository, authenticator: repository,
                                 identity: identity, clock: repository.clock, size: size, keyMap: .standard, themeNames: themeNames)
            model.idleLockOverrideSeconds = idleOverride
            return model
        }
        // After a hang-up the store is still there; a failed logout record must not turn a clean exit into an error.
        try? repository.record(.logout, by: identity.staff, clientID: nil, subject: "session",
                               detail: SignIn.auditDetail(identity, what: "left the workspace"))
        if status != 0 { throw ExitCode(status) }
    }

    /// CASELOAD_IDLE_LOCK_SECONDS, deliberately undocumented: the end-to-end tests cannot wait a minute for
    /// the lock. A real store refuses it, so nobody can stretch or shorten the program's idle lock.
    static func idleLockOverride(_ environment: [String: String], _ store: SQLiteStore) throws -> Int? {
        guard let raw = environment["CASELOAD_IDLE_LOCK_SECONDS"], !raw.isEmpty else { return nil }
        guard try store.settings().isDemo else {
            throw CaseloadError.refused("CASELOAD_IDLE_LOCK_SECONDS only works on a demo store made by 'caseload demo'; the program's idle_lock_minutes setting applies here.")
        }
        guard let seconds = Int(raw), (1...7200).contains(seconds) else {
            throw CaseloadError.invalidInput("CASELOAD_IDLE_LOCK_SECONDS takes a whole number of seconds from 1 to 7200; '\(raw)' is not one.")
        }
        return seconds
    }

    /// Errors a person can meet become one sentence on stderr and a non-zero exit, never a Swift dump.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CaseloadError {
            Console.error(error.description)
            Self.exit(withError: ExitCode.failure)
        } catch {
            if let known = Failure.sentence(for: error) {
                Console.error(known)
                Self.exit(withError: ExitCode.failure)
            }
            Self.exit(withError: error)
        }
    }
}

/// Errors from other layers that are not `CaseloadError` but still deserve a sentence.
enum Failure {
    static func sentence(for error: Error) -> String? {
        switch error {
        case let themeError as ThemeError:
            return themeError.description
        case is ExitCode, is CleanExit, is ValidationError:
            return nil
        default:
            // Argument parsing errors are handled by ArgumentParser (usage + message).
            let typeName = String(reflecting: type(of: error))
            if typeName.hasPrefix("ArgumentParser.") { return nil }
            return "Something went wrong: \(error). Please tell your administrator."
        }
    }
}
