// The printed plan: everything a client reads and signs, wrapped so that a line never passes the
// paper's width in terminal columns (Chinese takes two), and Markdown with headings and nested lists.
import Foundation
import XCTest
@testable import CaseloadCore

final class PlanDocumentTests: XCTestCase {
    private let longChinese = "患者希望在三个月内找到稳定的住处并且每周参加两次辅导以便继续接受美沙酮治疗而不中断"

    private func sampleTree(status: PlanStatus = .draft, signatures: [PlanSignature] = []) -> PlanTree {
        let plan = TreatmentPlan(id: 7, clientID: 1, version: 2, status: status, effectiveDate: Day("2025-03-10")!,
                                 nextReviewDate: Day("2025-06-08")!, clientWords: "Quiero volver a trabajar y ver a mis hijos.",
                                 reviewNote: "Quarterly review: screens negative since February.")
        let cbt = PlanTree.InterventionNode(
            intervention: Intervention(id: 1, objectiveID: 1, position: 0, modalityID: 2, timesPerPeriod: 2, period: .week,
                                       responsibleStaffID: 3),
            modality: "Cognitive-behavioral therapy", responsibleName: "Ana Pérez")
        let peer = PlanTree.InterventionNode(
            intervention: Intervention(id: 2, objectiveID: 2, position: 0, modalityID: 7, timesPerPeriod: 1, period: .month,
                                       responsibleStaffID: nil, detail: "with the peer mentor"),
            modality: "Peer support", responsibleName: nil)
        return PlanTree(plan: plan, problems: [
            .init(problem: Problem(id: 1, planID: 7, position: 0, statement: "Daily opioid use; risk of *overdose*.",
                                   clientWords: "I don't want to die."),
                  goals: [.init(goal: Goal(id: 1, problemID: 1, position: 0, statement: "Stop illicit opioid use.",
                                           kind: .abstinence, targetDate: Day("2025-06-08")!),
                                objectives: [.init(objective: Objective(id: 1, goalID: 1, position: 0,
                                                                        statement: "Negative screens 4 weeks in a row.",
                                                                        targetDate: Day("2025-04-07")!, status: .inProgress),
                                                   interventions: [cbt])])]),
            .init(problem: Problem(id: 2, planID: 7, position: 1, statement: longChinese),
                  goals: [.init(goal: Goal(id: 2, problemID: 2, position: 0, statement: "Obtain safe, stable housing.",
                                           kind: .housing, targetDate: nil),
                                objectives: [.init(objective: Objective(id: 2, goalID: 2, position: 0,
                                                                        statement: "Completes a housing application.",
                                                                        targetDate: nil),
                                                   interventions: [peer])])]),
        ], signatures: signatures)
    }

    private func summary() -> ChartSummary {
        let client = Client(id: 1, mrn: "A-001", legalFirstName: "Zoë", legalLastName: "Ñúñez 李", preferredName: "Zo",
                            dateOfBirth: Day("1988-07-14")!, admissionDate: Day("2024-06-01")!, phase: "Stabilization",
                            medication: .methadone, doseMg: 80)
        return ChartSummary(client: client, counselorName: "Ana Pérez", lastContact: nil, nextPlanReview: nil)
    }

    /// Columns by an independent count: CJK ideographs 2, combining marks 0, everything else here 1.
    private func columns(_ line: String) -> Int {
        line.unicodeScalars.reduce(0) { w, s in
            if (0x0300...0x036F).contains(s.value) { return w }
            if (0x4E00...0x9FFF).contains(s.value) || (0x3000...0x303F).contains(s.value) { return w + 2 }
            return w + 1
        }
    }

    private func squeezed(_ s: String) -> String { s.filter { !$0.isWhitespace } }

