// A calendar day with no time zone (dates of birth, session dates, target dates).
// Stored and printed as ISO "YYYY-MM-DD".
import Foundation

public struct Day: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Fails for anything that is not a real calendar date (2024-02-30, 2024-13-01).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses strict ISO "YYYY-MM-DD".
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (civil-from-days algorithm, H. Hinnant).
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }
    public func days(until other: Day) -> Int { other.ordinal - ordinal }
    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int { ((ordinal % 7) + 7 + 3) % 7 }

    public var description: String {
        // Hand-padded: String(format:) is slow on Linux, and exports print millions of dates.
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = Day(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(s)' is not a valid date (YYYY-MM-DD)")
        }
        self = d
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// Age in whole years on `day`.
    public func age(on day: Day) -> Int {
        var a = day.year - year
        if (day.month, day.day) < (month, self.day) { a -= 1 }
        return a
    }

    public static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
}

/// The clock reaches view-models and the store through this protocol so tests can fix time.
public protocol Clock: Sendable {
    func now() -> Date
    /// The program's local calendar day at `now()`.
    func today() -> Day
    /// Minutes since local midnight at `now()`.
    func minuteOfDay() -> Int
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
    public func today() -> Day { Self.localParts(Date()).0 }
    public func minuteOfDay() -> Int { Self.localParts(Date()).1 }
    static func localParts(_ date: Date) -> (Day, Int) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone.current
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return (Day(year: c.year!, month: c.month!, day: c.day!)!, c.hour! * 60 + c.minute!)
    }
}

/// A local wall time pinned at start-up that then runs on with real elapsed time, in the machine's time zone:
/// what `caseload` uses on a demo store when `CASELOAD_NOW` names a moment (docs/testing.md). Every
/// timestamp, "today" and "now" of the process agrees with it, and time still moves (audit order, idle lock).
public struct PinnedClock: Clock {
    public let start: Date
    private let startedAt: TimeInterval
    /// With an anchor, every process shares one offset from the real clock (see `init?(parsing:)`).
    private var offset: TimeInterval?

    /// `day` at `minute` past local midnight, in the current time zone.
    public init(day: Day, minute: Int) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone.current
        var c = DateComponents()
        c.year = day.year; c.month = day.month; c.day = day.day
        c.hour = minute / 60; c.minute = minute % 60
        // A wall time that a spring-forward switch skips resolves to the next valid instant.
        start = cal.date(from: c) ?? Date(timeIntervalSince1970: TimeInterval(day.ordinal * 86400 + minute * 60))
        startedAt = ProcessInfo.processInfo.systemUptime
    }

    /// "YYYY-MM-DD" (at 10:00) or "YYYY-MM-DDTHH:MM" (also with a space); nil when it is neither. An anchor,
    /// "…@UNIXSECONDS", says which real instant the pinned moment stands for: then every process that reads the
    /// same value keeps the same offset from the real clock, so times written by several processes stay in
    /// the order they happened (without one, each process starts at the pinned moment).
    public init?(parsing text: String) {
        var t = text.trimmingCharacters(in: .whitespaces)
        var anchor: TimeInterval?
        if let at = t.firstIndex(of: "@") {
            guard let seconds = TimeInterval(t[t.index(after: at)...]) else { return nil }
            anchor = seconds
            t = String(t[..<at])
        }
        let datePart = String(t.prefix(10))
        guard let day = Day(datePart) else { return nil }
        var minute = 10 * 60
        if t.count > 10 {
            let rest = t.dropFirst(10)
            guard rest.first == "T" || rest.first == " " else { return nil }
            let hm = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
            guard hm.count == 2, hm[0].count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
                  (0..<24).contains(h), (0..<60).contains(m) else { return nil }
            minute = h * 60 + m
        }
        self.init(day: day, minute: minute)
        if let anchor { offset = start.timeIntervalSince1970 - anchor }
    }

    public func now() -> Date {
        if let offset { return Date().addingTimeInterval(offset) }
        return start.addingTimeInterval(ProcessInfo.processInfo.systemUptime - startedAt)
    }
    public func today() -> Day { SystemClock.localParts(now()).0 }
    public func minuteOfDay() -> Int { SystemClock.localParts(now()).1 }
}

public struct FixedClock: Clock {
    public let day: Day
    public let minute: Int
    public init(day: Day, minute: Int = 9 * 60) { self.day = day; self.minute = minute }
    public func now() -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.ordinal * 86400 + minute * 60))
    }
    public func today() -> Day { day }
    public func minuteOfDay() -> Int { minute }
}

/// "HH:MM" for minutes since midnight.
public func formatClockTime(_ minutes: Int) -> String {
    String(format: "%02d:%02d", minutes / 60, minutes % 60)
}
