// The contents of each chart tab as styled lines (and the notes table), built from loaded data.
import CaseloadCore

enum ChartContent {
    static let labelWidth = 20

    static func labelled(_ label: String, _ value: String, width: Int, role: Role = .normal) -> [StyledLine] {
        TextWrap.wrap(value.isEmpty ? "—" : value, width: width,
                      prefix: "  " + DisplayWidth.pad(label, to: labelWidth - 2), role: role, prefixRole: .dim)
    }

    static func heading(_ text: String) -> StyledLine { StyledLine(text, .header) }

    static func reviewNote(_ d: Day?, today: Day, soonDays: Int) -> (String, Role) {
        guard let d else { return ("no plan", .warning) }
        if d < today { return ("\(d)  ! overdue by \(Format.plural(d.days(until: today), "day"))", .overdue) }
        let left = today.days(until: d)
        if left <= soonDays { return ("\(d)  ~ due in \(Format.plural(left, "day"))", .dueSoon) }
        return (d.description, .normal)
    }

    /// Lines for the text tabs (every tab but Notes).
    static func lines(_ state: ChartState, width: Int) -> [StyledLine] {
        switch state.tab {
        case .summary: return summaryLines(state, width: width)
        case .notes: return []
        default:
            guard let d = state.data[state.tab] else { return [] }
            switch d {
            case .plan(let tree, let versions):
                return planLines(tree, versions: versions, state: state, width: width)
            case .groups(let m, let a): return groupLines(m, a, width: width)
            // Drawn by CaseTabs (a selectable list with its add / edit form), not as text.
            case .screens, .referrals, .contacts: return []
            case .consents(let c): return consentLines(c, today: state.today, width: width)
            case .activity(let a): return activityLines(a, utcOffset: state.utcOffset, width: width)
            case .notes: return []
            }
        }
    }

    static let groupPartSentence =
        "You see the group part of this chart: you facilitate a group this client attends. The rest belongs to the client's counselor and their supervisor."

    /// A tab of a chart the person sees only the group part of.
    static func withheldLines(_ tab: ChartTab, width: Int) -> [StyledLine] {
        var out: [StyledLine] = [heading("\(tab.title): not in your view")]
        out += TextWrap.wrap(groupPartSentence, width: width, prefix: "  ", role: .dim, prefixRole: .dim)
        out.append(StyledLine())
        out += TextWrap.wrap("The Groups tab (4) shows this client's attendance in your groups.", width: width,
                             prefix: "  ", role: .normal, prefixRole: .normal)
        return out
    }

