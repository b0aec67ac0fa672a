// The frame around every screen: title bar, message line, status bar, and the too-small notice.
import CaseloadCore

enum Chrome {
    /// Screen name on the left, the user and today's date on the right, the program between when it fits.
    static func titleBar(into buffer: inout ScreenBuffer, screen: String, program: String, staff: Staff, today: Day) {
        let w = buffer.size.width
        buffer.fill(x: 0, y: 0, width: w, height: 1, role: .title)
        let left = " Caseload · \(screen)"
        let date = Format.longDate(today)
        var user = "\(staff.displayName) (\(staff.role.label))"
        let leftW = DisplayWidth.of(left)
        // The user name gives way before the date does: the date is what a counselor checks.
        let room = w - leftW - DisplayWidth.of(date) - 5
        if DisplayWidth.of(user) > room { user = DisplayWidth.truncate(staff.displayName, to: max(0, room)) }
        let right = user.isEmpty ? "\(date) " : "\(user) · \(date) "
        let rightW = DisplayWidth.of(right)
        buffer.put(left, x: 0, y: 0, role: .title)
        buffer.put(right, x: max(leftW + 1, w - rightW), y: 0, role: .title)
        let gap = w - leftW - rightW - 4
        if gap >= 8 {
            let p = DisplayWidth.truncate(program, to: gap)
            let px = leftW + 2 + (gap - DisplayWidth.of(p)) / 2
            buffer.put(p, x: px, y: 0, role: .title)
        }
    }

    static func message(into buffer: inout ScreenBuffer, _ m: Message, y: Int) {
        let text = DisplayWidth.truncate(m.text, to: buffer.size.width - 1)
        buffer.put(text, x: 1, y: y, role: m.role)
    }

    /// Key hints generated from the key map, as many as fit.
    static func statusBar(into buffer: inout ScreenBuffer, hints: [(keys: String, label: String)], y: Int) {
        let w = buffer.size.width
        buffer.fill(x: 0, y: y, width: w, height: 1, role: .statusBar)
        // Always keep the last hints (help, quit) and drop the ones before them that do not fit.
        var chosen = hints
        func width(_ h: [(keys: String, label: String)]) -> Int {
            h.reduce(0) { $0 + DisplayWidth.of($1.keys) + DisplayWidth.of($1.label) + 3 }
        }
        while width(chosen) > w - 1, chosen.count > 2 { chosen.remove(at: chosen.count - 3) }
        var x = 1
        for h in chosen {
            x += buffer.put(h.keys, x: x, y: y, role: .statusKey)
            x += buffer.put(" " + h.label + "  ", x: x, y: y, role: .statusBar)
        }
    }
}

enum TooSmall {
    static func render(into buffer: inout ScreenBuffer, minimum: Size) {
        let s = buffer.size
        let text = "Terminal too small: \(s.width)×\(s.height). Caseload needs at least "
            + "\(minimum.width)×\(minimum.height). Enlarge the window, or press Q to quit."
        let lines = TextWrap.wrap(text, width: max(1, s.width - 2))
        let top = max(0, (s.height - lines.count) / 2)
        for (i, l) in lines.enumerated() where top + i < s.height {
            let x = max(0, (s.width - DisplayWidth.of(l)) / 2)
            buffer.put(l, x: x, y: top + i, role: .warning)
        }
        buffer.cursor = Point(x: 0, y: min(s.height - 1, top))
    }
}
