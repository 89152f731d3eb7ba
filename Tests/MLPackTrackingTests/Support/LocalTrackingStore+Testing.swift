import Foundation
import GRDB
@testable import MLPackTracking

// Internal hooks for the tests (`@testable import MLPackTracking`): raw SQL on the store's
// connection, and a second connection holding the database locked.
extension LocalTrackingStore {
    /// Runs SQL statements in one transaction.
    func executeForTesting(_ sql: String) throws {
        try queue.write { db in try db.execute(sql: sql) }
    }

    /// The rows of a query, every value as text (nil for NULL).
    func rowsForTesting(_ sql: String) throws -> [[String: String?]] {
        try queue.read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                var values: [String: String?] = [:]
                for column in row.columnNames {
                    let value = row[column] as DatabaseValue
                    switch value.storage {
                    case .null: values[column] = .some(nil)
                    case .int64(let i): values[column] = String(i)
                    case .double(let d): values[column] = String(d)
                    case .string(let s): values[column] = s
                    case .blob(let b): values[column] = String(decoding: b, as: UTF8.self)
                    }
                }
                return values
            }
        }
    }
}

/// A second connection to a database holding an EXCLUSIVE transaction until ``release()``:
/// what another process in the middle of a write looks like.
final class ExclusiveDatabaseLockForTesting: @unchecked Sendable {
    private let queue: DatabaseQueue

    init(path: String) throws {
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        queue = try DatabaseQueue(path: path, configuration: config)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
    }

    func release() throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
    }
}
