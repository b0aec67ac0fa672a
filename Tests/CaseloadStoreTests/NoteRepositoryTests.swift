// NoteRepository on a small program built by hand (fixture "today" is Wednesday 2025-03-12, 09:00):
// drafts, conflicts, signing and its lock, addenda, co-signature, Home's drafts.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

/// Sam supervises Ana (needs co-signature) and Ben; Kim supervises Lou. Ana has Zoë and 王小明,
/// Ben has José, Lou has Ama.
class NoteFixture: XCTestCase {
    var path: String!
    var store: SQLiteStore!
    var adm: Staff!, sam: Staff!, kim: Staff!, ana: Staff!, ben: Staff!, lou: Staff!
    var zoe: Client!, wang: Client!, jose: Client!, ama: Client!
    var individual: RowID!

    func day(_ s: String) -> Day { Day(s)! }

    override func setUpWithError() throws {
        let dir = try TestDirs.make(self)
        path = dir.appendingPathComponent("notes.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        adm = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        sam = try store.addStaff(Staff(username: "sam", displayName: "Sam Okafor", role: .supervisor))
        kim = try store.addStaff(Staff(username: "kim", displayName: "Kim Đặng", role: .supervisor))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor, supervisorID: sam.id,
                                       needsCosign: true))
        ben = try store.addStaff(Staff(username: "ben", displayName: "Ben Kim", role: .counselor, supervisorID: sam.id))
        lou = try store.addStaff(Staff(username: "lou", displayName: "Lou Reed", role: .counselor, supervisorID: kim.id))
        func client(_ mrn: String, _ first: String, _ last: String, _ counselor: Staff) throws -> Client {
            try store.insert(Client(mrn: mrn, legalFirstName: first, legalLastName: last, dateOfBirth: day("1988-07-14"),
                                    admissionDate: day("2024-06-01"), phase: "Stabilization", medication: .methadone,
                                    doseMg: 80, primaryCounselorID: counselor.id))
        }
        zoe = try client("A-001", "Zoë", "Ñúñez", ana)
        wang = try client("A-002", "小明", "王", ana)
        jose = try client("B-001", "José", "García", ben)
        ama = try client("L-001", "Ama", "Mensah", lou)
        individual = try XCTUnwrap(try store.modalityID(named: "Individual counseling"))
    }

    func newNote(_ client: Client, by staff: Staff, date: String = "2025-03-12", start: Int = 600, minutes: Int = 50,
                 format: SessionFormat = .individual, template: NoteTemplate = .dap, _ sections: [String]) -> ProgressNote {
        ProgressNote(clientID: client.id!, staffID: staff.id!, date: day(date), startMinute: start, minutes: minutes,
                     modalityID: individual, format: format, template: template, sections: sections, status: .draft,
                     billingUnits: 0, createdAt: Date(), updatedAt: Date())
    }

    @discardableResult
    func save(_ note: ProgressNote, by staff: Staff, force: Bool = false, links: [NoteLink] = [],
              appointment: RowID? = nil) throws -> ProgressNote {
        try store.saveDraft(note, links: links, appointmentID: appointment, force: force, by: staff)
    }

    /// A note signed by someone covering for the client's counselor, under emergency access (Access.swift).
    func covering(_ client: Client, by staff: Staff, date: String = "2025-03-12", start: Int = 600,
                  _ sections: [String]) throws -> ProgressNote {
        _ = try store.breakGlass(mrn: client.mrn, reason: "covering for the client's counselor today", by: staff)
        return try signed(client, by: staff, date: date, start: start, sections)
    }

    /// A signed DAP note; sections left empty are filled with a dash first (no word a search could find), as signing
    /// needs every section
    /// (the tests that are about the sections themselves write their notes in full).
    func signed(_ client: Client, by staff: Staff, date: String = "2025-03-12", start: Int = 600,
                _ sections: [String]) throws -> ProgressNote {
        let full = (0..<max(3, sections.count)).map { i in
            i < sections.count && !sections[i].trimmingCharacters(in: .whitespaces).isEmpty ? sections[i] : "—"
        }
        let draft = try save(newNote(client, by: staff, date: date, start: start, full), by: staff)
        return try store.sign(noteID: draft.id!, expectedRevision: draft.revision, by: staff)
    }

    func refusal(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do { try body() } catch let e as CaseloadError {
            if case .refused(let m) = e { return m }
            XCTFail("expected a refusal, got \(e)", file: file, line: line); return nil
        } catch { XCTFail("expected a refusal, got \(error)", file: file, line: line); return nil }
        XCTFail("expected a refusal, nothing was thrown", file: file, line: line)
        return nil
    }
}

