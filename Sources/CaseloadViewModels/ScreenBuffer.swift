// The contract between view-models and the front end: a screen is drawn into a grid of
// cells that carry a role, never a colour. The front end maps roles to colours with a theme.

/// What a cell means. Themes map each role to colours and attributes (Themes/*.toml use the raw values).
public enum Role: String, CaseIterable, Sendable, Hashable {
    case normal          // body text
    case dim             // secondary text (MRNs, dates in lists)
    case title           // screen title bar
    case header          // table headers, section headings
    case selection       // the selected row of the focused list
    case selectionDim    // the selected row of a list without focus
    case tabActive
    case tabInactive
    case border
    case statusBar       // bottom bar background
    case statusKey       // key names in the hints
    case commandLine     // the `:` line
    case overdue         // past due (plan reviews, follow-ups)
    case dueSoon         // due within the warning window
    case flag            // client flags, safety alerts
    case absent          // attendance: absent
    case present         // attendance: present
    case positive        // a positive drug screen
    case ok              // good news (signed, met)
    case warning
    case error           // error messages
    case info            // informational messages
    case highlight       // search matches
    case overlay         // help / dialog background
    case overlayTitle
}

/// One terminal cell. A wide character occupies its cell plus a `continuation` cell to its right.
public struct Cell: Hashable, Sendable {
    /// One grapheme cluster (base + combining marks), " " for blank, "" for the right half of a wide character.
    public var text: String
    public var role: Role
    public init(_ text: String = " ", role: Role = .normal) { self.text = text; self.role = role }
    public var isContinuation: Bool { text.isEmpty }
    public static let blank = Cell()
}

public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
    public static let design = Size(width: 80, height: 24)
}

public struct Point: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

/// A frame: width × height cells plus where the hardware cursor sits (screen readers follow it).
public struct ScreenBuffer: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]
    public var cursor: Point?

    public init(size: Size) {
        self.size = size
        self.cells = Array(repeating: .blank, count: max(0, size.width * size.height))
        self.cursor = nil
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    /// Writes `text` at (x, y) with `role`, clipped at `maxWidth` columns (default: to the right edge).
    /// Wide graphemes take two cells; control characters are shown as U+FFFD; a wide grapheme that
    /// would straddle the clip edge is replaced by a space. Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(size.width, x + (maxWidth ?? size.width))
        var col = x
        for g in text {
            if col >= limit { break }
            let (shown, w) = DisplayWidth.sanitized(g)
            if w == 0 { continue }
            if col + w > limit { if col >= 0 { self[col, y] = Cell(" ", role: role) }; col += 1; break }
            if col >= 0 {
                // Overwriting half of a wide character leaves no orphan half behind.
                clearWide(at: col, y: y)
                if w == 2 { clearWide(at: col + 1, y: y) }
                self[col, y] = Cell(shown, role: role)
                if w == 2 { self[col + 1, y] = Cell("", role: role) }
            }
            col += w
        }
        return col - x
    }

    private mutating func clearWide(at x: Int, y: Int) {
        guard x >= 0, x < size.width else { return }
        if self[x, y].isContinuation, x > 0 { self[x - 1, y] = Cell(" ", role: self[x - 1, y].role) }
        if x + 1 < size.width, self[x + 1, y].isContinuation { self[x + 1, y] = Cell(" ", role: self[x + 1, y].role) }
    }

    /// Fills a rectangle with blanks of `role`.
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, role: Role) {
        for row in max(0, y)..<min(size.height, y + height) {
            for col in max(0, x)..<min(size.width, x + width) { self[col, row] = Cell(" ", role: role) }
        }
    }

    /// Re-tags the roles of a span of cells without touching their text (selection bars).
    public mutating func setRole(_ role: Role, x: Int, y: Int, width: Int) {
        guard y >= 0, y < size.height else { return }
        for col in max(0, x)..<min(size.width, x + width) { self[col, y].role = role }
    }

    /// The text of one row (continuation cells dropped, trailing spaces trimmed).
    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<size.width { s += self[x, y].text }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    /// The whole frame as text, one line per row: what golden files hold.
    public var text: String { (0..<size.height).map(line).joined(separator: "\n") + "\n" }

    /// A role layer: one letter per cell (see `Role.code`), for golden files that check roles.
    public var roleText: String {
        (0..<size.height).map { y in String((0..<size.width).map { self[$0, y].role.code }) }
            .joined(separator: "\n") + "\n"
    }
}

extension Role {
    /// A one-character code per role, for role-layer golden files.
    public var code: Character {
        switch self {
        case .normal: "."
        case .dim: "d"
        case .title: "T"
        case .header: "H"
        case .selection: "S"
        case .selectionDim: "s"
        case .tabActive: "A"
        case .tabInactive: "a"
        case .border: "|"
        case .statusBar: "B"
        case .statusKey: "K"
        case .commandLine: ":"
        case .overdue: "!"
        case .dueSoon: "~"
        case .flag: "F"
        case .absent: "X"
        case .present: "P"
        case .positive: "+"
        case .ok: "o"
        case .warning: "W"
        case .error: "E"
        case .info: "i"
        case .highlight: "h"
        case .overlay: "O"
        case .overlayTitle: "t"
        }
    }
}
