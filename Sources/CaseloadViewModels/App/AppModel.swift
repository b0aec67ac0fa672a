// The app as one view-model: a stack of screens, the message line, the `:` prompt and the help
// overlay. It is the only part of the view-model layer that calls the repository.
import Foundation
import CaseloadCore

public enum Screen: Hashable, Sendable {
    case home(HomeState)
    case caseload(CaseloadState)
    case chart(ChartState)
    case groups(GroupsState)
    case group(GroupState)
    case sheet(SheetState)
    /// The note editor, an addendum, note search or the co-signature queue (Notes/).
    case notes(NotesScreen)
    /// `:reports`: caseload, overdue items and productivity (CaseManagement/ReportsScreen).
    case reports(ReportsState)
    /// `:plans`: plan reviews due and plans to co-sign (Plans/PlansDueScreen).
    case plansDue(PlansDueState)
    /// `:staff`: staff accounts for administrators (Admin/StaffScreen).
    case staff(StaffAdminState)

    public var title: String {
        switch self {
        case .home: "Home"
        case .caseload: "Caseload"
        case .chart: "Chart"
        case .groups: "Groups"
        case .group: "Group"
        case .sheet: "Attendance"
        case .notes(let s): s.title
        case .reports: "Reports"
        case .plansDue: "Plans due"
        case .staff: "Staff"
        }
    }
}

public struct Message: Hashable, Sendable {
    public var text: String
    public var role: Role
    public init(_ text: String, _ role: Role) { self.text = text; self.role = role }
}

/// What the bottom-but-one row is doing when it is not showing a message.
public enum Prompt: Hashable, Sendable {
    case command(LineEditor)
    case confirmQuit
    /// `:breakglass MRN`: the reason for emergency access to that chart.
    case breakGlass(mrn: String, LineEditor)
    /// The signer's passphrase before `request` (a signature) goes ahead; `tries` wrong ones so far.
    case signPassphrase(Request, LineEditor, tries: Int)
}

public final class AppModel {
    public static let minimumSize = Size(width: 60, height: 16)

    public let repository: any CaseloadRepository
    /// Groups and attendance; nil for a store without them (the Groups screen then says so).
    public let groups: (any GroupRepository)?
    /// Writing, signing and searching notes; nil for a read-only store (the editor then says so).
    public let notes: (any NoteRepository)?
    /// Editing, signing and reviewing treatment plans; nil for a read-only store.
    public let plans: (any PlanRepository)?
    /// Referrals, drug screens, contacts, follow-ups due and reports; nil for a store without them.
    public let caseManagement: (any CaseManagementRepository)?
    /// Staff accounts for `:staff`; nil where the store offers none.
    public let staffAdmin: (any StaffAdministration)?
    /// Checks the passphrase at the lock screen; nil: nobody can unlock, so the lock ends the session.
    public let authenticator: (any StaffAuthenticator)?
    public let identity: Identity
    public let clock: any Clock
    public let keyMap: KeyMap
    public private(set) var themeNames: [String]

    public private(set) var size: Size
    public internal(set) var stack: [Screen] = []
    public internal(set) var message: Message?
    public private(set) var prompt: Prompt?
    /// The signature whose passphrase was just given: `perform` lets it through once.
    private var verifiedSignature: Request?
    public private(set) var help: HelpState?
    public private(set) var settings: ProgramSettings
    /// The store's change token as last acted on (live refresh, AppModel+Refresh).
    var lastChangeToken: Int?
    /// Stack positions reloaded when they are on top again: another session changed the store meanwhile.
    var staleScreens: Set<Int> = []
    /// The lock screen, while locked (AppModel+Lock).
    public internal(set) var lock: LockState?
    /// When the last key came: the idle lock counts from here.
    var lastKeyAt = Date.distantPast
    /// Seconds before the idle lock instead of the program setting (tests; demo stores only from the CLI).
    public var idleLockOverrideSeconds: Int?
    /// Why the session ended, when the model ended it (lock-out, no passphrase): the front end prints it.
    public internal(set) var exitMessage: String?

