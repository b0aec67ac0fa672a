// The progress-note editor: session facts, goal links and one text field per template section.
import Foundation
import CaseloadCore

/// A goal or objective of the current plan the note may address, as the link list shows it.
public struct NoteLinkOption: Hashable, Sendable {
    public var link: NoteLink
    public var label: String
    public init(link: NoteLink, label: String) { self.link = link; self.label = label }

    /// Every goal and objective of the plan, numbered as the Plan tab numbers them.
    public static func options(_ tree: PlanTree?) -> [NoteLinkOption] {
        guard let tree else { return [] }
        var out: [NoteLinkOption] = []
        for (pi, p) in tree.problems.enumerated() {
            for (gi, g) in p.goals.enumerated() {
                let gid = "\(pi + 1).\(gi + 1)"
                if let id = g.goal.id { out.append(NoteLinkOption(link: NoteLink(goalID: id), label: "Goal \(gid): \(g.goal.statement)")) }
                for (oi, o) in g.objectives.enumerated() {
                    guard let id = o.objective.id else { continue }
                    out.append(NoteLinkOption(link: NoteLink(objectiveID: id),
                                              label: "  Objective \(gid).\(oi + 1): \(o.objective.statement)"))
                }
            }
        }
        return out
    }
}

/// The fields in Tab order (sections last, so Tab from the header lands in the text).
public enum NoteField: Hashable, Sendable {
    case date, time, minutes, modality, format, template, links, section(Int)
}

public enum NoteEditorPrompt: Hashable, Sendable {
    /// "Sign this note? (y/n)"
    case sign
    /// Someone saved this draft after I opened it: r reloads theirs, o overwrites with mine.
    case conflict(EditConflict)
}

public struct NoteEditorState: Hashable, Sendable {
    /// The note as last saved (id nil until the first save); header fields and sections hold the edits.
    public internal(set) var note: ProgressNote
    public var clientName: String
    public var mrn: String
    /// The Home appointment this new note documents (sent with the first save only).
    public var appointmentID: RowID?
    public var modalities: [Modality]
    public var linkOptions: [NoteLinkOption]
    public internal(set) var links: Set<NoteLink>
    public internal(set) var date: LineEditor
    public internal(set) var time: LineEditor
    public internal(set) var minutes: LineEditor
    public internal(set) var modalityIndex: Int
    public internal(set) var format: SessionFormat
    public internal(set) var template: NoteTemplate
    public internal(set) var sections: [TextArea]
    public internal(set) var focus: NoteField
    /// The section shown open while the focus is on a header field.
    public internal(set) var openSection = 0
    public var linkCursor = ListCursor()
    public var area: Rect
    public let today: Day
    public let settings: ProgramSettings
    public let utcOffset: Int
    public var prompt: NoteEditorPrompt?
    /// When the first unsaved change was made; autosave counts 30 s from here.
    public var dirtySince: Date?
    /// Set by the reducer on any edit, so the app model can stamp `dirtySince` with its clock.
    var editedSinceCheck = false
    public internal(set) var lastSavedAt: Date?
    var saved: Snapshot

    struct Snapshot: Hashable, Sendable {
        var header: [String]
        var modality: Int
        var format: SessionFormat
        var template: NoteTemplate
        var sections: [String]
        var links: Set<NoteLink>
    }

    /// The client's clinical safety flags, shown first in the title (SafetyBanner).
    public var safetyFlags: [String] = []

