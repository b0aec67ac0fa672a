// A treatment plan as a document a client can read and sign on paper (`caseload plan print`,
// and the same from the TUI): plain text wrapped to a width in terminal columns, or Markdown.
import Foundation

public enum PlanDocument {
    public enum Format: String, CaseIterable, Sendable {
        case text, markdown
    }

    /// The whole plan: who and when, the client's words, every problem / goal / objective /
    /// intervention, the signatures already given, and blank lines for those still to sign.
    /// `supervisorSignature`: the program (or the counselor's status) asks for a co-signature.
    public static func render(_ tree: PlanTree, summary: ChartSummary, programName: String, format: Format,
                              width: Int = 78, supervisorSignature: Bool = false) -> String {
        let doc = Content(tree: tree, summary: summary, programName: programName, supervisorSignature: supervisorSignature)
        switch format {
        case .text: return doc.text(width: max(24, width))
        case .markdown: return doc.markdown()
        }
    }

    /// "once a week", "2 times a week", "3 times a month".
    public static func frequency(_ times: Int, _ period: FrequencyPeriod) -> String {
        times == 1 ? "once a \(period.label)" : "\(times) times a \(period.label)"
    }

    // MARK: - What the document says, in order

    private struct Content {
        var tree: PlanTree
        var summary: ChartSummary
        var programName: String
        var supervisorSignature: Bool

        var client: Client { summary.client }
        var plan: TreatmentPlan { tree.plan }

        var facts: [(String, String)] {
            var rows: [(String, String)] = [
                ("Client", client.displayName),
                ("MRN", client.mrn),
                ("Date of birth", client.dateOfBirth.description),
                ("Plan", "Version \(plan.version), \(plan.status.label.lowercased())"),
                ("Effective", plan.effectiveDate.description),
                ("Next review", plan.nextReviewDate.description),
            ]
            if let c = summary.counselorName, !c.isEmpty { rows.append(("Counselor", c)) }
            return rows
        }

        /// Roles that must sign and have not yet: client, counselor, and supervisor when asked for.
        var missingSigners: [(role: SignatureRole, name: String?)] {
            var roles: [(SignatureRole, String?)] = [(.client, "\(client.legalFirstName) \(client.legalLastName)"),
                                                      (.counselor, summary.counselorName)]
            if supervisorSignature { roles.append((.supervisor, nil)) }
            return roles.filter { r in !tree.signatures.contains { $0.role == r.0 } }
        }

        static func goalFacts(_ g: Goal) -> String {
            var parts = [g.kind.label]
            if let t = g.targetDate { parts.append("target \(t)") }
            parts.append(g.status.label.lowercased())
            return parts.joined(separator: ", ")
        }

        static func objectiveFacts(_ o: Objective) -> String {
            var parts: [String] = []
            if let t = o.targetDate { parts.append("target \(t)") }
            parts.append(o.status.label.lowercased())
            return parts.joined(separator: ", ")
        }

        static func intervention(_ i: PlanTree.InterventionNode) -> String {
            var s = "\(i.modality), \(PlanDocument.frequency(i.intervention.timesPerPeriod, i.intervention.period))"
            if let r = i.responsibleName, !r.isEmpty { s += "; responsible: \(r)" }
            if !i.intervention.detail.isEmpty { s += " (\(i.intervention.detail))" }
            return s
        }

        static func stamp(_ date: Date) -> String {
            let (day, minute) = SystemClock.localParts(date)
            return "\(day) \(formatClockTime(minute))"
        }

        // MARK: Text