    public init(repository: any CaseloadRepository, groups: (any GroupRepository)? = nil,
                notes: (any NoteRepository)? = nil, plans: (any PlanRepository)? = nil,
                caseManagement: (any CaseManagementRepository)? = nil,
                staffAdmin: (any StaffAdministration)? = nil, authenticator: (any StaffAuthenticator)? = nil,
                identity: Identity, clock: any Clock, size: Size, keyMap: KeyMap = .standard, themeNames: [String] = []) {
        self.repository = repository; self.groups = groups; self.notes = notes; self.plans = plans
        self.caseManagement = caseManagement; self.authenticator = authenticator
        self.staffAdmin = staffAdmin
        self.identity = identity; self.clock = clock; self.size = size
        self.keyMap = keyMap; self.themeNames = themeNames
        do {
            settings = try repository.settings()
        } catch {
            settings = ProgramSettings()
            message = Message("Could not read the program settings: \(describe(error)). Using defaults.", .error)
        }
        var home = HomeState(summary: nil, area: contentArea, noContactDays: settings.noContactWarningDays)
        do {
            _ = HomeScreen.reduce(&home, .loaded(try repository.homeSummary(for: identity.staffID, on: clock.today())))
            if let a = try groups?.absenceAlerts(counselorID: identity.staffID) { _ = HomeScreen.reduce(&home, .absences(a.count)) }
            loadHomeNotes(&home)
            loadHomeCaseCounts(&home)
        } catch {
            message = Message("Could not load today's overview: \(describe(error))", .error)
        }
        stack = [.home(home)]
        lastChangeToken = try? repository.changeToken()
        lastKeyAt = clock.now()
    }

    /// A group note or a progress note being written and not yet saved.
    public var hasUnsavedChanges: Bool { !unsavedGroupNotes.isEmpty || hasUnsavedNotes || hasUnsavedPlanEdits }

    private var unsavedGroupNotes: [SheetState] {
        stack.compactMap { screen in
            guard case .sheet(let s) = screen, !s.isSigned, let editor = s.noteEditor, editor.isChanged else { return nil }
            return s
        }
    }

    /// Hang-up, SIGTERM or lock: what was being written is saved rather than lost. A note someone else
    /// saved meanwhile is never overwritten silently: the save is refused (EditConflict) and theirs stays.
    public func saveDrafts() {
        saveNoteDrafts()
        savePlanForms()
        guard let repo = groups else { return }
        for s in unsavedGroupNotes {
            _ = try? repo.saveGroupNote(sessionID: s.sessionID, topic: s.sheet.session.topic,
                                        note: s.noteEditor!.text.text, expectedRevision: s.sheet.session.revision,
                                        by: identity.staff)
        }
    }

    public func themeApplied(name: String, error: String?) {
        if let error { message = Message(error, .error) } else { message = Message("Theme “\(name)” applied.", .info) }
    }

    public var current: Screen { stack[stack.count - 1] }

    /// The open question of the screen on top, if any (drawn on the message line).
    var screenPrompt: ScreenPrompt? {
        switch current {
        case .sheet(let s): s.prompt
        case .group(let s): s.prompt
        case .groups(let s): s.prompt
        default: nil
        }
    }

    private func isConflictPrompt(_ p: ScreenPrompt) -> Bool {
        if case .conflict = p.kind { return true } else { return false }
    }
    private func isMarkConflictPrompt(_ p: ScreenPrompt) -> Bool {
        if case .markConflict = p.kind { return true } else { return false }
    }

    var contentArea: Rect { Rect(x: 0, y: 1, width: size.width, height: max(1, size.height - 3)) }
    var isTooSmall: Bool { size.width < Self.minimumSize.width || size.height < Self.minimumSize.height }

    // MARK: - Events

    public func handle(_ event: InputEvent) -> Effect {
        if let effect = handleWhileLocked(event) { return effect }
        switch event {
        case .tick:
            if let effect = lockIfIdle() { return effect }
            let saved = autosaveNotes()
            return refreshIfChanged() == .redraw ? .redraw : saved
        case .hangup:
            saveDrafts()
            return .quit
        case .resize(let newSize):
            resize(newSize)
            return .fullRedraw
        case .key(let key):
            lastKeyAt = clock.now()
            let effect = handleKey(key)
            if !staleScreens.isEmpty { refreshStaleTop() }
            return effect
        }
    }

