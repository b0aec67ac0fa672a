// `caseload disclose` and `caseload disclosures` (issue 6): a disclosure of a client's records under a
// 42 CFR Part 2 consent, written to a new file (mode 0600) with the § 2.32 notice and the consent's scope
// first, and the accounting of the disclosures made.
import ArgumentParser
import CaseloadCore
import CaseloadStore
import CaseloadViewModels
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct DiscloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disclose",
        abstract: "Write what one consent covers of a client's records to a new file, for its recipient.",
        discussion: """
            The file starts with the 42 CFR 2.32 notice and the consent's scope (recipient, purpose, information, \
            expiry, how to revoke), then only the categories the consent covers. Refused, writing nothing, when the \
            consent is not this client's, is revoked, expired or not yet signed, or the file exists. Only the \
            client's primary counselor, a supervisor or an administrator may disclose. Each disclosure is recorded \
            (see 'caseload disclosures') and audited.
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The client's chart number.", valueName: "mrn"))
    var client: String

    @Option(name: .long, help: ArgumentHelp("The consent's number (shown on the chart's Consents tab).", valueName: "id"))
    var consent: Int64

    @Option(name: .long, help: ArgumentHelp("The file to write (must not exist yet).", valueName: "file"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("text (default) or json.", valueName: "format"))
    var format: String = "text"

    @OptionGroup var identity: IdentityOptions
    @OptionGroup var emergency: EmergencyOptions

    func run() throws {
        guard let format = DisclosureFormat(rawValue: format) else {
            throw CaseloadError.invalidInput("The format must be text or json, not '\(StaffValidation.printable(format))'.")
        }
        let repository = try store.openStore()
        try UserFiles.refuseStoreFile(out)
        if UserFiles.exists(out) {
            throw CaseloadError.refused("The file '\(StaffValidation.printable(out))' already exists: give a new file with --out; nothing was disclosed.")
        }
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        try SignIn.emergency(emergency, mrn: client, me, in: repository)
        let clientID = try repository.clientID(typedMRN: client, what: "disclosure of records")
        let path = out
        let d = try repository.disclose(clientID: clientID, consentID: consent, format: format, by: me.staff) { text in
            // With the person's own rights, never onto the store's files (docs/deployment.md).
            let fd = try UserFiles.createPrivate(path, exclusive: true)
            guard fd >= 0 else {
                if errno == EEXIST {
                    throw CaseloadError.refused("The file '\(StaffValidation.printable(path))' already exists: give a new file with --out; nothing was disclosed.")
                }
                throw CaseloadError.invalidInput("Could not create '\(StaffValidation.printable(path))': \(String(cString: strerror(errno))). Nothing was disclosed.")
            }
            var ok = true
            Array(text.utf8).withUnsafeBytes { buf in
                var off = 0
                while off < buf.count {
                    let n = write(fd, buf.baseAddress! + off, buf.count - off)
                    if n <= 0 { ok = false; break }
                    off += n
                }
            }
            if fsync(fd) != 0 { ok = false }
            close(fd)
            if !ok {
                unlink(path)
                throw CaseloadError.invalidInput("Could not write '\(StaffValidation.printable(path))' (is the disk full?). Nothing was disclosed.")
            }
        }
        print("Disclosed to \(d.recipient) under consent \(d.consentID): \(d.categories.map(\.label).joined(separator: "; ")). Written to \(path).")
    }
}

struct DisclosuresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disclosures",
        abstract: "List the disclosures made of a client's records (the accounting of disclosures).")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The client's chart number.", valueName: "mrn"))
    var client: String

    @OptionGroup var identity: IdentityOptions
    @OptionGroup var emergency: EmergencyOptions

    func run() throws {
        let repository = try store.openStore()
        let me = try SignIn.identify(in: repository, switchingTo: identity.asUser)
        try SignIn.emergency(emergency, mrn: client, me, in: repository)
        let clientID = try repository.clientID(typedMRN: client, what: "accounting of disclosures")
        guard let found = try repository.client(mrn: MRN.normalized(client)) else {
            throw CaseloadError.notFound(what: "A client with chart number '\(StaffValidation.printable(client))'")
        }
        let rows = try repository.disclosures(clientID: clientID)
        try repository.record(.view, by: me.staff, clientID: clientID, subject: "disclosures",
                              detail: SignIn.auditDetail(me, what: "listed the accounting of disclosures"))
        print(DisclosuresCommand.table(rows, client: found))
    }

    static func table(_ rows: [Disclosure], client: Client) -> String {
        var out = ["Disclosures of \(client.displayName) (MRN \(client.mrn)) under 42 CFR Part 2 consents"]
        if rows.isEmpty { return (out + ["  none"]).joined(separator: "\n") }
        let header = ["DATE", "RECIPIENT", "PURPOSE", "INFORMATION", "CONSENT", "DISCLOSED BY"]
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone.current
        f.dateFormat = "yyyy-MM-dd HH:mm"
        let body = rows.map { d in
            [f.string(from: d.disclosedAt), d.recipient, d.purpose, d.categories.isEmpty ? d.information : d.categories.map(\.rawValue).joined(separator: ","),
             "\(d.consentID)", d.staffName]
        }
        let widths = header.indices.map { i in ([header] + body).map { DisplayWidth.of($0[i]) }.max() ?? 0 }
        for r in [header] + body {
            out.append(r.enumerated().map { i, v in i == r.count - 1 ? v : DisplayWidth.pad(v, to: widths[i]) }
                .joined(separator: "  "))
        }
        return out.joined(separator: "\n")
    }
}