    public init(note: ProgressNote, links: [NoteLink], clientName: String, mrn: String, appointmentID: RowID? = nil,
                modalities: [Modality], plan: PlanTree?, area: Rect, today: Day, settings: ProgramSettings,
                utcOffset: Int = 0, safetyFlags: [String] = []) {
        self.note = note; self.clientName = clientName; self.mrn = mrn; self.appointmentID = appointmentID
        self.safetyFlags = safetyFlags
        self.modalities = modalities; self.area = area; self.today = today; self.settings = settings
        self.utcOffset = utcOffset
        linkOptions = NoteLinkOption.options(plan)
        // A link to a goal of an older plan version still counts: it is listed so it can be kept or dropped.
        for l in links where !linkOptions.contains(where: { $0.link == l }) {
            linkOptions.append(NoteLinkOption(link: l, label: "(earlier plan) " + (l.goalID.map { "goal #\($0)" } ?? "objective #\(l.objectiveID ?? 0)")))
        }
        self.links = Set(links)
        date = LineEditor(text: note.date.description)
        time = LineEditor(text: formatClockTime(note.startMinute))
        minutes = LineEditor(text: String(note.minutes))
        modalityIndex = modalities.firstIndex { $0.id == note.modalityID } ?? 0
        format = note.format
        template = note.template
        let count = max(note.template.sections.count, note.sections.count)
        sections = (0..<count).map { i in
            TextArea(text: note.sections[safe: i] ?? "")
        }
        focus = .section(0)
        saved = Snapshot(header: [], modality: 0, format: note.format, template: note.template, sections: [], links: [])
        saved = snapshot
        linkCursor = ListCursor(count: linkOptions.count, pageSize: 1)
        NoteEditor.relayout(&self)
    }

    var snapshot: Snapshot {
        Snapshot(header: [date.text, time.text, minutes.text], modality: modalityIndex, format: format,
                 template: template, sections: sections.map(\.text), links: links)
    }

    /// Something differs from what is stored (or, for a new note, anything was written at all).
    public var isChanged: Bool { snapshot != saved }
    public var isEmpty: Bool { sections.allSatisfy { $0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } }
    /// Phone contacts and no-shows are one short line.
    public var isShort: Bool { format == .phone || format == .noShow }

    /// Section titles of the template; text beyond them (from a longer template) is kept as "More".
    public func title(of section: Int) -> String { template.sections[safe: section] ?? "More" }

    /// The sections on screen: all of them, or for a short note the first and any that hold text.
    public var visibleSections: [Int] {
        guard isShort else { return Array(sections.indices) }
        return sections.indices.filter { $0 == 0 || !sections[$0].text.isEmpty }
    }

    /// Tab order over what is on screen.
    var fieldOrder: [NoteField] {
        [.date, .time, .minutes, .modality, .format, .template, .links] + visibleSections.map { .section($0) }
    }

    public var modalityName: String { modalities[safe: modalityIndex]?.name ?? "—" }

    /// Billing units for the minutes as typed (0 for a no-show; "?" while the minutes are not a number).
    public var billingUnits: Int? {
        guard let m = Int(minutes.text.trimmingCharacters(in: .whitespaces)), m >= 0 else { return nil }
        return format == .noShow ? 0 : settings.billingUnits(forMinutes: m)
    }

    /// The note to save. `strict`: a field that does not parse is an error sentence; otherwise the
    /// last saved value stands in (a hang-up or Esc must save the text whatever the header says).
    public func build(strict: Bool) -> (note: ProgressNote, problem: String?) {
        var n = note
        var problem: String?
        switch NoteEditor.parseDate(date.text, today: today) {
        case .success(let d): n.date = d
        case .failure(let e): problem = problem ?? e.message
        }
        switch NoteEditor.parseTime(time.text) {
        case .success(let m): n.startMinute = m
        case .failure(let e): problem = problem ?? e.message
        }
        switch NoteEditor.parseMinutes(minutes.text, format: format) {
        case .success(let m): n.minutes = m
        case .failure(let e): problem = problem ?? e.message
        }
        if let id = modalities[safe: modalityIndex]?.id { n.modalityID = id }
        n.format = format
        n.template = template
        n.sections = sections.map(\.text)
        // Trailing empty sections beyond the template are not kept.
        while n.sections.count > template.sections.count, n.sections.last?.isEmpty == true { n.sections.removeLast() }
        n.billingUnits = format == .noShow ? 0 : settings.billingUnits(forMinutes: n.minutes)
        if strict, problem != nil { return (n, problem) }
        return (n, strict ? nil : problem)
    }

    /// After a save: the stored note becomes the new baseline.
    mutating func didSave(_ stored: ProgressNote, at: Date) {
        let current = snapshot
        note = stored
        saved = current
        lastSavedAt = at
        dirtySince = nil
    }
}

struct FieldError: Error { var message: String }

