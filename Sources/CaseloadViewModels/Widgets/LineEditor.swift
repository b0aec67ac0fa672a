// A one-line text input (the `:` command line and `/` search), grapheme- and width-aware.

public struct LineEditor: Hashable, Sendable {
    public private(set) var text: String = ""
    /// Insertion point, counted in graphemes.
    public private(set) var cursor: Int = 0

    /// The prefilled text is selected: the first character typed (or pasted) replaces it, Backspace or Delete
    /// clears it, and any movement keeps it and starts editing it.
    public private(set) var selected = false

    public init(text: String = "", selected: Bool = false) {
        self.text = text; self.cursor = text.count; self.selected = selected && !text.isEmpty
    }

    public enum Outcome: Equatable { case edited, moved, submit, cancel, unhandled }

    /// Applies an editing key; Enter submits, Esc cancels.
    public mutating func handle(_ key: Key) -> Outcome {
        if selected {
            selected = false
            switch key {
            case .char, .paste: text = ""; cursor = 0
            case .backspace, .delete, .ctrl("d"): text = ""; cursor = 0; return .edited
            default: break
            }
        }
        switch key {
        case .char(let c):
            insert(String(c)); return .edited
        case .paste(let s):
            // A pasted block becomes one line: the prompt has no room for line breaks.
            insert(s.split(whereSeparator: \.isNewline).joined(separator: " ")); return .edited
        case .backspace:
            guard cursor > 0 else { return .unhandled }
            let i = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: i); cursor -= 1; return .edited
        case .delete, .ctrl("d"):
            guard cursor < text.count else { return .unhandled }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor)); return .edited
        case .ctrl("u"):
            text.removeSubrange(text.startIndex..<text.index(text.startIndex, offsetBy: cursor)); cursor = 0
            return .edited
        case .left: cursor = max(0, cursor - 1); return .moved
        case .right: cursor = min(text.count, cursor + 1); return .moved
        case .home, .ctrl("a"): cursor = 0; return .moved
        case .end, .ctrl("e"): cursor = text.count; return .moved
        case .enter: return .submit
        case .escape: return .cancel
        default: return .unhandled
        }
    }

    public mutating func insert(_ s: String) {
        let i = text.index(text.startIndex, offsetBy: cursor)
        text.insert(contentsOf: s, at: i)
        cursor += s.count
    }

    public mutating func setText(_ s: String) { text = s; cursor = s.count }

    /// Draws `prompt` + text on row `y`, scrolled so the cursor stays visible, and places the cursor.
    public func draw(into buffer: inout ScreenBuffer, prompt: String, x: Int, y: Int, width: Int, role: Role) {
        buffer.fill(x: x, y: y, width: width, height: 1, role: role)
        let pw = buffer.put(prompt, x: x, y: y, role: role, maxWidth: width)
        let room = max(1, width - pw - 1)
        let chars = Array(text)
        let before = DisplayWidth.of(String(chars[0..<cursor]))
        // Skip graphemes from the left until the cursor fits.
        var skip = 0, skipped = 0
        while before - skipped > room && skip < chars.count {
            skipped += DisplayWidth.sanitized(chars[skip]).width; skip += 1
        }
        let shown = String(chars[skip...])
        buffer.put(shown, x: x + pw, y: y, role: role, maxWidth: width - pw)
        buffer.cursor = Point(x: min(x + width - 1, x + pw + before - skipped), y: y)
    }
}
