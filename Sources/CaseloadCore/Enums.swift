// The enumerations of the domain model (SPEC §3). Raw values are what the store keeps
// (and what its CHECK constraints allow); `label` is what a counselor reads.

public protocol DomainEnum: RawRepresentable, CaseIterable, Codable, Hashable, Sendable where RawValue == String {
    var label: String { get }
}

extension DomainEnum {
    /// The SQL list for a CHECK constraint: `'a','b','c'`.
    public static var sqlList: String { allCases.map { "'\($0.rawValue)'" }.joined(separator: ",") }
}

public enum StaffRole: String, DomainEnum {
    case counselor, facilitator, supervisor, admin
    public var label: String {
        switch self {
        case .counselor: "Counselor"
        case .facilitator: "Group facilitator"
        case .supervisor: "Clinical supervisor"
        case .admin: "Administrator"
        }
    }
}

public enum ClientStatus: String, DomainEnum {
    case active, onHold = "on_hold", discharged
    public var label: String {
        switch self {
        case .active: "Active"
        case .onHold: "On hold"
        case .discharged: "Discharged"
        }
    }
}

public enum Medication: String, DomainEnum {
    case methadone, buprenorphine, naltrexone
    public var label: String { rawValue.capitalized }
}

public enum SessionFormat: String, DomainEnum {
    case individual, group, family, phone, telehealth, noShow = "no_show"
    public var label: String {
        switch self {
        case .noShow: "No-show"
        default: rawValue.capitalized
        }
    }
    /// Whether a session of this format counts as contact with the client.
    public var isContact: Bool { self != .noShow }
}

public enum NoteTemplate: String, DomainEnum {
    case dap, soap, birp, girp
    public var label: String { rawValue.uppercased() }
    /// Section names in order; a note keeps one text per section.
    public var sections: [String] {
        switch self {
        case .dap: ["Data", "Assessment", "Plan"]
        case .soap: ["Subjective", "Objective", "Assessment", "Plan"]
        case .birp: ["Behavior", "Intervention", "Response", "Plan"]
        case .girp: ["Goal", "Intervention", "Response", "Plan"]
        }
    }

    /// The sections a signed note must have written: every one of the template's (a DAP note with no Assessment or
    /// Plan documents nothing a reviewer can follow). A no-show or a phone call needs one line saying what happened.
    public func missingSections(_ texts: [String], format: SessionFormat) -> [String] {
        let written = sections.indices.map { i in
            i < texts.count && !texts[i].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        if format == .noShow || format == .phone { return written.contains(true) ? [] : [sections[0]] }
        return sections.indices.filter { !written[$0] }.map { sections[$0] }
    }

    /// The sentence that refuses a signature while `missing` sections are empty; nil when none is.
    public func signingRefusal(_ texts: [String], format: SessionFormat) -> String? {
        let missing = missingSections(texts, format: format)
        guard !missing.isEmpty else { return nil }
        let names = missing.count == 1 ? missing[0]
            : missing.dropLast().joined(separator: ", ") + " and " + missing.last!
        if format == .noShow || format == .phone {
            return "Write what happened (one line) before signing this \(format.label.lowercased()) note."
        }
        return "Write the \(names) \(missing.count == 1 ? "section" : "sections") before signing: a \(label) note needs every section."
    }
}

public enum NoteStatus: String, DomainEnum {
    case draft, signed
    public var label: String { rawValue.capitalized }
}

public enum PlanStatus: String, DomainEnum {
    /// draft: being written; signed: in force and immutable; superseded: a later version was signed.
    case draft, signed, superseded
    public var label: String { rawValue.capitalized }
}

public enum GoalKind: String, DomainEnum {
    case abstinence, harmReduction = "harm_reduction", health, mentalHealth = "mental_health", housing,
         employmentEducation = "employment_education", family, legal, other
    public var label: String {
        switch self {
        case .abstinence: "Abstinence"
        case .harmReduction: "Harm reduction"
        case .health: "Health"
        case .mentalHealth: "Mental health"
        case .housing: "Housing"
        case .employmentEducation: "Employment / education"
        case .family: "Family"
        case .legal: "Legal"
        case .other: "Other"
        }
    }
}

public enum GoalStatus: String, DomainEnum {
    case active, met, revised, discontinued
    public var label: String { rawValue.capitalized }
}

public enum ObjectiveStatus: String, DomainEnum {
    case notStarted = "not_started", inProgress = "in_progress", met, revised, discontinued
    public var label: String {
        switch self {
        case .notStarted: "Not started"
        case .inProgress: "In progress"
        default: rawValue.capitalized
        }
    }
}

public enum FrequencyPeriod: String, DomainEnum {
    case week, month
    public var label: String { rawValue }
}

public enum SignatureRole: String, DomainEnum {
    case client, counselor, supervisor, physician
    public var label: String { rawValue.capitalized }
}

public enum GroupSessionStatus: String, DomainEnum {
    case scheduled, held, cancelled
    public var label: String { rawValue.capitalized }
}

public enum AttendanceStatus: String, DomainEnum {
    /// `notRecorded`: the facilitator says, when signing, that nobody knows whether this member came (rather
    /// than leave them unmarked): no minutes, not attended, and its own column in reports.
    case present, absent, excused, late, leftEarly = "left_early", notRecorded = "not_recorded"
    public var label: String {
        switch self {
        case .leftEarly: "Left early"
        case .notRecorded: "Not recorded"
        default: rawValue.capitalized
        }
    }
    /// One-character marker so state never depends on colour alone.
    public var marker: String {
        switch self {
        case .present: "P"
        case .absent: "A"
        case .excused: "E"
        case .late: "L"
        case .leftEarly: "O"
        case .notRecorded: "N"
        }
    }
    public var attended: Bool { self == .present || self == .late || self == .leftEarly }
}

public enum ScreenResult: String, DomainEnum {
    case positive, negative, notTested = "not_tested"
    public var label: String {
        switch self {
        case .positive: "Positive"
        case .negative: "Negative"
        case .notTested: "Not tested"
        }
    }
    public var marker: String {
        switch self {
        case .positive: "+"
        case .negative: "-"
        case .notTested: "·"
        }
    }
}

public enum Substance: String, DomainEnum {
    case opioids, fentanyl, methadone, buprenorphine, cocaine, amphetamines, benzodiazepines, cannabis, alcohol, other
    public var label: String { rawValue.capitalized }
}

public enum ReferralType: String, DomainEnum {
    case housing, vocational, education, mentalHealth = "mental_health", medical, psychiatric, legal, benefits,
         transportation, peerSupport = "peer_support", other
    public var label: String {
        switch self {
        case .vocational: "Vocational training"
        case .mentalHealth: "Mental health"
        case .peerSupport: "Peer support"
        default: rawValue.capitalized
        }
    }
}

public enum ReferralStatus: String, DomainEnum {
    case made, accepted, completed, declined, noShow = "no_show"
    public var label: String {
        switch self {
        case .noShow: "No-show"
        default: rawValue.capitalized
        }
    }
}

public enum AuditAction: String, DomainEnum {
    case view, create, update, sign, export, print, login, logout, lock, unlock, failedLogin = "failed_login",
         refused, breakGlass = "break_glass", disclose
    public var label: String {
        switch self {
        case .failedLogin: "Failed login"
        case .breakGlass: "Break-glass access"
        default: rawValue.capitalized
        }
    }
}
