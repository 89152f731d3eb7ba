/// A compact trie over UTF-8 byte strings: children of a node are contiguous and sorted by byte,
/// so a walk is one binary or linear search per byte with no allocation.
struct ByteTrie: Sendable {
    /// Children of node `n` are `childStart[n] ..< childStart[n + 1]` in `edgeByte` / `edgeTarget`.
    private var childStart: [Int32] = []
    private var edgeByte: [UInt8] = []
    private var edgeTarget: [Int32] = []
    /// Value stored at node `n`, or -1.
    private var value: [Int32] = []

    static let root: Int32 = 0

    /// Builds the trie from `(key, value)` pairs; for duplicate keys the last pair wins.
    init(_ entries: [([UInt8], Int32)]) {
        let order = entries.indices.sorted { a, b in
            let x = entries[a].0, y = entries[b].0
            if x.lexicographicallyPrecedes(y) { return true }
            if y.lexicographicallyPrecedes(x) { return false }
            return a < b
        }
        let keys = order.map { entries[$0].0 }
        let values = order.map { entries[$0].1 }
        // Breadth-first: each queued node covers the sorted key range sharing its prefix.
        struct Pending { var lo: Int; var hi: Int; var depth: Int }
        var queue = [Pending(lo: 0, hi: keys.count, depth: 0)]
        var head = 0
        childStart.append(0)
        while head < queue.count {
            let p = queue[head]
            head += 1
            var v: Int32 = -1
            var i = p.lo
            while i < p.hi && keys[i].count == p.depth {
                v = values[i]  // duplicates sort together; the last one wins
                i += 1
            }
            value.append(v)
            while i < p.hi {
                let b = keys[i][p.depth]
                var j = i + 1
                while j < p.hi && keys[j][p.depth] == b { j += 1 }
                edgeByte.append(b)
                edgeTarget.append(Int32(queue.count))
                queue.append(Pending(lo: i, hi: j, depth: p.depth + 1))
                i = j
            }
            childStart.append(Int32(edgeByte.count))
        }
    }

    /// The child of `node` along `byte`, or -1.
    @inline(__always)
    func child(_ node: Int32, _ byte: UInt8) -> Int32 {
        var lo = Int(childStart[Int(node)])
        var hi = Int(childStart[Int(node) + 1])
        while hi - lo > 8 {
            let mid = (lo + hi) >> 1
            let b = edgeByte[mid]
            if b == byte { return edgeTarget[mid] }
            if b < byte { lo = mid + 1 } else { hi = mid }
        }
        while lo < hi {
            if edgeByte[lo] == byte { return edgeTarget[lo] }
            lo += 1
        }
        return -1
    }

    /// The value stored at `node`, or -1.
    @inline(__always)
    func value(at node: Int32) -> Int32 { value[Int(node)] }

    /// The node reached from `node` along all of `bytes`, or -1.
    func walk(_ node: Int32, _ bytes: some Sequence<UInt8>) -> Int32 {
        var n = node
        for b in bytes {
            n = child(n, b)
            if n < 0 { return -1 }
        }
        return n
    }

    /// Longest key starting at `bytes[start...]` when walking from `node`: (value, end) or nil.
    @inline(__always)
    func longestMatch(from node: Int32, _ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int)
        -> (value: Int32, end: Int)?
    {
        var n = node
        var best: (Int32, Int)? = nil
        var i = start
        while i < end {
            n = child(n, bytes[i])
            if n < 0 { break }
            i += 1
            let v = value[Int(n)]
            if v >= 0 { best = (v, i) }
        }
        return best
    }
}
