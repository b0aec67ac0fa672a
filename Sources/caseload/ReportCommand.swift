// `caseload report attendance`: sessions held and each member's attendance counts, as text, CSV or Markdown.
import ArgumentParser
import CaseloadCore
import CaseloadStore
import CaseloadViewModels

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print reports from the store.",
        subcommands: [AttendanceReportCommand.self])
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
        Attendance % = (present + late + left early) / sessions held. Every report is recorded in the audit trail.
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

    @Option(name: .customLong("as"), help: ArgumentHelp("Act as another staff member (demo stores only).", valueName: "username"))
    var asUser: String?

    func run() throws {
        guard (group == nil) != (client == nil) else {
            throw CaseloadError.invalidInput("Give exactly one of --group NAME or --client MRN.")
        }
        let fromDay = try Self.day(from), toDay = try Self.day(to)
        guard fromDay <= toDay else {
            throw CaseloadError.invalidInput("The period starts (\(fromDay)) after it ends (\(toDay)).")
        }
        let repository = try SQLiteStore.open(path: store.location().path, create: false)
        let me = try SignIn.identify(in: repository, switchingTo: asUser)
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
            guard let found = try repository.client(mrn: mrn) else {
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
    static func percent(_ row: AttendanceReportRow) -> String? {
        guard let p = row.percent else { return nil }
        let tenths = Int((p * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    private var headers: [String] {
        (isGroup ? ["Member", "MRN"] : ["Group"]) + ["Present", "Absent", "Excused", "Late", "Left early", "Held", "Attendance"]
    }
    private func cells(_ r: AttendanceReportRow) -> [String] {
        (isGroup ? [StaffValidation.printable(r.clientName), r.mrn] : [StaffValidation.printable(r.groupName)])
            + [r.present, r.absent, r.excused, r.late, r.leftEarly, r.sessionsHeld].map(String.init)
            + [Self.percent(r) ?? "—"]
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
        return out
    }

    func csv() -> String {
        var out = "group,member,mrn,present,absent,excused,late,left_early,sessions_held,attendance_percent\r\n"
        for r in rows {
            let percent = Self.percent(r).map { String($0.dropLast()) } ?? ""
            let fields = [r.groupName, r.clientName, r.mrn].map(Self.csvField)
                + [r.present, r.absent, r.excused, r.late, r.leftEarly, r.sessionsHeld].map(String.init) + [percent]
            out += fields.joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func markdown() -> String {
        var out = "# \(Self.markdownCell(title))\n\n"
        out += "\(from) to \(to). Sessions held: **\(sessionsHeld)**\n\n"
        if rows.isEmpty { return out + (isGroup ? "No members in this period.\n" : "No group membership in this period.\n") }
        let textColumns = isGroup ? 2 : 1
        out += "| " + headers.joined(separator: " | ") + " |\n"
        out += "|" + headers.indices.map { $0 < textColumns ? " --- |" : " ---: |" }.joined() + "\n"
        for r in rows { out += "| " + cells(r).map(Self.markdownCell).joined(separator: " | ") + " |\n" }
        return out
    }

    /// Pipes and backslashes would break the table; line breaks end it.
    static func markdownCell(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }
}
