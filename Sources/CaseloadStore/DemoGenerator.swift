// `caseload demo`: a deterministic synthetic program (staff, clients, plans, years of notes,
// groups with attendance, screens, referrals, contacts, consents). Never real patients.
import CaseloadCore
import Foundation
import GRDB

/// What the demo built, and whom to try with `--as`.
public struct DemoSummary: Sendable, Hashable, CustomStringConvertible {
    public var programName: String
    public var staff: Int
    public var counselors: Int
    public var clients: Int
    public var activeClients: Int
    public var onHoldClients: Int
    public var dischargedClients: Int
    public var treatmentPlans: Int
    public var notes: Int
    public var groups: Int
    public var groupSessions: Int
    public var attendance: Int
    public var drugScreens: Int
    public var referrals: Int
    public var contacts: Int
    public var consents: Int
    public var appointmentsToday: Int
    /// The OS user: a counselor with a caseload, appointments today and a group today.
    public var osUser: String
    public var osUserClients: Int
    public var supervisor: String
    public var facilitator: String
    public var admin: String

    public var description: String {
        """
        \(programName): \(clients) clients (\(activeClients) active, \(onHoldClients) on hold, \(dischargedClients) discharged), \
        \(staff) staff (\(counselors) counselors), \(groups) groups.
        History: \(notes) progress notes, \(treatmentPlans) treatment plans, \(groupSessions) group sessions with \
        \(attendance) attendance lines, \(drugScreens) drug screens, \(referrals) referrals, \(contacts) contacts, \
        \(consents) consents.
        You are '\(osUser)', a counselor with \(osUserClients) clients and \(appointmentsToday) appointments today.
        Other logins to try with --as: \(supervisor) (clinical supervisor), \(facilitator) (group facilitator), \
        \(admin) (administrator).
        """
    }
}

public struct DemoGenerator: Sendable {
    public var clients: Int
    public var years: Int
    public var seed: UInt64
    public var today: Day
    public var osUsername: String

    public init(clients: Int = 300, years: Int = 1, seed: UInt64 = 1, today: Day, osUsername: String) {
        self.clients = clients; self.years = years; self.seed = seed; self.today = today; self.osUsername = osUsername
    }

    /// Fills an EMPTY, freshly created store. Deterministic for (clients, years, seed, today, osUsername).
    public func generate(into store: SQLiteStore, progress: ((String) -> Void)? = nil) throws -> DemoSummary {
        guard clients >= 1 else { throw CaseloadError.invalidInput("The demo needs at least 1 client.") }
        guard years >= 1 else { throw CaseloadError.invalidInput("The demo needs at least 1 year of history.") }
        guard !osUsername.isEmpty else { throw CaseloadError.invalidInput("The demo needs the login of the person running it.") }
        do {
            return try store.dbPool.writeWithoutTransaction { db in
                let existing = try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM staff) + (SELECT count(*) FROM clients)") ?? 0
                guard existing == 0 else {
                    throw CaseloadError.invalidInput("The demo only fills a new, empty store; '\(store.path)' already has staff or clients.")
                }
                // A new demo file has nothing to lose if the machine stops mid-way, so it is
                // written without waiting for the disk; FULL comes back before returning.
                try db.execute(sql: "PRAGMA synchronous = OFF")
                try db.execute(sql: "PRAGMA cache_size = -262144")
                defer {
                    try? db.execute(sql: "PRAGMA synchronous = FULL")
                    try? db.execute(sql: "PRAGMA cache_size = -2000")
                }
                // The search index is built in one pass once every note is in (about half the
                // time of indexing note by note through the triggers), then the triggers return.
                for name in Schema.noteSearchTriggerNames { try db.execute(sql: "DROP TRIGGER \(name)") }
                var build = try DemoBuild(spec: self, db: db, progress: progress)
                let summary = try build.run()
                progress?("Search index…")
                try db.inTransaction {
                    try Schema.fillNoteSearch(db)
                    try db.execute(sql: Schema.noteSearchTriggers)
                    return .commit
                }
                try db.execute(sql: "PRAGMA analysis_limit = 1000; ANALYZE;")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                return summary
            }
        } catch let e as DatabaseError {
            throw SQLiteStore.translateWrite(e, path: store.path)
        }
    }
}

// MARK: - The build

/// One run of the generator: plans the program in memory (staff, clients, groups), then
/// streams the history into the store a chunk of clients per transaction.
private struct DemoBuild {
    let spec: DemoGenerator
    let db: Database
    let progress: ((String) -> Void)?
    let today: Day
    let windowStart: Day
    let settings = ProgramSettings(programName: "Riverbend Treatment Services (demo)", isDemo: true)
    let programName = "Riverbend Treatment Services"

    // Modality ids by name (seeded by the migration).
    var modality: [String: RowID] = [:]

    struct StaffSeed {
        var staff: Staff
        var template: NoteTemplate
    }
    struct ClientSeed {
        var client: Client
        var serviceStart: Day      // first day of history for this client
        var serviceEnd: Day        // last day they were seen (discharge, hold, or yesterday)
    }
    struct GroupSeed {
        var group: CounselingGroup
        var kind: DemoText.GroupKind
        var facilitators: [RowID]
    }

    var staff: [StaffSeed] = []
    var supervisors: [RowID] = []
    var counselors: [RowID] = []
    var facilitators: [RowID] = []
    var adminID: RowID = 0
    var osUserID: RowID = 0
    var seeds: [ClientSeed] = []
    var clientsByCounselor: [RowID: [Int]] = [:]
    var groups: [GroupSeed] = []
    var meanNoteGap = 7.0

    // Ids handed out in order (the store is empty), so cross-references need no read-back.
    var nextNoteID: RowID = 1
    var nextPlanID: RowID = 1, nextProblemID: RowID = 1, nextGoalID: RowID = 1, nextObjectiveID: RowID = 1
    var nextInterventionID: RowID = 1, nextSignatureID: RowID = 1, nextScreenID: RowID = 1
    var nextReferralID: RowID = 1, nextConsentID: RowID = 1, nextContactID: RowID = 1
    var nextMemberID: RowID = 1, nextSessionID: RowID = 1, nextAttendanceID: RowID = 1, nextAppointmentID: RowID = 1
    var referralTypesSeen = 0
    var osDrafts = 0
    var appointmentsToday = 0

    // Prepared once, reused for millions of rows.
    let noteStatement: Statement
    let linkStatement: Statement
    let addendumStatement: Statement
    let screenStatement: Statement
    let resultStatement: Statement
    let attendanceStatement: Statement
    let sessionStatement: Statement
    let memberStatement: Statement
    let sessionSignStatement: Statement
    let planStatusStatement: Statement