    private func resize(_ newSize: Size) {
        size = Size(width: max(1, newSize.width), height: max(1, newSize.height))
        let area = contentArea
        for i in stack.indices {
            switch stack[i] {
            case .home(var s): _ = HomeScreen.reduce(&s, .resized(area)); stack[i] = .home(s)
            case .caseload(var s): _ = CaseloadScreen.reduce(&s, .resized(area)); stack[i] = .caseload(s)
            case .chart(var s): _ = ChartScreen.reduce(&s, .resized(area)); stack[i] = .chart(s)
            case .groups(var s): _ = GroupsScreen.reduce(&s, .resized(area)); stack[i] = .groups(s)
            case .group(var s): _ = GroupScreen.reduce(&s, .resized(area)); stack[i] = .group(s)
            case .sheet(var s): _ = SheetScreen.reduce(&s, .resized(area)); stack[i] = .sheet(s)
            case .notes(var s): s.resize(area); stack[i] = .notes(s)
            case .reports(var s): s.area = area; stack[i] = .reports(s)
            case .plansDue(var s): s.area = area; PlansDueScreen.relayout(&s); stack[i] = .plansDue(s)
            case .staff(var s): s.area = area; StaffScreen.relayout(&s); stack[i] = .staff(s)
            }
        }
        if var h = help { h.resize(to: size, keyMap: keyMap, scopes: scopes); help = h }
    }

    var scopes: [KeyScope] {
        switch current {
        case .home: HomeScreen.scopes
        case .caseload: CaseloadScreen.scopes
        case .chart(let s): ChartScreen.scopes(s)
        case .groups: GroupsScreen.scopes
        case .group: GroupScreen.scopes
        case .sheet: SheetScreen.scopes
        case .notes(let s): s.scopes
        case .reports: ReportsScreen.scopes
        case .plansDue: PlansDueScreen.scopes
        case .staff: StaffScreen.scopes
        }
    }

    /// A multi-line text field has the keyboard, so Alt+key means word movement or deletion.
    var textEditorFocused: Bool {
        switch current {
        case .sheet(let s): s.noteEditor != nil
        case .notes(let s): s.textFocused
        case .chart(let s): PlanTab.textFocused(s)
        default: false
        }
    }

    private func handleKey(_ key: Key) -> Effect {
        if key == .ctrl("l") { return .fullRedraw }
        // Esc and a key that arrive in one read decode as Alt+key; outside a text field they are
        // what was typed: Esc, then the key.
        if !textEditorFocused {
            switch key {
            case .alt(let c): _ = handleKey(.escape); return handleKey(.char(c))
            case .altBackspace: _ = handleKey(.escape); return handleKey(.backspace)
            default: break
            }
        }
        if isTooSmall {
            // Nothing else is visible, so only quitting makes sense until the window grows.
            if keyMap.command(for: key, in: [.global]) == .quit { return requestQuit() }
            return .none
        }
        if let p = prompt { return handlePrompt(p, key) }
        if case .caseload(var s) = current, s.isSearching {
            message = nil
            let r = CaseloadScreen.reduce(&s, .searchKey(key))
            replaceTop(.caseload(s))
            return perform(r)
        }
        if let effect = notesRawKey(key) { return effect }
        if case .chart(var s) = current, ChartScreen.capturesKeys(s) {
            message = nil
            let r = ChartScreen.reduce(&s, .rawKey(key))
            replaceTop(.chart(s))
            return perform(r)
        }
        // A screen's own question (minutes, a line, y/n) takes every key until it is answered.
        if case .sheet(var s) = current, s.prompt != nil || s.noteEditor != nil {
            message = nil
            let r = SheetScreen.reduce(&s, .promptKey(key))
            replaceTop(.sheet(s))
            return perform(r)
        }
        if case .group(var s) = current, s.prompt != nil {
            message = nil
            let r = GroupScreen.reduce(&s, .promptKey(key))
            replaceTop(.group(s))
            return perform(r)
        }
        if case .staff(var s) = current, s.pending != nil {
            message = nil
            let r = StaffScreen.pendingKey(&s, key)
            replaceTop(.staff(s))
            return perform(r)
        }
        if case .groups(var s) = current, s.prompt != nil {
            message = nil
            let r = GroupsScreen.reduce(&s, .promptKey(key))
            replaceTop(.groups(s))
            return perform(r)
        }
        message = nil
        if var h = help {
            switch keyMap.command(for: key, in: [.help, .list, .global]) {
            case .back?: help = nil
            case .quit?: return requestQuit()
            case .commandLine?: help = nil; prompt = .command(LineEditor())
            case let c?: _ = h.cursor.applyPager(c); help = h
            case nil: break
            }
            return .redraw
        }
        guard let command = keyMap.command(for: key, in: scopes) else {
            if case .char(let c) = key { message = Message("The key “\(c)” does nothing here. Press ? for help.", .info) }
            return .redraw
        }
        switch command {
        case .quit: return requestQuit()
        case .help:
            help = HelpState(size: size, keyMap: keyMap, scopes: scopes)
            return .redraw
        case .commandLine:
            prompt = .command(LineEditor())
            return .redraw
        case .redraw:
            return .fullRedraw
        default:
            return dispatch(command, key)
        }
    }