    func testTheTextHoldsEverythingTheClientSignsFor() {
        let text = PlanDocument.render(sampleTree(), summary: summary(), programName: "Riverside Opioid Treatment Program",
                                       format: .text)
        for expected in ["Riverside Opioid Treatment Program", "TREATMENT PLAN", "Ñúñez 李, Zoë \"Zo\"", "A-001",
                         "1988-07-14", "Version 2, draft", "2025-03-10", "2025-06-08",
                         "Quarterly review: screens negative since February.",
                         "Quiero volver a trabajar y ver a mis hijos.", "I don't want to die.",
                         "Goal 1.1 (Abstinence, target 2025-06-08, active):", "Objective 1.1.1 (target 2025-04-07, in progress):",
                         "Cognitive-behavioral therapy, 2 times a week; responsible: Ana Pérez",
                         "Peer support, once a month (with the peer mentor)", "Goal 2.1 (Housing, active):"] {
            XCTAssertTrue(squeezed(text).contains(squeezed(expected)), "missing: \(expected)\n\(text)")
        }
        for statement in ["Daily opioid use; risk of *overdose*.", longChinese, "Stop illicit opioid use.",
                          "Negative screens 4 weeks in a row.", "Obtain safe, stable housing.", "Completes a housing application."] {
            XCTAssertTrue(squeezed(text).contains(squeezed(statement)), "missing statement: \(statement)")
        }
        // A draft: nobody has signed; the client and the counselor sign on paper, no supervisor asked for.
        XCTAssertTrue(text.contains("Not signed yet."))
        let signatureLines = text.split(separator: "\n").filter { $0.contains("____") }
        XCTAssertEqual(signatureLines.count, 2, text)
        XCTAssertTrue(signatureLines[0].hasPrefix("Client: ___") && signatureLines[0].hasSuffix("Date: ____________"))
        XCTAssertTrue(signatureLines[1].hasPrefix("Counselor: ___"))
        XCTAssertTrue(text.contains("\n        Zoë Ñúñez 李\n"), "the client's printed name under the line:\n\(text)")
        XCTAssertTrue(text.contains("\n           Ana Pérez\n"), "the counselor's printed name under the line")
        XCTAssertTrue(text.split(separator: "\n").allSatisfy { columns(String($0)) <= 78 })
    }

    func testSignaturesGivenAreListedAndOnlyTheMissingOnesGetLines() {
        let at = Date(timeIntervalSince1970: TimeInterval(Day("2025-03-12")!.ordinal * 86400 + 12 * 3600))
        let tree = sampleTree(status: .signed, signatures: [
            PlanSignature(id: 1, planID: 7, role: .counselor, signerName: "Ana Pérez", staffID: 3, signedAt: at)])
        let text = PlanDocument.render(tree, summary: summary(), programName: "OTP", format: .text, supervisorSignature: true)
        XCTAssertTrue(text.contains("Version 2, signed"))
        XCTAssertTrue(text.contains("Counselor: Ana Pérez, signed 2025-03-12"), text)
        let lines = text.split(separator: "\n").filter { $0.contains("____") }.map { String($0.prefix(while: { $0 != ":" })) }
        XCTAssertEqual(lines, ["Client", "Supervisor"])
    }

    func testWrapsChineseAtFortyColumnsWithoutSplittingCharacters() {
        let decomposed = "Jose\u{301} needs a ride to the clinic every morning before work and after"
        var tree = sampleTree()
        tree.problems[0].problem.clientWords = decomposed
        let text = PlanDocument.render(tree, summary: summary(), programName: "OTP", format: .text, width: 40)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in lines {
            XCTAssertLessThanOrEqual(columns(line), 40, "too wide: \(line)")
            XCTAssertFalse(line.unicodeScalars.first.map { (0x0300...0x036F).contains($0.value) } ?? false)
        }
        XCTAssertTrue(text.contains("Jose\u{301}"), "the combining accent stays on its letter")
        // The Chinese statement has no spaces: it fills each line to 39 or 40 columns rather than
        // leaving gaps or running past the edge, and nothing of it is lost.
        let chineseLines = lines.filter { line in line.contains { longChinese.contains($0) } && !line.contains("李") }
        XCTAssertGreaterThanOrEqual(chineseLines.count, 3)
        for line in chineseLines.dropLast() { XCTAssertGreaterThanOrEqual(columns(line), 39, line) }
        XCTAssertTrue(squeezed(text).contains(longChinese))
        XCTAssertTrue(squeezed(text).contains("Problem2:"))
    }

    func testMarkdownHasHeadingsNestedListsAndLiteralText() {
        let md = PlanDocument.render(sampleTree(), summary: summary(), programName: "OTP", format: .markdown)
        let lines = md.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "# Treatment plan: Ñúñez 李, Zoë \"Zo\"")
        XCTAssertTrue(lines.contains("- **MRN:** A-001"))
        XCTAssertTrue(lines.contains("## Problem 1: Daily opioid use; risk of \\*overdose\\*."), md)
        XCTAssertTrue(lines.contains("## Problem 2: \(longChinese)"))
        XCTAssertTrue(lines.contains("- **Goal 1.1** (Abstinence, target 2025-06-08, active): Stop illicit opioid use."))
        XCTAssertTrue(lines.contains("  - **Objective 1.1.1** (target 2025-04-07, in progress): Negative screens 4 weeks in a row."))
        XCTAssertTrue(lines.contains("    - Cognitive-behavioral therapy, 2 times a week; responsible: Ana Pérez"))
        XCTAssertTrue(lines.contains("## Signatures"))
        XCTAssertEqual(lines.filter { $0.contains("Date: ____") }.count, 2)
    }

    func testFrequencyInWords() {
        XCTAssertEqual(PlanDocument.frequency(1, .week), "once a week")
        XCTAssertEqual(PlanDocument.frequency(2, .week), "2 times a week")
        XCTAssertEqual(PlanDocument.frequency(3, .month), "3 times a month")
    }
}