    // Sentence banks parsed once into pieces, so filling a note is concatenation.
    let phrases: Phrases

    init(spec: DemoGenerator, db: Database, progress: ((String) -> Void)?) throws {
        self.spec = spec; self.db = db; self.progress = progress
        today = spec.today
        windowStart = spec.today.adding(days: -365 * spec.years)
        noteStatement = try db.makeStatement(sql: NoteTable.insertSQL)
        linkStatement = try db.makeStatement(sql: "INSERT INTO note_goal_links (note_id, goal_id, objective_id) VALUES (?, ?, ?)")
        addendumStatement = try db.makeStatement(sql: "INSERT INTO note_addenda (note_id, staff_id, at, text) VALUES (?, ?, ?, ?)")
        screenStatement = try db.makeStatement(sql: DrugScreenTable.insertSQL)
        resultStatement = try db.makeStatement(sql: DrugScreenTable.insertResultSQL)
        attendanceStatement = try db.makeStatement(sql: AttendanceTable.insertSQL)
        sessionStatement = try db.makeStatement(sql: GroupSessionTable.insertSQL)
        memberStatement = try db.makeStatement(sql: MemberTable.insertSQL)
        sessionSignStatement = try db.makeStatement(sql: "UPDATE group_sessions SET signed_at = ?, signed_by_id = ? WHERE id = ?")
        planStatusStatement = try db.makeStatement(sql: "UPDATE treatment_plans SET status = ? WHERE id = ?")
        phrases = Phrases()
        for row in try Row.fetchAll(db, sql: "SELECT name, id FROM modalities") {
            modality[row[0]] = row[1]
        }
        for name in Modality.seeded where modality[name] == nil {
            throw CaseloadError.refused("The store has no modality '\(name)', which the demo needs; no demo data was added.")
        }
    }

    func rng(_ stream: UInt64, _ index: Int) -> SplitMix64 { SplitMix64(seed: spec.seed, stream: stream, index: index) }

    mutating func run() throws -> DemoSummary {
        progress?("Staff, clients and groups…")
        planStaff()
        planClients()
        planGroups()
        try db.inTransaction {
            for s in staff { try StaffTable.insert(s.staff, db) }
            for s in seeds { try ClientTable.insert(s.client, db) }
            for g in groups {
                try GroupTable.insert(g.group, db)
                for f in g.facilitators { try FacilitatorTable.insert(GroupFacilitator(groupID: g.group.id!, staffID: f), db) }
            }
            try SettingsCodec.write(settings, db)
            return .commit
        }

        let chunk = 100
        var start = 0
        while start < seeds.count {
            let end = min(start + chunk, seeds.count)
            try db.inTransaction {
                for i in start..<end { try writeHistory(of: i) }
                return .commit
            }
            start = end
            if start % 500 == 0 || start == seeds.count {
                progress?("Clients \(start)/\(seeds.count): plans, notes, screens, referrals, consents")
            }
        }

        for (i, _) in groups.enumerated() {
            try db.inTransaction {
                try writeGroupHistory(i)
                return .commit
            }
            if (i + 1) % 20 == 0 || i + 1 == groups.count {
                progress?("Groups \(i + 1)/\(groups.count): rosters, weekly sessions, attendance")
            }
        }

        progress?("Appointments and activity…")
        try db.inTransaction {
            try writeAppointments()
            try writeActivity()
            return .commit
        }

        func count(_ table: String, _ filter: String = "1") throws -> Int {
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(filter)") ?? 0
        }
        func username(_ id: RowID) -> String { staff[Int(id) - 1].staff.username }
        return DemoSummary(
            programName: programName, staff: staff.count, counselors: counselors.count, clients: seeds.count,
            activeClients: seeds.filter { $0.client.status == .active }.count,
            onHoldClients: seeds.filter { $0.client.status == .onHold }.count,
            dischargedClients: seeds.filter { $0.client.status == .discharged }.count,
            treatmentPlans: Int(nextPlanID - 1), notes: Int(nextNoteID - 1), groups: groups.count,
            groupSessions: Int(nextSessionID - 1), attendance: Int(nextAttendanceID - 1),
            drugScreens: Int(nextScreenID - 1), referrals: Int(nextReferralID - 1), contacts: Int(nextContactID - 1),
            consents: Int(nextConsentID - 1), appointmentsToday: appointmentsToday, osUser: spec.osUsername,
            osUserClients: clientsByCounselor[osUserID]?.count ?? 0, supervisor: username(supervisors[0]),
            facilitator: username(facilitators[0]), admin: username(adminID))
    }

    // MARK: Staff

    mutating func planStaff() {
        var r = rng(1, 0)
        let counselorCount = max(2, (spec.clients + 44) / 45)
        let groupCount = max(8, Int((Double(spec.clients) / 40).rounded()))
        let supervisorCount = max(1, (counselorCount + 7) / 8)
        let facilitatorCount = max(2, (groupCount + 4) / 5)
        var usedNames = Set<String>()
        var usedLogins: Set<String> = [spec.osUsername]
        let templates = NoteTemplate.allCases

        func person(_ role: StaffRole, login fixed: String? = nil) -> Staff {
            var first: (String, String), last: (String, String), display: String
            repeat {
                first = r.pick(DemoText.firstNames); last = r.pick(DemoText.lastNames)
                display = "\(first.0) \(last.0)"
            } while usedNames.contains(display) && usedNames.count < 5000
            usedNames.insert(display)
            var login = fixed ?? "\(first.1.prefix(1))\(last.1)"
            if fixed == nil {
                var n = 2
                let base = login
                while usedLogins.contains(login) { login = "\(base)\(n)"; n += 1 }
            }
            usedLogins.insert(login)
            let credentials = r.pick(DemoText.staffCredentials[role] ?? [""])
            return Staff(username: login, displayName: display, credentials: credentials, role: role)
        }
        func add(_ s: Staff, template: NoteTemplate) -> RowID {
            var s = s
            s.id = RowID(staff.count + 1)
            staff.append(StaffSeed(staff: s, template: template))
            return s.id!
        }
        for _ in 0..<supervisorCount {
            supervisors.append(add(person(.supervisor), template: .dap))
        }
        // A large program's first supervisor is its clinical director: the other supervisors report to them, so
        // the director's team (Access.swift) is the whole program.
        for id in supervisors.dropFirst() { staff[Int(id) - 1].staff.supervisorID = supervisors[0] }
        for i in 0..<counselorCount {
            var s = i == 0 ? person(.counselor, login: spec.osUsername) : person(.counselor)
            s.supervisorID = supervisors[i % supervisors.count]
            // Newly credentialed counselors have their notes co-signed.
            s.needsCosign = i > 0 && r.chance(0.15)
            let id = add(s, template: templates[i % templates.count])
            counselors.append(id)
            if i == 0 { osUserID = id }
        }
        for i in 0..<facilitatorCount {
            var s = person(.facilitator)
            s.supervisorID = supervisors[i % supervisors.count]
            facilitators.append(add(s, template: templates[(i + 1) % templates.count]))
        }
        var admin = person(.admin, login: usedLogins.contains("admin") ? "admin1" : "admin")
        admin.credentials = ""
        adminID = add(admin, template: .dap)
    }

