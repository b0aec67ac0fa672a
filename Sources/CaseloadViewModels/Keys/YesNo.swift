// The one rule for every yes/no question in Caseload: `y` (or `Y`) answers yes; any other key answers no and
// closes the question, so a key typed by mistake before the `y` can never turn into a yes later.
public enum YesNo {
    public static func isYes(_ key: Key) -> Bool { key == .char("y") || key == .char("Y") }
}
