// 42 CFR Part 2 consents (issue 6): the kinds of information a consent can cover, the § 2.31 checks the
// form and the store share, the § 2.32 notice every disclosure starts with, and what a store offers to
// record, revoke and disclose under a consent.
import Foundation

/// What a consent can let the program disclose: each is a part of the chart the disclosure can write.
/// Progress-note summaries are the date, modality and minutes of each session, never the note's text
/// (SUD counseling notes need a consent of their own, § 2.31(b)).
public enum DisclosureCategory: String, CaseIterable, Codable, Hashable, Sendable {
    case demographics
    case attendance
    case drugScreens = "drug_screens"
    case treatmentPlan = "treatment_plan"
    case progressSummaries = "progress_summaries"
    case problemList = "problem_list"
    case discharge

    public var label: String {
        switch self {
        case .demographics: "Demographics and contact"
        case .attendance: "Attendance and dosing-visit dates"
        case .drugScreens: "Drug-screen results"
        case .treatmentPlan: "Treatment plan"
        case .progressSummaries: "Progress-note summaries (date, modality, minutes)"
        case .problemList: "Diagnosis / problem list"
        case .discharge: "Discharge summary"
        }
    }
    /// In the form, where the column is narrow.
    public var shortLabel: String {
        switch self {
        case .demographics: "Demographics"
        case .attendance: "Attendance"
        case .drugScreens: "Drug screens"
        case .treatmentPlan: "Treatment plan"
        case .progressSummaries: "Note summaries"
        case .problemList: "Problem list"
        case .discharge: "Discharge"
        }
    }
    /// The categories in their canonical order, without duplicates.
    public static func ordered(_ set: some Sequence<DisclosureCategory>) -> [DisclosureCategory] {
        let s = Set(set)
        return allCases.filter { s.contains($0) }
    }
}

public enum PartTwo {
    /// The statement of the right to revoke kept with every consent (§ 2.31(a)(6)).
    public static let rightToRevoke = """
        The patient may revoke this consent at any time, in writing or by telling their counselor, except to the \
        extent that the program has already acted on it. A revocation does not undo a disclosure already made.
        """

    /// The notice of § 2.32(a)(1) that accompanies each disclosure made with the patient's consent, in the words
    /// of the 2024 final rule: its three exceptions to the ban on redisclosure, and the reminder that a general
    /// authorization is not a Part 2 consent.
    public static let notice = """
        This record, which has been disclosed to you, is protected by federal confidentiality rules (42 CFR part 2). \
        These rules prohibit you from using or disclosing this record, or testimony that describes the information \
        contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, \
        State, or local authority, against the patient, unless authorized by the consent of the patient, except as \
        provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, \
        the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of \
        the following applies: (i) further use or disclosure is expressly permitted by the written consent of the \
        individual whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2; \
        (ii) you are a covered entity or business associate and have received the record for treatment, payment, or \
        health care operations; or (iii) you have received the record from a covered entity or business associate as \
        permitted by 45 CFR part 164, subparts A and E. A general authorization for the release of medical or other \
        information is NOT sufficient to meet the required elements of written consent to further use or redisclose \
        the record (see 42 CFR 2.31).
        """
}

extension Consent {
    /// The fields of the consent form, in order, so a problem points at its field.
    public enum Field: Int, CaseIterable, Sendable {
        case discloser, recipient, purpose, categories, expiresOn, expirationEvent, signedOn, signedBy
    }
    /// What `signedBy` says when the patient signed themselves (the form's default).
    public static let signedByPatient = "the patient"
    public struct Invalid: Error, Hashable, Sendable {
        public var field: Field
        public var sentence: String
        public init(field: Field, sentence: String) { self.field = field; self.sentence = sentence }
    }
    public static let maxText = 500

