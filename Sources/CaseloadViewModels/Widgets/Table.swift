// A column table that draws only its visible rows, so a frame costs the same for 50 or 5,000 rows.

public struct TableColumn: Hashable, Sendable {
    public var title: String
    /// Fixed width, or the minimum width of the one flexible column.
    public var width: Int
    public var flexible: Bool
    public var alignRight: Bool
    /// Columns with a lower priority are dropped first when the terminal is narrow.
    public var priority: Int
    public init(_ title: String, width: Int, flexible: Bool = false, alignRight: Bool = false, priority: Int = 100) {
        self.title = title; self.width = width; self.flexible = flexible; self.alignRight = alignRight
        self.priority = priority
    }
}

public struct TableLayout: Hashable, Sendable {
    public struct Slot: Hashable, Sendable { public var column: Int; public var x: Int; public var width: Int }
    public var slots: [Slot]

    /// Lays out columns in `width` columns after a `leading` gutter (the selection marker),
    /// one space between columns, dropping low-priority columns until the rest fit.
    public static func make(_ columns: [TableColumn], width: Int, leading: Int = 2) -> TableLayout {
        var kept = Array(columns.indices)
        func need(_ idx: [Int]) -> Int {
            leading + idx.reduce(0) { $0 + columns[$1].width } + max(0, idx.count - 1)
        }
        while need(kept) > width, kept.count > 1 {
            let drop = kept.filter { !columns[$0].flexible }.min { columns[$0].priority < columns[$1].priority }
            guard let d = drop else { break }
            kept.removeAll { $0 == d }
        }
        let spare = max(0, width - need(kept))
        var x = leading
        var slots: [Slot] = []
        for i in kept {
            var w = columns[i].width
            if columns[i].flexible { w += spare }
            w = min(w, max(0, width - x))
            slots.append(Slot(column: i, x: x, width: w))
            x += w + 1
        }
        return TableLayout(slots: slots)
    }

    public func contains(column: Int) -> Bool { slots.contains { $0.column == column } }
}

public enum TableView {
    /// Draws the header and the visible rows; the selected row gets a `>` marker, the selection role
    /// over the marker and its first column, and the hardware cursor. `cell(row, column)` is asked only
    /// for rows on screen. The bar stops after the first column on purpose: terminals cannot recolour
    /// cells without resending them, so a full-width bar costs ~300 bytes per move over a slow SSH link
    /// (SPEC §8 allows 150); the `>` marker and the cursor already say which row is selected.
    public static func draw(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, height: Int,
                            columns: [TableColumn], layout: TableLayout, headerTitles: [String]? = nil,
                            cursor: ListCursor, focused: Bool = true,
                            cell: (_ row: Int, _ column: Int) -> StyledLine) {
        guard height > 0, width > 0 else { return }
        buffer.fill(x: x, y: y, width: width, height: 1, role: .header)
        for slot in layout.slots {
            let title = headerTitles?[slot.column] ?? columns[slot.column].title
            buffer.put(DisplayWidth.pad(title, to: slot.width, alignRight: columns[slot.column].alignRight),
                       x: x + slot.x, y: y, role: .header, maxWidth: slot.width)
        }
        let rowsTop = y + 1
        for (offset, row) in cursor.visible.enumerated() where offset < height - 1 {
            let ry = rowsTop + offset
            let isSelected = row == cursor.selected
            for slot in layout.slots {
                var line = cell(row, slot.column).truncated(to: slot.width)
                if columns[slot.column].alignRight {
                    let gap = max(0, slot.width - line.width)
                    line.spans.insert(Span(String(repeating: " ", count: gap)), at: 0)
                }
                line.draw(into: &buffer, x: x + slot.x, y: ry, width: slot.width)
            }
            if isSelected {
                buffer.put(">", x: x, y: ry)
                let barWidth = layout.slots.first.map { $0.x + $0.width } ?? width
                buffer.setRole(focused ? .selection : .selectionDim, x: x, y: ry, width: min(width, barWidth))
                if focused { buffer.cursor = Point(x: x, y: ry) }
            }
        }
    }
}