final class NoteRepositoryTests: NoteFixture {
    func testDraftSurvivesReopenWithEveryKindOfText() throws {
        let long = String(repeating: "Client reports steady mood; naloxone kit checked. ", count: 320)   // 16 KB
        XCTAssertGreaterThan(long.utf8.count, 15_000)
        let texts = ["Zoë Ñúñez 李 said: «ça va» 👩🏽‍⚕️ and 🇺🇸\nsecond line\n\n\tindented",
                     "Combining: Zoe\u{0308} Ñu\u{0303}n\u{0303}ez — e\u{0301}",
                     long]
        let saved = try save(newNote(zoe, by: ana, texts), by: ana)
        XCTAssertEqual(saved.revision, 1)
        XCTAssertEqual(saved.billingUnits, 3)                 // 50 minutes at 15 per unit, rounded
        store = nil
        let reopened = try SQLiteStore.open(path: path, clock: fixtureClock)
        let (note, _) = try reopened.noteForEditing(id: saved.id!)
        XCTAssertEqual(note.sections, texts)
        XCTAssertEqual(note.sections[1].unicodeScalars.count, texts[1].unicodeScalars.count, "no normalisation")
        XCTAssertEqual(note.status, .draft)
        XCTAssertEqual(note.staffID, ana.id)
    }

    func testNoShowBillsNothingAndPhoneNoteMayBeOneLine() throws {
        var noShow = try save(newNote(zoe, by: ana, minutes: 0, format: .noShow, ["Did not attend; outreach call placed."]),
                              by: ana)
        XCTAssertEqual(noShow.billingUnits, 0)
        noShow = try store.sign(noteID: noShow.id!, expectedRevision: noShow.revision, by: ana)
        XCTAssertEqual(noShow.status, .signed)
        let phone = try save(newNote(zoe, by: ana, minutes: 10, format: .phone, ["", "", "Called back; no concerns."]), by: ana)
        XCTAssertEqual(phone.billingUnits, 1)
        XCTAssertEqual(try store.sign(noteID: phone.id!, expectedRevision: phone.revision, by: ana).status, .signed)
    }

    func testStaleRevisionIsAConflictNamingTheOtherWriterAndForceOverwrites() throws {
        var first = try save(newNote(zoe, by: ana, ["first"]), by: ana)
        // A second session of Ana saves meanwhile (same author, another terminal).
        var other = first
        other.sections = ["from the other terminal"]
        other = try save(other, by: ana)
        XCTAssertEqual(other.revision, 2)

        first.sections = ["my stale text"]
        do {
            try save(first, by: ana)
            XCTFail("a stale revision must not overwrite")
        } catch let conflict as EditConflict {
            XCTAssertEqual(conflict.changedBy, "Ana Pérez")
            XCTAssertEqual(conflict.changedAt, fixtureClock.now())
        }
        XCTAssertEqual(try store.noteForEditing(id: first.id!).note.sections[0], "from the other terminal")
        let forced = try save(first, by: ana, force: true)
        XCTAssertEqual(forced.revision, 3)
        XCTAssertEqual(try store.noteForEditing(id: first.id!).note.sections[0], "my stale text")
    }

