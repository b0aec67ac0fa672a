// What a screen's reducer asks the app to do: side effects returned as values (Bubble Tea's Cmd),
// so reducers stay pure and the app model is the only code that talks to the repository.
import CaseloadCore

public enum Request: Hashable, Sendable {
    case none
    /// Leave this screen (pop the stack).
    case back
    case openChart(clientID: RowID)
    case openCaseload
    /// `:staff`: the staff accounts (administrators).
    case openStaff
    case changeStaff(username: String, StaffChange)
    /// The `:staff` screen's new account, as typed.
    case addStaff(NewStaff)
    case loadCaseload(CaseloadScope)
    case loadChartTab(ChartTab)
    case loadMoreNotes(offset: Int)
    case loadNote(RowID)
    // Groups and attendance (the app model talks to the GroupRepository).
    case openGroups
    case openGroup(groupID: RowID)
    case openSheet(sessionID: RowID)
    /// Home's "Groups today": today's session of the group, created from the schedule if not there yet.
    case openTodaysSession(groupID: RowID, sessionID: RowID?)
    case reloadSheet(sessionID: RowID)
    /// `expectedRevision`: the member's mark as the sheet showed it (0: unmarked); nil overwrites what is
    /// stored (after a conflict the person chose so).
    case mark(sessionID: RowID, clientID: RowID, status: AttendanceStatus, minutes: Int, line: String?,
              expectedRevision: Int?)
    /// Members the sheet showed unmarked; one marked meanwhile by someone else keeps their mark.
    case markMany(sessionID: RowID, clientIDs: [RowID], status: AttendanceStatus, minutes: Int)
    /// `expectedRevision` nil: overwrite whatever is stored now (after a conflict the user chose so).
    case saveGroupNote(sessionID: RowID, topic: String, note: String, expectedRevision: Int?)
    case signSession(sessionID: RowID)
    case enroll(groupID: RowID, mrn: String)
    case discharge(groupID: RowID, memberID: RowID)
    /// A session of the group on that day and time, that long (the group screen asked, prefilled from its schedule).
    case addSession(groupID: RowID, date: Day, startMinute: Int, minutes: Int)
    case saveGroup(CounselingGroup, facilitatorIDs: [RowID])
    /// A new group from the Groups list; `facilitatorUsername` nil: the person creating it facilitates.
    case createGroup(CounselingGroup, facilitatorUsername: String?)
    /// Progress notes: the editor, signing, addenda, search and co-signing (AppModel+Notes).
    case notes(NoteRequest)
    /// Referrals, drug screens, contacts and reports (AppModel+CaseManagement).
    case caseManagement(CaseRequest)
    /// Treatment plans: the Plan tab editor, signing, review, printing and plans due (AppModel+Plans).
    case plans(PlanRequest)
    /// Show a sentence on the message line.
    case message(String, Role)
}

/// A rectangle of the screen given to a screen to draw in.
public struct Rect: Hashable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
}

/// Lays out labelled items left to right, starting a new line when the next would not fit.
enum Flow {
    static func lines(_ items: [[Span]], width: Int, gap: Int = 3) -> [StyledLine] {
        var out: [StyledLine] = [], current: [Span] = [], used = 0
        for item in items {
            let w = item.reduce(0) { $0 + DisplayWidth.of($1.text) }
            if used > 0 && used + gap + w > width {
                out.append(StyledLine(current)); current = []; used = 0
            }
            if used > 0 { current.append(Span(String(repeating: " ", count: gap))); used += gap }
            current += item; used += w
        }
        if !current.isEmpty { out.append(StyledLine(current)) }
        return out
    }
}
