// The `?` overlay: every binding and `:` command, generated from the key map, scrollable.

public struct HelpState: Hashable, Sendable {
    public var lines: [StyledLine]
    public var cursor: ListCursor
    public var frame: Rect

    public init(size: Size, keyMap: KeyMap, scopes: [KeyScope]) {
        frame = HelpState.frame(for: size)
        lines = HelpState.lines(keyMap: keyMap, scopes: scopes, width: frame.width - 4)
        cursor = ListCursor(count: lines.count, pageSize: max(1, frame.height - 2))
    }

    mutating func resize(to size: Size, keyMap: KeyMap, scopes: [KeyScope]) {
        frame = HelpState.frame(for: size)
        lines = HelpState.lines(keyMap: keyMap, scopes: scopes, width: frame.width - 4)
        cursor.setCount(lines.count)
        cursor.setPageSize(max(1, frame.height - 2))
    }

    static func frame(for size: Size) -> Rect {
        let w = min(size.width - 4, 72), h = size.height - 4
        return Rect(x: (size.width - w) / 2, y: 2, width: w, height: h)
    }

    /// This screen's keys first, then the rest, then the commands.
    static func lines(keyMap: KeyMap, scopes: [KeyScope], width: Int) -> [StyledLine] {
        let order = scopes + KeyScope.allCases.filter { !scopes.contains($0) }
        var out: [StyledLine] = []
        let keyWidth = 16
        for scope in order {
            let bindings = keyMap.bindings.filter { $0.scope == scope }
            guard !bindings.isEmpty else { continue }
            if !out.isEmpty { out.append(StyledLine()) }
            out.append(StyledLine(scope.title + (scopes.contains(scope) && scope != .global ? " (here)" : ""), .overlayTitle))
            for b in bindings {
                if DisplayWidth.of(b.keyNames) >= keyWidth {
                    // Too many keys for the column: keys on their own row rather than cut short.
                    out.append(StyledLine("  " + b.keyNames, .statusKey))
                    out += TextWrap.wrap(b.label, width: width, prefix: String(repeating: " ", count: keyWidth + 2),
                                         role: .overlay)
                } else {
                    out += TextWrap.wrap(b.label, width: width, prefix: "  " + DisplayWidth.pad(b.keyNames, to: keyWidth),
                                         role: .overlay, prefixRole: .statusKey)
                }
            }
        }
        out.append(StyledLine())
        out.append(StyledLine("Commands (type : then the command, Tab completes)", .overlayTitle))
        for c in CommandPrompt.commands {
            out += TextWrap.wrap(c.summary, width: width, prefix: "  " + DisplayWidth.pad(c.usage, to: keyWidth),
                                 role: .overlay, prefixRole: .statusKey)
        }
        out.append(StyledLine())
        out.append(StyledLine("Markers", .overlayTitle))
        for (m, meaning) in [(">", "the selected row"), ("!", "overdue (plan review, follow-up)"),
                             ("~", "plan review due soon"), ("[x] / [ ]", "done / not done (notes, signatures)"),
                             ("[P] [A] [E] [L] [O]", "present, absent, excused, late, left early"),
                             ("A (Flags, Home)", "absent from the last group sessions in a row"),
                             ("U (Flags)", "fewer than 8 random drug screens in the last 12 months"),
                             ("C S P …", "client flags, by first letter"), ("▲ / ▼", "sort column and direction")] {
            out += TextWrap.wrap(meaning, width: width, prefix: "  " + DisplayWidth.pad(m, to: keyWidth),
                                 role: .overlay, prefixRole: .statusKey)
        }
        return out
    }

    func render(into buffer: inout ScreenBuffer) {
        let f = frame
        buffer.fill(x: f.x, y: f.y, width: f.width, height: f.height, role: .overlay)
        let horizontal = String(repeating: "─", count: max(0, f.width - 2))
        buffer.put("┌" + horizontal + "┐", x: f.x, y: f.y, role: .border)
        buffer.put("└" + horizontal + "┘", x: f.x, y: f.y + f.height - 1, role: .border)
        for y in (f.y + 1)..<(f.y + f.height - 1) {
            buffer.put("│", x: f.x, y: y, role: .border)
            buffer.put("│", x: f.x + f.width - 1, y: y, role: .border)
        }
        buffer.put(" Help: keys and commands ", x: f.x + 2, y: f.y, role: .overlayTitle)
        if lines.count > cursor.pageSize {
            let pos = " \(min(lines.count, cursor.top + cursor.pageSize))/\(lines.count) "
            buffer.put(pos, x: f.x + f.width - 2 - DisplayWidth.of(pos), y: f.y + f.height - 1, role: .border)
        }
        for (offset, i) in cursor.visible.enumerated() {
            lines[i].draw(into: &buffer, x: f.x + 2, y: f.y + 1 + offset, width: f.width - 4)
        }
        buffer.cursor = Point(x: f.x + 2, y: f.y + 1)
    }
}