    static func summaryLines(_ state: ChartState, width: Int) -> [StyledLine] {
        let c = state.summary.client, today = state.today
        if !state.summary.access.isFull {
            var out: [StyledLine] = [heading("Client")]
            out += labelled("Name", "\(c.legalLastName), \(c.legalFirstName)", width: width)
            out += labelled("Preferred name", c.preferredName ?? "", width: width)
            out += labelled("Pronouns", c.pronouns ?? "", width: width)
            out += labelled("Status", c.status.label, width: width, role: c.status == .active ? .normal : .warning)
            out += labelled("Counselor", state.summary.counselorName ?? "none assigned", width: width)
            out.append(StyledLine())
            out.append(heading("Group part only"))
            out += TextWrap.wrap(groupPartSentence, width: width, prefix: "  ", role: .dim, prefixRole: .dim)
            return out
        }
        var out: [StyledLine] = [heading("Client")]
        out += labelled("Legal name", "\(c.legalLastName), \(c.legalFirstName)", width: width)
        out += labelled("Preferred name", c.preferredName ?? "", width: width)
        out += labelled("Pronouns", c.pronouns ?? "", width: width)
        out += labelled("Date of birth", "\(c.dateOfBirth) (age \(c.dateOfBirth.age(on: today)))", width: width)
        out += labelled("Phone", c.phone ?? "", width: width)
        out.append(StyledLine())
        out.append(heading("Program"))
        out += labelled("Status", c.status.label, width: width, role: c.status == .active ? .normal : .warning)
        let daysIn = c.admissionDate.days(until: c.dischargeDate ?? today)
        out += labelled("Admitted", "\(c.admissionDate) (\(Format.plural(daysIn, "day")) in treatment)", width: width)
        if let d = c.dischargeDate {
            out += labelled("Discharged", "\(d)" + (c.dischargeReason.map { ": \($0)" } ?? ""), width: width)
        }
        out += labelled("Phase", c.phase, width: width)
        out += labelled("Counselor", state.summary.counselorName ?? "none assigned", width: width)
        out += labelled("Last contact", Format.date(state.summary.lastContact), width: width)
        let (review, role) = reviewNote(state.summary.nextPlanReview, today: today,
                                        soonDays: state.settings.planDueWarningDays)
        out += labelled("Next plan review", review, width: width, role: role)
        out.append(StyledLine())
        out.append(heading("Medication (read-only: the medical staff set it)"))
        out += labelled("Medication", "\(c.medication.label) \(Format.dose(c.doseMg)) mg", width: width)
        out += labelled("Take-home", Format.takeHome(c.takeHomeLevel), width: width)
        out.append(StyledLine())
        out.append(heading("Flags"))
        if c.flags.isEmpty { out.append(StyledLine("  none", .dim)) }
        for f in c.flags { out += TextWrap.wrap(f, width: width, prefix: "  ! ", role: .flag, prefixRole: .flag) }
        out.append(StyledLine())
        out.append(heading("Emergency contact"))
        if let e = c.emergencyContact {
            out += labelled("Name", e.name, width: width)
            out += labelled("Relationship", e.relationship, width: width)
            out += labelled("Phone", e.phone, width: width)
        } else {
            out.append(StyledLine("  none on file", .dim))
        }
        return out
    }

    static func planLines(_ tree: PlanTree?, versions: [TreatmentPlan], state: ChartState, width: Int) -> [StyledLine] {
        guard let tree else {
            return [StyledLine("No treatment plan yet. Plans are written with the plan editor.", .dim)]
        }
        let p = tree.plan
        var out: [StyledLine] = []
        let statusRole: Role = p.status == .signed ? .ok : .warning
        out.append(StyledLine([Span("Plan version \(p.version)", .header), Span(" · "), Span(p.status.label, statusRole),
                               Span(" · effective \(p.effectiveDate)")]))
        let (review, role) = reviewNote(p.nextReviewDate, today: state.today, soonDays: state.settings.planDueWarningDays)
        out += TextWrap.wrap(review, width: width, prefix: "Next review: ", role: role, prefixRole: .dim)
        if !p.clientWords.isEmpty {
            out += TextWrap.wrap("“\(p.clientWords)”", width: width, prefix: "In the client's words: ", prefixRole: .dim)
        }
        if let r = p.reviewNote, !r.isEmpty { out += TextWrap.wrap(r, width: width, prefix: "Review: ", prefixRole: .dim) }
        if tree.signatures.isEmpty {
            out.append(StyledLine("Signatures: none yet", .warning))
        } else {
            out.append(StyledLine("Signatures:", .dim))
            for s in tree.signatures {
                out += TextWrap.wrap("\(s.signerName), \(Format.timestamp(s.signedAt, utcOffset: state.utcOffset))",
                                     width: width, prefix: "  [x] \(s.role.label): ", prefixRole: .ok)
            }
        }
        for (pi, problem) in tree.problems.enumerated() {
            out.append(StyledLine())
            out += TextWrap.wrap(problem.problem.statement, width: width, prefix: "Problem \(pi + 1): ", role: .header,
                                 prefixRole: .header)
            if !problem.problem.clientWords.isEmpty {
                out += TextWrap.wrap("“\(problem.problem.clientWords)”", width: width, prefix: "  Client: ",
                                     prefixRole: .dim)
            }
            for (gi, g) in problem.goals.enumerated() {
                let gid = "\(pi + 1).\(gi + 1)"
                var facts = [g.goal.kind.label]
                if let t = g.goal.targetDate { facts.append("target \(t)") }
                facts.append(g.goal.status.label)
                out += TextWrap.wrap("\(g.goal.statement) [\(facts.joined(separator: ", "))]", width: width,
                                     prefix: "  Goal \(gid): ", role: g.goal.status == .met ? .ok : .normal)
                for (oi, o) in g.objectives.enumerated() {
                    var of = [o.objective.status.label]
                    if let t = o.objective.targetDate {
                        of.append("target \(t)")
                        if t < state.today, o.objective.status == .notStarted || o.objective.status == .inProgress {
                            of.append("! past target")
                        }
                    }
                    let late = of.contains("! past target")
                    out += TextWrap.wrap("\(o.objective.statement) [\(of.joined(separator: ", "))]", width: width,
                                         prefix: "    Objective \(gid).\(oi + 1): ",
                                         role: late ? .overdue : (o.objective.status == .met ? .ok : .normal))
                    for i in o.interventions {
                        var text = "\(i.modality) \(i.intervention.frequencyLabel)"
                        text += " · " + (i.responsibleName ?? "no one responsible yet")
                        if !i.intervention.detail.isEmpty { text += " — " + i.intervention.detail }
                        out += TextWrap.wrap(text, width: width, prefix: "      • ")
                    }
                }
            }
        }
        let others = versions.filter { $0.id != p.id }
        if !others.isEmpty {
            out.append(StyledLine())
            out.append(heading("Other versions"))
            for v in others.sorted(by: { $0.version > $1.version }) {
                out.append(StyledLine("  v\(v.version) \(v.status.label), effective \(v.effectiveDate)", .dim))
            }
        }
        return out
    }