    private func dispatch(_ command: Command, _ key: Key) -> Effect {
        let request: Request
        switch current {
        case .home(var s):
            request = HomeScreen.reduce(&s, .command(command)); replaceTop(.home(s))
        case .caseload(var s):
            request = CaseloadScreen.reduce(&s, .command(command)); replaceTop(.caseload(s))
        case .chart(var s):
            request = ChartScreen.reduce(&s, .command(command, key)); replaceTop(.chart(s))
        case .groups(var s):
            request = GroupsScreen.reduce(&s, .command(command)); replaceTop(.groups(s))
        case .group(var s):
            request = GroupScreen.reduce(&s, .command(command)); replaceTop(.group(s))
        case .sheet(var s):
            request = SheetScreen.reduce(&s, .command(command)); replaceTop(.sheet(s))
        case .notes(var s):
            request = NotesScreens.command(&s, command, key, keyMap: keyMap); replaceTop(.notes(s))
        case .reports(var s):
            request = ReportsScreen.reduce(&s, command); replaceTop(.reports(s))
        case .plansDue(var s):
            request = PlansDueScreen.reduce(&s, command); replaceTop(.plansDue(s))
        case .staff(var s):
            request = StaffScreen.reduce(&s, command); replaceTop(.staff(s))
        }
        return perform(request)
    }

    func replaceTop(_ screen: Screen) { stack[stack.count - 1] = screen }

    /// Runs what a reducer asked for, feeding results back as actions.
    @discardableResult
    func perform(_ request: Request) -> Effect {
        // A signature asks for the signer's passphrase first (ProgramSettings.signRequiresPassphrase), whichever
        // screen asked for it: one gate for notes, co-signatures, plans and group sessions.
        if Self.isSignature(request), signingNeedsPassphrase, verifiedSignature != request {
            prompt = .signPassphrase(request, LineEditor(), tries: 0)
            return .redraw
        }
        verifiedSignature = nil
        switch request {
        case .none:
            break
        case .message(let text, let role):
            message = Message(text, role)
        case .back:
            if stack.count > 1 { stack.removeLast(); refreshTop() }
        case .openCaseload:
            openCaseload()
        case .loadCaseload(let scope):
            guard case .caseload(var s) = current else { break }
            do {
                let rows = try repository.caseloadRows(for: identity.staffID, scope: scope, on: clock.today())
                _ = CaseloadScreen.reduce(&s, .loaded(rows, scope))
                s.absences = absenceAlerts
                s.screensDue = screensDueClients
                replaceTop(.caseload(s))
                message = Message("\(scope.label): \(Format.plural(rows.count, "client")).", .info)
            } catch {
                message = Message("Could not load the caseload: \(describe(error))", .error)
            }
        case .openChart(let clientID):
            openChart(clientID)
        case .openStaff:
            openStaff()
        case .changeStaff(let username, let change):
            changeStaff(username, change)
        case .addStaff(let new):
            addStaff(new)
        case .loadChartTab(let tab):
            loadTab(tab)
        case .loadMoreNotes(let offset):
            guard case .chart(var s) = current else { break }
            do {
                let more = try repository.notes(clientID: s.clientID, limit: ChartScreen.notesPage, offset: offset)
                _ = ChartScreen.reduce(&s, .moreNotesLoaded(more))
            } catch {
                _ = ChartScreen.reduce(&s, .loadFailed(.notes))
                message = Message("Could not load more notes: \(describe(error))", .error)
            }
            replaceTop(.chart(s))
        case .loadNote(let id):
            guard case .chart(var s) = current else { break }
            do {
                _ = ChartScreen.reduce(&s, .noteLoaded(try repository.note(id: id)))
                replaceTop(.chart(s))
            } catch {
                message = Message("Could not open the note: \(describe(error))", .error)
            }
        case .openGroups, .openGroup, .openSheet, .openTodaysSession, .reloadSheet, .mark, .markMany, .saveGroupNote, .signSession,
             .enroll, .discharge, .addSession, .saveGroup, .createGroup:
            performGroups(request)
        case .notes(let r):
            performNotes(r)
        case .caseManagement(let r):
            performCaseManagement(r)
        case .plans(let r):
            performPlans(r)
        }
        return .redraw
    }

