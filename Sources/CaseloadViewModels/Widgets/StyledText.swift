// Role-tagged runs of text, word wrapping, and accent-insensitive matching.
import Foundation

/// A run of text drawn with one role.
public struct Span: Hashable, Sendable {
    public var text: String
    public var role: Role
    public init(_ text: String, _ role: Role = .normal) { self.text = text; self.role = role }
}

/// One screen line made of spans; lists and text views are built from these.
public struct StyledLine: Hashable, Sendable {
    public var spans: [Span]
    public init(_ spans: [Span] = []) { self.spans = spans }
    public init(_ text: String, _ role: Role = .normal) { self.spans = [Span(text, role)] }
    public var plainText: String { spans.map(\.text).joined() }
    public var width: Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }

    /// Cut to `width` columns with a trailing "…" when anything was dropped, so a reader knows.
    public func truncated(to width: Int) -> StyledLine {
        guard self.width > width else { return self }
        guard width > 0 else { return StyledLine() }
        var out: [Span] = [], used = 0
        for span in spans {
            let w = DisplayWidth.of(span.text)
            if used + w <= width - 1 { out.append(span); used += w; continue }
            let cut = DisplayWidth.truncate(span.text + "…", to: width - used)
            out.append(Span(cut.hasSuffix("…") ? cut : cut + "…", span.role))
            break
        }
        return StyledLine(out)
    }

    /// Draws the line at (x, y), clipped to `width` columns; returns columns written.
    @discardableResult
    public func draw(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int) -> Int {
        var col = 0
        for span in spans where col < width {
            col += buffer.put(span.text, x: x + col, y: y, role: span.role, maxWidth: width - col)
        }
        return col
    }
}

public enum TextWrap {
    /// Word-wraps `text` to lines of at most `width` columns. Hard line breaks are kept; a word
    /// longer than the line is split by grapheme so nothing is ever lost off the right edge.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = "", lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var w = String(word)
                var ww = DisplayWidth.of(w)
                if lineWidth > 0 && lineWidth + 1 + ww <= width {
                    line += " " + w; lineWidth += 1 + ww
                    continue
                }
                if lineWidth > 0 { out.append(line); line = ""; lineWidth = 0 }
                while ww > width {
                    var head = "", hw = 0
                    var rest = Substring(w)
                    while let g = rest.first {
                        let gw = DisplayWidth.sanitized(g).width
                        if hw + gw > width { break }
                        head.append(g); hw += gw; rest = rest.dropFirst()
                    }
                    if head.isEmpty, let g = rest.first { head.append(g); rest = rest.dropFirst() }
                    out.append(head)
                    w = String(rest); ww = DisplayWidth.of(w)
                }
                line = w; lineWidth = ww
            }
            out.append(line)
        }
        return out
    }

    /// Wraps with a hanging indent: the first line starts after `firstPrefix`, the rest after
    /// as many spaces, so a tree or a labelled value stays readable when it runs long.
    public static func wrap(_ text: String, width: Int, prefix: String, role: Role = .normal,
                            prefixRole: Role = .normal) -> [StyledLine] {
        let pw = DisplayWidth.of(prefix)
        let body = wrap(text, width: max(1, width - pw))
        let indent = String(repeating: " ", count: pw)
        return body.enumerated().map { i, l in
            StyledLine([Span(i == 0 ? prefix : indent, prefixRole), Span(l, role)])
        }
    }
}

/// Accent- and case-insensitive matching ("nunez" finds "Ñúñez"), done per grapheme so a match
/// can be mapped back to the characters to highlight.
public struct FoldedText: Hashable, Sendable {
    /// The folded scalars of the whole text.
    public let scalars: [Unicode.Scalar]
    /// For each folded scalar, the index of the grapheme it came from.
    public let owner: [Int]

    public init(_ text: String) {
        var s: [Unicode.Scalar] = [], o: [Int] = []
        for (i, g) in text.enumerated() {
            for u in FoldedText.fold(g) { s.append(u); o.append(i) }
        }
        scalars = s; owner = o
    }

    /// Lower-cased, canonically decomposed, combining marks dropped.
    static func fold(_ g: Character) -> [Unicode.Scalar] {
        if g.isASCII {
            let u = g.unicodeScalars.first!
            if (65...90).contains(u.value) { return [Unicode.Scalar(u.value + 32)!] }
            return [u]
        }
        let lowered = String(g).lowercased().decomposedStringWithCanonicalMapping
        var out: [Unicode.Scalar] = []
        for u in lowered.unicodeScalars where !DisplayWidth.isCombining(u.value) {
            if let plain = PlainLatin.table[u] { out.append(contentsOf: plain.unicodeScalars) } else { out.append(u) }
        }
        return out
    }

    public static func key(_ text: String) -> [Unicode.Scalar] { FoldedText(text).scalars }

    /// The grapheme range of the first match of `needle` (already folded), or nil.
    public func firstMatch(_ needle: [Unicode.Scalar]) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= scalars.count else { return needle.isEmpty ? 0..<0 : nil }
        let first = needle[0]
        var i = 0
        let last = scalars.count - needle.count
        while i <= last {
            if scalars[i] == first {
                var j = 1
                while j < needle.count && scalars[i + j] == needle[j] { j += 1 }
                if j == needle.count { return owner[i]..<(owner[i + j - 1] + 1) }
            }
            i += 1
        }
        return nil
    }

    public func contains(_ needle: [Unicode.Scalar]) -> Bool { firstMatch(needle) != nil }
}

/// Letters with no canonical decomposition that people still type as plain Latin.
enum PlainLatin {
    static let table: [Unicode.Scalar: String] = [
        "ø": "o", "ł": "l", "đ": "d", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
    ]
}
