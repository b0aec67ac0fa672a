// caseload-stress: worker processes for the crash and load tests (issue 7, Tests/ReliabilityTests).
// Each worker is one staff member of the store doing what that person does in the app, through the
// store API only: open a chart (as the app does: summary, audit `view`, notes list and count), save
// note drafts, sign some, mark attendance in a group session, save referrals.
//
//   caseload-stress writer --db PATH --log FILE --seed S --worker K [--generation G] [--duration SECONDS] [--ready FILE]
//       As fast as it can until killed (or for --duration). After each store call that returned, one
//       line goes to FILE (write(2) + fsync), so every line names a committed write; a SIGKILL can only
//       lose the line of the last write, never invent one. --ready FILE is created once start-up is over.
//   caseload-stress load --db PATH --seconds 60 --out FILE --log FILE --seed S --worker K [--think-ms 500-2000]
//       A person's pace: think time between actions. At the end, FILE gets a JSON summary (counts,
//       latencies in ms, every error seen); the log lists the acknowledged writes as above.
//
// Log lines (tab-separated; the test's verifier reads them):
//   draft  noteID revision fnv1a(sections) token     a saved note draft
//   sign   noteID revision                           a signed note
//   mark   sessionID clientID revision status minutes an attendance mark
//   ref    referralID revision fnv1a(fields)         a saved referral
//   view   clientID staffID detail                   the audit event of opening a chart
import CaseloadCore
import CaseloadStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Small helpers

/// FNV-1a 64: a content hash that is the same in every process (Swift's Hasher is seeded per process).
func fnv1a(_ text: String) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return String(h, radix: 16)
}

func noteHash(_ sections: [String]) -> String { fnv1a(sections.joined(separator: "\u{1F}")) }
func referralHash(_ r: Referral) -> String { fnv1a([r.agency, r.note, r.status.rawValue].joined(separator: "\u{1F}")) }

/// The acknowledgement log: one line per committed write, appended with write(2) and made durable with fsync.
final class AckLog {
    private let fd: Int32
    init(path: String) throws {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("cannot open the log \(path): \(String(cString: strerror(errno)))") }
    }
    func append(_ fields: [String]) {
        let bytes = Array((fields.joined(separator: "\t") + "\n").utf8)
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; fatalError("log write failed: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
        while fsync(fd) != 0 && errno == EINTR {}
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func sleepSeconds(_ s: Double) {
    guard s > 0 else { return }
    var ts = timespec(tv_sec: Int(s), tv_nsec: Int((s - Double(Int(s))) * 1e9))
    var left = timespec()
    while nanosleep(&ts, &left) != 0 && errno == EINTR { ts = left }
}

// MARK: - Options

struct Options {
    var mode = ""
    var db = ""
    var log = ""
    var out = ""
    var ready = ""
    var seed: UInt64 = 1
    var worker = 0
    var generation = 0
    var duration: Double?
    var thinkMs: ClosedRange<Int> = 500...2000

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        guard let mode = args.first, ["writer", "load"].contains(mode) else {
            throw Failure("usage: caseload-stress writer|load --db PATH [--log FILE] [--out FILE] --seed S --worker K …")
        }
        o.mode = mode
        var i = 1
        func value() throws -> String {
            guard i + 1 < args.count else { throw Failure("\(args[i]) needs a value") }
            i += 1
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--db": o.db = try value()
            case "--log": o.log = try value()
            case "--out": o.out = try value()
            case "--ready": o.ready = try value()
            case "--seed": o.seed = UInt64(try value()) ?? 1
            case "--worker": o.worker = Int(try value()) ?? 0
            case "--generation": o.generation = Int(try value()) ?? 0
            case "--duration", "--seconds": o.duration = Double(try value())
            case "--think-ms":
                let parts = try value().split(separator: "-").compactMap { Int($0) }
                guard let lo = parts.first else { throw Failure("--think-ms takes MIN-MAX in milliseconds") }
                o.thinkMs = lo...max(lo, parts.last ?? lo)
            default: throw Failure("unknown option \(args[i])")
            }
            i += 1
        }
        guard !o.db.isEmpty else { throw Failure("--db is required") }
        if o.mode == "writer" && o.log.isEmpty { throw Failure("writer needs --log") }
        if o.mode == "load" && o.out.isEmpty { throw Failure("load needs --out") }
        return o
    }
}

// MARK: - One staff member at work

final class Person {
    let store: SQLiteStore
    let me: Staff
    let clients: [RowID]
    let sessions: [(session: RowID, members: [RowID], minutes: Int)]
    let modalities: [RowID]
    let log: AckLog?
    let tokenPrefix: String
    var rng: SplitMix64
    var seq = 0
    /// Drafts this process created or took over, with their current revision.
    var drafts: [RowID: ProgressNote] = [:]
    var referrals: [RowID: Referral] = [:]

