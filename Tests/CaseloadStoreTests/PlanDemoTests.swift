// Plans as `caseload demo` writes them (positions from 1, several versions, drafts): reviewing and
// editing them keeps positions dense, and the due list agrees with the Home counts.
import CaseloadCore
@testable import CaseloadStore
import Foundation
import XCTest

final class PlanDemoTests: XCTestCase {
    private var store: SQLiteStore!

    override func setUpWithError() throws {
        let path = try TestDirs.make(self).appendingPathComponent("demo.sqlite").path
        store = try SQLiteStore.open(path: path, create: true, clock: fixtureClock)
        _ = try DemoGenerator(clients: 40, years: 1, seed: 5, today: fixtureToday, osUsername: "tester").generate(into: store)
    }

    func testReviewingADemoPlanThenEditingKeepsPositionsDense() throws {
        let me = try XCTUnwrap(try store.staff(username: "tester"))
        let rows = try store.caseloadRows(for: me.id!, scope: .mine, on: fixtureToday).filter { $0.status != .discharged }
        // A client whose plan in force is signed and who has no draft yet.
        let (clientID, v1) = try XCTUnwrap(try rows.lazy.compactMap { row -> (RowID, PlanTree)? in
            let versions = try self.store.planVersions(clientID: row.id)
            guard !versions.contains(where: { $0.status == .draft }),
                  let signed = versions.first(where: { $0.status == .signed }) else { return nil }
            return (row.id, try self.store.plan(id: signed.id!))
        }.first)
        var v2 = try store.reviewPlan(planID: v1.plan.id!, reviewNote: "Review with the client: housing goal met.",
                                      on: fixtureToday, by: me)
        XCTAssertEqual(v2.plan.version, v1.plan.version + 1)
        XCTAssertEqual(v2.problems.map(\.problem.statement), v1.problems.map(\.problem.statement))
        XCTAssertEqual(v2.problems.flatMap(\.goals).map(\.goal.status), v1.problems.flatMap(\.goals).map(\.goal.status))
        XCTAssertEqual(v2.problems.map(\.problem.position), Array(0..<v2.problems.count))

        v2 = try store.apply(.addProblem(Problem(planID: v2.plan.id!, position: 0, statement: "Unemployed since 2023.")),
                             planID: v2.plan.id!, expectedRevision: v2.plan.revision, by: me)
        XCTAssertEqual(v2.problems.map(\.problem.position), Array(0..<v2.problems.count))
        XCTAssertEqual(v2.problems.last?.problem.statement, "Unemployed since 2023.")
        try store.discardPlanDraft(planID: v2.plan.id!, by: me)
        XCTAssertEqual(try store.currentPlan(clientID: clientID)?.plan.id, v1.plan.id)
    }

    func testPlansDueAgreesWithTheHomeCounts() throws {
        let me = try XCTUnwrap(try store.staff(username: "tester"))
        let due = try store.plansDue(for: me.id!, scope: .mine, on: fixtureToday)
        let home = try store.homeSummary(for: me.id!, on: fixtureToday)
        XCTAssertEqual(due.filter { $0.nextReview != nil }.count, home.plansOverdue + home.plansDueSoon)
        XCTAssertGreaterThan(due.count, 0, "the demo makes some reviews due")
        let dates = due.compactMap(\.nextReview)
        XCTAssertEqual(dates, dates.sorted(), "most overdue first")
        XCTAssertTrue(dates.allSatisfy { $0 <= fixtureToday.adding(days: 14) })
        for row in due where row.planID != nil {
            XCTAssertEqual(try store.currentPlan(clientID: row.clientID)?.plan.id, row.planID)
        }
    }
}
