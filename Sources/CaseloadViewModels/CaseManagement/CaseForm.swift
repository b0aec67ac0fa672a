// A small form of labelled fields (text or a choice) for adding and editing referrals, drug screens,
// contacts and the client's own details inside the chart. Tab / ↑↓ move between fields, ←→ or Space change a choice.
import CaseloadCore

public struct FormField: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case text(limit: Int)
        case choice([String])
        /// A long text (a note): the editor every long text field uses, word-wrapped over several rows.
        case area
    }
    public var label: String
    public var kind: Kind
    public var editor: LineEditor
    public var choice: Int
    /// The multi-line editor of an `.area` field.
    public var area: TextArea?

    public static func text(_ label: String, _ value: String = "", limit: Int = 200) -> FormField {
        FormField(label: label, kind: .text(limit: limit), editor: LineEditor(text: value), choice: 0)
    }
    public static func choice(_ label: String, _ options: [String], _ selected: Int = 0) -> FormField {
        FormField(label: label, kind: .choice(options), editor: LineEditor(), choice: max(0, min(selected, options.count - 1)))
    }

    /// A multi-line field; kept last in a form, where it takes the rows left under its label.
    public static func area(_ label: String, _ value: String = "", limit: Int = 2000, height: Int = 3) -> FormField {
        FormField(label: label, kind: .area, editor: LineEditor(), choice: 0,
                  area: TextArea(text: value, limit: limit, width: 50, height: height))
    }

    /// A key for a focused `.area` field: Enter starts a line and ↑↓ move between lines there; Ctrl-S, Esc, Tab
    /// and Shift-Tab stay the form's (false). `problem` gets the field's refusal, if any.
    mutating func takeAreaKey(_ key: Key, problem: inout String?) -> Bool {
        guard var editor = area else { return false }
        switch key {
        case .ctrl("s"), .escape, .tab, .backTab: return false
        default:
            if case .refused(let why) = editor.handle(key) { problem = why } else { problem = nil }
            area = editor
            return true
        }
    }

    /// Draws an `.area` field in the rows left under its label; an unfocused empty one shows "—".
    func drawArea(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, height: Int, focused: Bool) {
        guard let area else { return }
        let saved = buffer.cursor
        area.render(into: &buffer, x: x, y: y, width: width, height: height, role: focused ? .commandLine : .normal)
        if !focused {
            buffer.cursor = saved
            if area.text.isEmpty { buffer.put("—", x: x, y: y, role: .dim) }
        }
    }

    /// What was typed, as typed (a note keeps its line breaks and spacing).
    public var value: String { area?.text ?? editor.text }
    public var text: String { value.trimmingCharacters(in: .whitespaces) }
    var options: [String] { if case .choice(let o) = kind { o } else { [] } }
    var isChoice: Bool { if case .choice = kind { true } else { false } }
}

public struct CaseForm: Hashable, Sendable {
    /// The record being edited, as it was loaded (its id and revision go back with the save).
    public enum Subject: Hashable, Sendable {
        case referral(Referral)
        case screen(DrugScreen)
        /// Marking a screen entered in error: `screenIDs[i]` is the screen of choice i of the first field.
        case screenError(screenIDs: [RowID], screens: [DrugScreen])
        /// The corrected result of `screen.correctsID`, with the reason the old one was wrong.
        case correction(DrugScreen, reason: String)
        /// `consentIDs[i]` is the consent of choice i of the consent field (nil: none).
        case contact(Contact, consentIDs: [RowID?])
        /// The Summary tab's counselor-kept details (the version goes back with the save).
        case clientDetails(Client)
        /// A Part 2 consent (42 CFR 2.31); the revision goes back with the save.
        case consent(Consent)
        /// The question before revoking a consent: the date and how it was revoked.
        case revoke(Consent)
    }
    public var title: String
    public var subject: Subject
    public var fields: [FormField]
    public var focus = 0
    /// Why the last save was refused (a validation sentence), shown under the form.
    public var problem: String?
    /// The fields as first shown, to tell whether Esc throws anything away.
    var original: [FormField]

    public init(title: String, subject: Subject, fields: [FormField]) {
        self.title = title; self.subject = subject; self.fields = fields; self.original = fields
    }

