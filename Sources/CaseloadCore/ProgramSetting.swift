// The program settings an administrator may change (`caseload settings set`), with their ranges and
// the sentences a bad value gets. The stored keys are the ones SettingsCodec writes.
import Foundation

public enum ProgramSetting: String, CaseIterable, Sendable {
    case programName = "program_name"
    case planReviewIntervalDays = "plan_review_interval_days"
    case planDueWarningDays = "plan_due_warning_days"
    case noContactWarningDays = "no_contact_warning_days"
    case unsignedNoteHours = "unsigned_note_hours"
    case minutesPerBillingUnit = "minutes_per_billing_unit"
    case defaultNoteTemplate = "default_note_template"
    case phases = "phases"
    case consecutiveAbsencesAlert = "consecutive_absences_alert"
    case supervisorCosignPlans = "supervisor_cosign_plans"
    case idleLockMinutes = "idle_lock_minutes"
    case clinicalFlags = "clinical_flags"
    case signRequiresPassphrase = "sign_requires_passphrase"

    public var key: String { rawValue }

    /// One line for `caseload settings`: what the value means.
    public var summary: String {
        switch self {
        case .programName: "the program's name, in the title bar and on printed plans"
        case .planReviewIntervalDays: "days from a plan's effective date to its next review (1-730)"
        case .planDueWarningDays: "days ahead a plan review shows as due (0-90)"
        case .noContactWarningDays: "days without a contact before a client is flagged (1-365)"
        case .unsignedNoteHours: "hours before an unsigned note counts as overdue (1-720)"
        case .minutesPerBillingUnit: "minutes of a session per billing unit (1-120)"
        case .defaultNoteTemplate: "template of a new note: dap, soap, birp or girp"
        case .phases: "the program's phases of treatment, separated by commas"
        case .consecutiveAbsencesAlert: "consecutive group absences that alert the counselor (1-20)"
        case .supervisorCosignPlans: "whether signed plans wait for a supervisor's co-signature (yes/no)"
        case .idleLockMinutes: "minutes without a key before the screen locks (1-120)"
        case .clinicalFlags: "client flags shown first and in full on every screen about the client, comma-separated"
        case .signRequiresPassphrase: "whether signing asks for the signer's passphrase, when they have one (yes/no)"
        }
    }

    public func value(in settings: ProgramSettings) -> String {
        switch self {
        case .programName: settings.programName
        case .planReviewIntervalDays: String(settings.planReviewIntervalDays)
        case .planDueWarningDays: String(settings.planDueWarningDays)
        case .noContactWarningDays: String(settings.noContactWarningDays)
        case .unsignedNoteHours: String(settings.unsignedNoteHours)
        case .minutesPerBillingUnit: String(settings.minutesPerBillingUnit)
        case .defaultNoteTemplate: settings.defaultNoteTemplate.rawValue
        case .phases: settings.phases.joined(separator: ", ")
        case .consecutiveAbsencesAlert: String(settings.consecutiveAbsencesAlert)
        case .supervisorCosignPlans: settings.supervisorCosignPlans ? "yes" : "no"
        case .idleLockMinutes: String(settings.idleLockMinutes)
        case .clinicalFlags: settings.clinicalFlags.joined(separator: ", ")
        case .signRequiresPassphrase: settings.signRequiresPassphrase ? "yes" : "no"
        }
    }

    /// Sets the value from the text an administrator typed; a bad value throws a sentence naming the setting
    /// and the values it takes, and leaves `settings` unchanged.
    public func apply(_ input: String, to settings: inout ProgramSettings) throws {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        func number(_ range: ClosedRange<Int>) throws -> Int {
            guard let n = Int(text), range.contains(n) else {
                throw CaseloadError.invalidInput(
                    "\(key) takes a whole number from \(range.lowerBound) to \(range.upperBound); '\(Self.printable(text))' is not one.")
            }
            return n
        }
        func name(_ s: String, what: String) throws -> String {
            guard !s.isEmpty else { throw CaseloadError.invalidInput("\(key): \(what) cannot be empty.") }
            guard s.count <= 80 else { throw CaseloadError.invalidInput("\(key): \(what) is longer than 80 characters.") }
            guard !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw CaseloadError.invalidInput("\(key): \(what) contains a control character.")
            }
            return s
        }
        func yesNo() throws -> Bool {
            switch text.lowercased() {
            case "yes", "true", "on", "1": return true
            case "no", "false", "off", "0": return false
            default: throw CaseloadError.invalidInput("\(key) is yes or no; '\(Self.printable(text))' is neither.")
            }
        }
        switch self {
        case .programName: settings.programName = try name(text, what: "the program's name")
        case .planReviewIntervalDays: settings.planReviewIntervalDays = try number(1...730)
        case .planDueWarningDays: settings.planDueWarningDays = try number(0...90)
        case .noContactWarningDays: settings.noContactWarningDays = try number(1...365)
        case .unsignedNoteHours: settings.unsignedNoteHours = try number(1...720)
        case .minutesPerBillingUnit: settings.minutesPerBillingUnit = try number(1...120)
        case .defaultNoteTemplate:
            guard let t = NoteTemplate(rawValue: text.lowercased()) else {
                throw CaseloadError.invalidInput(
                    "\(key) is one of dap, soap, birp or girp; '\(Self.printable(text))' is not.")
            }
            settings.defaultNoteTemplate = t
        case .phases:
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !parts.isEmpty else { throw CaseloadError.invalidInput("\(key) needs at least one phase.") }
            var seen = Set<String>()
            var phases: [String] = []
            for p in parts {
                let phase = try name(p, what: "a phase's name")
                guard seen.insert(phase.lowercased()).inserted else {
                    throw CaseloadError.invalidInput("\(key): the phase '\(phase)' is named twice.")
                }
                phases.append(phase)
            }
            settings.phases = phases
        case .clinicalFlags:
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !parts.isEmpty else {
                throw CaseloadError.invalidInput("\(key) needs at least one flag (the default is \(ProgramSettings.defaultClinicalFlags.joined(separator: ", "))).")
            }
            settings.clinicalFlags = try parts.map { try name($0, what: "a flag") }
        case .consecutiveAbsencesAlert: settings.consecutiveAbsencesAlert = try number(1...20)
        case .idleLockMinutes: settings.idleLockMinutes = try number(1...120)
        case .supervisorCosignPlans: settings.supervisorCosignPlans = try yesNo()
        case .signRequiresPassphrase: settings.signRequiresPassphrase = try yesNo()
        }
    }

    /// The setting for a key as typed (dashes accepted for underscores), or a sentence listing the keys.
    public static func named(_ typed: String) throws -> ProgramSetting {
        let key = typed.lowercased().replacingOccurrences(of: "-", with: "_")
        if let s = ProgramSetting(rawValue: key) { return s }
        throw CaseloadError.invalidInput(
            "There is no setting '\(printable(typed))'. Settings: \(allCases.map(\.key).joined(separator: ", ")).")
    }

    /// Text quoted back to the person without control characters (a pasted escape never reaches the terminal).
    static func printable(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }).prefix(60))
    }
}
