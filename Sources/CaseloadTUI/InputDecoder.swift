// Turning what get_wch returns into InputEvents: keys, escape sequences ncurses passed through,
// bracketed paste and combining marks. Pure (no curses calls), so tests feed it codes directly.
import CaseloadViewModels

/// One result of `get_wch`, as the loop hands it to the decoder.
public enum RawInput: Hashable, Sendable {
    /// A character (get_wch returned OK).
    case char(UInt32)
    /// A function key (get_wch returned KEY_CODE_YES).
    case keyCode(Int32)
    /// Nothing arrived within the wait the decoder asked for.
    case none
}

/// The curses key codes the decoder understands. The values are ncurses' (curses.h), fixed since
/// SVr4; they are spelled out so the decoder and its tests need no curses import.
public enum CursesKey {
    public static let down: Int32 = 0o402, up: Int32 = 0o403, left: Int32 = 0o404, right: Int32 = 0o405
    public static let home: Int32 = 0o406, backspace: Int32 = 0o407, f0: Int32 = 0o410
    public static let dc: Int32 = 0o512, npage: Int32 = 0o522, ppage: Int32 = 0o523
    public static let enter: Int32 = 0o527, ll: Int32 = 0o533
    public static let a1: Int32 = 0o534, a3: Int32 = 0o535, b2: Int32 = 0o536, c1: Int32 = 0o537, c3: Int32 = 0o540
    public static let btab: Int32 = 0o541, end: Int32 = 0o550
    public static let resize: Int32 = 0o632
}

public struct InputDecoder: Sendable {
    /// How long (ms) to wait for the rest of an escape sequence that ncurses did not recognise.
    public static let sequenceWaitMs = 30
    /// How long (ms) a bracketed paste may pause before it is delivered as it stands.
    public static let pasteWaitMs = 400
    /// A paste larger than this is delivered in pieces so memory stays bounded.
    public static let pasteLimit = 1 << 20

    private enum State: Sendable {
        case idle
        case text
        case escape
        case csi([Unicode.Scalar])
        case ss3
        case paste
    }

    private var state: State = .idle
    /// The characters of a burst of typing or of a paste, kept outside `state` and appended in place: a copy
    /// taken out of the enum and put back would copy the whole buffer on every byte (a 1 MiB paste would take
    /// minutes). Each read costs O(1); a paste is decoded in time linear in its length (docs/benchmark.md).
    private var buffer: [Unicode.Scalar] = []
    /// Key codes ncurses assigns at run time to modified keys its terminfo entry names (kLFT5 = Ctrl-Left …).
    public var extendedKeys: [Int32: Key]

    public init(extendedKeys: [Int32: Key] = [:]) { self.extendedKeys = extendedKeys }

    /// The terminfo capability names of the modified keys Caseload binds, and what they mean.
    /// Alt (3) and Ctrl (5) arrows both move by word, as in most editors and shells.
    public static let extendedKeyNames: [(String, Key)] = [
        ("kLFT5", .ctrlLeft), ("kRIT5", .ctrlRight), ("kLFT3", .ctrlLeft), ("kRIT3", .ctrlRight),
        ("kHOM5", .ctrlHome), ("kEND5", .ctrlEnd),
    ]

    /// How long the loop should wait for the next read, in milliseconds: nil means "no sequence
    /// pending, wait the idle tick"; 0 means "poll: only what has already arrived belongs to this key".
    public var pendingWaitMs: Int? {
        switch state {
        case .idle: nil
        case .text, .escape: 0
        case .csi, .ss3: Self.sequenceWaitMs
        case .paste: Self.pasteWaitMs
        }
    }

    /// Feeds one read. `size` is the terminal size now (used for KEY_RESIZE).
    public mutating func feed(_ raw: RawInput, size: Size) -> [InputEvent] {
        var out: [InputEvent] = []
        step(raw, size: size, into: &out)
        return out
    }

