// Synthetic rows and charts for reducer tests that need no store.
import Foundation
import CaseloadCore
@testable import CaseloadViewModels

enum Fixtures {
    static let today = Day("2026-03-02")!

    static let lastNames = ["Ñúñez", "Okafor", "Lefèvre", "Nguyễn", "李", "Björk", "O'Neil", "Kowalczyk",
                            "Mendoza", "Ahmed", "Rene\u{301}", "Søndergaard", "Yamamoto", "Abara", "Haddad"]
    static let firstNames = ["Zoë", "Amaka", "Jean", "Minh", "雷", "Anna", "Pat", "Marek", "Lucía", "Omar",
                             "José", "Freja", "Hiro", "Chidi", "Layla", "Ines", "Tomás"]

    /// `n` caseload rows with varied names, statuses, dates and flags; deterministic.
    static func rows(_ n: Int) -> [CaseloadRow] {
        (0..<n).map { i in
            let status: ClientStatus = i % 10 == 7 ? .onHold : (i % 10 == 9 ? .discharged : .active)
            let review = i % 6 == 0 ? nil : today.adding(days: (i * 37) % 120 - 20)
            let flags = i % 5 == 0 ? ["co-occurring"] : (i % 11 == 0 ? ["safety alert", "pregnancy"] : [])
            return CaseloadRow(id: RowID(i + 1),
                               name: "\(lastNames[i % lastNames.count]), \(firstNames[(i / 3) % firstNames.count])",
                               mrn: String(format: "M%05d", 10007 * (i + 1) % 99991),
                               status: status, phase: ["Intake", "Stabilization", "Maintenance"][i % 3],
                               medication: i % 4 == 3 ? .buprenorphine : .methadone,
                               doseMg: i % 4 == 3 ? 16 : Double(40 + (i * 7) % 90),
                               takeHomeLevel: i % 7, counselorName: "Casey Counselor",
                               lastContact: i % 8 == 0 ? nil : today.adding(days: -((i * 13) % 45)),
                               nextPlanReview: review, flags: flags)
        }
    }

    static let area80 = Rect(x: 0, y: 1, width: 80, height: 21)

    static func caseload(_ n: Int, area: Rect = area80) -> CaseloadState {
        CaseloadState(rows: rows(n), scope: .mine, allowedScopes: [.mine, .team, .all], area: area, today: today,
                      dueSoonDays: 14, phases: ["Intake", "Stabilization", "Maintenance"])
    }

    static func client() -> Client {
        Client(id: 42, mrn: "M04242", legalFirstName: "Zoë", legalLastName: "Ñúñez", preferredName: "Zo",
               pronouns: "she/her", dateOfBirth: Day("1990-06-15")!, phone: "555-0142",
               admissionDate: Day("2025-01-10")!, phase: "Stabilization", medication: .methadone, doseMg: 85,
               takeHomeLevel: 6, primaryCounselorID: 1, flags: ["co-occurring", "safety alert"],
               emergencyContact: EmergencyContact(name: "Lucía Ñúñez", relationship: "sister", phone: "555-0199"))
    }

    static func chart(area: Rect = area80) -> ChartState {
        ChartState(summary: ChartSummary(client: client(), counselorName: "Casey Counselor",
                                         lastContact: Day("2026-02-27"), nextPlanReview: Day("2026-02-20")),
                   area: area, today: today, settings: ProgramSettings())
    }

    static func notes(_ n: Int, from start: Int = 0) -> [NoteListItem] {
        (start..<(start + n)).map { i in
            NoteListItem(id: RowID(1000 - i), date: today.adding(days: -i * 2), startMinute: 600, minutes: 50,
                         format: .individual, template: .dap, modality: "Individual counseling",
                         staffName: "Casey Counselor", status: i == 0 ? .draft : .signed,
                         firstLine: "Client discussed week \(i).")
        }
    }
}
