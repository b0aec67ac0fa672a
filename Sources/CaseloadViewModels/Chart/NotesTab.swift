// The chart's Notes tab beyond the list: the hooks ChartScreen calls while the Notes tab is shown.
import CaseloadCore

/// The Notes tab's question, kept in ChartState.
public struct NotesTabState: Hashable, Sendable {
    /// "Sign the draft of …? (y/n)" is showing for this note.
    public var signing: RowID?
    /// "Discard the draft of …? (y/n)" is showing for this note.
    public var discarding: RowID?
    public var question = ""
    public init() {}
}

public enum NotesTab {
    static let signedSentence = "This note is signed and can no longer be changed. Read it (Enter) and press a to add a dated addendum."

    /// True while the search line or a question of the Notes tab is open: it takes every key.
    static func capturesKeys(_ state: ChartState) -> Bool {
        state.notesTab.signing != nil || state.notesTab.discarding != nil
    }

    /// A key while `capturesKeys`.
    static func rawKey(_ state: inout ChartState, _ key: Key) -> Request {
        let yes = YesNo.isYes(key)
        let asked = state.notesTab
        state.notesTab = NotesTabState()
        if let id = asked.discarding {
            return yes ? .notes(.discard(noteID: id)) : .message("The draft is kept.", .info)
        }
        guard let id = asked.signing else { return .none }
        return yes ? .notes(.sign(noteID: id)) : .message("Not signed. The note is still a draft.", .info)
    }

    /// The note the keys act on: the one being read, else the one selected in the list.
    static func target(_ state: ChartState) -> (id: RowID, date: Day, status: NoteStatus, staffID: RowID?)? {
        if let d = state.openNote, let id = d.note.id { return (id, d.note.date, d.note.status, d.note.staffID) }
        guard state.tab == .notes, case .note(let i)? = state.notesEntries[safe: state.notesCursor.selected] else { return nil }
        let n = state.notes[i]
        return (n.id, n.date, n.status, nil)
    }

    /// A command on the Notes tab (or while reading a note); nil lets the chart handle it.
    static func command(_ state: inout ChartState, _ command: Command, _ key: Key) -> Request? {
        switch command {
        case .newNote:
            return .notes(.newNote(clientID: state.clientID, appointment: nil))
        case .search where state.openNote == nil:
            return .notes(.openSearch(query: nil, clientID: state.clientID))
        case .open where state.openNote == nil:
            // Enter on a draft continues writing it; on a signed note the chart opens it for reading.
            guard let t = target(state), t.status == .draft else { return nil }
            return .notes(.continueDraft(noteID: t.id))
        case .editNote:
            guard let t = target(state) else { return .message("Select a note first.", .info) }
            if t.status == .signed { return .message(signedSentence, .warning) }
            return .notes(.continueDraft(noteID: t.id))
        case .signNote:
            guard let t = target(state) else { return .message("Select a note first.", .info) }
            if t.status == .signed { return .message("This note is already signed.", .info) }
            state.notesTab.signing = t.id
            state.notesTab.question = "Sign the draft of \(t.date)? It cannot be changed afterwards. (y/n)"
            return Request.none
        case .discardNote:
            guard let t = target(state) else { return .message("Select a note first.", .info) }
            if t.status == .signed {
                return .message("A signed note stays in the chart; corrections are addenda (Enter, then a).", .warning)
            }
            state.notesTab.discarding = t.id
            state.notesTab.question = "Discard the draft of \(t.date) and everything in it? (y/n)"
            return Request.none
        case .addAddendum:
            guard let d = state.openNote, let id = d.note.id else {
                return .message("Open a signed note (Enter) to add an addendum to it.", .info)
            }
            if d.note.status != .signed {
                return .message("Addenda are for signed notes; a draft is changed directly (e).", .info)
            }
            return .notes(.openAddendum(noteID: id))
        default:
            return nil
        }
    }
}