    // MARK: Clients

    mutating func planClients() {
        var r = rng(2, 0)
        let n = spec.clients
        // Who carries whom: the OS user about 40 clients (fewer in a tiny demo), the rest spread evenly.
        var order = Array(0..<n)
        r.shuffle(&order)
        let osShare = min(40, (n + counselors.count - 1) / counselors.count)
        var counselorOf = [RowID](repeating: 0, count: n)
        for (k, i) in order.enumerated() {
            counselorOf[i] = k < osShare ? osUserID : counselors[1 + (k - osShare) % (counselors.count - 1)]
        }
        // The OS user's first clients carry the names that exercise the screens hardest.
        let specials: [(String, String, String?)] = [
            ("Zoë", "Ñúñez", nil), ("小明", "王", nil), ("José", "García", "Pepe"), ("Zoe\u{0308}", "李", nil),
            ("Adébáyọ̀", "Okafor", "Ade"), ("민준", "김", nil),
        ]
        var specialIndex = 0
        let phases = settings.phases
        var mrn = 100_000
        var totalServiceDays = 0

        for i in 0..<n {
            var c = rng(3, i)
            mrn += 1 + c.int(0...2)
            var first: String, last: String, preferred: String?
            if counselorOf[i] == osUserID && specialIndex < specials.count {
                (first, last, preferred) = specials[specialIndex]; specialIndex += 1
            } else if c.chance(0.06) {
                (last, first) = c.pick(DemoText.eastAsianNames); preferred = nil
            } else {
                first = c.pick(DemoText.firstNames).0; last = c.pick(DemoText.lastNames).0
                preferred = c.chance(0.12) ? c.pick(DemoText.firstNames).0 : nil
            }
            let pronounRoll = c.double()
            let pronouns = pronounRoll < 0.48 ? "she/her" : pronounRoll < 0.94 ? "he/him" : c.pick(["they/them", "he/they", "she/they"])
            let dob = Day(year: today.year - c.int(21...68), month: c.int(1...12), day: c.int(1...28))!
            let daysAgo = 3 + Int(pow(c.double(), 1.25) * Double(365 * spec.years + 365))
            let admission = today.adding(days: -daysAgo)

            var status = ClientStatus.active
            var discharge: Day?, dischargeReason: String?
            var serviceEnd = today.adding(days: -1)
            let statusRoll = c.double()
            if statusRoll < 0.08 && daysAgo > 45 {
                status = .discharged
                discharge = admission.adding(days: c.int(30...(daysAgo - 2)))
                dischargeReason = c.pick(["Completed treatment (medically supervised withdrawal)", "Transferred to another OTP",
                                          "Left treatment against advice", "Moved out of the area", "Incarcerated",
                                          "Administrative discharge after 30 days without dosing"])
                serviceEnd = discharge!
            } else if statusRoll < 0.13 && daysAgo > 45 {
                status = .onHold
                serviceEnd = max(admission.adding(days: 7), today.adding(days: -c.int(31...60)))
            }
            let inTreatment = admission.days(until: status == .discharged ? discharge! : today)
            let phase: String
            if c.chance(0.05) { phase = phases[min(3, phases.count - 1)] }
            else if inTreatment < 30 { phase = phases[0] }
            else if inTreatment < 180 { phase = phases[min(1, phases.count - 1)] }
            else { phase = phases[min(2, phases.count - 1)] }

            let medRoll = c.double()
            let medication: Medication = medRoll < 0.75 ? .methadone : medRoll < 0.95 ? .buprenorphine : .naltrexone
            let dose: Double
            switch medication {
            case .methadone: dose = Double(30 + 5 * c.int(0...22))
            case .buprenorphine: dose = Double(8 + 2 * c.int(0...8))
            case .naltrexone: dose = 380
            }
            // 2024 rule: up to 7 take-homes in the first 14 days, 14 from day 15, 28 from day 31.
            let takeHome: Int
            if medication != .methadone || inTreatment < 14 { takeHome = medication == .methadone ? c.int(0...1) : 0 }
            else if inTreatment < 31 { takeHome = c.int(0...6) }
            else { takeHome = c.pick([0, 0, 1, 2, 3, 6, 6, 13, 13, 27]) }

            var flags: [String] = []
            if c.chance(0.18) { flags.append("co-occurring") }
            if pronouns.hasPrefix("she") && c.chance(0.04) { flags.append("pregnancy") }
            if c.chance(0.04) { flags.append("safety alert") }
            if c.chance(0.03) { flags.append("interpreter") }
            let emergency: EmergencyContact? = c.chance(0.8) ? EmergencyContact(
                name: "\(c.pick(DemoText.firstNames).0) \(c.chance(0.6) ? last : c.pick(DemoText.lastNames).0)",
                relationship: c.pick(DemoText.relationships), phone: phone(&c)) : nil

            let client = Client(
                id: RowID(i + 1), mrn: "R\(mrn)", legalFirstName: first, legalLastName: last, preferredName: preferred,
                pronouns: pronouns, dateOfBirth: dob, phone: c.chance(0.9) ? phone(&c) : nil, admissionDate: admission,
                dischargeDate: discharge, dischargeReason: dischargeReason, status: status, phase: phase,
                medication: medication, doseMg: dose, takeHomeLevel: takeHome, primaryCounselorID: counselorOf[i],
                flags: flags, emergencyContact: emergency)
            let serviceStart = max(admission, windowStart)
            // The first 60 days of treatment have sessions twice as often: count them twice.
            totalServiceDays += max(0, serviceStart.days(until: serviceEnd))
                + max(0, serviceStart.days(until: min(serviceEnd, admission.adding(days: 60))))
            seeds.append(ClientSeed(client: client, serviceStart: serviceStart, serviceEnd: serviceEnd))
            clientsByCounselor[counselorOf[i], default: []].append(i)
        }
        // About 50 notes per client-year of service (SPEC §1: 2.5 M notes for 5,000 clients over 10 years);
        // the first weeks of treatment are busier, which the 0.8 allows for.
        // (0.87: sessions never fall on weekends and some clients stop coming, which thins them out.)
        meanNoteGap = max(1.5, 0.87 * Double(totalServiceDays) / Double(n * spec.years * 50))
    }

