// How dates, doses and take-home levels read on screen; one place so every screen agrees.
import Foundation
import CaseloadCore

public enum Format {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Mon 2 Mar 2026" for the title bar.
    public static func longDate(_ d: Day) -> String {
        "\(Day.weekdayNames[d.weekday]) \(d.day) \(monthNames[d.month - 1]) \(d.year)"
    }

    /// ISO date or a dash, so columns stay aligned and sortable by eye.
    public static func date(_ d: Day?) -> String { d.map(\.description) ?? "—" }

    /// 80 → "80", 12.5 → "12.5".
    public static func dose(_ mg: Double) -> String {
        if mg == mg.rounded() { return String(Int(mg)) }
        return String(format: "%.1f", mg)
    }

    /// Short clinical abbreviations used on the caseload table.
    public static func medicationAbbreviation(_ m: Medication) -> String {
        switch m {
        case .methadone: "MTD"
        case .buprenorphine: "BUP"
        case .naltrexone: "NTX"
        }
    }

    /// "MTD 80 TH6": medication, dose in mg, take-home doses (TH0 = observed daily dosing).
    public static func medicationShort(_ m: Medication, doseMg: Double, takeHome: Int) -> String {
        "\(medicationAbbreviation(m)) \(dose(doseMg)) TH\(takeHome)"
    }

    public static func takeHome(_ level: Int) -> String {
        level == 0 ? "daily observed dosing" : "\(level) take-home dose\(level == 1 ? "" : "s")"
    }

    /// A flag's one-letter marker: its first letter, upper-cased ("safety alert" → "S").
    public static func flagLetter(_ flag: String) -> String {
        guard let c = flag.first(where: { $0.isLetter }) else { return "?" }
        return String(c).uppercased()
    }

    /// "2026-03-02 14:05" in local time; `utcOffset` comes from the injected clock (see `utcOffset(of:)`).
    public static func timestamp(_ date: Date, utcOffset: Int) -> String {
        let secs = Int(date.timeIntervalSince1970.rounded(.down)) + utcOffset
        let day = Day(ordinal: Int((Double(secs) / 86400).rounded(.down)))
        let minute = ((secs % 86400) + 86400) % 86400 / 60
        return "\(day) \(formatClockTime(minute))"
    }

    /// The local offset from UTC in seconds, derived from the clock itself so that nothing here
    /// reads the system time zone and a FixedClock gives the same frame on every machine.
    public static func utcOffset(of clock: any Clock) -> Int {
        let local = clock.today().ordinal * 86400 + clock.minuteOfDay() * 60
        let utc = Int(clock.now().timeIntervalSince1970.rounded(.down))
        return Int((Double(local - utc) / 900).rounded()) * 900
    }

    /// Local midnight of `day` in the machine's time zone (for the command line, which may read it; screens
    /// get their offset from the clock). A day that starts at 01:00 after a switch starts then.
    public static func localMidnight(_ day: Day) -> Date {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone.current
        let noon = cal.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))
            ?? Date(timeIntervalSince1970: TimeInterval(day.ordinal * 86400))
        return cal.startOfDay(for: noon)
    }

    /// "2026-03-02 14:05" in the machine's time zone at that instant (daylight saving as it was then).
    public static func localTimestamp(_ date: Date) -> String {
        timestamp(date, utcOffset: TimeZone.current.secondsFromGMT(for: date))
    }

    public static func plural(_ n: Int, _ word: String, _ pluralWord: String? = nil) -> String {
        "\(n) \(n == 1 ? word : (pluralWord ?? word + "s"))"
    }
}
