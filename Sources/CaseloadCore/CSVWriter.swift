// The one CSV writer of the program: every CSV file Caseload writes (reports, the audit trail) goes through
// it. RFC 4180 quoting, plus the two defences docs/case-management.md describes (Reports): control characters are replaced, and
// a cell a spreadsheet would read as a formula is neutralised (OWASP's guidance on CSV injection).

public enum CSVWriter {
    /// Characters that make a spreadsheet read a cell as a formula when they come first.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// One cell, ready to join with commas. Control characters other than the line feed (ESC, BEL, CR, tab …)
    /// and the bidirectional overrides become "?"; a cell starting with `=`, `+`, `-`, `@`, tab or carriage
    /// return gets a leading single quote, so a spreadsheet shows it as text instead of evaluating it; a cell
    /// holding a comma, quote or line break is quoted with its quotes doubled.
    public static func field(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        if let first = raw.unicodeScalars.first, formulaStarts.contains(first) { scalars.append("'") }
        for u in raw.unicodeScalars {
            if u == "\n" { scalars.append(u); continue }
            let unsafe = u.properties.generalCategory == .control || (0x202A...0x202E).contains(u.value)
                || (0x2066...0x2069).contains(u.value)
            scalars.append(unsafe ? "?" : u)
        }
        let s = String(scalars)
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record: the cells quoted as `field` does, joined with commas, ending with CR LF.
    public static func row(_ cells: [String]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }
}
