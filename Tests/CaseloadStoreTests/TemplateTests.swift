// Plan templates managed by administrators (issue 6): anyone lists them, only an administrator saves or
// removes one (refusals recorded), a template is checked whole with a sentence naming the place that is
// wrong, and a plan started from a saved template has its tree.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import GRDB
import XCTest

final class TemplateTests: XCTestCase {
    private var store: SQLiteStore!
    private var adm: Staff!, ana: Staff!
    private var client: Client!

    override func setUpWithError() throws {
        let path = try TestDirs.make(self).appendingPathComponent("templates.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        adm = try store.addStaff(Staff(username: "adm", displayName: "Ada Admin", role: .admin))
        ana = try store.addStaff(Staff(username: "ana", displayName: "Ana Pérez", role: .counselor))
        client = try store.insert(Client(mrn: "A-001", legalFirstName: "Zoë", legalLastName: "Ñúñez", dateOfBirth: Day("1988-07-14")!,
                                         admissionDate: Day("2025-01-06")!, phase: "Stabilization", medication: .methadone,
                                         doseMg: 80, primaryCounselorID: ana.id))
    }

    private let housing = #"""
        {"problems": [{"statement": "Unstably housed; sleeps in a car some nights.", "clientWords": "I need a door that locks.",
          "goals": [{"statement": "Stable housing within 6 months.", "kind": "housing",
            "objectives": [{"statement": "Applies to 3 housing programs.", "weeks": 4,
              "interventions": [{"modality": "Case management", "timesPerPeriod": 2, "period": "month",
                                 "detail": "Vivienda 住房 referral list"}]}]}]}]}
        """#

    private func sentence(_ json: String, name: String = "Housing first") -> String? {
        do { try store.saveTemplate(name: name, json: json, replace: false, by: adm); return nil }
        catch { return (error as? CaseloadError)?.description ?? "\(error)" }
    }

    func testAnAdministratorSavesAndRemovesATemplateAndACounselorStartsAPlanFromIt() throws {
        let seeded = try store.templateSummaries()
        XCTAssertEqual(seeded.count, 3)
        let saved = try store.saveTemplate(name: "  Housing first ", json: housing, replace: false, by: adm)
        XCTAssertEqual(saved.name, "Housing first")
        XCTAssertEqual([saved.problems, saved.goals, saved.objectives, saved.interventions], [1, 1, 1, 1])
        XCTAssertEqual(try store.templateSummaries().map(\.name).filter { $0 == "Housing first" }, ["Housing first"])
        XCTAssertTrue(try store.templateJSON(named: "Housing first").contains("\"Vivienda 住房 referral list\""))

        let id = try XCTUnwrap(try store.planTemplates().first { $0.name == "Housing first" }?.id)
        let plan = try store.startPlan(clientID: client.id!, from: .template(id), effectiveDate: fixtureToday, by: ana)
        XCTAssertEqual(plan.problems.first?.problem.clientWords, "I need a door that locks.")
        XCTAssertEqual(plan.problems.first?.goals.first?.goal.kind, .housing)
        let intervention = try XCTUnwrap(plan.problems.first?.goals.first?.objectives.first?.interventions.first)
        XCTAssertEqual(intervention.modality, "Case management")
        XCTAssertEqual(intervention.intervention.timesPerPeriod, 2)
        XCTAssertEqual(intervention.intervention.period, .month)

        XCTAssertEqual(sentence(housing), "A plan template called 'Housing first' exists: give --replace to change it.")
        let changed = housing.replacingOccurrences(of: "Applies to 3", with: "Applies to 4")
        try store.saveTemplate(name: "Housing first", json: changed, replace: true, by: adm)
        XCTAssertTrue(try store.templateJSON(named: "Housing first").contains("Applies to 4"))

        try store.removeTemplate(name: "Housing first", by: adm)
        XCTAssertNil(try store.planTemplates().first { $0.name == "Housing first" })
        XCTAssertEqual(try store.plan(id: plan.plan.id!).problems.count, 1, "the plan keeps what it copied")
        XCTAssertThrowsError(try store.removeTemplate(name: "Housing first", by: adm))

        let events = try store.read { db in
            try String.fetchAll(db, sql: "SELECT action || ' ' || detail FROM audit_events WHERE subject = 'template:Housing first' ORDER BY id")
        }
        XCTAssertEqual(events, ["create added the plan template 'Housing first' (1 problems, 1 goals)",
                                "update changed the plan template 'Housing first' (1 problems, 1 goals)",
                                "update removed the plan template 'Housing first'"])
    }

    func testOnlyAnAdministratorChangesTemplatesAndTheRefusalIsRecorded() throws {
        XCTAssertThrowsError(try store.saveTemplate(name: "Mine", json: housing, replace: false, by: ana)) { error in
            XCTAssertEqual((error as? CaseloadError)?.description,
                           "Only an administrator can change the plan templates; 'ana' is a counselor.")
        }
        XCTAssertThrowsError(try store.removeTemplate(name: "Opioid use disorder: stabilization", by: ana))
        XCTAssertEqual(try store.templateSummaries().count, 3, "nothing changed")
        let refused = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM audit_events WHERE action = 'refused' AND username = 'ana'") }
        XCTAssertEqual(refused, 2)
    }

    func testABadTemplateIsNamedByItsPlaceAndNothingIsSaved() throws {
        XCTAssertEqual(sentence("{\"problems\": [", name: "x")?.hasPrefix("The template is not valid JSON"), true)
        XCTAssertEqual(sentence("{}"), "The template does not have the expected shape: problems is missing.")
        XCTAssertEqual(sentence(#"{"problems": []}"#), "problems: a template needs at least one problem.")
        XCTAssertEqual(sentence(#"{"problems": [{"statement": "  "}]}"#), "problems[0].statement: the statement is empty.")
        XCTAssertEqual(sentence(housing.replacingOccurrences(of: "\"housing\"", with: "\"abstain\"")),
                       "problems[0].goals[0].kind: 'abstain' is not a goal kind; use one of abstinence, harm_reduction, health, mental_health, housing, employment_education, family, legal, other.")
        XCTAssertEqual(sentence(housing.replacingOccurrences(of: "\"weeks\": 4", with: "\"weeks\": 0")),
                       "problems[0].goals[0].objectives[0].weeks: 0 is not a number of weeks from 1 to 520.")
        XCTAssertEqual(sentence(housing.replacingOccurrences(of: "\"month\"", with: "\"fortnight\"")),
                       "problems[0].goals[0].objectives[0].interventions[0].period: 'fortnight' is not a period; use week or month.")
        XCTAssertTrue(sentence(housing.replacingOccurrences(of: "Case management", with: "Equine therapy"))?
            .hasPrefix("problems[0].goals[0].objectives[0].interventions[0].modality: the program offers no modality 'Equine therapy'") ?? false)
        XCTAssertEqual(sentence(housing.replacingOccurrences(of: "\"weeks\": 4", with: "\"weeks\": \"four\"")),
                       "The template does not have the expected shape: problems[0].goals[0].objectives[0].weeks has the wrong kind of value.")
        XCTAssertEqual(sentence(housing, name: "Bad\u{1B}name"), "A template's name is plain text of at most 100 characters.")
        XCTAssertEqual(try store.templateSummaries().count, 3, "nothing was saved")
    }
}
