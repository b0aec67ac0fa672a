// One row of tabs; the active tab is bracketed as well as coloured so it reads without colour.

public enum TabBar {
    /// Draws `titles` (falling back to `shortTitles` when the full ones do not fit); returns columns used.
    @discardableResult
    public static func draw(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int,
                            titles: [String], shortTitles: [String], active: Int) -> Int {
        buffer.fill(x: x, y: y, width: width, height: 1, role: .tabInactive)
        func total(_ t: [String]) -> Int { t.reduce(0) { $0 + DisplayWidth.of($1) + 2 } }
        var names = total(titles) <= width ? titles : shortTitles
        if total(names) > width {
            // Still too wide: keep the active tab and its neighbours, number the others.
            names = names.enumerated().map { i, n in abs(i - active) <= 1 ? n : "\(i + 1)" }
        }
        var col = x
        for (i, name) in names.enumerated() {
            let isActive = i == active
            let label = isActive ? "[\(name)]" : " \(name) "
            col += buffer.put(label, x: col, y: y, role: isActive ? .tabActive : .tabInactive, maxWidth: x + width - col)
        }
        return col - x
    }
}