    public var isChanged: Bool { fields.map(\.value) != original.map(\.value) || fields.map(\.choice) != original.map(\.choice) }

    public enum Outcome: Equatable { case pending, save, cancel }

    public mutating func handle(_ key: Key) -> Outcome {
        if fields[focus].takeAreaKey(key, problem: &problem) { return .pending }
        switch key {
        case .ctrl("s"): return .save
        case .escape: return .cancel
        case .tab, .down: focus = min(fields.count - 1, focus + 1); return .pending
        case .backTab, .up: focus = max(0, focus - 1); return .pending
        case .enter:
            if focus == fields.count - 1 { return .save }
            focus += 1
            return .pending
        default: break
        }
        var field = fields[focus]
        switch field.kind {
        case .choice(let options):
            switch key {
            case .right, .char(" "): field.choice = (field.choice + 1) % options.count
            case .left: field.choice = (field.choice + options.count - 1) % options.count
            case .char(let c):
                // A marker or first letter picks the next option that starts with it.
                let wanted = c == "." ? "·" : String(c).lowercased()
                let order = (1...options.count).map { (field.choice + $0) % options.count }
                if let i = order.first(where: { options[$0].lowercased().hasPrefix(wanted) }) { field.choice = i }
            default: break
            }
        case .text(let limit):
            var editor = field.editor
            _ = editor.handle(key)
            if editor.text.count <= limit { field.editor = editor }
        case .area:
            break
        }
        fields[focus] = field
        problem = nil
        return .pending
    }

    static let labelWidth = 18
    /// The status-bar hints while a form is open.
    public static let hints: [(keys: String, label: String)] = [("Tab", "next field"), ("←→", "choose"),
                                                                ("Ctrl-S", "save"), ("Esc", "cancel")]

    /// Draws the form from the top of `area`, scrolled so the focused field shows; places the cursor.
    public func draw(into buffer: inout ScreenBuffer, area: Rect) {
        buffer.put(title, x: area.x + 1, y: area.y, role: .header, maxWidth: area.width - 2)
        let bottomRows = problem == nil ? 0 : 1
        let rows = max(1, area.height - 1 - bottomRows)
        let top = max(0, focus - rows + 1)
        for (row, i) in (top..<min(fields.count, top + rows)).enumerated() {
            let y = area.y + 1 + row
            let f = fields[i]
            let focused = i == focus
            let label = (focused ? "> " : "  ") + DisplayWidth.pad(f.label, to: Self.labelWidth - 2)
            let lw = buffer.put(label, x: area.x + 1, y: y, role: focused ? .header : .dim, maxWidth: area.width - 2)
            let x = area.x + 1 + lw, width = max(1, area.width - 2 - lw)
            if f.area != nil {
                f.drawArea(into: &buffer, x: x + 2, y: y, width: max(1, width - 2), height: max(1, rows - row), focused: focused)
                continue
            }
            switch f.kind {
            case .area:
                break
            case .choice(let options):
                let text = focused ? "‹ \(options[f.choice]) ›" : "  \(options[f.choice])"
                buffer.put(text, x: x, y: y, role: focused ? .selection : .normal, maxWidth: width)
                if focused { buffer.cursor = Point(x: x, y: y) }
            case .text:
                // Text starts where a choice's value does (after its "‹ ").
                let tx = x + 2, tw = max(1, width - 2)
                if focused {
                    f.editor.draw(into: &buffer, prompt: "", x: tx, y: y, width: tw, role: .commandLine)
                } else {
                    buffer.put(f.editor.text.isEmpty ? "—" : f.editor.text, x: tx, y: y,
                               role: f.editor.text.isEmpty ? .dim : .normal, maxWidth: tw)
                }
            }
        }
        if let problem {
            buffer.put(problem, x: area.x + 1, y: area.y + area.height - 1, role: .error, maxWidth: area.width - 2)
        }
    }
}

extension Day {
    /// A date typed in a form: strictly YYYY-MM-DD.
    static func typed(_ text: String) -> Day? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count == 10, let d = Day(t), d.description == t else { return nil }
        return d
    }
}
