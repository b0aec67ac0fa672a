// The only code that talks to ncurses: terminal set-up and restore, reading keys, and blitting
// a ScreenBuffer with a theme (only the cells that changed since the last frame).
import CNcurses
import CaseloadCore
import CaseloadViewModels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class Terminal {
    /// Terminal types tried, in order, when $TERM names one this system has no description for.
    static let fallbackTypes = ["xterm", "vt100", "dumb"]
    static let bracketedPasteOn = "\u{1B}[?2004h"
    static let bracketedPasteOff = "\u{1B}[?2004l"

    let depth: ColorDepth
    /// A sentence for the message line when $TERM was not usable and a fallback was chosen.
    let notice: String?

    private let screen: OpaquePointer
    private let files: (out: UnsafeMutablePointer<FILE>, in: UnsafeMutablePointer<FILE>)
    private let defaultColors: Bool
    private let pairLimit: Int
    private var previous: ScreenBuffer?
    private var attrs: [attr_t]
    private var pairs: [Int16]
    private var cursorShown: Int32 = -1
    /// Key codes this terminal's terminfo gives modified keys (Ctrl-←/→ …), for the decoder.
    private(set) var extendedKeys: [Int32: Key] = [:]
    private var closed = false
    private var wideScratch = [wchar_t](repeating: 0, count: Int(CCHARW_MAX) + 1)

    static let roleIndex: [Role: Int] = Dictionary(uniqueKeysWithValues: Role.allCases.enumerated().map { ($1, $0) })

    /// Sets the terminal up for the session. Throws a sentence a person understands when there is no terminal.
    init(environment: [String: String]) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CaseloadError.refused(
                "The Caseload workspace needs a terminal. Run it from a terminal (or over SSH with a terminal).")
        }
        var original = termios()
        let haveOriginal = tcgetattr(STDIN_FILENO, &original) == 0
        Signals.recordOriginalActions()

        guard let outFile = fdopen(dup(STDOUT_FILENO), "w"), let inFile = fdopen(dup(STDIN_FILENO), "r") else {
            throw CaseloadError.refused("The terminal could not be opened (\(String(cString: strerror(errno)))).")
        }
        let requested = environment["TERM"] ?? ""
        var chosen: OpaquePointer? = requested.isEmpty ? nil : newterm(nil, outFile, inFile)
        var notice: String?
        if chosen == nil {
            for name in Self.fallbackTypes {
                chosen = newterm(name, outFile, inFile)
                if chosen != nil {
                    notice = requested.isEmpty
                        ? "TERM is not set; using '\(name)'. Set TERM (e.g. xterm-256color) for colour and all keys."
                        : "Terminal type '\(requested)' is unknown here; using '\(name)'. Set TERM to one this system knows (e.g. xterm-256color)."
                    break
                }
            }
        }
        guard let screen = chosen else {
            throw CaseloadError.refused(
                "The terminal type '\(requested)' is unknown and no fallback (xterm, vt100, dumb) is installed. Install ncurses-base or set TERM.")
        }
        set_term(screen)
        // A terminal that cannot move the cursor (TERM=dumb, a printing terminal) would show only the last line
        // of every frame: refused, as a too-small terminal is, before anything is drawn.
        if Self.capability("cup") == nil {
            let name = termname().map { String(cString: $0) } ?? requested
            endwin()
            delscreen(screen)
            fclose(outFile); fclose(inFile)
            if haveOriginal { tcsetattr(STDIN_FILENO, TCSANOW, &original) }
            throw CaseloadError.refused(Self.noCursorSentence(name))
        }
        self.screen = screen
        self.files = (outFile, inFile)
        self.notice = notice

        // raw, not cbreak: Ctrl-C, Ctrl-S, Ctrl-Q and Ctrl-Z must reach the app as keys.
        raw()
        noecho()
        nonl()
        let win = cl_stdscr()
        keypad(win, true)
        scrollok(win, false)
        idlok(win, false)
        leaveok(win, false)
        _ = cl_set_escdelay(25)
        meta(win, true)
        var extended: [Int32: Key] = [:]
        for (cap, key) in InputDecoder.extendedKeyNames {
            let code = cap.withCString { cl_key_for_capability($0) }
            if code > 0 { extended[code] = key }
        }
        extendedKeys = extended

        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        var depth = ColorDepth(colors: 0, hasColors: false, noColor: true)
        var defaultColors = false
        if !noColor && has_colors() {
            start_color()
            defaultColors = use_default_colors() == cl_ok()
            depth = ColorDepth(colors: Int(cl_colors()), hasColors: true, noColor: false)
        }
        self.depth = depth
        self.defaultColors = defaultColors
        self.pairLimit = Int(cl_color_pairs())
        self.attrs = Array(repeating: cl_a_normal(), count: Role.allCases.count)
        self.pairs = Array(repeating: 0, count: Role.allCases.count)

        var reset = Array((Self.bracketedPasteOff).utf8)
        for cap in ["sgr0", "cnorm", "rmkx", "rmcup"] {
            if let s = Self.capability(cap) { reset += Array(s.utf8) }
        }
        reset += Array("\r\n".utf8)
        Signals.prepare(original: haveOriginal ? original : nil, resetSequence: reset)

        wantsBracketedPaste = termname().map { String(cString: $0) != "dumb" } ?? false
    }

    /// The refusal for a terminal type without cursor addressing.
    static func noCursorSentence(_ term: String) -> String {
        "Terminal '\(term)' cannot move the cursor; set TERM, e.g. xterm-256color."
    }

    /// Bracketed paste is asked for once the first frame is out (see `blit`).
    private var wantsBracketedPaste = false

    /// A terminfo string capability, or nil when the terminal has none.
    static func capability(_ name: String) -> String? {
        guard let p = tigetstr(name) else { return nil }
        if Int(bitPattern: p) == -1 { return nil }
        return String(cString: p)
    }

    var size: Size { Size(width: Int(cl_cols()), height: Int(cl_lines())) }

    /// Leaves curses and puts the terminal back as it was. Safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        _ = putp(Self.bracketedPasteOff)
        curs_set(1)
        endwin()
        Signals.terminalWasRestored()
        delscreen(screen)
        // delscreen leaves the streams open; they are our duplicates of fd 0 and 1.
        fclose(files.out)
        fclose(files.in)
    }

    /// Maps every role to curses attributes and a colour pair for `theme` at this terminal's depth.
    func apply(_ theme: Theme) {
        let resolved = ResolvedTheme(theme: theme, depth: depth)
        for (n, p) in resolved.pairs.enumerated() where n > 0 && n < pairLimit {
            var fg = p.fg, bg = p.bg
            if !defaultColors {
                // Without default-colour support "default" has to be a real colour.
                if fg < 0 { fg = 7 }
                if bg < 0 { bg = 0 }
            }
            init_extended_pair(Int32(n), Int32(fg), Int32(bg))
        }
        for role in Role.allCases {
            let style = resolved.style(for: role)
            var a = cl_a_normal()
            if style.attributes.contains(.bold) { a |= cl_a_bold() }
            if style.attributes.contains(.underline) { a |= cl_a_underline() }
            if style.attributes.contains(.reverse) { a |= cl_a_reverse() }
            if style.attributes.contains(.dim) { a |= cl_a_dim() }
            let i = Self.roleIndex[role]!
            attrs[i] = a
            pairs[i] = style.pair < pairLimit ? Int16(style.pair) : 0
        }
        previous = nil
    }

    /// Draws `frame`: only cells that differ from the last frame, unless `full` or the size changed.
    func blit(_ frame: ScreenBuffer, full: Bool) {
        let win = cl_stdscr()
        let rows = min(frame.size.height, Int(cl_lines()))
        let cols = min(frame.size.width, Int(cl_cols()))
        let last = (full || previous?.size != frame.size) ? nil : previous
        if last == nil {
            werase(win)
            if full { clearok(win, true) }
        }
        FrameDiff.forEachChange(from: last, to: frame, rows: rows, columns: cols) { x, y in
            put(frame[x, y], x: x, y: y, frame: frame)
        }
        previous = frame

        if let c = frame.cursor, c.y >= 0, c.y < rows, c.x >= 0, c.x < cols {
            wmove(win, Int32(c.y), Int32(c.x))
            if cursorShown != 1 { curs_set(1); cursorShown = 1 }
        } else if cursorShown != 0 {
            curs_set(0)
            cursorShown = 0
        }
        wnoutrefresh(win)
        doupdate()
        if wantsBracketedPaste {
            // Written straight to the terminal after curses has flushed its first frame: putp went through a
            // stdio buffer that was only flushed at exit, so the terminal never sent paste markers and a pasted
            // CR LF arrived as two Enter keys.
            wantsBracketedPaste = false
            let bytes = Array(Self.bracketedPasteOn.utf8)
            fflush(files.out)
            _ = bytes.withUnsafeBytes { write(fileno(files.out), $0.baseAddress, $0.count) }
        }
    }

    private func put(_ cell: Cell, x: Int, y: Int, frame: ScreenBuffer) {
        let i = Self.roleIndex[cell.role] ?? 0
        let a = attrs[i], pair = pairs[i]
        let scalars = cell.text.unicodeScalars
        var n = 0
        for s in scalars {
            if n == Int(CCHARW_MAX) { break }
            wideScratch[n] = wchar_t(bitPattern: s.value)
            n += 1
        }
        wideScratch[n] = 0
        let gridWide = x + 1 < frame.size.width && frame[x + 1, y].isContinuation
        if let base = scalars.first, base.value >= 0x80 {
            let libcWidth = cl_wcwidth(wchar_t(bitPattern: base.value))
            if libcWidth == 2 && !gridWide {
                // curses would spill into the next cell; the grid has no room for that.
                wideScratch[0] = 0xFFFD
                wideScratch[1] = 0
            } else if libcWidth < 0 {
                wideScratch[0] = 0xFFFD
                wideScratch[1] = 0
            }
        }
        // The bottom-right cell returns ERR (the cursor cannot advance) but is drawn; ignore it.
        _ = wideScratch.withUnsafeBufferPointer { cl_put_cell(Int32(y), Int32(x), $0.baseAddress, a, pair) }
        if gridWide, let base = scalars.first, cl_wcwidth(wchar_t(bitPattern: base.value)) == 1 {
            // The grid counts this grapheme as two columns but the terminal library as one: blank the second.
            var blank: [wchar_t] = [32, 0]
            _ = blank.withUnsafeMutableBufferPointer { cl_put_cell(Int32(y), Int32(x + 1), $0.baseAddress, a, pair) }
        }
    }

    /// Reads one key (or times out). Returns the input and the errno of a failed read.
    func read(timeoutMs: Int) -> (RawInput, Int32) {
        let win = cl_stdscr()
        wtimeout(win, Int32(timeoutMs))
        errno = 0
        var ch: wint_t = 0
        let r = wget_wch(win, &ch)
        if r == cl_ok() { return (.char(UInt32(ch)), 0) }
        if r == cl_key_code_yes() { return (.keyCode(Int32(bitPattern: ch)), 0) }
        return (.none, errno)
    }
}

/// Which cells of a frame must be sent: the ones that differ from the last frame (all of them
/// without one). The right half of a wide character is never sent: drawing its left half covers it.
enum FrameDiff {
    static func forEachChange(from last: ScreenBuffer?, to next: ScreenBuffer, rows: Int, columns: Int,
                              _ body: (_ x: Int, _ y: Int) -> Void) {
        let last = last?.size == next.size ? last : nil
        for y in 0..<min(rows, next.size.height) {
            for x in 0..<min(columns, next.size.width) {
                let cell = next[x, y]
                if cell.isContinuation { continue }
                if let last, last[x, y] == cell {
                    // A wide character whose right half was overwritten last frame must be drawn again.
                    let wideNow = x + 1 < next.size.width && next[x + 1, y].isContinuation
                    if !wideNow || last[x + 1, y].isContinuation { continue }
                }
                body(x, y)
            }
        }
    }
}
