// Note search: a query line (words, from:/to: dates) over the notes I may see, newest first, matches highlighted.
import CaseloadCore

public struct NoteSearchState: Hashable, Sendable {
    public var query: LineEditor
    /// The query line has the keyboard (otherwise the results list has).
    public var editing: Bool
    /// Only this client's notes (the Notes tab's `/`).
    public var clientID: RowID?
    public var clientName: String?
    public var scope: CaseloadScope = .mine
    public var allowedScopes: [CaseloadScope]
    public var hits: [NoteSearchHit] = []
    /// A search has run (so "no notes match" can be told from "type a query").
    public var searched = false
    public var cursor = ListCursor()
    public var area: Rect

    public init(query: String = "", clientID: RowID? = nil, clientName: String? = nil,
                allowedScopes: [CaseloadScope] = [.mine], area: Rect) {
        self.query = LineEditor(text: query); self.clientID = clientID; self.clientName = clientName
        self.allowedScopes = allowedScopes; self.area = area
        editing = true
        resize(area)
    }

    mutating func resize(_ a: Rect) {
        area = a
        cursor.setPageSize(max(1, (a.height - 3) / 2))
        cursor.setCount(hits.count)
    }

    mutating func setHits(_ h: [NoteSearchHit]) {
        hits = h
        searched = true
        cursor = ListCursor(count: h.count, pageSize: max(1, (area.height - 3) / 2))
        editing = h.isEmpty
    }
}

/// The query line split into words and an optional date range.
public struct ParsedNoteQuery: Hashable, Sendable {
    public var words: String
    public var from: Day?
    public var to: Day?
}

public enum NoteSearch {
    /// "anx plan from:2026-01-01 to:2026-06-30" → words "anx plan", from and to. A bad date is an error sentence.
    public static func parse(_ line: String) -> Result<ParsedNoteQuery, CaseloadError> {
        var words: [String] = []
        var from: Day?, to: Day?
        for token in line.split(separator: " ") {
            let lower = token.lowercased()
            if lower.hasPrefix("from:") || lower.hasPrefix("to:") {
                let isFrom = lower.hasPrefix("from:")
                let value = String(token.dropFirst(isFrom ? 5 : 3))
                guard value.count == 10, let d = Day(value) else {
                    return .failure(.invalidInput("“\(token)” is not a date: write \(isFrom ? "from" : "to"):YYYY-MM-DD, like \(isFrom ? "from" : "to"):2026-01-31."))
                }
                if isFrom { from = d } else { to = d }
            } else {
                words.append(String(token))
            }
        }
        if let f = from, let t = to, f > t {
            return .failure(.invalidInput("The range starts (\(f)) after it ends (\(t)); swap from: and to:."))
        }
        if words.isEmpty {
            return .failure(.invalidInput("Type a word to look for (a date range alone is not a search)."))
        }
        return .success(ParsedNoteQuery(words: words.joined(separator: " "), from: from, to: to))
    }

    public static func key(_ s: inout NoteSearchState, _ key: Key) -> Request {
        if key == .down, !s.hits.isEmpty { s.editing = false; return .none }
        switch s.query.handle(key) {
        case .submit:
            if case .failure(let e) = parse(s.query.text) { return .message(e.description, .error) }
            return .notes(.runSearch)
        case .cancel:
            // After a search, Esc leaves the line for the results (where v widens an empty search); before, it leaves.
            if !s.searched { return .back }
            s.editing = false
            return .none
        default:
            return .none
        }
    }

    public static func command(_ s: inout NoteSearchState, _ command: Command) -> Request {
        if s.cursor.apply(command) { return .none }
        switch command {
        case .open:
            guard let h = s.hits[safe: s.cursor.selected] else { return .message("No note is selected.", .info) }
            return .notes(.readNote(clientID: h.clientID, noteID: h.noteID))
        case .search:
            s.editing = true
            return .none
        case .cycleScope:
            guard s.clientID == nil else { return .message("This search is over one client's notes.", .info) }
            guard s.allowedScopes.count > 1 else {
                return .message("Supervisors can widen a search to their team; yours covers your clients.", .info)
            }
            let i = s.allowedScopes.firstIndex(of: s.scope) ?? 0
            s.scope = s.allowedScopes[(i + 1) % s.allowedScopes.count]
            return .notes(.runSearch)
        case .back:
            return .back
        default:
            return .none
        }
    }

