// The automatic lock (SPEC §7): after the program's idle time, or on `:lock`, every draft is saved and the
// whole screen is replaced by one that shows no patient data; the staff member's passphrase opens it again.
// Five wrong tries, or no passphrase set at all, end the session.
import Foundation
import CaseloadCore

/// The lock screen's state; while it is set, every key goes to the passphrase field.
public struct LockState: Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        /// No key for this many seconds.
        case idle(seconds: Int)
        /// `:lock`.
        case command
    }
    public var reason: Reason
    /// What has been typed into the field (shown as bullets, never as text).
    public var typed: [Character] = []
    public var failures: Int = 0
    public var message: Message?
    public init(reason: Reason) { self.reason = reason }
}

extension AppModel {
    public static let maximumPassphraseTries = 5
    /// Longer than any passphrase a person types: a stuck key or a pasted document is cut off.
    static let passphraseFieldLimit = 256

    /// The idle time before the lock, in seconds: the program setting, or the override for tests.
    public var idleLockSeconds: Int { idleLockOverrideSeconds ?? max(1, settings.idleLockMinutes) * 60 }

    public var isLocked: Bool { lock != nil }

    /// `.tick`: locks when no key came for the idle time. Nil when it is not time yet.
    func lockIfIdle() -> Effect? {
        let idle = clock.now().timeIntervalSince(lastKeyAt)
        guard idle >= TimeInterval(idleLockSeconds) else { return nil }
        return lockNow(.idle(seconds: idleLockSeconds))
    }

    /// Saves every draft, then locks (or ends the session when there is no passphrase to unlock with).
    func lockNow(_ reason: LockState.Reason) -> Effect {
        saveDrafts()
        let why = Self.describe(reason)
        let hasPassphrase: Bool
        do {
            hasPassphrase = try authenticator?.hasPassphrase(staffID: identity.staffID) ?? false
        } catch {
            // Unable to tell: ending the session is the safe side; the drafts are saved.
            audit(.lock, "\(why); the passphrase could not be read (\(describe(error))), so the session was ended")
            exitMessage = "Caseload locked (\(why.lowercasedFirst)) and ended the session because your passphrase could not be checked: \(describe(error)). Your drafts were saved."
            return .quit
        }
        guard hasPassphrase else {
            audit(.lock, "\(why); no passphrase is set, so the session was ended")
            exitMessage = "Caseload locked (\(why.lowercasedFirst)) and ended the session because you have no passphrase yet. Your drafts were saved. Run 'caseload passphrase' to set one."
            return .quit
        }
        audit(.lock, why)
        lock = LockState(reason: reason)
        return .fullRedraw
    }

    /// Every event while locked; nil lets the normal handling run (resize and hang-up).
    func handleWhileLocked(_ event: InputEvent) -> Effect? {
        guard var state = lock else { return nil }
        switch event {
        case .tick: return Effect.none
        case .resize, .hangup: return nil
        case .key(let key):
            switch key {
            case .char(let c):
                if state.typed.count < Self.passphraseFieldLimit { state.typed.append(c) }
            case .paste(let text):
                let line = text.filter { $0 != "\n" && $0 != "\r" }
                state.typed.append(contentsOf: line.prefix(max(0, Self.passphraseFieldLimit - state.typed.count)))
            case .backspace:
                if !state.typed.isEmpty { state.typed.removeLast() }
            case .ctrl("u"), .escape:
                state.typed.removeAll()
            case .ctrl("l"):
                return .fullRedraw
            case .enter:
                return tryUnlock(&state)
            default:
                break
            }
            lock = state
            return .redraw
        }
    }