    func phone(_ r: inout SplitMix64) -> String {
        // 555-0100…0199 are reserved for fiction.
        "(\(r.pick(["612", "651", "763", "952", "218", "320"]))) 555-01\(String(format: "%02d", r.int(0...99)))"
    }

    // MARK: Groups

    mutating func planGroups() {
        var r = rng(4, 0)
        let count = max(8, Int((Double(spec.clients) / 40).rounded()))
        let kinds = DemoText.groupKinds
        for i in 0..<count {
            let kind = kinds[i % kinds.count]
            let name = i < kinds.count ? kind.name : "\(kind.name) \(i / kinds.count + 1)"
            // The OS user runs a group that meets today, and co-runs another on another day.
            let weekday = i == 0 ? today.weekday : r.int(0...4)
            var facilitatorIDs = [facilitators[i % facilitators.count]]
            if i == 0 || i == 1 { facilitatorIDs.insert(osUserID, at: 0) }
            else if r.chance(0.25) {
                let c = r.pick(counselors)
                if c != osUserID { facilitatorIDs.append(c) }
            }
            let group = CounselingGroup(
                id: RowID(i + 1), name: name, modalityID: modality[kind.modality]!, weekday: weekday,
                startMinute: r.pick([9 * 60, 10 * 60 + 30, 13 * 60, 15 * 60, 17 * 60 + 30]), minutes: r.pick([60, 75, 90]),
                room: r.pick(DemoText.rooms), isOpen: r.chance(0.8), capacity: r.int(12...15))
            groups.append(GroupSeed(group: group, kind: kind, facilitators: facilitatorIDs))
        }
    }

    // MARK: Per-client history

    /// Goals (with their objectives) of each signed plan version, by effective date: notes link to
    /// the plan in force on their date.
    struct PlanInForce {
        var effective: Day
        var goals: [(goal: RowID, objectives: [RowID])]
    }

    mutating func writeHistory(of index: Int) throws {
        let seed = seeds[index]
        var r = rng(5, index)
        let plans = try writePlans(seed, &r)
        try writeNotes(seed, plans: plans, &r)
        try writeScreens(seed, &r)
        try writeReferrals(seed, &r)
        try writeConsentsAndContacts(seed, &r)
    }

    mutating func writePlans(_ seed: ClientSeed, _ r: inout SplitMix64) throws -> [PlanInForce] {
        let c = seed.client
        let counselorID = c.primaryCounselorID!
        let counselor = staff[Int(counselorID) - 1].staff
        let reference = c.status == .discharged ? c.dischargeDate! : today
        let firstPlan = min(reference, c.admissionDate.adding(days: r.int(3...14)))
        // Where the plan in force stands against its 90-day review: mostly on time, some due
        // within two weeks, some overdue.
        let roll = r.double()
        var effective: Day
        if roll < 0.08 { effective = reference.adding(days: -90 - r.int(1...45)) }
        else if roll < 0.20 { effective = reference.adding(days: -90 + r.int(0...14)) }
        else { effective = reference.adding(days: -r.int(0...75)) }
        effective = max(effective, firstPlan)
        let older = min(2, firstPlan.days(until: effective) / 90)

        // The client's problems stay the same across versions; their progress moves.
        var problemIndexes = Array(1..<DemoText.problems.count)
        r.shuffle(&problemIndexes)
        let problemCount = r.int(1...3)
        var chosen = r.chance(0.85) ? [0] : []
        chosen += problemIndexes.prefix(problemCount - chosen.count)

        var result: [PlanInForce] = []
        var version = 1
        var dates: [(Day, PlanStatus)] = []
        for k in stride(from: older, through: 1, by: -1) {
            dates.append((max(firstPlan, effective.adding(days: -90 * k)), .superseded))
        }
        dates.append((effective, .signed))
        let wantsDraft = c.status != .discharged && (effective.adding(days: 90) < today ? r.chance(0.4) : r.chance(0.08))
        if wantsDraft { dates.append((max(effective.adding(days: 1), today.adding(days: -r.int(0...5))), .draft)) }

        for (planDate, status) in dates {
            let planID = nextPlanID; nextPlanID += 1
            let plan = TreatmentPlan(
                id: planID, clientID: c.id!, version: version, status: .draft, effectiveDate: planDate,
                nextReviewDate: planDate.adding(days: settings.planReviewIntervalDays),
                clientWords: r.pick(DemoText.planClientWords), createdByID: counselorID,
                reviewNote: version == 1 ? nil : r.pick([
                    "Quarterly review: progress on attendance; housing goal continues.",
                    "Review after a lapse: objectives revised, frequency increased.",
                    "Client met two objectives; new objectives added with the client.",
                    "Review: goals unchanged, client requests a lower dose discussion with the physician."]))
            try PlanTable.insert(plan, db)
            var inForce = PlanInForce(effective: planDate, goals: [])
            for (p, problemIndex) in chosen.enumerated() {
                let seedProblem = DemoText.problems[problemIndex]
                let problemID = nextProblemID; nextProblemID += 1
                try ProblemTable.insert(Problem(id: problemID, planID: planID, position: p + 1,
                                                statement: seedProblem.statement, clientWords: seedProblem.clientWords), db)
                for (g, seedGoal) in seedProblem.goals.enumerated() {
                    let goalID = nextGoalID; nextGoalID += 1
                    let goalTarget = planDate.adding(days: 7 * (seedGoal.objectives.map(\.weeks).max() ?? 12) + 28)
                    let goalStatus: GoalStatus = status == .superseded && r.chance(0.15) ? .met : .active
                    try GoalTable.insert(Goal(id: goalID, problemID: problemID, position: g + 1, statement: seedGoal.statement,
                                              kind: seedGoal.kind, targetDate: goalTarget, status: goalStatus), db)
                    var objectiveIDs: [RowID] = []
                    for (o, seedObjective) in seedGoal.objectives.enumerated() {
                        let objectiveID = nextObjectiveID; nextObjectiveID += 1
                        let target = planDate.adding(days: 7 * seedObjective.weeks)
                        let objectiveStatus: ObjectiveStatus
                        if target < reference {
                            objectiveStatus = [ObjectiveStatus.met, .met, .inProgress, .revised, .discontinued][r.weighted([4, 1, 3, 1.5, 0.5])]
                        } else {
                            objectiveStatus = r.chance(0.3) ? .notStarted : .inProgress
                        }
                        try ObjectiveTable.insert(Objective(id: objectiveID, goalID: goalID, position: o + 1,
                                                            statement: seedObjective.statement, targetDate: target,
                                                            status: objectiveStatus), db)
                        objectiveIDs.append(objectiveID)
                        var interventions = [(seedObjective.modality, seedObjective.times, seedObjective.period, counselorID, "")]
                        if r.chance(0.3) {
                            let group = groups[r.int(0...(groups.count - 1))]
                            interventions.append(("Group therapy", 1, .week, group.facilitators[0], "Attends \(group.group.name)"))
                        }
                        for (k, iv) in interventions.enumerated() {
                            try InterventionTable.insert(Intervention(
                                id: nextInterventionID, objectiveID: objectiveID, position: k + 1, modalityID: modality[iv.0]!,
                                timesPerPeriod: iv.1, period: iv.2, responsibleStaffID: iv.3, detail: iv.4), db)
                            nextInterventionID += 1
                        }
                    }
                    inForce.goals.append((goalID, objectiveIDs))
                }
            }
            if status != .draft {
                // Signed on the effective date, during the session that finalised the plan.
                let minute = 9 * 60 + 30 * r.int(0...14)
                var signers: [(SignatureRole, String, RowID?, Int)] = [
                    (.client, "\(c.legalFirstName) \(c.legalLastName)", nil, 0),
                    (.counselor, counselor.displayName, counselorID, 2),
                ]
                if counselor.needsCosign || settings.supervisorCosignPlans || r.chance(0.3) {
                    let sup = staff[Int(counselor.supervisorID ?? supervisors[0]) - 1].staff
                    signers.append((.supervisor, sup.displayName, sup.id, 60 * 24 + 90))
                }
                if r.chance(0.4) { signers.append((.physician, r.pick(DemoText.physicians), nil, 60 * 24 * 2 + 30)) }
                for (role, name, staffID, delay) in signers {
                    try SignatureTable.insert(PlanSignature(id: nextSignatureID, planID: planID, role: role, signerName: name,
                                                            staffID: staffID, signedAt: Date()), db, signedAt: stamp(planDate, minute + delay))
                    nextSignatureID += 1
                }
                try planStatusStatement.execute(arguments: [status.rawValue, planID])
                result.append(inForce)
            }
            version += 1
        }
        return result
    }