        func text(width: Int) -> String {
            var out: [String] = []
            func para(_ s: String, indent: Int = 0, hanging: Int? = nil) {
                out += DocumentText.wrap(s, width: width, indent: indent, hanging: hanging ?? indent)
            }
            func heading(_ s: String) {
                out.append("")
                let lines = DocumentText.wrap(s, width: width, indent: 0, hanging: 0)
                out += lines
                out.append(String(repeating: "-", count: lines.map { DocumentText.width($0) }.max() ?? 0))
            }
            para(programName)
            para("TREATMENT PLAN")
            out.append(String(repeating: "=", count: min(width, 14)))
            out.append("")
            let labelWidth = (facts.map { DocumentText.width($0.0) }.max() ?? 0) + 2
            for (label, value) in facts {
                // Aligned values: the wrap collapses runs of spaces, so the label replaces the indent.
                var lines = DocumentText.wrap(value, width: width, indent: labelWidth, hanging: labelWidth)
                lines[0] = label + ":" + String(repeating: " ", count: labelWidth - DocumentText.width(label) - 1)
                    + lines[0].dropFirst(labelWidth)
                out += lines
            }
            if let note = plan.reviewNote, !note.isEmpty {
                out.append("")
                para("Review note: " + note, hanging: 2)
            }
            if !plan.clientWords.isEmpty {
                heading("In the client's own words")
                para("\u{201C}\(plan.clientWords)\u{201D}", indent: 2)
            }
            if tree.problems.isEmpty {
                out.append("")
                para("This plan has no problems yet.")
            }
            for (pi, p) in tree.problems.enumerated() {
                let n = "\(pi + 1)"
                heading("Problem \(n): " + p.problem.statement)
                if !p.problem.clientWords.isEmpty {
                    para("In the client's words: \u{201C}\(p.problem.clientWords)\u{201D}", indent: 2, hanging: 4)
                }
                for (gi, g) in p.goals.enumerated() {
                    let gn = "\(n).\(gi + 1)"
                    out.append("")
                    para("Goal \(gn) (\(Self.goalFacts(g.goal))):", indent: 2, hanging: 4)
                    para(g.goal.statement, indent: 4)
                    for (oi, o) in g.objectives.enumerated() {
                        para("Objective \(gn).\(oi + 1) (\(Self.objectiveFacts(o.objective))):", indent: 4, hanging: 6)
                        para(o.objective.statement, indent: 6)
                        for i in o.interventions {
                            para("- " + Self.intervention(i), indent: 6, hanging: 8)
                        }
                    }
                }
            }
            heading("Signatures")
            if tree.signatures.isEmpty { para("Not signed yet.") }
            for s in tree.signatures {
                para("\(s.role.label): \(s.signerName), signed \(Self.stamp(s.signedAt))", hanging: 2)
            }
            for (role, name) in missingSigners {
                out.append("")
                out.append("")
                let dateField = "Date: ____________"
                let label = "\(role.label): "
                let line = width - DocumentText.width(label) - DocumentText.width(dateField) - 3
                if line >= 10 {
                    out.append(label + String(repeating: "_", count: line) + "   " + dateField)
                } else {
                    // Too narrow for both on one line: the date goes below the name.
                    out.append(label + String(repeating: "_", count: max(4, width - DocumentText.width(label))))
                    out.append(String(repeating: " ", count: DocumentText.width(label)) + dateField)
                }
                if let name, !name.isEmpty {
                    para(name, indent: DocumentText.width(label))
                }
            }
            return out.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
                .joined(separator: "\n") + "\n"
        }

        // MARK: Markdown

        func markdown() -> String {
            let md = DocumentText.markdown
            var out: [String] = []
            out.append("# Treatment plan: \(md(client.displayName))")
            out.append("")
            out.append("\(md(programName))")
            out.append("")
            for (label, value) in facts { out.append("- **\(label):** \(md(value))") }
            if let note = plan.reviewNote, !note.isEmpty {
                out.append("")
                out.append("**Review note:** \(md(note))")
            }
            if !plan.clientWords.isEmpty {
                out.append("")
                out.append("## In the client's own words")
                out.append("")
                out.append("> \(md(plan.clientWords))")
            }
            for (pi, p) in tree.problems.enumerated() {
                let n = "\(pi + 1)"
                out.append("")
                out.append("## Problem \(n): \(md(p.problem.statement))")
                out.append("")
                if !p.problem.clientWords.isEmpty {
                    out.append("*In the client's words:* \u{201C}\(md(p.problem.clientWords))\u{201D}")
                    out.append("")
                }
                for (gi, g) in p.goals.enumerated() {
                    let gn = "\(n).\(gi + 1)"
                    out.append("- **Goal \(gn)** (\(Self.goalFacts(g.goal))): \(md(g.goal.statement))")
                    for (oi, o) in g.objectives.enumerated() {
                        out.append("  - **Objective \(gn).\(oi + 1)** (\(Self.objectiveFacts(o.objective))): "
                                   + md(o.objective.statement))
                        for i in o.interventions { out.append("    - \(md(Self.intervention(i)))") }
                    }
                }
                if p.goals.isEmpty { out.append("- No goals yet.") }
            }
            out.append("")
            out.append("## Signatures")
            out.append("")
            if tree.signatures.isEmpty { out.append("Not signed yet.") }
            for s in tree.signatures {
                out.append("- \(s.role.label): \(md(s.signerName)), signed \(Self.stamp(s.signedAt))")
            }
            for (role, name) in missingSigners {
                out.append("")
                out.append("\(role.label): ______________________________ Date: ____________  ")
                if let name, !name.isEmpty { out.append(md(name)) }
            }
            return out.joined(separator: "\n") + "\n"
        }
    }
}

