// Writing a dated addendum under a signed note (signed notes never change; corrections are added).
import CaseloadCore

public struct AddendumState: Hashable, Sendable {
    public var noteID: RowID
    public var clientID: RowID
    /// "Addendum to the DAP note of 2026-03-02 · Ñúñez, Zoë"
    public var title: String
    public var text: TextArea
    public var area: Rect
    /// "Discard this addendum? (y/n)" is showing.
    public var confirmingDiscard = false

    public init(noteID: RowID, clientID: RowID, title: String, area: Rect) {
        self.noteID = noteID; self.clientID = clientID; self.title = title; self.area = area
        let r = AddendumEditor.textRect(area)
        text = TextArea(text: "", width: r.width, height: r.height)
    }

    public var isEmpty: Bool { text.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    mutating func resize(_ a: Rect) {
        area = a
        let r = AddendumEditor.textRect(a)
        text.resize(width: r.width, height: r.height)
    }
}

public enum AddendumEditor {
    static func textRect(_ a: Rect) -> Rect {
        Rect(x: a.x + 1, y: a.y + 3, width: max(1, a.width - 2), height: max(1, a.height - 3))
    }

    public static func key(_ s: inout AddendumState, _ key: Key) -> Request {
        if s.confirmingDiscard {
            if YesNo.isYes(key) { return .back }
            s.confirmingDiscard = false
            return .none
        }
        switch key {
        case .ctrl("s"):
            if s.isEmpty { return .message("The addendum is empty; write the correction first.", .warning) }
            return .notes(.saveAddendum)
        case .escape:
            if s.isEmpty { return .back }
            s.confirmingDiscard = true
            return .none
        case .tab:
            // Tab is not a character here (as in the note editor); indenting is not part of a note.
            return .none
        default:
            if case .refused(let why) = s.text.handle(key) { return .message(why, .warning) }
            return .none
        }
    }

    public static func render(_ s: AddendumState, into buffer: inout ScreenBuffer) {
        let a = s.area
        buffer.put(s.title, x: a.x + 1, y: a.y, role: .header, maxWidth: a.width - 2)
        for (i, line) in TextWrap.wrap("The signed note stays as it is; this is added under it with your name and today's date.",
                                       width: a.width - 2).prefix(2).enumerated() {
            buffer.put(line, x: a.x + 1, y: a.y + 1 + i, role: .dim, maxWidth: a.width - 2)
        }
        let r = textRect(a)
        s.text.render(into: &buffer, x: r.x, y: r.y, width: r.width, height: r.height)
    }
}
