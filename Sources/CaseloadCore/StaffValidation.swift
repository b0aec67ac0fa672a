// The checks a new staff account must pass, with sentences an administrator understands.

public enum StaffValidation {
    /// Staff usernames are OS logins (the SSH user), so they follow the portable login-name rules.
    public static func username(_ raw: String) throws -> String {
        let name = raw
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.value >= 0x61 && $0.value <= 0x7A) || ($0.value >= 0x41 && $0.value <= 0x5A)
                || ($0.value >= 0x30 && $0.value <= 0x39) || $0 == "." || $0 == "_" || $0 == "-"
        }
        guard !name.isEmpty, name.utf8.count <= 32, allowed, !name.hasPrefix("-") else {
            throw CaseloadError.invalidInput(
                "'\(printable(name))' is not a valid username. Use the person's login name on this computer: letters, digits, '.', '_' or '-', at most 32 characters.")
        }
        return name
    }

    /// A display name: any script (Zoë Ñúñez, 李), but no control characters and not blank.
    public static func displayName(_ raw: String) throws -> String {
        let name = raw.trimmingWhitespace()
        guard !name.isEmpty else {
            throw CaseloadError.invalidInput("The name is empty. Give the person's full name.")
        }
        guard !hasControlCharacters(name) else {
            throw CaseloadError.invalidInput("The name contains control characters; type it as plain text.")
        }
        guard name.count <= 100 else {
            throw CaseloadError.invalidInput("The name is \(name.count) characters long; at most 100 are allowed.")
        }
        return name
    }

    public static func credentials(_ raw: String) throws -> String {
        let text = raw.trimmingWhitespace()
        guard !hasControlCharacters(text) else {
            throw CaseloadError.invalidInput("The credentials contain control characters; type them as plain text (e.g. LADC, CADC-II).")
        }
        guard text.count <= 40 else {
            throw CaseloadError.invalidInput("The credentials are \(text.count) characters long; at most 40 are allowed.")
        }
        return text
    }

    public static func role(_ raw: String) throws -> StaffRole {
        guard let role = StaffRole(rawValue: raw.lowercased()) else {
            throw CaseloadError.invalidInput(
                "'\(printable(raw))' is not a role. Choose one of: counselor, facilitator, supervisor, admin.")
        }
        return role
    }

    public static func hasControlCharacters(_ text: String) -> Bool {
        // Bidirectional overrides can make a name display as something else; refuse them too.
        text.unicodeScalars.contains {
            $0.properties.generalCategory == .control || (0x202A...0x202E).contains($0.value)
                || (0x2066...0x2069).contains($0.value)
        }
    }

    /// Echoing bad input back must not itself send escape sequences to the terminal.
    public static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