    static func groupLines(_ memberships: [GroupMembershipRow], _ history: [AttendanceHistoryRow],
                           width: Int) -> [StyledLine] {
        var out: [StyledLine] = [heading("Group memberships")]
        if memberships.isEmpty { out.append(StyledLine("  not a member of any group", .dim)) }
        for m in memberships {
            let period = "joined \(m.joinedOn)" + (m.leftOn.map { ", left \($0)" } ?? ", current member")
            out += TextWrap.wrap("\(m.groupName) · \(m.modality) · \(m.schedule)", width: width, prefix: "  ")
            out += TextWrap.wrap("\(period) · attended \(m.attended) of \(m.held) held", width: width,
                                 prefix: "    ", role: .dim)
        }
        out.append(StyledLine())
        out.append(heading("Attendance, newest first"))
        if history.isEmpty { out.append(StyledLine("  no group sessions yet", .dim)) }
        for h in history {
            let role: Role = h.status.attended ? .present : (h.status == .absent ? .absent : .warning)
            var text = "\(h.date) \(h.groupName)"
            if !h.topic.isEmpty { text += ": \(h.topic)" }
            text += " · \(h.status.label)" + (h.status.attended ? ", \(h.minutes) min" : "")
            let lines = TextWrap.wrap(text, width: width - 6)
            for (i, l) in lines.enumerated() {
                out.append(StyledLine([Span(i == 0 ? "  [\(h.status.marker)] " : "      ", i == 0 ? role : .normal),
                                       Span(l)]))
            }
            if !h.line.isEmpty { out += TextWrap.wrap(h.line, width: width, prefix: "      ", role: .dim) }
        }
        return out
    }

