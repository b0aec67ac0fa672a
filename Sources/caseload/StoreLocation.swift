// Where the store lives: --db, else $CASELOAD_DB, else $XDG_DATA_HOME/caseload/caseload.sqlite
// (XDG's default data home is ~/.local/share).
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

struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store file.",
        discussion: "Default: $CASELOAD_DB, else $XDG_DATA_HOME/caseload/caseload.sqlite (~/.local/share/caseload/caseload.sqlite).",
        valueName: "path"))
    var db: String?

    /// Opens the existing store at the path this run uses. After an upgrade it says on stderr where
    /// the copy of the old store is.
    func openStore() throws -> SQLiteStore {
        try Self.openStore(path: try location().path)
    }

    static func openStore(path: String) throws -> SQLiteStore {
        let store = try SQLiteStore.open(path: path, create: false)
        // A demo store may have its day pinned for tests and demonstrations (refused when installed setgid).
        try store.pinDemoClock(Environment.current["CASELOAD_NOW"])
        if let copy = store.upgradeBackupPath {
            Console.note("Upgraded the store for this version of Caseload; a copy of the old one is at '\(copy)'.")
        }
        return store
    }

    /// The path this run uses, and whether it is the built-in default (whose folder we may create). Installed
    /// setgid for a program, it is the installed store and --db or an environment override is refused.
    func location(environment: [String: String] = Environment.current) throws -> StoreLocation {
        if Deployment.isInstalledForProgram {
            if db != nil { throw Deployment.refuseExplicitStore() }
            try Deployment.checkEnvironment(environment)
            return StoreLocation(path: try Deployment.installedStorePath(), isDefault: false)
        }
        return StoreLocation.resolve(explicit: db, environment: environment)
    }
}

struct StoreLocation: Equatable {
    var path: String
    var isDefault: Bool

    static func resolve(explicit: String?, environment: [String: String]) -> StoreLocation {
        if let explicit, !explicit.isEmpty { return StoreLocation(path: explicit, isDefault: false) }
        if let fromEnv = environment["CASELOAD_DB"], !fromEnv.isEmpty {
            return StoreLocation(path: fromEnv, isDefault: false)
        }
        return StoreLocation(path: dataHome(environment) + "/caseload/caseload.sqlite", isDefault: true)
    }

    /// XDG says a relative $XDG_DATA_HOME is invalid and must be ignored.
    static func dataHome(_ environment: [String: String]) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg }
        return Environment.home(environment) + "/.local/share"
    }

    /// Creates the default folder (owner-only: it will hold PHI). Explicit paths are never created,
    /// so a typo in --db is reported instead of silently making a new folder.
    func prepareDirectoryIfDefault() throws {
        guard isDefault else { return }
        try Environment.makeDirectories(directory, mode: 0o700)
    }

    var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// The files SQLite and the store keep beside the database.
    var companionFiles: [String] { StorePath.sideSuffixes.map { path + $0 } }
}

enum Environment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return result
    }

    static func home(_ environment: [String: String]) -> String {
        if let home = environment["HOME"], home.hasPrefix("/") { return home }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    static func fileExists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    static func fileSize(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int64(st.st_size)
    }

    static func makeDirectories(_ path: String, mode: mode_t) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw CaseloadError.refused("Could not create the folder '\(current)': \(String(cString: strerror(errno))).")
            }
        }
    }

    /// The themes folder the user may add to: $XDG_CONFIG_HOME/caseload/themes (~/.config/caseload/themes).
    static func userThemeDirectory(_ environment: [String: String] = current) -> String {
        let config: String
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            config = xdg
        } else {
            config = home(environment) + "/.config"
        }
        return config + "/caseload/themes"
    }
}

/// `--as USERNAME`, shared by the workspace and every sub-command as one option group: ArgumentParser hands a
/// parent's option to its sub-command only through a shared group (a plain option of the same name in both
/// would be taken by the parent and silently lost).
struct IdentityOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp(
        "Act as another staff member. Only on a demo store made by 'caseload demo'.", valueName: "username"))
    var asUser: String?
}

/// `--break-glass REASON` on the sub-commands about one client: emergency access to a chart the person may
/// not otherwise see (administrators always need it), recorded with the reason in the audit trail.
struct EmergencyOptions: ParsableArguments {
    @Option(name: .customLong("break-glass"), help: ArgumentHelp(
        "Emergency access to a chart you may not otherwise see, with the reason (recorded in the audit trail).",
        valueName: "reason"))
    var breakGlass: String?
}
