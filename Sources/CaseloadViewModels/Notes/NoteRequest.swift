// What the notes screens ask the app model to do (run by AppModel+Notes against the NoteRepository).
import CaseloadCore

public enum NoteRequest: Hashable, Sendable {
    /// A new note for the client; from a Home appointment its date, time, minutes and modality come along.
    case newNote(clientID: RowID, appointment: TodayAppointment?)
    /// Opens a draft in the editor (a signed note is refused with a sentence pointing to addenda).
    case continueDraft(noteID: RowID)
    /// Saves the note editor on top. `force` overwrites a newer save (the writer chose so after a conflict).
    case save(force: Bool, then: AfterSave)
    /// After a conflict: drop my text and load what is stored now.
    case reloadTheirs
    /// Signs a draft (the editor saves first; from the Notes tab the stored revision is used).
    case sign(noteID: RowID)
    /// Deletes a draft of mine (the Notes tab asked first).
    case discard(noteID: RowID)
    case openAddendum(noteID: RowID)
    /// Adds the addendum being written on top.
    case saveAddendum
    case openSearch(query: String?, clientID: RowID?)
    /// Runs the search screen's query.
    case runSearch
    /// Opens the client's chart with the note open.
    case readNote(clientID: RowID, noteID: RowID)
    case openCosign
    case cosign(noteID: RowID)

    public enum AfterSave: Hashable, Sendable {
        case stay, close, sign
    }
}

/// The notes screens that sit on the app's stack.
public enum NotesScreen: Hashable, Sendable {
    case editor(NoteEditorState)
    case addendum(AddendumState)
    case search(NoteSearchState)
    case cosign(CosignState)

    public var title: String {
        switch self {
        case .editor(let s): s.note.id == nil ? "New note" : "Note draft"
        case .addendum: "Addendum"
        case .search: "Note search"
        case .cosign: "Co-sign"
        }
    }

    var scopes: [KeyScope] {
        switch self {
        case .editor, .addendum: [.global]
        case .search: [.noteSearch, .list, .global]
        case .cosign: [.cosign, .list, .global]
        }
    }

    /// A text field has the keyboard (Alt+key is word movement there).
    var textFocused: Bool {
        switch self {
        case .editor(let s): s.prompt == nil
        case .addendum(let s): !s.confirmingDiscard
        case .search(let s): s.editing
        case .cosign: false
        }
    }

    /// True while the screen takes every key itself (a text field or a question is open).
    var capturesKeys: Bool {
        switch self {
        case .editor, .addendum: true
        case .search(let s): s.editing
        case .cosign(let s): s.confirming != nil
        }
    }

    mutating func resize(_ area: Rect) {
        switch self {
        case .editor(var s): s.area = area; NoteEditor.relayout(&s); self = .editor(s)
        case .addendum(var s): s.resize(area); self = .addendum(s)
        case .search(var s): s.resize(area); self = .search(s)
        case .cosign(var s): s.resize(area); self = .cosign(s)
        }
    }
}

public enum NotesScreens {
    static func rawKey(_ screen: inout NotesScreen, _ key: Key) -> Request {
        switch screen {
        case .editor(var s): let r = NoteEditor.key(&s, key); screen = .editor(s); return r
        case .addendum(var s): let r = AddendumEditor.key(&s, key); screen = .addendum(s); return r
        case .search(var s): let r = NoteSearch.key(&s, key); screen = .search(s); return r
        case .cosign(var s): let r = CosignQueue.key(&s, key); screen = .cosign(s); return r
        }
    }

    static func command(_ screen: inout NotesScreen, _ command: Command, _ key: Key, keyMap: KeyMap) -> Request {
        switch screen {
        case .editor, .addendum: return .none
        case .search(var s): let r = NoteSearch.command(&s, command); screen = .search(s); return r
        case .cosign(var s): let r = CosignQueue.command(&s, command); screen = .cosign(s); return r
        }
    }

    static func render(_ screen: NotesScreen, into buffer: inout ScreenBuffer) {
        switch screen {
        case .editor(let s): NoteEditor.render(s, into: &buffer)
        case .addendum(let s): AddendumEditor.render(s, into: &buffer)
        case .search(let s): NoteSearch.render(s, into: &buffer)
        case .cosign(let s): CosignQueue.render(s, into: &buffer)
        }
    }
}