    func testOnlyTheAuthorSavesSignsOrDiscards() throws {
        let draft = try save(newNote(zoe, by: ana, ["Ana's words"]), by: ana)
        var bens = draft
        bens.sections = ["Ben's words"]
        XCTAssertEqual(refusal { try self.save(bens, by: self.ben) }, noAccess("A-001"), "Ben does not see Ana's client")
        XCTAssertEqual(refusal { try self.save(bens, by: self.sam) }, "Only Ana Pérez, who wrote this note, can edit it.")
        XCTAssertNotNil(refusal { _ = try self.store.sign(noteID: draft.id!, expectedRevision: 1, by: self.ben) })
        XCTAssertNotNil(refusal { try self.store.discardDraft(noteID: draft.id!, by: self.sam) })
        XCTAssertEqual(try store.noteForEditing(id: draft.id!).note.sections[0], "Ana's words")
    }

    func testSignRefusesAnEmptyNoteAndAStaleRevision() throws {
        let empty = try save(newNote(zoe, by: ana, [" ", "\n\t", ""]), by: ana)
        XCTAssertThrowsError(try store.sign(noteID: empty.id!, expectedRevision: empty.revision, by: ana)) { error in
            XCTAssertEqual(error as? CaseloadError,
                           .invalidInput("This note is empty. Write at least one line before signing it."))
        }
        var note = empty
        note.sections = ["Now something."]
        note = try save(note, by: ana)
        XCTAssertThrowsError(try store.sign(noteID: note.id!, expectedRevision: 1, by: ana)) { error in
            XCTAssertTrue(error is EditConflict, "\(error)")
        }
        XCTAssertEqual(try store.noteForEditing(id: note.id!).note.status, .draft)
    }

    func testSigningLocksTheNoteEvenAgainstRawSQL() throws {
        let note = try signed(zoe, by: ana, ["Signed text"])
        XCTAssertEqual(note.signedByID, ana.id)
        XCTAssertEqual(note.signedAt, fixtureClock.now())
        var edit = note
        edit.sections = ["changed after signing"]
        XCTAssertEqual(refusal { try self.save(edit, by: self.ana, force: true) },
                       "This note is signed and cannot be changed. Add an addendum instead.")
        XCTAssertNotNil(refusal { try self.store.discardDraft(noteID: note.id!, by: self.ana) })
        // The trigger, not only the Swift code, keeps it: a raw UPDATE or DELETE is refused.
        XCTAssertThrowsError(try store.dbPool.write { db in
            try db.execute(sql: "UPDATE progress_notes SET section1 = 'tampered' WHERE id = ?", arguments: [note.id])
        }) { error in
            XCTAssertEqual((error as? DatabaseError)?.message, "A signed note cannot be changed. Add an addendum instead.")
        }
        XCTAssertThrowsError(try store.dbPool.write { db in
            try db.execute(sql: "DELETE FROM progress_notes WHERE id = ?", arguments: [note.id])
        })
        XCTAssertEqual(try store.note(id: note.id!).note.sections[0], "Signed text")
        XCTAssertEqual(try store.note(id: note.id!).signedByName, "Ana Pérez")
    }

    func testAddendaOnlyOnSignedNotesAndListedOldestFirst() throws {
        let draft = try save(newNote(zoe, by: ana, ["draft"]), by: ana)
        XCTAssertNotNil(refusal { try self.store.addAddendum(noteID: draft.id!, text: "too early", by: self.ana) })
        let note = try signed(zoe, by: ana, start: 700, ["Session text"])
        XCTAssertThrowsError(try store.addAddendum(noteID: note.id!, text: "  \n ", by: ana))
        let a1 = try store.addAddendum(noteID: note.id!, text: "Start time was 11:55, not 11:40.", by: ana)
        let a2 = try store.addAddendum(noteID: note.id!, text: "Supervisor: reviewed — Zoë's plan updated 李.", by: sam)
        let detail = try store.note(id: note.id!)
        XCTAssertEqual(detail.addenda.map(\.text), [a1.text, a2.text])
        XCTAssertEqual(detail.addenda.map(\.staffName), ["Ana Pérez", "Sam Okafor"])
        XCTAssertEqual(detail.addenda.first?.at, fixtureClock.now())
        XCTAssertEqual(try store.note(id: draft.id!).addenda, [])
        // Addenda are append-only too.
        XCTAssertThrowsError(try store.dbPool.write { db in
            try db.execute(sql: "UPDATE note_addenda SET text = 'x' WHERE id = ?", arguments: [a1.id])
        })
    }

