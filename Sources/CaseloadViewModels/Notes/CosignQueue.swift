// The supervisor's co-signature queue: signed notes of supervised staff that need a co-signature.
import CaseloadCore

public struct CosignState: Hashable, Sendable {
    public var rows: [CosignRow]
    public var cursor: ListCursor
    public var area: Rect
    public var utcOffset: Int
    /// The note the y/n question is about.
    public var confirming: RowID?

    public init(rows: [CosignRow], area: Rect, utcOffset: Int = 0) {
        self.rows = rows; self.area = area; self.utcOffset = utcOffset
        cursor = ListCursor(count: rows.count, pageSize: max(1, area.height - 2))
    }

    mutating func resize(_ a: Rect) {
        area = a
        cursor.setPageSize(max(1, a.height - 2))
    }

    mutating func setRows(_ r: [CosignRow]) {
        rows = r
        cursor.setCount(r.count)
    }
}

public enum CosignQueue {
    public static func key(_ s: inout CosignState, _ key: Key) -> Request {
        guard let id = s.confirming else { return .none }
        s.confirming = nil
        return YesNo.isYes(key) ? .notes(.cosign(noteID: id)) : .message("Not co-signed.", .info)
    }

    public static func command(_ s: inout CosignState, _ command: Command) -> Request {
        if s.cursor.apply(command) { return .none }
        switch command {
        case .open:
            guard let r = s.rows[safe: s.cursor.selected] else { return .message("No note is waiting.", .info) }
            return .notes(.readNote(clientID: r.clientID, noteID: r.noteID))
        case .cosignNote:
            guard let r = s.rows[safe: s.cursor.selected] else { return .message("No note is waiting.", .info) }
            s.confirming = r.noteID
            return .none
        case .back:
            return .back
        default:
            return .none
        }
    }

    static func question(_ s: CosignState) -> String? {
        guard let id = s.confirming, let r = s.rows.first(where: { $0.noteID == id }) else { return nil }
        return "Co-sign \(r.staffName)'s note of \(r.date) for \(r.clientName)? (y/n)"
    }

    static let columns = [
        TableColumn("Date", width: 10),
        TableColumn("Client", width: 16, flexible: true),
        TableColumn("MRN", width: 8, priority: 40),
        TableColumn("Written by", width: 16, priority: 60),
        TableColumn("Format", width: 10, priority: 30),
        TableColumn("Signed", width: 16, priority: 50),
    ]

    public static func render(_ s: CosignState, into buffer: inout ScreenBuffer) {
        let a = s.area
        buffer.put("Waiting for my co-signature (\(s.rows.count)), oldest first", x: a.x + 1, y: a.y, role: .header,
                   maxWidth: a.width - 2)
        if s.rows.isEmpty {
            buffer.put("No note is waiting for your co-signature.", x: a.x + 2, y: a.y + 2, role: .dim, maxWidth: a.width - 3)
            return
        }
        TableView.draw(into: &buffer, x: a.x, y: a.y + 1, width: a.width, height: a.height - 1, columns: columns,
                       layout: TableLayout.make(columns, width: a.width), cursor: s.cursor) { row, col in
            let r = s.rows[row]
            switch col {
            case 0: return StyledLine(r.date.description)
            case 1: return StyledLine(r.clientName)
            case 2: return StyledLine(r.mrn, .dim)
            case 3: return StyledLine(r.staffName)
            case 4: return StyledLine(r.format.label)
            default: return StyledLine(Format.timestamp(r.signedAt, utcOffset: s.utcOffset), .dim)
            }
        }
    }
}
