// Note search (FTS5) on the hand-built program of NoteFixture: prefixes, accents, order, scopes,
// hostile queries, snippets, and the index following edits and discards.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class NoteSearchTests: NoteFixture {
    private func search(_ text: String, by staff: Staff, client: Client? = nil, from: String? = nil, to: String? = nil,
                        scope: CaseloadScope = .mine, limit: Int = 50) throws -> [NoteSearchHit] {
        try store.searchNotes(NoteSearchQuery(text: text, clientID: client?.id, from: from.map(day), to: to.map(day),
                                              scope: scope, limit: limit), by: staff)
    }

    /// The words of the snippet that the highlights cover.
    private func highlighted(_ hit: NoteSearchHit) -> [String] {
        let chars = Array(hit.snippet)
        return hit.highlights.map { String(chars[$0]) }
    }

    func testPrefixFindsTheWholeWordAndHighlightsIt() throws {
        let note = try signed(zoe, by: ana, ["Client calm today.", "Reports anxiety at night and some anxious mornings.", "Next week."])
        let hits = try search("anx", by: ana)
        XCTAssertEqual(hits.map(\.noteID), [note.id!])
        let hit = try XCTUnwrap(hits.first)
        XCTAssertEqual(hit.section, "Assessment")
        XCTAssertEqual(hit.snippet, "Reports anxiety at night and some anxious mornings.")
        XCTAssertEqual(highlighted(hit), ["anxiety", "anxious"])
        XCTAssertEqual(hit.clientName, "Ñúñez, Zoë")
        XCTAssertEqual(hit.staffName, "Ana Pérez")
        XCTAssertEqual(hit.status, .signed)
        XCTAssertEqual(try search("anxiety night", by: ana).count, 1, "every word must match")
        XCTAssertEqual(try search("anxiety dentist", by: ana).count, 0)
    }

    func testAccentsAndCaseDoNotMatter() throws {
        let note = try signed(wang, by: ana, ["Spoke with Zoë's sister and Mr. NÚÑEZ; 李娜 interpreted.", "", ""])
        for query in ["zoe", "Zoë", "ZOE\u{0308}", "nunez", "Ñúñ", "李"] {
            XCTAssertEqual(try search(query, by: ana).map(\.noteID), [note.id!], query)
        }
        let hit = try XCTUnwrap(try search("nunez", by: ana).first)
        XCTAssertEqual(highlighted(hit), ["NÚÑEZ"])
    }

    func testNewestSessionFirstThenStartTimeAndLimit() throws {
        let march3 = try signed(zoe, by: ana, date: "2025-03-03", start: 600, ["naloxone kit given"])
        let march10Late = try signed(zoe, by: ana, date: "2025-03-10", start: 900, ["naloxone reviewed"])
        let march10Early = try signed(wang, by: ana, date: "2025-03-10", start: 540, ["naloxone carried"])
        let feb = try signed(wang, by: ana, date: "2024-02-29", start: 600, ["naloxone training"])
        XCTAssertEqual(try search("naloxone", by: ana).map(\.noteID),
                       [march10Late.id!, march10Early.id!, march3.id!, feb.id!])
        XCTAssertEqual(try search("naloxone", by: ana, limit: 2).map(\.noteID), [march10Late.id!, march10Early.id!])
        XCTAssertEqual(try search("naloxone", by: ana, client: wang).map(\.noteID), [march10Early.id!, feb.id!])
        XCTAssertEqual(try search("naloxone", by: ana, from: "2025-03-03", to: "2025-03-09").map(\.noteID), [march3.id!])
        XCTAssertEqual(try search("naloxone", by: ana, from: "2025-03-10").map(\.noteID), [march10Late.id!, march10Early.id!])
        XCTAssertEqual(try search("naloxone", by: ana, to: "2024-12-31").map(\.noteID), [feb.id!])
        XCTAssertThrowsError(try search("naloxone", by: ana, from: "2025-03-10", to: "2025-03-01"))
    }

    func testPermissionScopes() throws {
        let anaOwn = try signed(zoe, by: ana, ["housing voucher"])
        let benOnAna = try covering(wang, by: ben, start: 700, ["housing search covered for Ana"])
        let anaOnBen = try covering(jose, by: ana, start: 800, ["housing covered for Ben"])
        let bens = try signed(jose, by: ben, start: 900, ["housing list"])
        let lous = try signed(ama, by: lou, start: 1000, ["housing application"])

        // Mine: my clients' notes, whoever wrote them; not a note I wrote covering another counselor's client
        // (results never show a client the person may not see).
        XCTAssertEqual(Set(try search("housing", by: ana).map(\.noteID)), [anaOwn.id!, benOnAna.id!])
        XCTAssertFalse(try search("housing", by: ana).contains { $0.clientID == ama.id || $0.clientID == jose.id })
        XCTAssertEqual(refusal { _ = try self.search("housing", by: self.ana, scope: .team) },
                       "You can search your own caseload's notes, and a clinical supervisor their team's; nobody searches the whole program's.")
        XCTAssertNotNil(refusal { _ = try self.search("housing", by: self.ana, scope: .all) })
        // Team: the supervisor's staff's clients; nobody searches the whole program.
        XCTAssertEqual(Set(try search("housing", by: sam, scope: .team).map(\.noteID)),
                       [anaOwn.id!, benOnAna.id!, anaOnBen.id!, bens.id!])
        XCTAssertNotNil(refusal { _ = try self.search("housing", by: self.sam, scope: .all) })
        XCTAssertEqual(try search("housing", by: kim, scope: .team).map(\.noteID), [lous.id!])
        // Administrators see no client's notes.
        XCTAssertEqual(refusal { _ = try self.search("housing", by: self.adm) },
                       "Administrators do not see clients' notes. In an emergency, open the chart with :breakglass MRN (recorded).")
        XCTAssertNotNil(refusal { _ = try self.search("housing", by: self.adm, scope: .all) })
        // A chart's own search is that client's notes, for whoever sees the chart.
        XCTAssertEqual(try search("housing", by: ana, client: zoe).map(\.noteID), [anaOwn.id!])
        XCTAssertEqual(try search("housing", by: sam, client: zoe).map(\.noteID), [anaOwn.id!])
        XCTAssertNotNil(refusal { _ = try self.search("housing", by: self.lou, client: self.zoe) })
        // Every refusal is in the audit trail.
        XCTAssertEqual(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_events WHERE action = 'refused'") }, 6)
    }

    func testHostileQueriesAreWordsOrASentenceNeverAnSQLiteError() throws {
        let note = try signed(zoe, by: ana, ["Talked about work AND family; NEAR the end, client asked about OR shifts."])
        for empty in ["", "   ", "\"", "*", "\"*\"", "-:()^", "\u{0301}"] {
            XCTAssertThrowsError(try search(empty, by: ana), empty) { error in
                guard case .invalidInput(let m)? = error as? CaseloadError else { return XCTFail("\(empty): \(error)") }
                XCTAssertTrue(m.contains("word"), m)
            }
        }
        for words in ["AND", "and", "OR", "NEAR", "\"work", "work*", "body:work", "scope:c1", "NOT family", "(work)",
                      "work -family", "{body}: family", "'; DROP TABLE progress_notes; --"] {
            XCTAssertNoThrow(try search(words, by: ana), words)
        }
        XCTAssertEqual(try search("AND", by: ana).map(\.noteID), [note.id!])
        XCTAssertEqual(try search("\"work", by: ana).map(\.noteID), [note.id!])
        XCTAssertEqual(try search("NOT family", by: ana).map(\.noteID), [], "no note has the word 'not'")
        XCTAssertEqual(try search("c\(zoe.id!)", by: ana).map(\.noteID), [], "the scope column is not searched")
        XCTAssertEqual(try search("drop table", by: ana), [])
        XCTAssertEqual(try store.noteCount(clientID: zoe.id!), 1)
    }

    func testIndexFollowsEditsDiscardsAndNotesWrittenOtherwise() throws {
        var draft = try save(newNote(zoe, by: ana, ["Discussed the probation officer visit."]), by: ana)
        XCTAssertEqual(try search("probation", by: ana).map(\.noteID), [draft.id!])
        draft.sections = ["Discussed the court date instead."]
        draft = try save(draft, by: ana)
        XCTAssertEqual(try search("probation", by: ana), [])
        XCTAssertEqual(try search("court", by: ana).map(\.noteID), [draft.id!])
        XCTAssertEqual(try search("court", by: ana).first?.status, .draft)
        try store.discardDraft(noteID: draft.id!, by: ana)
        XCTAssertEqual(try search("court", by: ana), [])
        XCTAssertEqual(try search("discussed", by: ana), [])

        // A note written straight into the table (set-up code, imports) is found too, its words
        // not yet in the vocabulary.
        let inserted = try store.insert(newNote(zoe, by: ana, ["Xylophone therapy, a first."]))
        XCTAssertEqual(try search("xylo", by: ana).map(\.noteID), [inserted.id!])
        // The index and the notes agree: an FTS5 integrity check against the store's own text.
        try store.dbPool.read { db in
            let notes = try Int.fetchOne(db, sql: "SELECT count(*) FROM progress_notes")
            let indexed = try Int.fetchOne(db, sql: "SELECT count(*) FROM note_search WHERE note_search MATCH 'scope : s\(ana.id!)'")
            XCTAssertEqual(notes, indexed)
        }
    }

    func testLongNoteSnippetIsCutAroundTheMatchOnOneLine() throws {
        let before = String(repeating: "The client described the week in detail.\n", count: 20)
        let after = String(repeating: " More routine discussion followed.", count: 20)
        _ = try signed(zoe, by: ana, ["", before + "Then a hepatitis test was scheduled at the clinic." + after, ""])
        let hit = try XCTUnwrap(try search("hepat", by: ana).first)
        XCTAssertEqual(hit.section, "Assessment")
        XCTAssertTrue(hit.snippet.hasPrefix("…"), hit.snippet)
        XCTAssertTrue(hit.snippet.hasSuffix("…"), hit.snippet)
        XCTAssertFalse(hit.snippet.contains("\n"))
        XCTAssertLessThanOrEqual(hit.snippet.count, 64)
        XCTAssertEqual(highlighted(hit), ["hepatitis"])
        XCTAssertTrue(hit.snippet.contains("Then a hepatitis test"), hit.snippet)
    }

    func testNarrowedAndFilteredSearchesAgree() throws {
        let anas = try signed(zoe, by: ana, date: "2024-05-02", ["Talked about housing."])
        let bens = try signed(jose, by: ben, date: "2024-05-03", ["housing again"])
        let benForAna = try covering(wang, by: ben, date: "2024-05-04", ["housing, covering for Ana"])
        var lous: [RowID] = []
        for d in 1...6 { lous.append(try signed(ama, by: lou, date: "2025-03-0\(d)", ["Lou's housing note \(d)"]).id!) }
        // Narrowed inside the index by client tokens (the default) or filtered by a join (a caseload
        // too large to list): the same notes, newest first, past the newer notes of other caseloads.
        for tokens in [400, 0] {
            let mine = try store.searchNotes(NoteSearchQuery(text: "housing", scope: .mine), by: ana, narrowUpTo: tokens)
            XCTAssertEqual(mine.map(\.noteID), [benForAna.id!, anas.id!], "\(tokens)")
            let bensOwn = try store.searchNotes(NoteSearchQuery(text: "hous", scope: .mine), by: ben, narrowUpTo: tokens)
            XCTAssertEqual(bensOwn.map(\.noteID), [bens.id!], "a note Ben wrote covering Ana's client is hers: \(tokens)")
            let team = try store.searchNotes(NoteSearchQuery(text: "hous", scope: .team), by: sam, narrowUpTo: tokens)
            XCTAssertEqual(team.map(\.noteID), [benForAna.id!, bens.id!, anas.id!], "\(tokens)")
            let kims = try store.searchNotes(NoteSearchQuery(text: "housing", scope: .team, limit: 4), by: kim, narrowUpTo: tokens)
            XCTAssertEqual(kims.map(\.noteID), Array(lous.reversed().prefix(4)), "\(tokens)")
        }
    }

    func testAChartWithHundredsOfNotesFindsTheNewestCommonAndTheOldestRareWord() throws {
        let old = try store.insert(newNote(zoe, by: ana, date: "2020-01-06", ["First intake; hepatitis C screening offered."]))
        var ids: [RowID] = []
        var day = Day("2020-02-03")!
        for i in 0..<230 {
            let sections = ["Routine visit \(i); client doing well.", i % 10 == 0 ? "Talked about hepatic health." : "", ""]
            ids.append(try store.insert(newNote(zoe, by: ana, date: day.description, sections)).id!)
            day = day.adding(days: 7)
        }
        let newest = Array(ids.reversed())
        let routine = try search("routine", by: ana, client: zoe)
        XCTAssertEqual(routine.map(\.noteID), Array(newest.prefix(50)))
        XCTAssertEqual(routine.first.map(highlighted), ["Routine"])
        // Not in the newest 200: the index finds the oldest note, and every prefix match.
        XCTAssertEqual(try search("hepatitis", by: ana, client: zoe).map(\.noteID), [old.id!])
        let hepat = try search("hepat", by: ana, client: zoe)
        XCTAssertEqual(hepat.count, 24)
        XCTAssertEqual(hepat.last?.noteID, old.id!)
        XCTAssertEqual(hepat.map(\.noteID), hepat.map(\.noteID).sorted(by: >), "newest first (ids grow with dates here)")
        // A word inside another word is not a match ("outine" is not a word start).
        XCTAssertEqual(try search("outine", by: ana, client: zoe), [])
        XCTAssertEqual(try search("routine", by: ana, client: zoe, from: "2020-02-03", to: "2020-02-17").count, 3)
    }
}