    /// The consent trimmed, with `informationCovered` written out from the categories, or the first
    /// § 2.31 element that is missing or wrong. The store checks with this too.
    public func validated(today: Day) -> Result<Consent, Invalid> {
        var c = self
        func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        c.discloser = clean(c.discloser); c.recipient = clean(c.recipient); c.purpose = clean(c.purpose)
        c.expirationEvent = c.expirationEvent.map(clean).flatMap { $0.isEmpty ? nil : $0 }
        func tooLong(_ value: String, _ field: Field, _ what: String) -> Invalid? {
            value.count > Self.maxText
                ? Invalid(field: field, sentence: "The \(what) is too long (\(value.count) characters; at most \(Self.maxText)).") : nil
        }
        if c.discloser.isEmpty {
            return .failure(Invalid(field: .discloser, sentence: "Give who may disclose: the program's name."))
        }
        if c.recipient.isEmpty {
            return .failure(Invalid(field: .recipient,
                                    sentence: "Give the recipient: a person or organization by name, or a class such as \"my treating providers\"."))
        }
        if c.purpose.isEmpty {
            return .failure(Invalid(field: .purpose, sentence: "Give the purpose of the disclosure."))
        }
        if let bad = tooLong(c.discloser, .discloser, "name of who may disclose") ?? tooLong(c.recipient, .recipient, "recipient")
            ?? tooLong(c.purpose, .purpose, "purpose") ?? tooLong(c.expirationEvent ?? "", .expirationEvent, "expiration event") {
            return .failure(bad)
        }
        c.categories = DisclosureCategory.ordered(c.categories)
        if c.categories.isEmpty {
            return .failure(Invalid(field: .categories,
                                    sentence: "Choose at least one kind of information the consent covers."))
        }
        if c.expiresOn == nil && c.expirationEvent == nil {
            return .failure(Invalid(field: .expiresOn,
                                    sentence: "Give an expiration date or an expiration event: a consent must say when it ends."))
        }
        if c.signedOn > today {
            return .failure(Invalid(field: .signedOn, sentence: "The signature date (\(c.signedOn)) is in the future."))
        }
        if let e = c.expiresOn, e < c.signedOn {
            return .failure(Invalid(field: .expiresOn,
                                    sentence: "The expiration date (\(e)) is before the signature date (\(c.signedOn))."))
        }
        c.signedBy = clean(c.signedBy)
        if c.signedBy.isEmpty {
            return .failure(Invalid(field: .signedBy, sentence:
                "Say who signed: \"\(Self.signedByPatient)\", or the name and authority of who signed for them (e.g. \"Ana Ruiz, mother (patient is a minor)\")."))
        }
        if let bad = tooLong(c.signedBy, .signedBy, "name of who signed") { return .failure(bad) }
        if c.signedBy.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .failure(Invalid(field: .signedBy, sentence: "Who signed contains control characters; type it as plain text."))
        }
        if clean(c.revocationStatement).isEmpty { c.revocationStatement = PartTwo.rightToRevoke }
        c.informationCovered = c.categories.map(\.label).joined(separator: "; ")
        return .success(c)
    }

    /// Why no disclosure may be made under this consent on `day`, or nil when it may.
    public func refusal(on day: Day) -> String? {
        let name = "Consent \(id.map(String.init) ?? "")".trimmingCharacters(in: .whitespaces)
        if let r = revokedOn, r <= day { return "\(name) was revoked on \(r): nothing may be disclosed under it." }
        if signedOn > day { return "\(name) is not signed yet (signature date \(signedOn)): nothing may be disclosed under it." }
        if let e = expiresOn, e < day { return "\(name) expired on \(e): nothing may be disclosed under it." }
        if categories.isEmpty {
            return "\(name) names no category of information this program can disclose; record a new consent that chooses them."
        }
        return nil
    }

    /// When it ends, in words.
    public var expiryText: String {
        switch (expiresOn, expirationEvent) {
        case let (d?, e?): "on \(d) or at \(e), whichever comes first"
        case let (d?, nil): "on \(d)"
        case let (nil, e?): "at \(e)"
        case (nil, nil): "—"
        }
    }
}

/// One line of the accounting of disclosures.
public struct Disclosure: Codable, Hashable, Sendable, Identifiable {
    public var id: RowID?
    public var clientID: RowID
    public var consentID: RowID
    public var staffID: RowID
    public var staffName: String
    public var disclosedAt: Date
    public var recipient: String
    public var purpose: String
    public var categories: [DisclosureCategory]
    /// The information disclosed in words (what a disclosure recorded before categories existed says).
    public var information: String
    public init(id: RowID?, clientID: RowID, consentID: RowID, staffID: RowID, staffName: String, disclosedAt: Date,
                recipient: String, purpose: String, categories: [DisclosureCategory], information: String = "") {
        self.id = id; self.clientID = clientID; self.consentID = consentID; self.staffID = staffID
        self.staffName = staffName; self.disclosedAt = disclosedAt; self.recipient = recipient; self.purpose = purpose
        self.categories = categories; self.information = information
    }
}

/// A consent of one of the counselor's clients that ends soon (Home).
public struct ConsentExpiring: Hashable, Sendable, Identifiable {
    public var consent: Consent
    public var clientName: String
    public var mrn: String
    public var id: RowID { consent.id! }
    public init(consent: Consent, clientName: String, mrn: String) {
        self.consent = consent; self.clientName = clientName; self.mrn = mrn
    }
}

public protocol ConsentRepository: AnyObject, Sendable {
    /// Creates (id nil) or updates a consent after `Consent.validated`; a stale `revision` throws EditConflict
    /// naming who saved it and when; a revoked consent is refused. Only the client's primary counselor, a
    /// supervisor or an administrator may. Audited. Returns it as stored.
    func saveConsent(_ consent: Consent, by staff: Staff) throws -> Consent
    /// Revokes it on `on` (not before its signature, not in the future) with how it was revoked; for good.
    func revokeConsent(id: RowID, revision: Int, on: Day, note: String, by staff: Staff) throws -> Consent
    /// Active consents of the counselor's clients whose expiration date falls within `days` of `day`.
    func consentsExpiring(counselorID: RowID, on day: Day, within days: Int) throws -> [ConsentExpiring]
    /// The accounting of disclosures of a client, oldest first.
    func disclosures(clientID: RowID) throws -> [Disclosure]
}

public enum DisclosureFormat: String, CaseIterable, Sendable {
    case text, json
}
