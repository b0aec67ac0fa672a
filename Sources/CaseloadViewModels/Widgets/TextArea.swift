// A multi-line text field with soft word wrap: the group note today, the seed of the notes editor.

public struct TextArea: Hashable, Sendable {
    public static let defaultLimit = 20_000
    static let tabStop = 4

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

    public enum Outcome: Hashable, Sendable {
        case edited, moved
        /// Nothing changed, and this sentence says why (the length limit).
        case refused(String)
        /// Not an editing key: the owner decides (Ctrl-S, Esc).
        case unhandled
    }

    public init(text: String = "", limit: Int = TextArea.defaultLimit, width: Int = 80, height: Int = 10) {
        self.limit = limit
        self.viewWidth = max(1, width); self.viewHeight = max(1, height)
        lines = TextArea.split(TextArea.clean(text))
        line = lines.count - 1
        column = lines[line].count
        keepCursorVisible()
    }

    /// The text with real line breaks.
    public var text: String { lines.map { String($0) }.joined(separator: "\n") }
    /// Characters held, counting each line break as one.
    public var count: Int { lines.reduce(lines.count - 1) { $0 + $1.count } }

    public mutating func resize(width: Int, height: Int) {
        viewWidth = max(1, width); viewHeight = max(1, height)
        keepCursorVisible()
    }

    // MARK: - Keys

    public mutating func handle(_ key: Key) -> Outcome {
        let outcome = apply(key)
        switch outcome {
        case .edited, .moved:
            if !key.isVertical { goalColumn = nil }
            keepCursorVisible()
        default: break
        }
        return outcome
    }

    private mutating func apply(_ key: Key) -> Outcome {
        switch key {
        case .char(let c): return insert(String(c))
        case .paste(let s): return insert(s)
        case .tab: return insert("\t")
        case .enter: return insert("\n")
        case .backspace, .ctrl("h"):
            if column > 0 {
                lines[line].remove(at: column - 1); column -= 1
            } else if line > 0 {
                column = lines[line - 1].count
                lines[line - 1] += lines[line]
                lines.remove(at: line); line -= 1
            } else { return .moved }
            return .edited
        case .delete, .ctrl("d"):
            if column < lines[line].count {
                lines[line].remove(at: column)
            } else if line + 1 < lines.count {
                lines[line] += lines[line + 1]
                lines.remove(at: line + 1)
            } else { return .moved }
            return .edited
        case .ctrl("u"):
            lines[line].removeSubrange(0..<column); column = 0; return .edited
        case .ctrl("k"):
            lines[line].removeSubrange(column...); return .edited
        case .left:
            if column > 0 { column -= 1 } else if line > 0 { line -= 1; column = lines[line].count }
            return .moved
        case .right:
            if column < lines[line].count { column += 1 } else if line + 1 < lines.count { line += 1; column = 0 }
            return .moved
        case .home, .ctrl("a"): column = 0; return .moved
        case .end, .ctrl("e"): column = lines[line].count; return .moved
        case .up: moveRows(-1); return .moved
        case .down: moveRows(1); return .moved
        case .pageUp: moveRows(-max(1, viewHeight - 1)); return .moved
        case .pageDown: moveRows(max(1, viewHeight - 1)); return .moved
        default: return .unhandled
        }
    }

    /// Inserts typed or pasted text at the cursor; line endings become "\n" and other control
    /// characters are dropped, so a paste from any program stores as plain lines.
    public mutating func insert(_ raw: String) -> Outcome {
        let s = TextArea.clean(raw)
        guard !s.isEmpty else { return .moved }
        let added = s.count
        if count + added > limit {
            let room = limit - count
            return .refused(room <= 0
                ? "The note is at its limit of \(TextArea.grouped(limit)) characters."
                : "That would make the note longer than \(TextArea.grouped(limit)) characters (room for \(TextArea.grouped(room)) more); nothing was added.")
        }
        let before = String(lines[line][..<column]), after = String(lines[line][column...])
        var pieces = TextArea.split(s)
        // Rebuilt as strings so a combining mark typed after its base joins that base.
        pieces[0] = Array(before + String(pieces[0]))
        let last = pieces.count - 1
        let newColumn = pieces[last].count
        pieces[last] = Array(String(pieces[last]) + after)
        lines.replaceSubrange(line...line, with: pieces)
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
        var out: [Row] = []
        for (i, l) in lines.enumerated() {
            for r in TextArea.rows(of: l, width: max(1, width)) { out.append(Row(line: i, range: r)) }
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