    func testCosignRulesAndQueue() throws {
        let anas = try signed(zoe, by: ana, ["Ana's session"])
        let bens = try signed(jose, by: ben, ["Ben's session"])
        let anaDraft = try save(newNote(wang, by: ana, ["still a draft"]), by: ana)
        XCTAssertEqual(try store.cosignQueue(supervisorID: sam.id!).map(\.noteID), [anas.id!])
        XCTAssertEqual(try store.cosignQueue(supervisorID: sam.id!).first?.staffName, "Ana Pérez")
        XCTAssertEqual(try store.cosignQueue(supervisorID: kim.id!), [])

        XCTAssertEqual(refusal { try self.store.cosign(noteID: anas.id!, by: self.kim) },
                       "Only Ana Pérez's clinical supervisor can co-sign this note.")
        XCTAssertNotNil(refusal { try self.store.cosign(noteID: anas.id!, by: self.ben) })
        XCTAssertNotNil(refusal { try self.store.cosign(noteID: anas.id!, by: self.ana) })
        XCTAssertEqual(refusal { try self.store.cosign(noteID: bens.id!, by: self.sam) },
                       "Ben Kim's notes do not need a co-signature.")
        XCTAssertNotNil(refusal { try self.store.cosign(noteID: anaDraft.id!, by: self.sam) })

        try store.cosign(noteID: anas.id!, by: sam)
        XCTAssertEqual(try store.cosignQueue(supervisorID: sam.id!), [])
        let detail = try store.note(id: anas.id!)
        XCTAssertEqual(detail.cosignedByName, "Sam Okafor")
        XCTAssertEqual(detail.note.cosignedAt, fixtureClock.now())
        XCTAssertNotNil(refusal { try self.store.cosign(noteID: anas.id!, by: self.adm) }, "not twice")
        // An administrator does not co-sign (they see no chart): they name another supervisor instead.
        let second = try signed(wang, by: ana, start: 800, ["another"])
        XCTAssertEqual(refusal { try self.store.cosign(noteID: second.id!, by: self.adm) },
                       "Only Ana Pérez's clinical supervisor can co-sign this note.")
    }

    func testDraftsListAndOverdueAfterTheProgramsHours() throws {
        let older = try save(newNote(zoe, by: ana, date: "2025-03-10", ["Monday's session"]), by: ana)
        let newer = try save(newNote(wang, by: ana, date: "2025-03-12", ["today"]), by: ana)
        _ = try signed(zoe, by: ana, date: "2025-03-11", ["signed: not a draft"])
        _ = try save(newNote(jose, by: ben, ["Ben's draft"]), by: ben)
        let now = fixtureClock.now()

        let at23 = try store.drafts(staffID: ana.id!, now: now.addingTimeInterval(23 * 3600))
        XCTAssertEqual(at23.map(\.noteID), [newer.id!, older.id!], "newest session first, only Ana's drafts")
        XCTAssertEqual(at23.map(\.overdue), [false, false])
        XCTAssertEqual(at23.first?.clientName, "王, 小明")
        let at25 = try store.drafts(staffID: ana.id!, now: now.addingTimeInterval(25 * 3600))
        XCTAssertEqual(at25.map(\.overdue), [true, true])
        try store.updateSettings { $0.unsignedNoteHours = 48 }
        XCTAssertEqual(try store.drafts(staffID: ana.id!, now: now.addingTimeInterval(25 * 3600)).map(\.overdue), [false, false])
    }