    mutating func writeNotes(_ seed: ClientSeed, plans: [PlanInForce], _ r: inout SplitMix64) throws {
        let c = seed.client
        let counselorID = c.primaryCounselorID!
        let isOSUser = counselorID == osUserID
        let dose = c.doseMg == c.doseMg.rounded() ? String(Int(c.doseMg)) : String(c.doseMg)
        let earlyUntil = c.admissionDate.adding(days: 60)
        // Some active clients still dose but stopped coming to counseling: Home's "no contact" list.
        var lastNoteDay = seed.serviceEnd
        if c.status == .active && r.chance(0.06) { lastNoteDay = min(lastNoteDay, today.adding(days: -r.int(31...75))) }
        var day = seed.serviceStart.adding(days: r.int(0...Int(meanNoteGap)))
        var planIndex = -1
        while day <= lastNoteDay {
            if day.weekday >= 5 { day = day.adding(days: 7 - day.weekday) }
            if day > lastNoteDay || day >= today { break }
            while planIndex + 1 < plans.count && plans[planIndex + 1].effective <= day { planIndex += 1 }

            let staffID = r.chance(0.92) ? counselorID : r.pick(counselors)
            let author = staff[Int(staffID) - 1]
            let template = r.chance(0.8) ? author.template : r.pick(NoteTemplate.allCases)
            let format = [SessionFormat.individual, .telehealth, .phone, .family, .noShow][r.weighted([70, 7, 7, 3, 13])]
            let start = 8 * 60 + 15 * r.int(0...34)
            let minutes: Int
            let modalityName: String
            switch format {
            case .noShow: minutes = 0; modalityName = "Individual counseling"
            case .phone: minutes = r.int(1...3) * 5 + 5; modalityName = r.pick(["Case management", "Individual counseling"])
            case .family: minutes = r.pick([50, 60]); modalityName = "Family therapy / family involvement"
            default:
                minutes = r.pick([30, 45, 50, 50, 60])
                modalityName = ["Individual counseling", "Cognitive-behavioral therapy", "Motivational interviewing",
                                "Relapse prevention", "Case management", "Psychotherapy", "HIV/HCV prevention counseling"][
                    r.weighted([50, 14, 14, 8, 8, 3, 3])]
            }
            var sections = phrases.sections(template: template, format: format, dose: dose, &r)
            // Now and then an older note mentions something unusual, so that search has rare words
            // to find. A stream of its own keeps every other line of the demo as it was.
            var rare = rng(9, Int(nextNoteID))
            if format != .noShow && format != .phone && day < today.adding(days: -180) && rare.chance(0.006) {
                sections.1 += " " + rare.pick(DemoText.rareDetails)
            }

            var status = NoteStatus.signed
            if isOSUser && osDrafts < 3 && day >= today.adding(days: -6) && day <= today.adding(days: -2) && format != .noShow {
                status = .draft; osDrafts += 1
            } else if day >= today.adding(days: -10) && r.chance(0.05) {
                status = .draft
            }
            let end = start + minutes
            let createdMinute = end + r.int(5...90)
            let created = stamp(day, createdMinute)
            var signedAt: String?, cosignedAt: String?, cosignedBy: RowID?
            if status == .signed {
                signedAt = stamp(day, createdMinute + r.int(2...120))
                if author.staff.needsCosign {
                    let cosignDay = day.adding(days: r.int(1...3))
                    if cosignDay < today {
                        cosignedAt = stamp(cosignDay, 8 * 60 + r.int(0...480))
                        cosignedBy = author.staff.supervisorID
                    }
                }
            }
            let noteID = nextNoteID; nextNoteID += 1
            try noteStatement.execute(arguments: [
                noteID, c.id, staffID, day.sqlText, start, minutes, modality[modalityName]!, format.rawValue,
                template.rawValue, sections.0, sections.1, sections.2, sections.3, status.rawValue, signedAt,
                status == .signed ? staffID : nil, cosignedAt, cosignedBy, settings.billingUnits(forMinutes: minutes),
                created, signedAt ?? created, 1,
            ])
            if format != .noShow, planIndex >= 0, r.chance(0.65) {
                let goal = r.pick(plans[planIndex].goals)
                try linkStatement.execute(arguments: [noteID, goal.goal, nil])
                if !goal.objectives.isEmpty && r.chance(0.4) {
                    try linkStatement.execute(arguments: [noteID, nil, r.pick(goal.objectives)])
                }
            }
            if status == .signed && r.chance(0.004) {
                try addendumStatement.execute(arguments: [noteID, staffID, stamp(day.adding(days: 1), 9 * 60 + r.int(0...480)),
                                                          r.pick(DemoText.addenda)])
            }
            let gap = (day < earlyUntil ? 0.5 : 1.0) * (0.5 + r.double()) * meanNoteGap
            day = day.adding(days: max(1, Int(gap.rounded())))
        }
    }

