// `caseload export`: the store (or one client's records) as one JSON object, streamed page by
// page from a single read snapshot so that millions of notes export in bounded memory.
import CaseloadCore
import Foundation
import GRDB

public enum Exporter {
    /// Rows per query and per call to `write`.
    static let pageSize = 10_000

    /// Top-level keys, in the order written (sorted, like every object inside).
    public static let topLevelKeys = ["attendance", "clients", "consents", "contacts", "drugScreens", "groupSessions",
                                      "groups", "modalities", "referrals", "sessions", "staff", "treatmentPlans"]

    /// Checks, before anything is recorded or written, that the handle's person may export the client (their
    /// whole chart) or the whole store (an administrator). A refusal is recorded as a refusal and thrown; a chart
    /// number that does not exist is refused like one the person may not see. Returns the client's id.
    @discardableResult
    public static func authorize(_ store: SQLiteStore, clientMRN: String?) throws -> RowID? {
        guard let viewer = store.viewer else { return try clientMRN.flatMap { try store.clientID(mrn: MRN.normalized($0)) } }
        if let mrn = clientMRN {
            let id = try store.clientID(typedMRN: mrn, what: "export")
            try store.authorize(clientID: id, .full, what: "export")
            return id
        }
        if try store.staff(id: viewer.id!)?.role != .admin {
            throw try store.refusal(by: viewer, clientID: nil, what: "export of the store", sentence:
                "Only an administrator exports the whole store; give --client MRN to export one client of your caseload.")
        }
        return nil
    }

    /// Streams JSON (never builds the whole store in memory: 2.5 M notes must export in bounded memory).
    /// With `clientMRN`, only that client's records and the staff, modalities and groups they
    /// reference (a group's roster then lists only that client). Unknown MRN → `CaseloadError.notFound`.
    /// For a handle bound to a person, one client's export needs their whole chart (Access.swift) and the
    /// whole store's is an administrator's (like a backup); refusals are recorded.
    public static func export(_ store: SQLiteStore, clientMRN: String?, write: (String) throws -> Void) throws {
        try authorize(store, clientMRN: clientMRN)
        try store.read { db in
            var scope: Scope = .all
            if let mrn = clientMRN {
                guard let id = try RowID.fetchOne(db, sql: "SELECT id FROM clients WHERE mrn = ? COLLATE NOCASE",
                                                  arguments: [MRN.normalized(mrn)]) else {
                    throw CaseloadError.notFound(what: "The client with MRN '\(mrn)'")
                }
                scope = .client(id)
            }
            try withoutActuallyEscaping(write) { write in
                try exportAll(db, scope, JSONOut(write: write))
            }
        }
    }

    enum Scope {
        case all
        case client(RowID)
        var clientID: RowID? { if case .client(let id) = self { id } else { nil } }
    }

