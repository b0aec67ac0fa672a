// A question a screen asks on the message line: a line of text to type, or yes / no.
import CaseloadCore

public struct ScreenPrompt: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Late / left early: the minutes attended, then the mark is saved.
        case minutes(clientID: RowID, status: AttendanceStatus)
        case memberLine(clientID: RowID)
        case topic
        case sign
        /// Someone else saved the note first: r reloads theirs, o overwrites with ours.
        case conflict(EditConflict, topic: String, note: String)
        /// Someone else marked this member first: r reloads theirs, o overwrites with ours.
        case markConflict(EditConflict, clientID: RowID, status: AttendanceStatus, minutes: Int, line: String?)
        case enroll
        /// A new session: "date time minutes", prefilled from the group's schedule.
        case newSession
        case discharge(memberID: RowID)
        /// One step of the group form; `field` indexes GroupForm.fields.
        case groupField(field: Int, draft: CounselingGroup)
    }
    public var kind: Kind
    public var label: String
    public var editor: LineEditor
    /// `selected`: the prefilled `text` is replaced by what is typed (a suggested value, like minutes).
    public init(_ kind: Kind, _ label: String, text: String = "", selected: Bool = false) {
        self.kind = kind; self.label = label; self.editor = LineEditor(text: text, selected: selected)
    }

    public var isYesNo: Bool {
        switch kind {
        case .sign, .discharge, .conflict, .markConflict: true
        default: false
        }
    }

    /// A question with named answers (r / o) rather than yes / no.
    var isChoice: Bool {
        switch kind {
        case .conflict, .markConflict: true
        default: false
        }
    }

    /// Draws itself on row `y`: an editor, or the question with the cursor after it.
    public func draw(into buffer: inout ScreenBuffer, y: Int, width: Int) {
        if isYesNo {
            buffer.fill(x: 0, y: y, width: width, height: 1, role: .warning)
            let w = buffer.put(label, x: 0, y: y, role: .warning, maxWidth: width)
            buffer.cursor = Point(x: min(width - 1, w), y: y)
        } else {
            editor.draw(into: &buffer, prompt: label, x: 0, y: y, width: width, role: .commandLine)
        }
    }
}

public enum PromptOutcome: Equatable { case pending, submit(String), yes, no, other(Character), cancel }

extension ScreenPrompt {
    /// Feeds one key; y/n questions answer at once, editors on Enter.
    mutating func handle(_ key: Key) -> PromptOutcome {
        if isYesNo {
            if YesNo.isYes(key) { return .yes }
            if key == .escape { return .cancel }
            // A conflict offers r / o / Esc and waits for one of them; a yes/no question takes any other key as no.
            if isChoice {
                if case .char(let c) = key { return .other(c) }
                return .pending
            }
            return .no
        }
        switch editor.handle(key) {
        case .submit: return .submit(editor.text)
        case .cancel: return .cancel
        default: return .pending
        }
    }
}
