// A multi-line text field with soft word wrap: the group note today, the seed of the notes editor.

public struct TextArea: Hashable, Sendable {
    public static let defaultLimit = 20_000
    static let tabStop = 4
    /// Undo steps kept; older ones are dropped (a snapshot shares unchanged lines, so each is small).
    static let undoDepth = 500

    /// Logical lines (split at hard line breaks), each as grapheme clusters.
    public private(set) var lines: [[Character]]
    /// Insertion point: logical line and grapheme column within it.
    public private(set) var line = 0
    public private(set) var column = 0
    /// Most characters the text may hold, line breaks included.
    public let limit: Int
    /// The wrap width and height of the last layout; Up/Down and paging move through these rows.
    public private(set) var viewWidth: Int
    public private(set) var viewHeight: Int
    /// First display row shown; kept so the view does not jump while the cursor moves inside it.
    public private(set) var scrollTop = 0
    /// Display column Up/Down aim for, so passing a short row does not lose the column.
    private var goalColumn: Int?
    /// The wrapped rows of each logical line at `viewWidth`, kept in step with `lines` so a keystroke
    /// re-wraps one line, not a 2,000-word note.
    private var wrapped: [[Range<Int>]]
    private var undoStack: [Snapshot] = []
    private var redoStack: [Snapshot] = []
    /// What the last edit was, so a run of typed letters (or of Backspaces) undoes as one step.
    private var lastEdit: EditKind?

    private struct Snapshot: Hashable, Sendable {
        var lines: [[Character]]
        var wrapped: [[Range<Int>]]
        var line: Int
        var column: Int
        /// The width `wrapped` was made for: after a resize the rows are made again.
        var width: Int
    }

    private enum EditKind: Hashable, Sendable { case typing, deleting, other }

    public enum Outcome: Hashable, Sendable {
        case edited, moved
        /// Nothing changed, and this sentence says why (the length limit, nothing to undo).
        case refused(String)
        /// Not an editing key: the owner decides (Ctrl-S, Esc).
        case unhandled
    }

    public init(text: String = "", limit: Int = TextArea.defaultLimit, width: Int = 80, height: Int = 10) {
        self.limit = limit
        self.viewWidth = max(1, width); self.viewHeight = max(1, height)
        lines = TextArea.split(TextArea.clean(text))
        wrapped = []
        line = lines.count - 1
        column = lines[line].count
        rewrapAll()
        keepCursorVisible()
    }

    /// The text with real line breaks.
    public var text: String { lines.map { String($0) }.joined(separator: "\n") }
    /// Characters held, counting each line break as one.
    public var count: Int { lines.reduce(lines.count - 1) { $0 + $1.count } }
    public var canUndo: Bool { !undoStack.isEmpty }
    public var canRedo: Bool { !redoStack.isEmpty }

    public mutating func resize(width: Int, height: Int) {
        let w = max(1, width)
        viewHeight = max(1, height)
        if w != viewWidth {
            viewWidth = w
            rewrapAll()
            // Snapshots hold rows at the old width; they are re-wrapped when restored.
        }
        keepCursorVisible()
    }

    private mutating func rewrapAll() {
        wrapped = lines.map { TextArea.rows(of: $0, width: viewWidth) }
    }

    /// Replaces logical lines `range` with `new`, re-wrapping only those.
    private mutating func replaceLines(_ range: Range<Int>, with new: [[Character]]) {
        lines.replaceSubrange(range, with: new)
        wrapped.replaceSubrange(range, with: new.map { TextArea.rows(of: $0, width: viewWidth) })
    }

    private mutating func setLine(_ i: Int, _ chars: [Character]) {
        replaceLines(i..<(i + 1), with: [chars])
    }

    // MARK: - Keys

    public mutating func handle(_ key: Key) -> Outcome {
        let outcome = apply(key)
        switch outcome {
        case .edited, .moved:
            if !key.isVertical { goalColumn = nil }
            if outcome == .moved { lastEdit = nil }
            keepCursorVisible()
        default: break
        }
        return outcome
    }

