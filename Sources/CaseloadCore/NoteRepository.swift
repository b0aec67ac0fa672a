// What the note editor, note search, Home's drafts and the co-signature queue ask of a store
// (issue: progress notes). Kept apart from CaseloadRepository like GroupRepository; SQLiteStore implements it.
import Foundation

/// A goal or an objective of the client's plan that a note addresses (exactly one of the two is set).
public struct NoteLink: Hashable, Sendable, Codable {
    public var goalID: RowID?
    public var objectiveID: RowID?
    public init(goalID: RowID? = nil, objectiveID: RowID? = nil) { self.goalID = goalID; self.objectiveID = objectiveID }
}

/// A dated correction under a signed note. Addenda are append-only (a store trigger refuses changes).
public struct NoteAddendum: Hashable, Sendable, Codable, Identifiable {
    public var id: RowID?
    public var noteID: RowID
    public var staffID: RowID
    public var staffName: String
    public var at: Date
    public var text: String
    public init(id: RowID? = nil, noteID: RowID, staffID: RowID, staffName: String, at: Date, text: String) {
        self.id = id; self.noteID = noteID; self.staffID = staffID; self.staffName = staffName; self.at = at
        self.text = text
    }
}

/// One of my drafts, or one of my notes left unsigned too long, for Home.
public struct DraftRow: Hashable, Sendable, Identifiable {
    public var noteID: RowID
    public var clientID: RowID
    public var clientName: String
    public var mrn: String
    public var date: Day
    public var startMinute: Int
    public var format: SessionFormat
    public var template: NoteTemplate
    public var updatedAt: Date
    /// Unsigned for longer than ProgramSettings.unsignedNoteHours (measured from createdAt).
    public var overdue: Bool
    public var id: RowID { noteID }
    public init(noteID: RowID, clientID: RowID, clientName: String, mrn: String, date: Day, startMinute: Int,
                format: SessionFormat, template: NoteTemplate, updatedAt: Date, overdue: Bool) {
        self.noteID = noteID; self.clientID = clientID; self.clientName = clientName; self.mrn = mrn
        self.date = date; self.startMinute = startMinute; self.format = format; self.template = template
        self.updatedAt = updatedAt; self.overdue = overdue
    }
}

/// A signed note waiting for its supervisor's co-signature.
public struct CosignRow: Hashable, Sendable, Identifiable {
    public var noteID: RowID
    public var clientID: RowID
    public var clientName: String
    public var mrn: String
    public var staffName: String          // who wrote and signed it
    public var date: Day
    public var format: SessionFormat
    public var signedAt: Date
    public var id: RowID { noteID }
    public init(noteID: RowID, clientID: RowID, clientName: String, mrn: String, staffName: String, date: Day,
                format: SessionFormat, signedAt: Date) {
        self.noteID = noteID; self.clientID = clientID; self.clientName = clientName; self.mrn = mrn
        self.staffName = staffName; self.date = date; self.format = format; self.signedAt = signedAt
    }
}

/// A full-text search over notes. Terms are words; each matches as a prefix ("anx" finds "anxiety").
public struct NoteSearchQuery: Hashable, Sendable {
    public var text: String
    /// Only this client's notes (the Notes tab's `/`).
    public var clientID: RowID?
    /// Inclusive date range of the session date.
    public var from: Day?
    public var to: Day?
    /// Whose clients: .mine for everyone; .team / .all only for supervisors and administrators
    /// (others get CaseloadError.refused). A client's own search (clientID set) ignores the scope.
    public var scope: CaseloadScope
    public var limit: Int
    public init(text: String, clientID: RowID? = nil, from: Day? = nil, to: Day? = nil, scope: CaseloadScope = .mine,
                limit: Int = 50) {
        self.text = text; self.clientID = clientID; self.from = from; self.to = to; self.scope = scope
        self.limit = limit
    }
}

/// A note found by search: newest first; `snippet` is a short excerpt around the first match,
/// with the matched words marked by `highlights` (ranges of grapheme offsets into `snippet`).
public struct NoteSearchHit: Hashable, Sendable, Identifiable {
    public var noteID: RowID
    public var clientID: RowID
    public var clientName: String
    public var mrn: String
    public var date: Day
    public var format: SessionFormat
    public var template: NoteTemplate
    public var status: NoteStatus
    public var staffName: String
    public var section: String            // the section the snippet comes from, e.g. "Assessment"
    public var snippet: String            // one line: line breaks shown as spaces, "…" where cut
    public var highlights: [Range<Int>]
    public var id: RowID { noteID }
    public init(noteID: RowID, clientID: RowID, clientName: String, mrn: String, date: Day, format: SessionFormat,
                template: NoteTemplate, status: NoteStatus, staffName: String, section: String, snippet: String,
                highlights: [Range<Int>]) {
        self.noteID = noteID; self.clientID = clientID; self.clientName = clientName; self.mrn = mrn
        self.date = date; self.format = format; self.template = template; self.status = status
        self.staffName = staffName; self.section = section; self.snippet = snippet; self.highlights = highlights
    }
}

public protocol NoteRepository: AnyObject, Sendable {
    /// The program's modalities by name (the note editor chooses one).
    func noteModalities() throws -> [Modality]

    /// The whole note as the editor needs it (sections, links, revision).
    func noteForEditing(id: RowID) throws -> (note: ProgressNote, links: [NoteLink])

    /// Creates (note.id == nil) or saves a draft. Billing units are derived here from the minutes
    /// (ProgramSettings.billingUnits; no-shows bill 0). A stale `note.revision` throws EditConflict naming who
    /// saved last and when, unless `force` (the writer chose to overwrite). A signed note → CaseloadError.refused.
    /// Only the note's author may save it. `appointmentID` links a new note to the Home appointment it documents.
    /// Returns the saved note (id set, revision bumped). Audited (create / update).
    func saveDraft(_ note: ProgressNote, links: [NoteLink], appointmentID: RowID?, force: Bool,
                   by staff: Staff) throws -> ProgressNote

    /// Signs a draft: stamps signer and time, status signed; after this the store refuses any change to it.
    /// Refuses an empty note (every section blank) with a sentence saying so. Stale revision → EditConflict.
    func sign(noteID: RowID, expectedRevision: Int, by staff: Staff) throws -> ProgressNote

    /// A supervisor co-signs a signed note of a staff member who needs co-signature (Staff.needsCosign).
    /// Refused for anyone but that staff member's supervisor (or an administrator), or twice.
    func cosign(noteID: RowID, by staff: Staff) throws

    /// Appends a dated addendum to a signed note (refused on a draft: edit the draft instead). Empty text refused.
    @discardableResult
    func addAddendum(noteID: RowID, text: String, by staff: Staff) throws -> NoteAddendum

    /// Deletes a draft I wrote (never a signed note). Audited.
    func discardDraft(noteID: RowID, by staff: Staff) throws

    /// My unsigned notes, newest first; `overdue` as ProgramSettings.unsignedNoteHours says, measured at `now`.
    func drafts(staffID: RowID, now: Date) throws -> [DraftRow]

    /// Signed notes of the staff `supervisorID` supervises that need and lack a co-signature, oldest first.
    func cosignQueue(supervisorID: RowID) throws -> [CosignRow]

    /// Full-text search, newest first (session date, then start time), at most `query.limit` hits.
    /// An empty or all-punctuation query → CaseloadError.invalidInput.
    func searchNotes(_ query: NoteSearchQuery, by staff: Staff) throws -> [NoteSearchHit]
}