    // Figures for the load summary.
    var saveLatencies: [Double] = []
    var chartLatencies: [Double] = []
    /// When each save started, in seconds since the process started (to tell start-up from steady state).
    var saveStarts: [Double] = []
    var chartStarts: [Double] = []
    let processStart = monotonicSeconds()
    var writes = 0
    var chartsOpened = 0

    static let lines = [
        "Client reports steady attendance at dosing and no missed doses this week.",
        "Discussed triggers at work; identified two coping strategies to try before next session.",
        "Reviewed progress toward the housing goal; application submitted on Tuesday.",
        "Client appeared calm and engaged; affect congruent, speech normal rate.",
        "Practised a refusal skill in role play; client rated confidence 7 of 10.",
        "Plan: continue weekly individual sessions and group on Thursdays.",
        "Talked about family support; client will invite sister to the next family session.",
        "Client describes cravings as lower since the dose change; no use reported.",
    ]

    init(store: SQLiteStore, options: Options, log: AckLog?) throws {
        self.store = store
        self.log = log
        rng = SplitMix64(seed: options.seed)
        tokenPrefix = (options.mode == "writer" ? "sw\(options.worker)g\(options.generation)" : "lw\(options.worker)")

        // The people who write notes and take attendance: counselors and group facilitators. Each writes notes
        // for their own caseload and marks the members of their own groups, as the roles allow (Access.swift).
        let today = store.clock.today()
        var candidates: [(staff: Staff, clients: [RowID], groups: [RowID])] = []
        for s in try store.allStaff() where s.active && (s.role == .counselor || s.role == .facilitator) {
            let mine = Set(try store.caseloadRows(for: s.id!, scope: .mine, on: today)
                .filter { $0.status != .discharged }.map(\.id))
            let groups = try store.groups(for: s.id!).filter { $0.isMine && $0.group.active }.map(\.id)
            candidates.append((s, mine.sorted(), groups))
        }
        // Those who do everything (notes and groups) first, then by id: worker K is always the same person.
        candidates.sort { a, b in
            let fa = !a.clients.isEmpty && !a.groups.isEmpty, fb = !b.clients.isEmpty && !b.groups.isEmpty
            return fa != fb ? fa : a.staff.id! < b.staff.id!
        }
        candidates.removeAll { $0.clients.isEmpty }
        guard !candidates.isEmpty else { throw Failure("the store has no counselor with clients") }
        let chosen = candidates[options.worker % candidates.count]
        me = chosen.staff
        clients = chosen.clients
        // From here on the handle acts for that person, as the app's does after sign-in.
        try store.bind(viewer: me)
        modalities = try store.noteModalities().filter(\.active).compactMap(\.id)

        // Sessions of my groups from the last two weeks that are not signed yet (opening the Groups
        // screen creates the scheduled ones, as here).
        var open: [(RowID, [RowID], Int)] = []
        for g in chosen.groups {
            for session in try store.groupSessions(groupID: g, from: today.adding(days: -13), to: today)
            where session.signedAt == nil {
                let sheet = try store.attendanceSheet(sessionID: session.id!)
                let members = sheet.lines.map(\.clientID)
                if !members.isEmpty { open.append((session.id!, members, session.minutes)) }
            }
        }
        sessions = open

        // A writer restarted after a kill picks up its own unfinished drafts, as a person reopening the app does.
        if options.mode == "writer" {
            // Only drafts of its own caseload: the demo may hold drafts this person wrote while covering another
            // counselor's client, which a later session reopens only through emergency access (Access.swift).
            let own = Set(clients)
            for d in try store.drafts(staffID: me.id!, now: store.clock.now()) where own.contains(d.clientID) {
                let (note, _) = try store.noteForEditing(id: d.noteID)
                if note.sections.contains(where: { $0.contains("(ref sw\(options.worker)g") }) { drafts[d.noteID] = note }
            }
        }
    }

    private func token() -> String {
        seq += 1
        return "\(tokenPrefix)s\(seq)"
    }

    private func timed<T>(_ into: inout [Double], _ body: () throws -> T) rethrows -> T {
        let t0 = monotonicSeconds()
        let r = try body()
        into.append((monotonicSeconds() - t0) * 1000)
        return r
    }

    private func save<T>(_ body: () throws -> T) rethrows -> T {
        saveStarts.append(monotonicSeconds() - processStart)
        return try timed(&saveLatencies, body)
    }

