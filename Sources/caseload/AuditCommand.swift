// `caseload audit` lists the audit trail (administrators and supervisors); `caseload audit verify`
// recomputes its hash chain and names the first row that was altered, removed or forged.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
import ArgumentParser
import CaseloadCore
import CaseloadStore
import CaseloadViewModels
import Foundation

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the audit trail, or verify that it was not altered.",
        subcommands: [AuditListCommand.self, AuditVerifyCommand.self],
        defaultSubcommand: AuditListCommand.self)
}

enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case text, csv
}

struct AuditListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List audit events, oldest first (administrators and supervisors only).",
        discussion: """
        Every chart view, change, signature, export, report, sign-in, lock and refusal is an event. Filters combine; \
        dates are local days and both ends are included. Times are local. Reading the trail is itself recorded \
        (action 'view', subject 'audit'), so the listing ends with your own read when it falls in the period.
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Only events about this client (chart number).", valueName: "mrn"))
    var client: String?

    @Option(name: .long, help: ArgumentHelp("Only events by this staff member.", valueName: "username"))
    var staff: String?

    @Option(name: .long, help: ArgumentHelp("First day (YYYY-MM-DD).", valueName: "date"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("Last day, included (YYYY-MM-DD).", valueName: "date"))
    var to: String?

    @Option(name: .long, help: ArgumentHelp(
        "Only this action: \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "action"))
    var action: String?

    @Option(name: .long, help: ArgumentHelp("Aligned text, or CSV (RFC 4180, times in UTC).", valueName: "format"))
    var format: AuditFormat = .text

    @OptionGroup var identity: IdentityOptions

    func run() throws {
        let fromDay = try from.map(AttendanceReportCommand.day)
        let toDay = try to.map(AttendanceReportCommand.day)
        if let fromDay, let toDay, fromDay > toDay {
            throw CaseloadError.invalidInput("The period starts (\(fromDay)) after it ends (\(toDay)).")
        }
        var actionFilter: AuditAction?
        if let action {
            guard let a = AuditAction(rawValue: action) else {
                throw CaseloadError.invalidInput(
                    "'\(StaffValidation.printable(action))' is not an audit action. Use one of: \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            actionFilter = a
        }
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        var query = AuditQuery(action: actionFilter)
        if let client {
            guard let id = try repository.clientID(mrn: client) else {
                throw CaseloadError.notFound(what: "a client with chart number '\(StaffValidation.printable(client))'")
            }
            query.clientID = id
        }
        if let staff {
            guard let s = try repository.staff(username: staff) else {
                throw CaseloadError.invalidInput(
                    "There is no staff account '\(StaffValidation.printable(staff))'. Check 'caseload staff list'.")
            }
            query.staffID = s.id
        }
        // Local midnight of each day in this machine's time zone, daylight-saving switches included.
        func instant(_ day: Day) -> Date { Format.localMidnight(day) }
        query.from = fromDay.map(instant)
        query.before = toDay.map { instant($0.adding(days: 1)) }

        var asked: [String] = []
        if let client { asked.append("client \(client)") }
        if let staff { asked.append("staff \(staff)") }
        if let fromDay { asked.append("from \(fromDay)") }
        if let toDay { asked.append("to \(toDay)") }
        if let actionFilter { asked.append("action \(actionFilter.rawValue)") }
        let what = "audit trail listing" + (asked.isEmpty ? "" : " (\(asked.joined(separator: ", ")))")
        let detail = SignIn.auditDetail(me, what: what)
        let output = BufferedOutput(fd: 1)
        var count = 0
        switch format {
        case .text:
            // Two passes over one snapshot: the widths of the columns, then the lines (as TextTable aligns them).
            let header = ["TIME", "STAFF", "ACTION", "MRN", "SUBJECT", "DETAIL"]
            var widths = header.map(DisplayWidth.of)
            func cells(_ r: AuditTrailRow) -> [String] {
                [Format.localTimestamp(r.event.at), r.event.username, r.event.action.rawValue, r.mrn ?? "",
                 StaffValidation.printable(r.event.subject), StaffValidation.printable(r.event.detail)]
            }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { i, cell in
                    i == cells.count - 1 ? cell : DisplayWidth.pad(cell, to: widths[i])
                }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
            }
            try repository.auditTrail(query, by: me.staff, detail: detail, passes: 2) { pass, r in
                let c = cells(r)
                if pass == 0 {
                    for i in 0..<c.count - 1 { widths[i] = max(widths[i], DisplayWidth.of(c[i])) }
                } else {
                    if count == 0 { try output.write(line(header)) }
                    try output.write(line(c))
                    count += 1
                }
            }
            if count == 0 { try output.write(line(header)) }
            try output.write("\(Format.plural(count, "event"))\n")
        case .csv:
            try output.write("id,at_utc,username,action,mrn,subject,detail,hash\r\n")
            let iso = ISO8601DateFormatter()
            try repository.auditTrail(query, by: me.staff, detail: detail) { _, r in
                let e = r.event
                let fields = [e.id.map { String($0) } ?? "", iso.string(from: e.at), e.username, e.action.rawValue,
                              r.mrn ?? "", e.subject, e.detail, e.hash]
                try output.write(fields.map(AttendanceReportText.csvField).joined(separator: ",") + "\r\n")
            }
        }
        try output.flush()
    }
}

struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the audit trail's hash chain (prints 'audit trail intact', or names the first bad event and exits non-zero).",
        discussion: """
        Each event holds the SHA-256 of its own content and of the event before it. Verify proves that no event \
        was changed, deleted or slipped in between others since it was written. It cannot catch someone who \
        rewrites the whole chain from the first event, or who cuts events off the end: keep sealed backups.
        """)

    @OptionGroup var store: StoreOptions

    func run() throws {
        let path = try store.location().path
        let repository = try store.openStore()
        let started = Date()
        let report = try repository.verifyAuditChain()
        let seconds = Date().timeIntervalSince(started)
        let took = String(format: "%.2f s", seconds)
        if let bad = report.firstBad {
            throw CaseloadError.storeDamaged(
                path: path, detail: "the audit trail was altered: \(bad.sentence) (\(report.rowsChecked) events read in \(took))")
        }
        try Console.out("audit trail intact: \(Format.plural(report.rowsChecked, "event")) (\(took))")
    }
}
