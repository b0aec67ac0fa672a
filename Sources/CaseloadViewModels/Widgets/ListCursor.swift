// Selection and scroll position of a list, kept so the selection is always inside the window.

public struct ListCursor: Hashable, Sendable {
    public private(set) var selected: Int = 0
    public private(set) var top: Int = 0
    public private(set) var count: Int = 0
    /// Rows visible at once; set by the screen from the terminal size.
    public private(set) var pageSize: Int = 1

    public init(count: Int = 0, pageSize: Int = 1) {
        self.count = max(0, count)
        self.pageSize = max(1, pageSize)
    }

    public var isEmpty: Bool { count == 0 }
    /// The rows to draw: never more than a page, whatever the count.
    public var visible: Range<Int> { top..<min(count, top + pageSize) }

    public mutating func setCount(_ n: Int) { count = max(0, n); clamp() }
    public mutating func setPageSize(_ n: Int) { pageSize = max(1, n); clamp() }

    public mutating func select(_ i: Int) { selected = i; clamp() }
    public mutating func move(by delta: Int) { select(selected + delta) }
    public mutating func pageDown() { select(selected + pageSize) }
    public mutating func pageUp() { select(selected - pageSize) }
    public mutating func first() { select(0) }
    public mutating func last() { select(count - 1) }
    /// Puts the selection and the window back where they were (a reload), as far as the count allows.
    public mutating func restore(selected: Int, top: Int) {
        self.selected = selected; self.top = top
        clamp()
    }

    /// Scrolls as a text view does: moves the window, dragging the selection along when needed.
    public mutating func scroll(by delta: Int) {
        top = max(0, min(top + delta, max(0, count - pageSize)))
        if selected < top { selected = top }
        if selected >= top + pageSize { selected = top + pageSize - 1 }
        clamp()
    }

    private mutating func clamp() {
        if count == 0 { selected = 0; top = 0; return }
        selected = max(0, min(selected, count - 1))
        if selected < top { top = selected }
        if selected >= top + pageSize { top = selected - pageSize + 1 }
        top = max(0, min(top, max(0, count - pageSize)))
    }
}
