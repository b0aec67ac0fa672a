// Clinical safety flags (ProgramSettings.clinicalFlags: a safety alert, pregnancy, an allergy…) as every screen
// about one client shows them: first, in full, marked with "!" so they never depend on colour. Other text on the
// line is what a narrow terminal cuts.
public enum SafetyBanner {
    public static func spans(_ flags: [String]) -> [Span] {
        var out: [Span] = []
        for (i, f) in flags.enumerated() {
            if i > 0 { out.append(Span(" ")) }
            out.append(Span("! \(f)", .overdue))
        }
        return out
    }

    /// `line` after the flags (and a separator); `line` unchanged when there are none.
    public static func prefixed(_ line: StyledLine, flags: [String]) -> StyledLine {
        guard !flags.isEmpty else { return line }
        return StyledLine(spans(flags) + [Span(" · ")] + line.spans)
    }
}
