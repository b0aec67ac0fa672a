// `caseload report attendance|caseload|overdue|productivity`: figures from the store as text, CSV or Markdown.
import ArgumentParser
import CaseloadCore
import CaseloadStore
import CaseloadViewModels

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print reports from the store.",
        subcommands: [AttendanceReportCommand.self, CaseloadReportCommand.self, OverdueReportCommand.self,
                      ProductivityReportCommand.self])
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, csv, markdown
}

struct AttendanceReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attendance",
        abstract: "Group attendance over a period: sessions held, then each member's counts and attendance percentage.",
        discussion: """
        Give exactly one of --group (the group's name) or --client (a chart number). For a client, every group \
        they belonged to in the period is listed. Only held sessions count, and only while the person was a member. \
        Two rates: of held = (present + late + left early) / sessions held; of expected = the same / (held - excused). Every report is recorded in the audit trail.
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The group's name, exactly as on the Groups screen.", valueName: "name"))
    var group: String?

    @Option(name: .long, help: ArgumentHelp("One client's chart number, across their groups.", valueName: "mrn"))
    var client: String?

    @Option(name: .long, help: ArgumentHelp("First day of the period (YYYY-MM-DD).", valueName: "date"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("Last day of the period, included (YYYY-MM-DD).", valueName: "date"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("How to print it: aligned text, CSV (RFC 4180) or a Markdown table.", valueName: "format"))
    var format: ReportFormat = .text

    @OptionGroup var identity: IdentityOptions
    @OptionGroup var emergency: EmergencyOptions

    func run() throws {
        guard (group == nil) != (client == nil) else {
            throw CaseloadError.invalidInput("Give exactly one of --group NAME or --client MRN.")
        }
        let fromDay = try Self.day(from), toDay = try Self.day(to)
        guard fromDay <= toDay else {
            throw CaseloadError.invalidInput("The period starts (\(fromDay)) after it ends (\(toDay)).")
        }
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        var subject: AttendanceReportText.Subject
        var groupID: RowID?, clientID: RowID?
        if let group {
            guard let id = try repository.groupID(named: group) else {
                throw CaseloadError.notFound(what: "A group called '\(StaffValidation.printable(group))'")
            }
            groupID = id
            subject = .group(name: group)
        } else {
            let mrn = client!
            try SignIn.emergency(emergency, mrn: mrn, me, in: repository)
            _ = try repository.clientID(typedMRN: mrn, what: "attendance report")
            guard let found = try repository.client(mrn: MRN.normalized(mrn)) else {
                throw CaseloadError.notFound(what: "A client with chart number '\(StaffValidation.printable(mrn))'")
            }
            clientID = found.id
            subject = .client(name: found.displayName, mrn: found.mrn)
        }
        let report = try repository.attendanceReport(groupID: groupID, clientID: clientID, from: fromDay, to: toDay)
        try repository.record(.print, by: me.staff, clientID: clientID,
                              subject: groupID.map { "group:\($0)" } ?? "client:\(client ?? "")",
                              detail: SignIn.auditDetail(me, what: "printed the attendance report \(fromDay) to \(toDay) as \(format.rawValue)"))
        let text = AttendanceReportText(subject: subject, from: fromDay, to: toDay, sessionsHeld: report.sessionsHeld,
                                        rows: report.rows)
        let output = BufferedOutput(fd: 1)
        switch format {
        case .text: try output.write(text.plain())
        case .csv: try output.write(text.csv())
        case .markdown: try output.write(text.markdown())
        }
        try output.flush()
    }

    static func day(_ text: String) throws -> Day {
        guard text.count == 10, let d = Day(text), d.description == text else {
            throw CaseloadError.invalidInput("'\(StaffValidation.printable(text))' is not a valid date (YYYY-MM-DD)")
        }
        return d
    }
}

/// The three renderings of one attendance report.
struct AttendanceReportText {
    enum Subject {
        case group(name: String)
        case client(name: String, mrn: String)
    }
    var subject: Subject
    var from: Day, to: Day
    var sessionsHeld: Int
    var rows: [AttendanceReportRow]

    private var isGroup: Bool { if case .group = subject { true } else { false } }
    private var title: String {
        switch subject {
        case .group(let name): "Attendance: \(StaffValidation.printable(name))"
        case .client(let name, let mrn): "Attendance: \(StaffValidation.printable(name)) (\(mrn))"
        }
    }

    /// "83.3%": one decimal, rounded half up, without String(format:).
    static func percent(_ row: AttendanceReportRow) -> String? { percent(row.percent) }

    static func percent(_ value: Double?) -> String? {
        guard let p = value else { return nil }
        let tenths = Int((p * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// What the two rates mean, under every text table.
    static let rateLegend = "Of held: attended (present, late, left early) / sessions held. Of expected: attended / (held - excused)."

    private var headers: [String] {
        (isGroup ? ["Member", "MRN"] : ["Group"]) + ["Present", "Absent", "Excused", "Late", "Left early", "Not recorded", "Held", "Of held", "Of expected"]
    }
    private func cells(_ r: AttendanceReportRow) -> [String] {
        (isGroup ? [StaffValidation.printable(r.clientName), r.mrn] : [StaffValidation.printable(r.groupName)])
            + [r.present, r.absent, r.excused, r.late, r.leftEarly, r.notRecorded, r.sessionsHeld].map(String.init)
            + [Self.percent(r) ?? "—", Self.percent(r.percentOfExpected) ?? "—"]
    }

    func plain() -> String {
        var out = "\(title)\n\(from) to \(to)\nSessions held: \(sessionsHeld)\n\n"
        if rows.isEmpty { return out + (isGroup ? "No members in this period.\n" : "No group membership in this period.\n") }
        let table = [headers] + rows.map(cells)
        let textColumns = isGroup ? 2 : 1
        let widths = headers.indices.map { i in table.map { DisplayWidth.of($0[i]) }.max() ?? 0 }
        for line in table {
            let padded = line.indices.map { i in
                DisplayWidth.pad(line[i], to: widths[i], alignRight: i >= textColumns)
            }
            out += padded.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        return out + "\n" + Self.rateLegend + "\n"
    }

    func csv() -> String {
        var out = CSVWriter.row(["group", "member", "mrn", "present", "absent", "excused", "late", "left_early",
                                 "not_recorded", "sessions_held", "attendance_percent", "attendance_percent_excused_excluded"])
        for r in rows {
            let percent = Self.percent(r).map { String($0.dropLast()) } ?? ""
            let ofExpected = Self.percent(r.percentOfExpected).map { String($0.dropLast()) } ?? ""
            out += CSVWriter.row([r.groupName, r.clientName, r.mrn]
                + [r.present, r.absent, r.excused, r.late, r.leftEarly, r.notRecorded, r.sessionsHeld].map(String.init)
                + [percent, ofExpected])
        }
        return out
    }


    func markdown() -> String {
        var out = "# \(Self.markdownCell(title))\n\n"
        out += "\(from) to \(to). Sessions held: **\(sessionsHeld)**\n\n"
        if rows.isEmpty { return out + (isGroup ? "No members in this period.\n" : "No group membership in this period.\n") }
        let textColumns = isGroup ? 2 : 1
        out += "| " + headers.joined(separator: " | ") + " |\n"
        out += "|" + headers.indices.map { $0 < textColumns ? " --- |" : " ---: |" }.joined() + "\n"
        for r in rows { out += "| " + cells(r).map(Self.markdownCell).joined(separator: " | ") + " |\n" }
        return out + "\n" + Self.rateLegend + "\n"
    }

    /// Pipes and backslashes would break the table; line breaks end it.
    static func markdownCell(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }
}

// MARK: - Case-management reports (issue 8)

/// What the caseload, overdue and productivity reports share: who, which period, which format.
struct CaseManagementReportOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Only this staff member (username). Counselors always see only their own.", valueName: "username"))
    var staff: String?

    @Option(name: .long, help: ArgumentHelp("First day of the period (YYYY-MM-DD). Default: 29 days before --to.", valueName: "date"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("Last day of the period, included (YYYY-MM-DD). Default: today.", valueName: "date"))
    var to: String?

    @Option(name: .long, help: ArgumentHelp("How to print it: aligned text, CSV (RFC 4180) or a Markdown table.", valueName: "format"))
    var format: ReportFormat = .text

    @OptionGroup var identity: IdentityOptions

    struct Context {
        var repository: SQLiteStore
        var me: Identity
        var staff: Staff?
        var from: Day
        var to: Day
    }

    /// Opens the store, signs in, resolves the staff member and the period.
    func context() throws -> Context {
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        let toDay = try to.map(AttendanceReportCommand.day) ?? repository.clock.today()
        let fromDay = try from.map(AttendanceReportCommand.day) ?? toDay.adding(days: -29)
        guard fromDay <= toDay else {
            throw CaseloadError.invalidInput("The period starts (\(fromDay)) after it ends (\(toDay)).")
        }
        var chosen: Staff?
        if let staff {
            guard let s = try repository.staff(username: staff) else {
                throw CaseloadError.notFound(what: "A staff member with the username '\(StaffValidation.printable(staff))'")
            }
            chosen = s
        }
        if me.staff.role == .counselor || me.staff.role == .facilitator {
            if let chosen, chosen.id != me.staff.id {
                throw try repository.refusal(by: me.staff, clientID: nil, what: "report", sentence:
                    "Counselors can only print their own figures; a supervisor can print anyone's.")
            }
            chosen = me.staff
        }
        return Context(repository: repository, me: me, staff: chosen, from: fromDay, to: toDay)
    }

    func audit(_ c: Context, report: String) throws {
        try c.repository.record(.print, by: c.me.staff, clientID: nil, subject: "report:\(report)",
                                detail: SignIn.auditDetail(c.me, what: "printed the \(report) report \(c.from) to \(c.to)"
                                    + (c.staff.map { " for \($0.username)" } ?? "") + " as \(format.rawValue)"))
    }

    func print(_ table: ReportTable) throws {
        let output = BufferedOutput(fd: 1)
        switch format {
        case .text: try output.write(table.plain())
        case .csv: try output.write(table.csv())
        case .markdown: try output.write(table.markdown())
        }
        try output.flush()
    }
}

struct CaseloadReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caseload",
        abstract: "Caseload per counselor: active and on-hold clients now, admissions and discharges in the period.",
        discussion: """
        Clients count for their primary counselor; clients without one are listed as Unassigned. Active and on hold \
        are today's figures; admissions and discharges are those dated within --from … --to. Recorded in the audit trail.
        """)
    @OptionGroup var options: CaseManagementReportOptions

    func run() throws {
        let c = try options.context()
        let rows = try c.repository.caseloadReport(staffID: c.staff?.id, from: c.from, to: c.to)
        try options.audit(c, report: "caseload")
        try options.print(ReportTable.caseload(rows, from: c.from, to: c.to))
    }
}

struct OverdueReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overdue",
        abstract: "Overdue items on --to (default today): plan reviews, unsigned notes, referral follow-ups, expiring consents, screens due.",
        discussion: """
        Plan reviews: next review date before the day (clients not discharged). Unsigned notes: drafts older than the \
        program's unsigned-note hours (listed under the note's writer). Referral follow-ups: made or accepted referrals \
        whose follow-up date has come. Expiring consents: in force and expiring within 30 days. Screens due: active \
        clients in a maintenance phase with fewer than 8 random drug screens in the last 12 months. --from is not used.
        """)
    @OptionGroup var options: CaseManagementReportOptions

    func run() throws {
        let c = try options.context()
        let items = try c.repository.overdueReport(staffID: c.staff?.id, on: c.to)
        try options.audit(c, report: "overdue")
        try options.print(ReportTable.overdue(items, on: c.to))
    }
}

struct ProductivityReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "productivity",
        abstract: "Sessions, minutes and billing units per staff member and modality in the period.",
        discussion: """
        Counts the session notes (signed or draft) dated within the period, under the staff member who wrote them, \
        and the group sessions held in the period, under each of their facilitators (a group session's billing units \
        are its attendees'). No-shows are counted in their own column and add no minutes or billing units. \
        Recorded in the audit trail.
        """)
    @OptionGroup var options: CaseManagementReportOptions

    func run() throws {
        let c = try options.context()
        let rows = try c.repository.productivityReport(staffID: c.staff?.id, from: c.from, to: c.to)
        let total = try c.repository.productivityTotal(staffID: c.staff?.id, from: c.from, to: c.to)
        try options.audit(c, report: "productivity")
        try options.print(ReportTable.productivity(rows, total: total, from: c.from, to: c.to))
    }
}

/// A titled table printed three ways; the first `textColumns` columns are text, the rest align right.
struct ReportTable {
    var title: String
    var subtitle: String
    var headers: [String]
    var csvHeaders: [String]
    var rows: [[String]]
    var totals: [String]?
    var textColumns: Int
    var empty: String

    static func caseload(_ rows: [CaseloadReportRow], from: Day, to: Day) -> ReportTable {
        let cells = rows.map { r in
            [r.counselorName, r.username ?? "", String(r.active), String(r.onHold), String(r.admissions), String(r.discharges)]
        }
        let sum = { (f: (CaseloadReportRow) -> Int) in String(rows.map(f).reduce(0, +)) }
        return ReportTable(title: "Caseload per counselor", subtitle: "\(from) to \(to) (active and on hold: today)",
                           headers: ["Counselor", "Username", "Active", "On hold", "Admissions", "Discharges"],
                           csvHeaders: ["counselor", "username", "active", "on_hold", "admissions", "discharges"],
                           rows: cells,
                           totals: rows.count > 1 ? ["Total", "", sum(\.active), sum(\.onHold), sum(\.admissions), sum(\.discharges)] : nil,
                           textColumns: 2, empty: "No clients.")
    }

    static func overdue(_ items: [OverdueItem], on day: Day) -> ReportTable {
        let counts = OverdueKind.allCases.map { k in "\(k.label): \(items.filter { $0.kind == k }.count)" }
        return ReportTable(title: "Overdue items", subtitle: "On \(day). " + counts.joined(separator: "; "),
                           headers: ["Item", "Counselor", "Client", "MRN", "Date", "Detail"],
                           csvHeaders: ["item", "counselor", "client", "mrn", "date", "detail"],
                           rows: items.map { [$0.kind.label, $0.counselorName, $0.clientName, $0.mrn,
                                              $0.date?.description ?? "", $0.detail] },
                           totals: nil, textColumns: 6, empty: "Nothing is overdue.")
    }

    /// `total` counts each group session once (the rows credit every facilitator of it).
    static func productivity(_ rows: [ProductivityRow], total t: ProductivityRow, from: Day, to: Day) -> ReportTable {
        return ReportTable(title: "Productivity", subtitle: "\(from) to \(to) (no-shows add no minutes or units)",
                           headers: ["Staff", "Modality", "Sessions", "Minutes", "Units", "No-shows"],
                           csvHeaders: ["staff", "modality", "sessions", "minutes", "billing_units", "no_shows"],
                           rows: rows.map { [$0.staffName, $0.modality, String($0.sessions), String($0.minutes),
                                             String($0.billingUnits), String($0.noShows)] },
                           totals: rows.count > 1 ? ["Total", "", String(t.sessions), String(t.minutes), String(t.billingUnits),
                                                     String(t.noShows)] : nil,
                           textColumns: 2, empty: "No sessions in this period.")
    }

    func plain() -> String {
        var out = "\(StaffValidation.printable(title))\n\(StaffValidation.printable(subtitle))\n\n"
        if rows.isEmpty { return out + empty + "\n" }
        let table = ([headers] + rows + (totals.map { [$0] } ?? [])).map { $0.map(StaffValidation.printable) }
        let widths = headers.indices.map { i in table.map { DisplayWidth.of($0[i]) }.max() ?? 0 }
        for line in table {
            let padded = line.indices.map { i in DisplayWidth.pad(line[i], to: widths[i], alignRight: i >= textColumns) }
            out += padded.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        return out
    }

    /// Data rows only (no totals): a spreadsheet sums them itself.
    func csv() -> String {
        var out = CSVWriter.row(csvHeaders)
        for r in rows { out += CSVWriter.row(r) }
        return out
    }

    func markdown() -> String {
        var out = "# \(AttendanceReportText.markdownCell(title))\n\n\(AttendanceReportText.markdownCell(subtitle))\n\n"
        if rows.isEmpty { return out + empty + "\n" }
        out += "| " + headers.joined(separator: " | ") + " |\n"
        out += "|" + headers.indices.map { $0 < textColumns ? " --- |" : " ---: |" }.joined() + "\n"
        for r in rows { out += "| " + r.map(AttendanceReportText.markdownCell).joined(separator: " | ") + " |\n" }
        if let totals { out += "| " + totals.map { $0.isEmpty ? "" : "**\($0)**" }.joined(separator: " | ") + " |\n" }
        return out
    }
}
