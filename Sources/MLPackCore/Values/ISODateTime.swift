/// A naive (timezone-less) date-time as Python's `datetime.fromisoformat` / pandas read it, with
/// nanosecond precision (pandas `datetime64[ns]`).
public struct ISODateTime: Sendable, Hashable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var nanosecond: Int
    /// `true` when the text had only a date part (Python `datetime.date`).
    public var isDateOnly: Bool

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                nanosecond: Int = 0, isDateOnly: Bool = false) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.isDateOnly = isDateOnly
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fraction]]`.
    /// Timezone suffixes (`Z`, `+01:00`) are refused (MLflow requires timezone-naive datetimes).
    public static func parse(_ text: String) -> ISODateTime? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 10, let y = num(0, 4), b[4] == UInt8(ascii: "-"), let mo = num(5, 2),
              b[7] == UInt8(ascii: "-"), let d = num(8, 2) else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y), y >= 1 else { return nil }
        if b.count == 10 { return ISODateTime(year: y, month: mo, day: d, isDateOnly: true) }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), let h = num(11, 2),
              b.count >= 16, b[13] == UInt8(ascii: ":"), let mi = num(14, 2), h < 24, mi < 60 else { return nil }
        var result = ISODateTime(year: y, month: mo, day: d, hour: h, minute: mi)
        var i = 16
        if i < b.count {
            guard b[i] == UInt8(ascii: ":"), let s = num(i + 1, 2), s < 60 else { return nil }
            result.second = s
            i += 3
            if i < b.count {
                guard b[i] == UInt8(ascii: "."), i + 1 < b.count else { return nil }
                var digits = 0
                var ns = 0
                i += 1
                while i < b.count {
                    guard b[i] >= 0x30 && b[i] <= 0x39, digits < 9 else { return nil }
                    ns = ns * 10 + Int(b[i] - 0x30)
                    digits += 1
                    i += 1
                }
                for _ in digits..<9 { ns *= 10 }
                result.nanosecond = ns
            }
        }
        return result
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of the date part (proleptic Gregorian).
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Nanoseconds since the Unix epoch (`datetime64[ns]` value); `nil` outside the Int64 range.
    public var epochNanoseconds: Int64? {
        let seconds = Int64(daysSinceEpoch) * 86400 + Int64(hour * 3600 + minute * 60 + second)
        let (m, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (r, o2) = m.addingReportingOverflow(Int64(nanosecond))
        return o1 || o2 ? nil : r
    }

    /// The date-time for nanoseconds since the epoch.
    public init(epochNanoseconds ns: Int64) {
        var secs = ns / 1_000_000_000
        var frac = ns % 1_000_000_000
        if frac < 0 { frac += 1_000_000_000; secs -= 1 }
        var days = secs / 86400
        var rem = secs % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let z = Int(days) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d, hour: Int(rem / 3600),
                  minute: Int(rem % 3600 / 60), second: Int(rem % 60), nanosecond: Int(frac))
    }

    /// Python's `isoformat()`: `2024-01-02` for a date, `2024-01-02T03:04:05[.ffffff]` for a datetime
    /// (microsecond precision; nanosecond remainders are printed with 9 digits as numpy does).
    public var isoformat: String {
        func p(_ v: Int, _ w: Int) -> String { String(v).leftPadded(to: w) }
        let date = "\(p(year, 4))-\(p(month, 2))-\(p(day, 2))"
        if isDateOnly { return date }
        var s = "\(date)T\(p(hour, 2)):\(p(minute, 2)):\(p(second, 2))"
        if nanosecond != 0 {
            s += nanosecond % 1000 == 0 ? "." + p(nanosecond / 1000, 6) : "." + p(nanosecond, 9)
        }
        return s
    }

    public static func < (a: ISODateTime, b: ISODateTime) -> Bool {
        let l = (a.year, a.month, a.day, a.hour, a.minute, a.second)
        let r = (b.year, b.month, b.day, b.hour, b.minute, b.second)
        return l < r || (l == r && a.nanosecond < b.nanosecond)
    }
}