    mutating func writeScreens(_ seed: ClientSeed, _ r: inout SplitMix64) throws {
        let c = seed.client
        // Each client has their own pattern of use, easing with time in treatment.
        let fentanyl = r.pick([0.02, 0.05, 0.15, 0.35, 0.6])
        let cocaine = r.pick([0.0, 0.02, 0.1, 0.3])
        let meth = r.pick([0.0, 0.0, 0.05, 0.25])
        let benzo = r.pick([0.0, 0.02, 0.1])
        let cannabis = r.pick([0.0, 0.1, 0.5, 0.9])
        var day = seed.serviceStart.adding(days: r.int(0...20))
        while day <= seed.serviceEnd && day < today {
            let early = c.admissionDate.days(until: day) < 90 ? 1.5 : 0.6
            func result(_ p: Double) -> String {
                r.chance(min(0.95, p * early)) ? ScreenResult.positive.rawValue : ScreenResult.negative.rawValue
            }
            let screenID = nextScreenID; nextScreenID += 1
            try screenStatement.execute(arguments: [screenID, c.id, day.sqlText, r.chance(0.25), r.chance(0.9),
                                                    r.chance(0.03) ? r.pick(DemoText.screenNotes) : ""])
            let alcoholTested = r.chance(0.5)
            let results: [(Substance, String)] = [
                (.opioids, result(fentanyl * 0.4)),
                (.fentanyl, result(fentanyl)),
                (.methadone, c.medication == .methadone
                    ? (r.chance(0.97) ? "positive" : "negative") : (r.chance(0.01) ? "positive" : "negative")),
                (.buprenorphine, c.medication == .buprenorphine
                    ? (r.chance(0.95) ? "positive" : "negative") : "negative"),
                (.cocaine, result(cocaine)),
                (.amphetamines, result(meth)),
                (.benzodiazepines, result(benzo)),
                (.cannabis, r.chance(cannabis) ? "positive" : "negative"),
                (.alcohol, alcoholTested ? (r.chance(0.08) ? "positive" : "negative") : ScreenResult.notTested.rawValue),
            ]
            for (substance, value) in results {
                try resultStatement.execute(arguments: [screenID, substance.rawValue, value])
            }
            day = day.adding(days: r.int(20...52))
        }
    }

    mutating func writeReferrals(_ seed: ClientSeed, _ r: inout SplitMix64) throws {
        let c = seed.client
        let count = [0, 1, 2, 3][r.weighted([25, 35, 25, 15])]
        let span = max(0, seed.serviceStart.days(until: seed.serviceEnd))
        let types = ReferralType.allCases
        for _ in 0..<count {
            let type: ReferralType
            // Every kind of referral shows up early, even in a tiny demo.
            if referralTypesSeen < types.count { type = types[referralTypesSeen]; referralTypesSeen += 1 }
            else {
                type = types[r.weighted([16, 10, 4, 12, 12, 6, 6, 12, 8, 8, 6])]
            }
            let on = seed.serviceStart.adding(days: r.int(0...span))
            let status: ReferralStatus
            if on > today.adding(days: -21) { status = r.chance(0.6) ? .made : .accepted }
            else { status = [ReferralStatus.completed, .accepted, .declined, .noShow, .made][r.weighted([40, 20, 15, 15, 10])] }
            let followUp: Day? = (status == .made || status == .accepted) ? on.adding(days: r.int(14...30)) : nil
            try ReferralTable.insert(Referral(id: nextReferralID, clientID: c.id!, type: type,
                                              agency: r.pick(DemoText.agencies[type] ?? ["Community agency"]), referredOn: on,
                                              status: status, followUpOn: followUp, note: r.pick(DemoText.referralNotes)), db)
            nextReferralID += 1
        }
    }

