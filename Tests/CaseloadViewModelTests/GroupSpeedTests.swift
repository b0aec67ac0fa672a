// The attendance-speed promise on a real store: 12 members, all but two present, ≤ 15 keys after the sheet opens.
import XCTest
import CaseloadCore
import CaseloadStore
@testable import CaseloadViewModels

final class GroupSpeedTests: XCTestCase {
    static let names = ["Zoë Ñúñez", "Amaka Okafor", "José Rene\u{301}", "雷 李", "Freja Søndergaard", "Hiro Yamamoto",
                        "Layla Haddad", "Marek Kowalczyk", "Lucía Mendoza", "Omar Ahmed", "Chidi Abara", "Pat O'Neil"]

    func testTwelveMemberSessionWithTwoAbsentIsRecordedInAtMostFifteenKeys() throws {
        let clock = DemoStore.clock
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caseload-speed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore.open(path: dir.appendingPathComponent("s.sqlite").path, create: true, clock: clock)
        let me = try store.addStaff(Staff(username: "fac", displayName: "Fay Facilitator", role: .facilitator))
        let modality = try store.modalityID(named: "Group therapy") ?? store.insert(Modality(name: "Group therapy")).id!
        let group = try store.saveGroup(CounselingGroup(name: "Tuesday Circle", modalityID: modality, weekday: 0,
                                                        startMinute: 600, minutes: 90, room: "B", isOpen: true,
                                                        capacity: 12), facilitatorIDs: [me.id!], by: me)
        var ids: [RowID] = []
        for (i, n) in Self.names.enumerated() {
            let parts = n.split(separator: " ").map(String.init)
            var c = Fixtures.client()
            c.id = nil; c.mrn = "S\(1000 + i)"; c.legalFirstName = parts[0]; c.legalLastName = parts[1]
            c.preferredName = nil; c.primaryCounselorID = me.id!
            let saved = try store.insert(c)
            ids.append(saved.id!)
            try store.enroll(clientID: saved.id!, groupID: group.id!, on: clock.day.adding(days: -30), by: me)
        }
        let session = try store.addSession(groupID: group.id!, date: clock.day, startMinute: 600, minutes: 90, by: me)
        let app = AppModel(repository: store, groups: store, identity: Identity(staff: me), clock: clock, size: .design)
        // Home → Groups → the group → sessions → the sheet (not counted: the promise starts at the open sheet).
        app.type("r"); app.press(.enter, .tab, .enter)
        guard case .sheet(let opened) = app.current else { return XCTFail("the sheet opens: \(app.message?.text ?? "")") }
        XCTAssertEqual(opened.sessionID, session.id)
        XCTAssertEqual(opened.sheet.lines.count, 12)

        // The two absent are whoever sorts 5th and 9th on the sheet; walk there, mark, then A for the rest.
        let absent = [opened.sheet.lines[4].clientID, opened.sheet.lines[8].clientID]
        var keys: [Key] = []
        var at = 0
        for id in absent {
            let target = opened.sheet.lines.firstIndex { $0.clientID == id }!
            keys += Array(repeating: .char("j"), count: target - at)
            keys.append(.char("a"))
            at = target + 1                                 // a mark moves to the next member
        }
        keys.append(.char("A"))
        for k in keys { _ = app.handle(.key(k)) }
        print("Attendance for 12 members, 2 absent: \(keys.count) keystrokes after the sheet opened")
        XCTAssertLessThanOrEqual(keys.count, 15)

        let stored = try store.attendanceSheet(sessionID: session.id!)
        let byStatus = Dictionary(grouping: stored.lines.compactMap(\.attendance), by: \.status)
        XCTAssertEqual(byStatus[.present]?.count, 10)
        XCTAssertEqual(byStatus[.absent]?.count, 2)
        XCTAssertEqual(Set(byStatus[.absent]!.map(\.clientID)), Set(absent))
        XCTAssertTrue(byStatus[.present]!.allSatisfy { $0.minutes == 90 }, "present members get the group's length")
        XCTAssertEqual(stored.session.status, .held)
        XCTAssertTrue(app.render().text.contains("[P] 10  [A] 2"))
    }
}