    private func text(_ template: NoteTemplate, _ tok: String) -> [String] {
        template.sections.indices.map { i in
            let base = "\(rng.pick(Self.lines)) \(rng.pick(Self.lines))"
            return i == 0 ? "\(base) (ref \(tok))" : base
        }
    }

    // MARK: Actions

    /// Opening a chart, as AppModel.openChart and the Notes tab do.
    func openChart() throws {
        let clientID = rng.pick(clients)
        let detail = "opened from Caseload (\(token()))"
        chartStarts.append(monotonicSeconds() - processStart)
        try timed(&chartLatencies) {
            _ = try store.chartSummary(clientID: clientID)
            try store.record(.view, by: me, clientID: clientID, subject: "chart", detail: detail)
            _ = try store.notes(clientID: clientID, limit: 100, offset: 0)
            _ = try store.noteCount(clientID: clientID)
        }
        chartsOpened += 1
        writes += 1
        log?.append(["view", "\(clientID)", "\(me.id!)", detail])
    }

    func newDraft() throws {
        let template = rng.pick(NoteTemplate.allCases)
        let tok = token()
        let today = store.clock.today()
        let note = ProgressNote(clientID: rng.pick(clients), staffID: me.id!, date: today,
                                startMinute: rng.int(8...16) * 60 + rng.pick([0, 15, 30, 45]),
                                minutes: rng.pick([30, 45, 50, 60]), modalityID: rng.pick(modalities),
                                format: rng.pick([.individual, .individual, .telehealth, .phone]), template: template,
                                sections: text(template, tok), status: .draft, billingUnits: 0,
                                createdAt: store.clock.now(), updatedAt: store.clock.now())
        let saved = try save { try store.saveDraft(note, links: [], appointmentID: nil, force: false, by: me) }
        drafts[saved.id!] = saved
        ackDraft(saved, tok)
    }

    func editDraft() throws {
        guard let id = drafts.keys.sorted().randomElement(using: &rng) else { return try newDraft() }
        var note = drafts[id]!
        let tok = token()
        note.sections = text(note.template, tok)
        note.minutes = rng.pick([30, 45, 50, 60])
        let saved = try save { try store.saveDraft(note, links: [], appointmentID: nil, force: false, by: me) }
        drafts[id] = saved
        ackDraft(saved, tok)
    }

    private func ackDraft(_ n: ProgressNote, _ tok: String) {
        writes += 1
        log?.append(["draft", "\(n.id!)", "\(n.revision)", noteHash(n.sections), tok])
    }

    func signDraft() throws {
        guard let id = drafts.keys.sorted().randomElement(using: &rng) else { return try newDraft() }
        let signed = try save { try store.sign(noteID: id, expectedRevision: drafts[id]!.revision, by: me) }
        drafts[id] = nil
        writes += 1
        log?.append(["sign", "\(id)", "\(signed.revision)"])
    }

    func markAttendance() throws {
        guard !sessions.isEmpty else { return try openChart() }
        let (sessionID, members, length) = rng.pick(sessions)
        let clientID = rng.pick(members)
        let status: AttendanceStatus = rng.pick([.present, .present, .present, .late, .absent, .excused, .leftEarly])
        // Minutes attended are 1 … the session's length (the store refuses anything else).
        let minutes = status == .absent || status == .excused ? 0 : rng.int(min(30, length)...max(1, length))
        let line = status == .absent || status == .excused ? "" : "Participated in the discussion (ref \(token()))."
        let saved = try save {
            try store.mark(sessionID: sessionID, clientID: clientID, status: status, minutes: minutes, line: line, by: me)
        }
        writes += 1
        log?.append(["mark", "\(sessionID)", "\(clientID)", "\(saved.revision)", saved.status.rawValue, "\(saved.minutes)"])
    }

    func saveReferral() throws {
        var r: Referral
        if let id = referrals.keys.sorted().randomElement(using: &rng), rng.chance(0.5) {
            r = referrals[id]!
            r.status = rng.pick([.accepted, .completed, .declined, .made])
            r.note = "Followed up by phone (ref \(token()))."
        } else {
            let today = store.clock.today()
            r = Referral(clientID: rng.pick(clients), type: rng.pick(ReferralType.allCases),
                         agency: rng.pick(["County Housing Authority", "Northside Vocational Center", "Riverbend Clinic",
                                           "Legal Aid Society", "Peer Recovery Network"]),
                         referredOn: today, status: .made, followUpOn: today.adding(days: 14),
                         note: "Referred today (ref \(token())).")
        }
        let saved = try save { try store.saveReferral(r, by: me) }
        referrals[saved.id!] = saved
        writes += 1
        log?.append(["ref", "\(saved.id!)", "\(saved.revision)", referralHash(saved)])
    }
}

