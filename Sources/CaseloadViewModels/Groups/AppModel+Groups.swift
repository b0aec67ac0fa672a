// The app model's half of groups and attendance: runs the Groups requests against the GroupRepository.
import Foundation
import CaseloadCore

extension AppModel {
    func performGroups(_ request: Request) {
        guard let repo = groups else {
            message = Message("This store has no groups.", .warning)
            return
        }
        let staff = identity.staff
        let today = clock.today()
        do {
            switch request {
            case .openGroups:
                if let i = stack.lastIndex(where: { if case .groups = $0 { true } else { false } }) {
                    stack.removeSubrange((i + 1)...)
                    reloadGroups()
                    return
                }
                stack.append(.groups(GroupsState(rows: try repo.groups(for: identity.staffID), area: contentArea,
                                                 modalities: try repo.modalities(),
                                                 mayNameFacilitator: staff.role == .admin || staff.role == .supervisor)))
            case .openGroup(let id):
                stack.append(.group(try loadGroup(id, repo)))
            case .openSheet(let sessionID):
                let sheet = try repo.attendanceSheet(sessionID: sessionID)
                stack.append(.sheet(SheetState(sheet: sheet, area: contentArea, utcOffset: Format.utcOffset(of: clock))))
            case let .openTodaysSession(groupID, sessionID):
                let id = try sessionID ?? repo.groupSessions(groupID: groupID, from: today, to: today).first?.id
                guard let id else {
                    message = Message("This group has no session today.", .info)
                    return
                }
                let sheet = try repo.attendanceSheet(sessionID: id)
                stack.append(.sheet(SheetState(sheet: sheet, area: contentArea, utcOffset: Format.utcOffset(of: clock))))
            case .reloadSheet(let sessionID):
                reloadSheet(sessionID, repo)
            case let .mark(sessionID, clientID, status, minutes, line, expected):
                defer { reloadSheet(sessionID, repo) }
                try moveIfMetEarly(sessionID, repo, today: today)
                do {
                    try repo.mark(sessionID: sessionID, clientID: clientID, status: status, minutes: minutes, line: line,
                                  expectedRevision: expected, by: staff)
                    if expected == nil { message = Message("Your mark replaced theirs.", .info) }
                } catch let c as EditConflict {
                    // The sheet shows their mark (reloaded), and asks whether ours goes over it.
                    reloadSheet(sessionID, repo)
                    guard case .sheet(var s) = current else { throw c }
                    _ = SheetScreen.reduce(&s, .markConflict(c, clientID: clientID, status: status, minutes: minutes, line: line))
                    replaceTop(.sheet(s))
                }
            case let .markMany(sessionID, clientIDs, status, minutes):
                defer { reloadSheet(sessionID, repo) }
                try moveIfMetEarly(sessionID, repo, today: today)
                var theirs: [String] = []
                for id in clientIDs {
                    do {
                        try repo.mark(sessionID: sessionID, clientID: id, status: status, minutes: minutes, line: nil,
                                      expectedRevision: 0, by: staff)
                    } catch let c as EditConflict {
                        theirs.append(c.changedBy)
                    }
                }
                let done = clientIDs.count - theirs.count
                var text = "\(Format.plural(done, "member")) marked \(status.label.lowercased())."
                if !theirs.isEmpty {
                    let who = Array(Set(theirs)).sorted().joined(separator: ", ")
                    text += " \(Format.plural(theirs.count, "member")) marked by \(who) meanwhile kept their mark."
                }
                message = Message(text, theirs.isEmpty ? .info : .warning)
            case let .saveGroupNote(sessionID, topic, note, expected):
                let revision = try expected ?? repo.attendanceSheet(sessionID: sessionID).session.revision
                do {
                    try repo.saveGroupNote(sessionID: sessionID, topic: topic, note: note, expectedRevision: revision,
                                           by: staff)
                    message = Message("Saved.", .info)
                    reloadSheet(sessionID, repo)
                } catch let c as EditConflict {
                    guard case .sheet(var s) = current else { throw c }
                    _ = SheetScreen.reduce(&s, .conflict(c, topic: topic, note: note))
                    replaceTop(.sheet(s))
                }
            case .signSession(let sessionID):
                try repo.signGroupSession(sessionID: sessionID, by: staff)
                reloadSheet(sessionID, repo)
                message = Message("Signed. The sheet is now read-only.", .info)
            case let .enroll(groupID, mrn):
                let name: String
                do {
                    name = try repo.enroll(mrn: mrn, groupID: groupID, on: today, by: staff)
                } catch CaseloadError.notFound {
                    message = Message("No client has the MRN “\(mrn)”.", .error)
                    return
                }
                reloadGroup(groupID)
                message = Message("\(name) joined the group today.", .info)
            case let .discharge(groupID, memberID):
                try repo.discharge(memberID: memberID, on: today, by: staff)
                reloadGroup(groupID)
                message = Message("Discharged from the group today; their attendance history stays.", .info)
            case let .addSession(groupID, date, startMinute, minutes):
                guard case .group = current else { return }
                let s = try repo.addSession(groupID: groupID, date: date, startMinute: startMinute, minutes: minutes, by: staff)
                reloadGroup(groupID)
                if case .group(var g2) = current, let i = g2.sessions.firstIndex(where: { $0.id == s.id }) {
                    g2.pane = .sessions; g2.sessionCursor.select(i); replaceTop(.group(g2))
                }
                message = Message("Session added for \(date == today ? "today" : date.description) at \(formatClockTime(startMinute)). Enter opens its sheet.", .info)
            case let .saveGroup(group, facilitatorIDs):
                let saved = try repo.saveGroup(group, facilitatorIDs: facilitatorIDs, by: staff)
                reloadGroup(saved.id!)
                message = Message("Group “\(saved.name)” saved.", .info)
            case let .createGroup(group, username):
                var facilitator = identity.staffID
                if let username {
                    guard let other = try repository.staff(username: username), let id = other.id else {
                        message = Message("No staff member has the username “\(username)”; nothing was saved.", .error)
                        return
                    }
                    facilitator = id
                }
                let saved = try repo.saveGroup(group, facilitatorIDs: [facilitator], by: staff)
                reloadGroups()
                if case .groups(var s) = current, let i = s.rows.firstIndex(where: { $0.id == saved.id }) {
                    s.cursor.select(i); replaceTop(.groups(s))
                }
                message = Message("Group “\(saved.name)” created. Enter opens it; e there enrolls clients.", .info)
            default:
                break
            }
        } catch {
            message = Message(describe(error), .error)
        }
    }