    private mutating func apply(_ key: Key) -> Outcome {
        switch key {
        case .char(let c):
            // A word and the space after it undo together; the next word starts a new step.
            let kind: EditKind = .typing
            if lastEdit != .typing || (c == " " && column > 0 && lines[line][column - 1] != " ") {
                return insert(String(c), undoAs: kind, forceStep: true)
            }
            return insert(String(c), undoAs: kind, forceStep: false)
        case .paste(let s): return insert(s)
        case .tab: return insert("\t")
        case .enter: return insert("\n")
        case .backspace, .ctrl("h"):
            if column > 0 {
                checkpoint(.deleting)
                var l = lines[line]; l.remove(at: column - 1); column -= 1
                setLine(line, l)
            } else if line > 0 {
                checkpoint(.other)
                let newColumn = lines[line - 1].count
                replaceLines((line - 1)..<(line + 1), with: [lines[line - 1] + lines[line]])
                line -= 1; column = newColumn
            } else { return .moved }
            return .edited
        case .delete, .ctrl("d"):
            if column < lines[line].count {
                checkpoint(.deleting)
                var l = lines[line]; l.remove(at: column)
                setLine(line, l)
            } else if line + 1 < lines.count {
                checkpoint(.other)
                replaceLines(line..<(line + 2), with: [lines[line] + lines[line + 1]])
            } else { return .moved }
            return .edited
        case .ctrl("u"):
            guard column > 0 else { return .moved }
            checkpoint(.other)
            setLine(line, Array(lines[line][column...])); column = 0
            return .edited
        case .ctrl("k"):
            guard column < lines[line].count else { return .moved }
            checkpoint(.other)
            setLine(line, Array(lines[line][..<column]))
            return .edited
        case .ctrl("w"), .altBackspace:
            let (l, c) = previousWordStart()
            guard (l, c) != (line, column) else { return .moved }
            checkpoint(.other)
            deleteRange(from: (l, c), to: (line, column))
            return .edited
        case .alt("d"):
            let (l, c) = nextWordEnd()
            guard (l, c) != (line, column) else { return .moved }
            checkpoint(.other)
            deleteRange(from: (line, column), to: (l, c))
            return .edited
        case .ctrl("z"): return undo()
        case .ctrl("y"): return redo()
        case .left:
            if column > 0 { column -= 1 } else if line > 0 { line -= 1; column = lines[line].count }
            return .moved
        case .right:
            if column < lines[line].count { column += 1 } else if line + 1 < lines.count { line += 1; column = 0 }
            return .moved
        case .ctrlLeft, .alt("b"): (line, column) = previousWordStart(); return .moved
        case .ctrlRight, .alt("f"): (line, column) = nextWordEnd(); return .moved
        case .ctrlHome: line = 0; column = 0; return .moved
        case .ctrlEnd: line = lines.count - 1; column = lines[line].count; return .moved
        case .home, .ctrl("a"): column = rowStart(); return .moved
        case .end, .ctrl("e"): column = rowEnd(); return .moved
        case .up: moveRows(-1); return .moved
        case .down: moveRows(1); return .moved
        case .pageUp: moveRows(-max(1, viewHeight - 1)); return .moved
        case .pageDown: moveRows(max(1, viewHeight - 1)); return .moved
        default: return .unhandled
        }
    }

    // MARK: - Undo

    /// Records the state before an edit as an undo step, unless it continues the previous step
    /// (more letters of the same word, more Backspaces).
    private mutating func checkpoint(_ kind: EditKind, forceStep: Bool = false) {
        defer { lastEdit = kind }
        redoStack.removeAll()
        if !forceStep, kind != .other, lastEdit == kind, !undoStack.isEmpty { return }
        undoStack.append(snapshot)
        if undoStack.count > TextArea.undoDepth { undoStack.removeFirst(undoStack.count - TextArea.undoDepth) }
    }

    private var snapshot: Snapshot { Snapshot(lines: lines, wrapped: wrapped, line: line, column: column, width: viewWidth) }

    private mutating func restore(_ s: Snapshot) {
        lines = s.lines; line = s.line; column = s.column
        if s.width == viewWidth && s.wrapped.count == s.lines.count { wrapped = s.wrapped } else { rewrapAll() }
    }

    public mutating func undo() -> Outcome {
        guard let s = undoStack.popLast() else { return .refused("Nothing to undo.") }
        redoStack.append(snapshot)
        restore(s)
        lastEdit = nil
        return .edited
    }

    public mutating func redo() -> Outcome {
        guard let s = redoStack.popLast() else { return .refused("Nothing to redo.") }
        undoStack.append(snapshot)
        restore(s)
        lastEdit = nil
        return .edited
    }

    // MARK: - Words

