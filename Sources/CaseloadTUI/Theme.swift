// Themes: what each Role looks like (colours and attributes), loaded from Themes/*.toml or a user folder.
import CaseloadCore
import CaseloadViewModels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A colour as a theme names it, before it is mapped to what the terminal can show.
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// One of the 16 curses colours (0–7 normal, 8–15 bright).
    case named(Int)
    /// An xterm 256-colour index.
    case index(Int)
    case rgb(UInt8, UInt8, UInt8)

    /// The 16 curses colour names, in curses order.
    public static let names: [String] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow",
        "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// Parses the string form used in theme files: a name, "default" or "#rrggbb".
    public init?(name text: String) {
        let t = text.lowercased()
        if t == "default" { self = .terminalDefault; return }
        if let i = ThemeColor.names.firstIndex(of: t) { self = .named(i); return }
        if t.hasPrefix("#"), t.count == 7 {
            let hex = t.dropFirst()
            guard hex.allSatisfy(\.isHexDigit), let v = UInt32(hex, radix: 16) else { return nil }
            self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .terminalDefault: "default"
        case .named(let i): ThemeColor.names[i]
        case .index(let i): String(i)
        case .rgb(let r, let g, let b):
            "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }
}

/// Text attributes a theme can ask for.
public struct ThemeAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = ThemeAttributes(rawValue: 1)
    public static let underline = ThemeAttributes(rawValue: 2)
    public static let reverse = ThemeAttributes(rawValue: 4)
    public static let dim = ThemeAttributes(rawValue: 8)

    public static let byName: [(String, ThemeAttributes)] = [
        ("bold", .bold), ("underline", .underline), ("reverse", .reverse), ("dim", .dim),
    ]
}

/// How one role is drawn.
public struct Style: Hashable, Sendable {
    public var fg: ThemeColor
    public var bg: ThemeColor
    public var attributes: ThemeAttributes
    public init(fg: ThemeColor = .terminalDefault, bg: ThemeColor = .terminalDefault, attributes: ThemeAttributes = []) {
        self.fg = fg; self.bg = bg; self.attributes = attributes
    }
}

/// A problem in a theme file, located precisely enough that a person can fix it.
public struct ThemeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's path (built-in themes: "Themes/<name>.toml (built in)").
    public let file: String
    /// 1-based line; 0 when the problem is not on one line (a missing or unreadable file).
    public let line: Int
    /// The key or table the problem is in, e.g. "bg" or "[selection]"; nil when none applies.
    public let key: String?
    public let message: String

    public init(file: String, line: Int, key: String?, message: String) {
        self.file = file; self.line = line; self.key = key; self.message = message
    }

    /// `file:line: key 'bg': '#12345' is not a colour (…)`
    public var description: String { located(file) + message }

    /// The same for the one-line message bar: the file's name without its folder, and the first
    /// sentence without the hint in parentheses (`caseload themes` prints the whole error).
    public var summary: String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        var text = Substring(message)
        if let cut = text.firstRange(of: " (") ?? text.firstRange(of: ". ") { text = text[..<cut.lowerBound] }
        while text.hasSuffix(".") { text = text.dropLast() }
        return located(name) + text
    }

    private func located(_ name: String) -> String {
        var s = name
        if line > 0 { s += ":\(line)" }
        s += ": "
        if let key { s += key.hasPrefix("[") ? "table \(key): " : "key '\(key)': " }
        return s
    }
}

public struct Theme: Sendable, Equatable {
    /// The name it is loaded by (the file name without `.toml`).
    public let name: String
    /// The `name = "…"` label from the file (falls back to `name`).
    public let label: String
    public let description: String
    /// Styles as written in the file; roles missing here inherit from `normal`.
    public let declared: [Role: Style]

    public init(name: String, label: String? = nil, description: String = "", declared: [Role: Style]) {
        self.name = name
        self.label = label ?? name
        self.description = description
        self.declared = declared
    }

