// Staff passphrases: the rules a new one must meet, and the protocol the lock screen checks one through
// (the view-models never see the store or the key derivation).
import Foundation

/// Checks a staff member's passphrase; the store keeps only a salted hash from a slow KDF.
public protocol StaffAuthenticator: AnyObject {
    /// Whether the staff member has set a passphrase (`caseload passphrase`).
    func hasPassphrase(staffID: RowID) throws -> Bool
    /// True when `passphrase` is the one set; false when it is not, or none is set.
    func verifyPassphrase(_ passphrase: String, staffID: RowID) throws -> Bool
    /// The audit hook: lock, unlock, failed tries and lock-out are audit events like any other.
    func record(_ action: AuditAction, by staff: Staff, clientID: RowID?, subject: String, detail: String) throws
}

public enum PassphraseRules {
    public static let minimumLength = 10

    /// Throws the sentence a person should read when `passphrase` is not good enough for `username`.
    public static func check(_ passphrase: String, username: String) throws {
        if passphrase.isEmpty {
            throw CaseloadError.invalidInput("The passphrase is empty. Choose one of at least \(minimumLength) characters; a few words make a good one.")
        }
        if passphrase.count < minimumLength {
            throw CaseloadError.invalidInput("The passphrase has \(passphrase.count) characters; it needs at least \(minimumLength). A few words make a good one.")
        }
        if Set(passphrase).count == 1 {
            throw CaseloadError.invalidInput("The passphrase is one character repeated; choose one that is harder to guess.")
        }
        let bare = passphrase.trimmingCharacters(in: .whitespaces).lowercased()
        if bare == username.lowercased() {
            throw CaseloadError.invalidInput("The passphrase is your username; choose one that is harder to guess.")
        }
        if passphrase.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw CaseloadError.invalidInput("The passphrase contains a control character; use letters, digits, spaces and punctuation.")
        }
    }
}