    /// Letters, digits and marks make words; an apostrophe inside a word ("don't") belongs to it.
    static func isWordCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "'" || c == "’" || c == "_"
    }

    /// The start of the word before the cursor, crossing line breaks (Ctrl-←, Alt-b, Ctrl-W).
    private func previousWordStart() -> (Int, Int) {
        var l = line, c = column
        // Skip what is not a word (spaces, punctuation, line breaks), then the word itself.
        while true {
            if c == 0 { if l == 0 { return (0, 0) }; l -= 1; c = lines[l].count; continue }
            if TextArea.isWordCharacter(lines[l][c - 1]) { break }
            c -= 1
        }
        while c > 0 && TextArea.isWordCharacter(lines[l][c - 1]) { c -= 1 }
        return (l, c)
    }

    /// The end of the word after the cursor, crossing line breaks (Ctrl-→, Alt-f, Alt-d).
    private func nextWordEnd() -> (Int, Int) {
        var l = line, c = column
        while true {
            if c >= lines[l].count {
                if l + 1 >= lines.count { return (l, lines[l].count) }
                l += 1; c = 0; continue
            }
            if TextArea.isWordCharacter(lines[l][c]) { break }
            c += 1
        }
        while c < lines[l].count && TextArea.isWordCharacter(lines[l][c]) { c += 1 }
        return (l, c)
    }

    /// Removes the text between two positions (from before to) and puts the cursor at `from`.
    private mutating func deleteRange(from a: (Int, Int), to b: (Int, Int)) {
        let joined = Array(lines[a.0][..<a.1]) + Array(lines[b.0][b.1...])
        replaceLines(a.0..<(b.0 + 1), with: [joined])
        line = a.0; column = a.1
    }

    /// Home and End work on the display row, as in a word processor; pressed again at a wrapped
    /// row's edge they go on to the logical line's start or end.
    private func rowStart() -> Int {
        let start = wrapped[line][rowIndexOfCursor(wrapped[line])].lowerBound
        return column == start ? 0 : start
    }

    private func rowEnd() -> Int {
        let rows = wrapped[line]
        let i = rowIndexOfCursor(rows)
        let isLast = i == rows.count - 1
        // A wrapped row's end is the start of the next row: stop just before it (on its hanging space).
        let end = isLast ? lines[line].count : max(rows[i].lowerBound, rows[i].upperBound - 1)
        return column == end ? lines[line].count : end
    }

    private func rowIndexOfCursor(_ rows: [Range<Int>]) -> Int {
        var r = 0
        while r + 1 < rows.count && column >= rows[r].upperBound { r += 1 }
        return r
    }

    /// Inserts typed or pasted text at the cursor; line endings become "\n" and other control
    /// characters are dropped, so a paste from any program stores as plain lines.
    public mutating func insert(_ raw: String) -> Outcome {
        insert(raw, undoAs: .other, forceStep: true)
    }

    private mutating func insert(_ raw: String, undoAs kind: EditKind, forceStep: Bool) -> Outcome {
        let s = TextArea.clean(raw)
        guard !s.isEmpty else { return .moved }
        let added = s.count
        if count + added > limit {
            let room = limit - count
            return .refused(room <= 0
                ? "The note is at its limit of \(TextArea.grouped(limit)) characters."
                : "That would make the note longer than \(TextArea.grouped(limit)) characters (room for \(TextArea.grouped(room)) more); nothing was added.")
        }
        checkpoint(kind, forceStep: forceStep)
        let before = String(lines[line][..<column]), after = String(lines[line][column...])
        var pieces = TextArea.split(s)
        // Rebuilt as strings so a combining mark typed after its base joins that base.
        pieces[0] = Array(before + String(pieces[0]))
        let last = pieces.count - 1
        let newColumn = pieces[last].count
        pieces[last] = Array(String(pieces[last]) + after)
        replaceLines(line..<(line + 1), with: pieces)
        line += last
        column = min(newColumn, lines[line].count)
        return .edited
    }

    static func clean(_ raw: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for u in raw.unicodeScalars {
            defer { afterCR = u == "\r" }
            switch u.value {
            case 0x0A: if !afterCR { out.append(u) }  // CRLF is one line break
            case 0x09: out.append(u)
            case 0x0D, 0x85, 0x2028, 0x2029: out.append("\n")
            case 0..<0x20, 0x7F..<0xA0: continue
            default: out.append(u)
            }
        }
        return String(out)
    }

    /// 20000 as "20,000": the limit message is read by people.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(abs(n)))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func split(_ s: String) -> [[Character]] {
        var out: [[Character]] = [[]]
        for c in s {
            if c == "\n" { out.append([]) } else { out[out.count - 1].append(c) }
        }
        return out
    }

    // MARK: - Layout

    /// One display row: a slice of a logical line.
    public struct Row: Hashable, Sendable {
        public var line: Int
        public var range: Range<Int>
    }

    static func cellWidth(_ c: Character, at col: Int) -> Int {
        c == "\t" ? tabStop - col % tabStop : DisplayWidth.sanitized(c).width
    }

    /// Soft-wraps one logical line to `width` columns: breaks after the last space that fits, or
    /// inside a word longer than the row. A space that would overflow hangs at the end of its row.
    static func rows(of chars: [Character], width: Int) -> [Range<Int>] {
        var rows: [Range<Int>] = []
        var start = 0
        while true {
            var w = 0, i = start
            var lastBreak: Int?
            var hung = false
            while i < chars.count {
                let c = chars[i]
                let cw = cellWidth(c, at: w)
                if c == " " || c == "\t" {
                    if w + cw > width { i += 1; lastBreak = i; hung = true; break }
                    w += cw; i += 1; lastBreak = i
                    continue
                }
                if w + cw > width { break }
                w += cw; i += 1
            }
            if i >= chars.count && !hung {
                rows.append(start..<chars.count)
                // A row filled to the edge leaves the end-of-line cursor on a row of its own.
                if w >= width && chars.count > start { rows.append(chars.count..<chars.count) }
                return rows
            }
            var end = hung ? i : (lastBreak ?? i)
            if end <= start { end = start + 1 }
            rows.append(start..<end)
            start = end
            if start >= chars.count { rows.append(start..<start); return rows }
        }
    }

    /// Every display row of the text at `width`.
    public func layout(width: Int) -> [Row] {
        let w = max(1, width)
        var out: [Row] = []
        out.reserveCapacity(lines.count)
        for i in lines.indices {
            for r in (w == viewWidth ? wrapped[i] : TextArea.rows(of: lines[i], width: w)) {
                out.append(Row(line: i, range: r))
            }
        }
        return out
    }

    /// The display row holding the cursor and its display column. A cursor at the end of a row that
    /// continues belongs to the start of the next row.
    public func cursorPosition(in rows: [Row]) -> (row: Int, col: Int) {
        guard let first = rows.firstIndex(where: { $0.line == line }) else { return (0, 0) }
        var r = first
        while r + 1 < rows.count && rows[r + 1].line == line && column >= rows[r].range.upperBound { r += 1 }
        return (r, displayWidth(line: line, from: rows[r].range.lowerBound, to: column))
    }

    private func displayWidth(line l: Int, from a: Int, to b: Int) -> Int {
        var w = 0
        for i in a..<max(a, b) { w += TextArea.cellWidth(lines[l][i], at: w) }
        return w
    }

    private mutating func moveRows(_ delta: Int) {
        let rows = layout(width: viewWidth)
        let here = cursorPosition(in: rows)
        let goal = goalColumn ?? here.col
        goalColumn = goal
        let target = min(max(0, here.row + delta), rows.count - 1)
        if target == here.row {
            // Already on the first or last row: go to its start or end, like most editors.
            column = delta < 0 ? 0 : (delta > 0 ? lines[line].count : column)
            if delta < 0 && rows[target].range.lowerBound > 0 { column = rows[target].range.lowerBound }
            return
        }
        let row = rows[target]
        let isLastOfLine = target + 1 >= rows.count || rows[target + 1].line != row.line
        var w = 0, c = row.range.lowerBound
        while c < row.range.upperBound {
            let cw = TextArea.cellWidth(lines[row.line][c], at: w)
            if w + cw > goal { break }
            w += cw; c += 1
        }
        // Stay on the target row: its end belongs to the next row unless it ends the line.
        if !isLastOfLine && c >= row.range.upperBound && row.range.count > 0 { c = row.range.upperBound - 1 }
        line = row.line; column = c
    }

    private mutating func keepCursorVisible() {
        let rows = layout(width: viewWidth)
        let r = cursorPosition(in: rows).row
        if r < scrollTop { scrollTop = r }
        if r >= scrollTop + viewHeight { scrollTop = r - viewHeight + 1 }
        scrollTop = max(0, min(scrollTop, max(0, rows.count - 1)))
    }

    // MARK: - Drawing

    /// Draws the visible rows into the rectangle, scrolled so the cursor row shows, and puts the
    /// hardware cursor at the insertion point.
    public func render(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, height: Int, role: Role = .normal) {
        guard width > 0, height > 0 else { return }
        buffer.fill(x: x, y: y, width: width, height: height, role: role)
        let rows = layout(width: width)
        let at = cursorPosition(in: rows)
        var top = min(scrollTop, max(0, rows.count - 1))
        if at.row < top { top = at.row }
        if at.row >= top + height { top = at.row - height + 1 }
        for (offset, r) in rows[top..<min(rows.count, top + height)].enumerated() {
            var shown = "", w = 0
            for c in lines[r.line][r.range] {
                let cw = TextArea.cellWidth(c, at: w)
                shown += c == "\t" ? String(repeating: " ", count: cw) : String(c)
                w += cw
            }
            buffer.put(shown, x: x, y: y + offset, role: role, maxWidth: width)
        }
        buffer.cursor = Point(x: x + min(width - 1, at.col), y: y + at.row - top)
    }
}

extension Key {
    var isVertical: Bool {
        switch self {
        case .up, .down, .pageUp, .pageDown: true
        default: false
        }
    }
}
