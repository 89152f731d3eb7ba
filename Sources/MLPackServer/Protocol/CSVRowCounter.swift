/// Counts the records of a CSV body for the row cap: line breaks (`\n`, `\r\n`, `\r`) outside
/// double quotes end a record, blank lines are skipped (as `pandas.read_csv` skips them), and the
/// first record is the header.
public enum CSVRowCounter {
    public static func dataRows(in bytes: [UInt8]) -> Int {
        var records = 0
        var inQuotes = false
        var recordHasContent = false
        var previous: UInt8 = 0
        for b in bytes {
            if b == UInt8(ascii: "\"") {
                inQuotes.toggle()
                recordHasContent = true
            } else if !inQuotes && (b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")) {
                if b == UInt8(ascii: "\n") && previous == UInt8(ascii: "\r") {
                    // second half of \r\n
                } else if recordHasContent {
                    records += 1
                }
                recordHasContent = false
            } else {
                recordHasContent = true
            }
            previous = b
        }
        if recordHasContent { records += 1 }
        return max(0, records - 1)
    }
}
