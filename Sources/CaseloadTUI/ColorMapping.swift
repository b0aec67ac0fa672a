// Mapping theme colours down to what the terminal has (256, 16, 8 colours or none), and roles to
// resolved styles with one colour pair per distinct (fg, bg). Pure: tests need no terminal.
import CaseloadViewModels

/// What the terminal can show, decided once at start-up from COLORS, has_colors() and NO_COLOR.
public enum ColorDepth: Hashable, Sendable {
    case none          // monochrome: attributes only
    case eight
    case sixteen
    case indexed256
    case direct        // 24-bit terminals (xterm-direct): colour numbers above 7 are 0xRRGGBB

    public init(colors: Int, hasColors: Bool, noColor: Bool) {
        if noColor || !hasColors || colors < 8 { self = .none }
        else if colors >= 0x1000000 { self = .direct }
        else if colors >= 256 { self = .indexed256 }
        else if colors >= 16 { self = .sixteen }
        else { self = .eight }
    }
}

public enum ColorMapper {
    /// xterm's default values for the 16 basic colours: what "nearest" is measured against.
    static let basic: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    /// The RGB value of an xterm 256-colour index.
    public static func rgb(ofIndex i: Int) -> (Int, Int, Int) {
        switch i {
        case 0..<16: return basic[i]
        case 16..<232:
            let n = i - 16
            return (cubeLevels[n / 36], cubeLevels[n / 6 % 6], cubeLevels[n % 6])
        default:
            let v = 8 + 10 * (min(i, 255) - 232)
            return (v, v, v)
        }
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr + dg * dg + db * db
    }

    /// Nearest xterm-256 index, searching only 16–255: the first 16 differ from terminal to terminal.
    public static func nearest256(_ c: (Int, Int, Int)) -> Int {
        var best = 16, bestD = Int.max
        for i in 16..<256 {
            let d = distance(c, rgb(ofIndex: i))
            if d < bestD { best = i; bestD = d }
        }
        return best
    }

    /// Nearest of the first `count` basic colours (8 or 16).
    public static func nearestBasic(_ c: (Int, Int, Int), count: Int) -> Int {
        var best = 0, bestD = Int.max
        for i in 0..<min(count, 16) {
            let d = distance(c, basic[i])
            if d < bestD { best = i; bestD = d }
        }
        return best
    }

    /// The curses colour number for `color` at `depth` (-1 = the terminal's default), and whether
    /// the foreground should be bold to stand in for a bright colour an 8-colour terminal lacks.
    public static func terminalColor(_ color: ThemeColor, depth: ColorDepth, foreground: Bool) -> (number: Int, bold: Bool) {
        if depth == .none { return (-1, false) }
        switch color {
        case .terminalDefault:
            return (-1, false)
        case .named(let i):
            switch depth {
            case .eight: return (i % 8, foreground && i >= 8)
            case .direct where i >= 8: return (directValue(basic[i]), false)
            default: return (i, false)
            }
        case .index(let i):
            switch depth {
            case .indexed256: return (i, false)
            case .direct: return (i < 8 ? i : directValue(rgb(ofIndex: i)), false)
            case .sixteen: return (i < 16 ? i : nearestBasic(rgb(ofIndex: i), count: 16), false)
            case .eight:
                if i < 16 { return (i % 8, foreground && i >= 8) }
                return (nearestBasic(rgb(ofIndex: i), count: 8), false)
            case .none: return (-1, false)
            }
        case .rgb(let r, let g, let b):
            let c = (Int(r), Int(g), Int(b))
            switch depth {
            case .indexed256: return (nearest256(c), false)
            case .direct: return (directValue(c), false)
            case .sixteen: return (nearestBasic(c, count: 16), false)
            case .eight: return (nearestBasic(c, count: 8), false)
            case .none: return (-1, false)
            }
        }
    }

    /// Direct-colour terminals read 0–7 as palette entries, so a near-black RGB value is nudged above them.
    static func directValue(_ c: (Int, Int, Int)) -> Int {
        max(8, c.0 << 16 | c.1 << 8 | c.2)
    }

    /// Approximate RGB of a curses colour number at `depth`, to judge contrast.
    static func approximateRGB(_ number: Int, depth: ColorDepth) -> (Int, Int, Int)? {
        guard number >= 0 else { return nil }
        if depth == .direct, number >= 8 { return (number >> 16 & 0xFF, number >> 8 & 0xFF, number & 0xFF) }
        return rgb(ofIndex: number)
    }
}

