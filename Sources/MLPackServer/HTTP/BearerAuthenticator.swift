/// Checks `Authorization: Bearer <key>` against the configured key in time that does not depend
/// on how much of the presented key is right.
struct BearerAuthenticator: Sendable {
    private let key: [UInt8]

    init(key: String) {
        self.key = Array(key.utf8)
    }

    /// Whether the `Authorization` header value carries the key.
    func accepts(authorizationHeader header: String?) -> Bool {
        guard let header else { return false }
        let bytes = Array(header.utf8)
        // "Bearer" (any case) and one or more spaces.
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count else { return false }
        for (i, expected) in scheme.enumerated() where bytes[i] | 0x20 != expected { return false }
        var start = scheme.count
        guard bytes[start] == UInt8(ascii: " ") else { return false }
        while start < bytes.count && bytes[start] == UInt8(ascii: " ") { start += 1 }
        return Self.constantTimeEqual(Array(bytes[start...]), key)
    }

    /// Compares every byte of `expected` whatever `presented` holds; lengths are compared too.
    static func constantTimeEqual(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        let presentedCount = presented.count
        for i in 0..<expected.count {
            let other = presentedCount == 0 ? 0 : presented[i % presentedCount]
            difference |= other ^ expected[i]
        }
        return difference == 0 && !expected.isEmpty
    }
}