    /// Screens under the top may be stale after a visit to a chart; Home is cheap to reload.
    func refreshTop() {
        // Another session changed the store while this screen was underneath: all of it reloads.
        if staleScreens.contains(stack.count - 1), !isBusy(current) {
            staleScreens.remove(stack.count - 1)
            refreshTopNow()
            return
        }
        if case .group(let g) = current { reloadGroup(g.groupID); return }
        if case .groups = current { reloadGroups(); return }
        guard case .home(var s) = current else { return }
        if let summary = try? repository.homeSummary(for: identity.staffID, on: clock.today()) {
            _ = HomeScreen.reduce(&s, .loaded(summary))
            if let a = try? groups?.absenceAlerts(counselorID: identity.staffID) { _ = HomeScreen.reduce(&s, .absences(a.count)) }
            loadHomeNotes(&s)
            loadHomeCaseCounts(&s)
            replaceTop(.home(s))
        }
    }

    /// What the store lets each role list (CaseloadStore/Access.swift): a supervisor their team's clients too.
    var allowedScopes: [CaseloadScope] {
        switch identity.staff.role {
        case .supervisor: [.mine, .team]
        case .counselor, .facilitator, .admin: [.mine]
        }
    }

    static let adminNoCaseload =
        "Administrators have no caseload and open a chart only in an emergency: :breakglass MRN asks for the reason and records it."

    private func openCaseload() {
        if case .caseload = current { return }
        if identity.staff.role == .admin {
            message = Message(Self.adminNoCaseload, .info)
            return
        }
        // Coming back to an existing caseload screen keeps its sort, filter and search.
        if let i = stack.lastIndex(where: { if case .caseload = $0 { true } else { false } }) {
            stack.removeSubrange((i + 1)...)
            return
        }
        do {
            let rows = try repository.caseloadRows(for: identity.staffID, scope: .mine, on: clock.today())
            var state = CaseloadState(rows: rows, scope: .mine, allowedScopes: allowedScopes, area: contentArea,
                                      today: clock.today(), dueSoonDays: settings.planDueWarningDays,
                                      phases: settings.phases)
            state.absences = absenceAlerts
            state.screensDue = screensDueClients
            stack.append(.caseload(state))
        } catch {
            message = Message("Could not load your caseload: \(describe(error))", .error)
        }
    }

    /// Only my own clients are flagged: absence alerts go to the primary counselor, whatever the scope.
    private var absenceAlerts: [RowID: Int] { (try? groups?.absenceAlerts(counselorID: identity.staffID)) ?? [:] }
    /// For the counselor's own clients, as Home counts them.
    var screensDueClients: Set<RowID> {
        Set(((try? caseManagement?.screensDue(counselorID: identity.staffID, on: clock.today())) ?? []).map(\.clientID))
    }

    private func openChart(_ clientID: RowID) {
        do {
            let summary = try repository.chartSummary(clientID: clientID)
            try repository.record(.view, by: identity.staff, clientID: clientID, subject: "chart",
                                  detail: "opened from \(current.title)")
            let state = ChartState(summary: summary, area: contentArea, today: clock.today(), settings: settings,
                                   utcOffset: Format.utcOffset(of: clock))
            stack.append(.chart(state))
            if summary.access.groupIDs != nil {
                message = Message("Group part only: you facilitate a group this client attends.", .info)
            }
        } catch CaseloadError.refused(let sentence) {
            message = Message(sentence, .warning)
        } catch {
            message = Message("Could not open the chart: \(describe(error))", .error)
        }
    }