    static func scopeLabel(_ s: NoteSearchState) -> String {
        if let name = s.clientName { return "Notes of \(name)" }
        switch s.scope {
        case .mine: return "My clients' notes"
        case .team: return "My team's notes"
        case .all: return "All notes of the program"
        }
    }

    /// The snippet with the matched words in the highlight role.
    static func snippetLine(_ h: NoteSearchHit, width: Int) -> StyledLine {
        let chars = Array(h.snippet)
        var spans: [Span] = [Span("  \(h.section): ", .dim)]
        var i = 0
        for r in h.highlights.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let lo = max(i, min(r.lowerBound, chars.count)), hi = max(lo, min(r.upperBound, chars.count))
            if lo > i { spans.append(Span(String(chars[i..<lo]))) }
            if hi > lo { spans.append(Span(String(chars[lo..<hi]), .highlight)) }
            i = hi
        }
        if i < chars.count { spans.append(Span(String(chars[i...]))) }
        return StyledLine(spans).truncated(to: width)
    }

    public static func render(_ s: NoteSearchState, into buffer: inout ScreenBuffer) {
        let a = s.area
        let w = a.width - 2
        s.query.draw(into: &buffer, prompt: " Search: ", x: a.x, y: a.y, width: a.width,
                     role: s.editing ? .commandLine : .normal)
        var info = scopeLabel(s)
        if s.searched { info += " · " + Format.plural(s.hits.count, "note") + (s.hits.isEmpty ? "" : ", newest first") }
        if s.clientID == nil, s.allowedScopes.count > 1 {
            info += " · v: " + s.allowedScopes.map { $0 == .mine ? "mine" : $0 == .team ? "team" : "all" }.joined(separator: " / ")
        }
        buffer.put(info, x: a.x + 1, y: a.y + 1, role: .dim, maxWidth: w)
        let cursorAtQuery = buffer.cursor
        if s.hits.isEmpty {
            let text = s.searched ? "No note matches. Words match as prefixes (anx finds anxiety); add from:/to: dates to narrow."
                : "Type words and press Enter. from:YYYY-MM-DD and to:YYYY-MM-DD limit the session dates."
            for (i, line) in TextWrap.wrap(text, width: w).enumerated() {
                buffer.put(line, x: a.x + 1, y: a.y + 3 + i, role: .dim, maxWidth: w)
            }
            buffer.cursor = cursorAtQuery
            return
        }
        for (row, i) in s.cursor.visible.enumerated() {
            let h = s.hits[i]
            let y = a.y + 3 + row * 2
            // Date, status and client first: what a narrow window must still show.
            let head = StyledLine([
                Span(h.date.description + "  "), Span(DisplayWidth.pad(h.status.label, to: 6), h.status == .signed ? .ok : .warning),
                Span("  "), Span(h.clientName), Span("  \(h.format.label)"), Span("  \(h.mrn)", .dim),
                Span("  \(h.template.label) · \(h.staffName)", .dim),
            ]).truncated(to: w)
            head.draw(into: &buffer, x: a.x + 2, y: y, width: w - 1)
            snippetLine(h, width: w - 1).draw(into: &buffer, x: a.x + 2, y: y + 1, width: w - 1)
            if i == s.cursor.selected {
                buffer.put(">", x: a.x, y: y, role: s.editing ? .normal : .selection)
                if !s.editing { buffer.setRole(.selection, x: a.x, y: y, width: min(a.width, head.width + 2)) }
            }
        }
        if s.editing { buffer.cursor = cursorAtQuery }
        else { buffer.cursor = Point(x: a.x, y: a.y + 3 + (s.cursor.selected - s.cursor.top) * 2) }
        if s.hits.count > s.cursor.pageSize {
            let pos = "\(s.cursor.selected + 1)/\(s.hits.count)"
            buffer.put(pos, x: a.x + a.width - DisplayWidth.of(pos) - 1, y: a.y + 1, role: .dim)
        }
    }
}