    private func loadGroup(_ id: RowID, _ repo: any GroupRepository) throws -> GroupState {
        guard let row = try repo.groups(for: identity.staffID).first(where: { $0.id == id }) else {
            throw CaseloadError.notFound(what: "group")
        }
        let today = clock.today()
        return GroupState(row: row, roster: try repo.roster(groupID: id),
                          sessions: try repo.groupSessions(groupID: id, from: today.adding(days: -56), to: today.adding(days: 7)),
                          area: contentArea, today: today)
    }

    func reloadGroup(_ id: RowID) {
        guard let repo = groups, case .group(var s) = current else { return }
        do {
            let fresh = try loadGroup(id, repo)
            _ = GroupScreen.reduce(&s, .loaded(fresh.row, fresh.roster, fresh.sessions))
            replaceTop(.group(s))
        } catch {
            message = Message("Could not reload the group: \(describe(error))", .error)
        }
    }

    func reloadGroups() {
        guard let repo = groups, case .groups(var s) = current else { return }
        if let rows = try? repo.groups(for: identity.staffID) {
            _ = GroupsScreen.reduce(&s, .loaded(rows)); replaceTop(.groups(s))
        }
    }

    /// Reloads after every change so marks a co-facilitator made meanwhile show up too.
    /// A session of a later day that is being marked met early: it is dated today first, and says so (the store
    /// refuses marks before a session's day).
    private func moveIfMetEarly(_ sessionID: RowID, _ repo: any GroupRepository, today: Day) throws {
        guard case .sheet(let s) = current, s.sheet.session.date > today, s.sheet.session.signedAt == nil else { return }
        let from = s.sheet.session.date
        _ = try repo.moveSessionToToday(sessionID: sessionID, by: identity.staff)
        message = Message("This session was dated \(from); it met early, so it is now dated today, \(today).", .info)
    }

    func reloadSheet(_ sessionID: RowID, _ repo: any GroupRepository) {
        guard case .sheet(var s) = current, s.sessionID == sessionID else { return }
        do {
            _ = SheetScreen.reduce(&s, .loaded(try repo.attendanceSheet(sessionID: sessionID)))
            replaceTop(.sheet(s))
        } catch {
            message = Message("Could not reload the sheet: \(describe(error))", .error)
        }
    }
}
