// The small TOML subset theme files use: comments, `[role]` tables, `key = "string" | integer | ["a", "b"]`.
// A general TOML library would accept files this parser rejects on purpose (unknown keys, roles,
// multi-line values), and the errors here name the file, line and key a person has to fix.
import CaseloadViewModels

extension Theme {
    /// Parses theme file text. `file` is what errors call the file (a path, or the built-in's name).
    public static func parse(_ text: String, name: String, file: String) throws -> Theme {
        var parser = ThemeParser(file: file)
        return try parser.parse(text, name: name)
    }
}

struct ThemeParser {
    let file: String

    private enum Value {
        case string(String)
        case integer(Int)
        case array([String])
    }

    private static let colourHelp =
        "use a name such as \"red\" or \"bright-blue\", \"default\", a number 0–255, or \"#rrggbb\""

    init(file: String) { self.file = file }

    private func fail(_ line: Int, _ key: String?, _ message: String) -> ThemeError {
        ThemeError(file: file, line: line, key: key, message: message)
    }

    mutating func parse(_ text: String, name: String) throws -> Theme {
        var label: String?
        var description = ""
        var styles: [Role: (fg: ThemeColor?, bg: ThemeColor?, attrs: ThemeAttributes)] = [:]
        var seenTables: [String: Int] = [:]
        var seenKeys: [String: Int] = [:]
        var currentRole: Role?
        var current: (fg: ThemeColor?, bg: ThemeColor?, attrs: ThemeAttributes) = (nil, nil, [])
        var currentHasTable = false

        func closeTable() {
            if let role = currentRole { styles[role] = current }
        }

        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // Split on "\n" only, so that a "\r\n" file keeps its line numbers; "\r" is trimmed below.
        // (Scalars, not Characters: "\r\n" is a single Character and would never split.)
        let lines = body.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let lineNo = index + 1
            var line = Array(rawLine)
            if line.last == "\r" { line.removeLast() }
            var pos = 0
            skipSpaces(line, &pos)
            if pos == line.count || line[pos] == "#" { continue }

            if line[pos] == "[" {
                pos += 1
                if pos < line.count, line[pos] == "[" {
                    throw fail(lineNo, nil, "arrays of tables ([[…]]) are not used in theme files; write [role].")
                }
                skipSpaces(line, &pos)
                let start = pos
                while pos < line.count, isBareKeyChar(line[pos]) { pos += 1 }
                let tableName = String(String.UnicodeScalarView(line[start..<pos]))
                skipSpaces(line, &pos)
                guard !tableName.isEmpty, pos < line.count, line[pos] == "]" else {
                    throw fail(lineNo, nil, "a table header must look like [selection].")
                }
                pos += 1
                try expectEnd(line, &pos, lineNo, "[\(tableName)]")
                if let first = seenTables[tableName] {
                    throw fail(lineNo, "[\(tableName)]", "this table appears twice (first on line \(first)).")
                }
                guard let role = Role(rawValue: tableName) else {
                    let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail(lineNo, "[\(tableName)]", "'\(tableName)' is not a role. Roles: \(known).")
                }
                closeTable()
                seenTables[tableName] = lineNo
                seenKeys = [:]
                currentRole = role
                current = (nil, nil, [])
                currentHasTable = true
                continue
            }

            let keyStart = pos
            while pos < line.count, isBareKeyChar(line[pos]) { pos += 1 }
            let key = String(String.UnicodeScalarView(line[keyStart..<pos]))
            guard !key.isEmpty else {
                throw fail(lineNo, nil, "expected a key such as fg = \"red\" or a table such as [selection].")
            }
            skipSpaces(line, &pos)
            guard pos < line.count, line[pos] == "=" else {
                throw fail(lineNo, key, "expected '=' after the key.")
            }
            pos += 1
            skipSpaces(line, &pos)
            let value = try parseValue(line, &pos, lineNo, key)
            try expectEnd(line, &pos, lineNo, key)

            if let first = seenKeys[key] {
                throw fail(lineNo, key, "this key is set twice (first on line \(first)).")
            }
            seenKeys[key] = lineNo

            if !currentHasTable {
                switch key {
                case "name":
                    guard case .string(let s) = value else { throw fail(lineNo, key, "must be a \"string\".") }
                    label = s
                case "description":
                    guard case .string(let s) = value else { throw fail(lineNo, key, "must be a \"string\".") }
                    description = s
                default:
                    throw fail(lineNo, key, "unknown key; before the first [role] table only name and description are allowed.")
                }
                continue
            }

            switch key {
            case "fg": current.fg = try colour(value, lineNo, key)
            case "bg": current.bg = try colour(value, lineNo, key)
            case "attrs": current.attrs = try attributes(value, lineNo, key)
            default:
                throw fail(lineNo, key, "unknown key; a role table takes fg, bg and attrs.")
            }
        }
        closeTable()
        // A role table that leaves out fg or bg takes normal's, whatever order the tables come in.
        let normal = styles[.normal]
        var resolved: [Role: Style] = [:]
        for (role, partial) in styles {
            resolved[role] = Style(fg: partial.fg ?? normal?.fg ?? .terminalDefault,
                                   bg: partial.bg ?? normal?.bg ?? .terminalDefault,
                                   attributes: partial.attrs)
        }
        return Theme(name: name, label: label, description: description, declared: resolved)
    }

    private func colour(_ value: Value, _ line: Int, _ key: String) throws -> ThemeColor {
        switch value {
        case .string(let s):
            guard let c = ThemeColor(name: s) else {
                throw fail(line, key, "'\(s)' is not a colour (\(Self.colourHelp)).")
            }
            return c
        case .integer(let n):
            guard (0...255).contains(n) else {
                throw fail(line, key, "\(n) is not a colour (\(Self.colourHelp)).")
            }
            return .index(n)
        case .array:
            throw fail(line, key, "a list is not a colour (\(Self.colourHelp)).")
        }
    }

    private func attributes(_ value: Value, _ line: Int, _ key: String) throws -> ThemeAttributes {
        let names = ThemeAttributes.byName.map(\.0).joined(separator: ", ")
        guard case .array(let items) = value else {
            throw fail(line, key, "must be a list such as [\"bold\", \"underline\"] (attributes: \(names)).")
        }
        var result: ThemeAttributes = []
        for item in items {
            guard let a = ThemeAttributes.byName.first(where: { $0.0 == item.lowercased() })?.1 else {
                throw fail(line, key, "'\(item)' is not an attribute (attributes: \(names)).")
            }
            result.insert(a)
        }
        return result
    }

    private func isBareKeyChar(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-")
    }

    private func skipSpaces(_ line: [Unicode.Scalar], _ pos: inout Int) {
        while pos < line.count, line[pos] == " " || line[pos] == "\t" { pos += 1 }
    }

    /// After a value or header only spaces and a comment may follow.
    private func expectEnd(_ line: [Unicode.Scalar], _ pos: inout Int, _ lineNo: Int, _ key: String) throws {
        skipSpaces(line, &pos)
        if pos < line.count, line[pos] != "#" {
            let rest = String(String.UnicodeScalarView(line[pos...]))
            throw fail(lineNo, key, "unexpected text '\(rest)' after the value (one setting per line).")
        }
    }

    private func parseValue(_ line: [Unicode.Scalar], _ pos: inout Int, _ lineNo: Int, _ key: String) throws -> Value {
        guard pos < line.count else { throw fail(lineNo, key, "the value is missing.") }
        let c = line[pos]
        if c == "\"" { return .string(try parseString(line, &pos, lineNo, key)) }
        if c == "[" {
            pos += 1
            var items: [String] = []
            while true {
                skipSpaces(line, &pos)
                guard pos < line.count else {
                    throw fail(lineNo, key, "the list is not closed with ']' on the same line.")
                }
                if line[pos] == "]" { pos += 1; break }
                guard line[pos] == "\"" else {
                    throw fail(lineNo, key, "list items must be \"strings\", e.g. [\"bold\", \"underline\"].")
                }
                items.append(try parseString(line, &pos, lineNo, key))
                skipSpaces(line, &pos)
                guard pos < line.count else {
                    throw fail(lineNo, key, "the list is not closed with ']' on the same line.")
                }
                if line[pos] == "," { pos += 1; continue }
                if line[pos] == "]" { pos += 1; break }
                throw fail(lineNo, key, "list items must be separated by commas.")
            }
            return .array(items)
        }
        if c == "-" || c == "+" || ("0"..."9").contains(c) {
            let start = pos
            pos += 1
            while pos < line.count, ("0"..."9").contains(line[pos]) || line[pos] == "_" { pos += 1 }
            let digits = String(String.UnicodeScalarView(line[start..<pos])).filter { $0 != "_" }
            guard let n = Int(digits) else {
                throw fail(lineNo, key, "'\(digits)' is not a number.")
            }
            return .integer(n)
        }
        if c == "'" {
            throw fail(lineNo, key, "use double quotes for strings (\"…\").")
        }
        var end = pos
        while end < line.count, line[end] != " ", line[end] != "#" { end += 1 }
        let word = String(String.UnicodeScalarView(line[pos..<end]))
        throw fail(lineNo, key, "'\(word)' must be written in double quotes (\"\(word)\"), or be a number or a [list].")
    }

    private func parseString(_ line: [Unicode.Scalar], _ pos: inout Int, _ lineNo: Int, _ key: String) throws -> String {
        pos += 1  // opening quote
        var out = String.UnicodeScalarView()
        while pos < line.count {
            let c = line[pos]
            pos += 1
            if c == "\"" { return String(out) }
            if c == "\\" {
                guard pos < line.count else { break }
                let e = line[pos]
                pos += 1
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "u", "U":
                    let count = e == "u" ? 4 : 8
                    guard pos + count <= line.count,
                          let v = UInt32(String(String.UnicodeScalarView(line[pos..<(pos + count)])), radix: 16),
                          let scalar = Unicode.Scalar(v) else {
                        throw fail(lineNo, key, "\\\(e) must be followed by \(count) hex digits of a Unicode character.")
                    }
                    out.append(scalar)
                    pos += count
                default:
                    throw fail(lineNo, key, "unknown escape '\\\(e)' in a string (use \\\" \\\\ \\n \\t \\uXXXX).")
                }
                continue
            }
            out.append(c)
        }
        throw fail(lineNo, key, "the string is not closed with '\"' on the same line.")
    }
}
