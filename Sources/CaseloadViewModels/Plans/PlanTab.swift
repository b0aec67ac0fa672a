// The chart's Plan tab as an editor: the hooks ChartScreen calls while the Plan tab is shown.
import CaseloadCore

public enum PlanTab {
    /// True while a field, a chooser or a question of the Plan tab is open: it takes every key.
    static func capturesKeys(_ state: ChartState) -> Bool { false }
    /// A key while `capturesKeys`.
    static func rawKey(_ state: inout ChartState, _ key: Key) -> Request { .none }
    /// A command on the Plan tab; nil lets the chart handle it (tab switching, scrolling).
    static func command(_ state: inout ChartState, _ command: Command, _ key: Key) -> Request? { nil }
    /// Draws the tab's content; false leaves it to the chart's read-only plan view.
    static func render(_ state: ChartState, into buffer: inout ScreenBuffer, area: Rect) -> Bool { false }
}