    /// `:breakglass MRN` then the reason: emergency access for this session, recorded, and the chart opens.
    private func breakGlass(mrn: String, reason: String) -> Bool {
        do {
            let id = try repository.breakGlass(mrn: mrn, reason: reason, by: identity.staff)
            openChart(id)
            if case .chart(let s) = current, s.clientID == id {
                message = Message(s.summary.access.isEmergency
                    ? "Emergency access to chart \(s.summary.client.mrn) is recorded with your reason."
                    : "You already have access to chart \(s.summary.client.mrn); nothing was recorded as emergency access.", .warning)
            }
            return true
        } catch CaseloadError.invalidInput(let sentence) {
            message = Message(sentence, .error)
            return false
        } catch {
            message = Message(describe(error), .error)
            return true
        }
    }

    func loadTab(_ tab: ChartTab) {
        guard case .chart(var s) = current else { return }
        let id = s.clientID
        do {
            let data: ChartTabData
            switch tab {
            case .summary: return
            case .plan: data = .plan(try repository.currentPlan(clientID: id), versions: try repository.planVersions(clientID: id))
            case .notes:
                data = .notes(try repository.notes(clientID: id, limit: ChartScreen.notesPage, offset: 0),
                              total: try repository.noteCount(clientID: id))
            case .groups:
                data = .groups(try repository.groupMemberships(clientID: id),
                               try repository.attendanceHistory(clientID: id, limit: 200))
            case .screens: data = .screens(try repository.drugScreens(clientID: id, limit: 200))
            case .referrals: data = .referrals(try repository.referrals(clientID: id))
            case .contacts: data = .contacts(try repository.contacts(clientID: id))
            case .consents: data = .consents(try repository.consents(clientID: id))
            case .activity: data = .activity(try repository.activity(clientID: id, limit: 200))
            }
            _ = ChartScreen.reduce(&s, .tabLoaded(data))
            if tab == .plan { loadPlanExtras(&s) }
            // The Contacts tab says whether a consent in force covers each contact.
            if tab == .contacts, s.data[.consents] == nil {
                _ = ChartScreen.reduce(&s, .tabLoaded(.consents(try repository.consents(clientID: id))))
            }
            if tab == .notes {
                _ = ChartScreen.reduce(&s, .groupAttendanceLoaded(try repository.attendanceHistory(clientID: id, limit: 200)))
            }
        } catch {
            _ = ChartScreen.reduce(&s, .loadFailed(tab))
            message = Message("Could not load \(tab.title): \(describe(error))", .error)
        }
        replaceTop(.chart(s))
    }

    // MARK: - Prompt and commands

    private func requestQuit() -> Effect {
        if hasUnsavedChanges {
            prompt = .confirmQuit
            return .redraw
        }
        return .quit
    }

    /// Requests that put the signer's name on a record.
    static func isSignature(_ r: Request) -> Bool {
        switch r {
        case .notes(.save(_, then: .sign)), .notes(.sign), .notes(.cosign), .signSession,
             .plans(.sign), .plans(.laterSignature):
            return true
        default:
            return false
        }
    }

    var signingNeedsPassphrase: Bool {
        guard settings.signRequiresPassphrase, let authenticator else { return false }
        return (try? authenticator.hasPassphrase(staffID: identity.staffID)) ?? false
    }

    private func handlePrompt(_ p: Prompt, _ key: Key) -> Effect {
        switch p {
        case .signPassphrase(let request, var editor, let tries):
            switch editor.handle(key) {
            case .edited, .moved, .unhandled:
                prompt = .signPassphrase(request, editor, tries: tries)
                return .redraw
            case .cancel:
                prompt = nil
                message = Message("Not signed: no passphrase was given.", .info)
                return .redraw
            case .submit:
                let right = (try? authenticator?.verifyPassphrase(editor.text, staffID: identity.staffID)) ?? false
                if right {
                    prompt = nil
                    verifiedSignature = request
                    return perform(request)
                }
                try? authenticator?.record(.refused, by: identity.staff, clientID: nil, subject: "signature",
                                           detail: "a wrong passphrase was given to sign")
                if tries + 1 >= 3 {
                    prompt = nil
                    message = Message("Not signed: the passphrase was wrong three times.", .error)
                } else {
                    prompt = .signPassphrase(request, LineEditor(), tries: tries + 1)
                    message = Message("That is not your passphrase; try again (Esc: do not sign).", .error)
                }
                return .redraw
            }
        case .confirmQuit:
            prompt = nil
            if YesNo.isYes(key) { saveDrafts(); return .quit }
            message = Message("Still here. Nothing was lost.", .info)
            return .redraw
        case .breakGlass(let mrn, var editor):
            switch editor.handle(key) {
            case .edited, .moved, .unhandled:
                prompt = .breakGlass(mrn: mrn, editor)
            case .cancel:
                prompt = nil
                message = Message("No emergency access: nothing was opened or recorded.", .info)
            case .submit:
                // A reason too short keeps the line open with the sentence above it.
                prompt = breakGlass(mrn: mrn, reason: editor.text) ? nil : .breakGlass(mrn: mrn, editor)
            }
            return .redraw
        case .command(var editor):
            if key == .tab {
                let (text, candidates) = CommandPrompt.complete(editor.text, themeNames: themeNames)
                editor.setText(text)
                prompt = .command(editor)
                message = candidates.isEmpty ? nil : Message(candidates.joined(separator: "  "), .info)
                return .redraw
            }
            switch editor.handle(key) {
            case .edited, .moved:
                prompt = .command(editor)
                return .redraw
            case .cancel:
                prompt = nil
                return .redraw
            case .unhandled:
                if key == .backspace && editor.text.isEmpty { prompt = nil }
                return .redraw
            case .submit:
                prompt = nil
                return run(CommandPrompt.parse(editor.text))
            }
        }
    }