    mutating func writeConsentsAndContacts(_ seed: ClientSeed, _ r: inout SplitMix64) throws {
        let c = seed.client
        let lastDay = c.status == .discharged ? c.dischargeDate! : today
        let span = max(0, c.admissionDate.days(until: lastDay))
        func consentDates() -> (signed: Day, expires: Day?, revoked: Day?) {
            let roll = r.double()
            if roll < 0.12 {
                // Expiring within the month: the chart should say so.
                let expires = today.adding(days: r.int(1...30))
                return (max(c.admissionDate, expires.adding(days: -365)), expires, nil)
            }
            let signed = c.admissionDate.adding(days: r.int(0...span))
            let expires = signed.adding(days: 365)
            if roll < 0.18, signed < today.adding(days: -11) {
                return (signed, expires, signed.adding(days: r.int(10...max(10, signed.days(until: today) - 1))))
            }
            return (signed, expires, nil)
        }

        var activeConsents: [(RowID, String, String, Day)] = []
        let count = r.int(1...3)
        var recipients = DemoText.consentRecipients
        r.shuffle(&recipients)
        for k in 0..<count {
            let (recipient, purpose, info) = recipients[k % recipients.count]
            var dates = consentDates()
            var event: String?
            if recipient.contains("Probation") && r.chance(0.5) {
                dates.expires = nil; event = "Completion of probation"
            }
            let id = nextConsentID; nextConsentID += 1
            try ConsentTable.insert(Consent(id: id, clientID: c.id!, discloser: programName, recipient: recipient,
                                            purpose: purpose, informationCovered: info, expiresOn: dates.expires,
                                            expirationEvent: event, signedOn: dates.signed, revokedOn: dates.revoked,
                                            categories: DemoText.consentCategories(info)), db)
            if dates.revoked == nil && dates.signed < today { activeConsents.append((id, recipient, info, dates.signed)) }
        }

        let contactCount = [0, 1, 2][r.weighted([30, 50, 20])]
        for k in 0..<contactCount {
            let collateral = k == 1 || r.chance(0.2)
            var name: String, relationship: String, involvement: String
            if collateral {
                let (role, agency, what) = r.pick(DemoText.collaterals)
                name = "\(r.pick(DemoText.firstNames).0) \(r.pick(DemoText.lastNames).0)"
                relationship = agency.isEmpty ? role : "\(role), \(agency)"
                involvement = what
            } else {
                name = "\(r.pick(DemoText.firstNames).0) \(r.chance(0.6) ? c.legalLastName : r.pick(DemoText.lastNames).0)"
                relationship = r.pick(DemoText.relationships)
                involvement = r.pick(DemoText.familyInvolvement)
            }
            var consentID: RowID?
            if r.chance(0.7) {
                let dates = consentDates()
                consentID = nextConsentID; nextConsentID += 1
                try ConsentTable.insert(Consent(id: consentID, clientID: c.id!, discloser: programName,
                                                recipient: "\(name) (\(relationship.lowercased()))",
                                                purpose: collateral ? "Coordination of care" : "Family involvement in treatment",
                                                informationCovered: "Attendance and general progress in treatment",
                                                expiresOn: dates.expires, signedOn: dates.signed, revokedOn: dates.revoked,
                                                categories: [.attendance, .progressSummaries]), db)
            }
            try ContactTable.insert(Contact(id: nextContactID, clientID: c.id!, name: name, relationship: relationship,
                                            phone: phone(&r), involvement: involvement, consentID: consentID), db)
            nextContactID += 1
        }

        if let consent = activeConsents.first, r.chance(0.05) {
            let on = consent.3.adding(days: r.int(0...max(0, consent.3.days(until: today) - 1)))
            try db.execute(sql: """
                INSERT INTO disclosures (client_id, consent_id, staff_id, disclosed_at, recipient, information, notice)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.id, consent.0, c.primaryCounselorID, stamp(on, 11 * 60), consent.1, consent.2,
                                 DemoText.disclosureNotice])
        }
    }

    // MARK: Group history

    struct Stint { var clientIndex: Int; var joined: Day; var left: Day? }

    mutating func writeGroupHistory(_ g: Int) throws {
        var r = rng(6, g)
        let seed = groups[g]
        let group = seed.group
        let osGroup = seed.facilitators.contains(osUserID)
        let osClients = clientsByCounselor[osUserID] ?? []

        // Roster: a dozen or so seats, each held by one member after another.
        var stints: [Stint] = []
        var busyUntil: [Int: Day] = [:]      // client index -> day their last stint here ends
        let seats = min(r.int(12...15), max(1, seeds.count))
        for _ in 0..<seats {
            var t = windowStart.adding(days: -r.int(0...120))
            while t < today {
                var found: Int?
                for _ in 0..<30 {
                    let i = osGroup && r.chance(0.5) && !osClients.isEmpty ? r.pick(osClients) : r.int(0...(seeds.count - 1))
                    let s = seeds[i]
                    if s.client.admissionDate <= t && s.serviceEnd > t.adding(days: 7)
                        && (busyUntil[i].map { $0 < t } ?? true) {
                        found = i; break
                    }
                }
                guard let i = found else { t = t.adding(days: 7); continue }
                let s = seeds[i]
                var left: Day? = t.adding(days: 7 * r.int(6...40))
                if let l = left, l > s.serviceEnd {
                    left = s.client.status == .active ? nil : s.serviceEnd
                }
                stints.append(Stint(clientIndex: i, joined: t, left: left))
                busyUntil[i] = left ?? today.adding(days: 3650)
                guard let l = left else { break }
                t = l.adding(days: r.int(0...7))
            }
        }
        stints.sort { ($0.joined, $0.clientIndex) < ($1.joined, $1.clientIndex) }
        for s in stints {
            try memberStatement.execute(arguments: [nextMemberID, group.id, RowID(s.clientIndex + 1), s.joined.sqlText,
                                                    s.left?.sqlText])
            nextMemberID += 1
        }

        // Weekly sessions on the group's day, today's still to come.
        var day = windowStart.adding(days: (group.weekday - windowStart.weekday + 7) % 7)
        var week = 0
        var next = 0
        var active: [Stint] = []
        let statuses = AttendanceStatus.allCases
        let weights: [Double] = statuses.map {
            switch $0 { case .present: 68; case .absent: 11; case .excused: 7; case .late: 9; case .leftEarly: 5; case .notRecorded: 0 }
        }
        while day <= today {
            while next < stints.count && stints[next].joined <= day { active.append(stints[next]); next += 1 }
            active.removeAll { $0.left.map { $0 <= day } ?? false }
            let status: GroupSessionStatus = day == today ? .scheduled : (r.chance(0.03) ? .cancelled : .held)
            let sessionID = nextSessionID; nextSessionID += 1
            let topic = seed.kind.topics[week % seed.kind.topics.count]
            let held = status == .held
            try sessionStatement.execute(arguments: [
                sessionID, group.id, day.sqlText, group.startMinute, group.minutes, topic,
                held ? r.pick(DemoText.groupNotes) : (status == .cancelled ? "Cancelled: facilitator out; members notified." : ""),
                // Signed only after its attendance is written: the store refuses attendance on a signed session.
                status.rawValue, nil, nil, 1,
            ])
            if held {
                for member in active {
                    let a = statuses[r.weighted(weights)]
                    let minutes: Int
                    switch a {
                    case .present: minutes = group.minutes
                    case .late: minutes = group.minutes - r.int(10...25)
                    case .leftEarly: minutes = max(5, group.minutes - r.int(15...40))
                    case .absent, .excused, .notRecorded: minutes = 0
                    }
                    try attendanceStatement.execute(arguments: [
                        nextAttendanceID, sessionID, RowID(member.clientIndex + 1), a.rawValue, minutes,
                        r.pick(DemoText.attendanceLines[a] ?? [""]), 1,
                    ])
                    nextAttendanceID += 1
                }
                try sessionSignStatement.execute(arguments: [
                    stamp(day, group.startMinute + group.minutes + 30), seed.facilitators[0], sessionID,
                ])
            }
            day = day.adding(days: 7)
            week += 1
        }
    }

    // MARK: Today

    mutating func writeAppointments() throws {
        var r = rng(7, 0)
        let slots = [9 * 60, 10 * 60, 11 * 60, 13 * 60, 14 * 60, 15 * 60, 16 * 60]
        let individual = modality["Individual counseling"]!
        for counselorID in counselors {
            let mine = (clientsByCounselor[counselorID] ?? []).filter { seeds[$0].client.status == .active }
            guard !mine.isEmpty else { continue }
            let isOS = counselorID == osUserID
            let author = staff[Int(counselorID) - 1]
            for offset in 0...7 {
                let day = today.adding(days: offset)
                if offset > 0 && day.weekday >= 5 { continue }
                let wanted = offset == 0 ? (isOS ? r.int(3...6) : r.int(2...5)) : r.int(2...4)
                var pool = mine
                r.shuffle(&pool)
                var times = slots
                r.shuffle(&times)
                let chosen = Array(zip(pool.prefix(wanted), times.prefix(wanted)).sorted { $0.1 < $1.1 })
                for (k, (clientIndex, start)) in chosen.enumerated() {
                    var noteID: RowID?
                    // The morning's first sessions already have their notes (one signed, one still a draft).
                    if offset == 0 && k < max(1, chosen.count / 2) {
                        noteID = nextNoteID; nextNoteID += 1
                        let signed = k == 0
                        let sections = phrases.sections(template: author.template, format: .individual,
                                                        dose: String(Int(seeds[clientIndex].client.doseMg)), &r)
                        let created = stamp(day, start + 55)
                        try noteStatement.execute(arguments: [
                            noteID, RowID(clientIndex + 1), counselorID, day.sqlText, start, 50, individual,
                            SessionFormat.individual.rawValue, author.template.rawValue, sections.0, sections.1, sections.2,
                            sections.3, signed ? "signed" : "draft", signed ? stamp(day, start + 58) : nil,
                            signed ? counselorID : nil, nil, nil, settings.billingUnits(forMinutes: 50), created,
                            signed ? stamp(day, start + 58) : created, 1,
                        ])
                    }
                    try AppointmentTable.insert(Appointment(id: nextAppointmentID, clientID: RowID(clientIndex + 1),
                                                            staffID: counselorID, date: day, startMinute: start, minutes: 50,
                                                            modalityID: individual, noteID: noteID), db)
                    nextAppointmentID += 1
                    if offset == 0 { if isOS { appointmentsToday += 1 } }
                }
            }
        }
    }

    /// A little history in the audit trail so the Activity tab has something to show.
    mutating func writeActivity() throws {
        var r = rng(8, 0)
        let me = staff[Int(osUserID) - 1].staff
        // One read of the chain's end, then each row's hash is computed from the last one in memory.
        var chain = try AuditChain.Appender(db)
        for back in stride(from: 14, through: 1, by: -1) {
            let day = today.adding(days: -back)
            if day.weekday >= 5 { continue }
            try chain.append(AuditEvent(at: Date(), staffID: me.id, username: me.username, action: .login, clientID: nil,
                                        subject: "session", detail: "ssh"), atText: stamp(day, 8 * 60 + r.int(15...45)))
        }
        for i in clientsByCounselor[osUserID] ?? [] {
            for _ in 0..<r.int(1...3) {
                let day = today.adding(days: -r.int(1...14))
                try chain.append(AuditEvent(at: Date(), staffID: me.id, username: me.username, action: .view,
                                            clientID: RowID(i + 1), subject: "chart", detail: "Summary"),
                                 atText: stamp(day, 9 * 60 + r.int(0...480)))
            }
        }
        let sup = staff[Int(supervisors[0]) - 1].staff
        for i in (clientsByCounselor[osUserID] ?? []).prefix(5) {
            try chain.append(AuditEvent(at: Date(), staffID: sup.id, username: sup.username, action: .view,
                                        clientID: RowID(i + 1), subject: "chart", detail: "Plan"),
                             atText: stamp(today.adding(days: -r.int(1...7)), 14 * 60 + r.int(0...120)))
        }
    }
}

/// "YYYY-MM-DD HH:MM:00.000", the text GRDB stores for a Date, for a local wall-clock time
/// (as FixedClock does: the demo must not depend on the machine's time zone).
/// Minutes past midnight may run over into the next days.
func stamp(_ day: Day, _ minute: Int) -> String {
    let d = day.adding(days: minute / 1440)
    let m = minute % 1440
    return "\(d.sqlText) \(twoDigits(m / 60)):\(twoDigits(m % 60)):00.000"
}

private func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

extension TableMapping {
    /// Inserts with the timestamp column `column` replaced by a preformatted stamp.
    fileprivate static func insert(_ v: Value, _ db: Database, stampColumn column: String, _ text: String) throws {
        var values = values(v)
        if let i = columns.firstIndex(of: column) { values[i] = text }
        try db.cachedStatement(sql: insertSQL).execute(arguments: StatementArguments(values))
    }
}

extension SignatureTable {
    fileprivate static func insert(_ s: PlanSignature, _ db: Database, signedAt: String) throws {
        try insert(s, db, stampColumn: "signed_at", signedAt)
    }
}

// MARK: - Note text

/// The sentence banks, split once at their placeholders ({d} dose, {n} number, {s} substance, {t} topic).
private struct Phrases {
    enum Piece { case text(String), slot(Character) }
    typealias Phrase = [Piece]

    let banks: [String: [Phrase]]

    init() {
        func parse(_ s: String) -> Phrase {
            var pieces: [Piece] = []
            var rest = Substring(s)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
                pieces.append(.slot(rest[rest.index(after: open)]))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { pieces.append(.text(String(rest))) }
            return pieces
        }
        let raw: [String: [String]] = [
            "data": DemoText.data, "assessment": DemoText.assessment, "plan": DemoText.plan,
            "subjective": DemoText.subjective, "objective": DemoText.objective, "behavior": DemoText.behavior,
            "intervention": DemoText.intervention, "response": DemoText.response, "goal": DemoText.goal,
            "noShow": DemoText.noShow, "phone": DemoText.phone,
        ]
        banks = raw.mapValues { $0.map(parse) }
    }

    func fill(_ bank: String, dose: String, _ r: inout SplitMix64) -> String {
        let phrases = banks[bank]!
        var out = ""
        for piece in r.pick(phrases) {
            switch piece {
            case .text(let t): out += t
            case .slot("d"): out += dose
            case .slot("n"): out += String(r.int(3...60))
            case .slot("s"): out += r.pick(DemoText.substances)
            case .slot("t"): out += r.pick(DemoText.topics)
            case .slot: break
            }
        }
        return out
    }

    /// One or two sentences per section; no-shows and phone calls get short notes.
    func sections(template: NoteTemplate, format: SessionFormat, dose: String, _ r: inout SplitMix64)
        -> (String, String, String, String) {
        let names: [String]
        switch template {
        case .dap: names = ["data", "assessment", "plan"]
        case .soap: names = ["subjective", "objective", "assessment", "plan"]
        case .birp: names = ["behavior", "intervention", "response", "plan"]
        case .girp: names = ["goal", "intervention", "response", "plan"]
        }
        var texts: [String]
        switch format {
        case .noShow:
            texts = names.indices.map { $0 == 0 ? fill("noShow", dose: dose, &r) : "" }
            texts[texts.count - 1] = "Outreach call placed; session rescheduled."
        case .phone:
            texts = names.indices.map { $0 == 0 ? fill("phone", dose: dose, &r) : "" }
            texts[texts.count - 1] = fill("plan", dose: dose, &r)
        default:
            texts = names.map { name in
                var s = fill(name, dose: dose, &r)
                if r.chance(0.2) {
                    let second = fill(name, dose: dose, &r)
                    if second != s { s += " " + second }
                }
                return s
            }
        }
        while texts.count < 4 { texts.append("") }
        return (texts[0], texts[1], texts[2], texts[3])
    }
}