    static func consentLines(_ consents: [Consent], today: Day, width: Int) -> [StyledLine] {
        var out: [StyledLine] = [heading("Consents to disclose (42 CFR Part 2)")]
        if consents.isEmpty { out.append(StyledLine("  no consents on file", .dim)) }
        for c in consents.sorted(by: { $0.signedOn > $1.signedOn }) {
            let state: (String, Role)
            if let r = c.revokedOn, r <= today { state = ("[revoked \(r)]", .warning) }
            else if let e = c.expiresOn, e < today { state = ("[expired \(e)]", .dim) }
            else if c.isActive(on: today) { state = ("[active]", .ok) }
            else { state = ("[not yet in force]", .dim) }
            out.append(StyledLine([Span("  "), Span(state.0, state.1), Span(" to \(c.recipient)")]))
            out += TextWrap.wrap("Purpose: \(c.purpose)", width: width, prefix: "    ")
            out += TextWrap.wrap("Covers: \(c.informationCovered)", width: width, prefix: "    ")
            var until = "signed \(c.signedOn)" + (c.signedBy == Consent.signedByPatient ? "" : " by \(c.signedBy)")
            if let e = c.expiresOn { until += ", expires \(e)" }
            if let ev = c.expirationEvent, !ev.isEmpty { until += ", or on: \(ev)" }
            out += TextWrap.wrap(until, width: width, prefix: "    ", role: .dim)
        }
        return out
    }

    static func activityLines(_ rows: [ActivityRow], utcOffset: Int, width: Int) -> [StyledLine] {
        var out: [StyledLine] = [heading("Activity on this chart, newest first")]
        if rows.isEmpty { out.append(StyledLine("  no recorded activity", .dim)) }
        for r in rows {
            var text = "\(r.username) \(r.action.label.lowercased()) \(r.subject)"
            if !r.detail.isEmpty { text += ": \(r.detail)" }
            out += TextWrap.wrap(text, width: width, prefix: "  \(Format.timestamp(r.at, utcOffset: utcOffset))  ",
                                 prefixRole: .dim)
        }
        return out
    }

    // MARK: Notes

    static let noteColumns: [TableColumn] = [
        TableColumn("Date", width: 10),
        TableColumn("Time", width: 5),
        TableColumn("Format", width: 10, priority: 40),
        TableColumn("Tmpl", width: 4, priority: 50),
        TableColumn("Modality", width: 14, priority: 35),
        TableColumn("Staff", width: 12, priority: 30),
        TableColumn("Status", width: 6),
        TableColumn("First line", width: 22, flexible: true),
    ]

    static func drawNotes(_ state: ChartState, into buffer: inout ScreenBuffer, area: Rect) {
        let notes = state.notes
        if state.notesEntries.isEmpty {
            buffer.put("No notes for this client yet.", x: area.x + 1, y: area.y, role: .dim)
            buffer.cursor = Point(x: area.x + 1, y: area.y)
            return
        }
        let layout = TableLayout.make(noteColumns, width: area.width)
        var titles = noteColumns.map(\.title)
        titles[0] = "Date▼"
        TableView.draw(into: &buffer, x: area.x, y: area.y, width: area.width, height: area.height,
                       columns: noteColumns, layout: layout, headerTitles: titles, cursor: state.notesCursor) { row, col in
            if case .group(let gi) = state.notesEntries[row] {
                // A group session the client was on: "Group: <name> [P] line".
                let g = state.groupAttendance[gi]
                switch col {
                case 0: return StyledLine(g.date.description)
                case 2: return StyledLine("Group")
                case 3: return StyledLine("[\(g.status.marker)]", SheetScreen.markRole(g.status))
                case 4: return StyledLine(g.groupName)
                case 7: return StyledLine(g.line.isEmpty ? g.topic : g.line)
                default: return StyledLine("")
                }
            }
            guard case .note(let ni) = state.notesEntries[row] else { return StyledLine("") }
            let n = notes[ni]
            switch col {
            case 0: return StyledLine(n.date.description)
            case 1: return StyledLine(formatClockTime(n.startMinute), .dim)
            case 2: return StyledLine(n.format.label, n.format == .noShow ? .warning : .normal)
            case 3: return StyledLine(n.template.label, .dim)
            case 4: return StyledLine(n.modality)
            case 5: return StyledLine(n.staffName, .dim)
            case 6: return StyledLine(n.status.label, n.status == .signed ? .ok : .warning)
            default: return StyledLine(n.firstLine.split(whereSeparator: \.isNewline).first.map(String.init) ?? "")
            }
        }
    }

