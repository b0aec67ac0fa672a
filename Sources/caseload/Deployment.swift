// Caseload installed for a whole program on one host: the binary is setgid to a dedicated group that alone
// can read the store's folder, and people reach it over SSH with a ForceCommand (docs/deployment.md). Then the
// store is the one the administrator installed, identity comes from the real uid only, and nothing a person
// can set (--db, --as, environment variables) may point the program's group rights somewhere else.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
import CaseloadCore

enum Deployment {
    /// Running with the program's group rather than the person's own: the binary is installed setgid.
    static var isInstalledForProgram: Bool { getegid() != getgid() }

    /// The store when nothing configures another one.
    static let defaultStorePath = "/var/lib/caseload/caseload.sqlite"
    static let systemConfig = "/etc/caseload/caseload.conf"

    /// Variables that would redirect a file the program's group may write or read.
    static let refusedVariables = ["CASELOAD_DB", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "CASELOAD_TRACE_FILE",
                                   "CASELOAD_PRINT_DIR", "CASELOAD_IDLE_LOCK_SECONDS", "CASELOAD_NOW"]

    /// Sub-commands for the administrator's own account (run with the group directly, e.g. `sudo -g caseload`).
    static func refuseWhenInstalled(_ command: String) throws {
        guard isInstalledForProgram else { return }
        throw CaseloadError.refused(
            "'\(command)' is for the administrator of this installation: run it with the program's group (for example 'sudo -g \(groupName()) \(command) …'), not through the installed workspace.")
    }

    static func checkEnvironment(_ environment: [String: String]) throws {
        for name in refusedVariables where !(environment[name] ?? "").isEmpty {
            throw CaseloadError.refused(
                "This Caseload is installed for the whole program, so $\(name) is not used; unset it (\(whereTheStoreIsSet())).")
        }
    }

    static func refuseExplicitStore() -> CaseloadError {
        .refused("This Caseload is installed for the whole program: the store is the one the administrator set up, so --db is not allowed.")
    }

    static func refuseSwitchingUser() -> CaseloadError {
        .refused("This Caseload is installed for the whole program: you are the staff member of your login, so --as is not allowed.")
    }

    /// The configuration files looked at, in order: `caseload.conf` beside the binary, then the system one.
    static var configCandidates: [String] {
        var candidates: [String] = []
        if let exe = executablePath() {
            let dir = exe.lastIndex(of: "/").map { String(exe[..<$0]) } ?? "."
            candidates.append(dir + "/caseload.conf")
        }
        candidates.append(systemConfig)
        return candidates
    }

    /// The configuration file in use: the first candidate that exists.
    static var configInUse: String? {
        configCandidates.first { path in
            var st = stat()
            return lstat(path, &st) == 0
        }
    }

    /// Where the administrator sets the store, naming the configuration file actually in use.
    static func whereTheStoreIsSet() -> String {
        if let config = configInUse { return "the administrator sets the store in \(config)" }
        return "the store is \(defaultStorePath); the administrator may set another in \(systemConfig)"
    }

    /// `db = PATH` from `caseload.conf` beside the binary, else from /etc/caseload/caseload.conf, else the default.
    /// A configuration file is trusted only when root owns it and nobody else may write it (or its folder).
    static func installedStorePath() throws -> String {
        for path in configCandidates {
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            var dirStat = stat()
            guard (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == 0, st.st_mode & (S_IWGRP | S_IWOTH) == 0,
                  stat(folder, &dirStat) == 0, dirStat.st_uid == 0, dirStat.st_mode & (S_IWGRP | S_IWOTH) == 0 else {
                throw CaseloadError.refused(
                    "The configuration '\(path)' is not owned by root or others may change it, so Caseload will not use it. Ask the system administrator to fix its owner and mode (root, 0644).")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CaseloadError.refused("The configuration '\(path)' cannot be read as text.")
            }
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                guard !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
                let key = line[..<eq].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if key == "db" {
                    guard value.hasPrefix("/") else {
                        throw CaseloadError.refused("The configuration '\(path)' gives a store path that is not absolute ('\(value)').")
                    }
                    return value
                }
            }
        }
        return defaultStorePath
    }

    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func groupName() -> String {
        guard let g = getgrgid(getegid()), let name = g.pointee.gr_name else { return "caseload" }
        return String(cString: name)
    }
}
