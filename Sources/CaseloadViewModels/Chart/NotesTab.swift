// The chart's Notes tab beyond the list: the hooks ChartScreen calls while the Notes tab is shown.
import CaseloadCore

public enum NotesTab {
    /// True while the search line or a question of the Notes tab is open: it takes every key.
    static func capturesKeys(_ state: ChartState) -> Bool { false }
    /// A key while `capturesKeys`.
    static func rawKey(_ state: inout ChartState, _ key: Key) -> Request { .none }
    /// A command on the Notes tab (or while reading a note); nil lets the chart handle it.
    static func command(_ state: inout ChartState, _ command: Command, _ key: Key) -> Request? { nil }
}