    private func run(_ command: ParsedCommand) -> Effect {
        switch command {
        case .empty:
            return .redraw
        case .quit:
            return requestQuit()
        case .help:
            help = HelpState(size: size, keyMap: keyMap, scopes: scopes)
            return .redraw
        case .caseload:
            return perform(.openCaseload)
        case .groups:
            return perform(.openGroups)
        case .search(let words):
            return perform(.notes(.openSearch(query: words, clientID: nil)))
        case .cosign:
            return perform(.notes(.openCosign))
        case .reports:
            return perform(.caseManagement(.openReports))
        case .plans:
            return perform(.plans(.openDue))
        case .staff:
            return perform(.openStaff)
        case .lock:
            return lockNow(.command)
        case .breakGlass(let mrn):
            guard let mrn else {
                message = Message("Give the chart number: :breakglass MRN (then the reason, which is recorded).", .error)
                return .redraw
            }
            message = Message("Emergency access to chart \(mrn): type the reason (recorded). Esc cancels.", .warning)
            prompt = .breakGlass(mrn: mrn, LineEditor())
            return .redraw
        case .home:
            stack.removeSubrange(1...)
            refreshTop()
            return .redraw
        case .theme(nil):
            message = themeNames.isEmpty ? Message("No themes were found.", .warning)
                : Message("Themes: " + themeNames.joined(separator: ", ") + ". Use :theme NAME.", .info)
            return .redraw
        case .theme(let name?):
            if !themeNames.isEmpty, !themeNames.contains(name) {
                message = Message("There is no theme “\(name)”. Themes: \(themeNames.joined(separator: ", ")).", .error)
                return .redraw
            }
            return .setTheme(name)
        case .unknown(let word):
            message = Message("“:\(word)” is not a command. Try :help for the list.", .error)
            return .redraw
        }
    }

    func describe(_ error: Error) -> String {
        if let e = error as? CaseloadError { return e.description }
        if let e = error as? EditConflict { return e.description }
        return String(describing: error)
    }

    // MARK: - Rendering