extension Array {
    func randomElement(using rng: inout SplitMix64) -> Element? { isEmpty ? nil : self[rng.int(0...(count - 1))] }
}

// MARK: - Modes

func runWriter(_ o: Options) throws {
    let log = try AckLog(path: o.log)
    let store = try SQLiteStore.open(path: o.db)
    try store.pinDemoClock(ProcessInfo.processInfo.environment["CASELOAD_NOW"])
    let p = try Person(store: store, options: o, log: log)
    // Tells the crash test that start-up is over (it kills some writers while they start, most while they write).
    if !o.ready.isEmpty { close(open(o.ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)) }
    let end = o.duration.map { monotonicSeconds() + $0 }
    while end.map({ monotonicSeconds() < $0 }) ?? true {
        switch p.rng.int(0...99) {
        case 0..<25: try p.newDraft()
        case 25..<50: try p.editDraft()
        case 50..<58: try p.signDraft()
        case 58..<75: try p.markAttendance()
        case 75..<87: try p.saveReferral()
        default: try p.openChart()
        }
    }
    print("writer \(o.worker): \(p.writes) writes as \(p.me.username)")
}

/// What a load worker reports (JSON in --out).
struct LoadReport: Codable {
    var worker: Int
    var staff: String
    var seconds: Double
    var actions: Int
    var saves: Int
    var chartsOpened: Int
    var saveLatenciesMs: [Double]
    var saveStartsS: [Double]
    var chartLatenciesMs: [Double]
    var chartStartsS: [Double]
    var errors: [String]
}

func runLoad(_ o: Options) throws {
    let started = monotonicSeconds()
    var report = LoadReport(worker: o.worker, staff: "", seconds: 0, actions: 0, saves: 0, chartsOpened: 0,
                            saveLatenciesMs: [], saveStartsS: [], chartLatenciesMs: [], chartStartsS: [], errors: [])
    func finish() throws {
        report.seconds = monotonicSeconds() - started
        let data = try JSONEncoder().encode(report)
        let tmp = o.out + ".tmp"
        try data.write(to: URL(fileURLWithPath: tmp))
        guard rename(tmp, o.out) == 0 else { throw Failure("cannot write \(o.out)") }
    }
    // People do not all log in in the same second: each session starts within the first think time
    // (0–2 s), and its first action comes after that.
    var login = SplitMix64(seed: o.seed ^ 0x10_6E)
    sleepSeconds(Double(login.int(0...o.thinkMs.upperBound)) / 1000)
    let p: Person
    do {
        let log = o.log.isEmpty ? nil : try AckLog(path: o.log)
        let store = try SQLiteStore.open(path: o.db)
        try store.pinDemoClock(ProcessInfo.processInfo.environment["CASELOAD_NOW"])
        p = try Person(store: store, options: o, log: log)
    } catch {
        report.errors.append("start: \(error)")
        try finish()
        exit(1)
    }
    report.staff = p.me.username
    let end = started + (o.duration ?? 60)
    while monotonicSeconds() < end {
        // A person opens a chart, writes the note of the session, then goes on as the day brings.
        let roll = report.actions == 0 ? 0 : report.actions == 1 ? 35 : p.rng.int(0...99)
        let action = roll < 35 ? "open a chart" : roll < 55 ? "save a new draft" : roll < 70 ? "save a draft"
            : roll < 75 ? "sign a draft" : roll < 95 ? "mark attendance" : "save a referral"
        let t0 = monotonicSeconds()
        do {
            switch roll {
            case 0..<35: try p.openChart()
            case 35..<55: try p.newDraft()
            case 55..<70: try p.editDraft()
            case 70..<75: try p.signDraft()
            case 75..<95: try p.markAttendance()
            default: try p.saveReferral()
            }
        } catch {
            let at = String(format: "%.1f s", t0 - started), waited = String(format: "%.0f ms", (monotonicSeconds() - t0) * 1000)
            report.errors.append("\(action) at \(at), after \(waited): \(type(of: error)): \(error)")
        }
        report.actions += 1
        let think = Double(p.rng.int(o.thinkMs)) / 1000
        sleepSeconds(min(think, end - monotonicSeconds()))
    }
    report.saves = p.saveLatencies.count
    report.chartsOpened = p.chartsOpened
    report.saveLatenciesMs = p.saveLatencies
    report.saveStartsS = p.saveStarts
    report.chartLatenciesMs = p.chartLatencies
    report.chartStartsS = p.chartStarts
    try finish()
    if !report.errors.isEmpty { exit(1) }
}

do {
    let o = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    switch o.mode {
    case "writer": try runWriter(o)
    default: try runLoad(o)
    }
} catch {
    FileHandle.standardError.write(Data("caseload-stress: \(error)\n".utf8))
    exit(1)
}
