/// Activation buffers of one forward pass, sized for a number of packed tokens and reused
/// across batches (nothing is allocated per token). Each `encode` call makes its own, so calls
/// running at once share no mutable memory.
final class Workspace: @unchecked Sendable {  // used by one forward pass at a time
    private(set) var tokenCapacity = 0
    private(set) var scoresCapacity = 0
    let hidden: Int
    let intermediate: Int
    let heads: Int
    var x = FloatBox(count: 0)  // [T, d]
    var qkv = FloatBox(count: 0)  // [T, 3d]
    var context = FloatBox(count: 0)  // [T, d]
    var attended = FloatBox(count: 0)  // [T, d]
    var up = FloatBox(count: 0)  // [T, f]
    var scores = FloatBox(count: 0)  // one [S, S] attention matrix per thread of the pass
    // Int8 precision only: one linear layer's quantized input rows, their scales and offsets.
    private(set) var int8Capacity = 0
    var int8Rows = ByteBox(count: 0)  // [T, row width] u8
    var int8Scales = FloatBox(count: 0)  // [T, row width / group]
    var int8Offsets = FloatBox(count: 0)  // [T, row width / group]

    init(hidden: Int, intermediate: Int, heads: Int) {
        self.hidden = hidden
        self.intermediate = intermediate
        self.heads = heads
    }

    /// Makes room for `tokens` packed tokens whose longest sequence has `longest` tokens, for a
    /// pass on `threads` threads.
    func reserve(tokens: Int, longest: Int, threads: Int = 1) {
        if tokens > tokenCapacity {
            let n = max(tokens, tokenCapacity * 3 / 2)
            x = FloatBox(count: n * hidden)
            qkv = FloatBox(count: n * 3 * hidden)
            context = FloatBox(count: n * hidden)
            attended = FloatBox(count: n * hidden)
            up = FloatBox(count: n * intermediate)
            tokenCapacity = n
        }
        let needed = max(1, threads) * longest * longest
        if needed > scoresCapacity {
            scores = FloatBox(count: needed)
            scoresCapacity = needed
        }
    }

    /// Makes room for the quantized rows of `tokens` tokens, `rowWidth` bytes (`groups` groups) each.
    func reserveInt8(tokens: Int, rowWidth: Int, groups: Int) {
        let needed = tokens * rowWidth
        if needed > int8Capacity || tokens * groups > int8Scales.count {
            let rows = max(tokens, int8Capacity / max(1, rowWidth) * 3 / 2)
            int8Rows = ByteBox(count: rows * rowWidth)
            int8Scales = FloatBox(count: rows * groups)
            int8Offsets = FloatBox(count: rows * groups)
            int8Capacity = rows * rowWidth
        }
    }
}

/// Owned, stably addressed bytes.
final class ByteBox: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }
    deinit { pointer.deallocate() }
}