    private func tryUnlock(_ state: inout LockState) -> Effect {
        let typed = String(state.typed)
        state.typed.removeAll()
        guard !typed.isEmpty else {
            state.message = Message("Type your passphrase, then press Enter.", .info)
            lock = state
            return .redraw
        }
        let right: Bool
        do {
            right = try authenticator?.verifyPassphrase(typed, staffID: identity.staffID) ?? false
        } catch {
            // The store could not answer: not the person's mistake, so it does not count as a try.
            state.message = Message("Could not check the passphrase: \(describe(error)) Try again.", .error)
            lock = state
            return .redraw
        }
        if right {
            audit(.unlock, state.failures == 0 ? "unlocked with the passphrase"
                  : "unlocked with the passphrase after \(Format.plural(state.failures, "wrong try", "wrong tries"))")
            lock = nil
            lastKeyAt = clock.now()
            return .fullRedraw
        }
        state.failures += 1
        audit(.failedLogin, "wrong passphrase at the lock screen (\(state.failures) of \(Self.maximumPassphraseTries))")
        if state.failures >= Self.maximumPassphraseTries {
            audit(.refused, "locked out after \(Self.maximumPassphraseTries) wrong passphrases; the session was ended")
            lock = state
            exitMessage = "\(Self.maximumPassphraseTries) wrong passphrases: the session was ended. Your drafts were saved. Start Caseload again to sign in."
            return .quit
        }
        let left = Self.maximumPassphraseTries - state.failures
        state.message = Message("That passphrase is not right (\(state.failures) of \(Self.maximumPassphraseTries) tries; \(left) left before the session ends).", .error)
        lock = state
        return .redraw
    }

    private func audit(_ action: AuditAction, _ detail: String) {
        try? authenticator?.record(action, by: identity.staff, clientID: nil, subject: "session", detail: detail)
    }

    static func describe(_ reason: LockState.Reason) -> String {
        switch reason {
        case .idle(let seconds):
            seconds % 60 == 0 ? "Locked after \(Format.plural(seconds / 60, "minute")) without a key"
                : "Locked after \(Format.plural(seconds, "second")) without a key"
        case .command: "Locked with :lock"
        }
    }

    /// The whole frame while locked: built from nothing, so no cell of the screen underneath can show.
    func renderLock(_ state: LockState) -> ScreenBuffer {
        var buffer = ScreenBuffer(size: size)
        let w = size.width, h = size.height
        buffer.fill(x: 0, y: 0, width: w, height: 1, role: .title)
        buffer.put(DisplayWidth.truncate(" Caseload · Locked", to: w), x: 0, y: 0, role: .title)
        func centred(_ text: String, _ y: Int, _ role: Role) {
            guard y >= 0, y < h else { return }
            let t = DisplayWidth.truncate(text, to: max(0, w - 2))
            buffer.put(t, x: max(0, (w - DisplayWidth.of(t)) / 2), y: y, role: role)
        }
        let top = max(2, (h - 10) / 2)
        centred(settings.programName, top, .header)
        centred(Self.describe(state.reason) + ".", top + 2, .normal)
        centred("\(identity.staff.displayName) (\(identity.staff.username))", top + 4, .normal)
        let label = "Passphrase: "
        let fieldWidth = max(1, min(30, w - DisplayWidth.of(label) - 4))
        let fieldX = max(0, (w - DisplayWidth.of(label) - fieldWidth) / 2)
        let fieldY = min(h - 1, top + 6)
        let x = fieldX + buffer.put(label, x: fieldX, y: fieldY, role: .normal)
        buffer.fill(x: x, y: fieldY, width: min(fieldWidth, max(0, w - x)), height: 1, role: .commandLine)
        // Bullets, not the text; past the field's width only the last ones show (the count is no secret kept).
        let shown = min(state.typed.count, fieldWidth - 1)
        buffer.put(String(repeating: "•", count: shown), x: x, y: fieldY, role: .commandLine)
        buffer.cursor = Point(x: min(w - 1, x + shown), y: fieldY)
        if let m = state.message { centred(m.text, fieldY + 2, m.role) }
        centred("Type your passphrase and press Enter.", min(h - 3, fieldY + 4), .dim)
        centred("\(Self.maximumPassphraseTries) wrong tries end the session; your drafts are saved.", min(h - 2, fieldY + 5), .dim)
        Chrome.statusBar(into: &buffer, hints: [("Enter", "unlock"), ("Ctrl-U", "clear")], y: h - 1)
        return buffer
    }
}

extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
