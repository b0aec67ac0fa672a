// NoteRepository on the SQLite store: drafts with optimistic versioning, signing, co-signing,
// addenda, Home's drafts, the co-signature queue and full-text search (FTS5, see Schema+Notes).
import CaseloadCore
import Foundation
import GRDB

extension SQLiteStore: NoteRepository {
    public func noteModalities() throws -> [Modality] {
        try read { db in try ModalityTable.fetchAll(db, where: "active = 1", orderBy: "name, id") }
    }

    public func noteForEditing(id: RowID) throws -> (note: ProgressNote, links: [NoteLink]) {
        try authorize(recordSQL: Self.noteClientSQL, id: id, .full, what: "note \(id)")
        return try read { db in
            let note = try Self.progressNote(id, db)
            let links = try Row.fetchAll(db, sql: "SELECT goal_id, objective_id FROM note_goal_links WHERE note_id = ? ORDER BY id",
                                         arguments: [id]).map { NoteLink(goalID: $0[0], objectiveID: $0[1]) }
            return (note, links)
        }
    }

    public func saveDraft(_ note: ProgressNote, links: [NoteLink], appointmentID: RowID?, force: Bool,
                          by staff: Staff) throws -> ProgressNote {
        guard let staffID = staff.id else { throw CaseloadError.refused("Only a staff member can write notes.") }
        try Self.validate(note)
        let now = clock.now()
        if note.date > clock.today() {
            throw CaseloadError.invalidInput("A note cannot be dated in the future (\(note.date)). Write it on or after the day of the session.")
        }
        try authorize(clientID: note.clientID, .full, what: "progress notes", by: staff)
        return try write { db in
            let settings = try SettingsCodec.read(db)
            let units = note.format == .noShow ? 0 : settings.billingUnits(forMinutes: note.minutes)
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM modalities WHERE id = ?", arguments: [note.modalityID]) == true else {
                throw CaseloadError.invalidInput("Choose a modality for the session; the one chosen no longer exists.")
            }
            var saved = note
            saved.staffID = staffID
            saved.billingUnits = units
            saved.updatedAt = now
            saved.status = .draft
            saved.signedAt = nil; saved.signedByID = nil; saved.cosignedAt = nil; saved.cosignedByID = nil
            saved.sections = (0..<note.template.sections.count).map { $0 < note.sections.count ? note.sections[$0] : "" }

            if let id = note.id {
                let current = try Self.noteState(id, db)
                if current.status == .signed {
                    throw CaseloadError.refused("This note is signed and cannot be changed. Add an addendum instead.")
                }
                guard current.staffID == staffID else {
                    throw AccessRefused(staff: staff, clientID: current.clientID, subject: "note \(id)",
                                        sentence: "Only \(current.authorName), who wrote this note, can edit it.")
                }
                if current.revision != note.revision && !force {
                    throw EditConflict(what: "The note", changedBy: current.updatedByName, changedAt: current.updatedAt)
                }
                guard current.clientID == note.clientID else {
                    throw CaseloadError.invalidInput("A note cannot be moved to another client's chart.")
                }
                try Self.checkLinks(links, clientID: note.clientID, db)
                try db.execute(sql: """
                    UPDATE progress_notes SET date = ?, start_minute = ?, minutes = ?, modality_id = ?, format = ?,
                        template = ?, section1 = ?, section2 = ?, section3 = ?, section4 = ?, billing_units = ?,
                        updated_at = ?, updated_by_id = ?, revision = revision + 1
                    WHERE id = ? AND status = 'draft'
                    """, arguments: [note.date.sqlText, note.startMinute, note.minutes, note.modalityID, note.format.rawValue,
                                     note.template.rawValue, Self.section(saved, 0), Self.section(saved, 1),
                                     Self.section(saved, 2), Self.section(saved, 3), units, now, staffID, id])
                try db.execute(sql: "DELETE FROM note_goal_links WHERE note_id = ?", arguments: [id])
                try Self.insertLinks(links, noteID: id, db)
                try noteAudit(db, .update, staff, note: id, clientID: note.clientID,
                              detail: "saved the draft \(note.template.label) note of \(note.date)", coalesce: true)
            } else {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM clients WHERE id = ?", arguments: [note.clientID]) == true else {
                    throw CaseloadError.notFound(what: "The client")
                }
                try Self.checkLinks(links, clientID: note.clientID, db)
                saved.createdAt = now
                saved.revision = 1
                let id = try NoteTable.insert(saved, db)
                saved.id = id
                try db.execute(sql: "UPDATE progress_notes SET updated_by_id = ? WHERE id = ?", arguments: [staffID, id])
                try Self.insertLinks(links, noteID: id, db)
                if let appointmentID {
                    guard let a = try Row.fetchOne(db, sql: "SELECT client_id, note_id FROM appointments WHERE id = ?",
                                                   arguments: [appointmentID]) else {
                        throw CaseloadError.notFound(what: "The appointment")
                    }
                    guard (a[0] as RowID) == note.clientID else {
                        throw CaseloadError.invalidInput("The appointment is with another client; the note was not saved.")
                    }
                    if (a[1] as RowID?) != nil {
                        throw CaseloadError.refused("This appointment already has a note. Open that note from the client's chart.")
                    }
                    try db.execute(sql: "UPDATE appointments SET note_id = ? WHERE id = ?", arguments: [id, appointmentID])
                }
                try noteAudit(db, .create, staff, note: id, clientID: note.clientID,
                              detail: "started a \(note.template.label) note of \(note.date) (\(note.format.label))")
            }
            try Schema.foldNoteTerms(db)
            return try Self.progressNote(saved.id!, db)
        }
    }

    public func sign(noteID: RowID, expectedRevision: Int, by staff: Staff) throws -> ProgressNote {
        guard let staffID = staff.id else { throw CaseloadError.refused("Only a staff member can sign notes.") }
        let now = clock.now()
        return try write { db in
            let current = try Self.noteState(noteID, db)
            if current.status == .signed { throw CaseloadError.refused("This note is already signed.") }
            guard current.staffID == staffID else {
                throw AccessRefused(staff: staff, clientID: current.clientID, subject: "note \(noteID)",
                                    sentence: "Only \(current.authorName), who wrote this note, can sign it.")
            }
            if current.revision != expectedRevision {
                throw EditConflict(what: "The note", changedBy: current.updatedByName, changedAt: current.updatedAt)
            }
            let note = try Self.progressNote(noteID, db)
            if note.sections.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                throw CaseloadError.invalidInput("This note is empty. Write at least one line before signing it.")
            }
            if let refusal = note.template.signingRefusal(note.sections, format: note.format) {
                throw CaseloadError.invalidInput(refusal)
            }
            try db.execute(sql: """
                UPDATE progress_notes SET status = 'signed', signed_at = ?, signed_by_id = ?, updated_at = ?,
                    updated_by_id = ?, revision = revision + 1,
                    signer_text = \(Self.signatureTextSQL)
                WHERE id = ? AND status = 'draft'
                """, arguments: [now, staffID, now, staffID, staffID, noteID])
            try noteAudit(db, .sign, staff, note: noteID, clientID: note.clientID,
                          detail: "signed the \(note.template.label) note of \(note.date)")
            return try Self.progressNote(noteID, db)
        }
    }

    public func cosign(noteID: RowID, by staff: Staff) throws {
        guard let staffID = staff.id else { throw CaseloadError.refused("Only a staff member can co-sign notes.") }
        let now = clock.now()
        try write { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT n.status, n.client_id, n.date, n.cosigned_at, a.id, a.display_name, a.supervisor_id, a.needs_cosign,
                       cs.display_name
                FROM progress_notes n JOIN staff a ON a.id = n.staff_id LEFT JOIN staff cs ON cs.id = n.cosigned_by_id
                WHERE n.id = ?
                """, arguments: [noteID]) else { throw CaseloadError.notFound(what: "The note") }
            let status: NoteStatus = try Col.value(r, 0, "progress_notes.status")
            let clientID: RowID = r[1], date: String = r[2]
            let authorID: RowID = r[4], authorName: String = r[5], supervisorID: RowID? = r[6], needsCosign: Bool = r[7]
            guard status == .signed else {
                throw CaseloadError.refused("Only a signed note can be co-signed; this one is still a draft.")
            }
            if let when: Date = r[3] {
                let who: String = r[8] ?? "someone"
                throw CaseloadError.refused("This note was already co-signed by \(who) on \(Self.dayText(when)).")
            }
            guard needsCosign else { throw CaseloadError.refused("\(authorName)'s notes do not need a co-signature.") }
            guard authorID != staffID else { throw CaseloadError.refused("A note cannot be co-signed by the person who wrote it.") }
            guard supervisorID == staffID else {
                throw AccessRefused(staff: staff, clientID: clientID, subject: "note \(noteID)",
                                    sentence: "Only \(authorName)'s clinical supervisor can co-sign this note.")
            }
            try db.execute(sql: """
                UPDATE progress_notes SET cosigned_at = ?, cosigned_by_id = ?,
                    cosigner_text = \(Self.signatureTextSQL)
                WHERE id = ? AND cosigned_at IS NULL
                """, arguments: [now, staffID, staffID, noteID])
            try noteAudit(db, .sign, staff, note: noteID, clientID: clientID,
                          detail: "co-signed \(authorName)'s note of \(date)")
        }
    }

    @discardableResult
    public func addAddendum(noteID: RowID, text: String, by staff: Staff) throws -> NoteAddendum {
        guard let staffID = staff.id else { throw CaseloadError.refused("Only a staff member can add an addendum.") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CaseloadError.invalidInput("An addendum needs some text.")
        }
        try authorize(recordSQL: Self.noteClientSQL, id: noteID, .full,
                      what: "note \(noteID)", by: staff)
        let now = clock.now()
        return try write { db in
            let current = try Self.noteState(noteID, db)
            guard current.status == .signed else {
                throw CaseloadError.refused("This note is still a draft: change the draft itself instead of adding an addendum.")
            }
            try db.execute(sql: "INSERT INTO note_addenda (note_id, staff_id, at, text) VALUES (?, ?, ?, ?)",
                           arguments: [noteID, staffID, now, text])
            let id = db.lastInsertedRowID
            try noteAudit(db, .update, staff, note: noteID, clientID: current.clientID,
                          detail: "added an addendum to the note of \(current.date)")
            return NoteAddendum(id: id, noteID: noteID, staffID: staffID, staffName: staff.displayName, at: now, text: text)
        }
    }

    public func discardDraft(noteID: RowID, by staff: Staff) throws {
        guard let staffID = staff.id else { throw CaseloadError.refused("Only a staff member can discard notes.") }
        try write { db in
            let current = try Self.noteState(noteID, db)
            if current.status == .signed {
                throw CaseloadError.refused("A signed note cannot be discarded. Add an addendum to correct it.")
            }
            guard current.staffID == staffID else {
                throw AccessRefused(staff: staff, clientID: current.clientID, subject: "note \(noteID)",
                                    sentence: "Only \(current.authorName), who wrote this draft, can discard it.")
            }
            try db.execute(sql: "UPDATE appointments SET note_id = NULL WHERE note_id = ?", arguments: [noteID])
            try db.execute(sql: "DELETE FROM note_goal_links WHERE note_id = ?", arguments: [noteID])
            try db.execute(sql: "DELETE FROM progress_notes WHERE id = ? AND status = 'draft'", arguments: [noteID])
            try noteAudit(db, .update, staff, note: noteID, clientID: current.clientID,
                          detail: "discarded the draft note of \(current.date)")
        }
    }

    public func drafts(staffID: RowID, now: Date) throws -> [DraftRow] {
        try authorizeStaffView(staffID, what: "draft notes")
        return try read { db in
            let hours = try SettingsCodec.read(db).unsignedNoteHours
            let cutoff = now.addingTimeInterval(-Double(hours) * 3600)
            let rows = try Row.fetchAll(db, sql: """
                SELECT n.id, n.client_id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, n.date,
                       n.start_minute, n.format, n.template, n.updated_at, n.created_at
                FROM progress_notes n JOIN clients c ON c.id = n.client_id
                WHERE n.staff_id = ? AND n.status = 'draft'
                ORDER BY n.date DESC, n.start_minute DESC, n.id DESC
                """, arguments: [staffID])
            return try rows.map { r in
                DraftRow(noteID: r[0], clientID: r[1], clientName: clientDisplayName(first: r[2], last: r[3], preferred: r[4]),
                         mrn: r[5], date: try Col.day(r, 6, "progress_notes.date"), startMinute: r[7],
                         format: try Col.value(r, 8, "progress_notes.format"),
                         template: try Col.value(r, 9, "progress_notes.template"),
                         updatedAt: try Col.date(r, 10, "progress_notes.updated_at"),
                         overdue: try Col.date(r, 11, "progress_notes.created_at") < cutoff)
            }
        }
    }

    public func cosignQueue(supervisorID: RowID) throws -> [CosignRow] {
        try authorizeStaffView(supervisorID, what: "co-sign queue")
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT n.id, n.client_id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, s.display_name,
                       n.date, n.format, n.signed_at
                FROM staff s
                JOIN progress_notes n ON n.staff_id = s.id AND n.status = 'signed' AND n.cosigned_at IS NULL
                JOIN clients c ON c.id = n.client_id
                WHERE s.supervisor_id = ? AND s.needs_cosign = 1 AND s.id <> ?
                ORDER BY n.signed_at, n.id
                """, arguments: [supervisorID, supervisorID])
            return try rows.map { r in
                CosignRow(noteID: r[0], clientID: r[1], clientName: clientDisplayName(first: r[2], last: r[3], preferred: r[4]),
                          mrn: r[5], staffName: r[6], date: try Col.day(r, 7, "progress_notes.date"),
                          format: try Col.value(r, 8, "progress_notes.format"),
                          signedAt: try Col.date(r, 9, "progress_notes.signed_at"))
            }
        }
    }

    // MARK: Search

    public func searchNotes(_ query: NoteSearchQuery, by staff: Staff) throws -> [NoteSearchHit] {
        try searchNotes(query, by: staff, narrowUpTo: 400)
    }

    /// `narrowUpTo`: the most clients whose tokens narrow a mine / team search inside the index.
    func searchNotes(_ query: NoteSearchQuery, by staff: Staff, narrowUpTo maxTokens: Int) throws -> [NoteSearchHit] {
        guard let staffID = staff.id else { throw CaseloadError.refused("Only a staff member can search notes.") }
        let terms = NoteSearchText.terms(query.text)
        guard !terms.isEmpty else {
            throw CaseloadError.invalidInput("Type a word to search for (letters or digits; \"anx\" finds \"anxiety\").")
        }
        if let from = query.from, let to = query.to, from > to {
            throw CaseloadError.invalidInput("The search's start date \(from) is after its end date \(to).")
        }
        let limit = max(0, min(query.limit, 1000))
        if limit == 0 { return [] }

        var filter = ""
        var scopeMatch = ""
        // The clients whose notes a narrowed search covers (besides the notes I wrote).
        var scopeClients: String?
        // Results never name a client the person may not see (Access.swift): one chart they see in full, their
        // own caseload, or a supervisor's team; nobody searches the whole program.
        if let clientID = query.clientID {
            try authorize(clientID: clientID, .full, what: "progress notes", by: staff)
            scopeMatch = " AND scope : \"c\(clientID)\""
        } else {
            switch query.scope {
            case .mine:
                try refuseWideSearch(staff, unless: staff.role != .admin, what: "progress notes")
                filter = "AND c.primary_counselor_id = :me"
                scopeClients = "SELECT id FROM clients WHERE primary_counselor_id = :me"
            case .team:
                try refuseWideSearch(staff, unless: try self.staff(id: staffID)?.role == .supervisor, what: "team's notes")
                let ids = try teamList(staffID)
                filter = "AND c.primary_counselor_id IN (\(ids))"
                scopeClients = "SELECT id FROM clients WHERE primary_counselor_id IN (\(ids))"
            case .all:
                try refuseWideSearch(staff, unless: false, what: "program's notes")
            }
        }
        var range = ""
        if query.from != nil { range += " AND f.rowid >= \(Schema.noteSearchDayStart(":from"))" }
        if query.to != nil { range += " AND f.rowid < \(Schema.noteSearchDayStart("date(:to, '+1 day')"))" }

        return try read { db in
            // Nothing the user types is read as FTS5 syntax: words only, each quoted, in the
            // note text column only (AND, NEAR, *, " and column names are plain words here).
            let words = try terms.map { try Self.matchWord($0, db) }
            let match = "body : (" + words.joined(separator: " AND ") + ")" + scopeMatch
            func arguments(_ match: String, limit: Int) -> StatementArguments {
                ["match": match, "me": staffID, "from": query.from?.sqlText, "to": query.to?.sqlText, "limit": limit]
            }
            // CROSS JOIN keeps the FTS walk outermost: rowid order is newest-first order, so the
            // LIMIT stops the walk as soon as enough notes in scope have been found. Every join is a CROSS
            // JOIN, so a team's list of counselors never lets the planner start from the clients instead.
            func fetch(_ match: String, limit: Int) throws -> [Row] {
                try Row.fetchAll(db, sql: """
                    SELECT \(Self.searchColumns)
                    FROM note_search f
                    CROSS JOIN progress_notes n ON n.id = (f.rowid & \(Schema.noteSearchIDMask))
                    CROSS JOIN clients c ON c.id = n.client_id
                    CROSS JOIN staff s ON s.id = n.staff_id
                    WHERE note_search MATCH :match \(range) \(filter)
                    ORDER BY f.rowid DESC
                    LIMIT :limit
                    """, arguments: arguments(match, limit: limit))
            }
            var rows: [Row]
            if let clientID = query.clientID,
               let recent = try Self.recentMatches(clientID: clientID, query: query, terms: terms, limit: limit, db) {
                rows = recent
            } else if let scopeClients {
                // Filtering newest-first hits costs a join per hit of anyone's, which is slow for a
                // word common elsewhere but rare on my caseload (0.3 s at full scale). Intersecting
                // inside FTS5 with my clients' tokens costs a few ms whatever the word (measured on
                // 2.5 M notes); the join filter stays as the exact rule.
                let clients = try RowID.fetchAll(db, sql: scopeClients, arguments: ["me": staffID])
                var narrowed = match
                if clients.count <= maxTokens {
                    let tokens = ["\"s\(staffID)\""] + clients.map { "\"c\($0)\"" }
                    narrowed += " AND scope : (" + tokens.joined(separator: " OR ") + ")"
                }
                rows = try fetch(narrowed, limit: limit)
            } else {
                rows = try fetch(match, limit: limit)
            }
            return try rows.map { r in
                let template: NoteTemplate = try Col.value(r, 8, "progress_notes.template")
                // The addenda are searched too: a hit only there says so ("Addendum").
                let sections: [String] = (0..<template.sections.count).map { r[11 + $0] } + [(r[15] as String?) ?? ""]
                let excerpt = NoteSearchText.snippet(sections: sections, terms: terms)
                return NoteSearchHit(
                    noteID: r[0], clientID: r[1], clientName: clientDisplayName(first: r[2], last: r[3], preferred: r[4]),
                    mrn: r[5], date: try Col.day(r, 6, "progress_notes.date"),
                    format: try Col.value(r, 7, "progress_notes.format"), template: template,
                    status: try Col.value(r, 9, "progress_notes.status"), staffName: r[10],
                    section: excerpt.section >= template.sections.count ? "Addendum"
                        : template.sections[excerpt.section],
                    snippet: excerpt.text, highlights: excerpt.highlights)
            }
        }
    }

    static let searchColumns = """
        n.id, n.client_id, c.legal_first_name, c.legal_last_name, c.preferred_name, c.mrn, n.date,
        n.format, n.template, n.status, s.display_name, n.section1, n.section2, n.section3, n.section4,
        (SELECT group_concat(x.text, char(10)) FROM (SELECT text FROM note_addenda WHERE note_id = n.id ORDER BY id) x)
        """

    /// A chart's search for a word that fills the page from the client's newest notes. Intersecting
    /// a word in a million notes with one client's few hundred seeks in the word's whole doclist at
    /// every step (10 ms, 40 ms p99 at full scale); reading the newest 200 notes of the client and
    /// matching in Swift costs about a millisecond. Nil when those notes do not fill the page
    /// (a rarer word): then the index answers, cheaply for a rare word.
    static func recentMatches(clientID: RowID, query: NoteSearchQuery, terms: [String], limit: Int,
                              _ db: Database) throws -> [Row]? {
        let window = 100
        var range = ""
        if query.from != nil { range += " AND n.date >= :from" }
        if query.to != nil { range += " AND n.date <= :to" }
        let recent = try Row.fetchCursor(db, sql: """
            SELECT \(searchColumns)
            FROM progress_notes n JOIN clients c ON c.id = n.client_id JOIN staff s ON s.id = n.staff_id
            WHERE n.client_id = :client \(range)
            ORDER BY n.date DESC, n.start_minute DESC, n.id DESC
            LIMIT :window
            """, arguments: ["client": clientID, "from": query.from?.sqlText, "to": query.to?.sqlText, "window": window])
        let folded = terms.map(NoteSearchText.fold)
        var found: [Row] = []
        var read = 0
        // A cursor: a common word stops the read after the page is full, not after the window.
        while let r = try recent.next() {
            read += 1
            let sections: [String] = (11...14).map { r[$0] } + [(r[15] as String?) ?? ""]
            if NoteSearchText.matchesAll(sections, folded) {
                found.append(r.copy())
                if found.count == limit { return found }
            }
        }
        // Every note of the client in range was read: the answer is complete.
        return read < window ? found : nil
    }

    /// One user word as FTS5 syntax: the indexed words it begins, OR-ed ("anx" → ("anxiety" OR
    /// "anxious")), which FTS5 walks lazily; `"anx"*` only when the vocabulary has no such word
    /// (then FTS5's own tokenizer decides, and few notes can match) or too many to OR.
    static func matchWord(_ word: String, _ db: Database) throws -> String {
        let folded = NoteSearchText.indexFold(word)
        let expansions = try String.fetchAll(db, sql: """
            SELECT term FROM note_terms WHERE term >= ?1 AND term < ?1 || char(1114111)
            UNION SELECT term FROM note_search_recent_terms WHERE term >= ?1 AND term < ?1 || char(1114111)
            LIMIT 301
            """, arguments: [folded])
        if expansions.isEmpty || expansions.count > 300 { return "\"\(word)\"*" }
        return "(" + expansions.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: " OR ") + ")"
    }

    private func refuseWideSearch(_ staff: Staff, unless allowed: Bool, what: String) throws {
        if allowed { return }
        throw try refusal(by: staff, clientID: nil, what: "search of the \(what)", sentence: staff.role == .admin
            ? "Administrators do not see clients' notes. In an emergency, open the chart with :breakglass MRN (recorded)."
            : "You can search your own caseload's notes, and a clinical supervisor their team's; nobody searches the whole program's.")
    }

    // MARK: Helpers

    private struct NoteState {
        var status: NoteStatus
        var staffID: RowID
        var clientID: RowID
        var date: String
        var revision: Int
        var authorName: String
        var updatedByName: String
        var updatedAt: Date?
    }

    private static func noteState(_ id: RowID, _ db: Database) throws -> NoteState {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT n.status, n.staff_id, n.client_id, n.date, n.revision, a.display_name,
                   coalesce(u.display_name, a.display_name), n.updated_at
            FROM progress_notes n JOIN staff a ON a.id = n.staff_id LEFT JOIN staff u ON u.id = n.updated_by_id
            WHERE n.id = ?
            """, arguments: [id]) else {
            throw CaseloadError.notFound(what: "The note (it may have been discarded in another session)")
        }
        return NoteState(status: try Col.value(r, 0, "progress_notes.status"), staffID: r[1], clientID: r[2], date: r[3],
                         revision: r[4], authorName: r[5], updatedByName: r[6], updatedAt: r[7])
    }

    static func progressNote(_ id: RowID, _ db: Database) throws -> ProgressNote {
        guard let n = try NoteTable.fetchAll(db, where: "id = ?", [id]).first else {
            throw CaseloadError.notFound(what: "The note (it may have been discarded in another session)")
        }
        return n
    }

    private static func section(_ n: ProgressNote, _ i: Int) -> String { i < n.sections.count ? n.sections[i] : "" }

    private static func validate(_ note: ProgressNote) throws {
        let names = note.template.sections
        guard note.sections.count <= names.count else {
            throw CaseloadError.invalidInput("A \(note.template.label) note has \(names.count) sections; this one has \(note.sections.count).")
        }
        guard (0..<1440).contains(note.startMinute) else {
            throw CaseloadError.invalidInput("The session's start time must be between 00:00 and 23:59.")
        }
        guard note.minutes >= 0 else { throw CaseloadError.invalidInput("The session's length cannot be negative.") }
        guard note.minutes <= 24 * 60 else {
            throw CaseloadError.invalidInput("A session cannot last more than 24 hours (\(note.minutes) minutes given).")
        }
        guard note.format == .noShow || note.minutes > 0 else {
            throw CaseloadError.invalidInput("Give the session's length in minutes (only a no-show has none).")
        }
        guard note.date.year >= 1900 else { throw CaseloadError.invalidInput("The note's date \(note.date) is not plausible.") }
    }

    private static func checkLinks(_ links: [NoteLink], clientID: RowID, _ db: Database) throws {
        for link in links {
            guard (link.goalID == nil) != (link.objectiveID == nil) else {
                throw CaseloadError.invalidInput("A note links either a goal or an objective of the plan, one at a time.")
            }
            let owner: RowID?
            if let goal = link.goalID {
                owner = try RowID.fetchOne(db, sql: """
                    SELECT tp.client_id FROM goals g JOIN problems p ON p.id = g.problem_id
                    JOIN treatment_plans tp ON tp.id = p.plan_id WHERE g.id = ?
                    """, arguments: [goal])
            } else {
                owner = try RowID.fetchOne(db, sql: """
                    SELECT tp.client_id FROM objectives o JOIN goals g ON g.id = o.goal_id JOIN problems p ON p.id = g.problem_id
                    JOIN treatment_plans tp ON tp.id = p.plan_id WHERE o.id = ?
                    """, arguments: [link.objectiveID])
            }
            guard owner == clientID else {
                throw CaseloadError.invalidInput("A linked goal or objective is not part of this client's treatment plan.")
            }
        }
    }

    private static func insertLinks(_ links: [NoteLink], noteID: RowID, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO note_goal_links (note_id, goal_id, objective_id) VALUES (?, ?, ?)")
        var seen = Set<NoteLink>()
        for link in links where seen.insert(link).inserted {
            try statement.execute(arguments: [noteID, link.goalID, link.objectiveID])
        }
    }

    static func dayText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return Day(year: c.year!, month: c.month!, day: c.day!).map(\.description) ?? "\(date)"
    }

    /// Appends an audit event. Autosave writes a draft every 30 s; with `coalesce` a save right
    /// after the same person's previous save of the same note (within 10 minutes) is not recorded
    /// again, so the Activity tab shows editing sessions, not keystroke bursts.
    private func noteAudit(_ db: Database, _ action: AuditAction, _ staff: Staff, note noteID: RowID, clientID: RowID,
                           detail: String, coalesce: Bool = false) throws {
        let now = clock.now()
        let subject = "note:\(noteID)"
        if coalesce, let last = try Row.fetchOne(db, sql: """
            SELECT at, staff_id, action, subject FROM audit_events WHERE client_id = ? ORDER BY at DESC, id DESC LIMIT 1
            """, arguments: [clientID]) {
            let at: Date? = last[0]
            let who: RowID? = last[1], lastAction: String = last[2], lastSubject: String = last[3]
            if who == staff.id, lastSubject == subject,
               lastAction == AuditAction.update.rawValue,
               let at, now.timeIntervalSince(at) < 600 {
                return
            }
        }
        try AuditTable.insert(AuditEvent(at: now, staffID: staff.id, username: staff.username, action: action,
                                         clientID: clientID, subject: subject, detail: detail), db)
    }
}

/// The words of a search and the excerpt shown for a hit, computed in Swift from the note text
/// (a contentless index keeps no text to cut snippets from).
enum NoteSearchText {
    /// Letters, digits and the marks combined with them; anything else separates words, as
    /// in the FTS5 unicode61 tokenizer.
    static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        let p = u.properties
        if p.isAlphabetic { return true }
        switch p.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// The user's words, lowercased, at most 16 (a pasted paragraph is not a query).
    static func terms(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if isWordScalar(u) { current.append(u) }
            else if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
        }
        if !current.isEmpty { words.append(String(current)) }
        var seen = Set<String>()
        // A lone accent is not a word (the tokenizer drops it).
        return words.filter { $0.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil } }
            .map { $0.lowercased() }.filter { seen.insert(fold($0)).inserted }.prefix(16).map { $0 }
    }

    /// A word as the unicode61 tokenizer (remove_diacritics 2) stores it: lowercase, without
    /// accents. Simple lowercasing, not full case folding ("ß" stays as the tokenizer keeps it).
    static func indexFold(_ s: String) -> String {
        s.lowercased().folding(options: [.diacriticInsensitive], locale: nil)
    }

    /// Case and diacritics folded, as the index compares words ("Zoë" and "zoe" are one word).
    /// Plain ASCII, most of every note, skips Foundation's folding (the snippet folds each word).
    static func fold(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
        return s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    static let width = 60

    /// The first section with a matching word, ~60 characters around the first match, "…" where
    /// cut, line breaks as spaces; `highlights` are grapheme ranges of every matching word in it.
    static func snippet(sections: [String], terms: [String]) -> (section: Int, text: String, highlights: [Range<Int>]) {
        let folded = terms.map(fold)
        var fallback: (Int, [Character])?
        for (index, section) in sections.enumerated() {
            var chars: [Character] = []
            chars.reserveCapacity(section.count)
            var lastSpace = true
            for ch in section {
                if ch.isWhitespace || ch.isNewline {
                    if !lastSpace { chars.append(" ") }
                    lastSpace = true
                } else {
                    chars.append(ch); lastSpace = false
                }
            }
            while chars.last == " " { chars.removeLast() }
            if chars.isEmpty { continue }
            if fallback == nil { fallback = (index, chars) }
            // Most sections of a hit hold none of the words: one folded search skips them.
            let whole = fold(section)
            guard folded.contains(where: { whole.contains($0) }) else { continue }
            let matches = wordMatches(chars, folded)
            guard let first = matches.first else { continue }
            var start = max(0, first.lowerBound - width / 3)
            if start > 0 {
                // Begin at a word start when one is near, so the excerpt does not open mid-word.
                if let space = chars[start..<first.lowerBound].firstIndex(of: " ") { start = space + 1 }
            }
            var end = min(chars.count, start + width)
            if end < first.upperBound { end = min(chars.count, first.upperBound) }
            if end < chars.count, let space = chars[max(start, end - 12)..<end].lastIndex(of: " "), space > first.upperBound {
                end = space
            }
            let lead = start > 0 ? "…" : ""
            let text = lead + String(chars[start..<end]) + (end < chars.count ? "…" : "")
            let shift = lead.isEmpty ? 0 : 1
            let highlights = matches.filter { $0.lowerBound >= start && $0.upperBound <= end }
                .map { ($0.lowerBound - start + shift)..<($0.upperBound - start + shift) }
            return (index, text, highlights)
        }
        guard let (index, chars) = fallback else { return (0, "", []) }
        let end = min(chars.count, width)
        return (index, String(chars[0..<end]) + (end < chars.count ? "…" : ""), [])
    }

    /// Whether every folded term begins a word of the note (in any section), as the index matches.
    static func matchesAll(_ sections: [String], _ folded: [String]) -> Bool {
        let texts = sections.map(fold)
        return folded.allSatisfy { term in
            texts.contains { text in wordStart(term, in: text) }
        }
    }

    /// Whether `term` occurs in `text` at the start of a word. A byte search over UTF-8 (both are
    /// folded alike); the scalar before a hit decides whether it starts a word.
    static func wordStart(_ term: String, in text: String) -> Bool {
        let needle = Array(term.utf8)
        guard let first = needle.first else { return false }
        let scalars = text.unicodeScalars
        return text.utf8.withContiguousStorageIfAvailable { hay -> Bool in
            guard hay.count >= needle.count else { return false }
            var i = 0
            while i <= hay.count - needle.count {
                if hay[i] == first {
                    var j = 1
                    while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                    if j == needle.count {
                        if i == 0 { return true }
                        let at = text.utf8.index(text.utf8.startIndex, offsetBy: i)
                        if !isWordScalar(scalars[scalars.index(before: at)]) { return true }
                    }
                }
                i += 1
            }
            return false
        } ?? {
            var copy = text
            copy.makeContiguousUTF8()
            return wordStart(term, in: copy)
        }()
    }

    /// Grapheme ranges of the words of `chars` that start with one of the folded terms.
    static func wordMatches(_ chars: [Character], _ folded: [String]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = 0
        while i < chars.count {
            guard chars[i].unicodeScalars.contains(where: isWordScalar) else { i += 1; continue }
            var j = i
            while j < chars.count, chars[j].unicodeScalars.first.map(isWordScalar) == true { j += 1 }
            let word = fold(String(chars[i..<j]))
            if folded.contains(where: { word.hasPrefix($0) }) { result.append(i..<j) }
            i = j
        }
        return result
    }
}
