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
        case discharge(memberID: RowID)
        /// One step of the group form; `field` indexes GroupForm.fields.
        case groupField(field: Int, draft: CounselingGroup)
    }
    public var kind: Kind
    public var label: String
    public var editor: LineEditor
    public init(_ kind: Kind, _ label: String, text: String = "") {
        self.kind = kind; self.label = label; self.editor = LineEditor(text: text)
    }

    public var isYesNo: Bool {
        switch kind {
        case .sign, .discharge, .conflict, .markConflict: true
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
            switch key {
            case .char("y"), .char("Y"): return .yes
            case .escape: return .cancel
            case .char("n"), .char("N"): return .no
            case .char(let c): return .other(c)
            default: return .pending
            }
        }
        switch editor.handle(key) {
        case .submit: return .submit(editor.text)
        case .cancel: return .cancel
        default: return .pending
        }
    }
}