    public func render() -> ScreenBuffer {
        if let lock { return renderLock(lock) }
        var buffer = ScreenBuffer(size: size)
        if isTooSmall {
            TooSmall.render(into: &buffer, minimum: Self.minimumSize)
            return buffer
        }
        Chrome.titleBar(into: &buffer, screen: current.title, program: settings.programName, staff: identity.staff,
                        today: clock.today())
        switch current {
        case .home(let s): HomeScreen.render(s, into: &buffer)
        case .caseload(let s): CaseloadScreen.render(s, into: &buffer, showCursor: !s.isSearching)
        case .chart(let s): ChartScreen.render(s, into: &buffer)
        case .groups(let s): GroupsScreen.render(s, into: &buffer)
        case .group(let s): GroupScreen.render(s, into: &buffer)
        case .sheet(let s): SheetScreen.render(s, into: &buffer)
        case .notes(let s): NotesScreens.render(s, into: &buffer)
        case .reports(let s): ReportsScreen.render(s, into: &buffer)
        case .plansDue(let s): PlansDueScreen.render(s, into: &buffer)
        case .staff(let s): StaffScreen.render(s, into: &buffer)
        }
        let messageRow = size.height - 2
        var hints = keyMap.hints(for: scopes)
        if case .home = current { hints.removeAll { $0.label == "back" } }
        if case .sheet(let s) = current {
            // Ten sheet keys do not fit one bar; the five marks share one hint (help lists each).
            hints = s.noteEditor?.confirmingDiscard == true ? [("y", "discard"), ("n", "keep writing")]
                : s.noteEditor != nil ? [("Ctrl-S", "save"), ("Esc", "cancel")]
                : s.isSigned ? [("Esc", "back"), ("?", "help"), ("Q", "quit")]
                : [("p/a/e/l/o", "mark"), ("A", "all present"), ("n", "line"), ("w", "note"), ("S", "sign"),
                   ("Esc", "back"), ("?", "help")]
        }
        if case .chart(let s) = current, CaseTabs.capturesKeys(s) {
            hints = CaseForm.hints
            // "←→ choose" only where the form has a choice to make.
            if s.caseTab.form?.fields.contains(where: \.isChoice) == false { hints.removeAll { $0.keys == "←→" } }
        }
        if case .chart(let s) = current, PlanTab.isPlanTab(s), s.data[.plan] != nil {
            hints = PlanTab.capturesKeys(s) ? PlanTab.hints(s) : PlanTab.browsingHints(s, keyMap: keyMap)
        }
        if let h = help {
            h.render(into: &buffer)
            hints = [("↑↓", "scroll"), ("Esc", "close help"), ("Q", "quit")]
        }
        switch prompt {
        case .command(let editor)?:
            if let m = message { Chrome.message(into: &buffer, m, y: messageRow - 1) }
            editor.draw(into: &buffer, prompt: ":", x: 0, y: messageRow, width: size.width, role: .commandLine)
            hints = [("Tab", "complete"), ("Enter", "run"), ("Esc", "cancel")]
        case .confirmQuit?:
            Chrome.message(into: &buffer, Message("You have unsaved changes. Quit anyway? (y/n)", .warning), y: messageRow)
            buffer.cursor = Point(x: min(size.width - 1, 46), y: messageRow)
        case .signPassphrase(_, let editor, _)?:
            if let m = message { Chrome.message(into: &buffer, m, y: messageRow - 1) }
            // Never the text: a bullet per character typed.
            let masked = LineEditor(text: String(repeating: "•", count: editor.text.count))
            masked.draw(into: &buffer, prompt: "Your passphrase to sign: ", x: 0, y: messageRow, width: size.width,
                        role: .commandLine)
            hints = [("Enter", "sign"), ("Esc", "do not sign")]
        case .breakGlass(_, let editor)?:
            if let m = message { Chrome.message(into: &buffer, m, y: messageRow - 1) }
            editor.draw(into: &buffer, prompt: "Reason: ", x: 0, y: messageRow, width: size.width, role: .commandLine)
            hints = [("Enter", "open the chart (recorded)"), ("Esc", "cancel")]
        case nil:
            if case .caseload(let s) = current, let editor = s.searchEditor {
                editor.draw(into: &buffer, prompt: "/", x: 0, y: messageRow, width: size.width, role: .commandLine)
                hints = [("Enter", "keep filter"), ("Esc", "clear search")]
            } else if let p = screenPrompt {
                if let m = message { Chrome.message(into: &buffer, m, y: messageRow - 1) }
                p.draw(into: &buffer, y: messageRow, width: size.width)
                hints = p.isYesNo ? (isConflictPrompt(p) ? [("r", "reload theirs"), ("o", "overwrite"), ("Esc", "keep editing")]
                                     : isMarkConflictPrompt(p) ? [("r", "reload theirs"), ("o", "overwrite with mine"), ("Esc", "keep theirs")]
                                     : [("y", "yes"), ("n", "no")])
                    : [("Enter", "save"), ("Esc", "cancel")]
            } else if let m = message {
                Chrome.message(into: &buffer, m, y: messageRow)
            }
        }
        if prompt == nil, help == nil { notesChrome(into: &buffer, hints: &hints, messageRow: messageRow) }
        Chrome.statusBar(into: &buffer, hints: hints, y: size.height - 1)
        return buffer
    }
}