    func testDiscardRemovesTheDraftAndFreesItsAppointment() throws {
        let appt = try store.insert(Appointment(clientID: zoe.id!, staffID: ana.id!, date: fixtureToday, startMinute: 600,
                                                minutes: 50, modalityID: individual))
        let draft = try save(newNote(zoe, by: ana, ["for the 10:00"]), by: ana, appointment: appt.id)
        XCTAssertEqual(try store.homeSummary(for: ana.id!, on: fixtureToday).appointments.first?.noteWritten, true)
        XCTAssertNotNil(refusal { try self.save(self.newNote(self.zoe, by: self.ana, ["twice"]), by: self.ana,
                                                 appointment: appt.id) })
        try store.discardDraft(noteID: draft.id!, by: ana)
        XCTAssertThrowsError(try store.noteForEditing(id: draft.id!))
        XCTAssertEqual(try store.homeSummary(for: ana.id!, on: fixtureToday).appointments.first?.noteWritten, false)
        XCTAssertEqual(try store.drafts(staffID: ana.id!, now: fixtureClock.now()), [])
    }

    func testLinksAreKeptAndMustBelongToTheClient() throws {
        var tree = PlanTree(plan: TreatmentPlan(clientID: zoe.id!, version: 1, status: .signed, effectiveDate: day("2025-01-01"),
                                                nextReviewDate: day("2025-04-01")), problems: [], signatures: [])
        tree.problems = [.init(problem: Problem(planID: 0, position: 1, statement: "Opioid use"), goals: [
            .init(goal: Goal(problemID: 0, position: 1, statement: "Stop illicit use", kind: .abstinence, targetDate: nil),
                  objectives: [.init(objective: Objective(goalID: 0, position: 1, statement: "3 negative screens",
                                                          targetDate: nil), interventions: [])])])]
        let plan = try store.insert(tree)
        let goal = try XCTUnwrap(plan.problems.first?.goals.first?.goal.id)
        let objective = try XCTUnwrap(plan.problems.first?.goals.first?.objectives.first?.objective.id)
        let links = [NoteLink(goalID: goal), NoteLink(objectiveID: objective)]
        let note = try save(newNote(zoe, by: ana, ["linked"]), by: ana, links: links)
        XCTAssertEqual(try store.noteForEditing(id: note.id!).links, links)
        XCTAssertEqual(try store.note(id: note.id!).linkedGoals, ["Stop illicit use", "3 negative screens"])
        XCTAssertThrowsError(try save(newNote(jose, by: ben, ["not José's plan"]), by: ben, links: [NoteLink(goalID: goal)]))
    }

    func testSavesAndSignaturesAreAudited() throws {
        let draft = try save(newNote(zoe, by: ana, ["v1", "—", "—"]), by: ana)
        var next = draft
        next.sections = ["v2"]
        next = try save(next, by: ana)
        next.sections = ["v3", "—", "—"]             // an autosave a moment later: one "update" event
        next = try save(next, by: ana)
        _ = try store.sign(noteID: next.id!, expectedRevision: next.revision, by: ana)
        try store.cosign(noteID: next.id!, by: sam)
        let actions = try store.activity(clientID: zoe.id!, limit: 10).reversed().map { "\($0.username) \($0.action.rawValue)" }
        XCTAssertEqual(actions, ["ana create", "ana update", "ana sign", "sam sign"])
    }

    func testFutureDateAndBadTimesAreRefusedWithASentence() throws {
        XCTAssertThrowsError(try save(newNote(zoe, by: ana, date: "2025-03-13", ["tomorrow"]), by: ana)) { error in
            guard case .invalidInput(let m)? = error as? CaseloadError else { return XCTFail("\(error)") }
            XCTAssertTrue(m.contains("future"), m)
        }
        XCTAssertThrowsError(try save(newNote(zoe, by: ana, start: 1440, ["late"]), by: ana))
        XCTAssertThrowsError(try save(newNote(zoe, by: ana, template: .dap, ["1", "2", "3", "4"]), by: ana))
    }
}
