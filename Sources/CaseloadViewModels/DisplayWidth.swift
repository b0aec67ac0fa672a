// Terminal column widths of grapheme clusters, in pure Swift (view-models cannot ask curses).
// Follows what glibc's wcwidth reports for the base scalar, so the grid and the terminal agree.

public enum DisplayWidth {
    /// Columns taken by `text` on a terminal.
    public static func of(_ text: String) -> Int {
        var w = 0
        for g in text { w += sanitized(g).width }
        return w
    }

    /// The grapheme as it should be drawn, and its width (0, 1 or 2). Control characters become
    /// U+FFFD so that a stray escape in stored text can never drive the terminal.
    public static func sanitized(_ g: Character) -> (text: String, width: Int) {
        // Most of a frame is ASCII: answer it without walking scalars (a keystroke redraws every cell).
        if let a = g.asciiValue {
            if a < 0x20 || a == 0x7F { return ("\u{FFFD}", 1) }
            return (String(g), 1)
        }
        guard let first = g.unicodeScalars.first else { return ("", 0) }
        let v = first.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) || v == 0x2028 || v == 0x2029 { return ("\u{FFFD}", 1) }
        if g.unicodeScalars.contains(where: { isBidiControl($0.value) }) {
            // Direction overrides could reorder the rest of the line; show them as replacement.
            return ("\u{FFFD}", 1)
        }
        if isZeroWidth(v) {
            // A lone combining mark or zero-width scalar at the start of a cluster: give it a base.
            return g.unicodeScalars.count == 1 && isCombining(v) ? ("\u{25CC}" + String(g), 1) : ("", 0)
        }
        let scalars = g.unicodeScalars
        if scalars.count > 1, scalars.contains(where: { $0.value == 0xFE0F }) { return (String(g), 2) }
        return (String(g), isWide(v) ? 2 : 1)
    }

    static func isBidiControl(_ v: UInt32) -> Bool {
        (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    static func isCombining(_ v: UInt32) -> Bool {
        (0x0300...0x036F).contains(v) || (0x1AB0...0x1AFF).contains(v) || (0x1DC0...0x1DFF).contains(v)
            || (0x20D0...0x20FF).contains(v) || (0xFE20...0xFE2F).contains(v)
    }

    static func isZeroWidth(_ v: UInt32) -> Bool {
        isCombining(v) || v == 0x200B || v == 0x200C || v == 0x200D || v == 0x2060 || v == 0xFEFF
            || (0xFE00...0xFE0F).contains(v)
    }

    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF,
        0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F320, 0x1F32D...0x1F335,
        0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0,
        0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC, 0x1F4FF...0x1F53D,
        0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A, 0x1F595...0x1F596, 0x1F5A4...0x1F5A4,
        0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7,
        0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB, 0x1F7F0...0x1F7F0,
        0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD,
        0x30000...0x3FFFD,
    ]

    static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        var lo = 0, hi = wideRanges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = wideRanges[mid]
            if v < r.lowerBound { hi = mid - 1 } else if v > r.upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }

    /// Truncates `text` to at most `width` columns, ending with "…" when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        var out = "", w = 0
        for g in text {
            let cw = sanitized(g).width
            if w + cw > width - 1 { break }
            out.append(g); w += cw
        }
        return out + "…"
    }

    /// Pads with spaces (or truncates) to exactly `width` columns.
    public static func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        let t = truncate(text, to: width)
        let gap = max(0, width - of(t))
        return alignRight ? String(repeating: " ", count: gap) + t : t + String(repeating: " ", count: gap)
    }
}