/// Column widths and word wrap for the printed plan: the rules of the view-models'
/// DisplayWidth (wide CJK takes 2 columns, combining marks 0), kept here because Core
/// cannot import the view-models.
enum DocumentText {
    /// Control and direction-override characters from stored text never reach the output.
    static func clean(_ s: String) -> String {
        String(s.map { g -> Character in
            guard let v = g.unicodeScalars.first?.value else { return g }
            if g == "\t" { return " " }
            if v < 0x20 || (v >= 0x7F && v < 0xA0) || v == 0x2028 || v == 0x2029
                || g.unicodeScalars.contains(where: { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }) {
                return "\u{FFFD}"
            }
            return g
        })
    }

    static func width(_ g: Character) -> Int {
        if g.asciiValue != nil { return 1 }
        guard let first = g.unicodeScalars.first?.value else { return 0 }
        if isZeroWidth(first) { return 0 }
        if g.unicodeScalars.count > 1, g.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return isWide(first) ? 2 : 1
    }

    static func width(_ s: String) -> Int { s.reduce(0) { $0 + width($1) } }

    static func isZeroWidth(_ v: UInt32) -> Bool {
        (0x0300...0x036F).contains(v) || (0x1AB0...0x1AFF).contains(v) || (0x1DC0...0x1DFF).contains(v)
            || (0x20D0...0x20FF).contains(v) || (0xFE20...0xFE2F).contains(v)
            || v == 0x200B || v == 0x200C || v == 0x200D || v == 0x2060 || v == 0xFEFF || (0xFE00...0xFE0F).contains(v)
    }

    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF,
        0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF,
        0x1F7E0...0x1F7F0, 0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        var lo = 0, hi = wideRanges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = wideRanges[mid]
            if v < r.lowerBound { hi = mid - 1 } else if v > r.upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }

    /// Lines of at most `width` columns: the first indented by `indent`, the rest by `hanging`.
    /// Breaks at spaces; a word wider than the line, or text without spaces such as Chinese,
    /// breaks between characters (never inside a character or before a combining mark).
    static func wrap(_ text: String, width: Int, indent: Int, hanging: Int) -> [String] {
        var lines: [String] = []
        var firstOfAll = true
        for paragraph in clean(text.replacingOccurrences(of: "\r\n", with: "\n")).split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(repeating: " ", count: firstOfAll ? indent : hanging)
            var lineWidth = firstOfAll ? indent : hanging
            var lineHasText = false
            firstOfAll = false
            func newLine() {
                lines.append(line)
                line = String(repeating: " ", count: hanging); lineWidth = hanging; lineHasText = false
            }
            let available = max(1, width - hanging)
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                let w = DocumentText.width(String(word))
                let needed = (lineHasText ? 1 : 0) + w
                if lineWidth + needed <= width {
                    if lineHasText { line += " " }
                    line += word; lineWidth += needed; lineHasText = true
                    continue
                }
                let hasWide = word.contains { DocumentText.width($0) == 2 }
                if w <= available && !hasWide {
                    newLine()
                    line += word; lineWidth += w; lineHasText = true
                    continue
                }
                // Fill the rest of this line character by character.
                if lineHasText {
                    if lineWidth + 2 <= width { line += " "; lineWidth += 1 } else { newLine() }
                }
                for g in word {
                    let gw = DocumentText.width(g)
                    if lineWidth + gw > width && lineWidth > hanging { newLine() }
                    line.append(g); lineWidth += gw; lineHasText = true
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// Stored text as literal Markdown (no accidental emphasis, links or headings).
    static func markdown(_ s: String) -> String {
        var out = ""
        for g in clean(s).replacingOccurrences(of: "\n", with: " ") {
            if "\\`*_[]<>#|".contains(g) { out.append("\\") }
            out.append(g)
        }
        return out
    }
}