    private mutating func step(_ raw: RawInput, size: Size, into out: inout [InputEvent]) {
        switch state {
        case .idle:
            switch raw {
            case .none: break
            case .keyCode(let code):
                if let key = extendedKeys[code] { out.append(.key(key)); return }
                if let e = Self.event(forKeyCode: code, size: size) { out.append(e) }
            case .char(let v):
                if v == 27 { state = .escape; return }
                guard Self.isPrintable(v) else {
                    if let key = Self.controlKey(v) { out.append(.key(key)) }
                    return
                }
                guard let scalar = Unicode.Scalar(v) else { return }
                buffer.removeAll(keepingCapacity: true)
                buffer.append(scalar)
                state = .text
            }

        case .text:
            // Printable characters that arrive in one burst are grouped, so a base letter and the
            // combining marks after it become one Character.
            if case .char(let v) = raw, Self.isPrintable(v), let scalar = Unicode.Scalar(v) {
                buffer.append(scalar)
                return
            }
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: buffer)
            for ch in String(scalars) { out.append(.key(.char(ch))) }
            buffer.removeAll(keepingCapacity: true)
            state = .idle
            step(raw, size: size, into: &out)

        case .escape:
            switch raw {
            case .none:
                out.append(.key(.escape))
                state = .idle
            case .char(91):  // "["
                state = .csi([])
            case .char(79):  // "O"
                state = .ss3
            case .char(27):
                out.append(.key(.escape))
                state = .escape
            case .char(127), .char(8):
                out.append(.key(.altBackspace))
                state = .idle
            case .char(let v) where Self.isPrintable(v) && v < 0x80:
                // Esc and a key in the same read: Alt+key (Alt-b / Alt-f move by word in an editor).
                // Screens that do not bind it treat it as Esc then the key (AppModel splits it).
                out.append(.key(.alt(Character(Unicode.Scalar(v)!))))
                state = .idle
            default:
                out.append(.key(.escape))
                state = .idle
                step(raw, size: size, into: &out)
            }

        case .csi(var body):
            switch raw {
            case .char(let v) where (0x20...0x3F).contains(v):
                body.append(Unicode.Scalar(v)!)
                if body.count > 32 { state = .idle; return }  // not a sequence any terminal sends
                state = .csi(body)
            case .char(let v) where (0x40...0x7E).contains(v):
                state = .idle
                let params = String(String.UnicodeScalarView(body))
                if params == "200", v == 126 {
                    buffer.removeAll(keepingCapacity: true)
                    state = .paste
                    return
                }
                if let key = Self.csiKey(params: params, final: Unicode.Scalar(v)!) { out.append(.key(key)) }
                // Unknown sequences (focus reports, keys we do not bind) are dropped whole, not typed.
            default:
                // Not a sequence after all: Esc, then "[" and whatever was collected, as typed.
                state = .idle
                out.append(.key(.escape))
                out.append(.key(.char("[")))
                for s in body { out.append(.key(.char(Character(s)))) }
                step(raw, size: size, into: &out)
            }

        case .ss3:
            state = .idle
            guard case .char(let v) = raw, let scalar = Unicode.Scalar(v) else {
                out.append(.key(.escape))
                out.append(.key(.char("O")))
                step(raw, size: size, into: &out)
                return
            }
            switch scalar {
            case "A": out.append(.key(.up))
            case "B": out.append(.key(.down))
            case "C": out.append(.key(.right))
            case "D": out.append(.key(.left))
            case "H": out.append(.key(.home))
            case "F": out.append(.key(.end))
            case "M": out.append(.key(.enter))
            case "P", "Q", "R", "S": out.append(.key(.function(Int(v) - 0x50 + 1)))
            default: break
            }

        case .paste:
            switch raw {
            case .none:
                // The terminal never sent the end marker: deliver what came rather than swallow keys.
                out.append(.key(.paste(Self.finishPaste(buffer))))
                buffer.removeAll(keepingCapacity: false)
                state = .idle
            case .keyCode(let code):
                // ncurses may have matched part of the pasted text as a key; keep line breaks and tabs. Enter
                // stands for the CR it came from, so a CR LF pair still folds into one line break.
                if code == CursesKey.enter { buffer.append("\r") }
            case .char(let v):
                guard let scalar = Unicode.Scalar(v) else { return }
                buffer.append(scalar)
                // The end marker is looked for in the last six characters only: constant work per byte.
                if scalar == "~", buffer.count >= Self.pasteEnd.count,
                   buffer[(buffer.count - Self.pasteEnd.count)...].elementsEqual(Self.pasteEnd) {
                    buffer.removeLast(Self.pasteEnd.count)
                    out.append(.key(.paste(Self.finishPaste(buffer))))
                    buffer.removeAll(keepingCapacity: false)
                    state = .idle
                } else if buffer.count >= Self.pasteLimit {
                    out.append(.key(.paste(Self.finishPaste(buffer))))
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    /// What a terminal sends after a bracketed paste: ESC [ 2 0 1 ~.
    static let pasteEnd: [Unicode.Scalar] = ["\u{1B}", "[", "2", "0", "1", "~"]

    /// Terminals send line breaks in a paste as CR; the app wants "\n".
    static func finishPaste(_ text: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.count)
        var lastWasCR = false
        for s in text {
            if s == "\r" { out.append("\n"); lastWasCR = true; continue }
            if s == "\n", lastWasCR { lastWasCR = false; continue }
            lastWasCR = false
            out.append(s)
        }
        return String(out)
    }

    /// Control characters other than Esc (which may start a sequence).
    public static func controlKey(_ v: UInt32) -> Key? {
        switch v {
        case 13, 10: return .enter
        case 9: return .tab
        case 127, 8: return .backspace
        case 27: return .escape
        case 0: return .ctrl("@")
        case 1...26: return .ctrl(Character(Unicode.Scalar(v + 96)!))
        case 28...31: return .ctrl(Character(Unicode.Scalar(v + 64)!))
        default: return nil
        }
    }

    /// Not a C0 or C1 control: C1 controls are never typed, so they are dropped rather than inserted.
    static func isPrintable(_ v: UInt32) -> Bool {
        v >= 32 && v != 127 && !(0x80..<0xA0).contains(v)
    }

    /// A single get_wch result, without sequence handling: the key a counselor pressed, or nil
    /// when the code is not one Caseload uses.
    public static func decode(_ raw: RawInput, size: Size) -> InputEvent? {
        switch raw {
        case .none: return nil
        case .keyCode(let code): return event(forKeyCode: code, size: size)
        case .char(let v):
            guard isPrintable(v) else { return controlKey(v).map { .key($0) } }
            guard let s = Unicode.Scalar(v) else { return nil }
            return .key(.char(Character(s)))
        }
    }

    static func event(forKeyCode code: Int32, size: Size) -> InputEvent? {
        switch code {
        case CursesKey.up: .key(.up)
        case CursesKey.down: .key(.down)
        case CursesKey.left: .key(.left)
        case CursesKey.right: .key(.right)
        case CursesKey.home, CursesKey.a1: .key(.home)
        case CursesKey.end, CursesKey.c1, CursesKey.ll: .key(.end)
        case CursesKey.ppage, CursesKey.a3: .key(.pageUp)
        case CursesKey.npage, CursesKey.c3: .key(.pageDown)
        case CursesKey.btab: .key(.backTab)
        case CursesKey.dc: .key(.delete)
        case CursesKey.backspace: .key(.backspace)
        case CursesKey.enter: .key(.enter)
        case CursesKey.resize: .resize(size)
        case (CursesKey.f0 + 1)...(CursesKey.f0 + 63): .key(.function(Int(code - CursesKey.f0)))
        default: nil
        }
    }

    /// The keys of CSI sequences ncurses can pass through unmatched (slow links split them).
    static func csiKey(params: String, final: Unicode.Scalar) -> Key? {
        // Modifiers ("1;5C" = Ctrl-Right): Ctrl or Alt on ←/→ moves by word, on Home/End to the
        // start/end of the whole text; other modified keys act as the key itself.
        let parts = params.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let first = parts.first ?? ""
        let modifier = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
        let word = modifier > 1 && (modifier - 1) & 0b110 != 0   // Alt (2) or Ctrl (4) held
        switch final {
        case "A": return .up
        case "B": return .down
        case "C": return word ? .ctrlRight : .right
        case "D": return word ? .ctrlLeft : .left
        case "H": return word ? .ctrlHome : .home
        case "F": return word ? .ctrlEnd : .end
        case "Z": return .backTab
        case "P", "Q", "R", "S": return .function(Int(final.value) - 0x50 + 1)
        case "~":
            switch first {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            case "5": return .pageUp
            case "6": return .pageDown
            case "11", "12", "13", "14", "15": return .function(Int(first)! - 10)
            case "17", "18", "19", "20", "21": return .function(Int(first)! - 11)
            case "23", "24": return .function(Int(first)! - 12)
            default: return nil
            }
        default: return nil
        }
    }
}
