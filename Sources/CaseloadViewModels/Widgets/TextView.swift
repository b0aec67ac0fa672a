// A scrollable list of prepared lines with a focused row: read-only tabs, the note, the help overlay.

public struct LinesView: Hashable, Sendable {
    public var lines: [StyledLine]
    public var cursor: ListCursor

    public init(lines: [StyledLine] = [], pageSize: Int = 1) {
        self.lines = lines
        self.cursor = ListCursor(count: lines.count, pageSize: pageSize)
    }

    public init(lines: [StyledLine], cursor: ListCursor) { self.lines = lines; self.cursor = cursor }

    public mutating func setLines(_ new: [StyledLine]) { lines = new; cursor.setCount(new.count) }

    /// Draws visible lines; the focused one is marked with `>` and the selection role when `marker`.
    public func draw(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, marker: Bool, focused: Bool = true) {
        let gutter = marker ? 2 : 0
        for (offset, i) in cursor.visible.enumerated() {
            lines[i].draw(into: &buffer, x: x + gutter, y: y + offset, width: width - gutter)
            if marker && i == cursor.selected {
                buffer.put(">", x: x, y: y + offset)
                buffer.setRole(focused ? .selection : .selectionDim, x: x, y: y + offset, width: width)
            }
            if i == cursor.selected && focused { buffer.cursor = Point(x: x, y: y + offset) }
        }
    }
}

/// Applies the movement commands every list understands; returns false for anything else.
extension ListCursor {
    public mutating func apply(_ command: Command) -> Bool {
        switch command {
        case .moveDown: move(by: 1)
        case .moveUp: move(by: -1)
        case .pageDown: pageDown()
        case .pageUp: pageUp()
        case .first: first()
        case .last: last()
        default: return false
        }
        return true
    }
}