    private static func exportAll(_ db: Database, _ scope: Scope, _ out: JSONOut) throws {
        let cid = scope.clientID
        let byClient = cid == nil ? "1" : "client_id = \(cid!)"

        // attendance
        try out.section("attendance") {
            try pages(AttendanceTable.self, db, where: byClient) { try out.page($0) }
        }
        // clients
        try out.section("clients") {
            try pages(ClientTable.self, db, where: cid == nil ? "1" : "id = \(cid!)") { try out.page($0) }
        }
        // consents, contacts
        try out.section("consents") {
            try pages(ConsentTable.self, db, where: byClient) { try out.page($0) }
        }
        try out.section("contacts") {
            try pages(ContactTable.self, db, where: byClient) { try out.page($0) }
        }
        // drugScreens, with results as {substance: result}
        try out.section("drugScreens") {
            try pages(DrugScreenTable.self, db, where: byClient) { screens in
                var screens = screens
                try DrugScreenTable.attachResults(&screens, db)
                try DrugScreenTable.attachCorrections(&screens, db)
                try out.page(screens.map(DrugScreenExport.init))
            }
        }
        // groupSessions: for one client, the sessions that have a line for them
        try out.section("groupSessions") {
            try pages(GroupSessionTable.self, db, where: cid == nil ? "1"
                      : "id IN (SELECT group_session_id FROM attendance WHERE client_id = \(cid!))") { try out.page($0) }
        }
        // groups with facilitators and roster
        try out.section("groups") {
            try pages(GroupTable.self, db, where: cid == nil ? "1"
                      : "id IN (SELECT group_id FROM group_members WHERE client_id = \(cid!))") { groups in
                let ids = idList(groups.compactMap(\.id))
                var facilitators: [RowID: [RowID]] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT group_id, staff_id FROM group_facilitators WHERE group_id IN (\(ids)) ORDER BY group_id, staff_id") {
                    facilitators[r[0], default: []].append(r[1])
                }
                var roster: [RowID: [GroupMember]] = [:]
                for m in try MemberTable.fetchAll(db, where: "group_id IN (\(ids)) AND \(byClient)", orderBy: "group_id, joined_on, id") {
                    roster[m.groupID, default: []].append(m)
                }
                try out.page(groups.map { GroupExport(group: $0, facilitatorIDs: facilitators[$0.id!] ?? [], roster: roster[$0.id!] ?? []) })
            }
        }
        // modalities
        try out.section("modalities") {
            try pages(ModalityTable.self, db, where: cid == nil ? "1" : """
                id IN (SELECT modality_id FROM progress_notes WHERE client_id = \(cid!)
                       UNION SELECT modality_id FROM appointments WHERE client_id = \(cid!)
                       UNION SELECT g.modality_id FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.client_id = \(cid!)
                       UNION SELECT i.modality_id FROM interventions i JOIN objectives o ON o.id = i.objective_id
                             JOIN goals g ON g.id = o.goal_id JOIN problems p ON p.id = g.problem_id
                             JOIN treatment_plans tp ON tp.id = p.plan_id WHERE tp.client_id = \(cid!))
                """) { try out.page($0) }
        }
        // referrals
        try out.section("referrals") {
            try pages(ReferralTable.self, db, where: byClient) { try out.page($0) }
        }
        // sessions: progress notes with their goal links and addenda
        try out.section("sessions") {
            try pages(NoteTable.self, db, where: byClient) { notes in
                let ids = idList(notes.compactMap(\.id))
                var goals: [RowID: [RowID]] = [:], objectives: [RowID: [RowID]] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT note_id, goal_id, objective_id FROM note_goal_links WHERE note_id IN (\(ids)) ORDER BY id") {
                    if let g: RowID = r[1] { goals[r[0], default: []].append(g) }
                    if let o: RowID = r[2] { objectives[r[0], default: []].append(o) }
                }
                var addenda: [RowID: [AddendumExport]] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT id, note_id, staff_id, at, text FROM note_addenda WHERE note_id IN (\(ids)) ORDER BY id") {
                    addenda[r[1], default: []].append(AddendumExport(id: r[0], staffID: r[2], at: try Col.date(r, 3, "note_addenda.at"), text: r[4]))
                }
                try out.page(notes.map {
                    SessionExport(note: $0, linkedGoalIDs: goals[$0.id!] ?? [], linkedObjectiveIDs: objectives[$0.id!] ?? [],
                                  addenda: addenda[$0.id!] ?? [])
                })
            }
        }
        // staff: for one client, everyone their records name
        try out.section("staff") {
            try pages(StaffTable.self, db, where: cid == nil ? "1" : """
                id IN (SELECT primary_counselor_id FROM clients WHERE id = \(cid!)
                       UNION SELECT staff_id FROM progress_notes WHERE client_id = \(cid!)
                       UNION SELECT signed_by_id FROM progress_notes WHERE client_id = \(cid!)
                       UNION SELECT cosigned_by_id FROM progress_notes WHERE client_id = \(cid!)
                       UNION SELECT a.staff_id FROM note_addenda a JOIN progress_notes n ON n.id = a.note_id WHERE n.client_id = \(cid!)
                       UNION SELECT staff_id FROM appointments WHERE client_id = \(cid!)
                       UNION SELECT created_by_id FROM treatment_plans WHERE client_id = \(cid!)
                       UNION SELECT s.staff_id FROM plan_signatures s JOIN treatment_plans tp ON tp.id = s.plan_id WHERE tp.client_id = \(cid!)
                       UNION SELECT i.responsible_staff_id FROM interventions i JOIN objectives o ON o.id = i.objective_id
                             JOIN goals g ON g.id = o.goal_id JOIN problems p ON p.id = g.problem_id
                             JOIN treatment_plans tp ON tp.id = p.plan_id WHERE tp.client_id = \(cid!)
                       UNION SELECT f.staff_id FROM group_facilitators f JOIN group_members m ON m.group_id = f.group_id WHERE m.client_id = \(cid!)
                       UNION SELECT s.signed_by_id FROM group_sessions s JOIN attendance a ON a.group_session_id = s.id WHERE a.client_id = \(cid!))
                """) { try out.page($0) }
        }
        // treatmentPlans with their whole tree and signatures
        try out.section("treatmentPlans") {
            try pages(PlanTable.self, db, where: byClient, pageSize: 2_000) { plans in
                try out.page(try planTrees(plans, db))
            }
        }
        try out.finish()
    }

    /// The trees of a page of plans: five queries for the whole page.
    private static func planTrees(_ plans: [TreatmentPlan], _ db: Database) throws -> [PlanExport] {
        let planIDs = idList(plans.compactMap(\.id))
        let problems = try ProblemTable.fetchAll(db, where: "plan_id IN (\(planIDs))", orderBy: "plan_id, position, id")
        let goals = try GoalTable.fetchAll(db, where: "problem_id IN (\(idList(problems.compactMap(\.id))))", orderBy: "problem_id, position, id")
        let objectives = try ObjectiveTable.fetchAll(db, where: "goal_id IN (\(idList(goals.compactMap(\.id))))", orderBy: "goal_id, position, id")
        let interventions = try InterventionTable.fetchAll(db, where: "objective_id IN (\(idList(objectives.compactMap(\.id))))",
                                                           orderBy: "objective_id, position, id")
        let signatures = try SignatureTable.fetchAll(db, where: "plan_id IN (\(planIDs))", orderBy: "plan_id, signed_at, id")

        var interventionsBy: [RowID: [Intervention]] = [:]
        for i in interventions { interventionsBy[i.objectiveID, default: []].append(i) }
        var objectivesBy: [RowID: [ObjectiveExport]] = [:]
        for o in objectives { objectivesBy[o.goalID, default: []].append(ObjectiveExport(objective: o, interventions: interventionsBy[o.id!] ?? [])) }
        var goalsBy: [RowID: [GoalExport]] = [:]
        for g in goals { goalsBy[g.problemID, default: []].append(GoalExport(goal: g, objectives: objectivesBy[g.id!] ?? [])) }
        var problemsBy: [RowID: [ProblemExport]] = [:]
        for p in problems { problemsBy[p.planID, default: []].append(ProblemExport(problem: p, goals: goalsBy[p.id!] ?? [])) }
        var signaturesBy: [RowID: [PlanSignature]] = [:]
        for s in signatures { signaturesBy[s.planID, default: []].append(s) }
        return plans.map { PlanExport(plan: $0, problems: problemsBy[$0.id!] ?? [], signatures: signaturesBy[$0.id!] ?? []) }
    }

    /// Keyset paging by id: each page is one indexed range query, whatever the table's size.
    private static func pages<M: TableMapping>(_ mapping: M.Type, _ db: Database, where filter: String,
                                               pageSize: Int = Exporter.pageSize,
                                               _ body: ([M.Value]) throws -> Void) throws {
        var last = Int64.min
        while true {
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(M.select()) FROM \(M.table) WHERE (\(filter)) AND id > ? ORDER BY id LIMIT \(pageSize)
                """, arguments: [last])
            guard let lastRow = rows.last else { return }
            last = lastRow[0]
            try body(try rows.map { try M.decode($0) })
            if rows.count < pageSize { return }
        }
    }

    private static func idList(_ ids: [RowID]) -> String {
        ids.isEmpty ? "NULL" : ids.map(String.init).joined(separator: ",")
    }
}

/// Writes `{"key":[…],…}` a page at a time.
private final class JSONOut {
    let write: (String) throws -> Void
    let encoder: JSONEncoder
    private var keys = 0
    private var elements = 0

    init(write: @escaping (String) throws -> Void) {
        self.write = write
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
    }

    func section(_ key: String, _ body: () throws -> Void) throws {
        try write((keys == 0 ? "{\n" : ",\n") + "\"\(key)\":[")
        keys += 1
        elements = 0
        try body()
        try write(elements == 0 ? "]" : "\n]")
    }

    /// One element a line, so that line tools (grep, head, wc -l) work on the output.
    func page<T: Encodable>(_ items: [T]) throws {
        guard !items.isEmpty else { return }
        var text = ""
        for item in items {
            text += elements == 0 ? "\n" : ",\n"
            text += String(decoding: try encoder.encode(item), as: UTF8.self)
            elements += 1
        }
        try write(text)
    }

    func finish() throws { try write(keys == 0 ? "{}\n" : "\n}\n") }
}

// MARK: - Shapes that nest or reshape the domain structs

private struct PlanExport: Encodable {
    var plan: TreatmentPlan
    var problems: [ProblemExport]
    var signatures: [PlanSignature]
    enum Keys: String, CodingKey { case problems, signatures }
    func encode(to encoder: Encoder) throws {
        try plan.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(problems, forKey: .problems)
        try c.encode(signatures, forKey: .signatures)
    }
}

private struct ProblemExport: Encodable {
    var problem: Problem
    var goals: [GoalExport]
    enum Keys: String, CodingKey { case goals }
    func encode(to encoder: Encoder) throws {
        try problem.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(goals, forKey: .goals)
    }
}

private struct GoalExport: Encodable {
    var goal: Goal
    var objectives: [ObjectiveExport]
    enum Keys: String, CodingKey { case objectives }
    func encode(to encoder: Encoder) throws {
        try goal.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(objectives, forKey: .objectives)
    }
}

private struct ObjectiveExport: Encodable {
    var objective: Objective
    var interventions: [Intervention]
    enum Keys: String, CodingKey { case interventions }
    func encode(to encoder: Encoder) throws {
        try objective.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(interventions, forKey: .interventions)
    }
}

private struct AddendumExport: Encodable {
    var id: RowID
    var staffID: RowID
    var at: Date
    var text: String
}

private struct SessionExport: Encodable {
    var note: ProgressNote
    var linkedGoalIDs: [RowID]
    var linkedObjectiveIDs: [RowID]
    var addenda: [AddendumExport]
    enum Keys: String, CodingKey { case linkedGoalIDs, linkedObjectiveIDs, addenda }
    func encode(to encoder: Encoder) throws {
        try note.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(linkedGoalIDs, forKey: .linkedGoalIDs)
        try c.encode(linkedObjectiveIDs, forKey: .linkedObjectiveIDs)
        try c.encode(addenda, forKey: .addenda)
    }
}

private struct GroupExport: Encodable {
    var group: CounselingGroup
    var facilitatorIDs: [RowID]
    var roster: [GroupMember]
    enum Keys: String, CodingKey { case facilitatorIDs, roster }
    func encode(to encoder: Encoder) throws {
        try group.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(facilitatorIDs, forKey: .facilitatorIDs)
        try c.encode(roster, forKey: .roster)
    }
}

/// Results as an object keyed by substance (a `[Substance: …]` dictionary would encode as a flat array).
private struct DrugScreenExport: Encodable {
    var id: RowID?
    var clientID: RowID
    var collectedOn: Day
    var observed: Bool
    var random: Bool
    var results: [String: String]
    var note: String
    /// Entered in error: the reason, when and by whom (the screen stays, marked).
    var enteredInError: ScreenError?
    var correctsID: RowID?
    init(_ s: DrugScreen) {
        id = s.id; clientID = s.clientID; collectedOn = s.collectedOn; observed = s.observed; random = s.random
        note = s.note; enteredInError = s.enteredInError; correctsID = s.correctsID
        var r: [String: String] = [:]
        for (k, v) in s.results { r[k.rawValue] = v.rawValue }
        results = r
    }
}
