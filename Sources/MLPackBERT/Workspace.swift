/// Activation buffers of one forward pass, sized for a number of packed tokens and reused
/// across batches (nothing is allocated per token).
final class Workspace: @unchecked Sendable {  // used by one thread at a time
    private(set) var tokenCapacity = 0
    private(set) var sequenceCapacity = 0
    let hidden: Int
    let intermediate: Int
    let heads: Int
    var x = FloatBox(count: 0)  // [T, d]
    var qkv = FloatBox(count: 0)  // [T, 3d]
    var context = FloatBox(count: 0)  // [T, d]
    var attended = FloatBox(count: 0)  // [T, d]
    var up = FloatBox(count: 0)  // [T, f]
    var scores = FloatBox(count: 0)  // [heads, S, S]

    init(hidden: Int, intermediate: Int, heads: Int) {
        self.hidden = hidden
        self.intermediate = intermediate
        self.heads = heads
    }

    /// Makes room for `tokens` packed tokens whose longest sequence has `longest` tokens.
    func reserve(tokens: Int, longest: Int) {
        if tokens > tokenCapacity {
            let n = max(tokens, tokenCapacity * 3 / 2)
            x = FloatBox(count: n * hidden)
            qkv = FloatBox(count: n * 3 * hidden)
            context = FloatBox(count: n * hidden)
            attended = FloatBox(count: n * hidden)
            up = FloatBox(count: n * intermediate)
            tokenCapacity = n
        }
        if longest > sequenceCapacity {
            scores = FloatBox(count: heads * longest * longest)
            sequenceCapacity = longest
        }
    }
}
