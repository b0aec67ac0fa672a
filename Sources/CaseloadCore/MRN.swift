// Chart numbers (MRNs): letters, digits, "-" and ".", starting with a letter or digit, case-insensitive
// ("d-2" is the chart D-2). Every MRN a person types is normalised to upper case before it is looked up or
// stored, and the store keeps them unique regardless of case (docs/case-management.md).

public enum MRN {
    /// The longest chart number the roster import accepts.
    public static let maxLength = 20

    /// The chart number as Caseload keeps it: trimmed, ASCII letters in upper case.
    public static func normalized(_ typed: String) -> String {
        String(String.UnicodeScalarView(typed.trimmingWhitespace().unicodeScalars.map { u in
            ("a"..."z").contains(u) ? Unicode.Scalar(u.value - 32)! : u
        }))
    }

    /// Why `mrn` (already normalised) is not a chart number, as the end of a sentence, or nil when it is one.
    public static func problem(_ mrn: String) -> String? {
        guard let first = mrn.unicodeScalars.first else { return "the chart number is missing" }
        let allowed = mrn.unicodeScalars.allSatisfy { u in
            ("A"..."Z").contains(u) || ("0"..."9").contains(u) || u == "-" || u == "."
        }
        if !allowed || !(("A"..."Z").contains(first) || ("0"..."9").contains(first)) {
            return "a chart number is letters, digits, '-' and '.', starting with a letter or digit"
        }
        if mrn.count > maxLength { return "a chart number is at most \(maxLength) characters" }
        return nil
    }
}