/// A role as the blitter draws it: curses colour numbers (-1 = default), attributes and a pair number.
public struct ResolvedStyle: Hashable, Sendable {
    public var fg: Int
    public var bg: Int
    public var attributes: ThemeAttributes
    /// 0 = the terminal's default pair; 1… = allocated pairs.
    public var pair: Int
}

/// The styles of every role for one theme at one colour depth.
public struct ResolvedTheme: Sendable, Equatable {
    public let styles: [Role: ResolvedStyle]
    /// Colour pairs to initialise: pair number → (fg, bg).
    public let pairs: [(fg: Int, bg: Int)]

    public static func == (a: ResolvedTheme, b: ResolvedTheme) -> Bool {
        a.styles == b.styles && a.pairs.elementsEqual(b.pairs, by: { $0.fg == $1.fg && $0.bg == $1.bg })
    }

    /// Attributes that make a role stand out without colour, so nothing depends on colour.
    public static let emphasis: [Role: ThemeAttributes] = [
        .selection: [.reverse],
        .selectionDim: [.underline],
        .title: [.reverse, .bold],
        .statusBar: [.reverse],
        .statusKey: [.reverse, .bold],
        .tabActive: [.reverse, .bold],
        .overdue: [.bold, .underline],
        .error: [.reverse, .bold],
        .overlayTitle: [.reverse, .bold],
        .header: [.bold],
        .highlight: [.bold, .underline],
        .dim: [.dim],
    ]

    /// Roles that must look different from body text whatever the palette collapses to.
    static let mustStandOut: [Role] = [.selection, .title, .statusBar, .overdue, .error, .tabActive]

    public init(theme: Theme, depth: ColorDepth) {
        let mono = depth == .none || theme.isMonochrome
        var styles: [Role: ResolvedStyle] = [:]
        var pairIndex: [Pair: Int] = [:]
        var pairs: [(fg: Int, bg: Int)] = [(-1, -1)]

        func pairNumber(_ fg: Int, _ bg: Int) -> Int {
            if fg == -1 && bg == -1 { return 0 }
            if let n = pairIndex[Pair(fg: fg, bg: bg)] { return n }
            pairs.append((fg, bg))
            pairIndex[Pair(fg: fg, bg: bg)] = pairs.count - 1
            return pairs.count - 1
        }

        var normalResolved: ResolvedStyle?
        // normal first: other roles are compared with it.
        let order = [Role.normal] + Role.allCases.filter { $0 != .normal }
        for role in order {
            let style = theme.style(for: role)
            var attrs = style.attributes
            if mono {
                if theme.isMonochrome && theme.declared[role] != nil {
                    // An attributes-only theme was designed that way: take its choices as written.
                } else {
                    attrs.formUnion(Self.emphasis[role] ?? [])
                }
                styles[role] = ResolvedStyle(fg: -1, bg: -1, attributes: attrs, pair: 0)
                if role == .normal { normalResolved = styles[role] }
                continue
            }
            let (fgNumber, fgBold) = ColorMapper.terminalColor(style.fg, depth: depth, foreground: true)
            let (bgNumber, _) = ColorMapper.terminalColor(style.bg, depth: depth, foreground: false)
            var fg = fgNumber
            let bg = bgNumber
            if fgBold { attrs.insert(.bold) }
            if fg == bg, fg != -1, let rgb = ColorMapper.approximateRGB(bg, depth: depth) {
                // Both colours collapsed onto one palette entry: text would vanish.
                let light = rgb.0 * 3 + rgb.1 * 6 + rgb.2 > 128 * 10
                fg = light ? 0 : (depth == .eight ? 7 : 15)
            }
            if let normal = normalResolved, role != .normal {
                let looksLikeBody = Self.mustStandOut.contains(role)
                    && fg == normal.fg && bg == normal.bg && attrs == normal.attributes
                // The theme meant a bar (its own background) but the palette lost it: black is taken
                // to be what a default background looks like, as it is on most terminals.
                let barLost = style.bg != theme.style(for: .normal).bg
                    && (bg == normal.bg || (normal.bg == -1 && bg == 0))
                if looksLikeBody || barLost { attrs.formUnion(Self.emphasis[role] ?? []) }
            }
            let resolved = ResolvedStyle(fg: fg, bg: bg, attributes: attrs, pair: pairNumber(fg, bg))
            styles[role] = resolved
            if role == .normal { normalResolved = resolved }
        }
        self.styles = styles
        self.pairs = pairs
    }

    private struct Pair: Hashable { let fg: Int; let bg: Int }

    public func style(for role: Role) -> ResolvedStyle {
        styles[role] ?? ResolvedStyle(fg: -1, bg: -1, attributes: [], pair: 0)
    }
}