public enum NoteEditor {
    static func parseDate(_ text: String, today: Day) -> Result<Day, FieldError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count == 10, let d = Day(t) else {
            return .failure(FieldError(message: "The date “\(t)” is not a date: write it as YYYY-MM-DD, like \(today)."))
        }
        guard d <= today else {
            return .failure(FieldError(message: "The date \(d) is in the future: a note documents a session that took place."))
        }
        return .success(d)
    }

    static func parseTime(_ text: String) -> Result<Int, FieldError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else {
            return .failure(FieldError(message: "The start time “\(t)” is not a time: write it as HH:MM, like 09:30."))
        }
        return .success(h * 60 + m)
    }

    static func parseMinutes(_ text: String, format: SessionFormat) -> Result<Int, FieldError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        let least = format == .noShow ? 0 : 1
        guard let m = Int(t), m >= least, m <= 720 else {
            return .failure(FieldError(message: "Minutes must be a whole number from \(least) to 720, like 50."))
        }
        return .success(m)
    }

    // MARK: - Keys

    public static func key(_ s: inout NoteEditorState, _ key: Key) -> Request {
        if let p = s.prompt { return promptKey(&s, p, key) }
        switch key {
        case .ctrl("s"):
            if let problem = s.build(strict: true).problem { return .message(problem, .error) }
            return .notes(.save(force: false, then: .stay))
        case .escape:
            return .notes(.save(force: false, then: .close))
        case .tab:
            return move(&s, by: 1)
        case .backTab:
            return move(&s, by: -1)
        default:
            break
        }
        switch s.focus {
        case .date, .time, .minutes:
            if key == .enter { return move(&s, by: 1) }
            var editor = s.focus == .date ? s.date : s.focus == .time ? s.time : s.minutes
            let outcome = editor.handle(key)
            switch s.focus {
            case .date: s.date = editor
            case .time: s.time = editor
            default: s.minutes = editor
            }
            if outcome == .edited { s.editedSinceCheck = true }
            return .none
        case .modality, .format, .template:
            return choiceKey(&s, key)
        case .links:
            return linksKey(&s, key)
        case .section(let i):
            if key == .enter && s.isShort { return move(&s, by: 1) }
            let outcome = s.sections[i].handle(key)
            switch outcome {
            case .edited: s.editedSinceCheck = true; return .none
            case .refused(let why): return .message(why, .warning)
            default: return .none
            }
        }
    }

    private static func promptKey(_ s: inout NoteEditorState, _ p: NoteEditorPrompt, _ key: Key) -> Request {
        switch p {
        case .sign:
            s.prompt = nil
            guard YesNo.isYes(key) else { return .message("Not signed. The note is still a draft.", .info) }
            if let problem = s.build(strict: true).problem { return .message(problem, .error) }
            return .notes(.save(force: false, then: .sign))
        case .conflict:
            switch key {
            case .char("r"), .char("R"):
                s.prompt = nil
                return .notes(.reloadTheirs)
            case .char("o"), .char("O"):
                s.prompt = nil
                return .notes(.save(force: true, then: .stay))
            case .escape:
                s.prompt = nil
                return .message("Still editing; your text is not saved yet (Ctrl-S asks again).", .info)
            default:
                return .none
            }
        }
    }

    /// Tab / Shift-Tab: leaving a date, time or minutes field that does not parse stays there and says why.
    static func move(_ s: inout NoteEditorState, by delta: Int) -> Request {
        switch s.focus {
        case .date: if case .failure(let e) = parseDate(s.date.text, today: s.today) { return .message(e.message, .error) }
        case .time: if case .failure(let e) = parseTime(s.time.text) { return .message(e.message, .error) }
        case .minutes: if case .failure(let e) = parseMinutes(s.minutes.text, format: s.format) { return .message(e.message, .error) }
        default: break
        }
        let order = s.fieldOrder
        let i = order.firstIndex(of: s.focus) ?? 0
        focus(&s, order[(i + delta + order.count) % order.count])
        return .none
    }

    static func focus(_ s: inout NoteEditorState, _ field: NoteField) {
        s.focus = field
        if case .section(let i) = field { s.openSection = i }
        relayout(&s)
    }

    private static func choiceKey(_ s: inout NoteEditorState, _ key: Key) -> Request {
        var step = 0
        switch key {
        case .char(" "), .right, .char("+"): step = 1
        case .left, .char("-"): step = -1
        case .enter: return move(&s, by: 1)
        case .char("S"): return askSign(&s)
        case .char(let c) where s.focus == .modality:
            // A letter jumps to the next modality starting with it.
            let n = s.modalities.count
            guard n > 0 else { return .none }
            for k in 1...n {
                let j = (s.modalityIndex + k) % n
                if s.modalities[j].name.lowercased().hasPrefix(String(c).lowercased()) {
                    s.modalityIndex = j; s.editedSinceCheck = true; return .none
                }
            }
            return .none
        default: return .none
        }
        switch s.focus {
        case .modality:
            guard !s.modalities.isEmpty else { return .message("The program has no modalities yet.", .warning) }
            s.modalityIndex = (s.modalityIndex + step + s.modalities.count) % s.modalities.count
        case .format:
            let all = SessionFormat.allCases
            let i = all.firstIndex(of: s.format) ?? 0
            setFormat(&s, all[(i + step + all.count) % all.count])
        default:
            let all = NoteTemplate.allCases
            let i = all.firstIndex(of: s.template) ?? 0
            setTemplate(&s, all[(i + step + all.count) % all.count])
        }
        s.editedSinceCheck = true
        relayout(&s)
        return .none
    }

    static func setFormat(_ s: inout NoteEditorState, _ f: SessionFormat) {
        s.format = f
        if f == .noShow, Int(s.minutes.text) == nil { s.minutes.setText("0") }
        if !s.visibleSections.contains(s.openSection) { s.openSection = 0 }
    }

    /// Sections map by position; text of sections the new template lacks moves into its last one,
    /// so a change of template never loses a word.
    static func setTemplate(_ s: inout NoteEditorState, _ t: NoteTemplate) {
        s.template = t
        let need = t.sections.count
        if s.sections.count < need {
            s.sections += (s.sections.count..<need).map { _ in TextArea(text: "") }
        } else if s.sections.count > need {
            let extra = s.sections[need...].map(\.text).filter { !$0.isEmpty }
            if !extra.isEmpty {
                let last = s.sections[need - 1].text
                let merged = ([last].filter { !$0.isEmpty } + extra).joined(separator: "\n\n")
                s.sections[need - 1] = TextArea(text: merged)
            }
            s.sections.removeSubrange(need...)
        }
        s.openSection = min(s.openSection, need - 1)
    }

    private static func linksKey(_ s: inout NoteEditorState, _ key: Key) -> Request {
        switch key {
        case .up, .char("k"): s.linkCursor.move(by: -1)
        case .down, .char("j"): s.linkCursor.move(by: 1)
        case .char(" "), .char("x"):
            guard let o = s.linkOptions[safe: s.linkCursor.selected] else {
                return .message("This client has no treatment plan with goals to link yet.", .info)
            }
            if s.links.contains(o.link) { s.links.remove(o.link) } else { s.links.insert(o.link) }
            s.editedSinceCheck = true
        case .enter: return move(&s, by: 1)
        case .char("S"): return askSign(&s)
        default: break
        }
        return .none
    }

    static func askSign(_ s: inout NoteEditorState) -> Request {
        if let problem = s.build(strict: true).problem { return .message(problem, .error) }
        if s.isEmpty { return .message("The note is empty; write it before signing.", .warning) }
        let note = s.build(strict: false).note
        if let refusal = note.template.signingRefusal(note.sections, format: note.format) {
            return .message(refusal, .warning)
        }
        s.prompt = .sign
        return .none
    }

    // MARK: - Layout

    /// Rows of the header: title, the session facts (wrapped to the width) and the goals line or list.
    static func factLines(_ s: NoteEditorState, width: Int) -> [StyledLine] {
        Flow.lines(factItems(s), width: width, gap: 2)
    }

    static func fieldSpans(_ label: String, _ value: String, focused: Bool, choice: Bool = false) -> [Span] {
        let shown = choice ? "‹\(value)›" : "[\(value)]"
        return [Span(label + " ", .dim), Span(shown, focused ? .commandLine : .normal)]
    }

    static func factItems(_ s: NoteEditorState) -> [[Span]] {
        let units = s.billingUnits.map(String.init) ?? "?"
        return [
            fieldSpans("Date", s.date.text, focused: s.focus == .date),
            fieldSpans("Start", s.time.text, focused: s.focus == .time),
            fieldSpans("Min", s.minutes.text, focused: s.focus == .minutes),
            [Span("Units ", .dim), Span(units)],
            fieldSpans("Modality", s.modalityName, focused: s.focus == .modality, choice: true),
            fieldSpans("Format", s.format.label, focused: s.focus == .format, choice: true),
            fieldSpans("Template", s.template.label, focused: s.focus == .template, choice: true),
        ]
    }

    /// Rows of the link list while it has the focus.
    static func linkRows(_ s: NoteEditorState) -> Int {
        guard s.focus == .links else { return 1 }
        return max(1, min(s.linkOptions.count, max(2, s.area.height / 4)))
    }

    struct Layout {
        var facts: Int
        var links: Int
        /// Row of each visible section's title, relative to the area.
        var sectionRows: [(section: Int, y: Int)]
        var textY: Int
        var textHeight: Int
    }

    static func layout(_ s: NoteEditorState) -> Layout {
        let a = s.area
        let facts = factLines(s, width: a.width - 2).count
        let links = linkRows(s) + (s.focus == .links ? 1 : 0)
        let visible = s.visibleSections
        var y = 1 + facts + links
        var rows: [(Int, Int)] = []
        var textY = y + 1, textHeight = 1
        let others = visible.count - 1
        // The open section takes every row the others' one-line summaries leave.
        let room = max(1, a.height - y - others - 1)
        let height = s.isShort ? min(room, 3) : room
        for i in visible {
            rows.append((i, y))
            if i == s.openSection {
                textY = y + 1; textHeight = height
                y += 1 + height
            } else {
                y += 1
            }
        }
        return Layout(facts: facts, links: links, sectionRows: rows, textY: textY, textHeight: textHeight)
    }

    /// Gives the open section the rows it has now (after a resize, a focus change, a format change).
    static func relayout(_ s: inout NoteEditorState) {
        let l = layout(s)
        let width = max(1, s.area.width - 4)
        for i in s.sections.indices {
            s.sections[i].resize(width: width, height: i == s.openSection ? l.textHeight : 1)
        }
        s.linkCursor.setCount(s.linkOptions.count)
        s.linkCursor.setPageSize(linkRows(s))
    }

    // MARK: - Rendering

    public static func render(_ s: NoteEditorState, into buffer: inout ScreenBuffer) {
        let a = s.area
        let kind = s.note.id == nil ? "New \(s.template.label) note" : "\(s.template.label) note draft"
        let state: (String, Role)
        if let at = s.lastSavedAt {
            state = s.isChanged ? ("changed since saved \(Format.timestamp(at, utcOffset: s.utcOffset).suffix(5))", .warning)
                                : ("saved \(Format.timestamp(at, utcOffset: s.utcOffset).suffix(5))", .ok)
        } else if s.note.id != nil {
            state = s.isChanged ? ("unsaved changes", .warning) : ("draft", .dim)
        } else {
            state = ("not saved yet", .dim)
        }
        let title = SafetyBanner.prefixed(StyledLine([Span(kind, .header), Span(" · \(s.clientName) ", .header),
                                                      Span(s.mrn, .dim)]), flags: s.safetyFlags)
        let sw = DisplayWidth.of(state.0)
        let titleRoom = title.width + sw + 3 <= a.width ? a.width - sw - 3 : a.width - 1
        title.truncated(to: titleRoom).draw(into: &buffer, x: a.x + 1, y: a.y, width: titleRoom)
        if title.width + sw + 3 <= a.width { buffer.put(state.0, x: a.x + a.width - sw - 1, y: a.y, role: state.1) }

        let l = layout(s)
        var y = a.y + 1
        for line in factLines(s, width: a.width - 2) {
            line.draw(into: &buffer, x: a.x + 1, y: y, width: a.width - 2); y += 1
        }
        var cursor: Point?
        // The hardware cursor goes inside the focused one-line field.
        if let (text, editor) = focusedLineField(s) {
            let prefix: String
            switch s.focus {
            case .date: prefix = "Date ["
            case .time: prefix = "Start ["
            default: prefix = "Min ["
            }
            let full = factLines(s, width: a.width - 2)
            for (row, line) in full.enumerated() {
                let plain = line.plainText
                if let r = plain.range(of: prefix + text + "]") {
                    let x = DisplayWidth.of(String(plain[..<r.lowerBound])) + DisplayWidth.of(prefix)
                        + DisplayWidth.of(String(Array(text)[0..<editor.cursor]))
                    cursor = Point(x: a.x + 1 + x, y: a.y + 1 + row)
                    break
                }
            }
        }
        drawLinks(s, into: &buffer, y: y, width: a.width)
        if s.focus == .links {
            cursor = Point(x: a.x + 1, y: y + 1 + s.linkCursor.selected - s.linkCursor.top)
        }
        for (i, rowY) in l.sectionRows {
            let yy = a.y + rowY
            let focused = s.focus == .section(i)
            let title = s.title(of: i)
            if i == s.openSection {
                var spans = [Span(title, focused ? .header : .dim)]
                if s.isShort && i == 0 { spans.append(Span(" (one short line)", .dim)) }
                let rows = s.sections[i].layout(width: max(1, a.width - 4)).count
                if rows > l.textHeight { spans.append(Span("  \(rows) lines", .dim)) }
                StyledLine(spans).draw(into: &buffer, x: a.x + 1, y: yy, width: a.width - 2)
                s.sections[i].render(into: &buffer, x: a.x + 3, y: a.y + l.textY, width: max(1, a.width - 4),
                                     height: l.textHeight)
                if focused { cursor = buffer.cursor }
            } else {
                let text = s.sections[i].text
                let first = text.split(whereSeparator: \.isNewline).first.map(String.init)?
                    .replacingOccurrences(of: "\t", with: " ")
                let line = StyledLine([Span(title + ": ", .dim), first.map { Span($0) } ?? Span("(empty)", .dim)])
                line.truncated(to: a.width - 2).draw(into: &buffer, x: a.x + 1, y: yy, width: a.width - 2)
            }
        }
        buffer.cursor = cursor ?? Point(x: a.x + 1, y: a.y)
        if s.focus == .modality || s.focus == .format || s.focus == .template {
            let label = s.focus == .modality ? "Modality ‹" : s.focus == .format ? "Format ‹" : "Template ‹"
            for (row, line) in factLines(s, width: a.width - 2).enumerated() {
                let plain = line.plainText
                if let r = plain.range(of: label) {
                    buffer.cursor = Point(x: a.x + 1 + DisplayWidth.of(String(plain[..<r.upperBound])), y: a.y + 1 + row)
                }
            }
        }
    }

    static func focusedLineField(_ s: NoteEditorState) -> (String, LineEditor)? {
        switch s.focus {
        case .date: (s.date.text, s.date)
        case .time: (s.time.text, s.time)
        case .minutes: (s.minutes.text, s.minutes)
        default: nil
        }
    }

    static func drawLinks(_ s: NoteEditorState, into buffer: inout ScreenBuffer, y: Int, width: Int) {
        let x = s.area.x + 1
        let w = width - 2
        let chosen = s.linkOptions.filter { s.links.contains($0.link) }
        if s.focus != .links {
            let text: String
            if s.linkOptions.isEmpty { text = "no plan goals to link" }
            else if chosen.isEmpty { text = "none linked (Tab here, Space to choose)" }
            else { text = chosen.map { $0.label.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ") }
            StyledLine([Span("Goals: ", .dim), Span(text, chosen.isEmpty ? .dim : .normal)])
                .truncated(to: w).draw(into: &buffer, x: x, y: y, width: w)
            return
        }
        buffer.put("Goals and objectives addressed (Space ticks, Tab moves on):", x: x, y: y, role: .header, maxWidth: w)
        if s.linkOptions.isEmpty {
            buffer.put("  This client has no treatment plan with goals yet.", x: x, y: y + 1, role: .dim, maxWidth: w)
            return
        }
        for (row, i) in s.linkCursor.visible.enumerated() {
            let o = s.linkOptions[i]
            let mark = s.links.contains(o.link) ? "[x] " : "[ ] "
            let line = StyledLine([Span(mark, s.links.contains(o.link) ? .ok : .normal), Span(o.label)]).truncated(to: w)
            line.draw(into: &buffer, x: x, y: y + 1 + row, width: w)
            if i == s.linkCursor.selected { buffer.setRole(.selection, x: x, y: y + 1 + row, width: w) }
        }
    }
}
