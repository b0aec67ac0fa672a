// N on the Groups list: the new-group form walked with key presses against a real SQLite demo store.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class GroupCreateTests: XCTestCase {
    /// A fresh demo store (like GroupDemo.fresh) that also says who the demo's supervisor and facilitator are.
    func freshStore() throws -> (SQLiteStore, DemoSummary) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-gcreate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("demo.sqlite").path, create: true,
                                         clock: GroupDemo.clock)
        let summary = try DemoGenerator(clients: 60, years: 1, seed: 7, today: GroupDemo.clock.day,
                                        osUsername: "ccounselor").generate(into: store)
        return (store, summary)
    }

    func promptLine(_ app: AppModel) -> String { app.render().line(22) }

    func promptStep(_ app: AppModel) -> Int? {
        guard case .groups(let s) = app.current, let p = s.prompt, case .groupField(let i, _) = p.kind else { return nil }
        return i
    }

    func testCounselorCreatesAGroupWithKeyPressesAndIsItsFacilitator() throws {
        let (store, _) = try freshStore()
        let app = try GroupDemo.app(store)
        let me = app.identity.staffID
        let before = try store.groups(for: me)
        app.type("r")
        XCTAssertTrue(app.render().text.contains("N new group"), "the hint line offers N")
        app.type("N")
        XCTAssertTrue(promptLine(app).hasPrefix("New group name:"), promptLine(app))
        app.type("Zoë Ñúñez 李 circle"); app.press(.enter)
        XCTAssertTrue(promptLine(app).hasPrefix("Modality"), promptLine(app))
        XCTAssertTrue(app.render().text.contains("12 Relapse prevention"), "the numbered modalities show while choosing\n" + frameText(app.render()))
        // An ambiguous prefix asks for more; Tab completes a unique one.
        app.type("fam"); app.press(.tab)
        XCTAssertTrue(promptLine(app).contains("Family therapy / family involvement"), promptLine(app))
        app.press(.ctrl("u")); app.type("c"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "“c” fits 2 modalities: type more of the name or its number.")
        XCTAssertEqual(promptStep(app), NewGroupForm.Step.modality.rawValue, "the same question is asked again")
        app.press(.ctrl("u")); app.type("rel"); app.press(.tab)
        XCTAssertTrue(promptLine(app).contains("Relapse prevention"), promptLine(app))
        app.press(.enter)
        // A bad schedule and a capacity over 40 re-ask with a sentence.
        XCTAssertTrue(promptLine(app).hasPrefix("Schedule"), promptLine(app))
        app.type("Friday at nine"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "Write the schedule like “Mon 10:00 90”.")
        XCTAssertEqual(promptStep(app), NewGroupForm.Step.schedule.rawValue)
        app.press(.ctrl("u")); app.type("Fri 09:30 60"); app.press(.enter)
        app.type("Room 3 — annex"); app.press(.enter)
        XCTAssertTrue(promptLine(app).hasPrefix("Capacity (1-40): 12"), "a default capacity is offered: \(promptLine(app))")
        app.press(.ctrl("u")); app.type("41"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "Capacity must be a whole number from 1 to 40.")
        XCTAssertEqual(promptStep(app), NewGroupForm.Step.capacity.rawValue)
        app.press(.ctrl("u")); app.type("0"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "Capacity must be a whole number from 1 to 40.")
        app.press(.ctrl("u")); app.type("10"); app.press(.enter)
        XCTAssertEqual(try store.groups(for: me).count, before.count, "nothing is saved before the last answer")
        app.press(.ctrl("u")); app.type("closed"); app.press(.enter)   // a counselor is not asked for a facilitator

        let after = try store.groups(for: me)
        XCTAssertEqual(after.count, before.count + 1, app.message?.text ?? "")
        let row = try XCTUnwrap(after.first { $0.group.name == "Zoë Ñúñez 李 circle" })
        XCTAssertEqual(row.modality, "Relapse prevention")
        XCTAssertEqual(row.group.weekday, 4)
        XCTAssertEqual(row.group.startMinute, 9 * 60 + 30)
        XCTAssertEqual(row.group.minutes, 60)
        XCTAssertEqual(row.group.room, "Room 3 — annex")
        XCTAssertEqual(row.group.capacity, 10)
        XCTAssertFalse(row.group.isOpen)
        XCTAssertEqual(row.facilitatorIDs, [me], "the person who created it facilitates it")
        XCTAssertTrue(row.isMine)
        XCTAssertEqual(app.message?.text, "Group “Zoë Ñúñez 李 circle” created. Enter opens it; e there enrolls clients.")
        // The list reloaded with the new group selected; Enter opens it.
        guard case .groups(let s) = app.current else { return XCTFail("still on the Groups list") }
        XCTAssertNil(s.prompt)
        XCTAssertEqual(s.rows.count, after.count)
        XCTAssertEqual(s.rows[s.cursor.selected].id, row.id)
        XCTAssertTrue(try XCTUnwrap((0..<24).map { app.render().line($0) }.first { $0.hasPrefix(">") }).contains("Zoë Ñúñez 李"))
        assertGolden(frameText(app.render()), "groups-new-80x24")
        app.press(.enter)
        guard case .group(let g) = app.current else { return XCTFail("Enter opens the new group") }
        XCTAssertEqual(g.groupID, row.id)
        XCTAssertTrue(g.roster.isEmpty)
    }

    func testDuplicateNameIsRefusedWithASentenceAndAskedAgain() throws {
        let (store, _) = try freshStore()
        let app = try GroupDemo.app(store)
        let existing = try XCTUnwrap(try store.groups(for: app.identity.staffID).first).group.name
        app.type("r"); app.type("N")
        app.type(existing.uppercased()); app.press(.enter)
        XCTAssertEqual(app.message?.text, "Another group is already called “\(existing.uppercased())”. Choose another name.")
        XCTAssertEqual(app.message?.role, .error)
        XCTAssertEqual(promptStep(app), NewGroupForm.Step.name.rawValue, "the name is asked again")
        XCTAssertTrue(app.render().text.contains("Choose another name"), frameText(app.render()))
        app.press(.ctrl("u")); app.press(.enter)
        XCTAssertEqual(app.message?.text, "A group needs a name.")
    }

    func testANameTakenMeanwhileIsRefusedByTheStoreOnTheMessageLine() throws {
        let (store, _) = try freshStore()
        let app = try GroupDemo.app(store)
        let me = app.identity.staff
        app.type("r"); app.type("N")
        app.type("Tuesday check-in"); app.press(.enter)
        app.type("peer"); app.press(.enter)
        app.type("Tue 12:00 45"); app.press(.enter)
        app.type("B1"); app.press(.enter)
        app.press(.enter)
        app.press(.ctrl("u")); app.type("maybe"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "Type open or closed.")
        // Another process creates a group with the same name before the last answer.
        let other = try store.saveGroup(CounselingGroup(name: "Tuesday check-in", modalityID: store.modalities()[0].id!,
                                                        weekday: 0, startMinute: 600, minutes: 60, room: "", isOpen: true,
                                                        capacity: 8), facilitatorIDs: [me.id!], by: me)
        app.press(.ctrl("u")); app.type("o"); app.press(.enter)
        XCTAssertEqual(app.message?.role, .error)
        XCTAssertEqual(app.message?.text, "Another group is already called 'Tuesday check-in'. Choose another name.")
        XCTAssertTrue(app.render().text.contains("Another group is already called"), frameText(app.render()))
        let named = try store.groups(for: me.id!).filter { $0.group.name == "Tuesday check-in" }
        XCTAssertEqual(named.map(\.id), [other.id!], "only the other process's group exists")
        guard case .groups(let s) = app.current else { return XCTFail("still on the Groups list") }
        XCTAssertNil(s.prompt)
    }

    func testEscCancelsAtAnyStepAndNothingIsSaved() throws {
        let (store, _) = try freshStore()
        let app = try GroupDemo.app(store)
        let before = try store.groups(for: app.identity.staffID)
        app.type("r")
        for answered in 0...5 {
            app.type("N")
            let answers = ["Cancelled group \(answered)", "1", "Tue 14:00 60", "B2", "12", "open"]
            for a in answers.prefix(answered) {
                app.press(.ctrl("u")); app.type(a); app.press(.enter)
            }
            XCTAssertEqual(promptStep(app), answered, "reached step \(answered): \(app.message?.text ?? "")")
            app.press(.escape)
            guard case .groups(let s) = app.current else { return XCTFail("Esc stays on the Groups list") }
            XCTAssertNil(s.prompt)
            XCTAssertEqual(app.message?.text, "New group cancelled; nothing was saved.")
        }
        XCTAssertEqual(try store.groups(for: app.identity.staffID), before)
        XCTAssertNil(try store.groupID(named: "Cancelled group 5"))
    }

    func testSupervisorNamesTheFacilitatorByUsername() throws {
        let (store, summary) = try freshStore()
        let app = try GroupDemo.app(store, user: summary.supervisor)
        let facilitator = try XCTUnwrap(try store.staff(username: summary.facilitator))
        let modalities = try store.modalities().filter(\.active)
        app.type("r"); app.type("N")
        app.type("Evening peer circle"); app.press(.enter)
        app.type("2"); app.press(.enter)                                // by number in the shown list
        app.type("wed 18:00 90"); app.press(.enter)
        app.type("Hall"); app.press(.enter)
        app.press(.enter)                                                // default capacity 12
        app.press(.enter)                                                // default open
        XCTAssertTrue(promptLine(app).hasPrefix("Facilitator username (Enter: you):"), promptLine(app))
        app.type("nobody-here"); app.press(.enter)
        XCTAssertEqual(app.message?.text, "No staff member has the username “nobody-here”; nothing was saved.")
        XCTAssertNil(try store.groupID(named: "Evening peer circle"))

        app.type("N")
        app.type("Evening peer circle"); app.press(.enter)
        app.type("2"); app.press(.enter)
        app.type("wed 18:00 90"); app.press(.enter)
        app.type("Hall"); app.press(.enter)
        app.press(.enter); app.press(.enter)
        app.type(summary.facilitator); app.press(.enter)
        let row = try XCTUnwrap(try store.groups(for: app.identity.staffID).first { $0.group.name == "Evening peer circle" },
                                app.message?.text ?? "")
        XCTAssertEqual(row.facilitatorIDs, [facilitator.id!])
        XCTAssertFalse(row.isMine, "the supervisor created it for someone else")
        XCTAssertEqual(row.modality, modalities[1].name)
        XCTAssertEqual(row.group.weekday, 2)
        XCTAssertEqual(row.group.capacity, 12)
        XCTAssertTrue(row.group.isOpen)
        guard case .groups(let s) = app.current else { return XCTFail() }
        XCTAssertEqual(s.rows[s.cursor.selected].id, row.id, "the new group is selected")
    }

    func testHelpListsNewGroupOnTheGroupsList() throws {
        let (store, _) = try freshStore()
        let app = try GroupDemo.app(store)
        app.type("r"); app.type("?")
        XCTAssertTrue(app.render().text.contains("new group"), frameText(app.render()))
    }
}
