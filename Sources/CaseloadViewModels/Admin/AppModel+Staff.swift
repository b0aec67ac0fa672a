// `:staff`: opening the staff accounts screen and carrying out one change through StaffAdministration.
import CaseloadCore

extension AppModel {
    func openStaff() {
        guard identity.staff.role == .admin else {
            message = Message("Staff accounts are managed by administrators.", .info)
            return
        }
        guard let admin = staffAdmin else {
            message = Message("This store cannot manage staff accounts.", .warning)
            return
        }
        do {
            let state = StaffAdminState(staff: try admin.allStaff(), area: contentArea)
            if case .staff = current { replaceTop(.staff(state)) } else { stack.append(.staff(state)) }
        } catch {
            message = Message("Could not read the staff accounts: \(describe(error))", .error)
        }
    }

    /// Adds the account the `:staff` screen asked for; a refusal comes back to the first question with what was typed.
    func addStaff(_ new: NewStaff) {
        guard let admin = staffAdmin, case .staff(var s) = current else { return }
        do {
            let added = try admin.addStaff(new, by: identity.staff, detail: nil)
            message = Message("Added \(added.role.label.lowercased()) '\(added.username)' (\(added.displayName)); they sign in as \(added.username).", .ok)
            if let rows = try? admin.allStaff() {
                s.staff = rows
                StaffScreen.relayout(&s)
                if let i = rows.firstIndex(where: { $0.id == added.id }) { s.cursor.select(i) }
            }
        } catch {
            message = Message(describe(error), .error)
            StaffScreen.startNew(&s, new)
        }
        replaceTop(.staff(s))
    }

    func changeStaff(_ username: String, _ change: StaffChange) {
        guard let admin = staffAdmin, case .staff(var s) = current else { return }
        do {
            let result = try admin.changeStaff(username: username, change, by: identity.staff)
            var sentence = "\(result.staff.username): \(result.summary)."
            if !result.staff.active && result.clientsStillAssigned > 0 {
                sentence += " \(Format.plural(result.clientsStillAssigned, "client")) still assigned to them."
            }
            message = Message(sentence, .ok)
        } catch {
            message = Message(describe(error), .error)
        }
        // The list as stored now, the same account selected.
        if let rows = try? admin.allStaff() {
            let id = s.selected?.id
            s.staff = rows
            StaffScreen.relayout(&s)
            if let i = rows.firstIndex(where: { $0.id == id }) { s.cursor.select(i) }
        }
        replaceTop(.staff(s))
    }
}