    static func noteLines(_ d: NoteDetail, width: Int, utcOffset: Int) -> [StyledLine] {
        let n = d.note
        var out: [StyledLine] = []
        out += TextWrap.wrap("\(d.modality) · \(n.format.label) · \(n.template.label)", width: width,
                             prefix: "", role: .header)
        out.append(StyledLine("\(n.date) \(formatClockTime(n.startMinute)), \(n.minutes) min, "
                              + Format.plural(n.billingUnits, "billing unit"), .dim))
        var who: [Span] = [Span("Written by \(d.staffName) · ")]
        if n.status == .signed {
            let at = n.signedAt.map { " on " + Format.timestamp($0, utcOffset: utcOffset) } ?? ""
            who.append(Span("[x] Signed by \(d.signedByName ?? d.staffName)\(at)", .ok))
        } else {
            who.append(Span("[ ] Draft, not signed", .warning))
        }
        out += wrapSpans(who, width: width)
        if let c = d.cosignedByName {
            let at = n.cosignedAt.map { " on " + Format.timestamp($0, utcOffset: utcOffset) } ?? ""
            out += TextWrap.wrap("[x] Co-signed by \(c)\(at)", width: width, prefix: "", role: .ok)
        }
        if !d.linkedGoals.isEmpty {
            out.append(StyledLine("Goals addressed:", .dim))
            for g in d.linkedGoals { out += TextWrap.wrap(g, width: width, prefix: "  • ") }
        }
        for (i, name) in n.template.sections.enumerated() {
            out.append(StyledLine())
            out.append(heading(name))
            let text = n.sections[safe: i] ?? ""
            out += text.isEmpty ? [StyledLine("  (empty)", .dim)] : TextWrap.wrap(text, width: width, prefix: "  ")
        }
        // Text kept beyond the template's sections (from a template with more of them).
        for extra in n.sections.dropFirst(n.template.sections.count) where !extra.isEmpty {
            out.append(StyledLine())
            out.append(heading("More"))
            out += TextWrap.wrap(extra, width: width, prefix: "  ")
        }
        // Corrections after signing, dated, in the order they were added; the note above never changes.
        for a in d.addenda {
            out.append(StyledLine())
            out += TextWrap.wrap("Addendum, \(Format.timestamp(a.at, utcOffset: utcOffset)), \(a.staffName)", width: width,
                                 prefix: "", role: .header)
            out += TextWrap.wrap(a.text, width: width, prefix: "  ")
        }
        return out
    }

    /// Word-wraps spans as one paragraph, each word keeping its span's role; continuation lines
    /// start `indent` columns in, so a record's later lines hang under its first.
    static func wrapSpans(_ spans: [Span], width: Int, prefix: String = "", indent: Int = 0) -> [StyledLine] {
        var words: [(text: String, role: Role, spaceBefore: Bool)] = []
        var pendingSpace = false
        for span in spans {
            for (i, part) in span.text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
                if i > 0 { pendingSpace = true }
                if part.isEmpty { continue }
                words.append((String(part), span.role, pendingSpace && !words.isEmpty))
                pendingSpace = false
            }
        }
        let pad = String(repeating: " ", count: indent)
        let start = DisplayWidth.of(prefix)
        var out: [StyledLine] = []
        var line: [Span] = prefix.isEmpty ? [] : [Span(prefix)]
        var used = start, lineStart = start
        for word in words {
            // A word wider than a whole line is split so nothing runs off the edge.
            let pieces = TextWrap.wrap(word.text, width: max(1, width - indent))
            for (k, piece) in pieces.enumerated() {
                let w = DisplayWidth.of(piece)
                let gap = (k == 0 && word.spaceBefore && used > lineStart) ? 1 : 0
                if used > lineStart && used + gap + w > width {
                    out.append(StyledLine(line))
                    line = [Span(pad)]; used = indent; lineStart = indent
                } else if gap == 1 {
                    line.append(Span(" ")); used += 1
                }
                line.append(Span(piece, word.role)); used += w
            }
        }
        if used > lineStart || out.isEmpty { out.append(StyledLine(line)) }
        return out
    }
}