    /// The style of `role`: a role the theme leaves out looks like `normal`; a role table that
    /// gives no `fg` or `bg` takes `normal`'s, so one `[normal]` background carries through a light theme.
    public func style(for role: Role) -> Style {
        let normal = declared[.normal] ?? Style()
        guard role != .normal else { return normal }
        guard let own = declared[role] else { return normal }
        return own
    }

    /// True when the theme names no colour at all: it is drawn with attributes only.
    public var isMonochrome: Bool {
        declared.values.allSatisfy { $0.fg == .terminalDefault && $0.bg == .terminalDefault }
    }

    /// The theme every fallback lands on; its text is built in, so it always loads.
    public static var builtinDefault: Theme {
        // The built-in text is covered by tests; a failure here would be a build defect, so fall
        // back to plain attributes rather than crash a counselor's session.
        (try? parse(BuiltinThemes.texts["default"] ?? "", name: "default", file: builtinPath("default")))
            ?? Theme(name: "default", declared: [:])
    }

    static let builtinOrder = ["default", "light", "high-contrast", "monochrome", "colorblind"]

    static func builtinPath(_ name: String) -> String { "Themes/\(name).toml (built in)" }

    /// The default folder for user themes: `$XDG_CONFIG_HOME/caseload/themes`, else `~/.config/caseload/themes`.
    public static func defaultUserDirectory(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/caseload/themes" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/caseload/themes" }
        return nil
    }

    /// Loads a theme by name: `<userDir>/<name>.toml` first (so a user file can override a built-in), then the built-ins.
    public static func load(name: String, userDir: String?) throws -> Theme {
        guard isValidName(name) else {
            throw ThemeError(file: name, line: 0, key: nil,
                             message: "'\(name)' is not a theme name (use letters, digits, '-', '_' or '.', no '/').")
        }
        if let dir = userDir {
            let path = dir.hasSuffix("/") ? dir + name + ".toml" : dir + "/" + name + ".toml"
            if access(path, F_OK) == 0 {
                let text = try readFile(path)
                return try parse(text, name: name, file: path)
            }
        }
        if let text = BuiltinThemes.texts[name] {
            return try parse(text, name: name, file: builtinPath(name))
        }
        let known = availableNames(userDir: userDir).joined(separator: ", ")
        throw ThemeError(file: name + ".toml", line: 0, key: nil,
                         message: "there is no theme named '\(name)'. Available themes: \(known).")
    }

    /// Built-in names (in a fixed order) followed by the user folder's `*.toml` names, without duplicates.
    public static func availableNames(userDir: String?) -> [String] {
        var names = builtinOrder.filter { BuiltinThemes.texts[$0] != nil }
        names += BuiltinThemes.texts.keys.filter { !names.contains($0) }.sorted()
        if let dir = userDir {
            var users: [String] = []
            if let d = (try? UserFiles.withRealIDs({ opendir(dir) })) ?? nil {
                defer { closedir(d) }
                while let entry = readdir(d) {
                    let fileName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                    }
                    guard fileName.hasSuffix(".toml") else { continue }
                    let stem = String(fileName.dropLast(5))
                    if isValidName(stem), !names.contains(stem) { users.append(stem) }
                }
            }
            names += users.sorted()
        }
        return names
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0)
        }
    }

    static func readFile(_ path: String) throws -> String {
        // Opened with the person's own rights (docs/deployment.md, "Files the program opens").
        let fd = UserFiles.openForReading(path)
        guard fd >= 0, let f = fdopen(fd, "rb") else {
            let reason = String(cString: strerror(errno))
            throw ThemeError(file: path, line: 0, key: nil, message: "cannot be read (\(reason)).")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n > 0 { bytes += chunk[0..<n] }
            if n < chunk.count { break }
            if bytes.count > 1 << 20 {
                throw ThemeError(file: path, line: 0, key: nil, message: "is larger than 1 MiB; a theme file is a few lines.")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ThemeError(file: path, line: 0, key: nil, message: "is not UTF-8 text.")
        }
        return text
    }
}
