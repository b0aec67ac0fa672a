// Who may see what of a client's chart (issue 6). The store decides, on every call that touches a
// client, from the staff member's current role and assignments; view-models only show the answer.
//
// - a counselor or facilitator: the whole chart of the clients whose primary counselor they are, and the
//   group part (header, and the memberships and attendance of their own groups) of the members of groups
//   they facilitate;
// - a clinical supervisor: the same, plus the whole chart of every client of the staff they supervise
//   (directly, or through the supervisors under them);
// - an administrator: no chart, only through emergency ("break-glass") access, which asks for a reason,
//   is recorded, and lasts for the session. Anyone may use emergency access; it is always recorded.
import Foundation

public enum ClientAccess: Hashable, Sendable {
    /// Why the whole chart is open to this person.
    public enum Basis: String, Hashable, Sendable {
        case system         // a store opened by the program itself (demo generator, migrations): no person
        case ownCaseload    // the client's primary counselor
        case team           // the supervisor of the client's counselor
        case emergency      // break-glass access granted in this session, with a recorded reason
    }
    /// Nothing of this chart: the client is not on the person's caseload, team or groups.
    case none
    /// The group part of the chart: the header and the memberships and attendance of these groups, which
    /// the person facilitates.
    case groupPart(groupIDs: [RowID])
    case full(Basis)

    public var isFull: Bool { if case .full = self { true } else { false } }
    public var isNone: Bool { self == .none }
    public var isEmergency: Bool { self == .full(.emergency) }
    /// The groups whose part of the chart the person sees (nil: all of the chart).
    public var groupIDs: [RowID]? { if case .groupPart(let g) = self { g } else { nil } }
}

/// The reason given for emergency access: trimmed, one line, long enough to mean something.
public enum EmergencyReason {
    public static let minimumLength = 12
    public static let maximumLength = 500

    public static func validate(_ text: String) -> Result<String, CaseloadError> {
        let oneLine = String(String.UnicodeScalarView(text.unicodeScalars.map {
            CharacterSet.controlCharacters.contains($0) ? " " : $0
        }))
        let reason = oneLine.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        if reason.count < minimumLength {
            return .failure(.invalidInput(
                "Give the reason in a few words (\(minimumLength) characters at least); it is recorded."))
        }
        if reason.count > maximumLength {
            return .failure(.invalidInput("The reason is \(reason.count) characters long; keep it under \(maximumLength)."))
        }
        return .success(reason)
    }
}
