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
        subcommands: [AuditListCommand.self, AuditVerifyCommand.self, AuditAnchorCommand.self, AuditAnchorKeyCommand.self],
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

    /// A day given on the command line: a real date from 1900-01-01 to 9999-12-31, or a sentence naming the option.
    static func day(_ text: String, _ option: String) throws -> Day {
        guard text.count == 10, let d = Day(text), d.description == text else {
            throw CaseloadError.invalidInput("\(option) '\(StaffValidation.printable(String(text.prefix(40))))' is not a valid date (YYYY-MM-DD, e.g. 2026-03-31).")
        }
        guard d.year >= 1900 else {
            throw CaseloadError.invalidInput("\(option) \(text) is before 1900; the audit trail has no events that old.")
        }
        return d
    }

    func run() throws {
        let fromDay = try from.map { try Self.day($0, "--from") }
        let toDay = try to.map { try Self.day($0, "--to") }
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
        // The day after the last one, as a bound; none after the last day a time stamp can hold (9999-12-31).
        query.before = toDay.flatMap { $0.adding(days: 1).year > 9999 ? nil : instant($0.adding(days: 1)) }

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
            try output.write(CSVWriter.row(["id", "at_utc", "username", "action", "mrn", "subject", "detail", "hash"]))
            let iso = ISO8601DateFormatter()
            try repository.auditTrail(query, by: me.staff, detail: detail) { _, r in
                let e = r.event
                let fields = [e.id.map { String($0) } ?? "", iso.string(from: e.at), e.username, e.action.rawValue,
                              r.mrn ?? "", e.subject, e.detail, e.hash]
                try output.write(CSVWriter.row(fields))
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
        was changed, deleted or slipped in between others since it was written. Alone it cannot catch someone who \
        rewrites the whole chain, or its tail, or who cuts events off the end: with --anchor FILE --key FILE it \
        also proves that every head recorded by 'caseload audit anchor' is still in the trail with the same hash \
        (see docs/deployment.md).
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("A file of anchors written by 'caseload audit anchor'.", valueName: "file"))
    var anchor: String?

    @Option(name: .long, help: ArgumentHelp("The anchor key file the anchors were made with.", valueName: "file"))
    var key: String?

    func run() throws {
        guard (anchor == nil) == (key == nil) else {
            throw CaseloadError.invalidInput("Give both --anchor FILE and --key FILE to check the anchors, or neither.")
        }
        let anchorKey = try key.map(AuditAnchorKeyFile.read)
        let anchorText = try anchor.map { path -> String in
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw CaseloadError.notFound(what: "The anchor file '\(StaffValidation.printable(path))' (or it cannot be read)")
            }
            return text
        }
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
        var line = "audit trail intact: \(Format.plural(report.rowsChecked, "event")) (\(took))"
        if let anchorText, let anchorKey {
            let check = try repository.checkAnchors(anchorText, key: anchorKey)
            if let first = check.failures.first {
                let more = check.failures.count - 1
                throw CaseloadError.storeDamaged(path: path, detail: "the audit trail does not match its anchors: "
                    + AnchorCheck.sentence(first) + (more > 0 ? " (and \(more) more anchor problem\(more == 1 ? "" : "s"))" : ""))
            }
            guard check.anchors > 0 else {
                throw CaseloadError.invalidInput("The anchor file holds no anchors; make them with 'caseload audit anchor'.")
            }
            line += "; \(Format.plural(check.anchors, "anchor")) hold (the latest at event \(check.latestID ?? 0))"
        }
        try Console.out(line)
    }
}

/// The anchor key file: read, and made new with mode 0600.
enum AuditAnchorKeyFile {
    static func read(_ path: String) throws -> AnchorKey {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CaseloadError.notFound(what: "The anchor key file '\(StaffValidation.printable(path))' (or it cannot be read)")
        }
        return try AnchorKey(text: text)
    }

    /// Writes `text` to a new file (refused when it exists), or appends to one, with mode 0600 when made.
    static func save(_ text: String, to path: String, append: Bool) throws {
        let flags = append ? (O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC) : (O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw CaseloadError.refused("The file '\(StaffValidation.printable(path))' already exists: give a new file; nothing was written.")
            }
            throw CaseloadError.refused("Caseload cannot write '\(StaffValidation.printable(path))' (\(String(cString: strerror(errno)))).")
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CaseloadError.refused("Caseload could not write '\(StaffValidation.printable(path))' (\(String(cString: strerror(errno)))).")
            }
            done += n
        }
        if fsync(fd) != 0 {
            throw CaseloadError.refused("Caseload could not write '\(StaffValidation.printable(path))' to disk (\(String(cString: strerror(errno)))).")
        }
    }
}

struct AuditAnchorKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchor-key",
        abstract: "Make a new key for audit anchors, in a new file only its owner can read (mode 0600).",
        discussion: """
        Keep the key where the store's writers cannot read it: in the home of the administrator's own account, \
        or another account's, never in the store's folder or group. Whoever holds the key can make anchors.
        """)

    @Option(name: .long, help: ArgumentHelp("The new key file (refused if it exists).", valueName: "file"))
    var out: String

    func run() throws {
        try AuditAnchorKeyFile.save(AuditAnchor.newKeyText(), to: out, append: false)
        try Console.out("anchor key written to \(StaffValidation.printable(out)) (mode 0600); keep it away from the store's writers")
    }
}

struct AuditAnchorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchor",
        abstract: "Print the audit trail's head (last event and its hash) with a MAC, to keep outside the store.",
        discussion: """
        Prints one line: the id and hash of the last audit event, the time, and an HMAC-SHA256 of them under the \
        key. Keep the lines outside the store's reach (--append to a file of another account, a log host, \
        paper); 'caseload audit verify --anchor FILE --key FILE' then proves the trail still holds every \
        anchored event with its hash. Run it regularly, for example from the administrator's cron.
        """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The anchor key file (made by 'caseload audit anchor-key').", valueName: "file"))
    var key: String

    @Option(name: .long, help: ArgumentHelp("Write the anchor to this new file instead of standard output.", valueName: "file"))
    var out: String?

    @Option(name: .customLong("append"), help: ArgumentHelp("Append the anchor to this file (made if missing).", valueName: "file"))
    var appendTo: String?

    func run() throws {
        guard out == nil || appendTo == nil else {
            throw CaseloadError.invalidInput("Give --out FILE or --append FILE, not both.")
        }
        let anchorKey = try AuditAnchorKeyFile.read(key)
        let repository = try store.openStore()
        let report = try repository.verifyAuditChain()
        if let bad = report.firstBad {
            throw CaseloadError.storeDamaged(path: try store.location().path,
                                             detail: "the audit trail was altered, so it is not anchored: \(bad.sentence)")
        }
        guard let head = try repository.auditHead() else {
            throw CaseloadError.invalidInput("The audit trail is empty: there is nothing to anchor yet.")
        }
        let line = AuditAnchor.make(id: head.id, hash: head.hash, at: Date(), key: anchorKey).line + "\n"
        if let path = out ?? appendTo {
            try AuditAnchorKeyFile.save(line, to: path, append: appendTo != nil)
            try Console.out("anchored audit event \(head.id) in \(StaffValidation.printable(path))")
        } else {
            let output = BufferedOutput(fd: 1)
            try output.write(line)
            try output.flush()
        }
    }
}
