/// SentencePiece-style Unigram: the best-scoring segmentation of each pre-token (Viterbi over the
/// vocabulary's log-probabilities), characters outside the vocabulary scored `min score - 10` as
/// unknown, adjacent unknowns fused, and byte fallback (`<0xXX>` pieces) when the file enables it —
/// as Hugging Face `tokenizers` runs it.
struct UnigramModel: Sendable {
    let pieces: ByteTrie
    let scores: [Double]
    let unknownId: Int32
    let byteFallback: Bool
    /// Id of `<0xXX>` for each byte (-1 when absent).
    let byteIds: [Int32]
    let unknownScore: Double

    init(vocabulary: [(piece: String, score: Double)], unknownId: Int, byteFallback: Bool) {
        var entries: [([UInt8], Int32)] = []
        entries.reserveCapacity(vocabulary.count)
        var minScore = Double.infinity
        for (i, v) in vocabulary.enumerated() {
            entries.append((Array(v.piece.utf8), Int32(i)))
            minScore = min(minScore, v.score)
        }
        pieces = ByteTrie(entries)  // duplicate pieces: the last id wins, as in tokenizers' map
        scores = vocabulary.map(\.score)
        self.unknownId = Int32(unknownId)
        self.byteFallback = byteFallback
        unknownScore = minScore - 10
        let trie = pieces
        byteIds = (0..<256).map { b in
            let v = trie.walk(ByteTrie.root, Array(String(format: "<0x%02X>", b).utf8))
            return v >= 0 ? trie.value(at: v) : -1
        }
    }

    /// Appends the ids of `bytes` (a UTF-8 pre-token) to `out`.
    func tokenize(_ bytes: [UInt8], into out: inout [Int32]) {
        let size = bytes.count
        guard size > 0 else { return }
        var best = [Double](repeating: 0, count: size + 1)
        var startOf = [Int32](repeating: -1, count: size + 1)
        var idOf = [Int32](repeating: 0, count: size + 1)
        bytes.withUnsafeBufferPointer { b in
            var start = 0
            while start < size {
                let base = best[start]
                let lead = b[start]
                let charLength = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                let mblen = min(charLength, size - start)
                var hasSingle = false
                var node = ByteTrie.root
                var i = start
                while i < size {
                    node = pieces.child(node, b[i])
                    if node < 0 { break }
                    i += 1
                    let id = pieces.value(at: node)
                    if id >= 0 {
                        let candidate = base + scores[Int(id)]
                        if startOf[i] < 0 || candidate > best[i] {
                            best[i] = candidate
                            startOf[i] = Int32(start)
                            idOf[i] = id
                        }
                        if i - start == mblen { hasSingle = true }
                    }
                }
                if !hasSingle {
                    let end = start + mblen
                    let candidate = base + unknownScore
                    if startOf[end] < 0 || candidate > best[end] {
                        best[end] = candidate
                        startOf[end] = Int32(start)
                        idOf[end] = unknownId
                    }
                }
                start += mblen
            }
        }
        // Backtrack; runs of unknown pieces are fused into one string.
        var spans: [(Int, Int)] = []
        var end = size
        var unknownEnd = -1
        while end > 0 {
            let start = Int(startOf[end])
            if idOf[end] == unknownId {
                if unknownEnd < 0 { unknownEnd = end }
            } else {
                if unknownEnd >= 0 {
                    spans.append((end, unknownEnd))
                    unknownEnd = -1
                }
                spans.append((start, end))
            }
            end = start
        }
        if unknownEnd >= 0 { spans.append((0, unknownEnd)) }
        for (s, e) in spans.reversed() {
            let node = pieces.walk(ByteTrie.root, bytes[s..<e])
            let id = node >= 0 ? pieces.value(at: node) : -1
            if id >= 0 {
                out.append(id)
                continue
            }
            if byteFallback, bytes[s..<e].allSatisfy({ byteIds[Int($0)] >= 0 }) {
                for c in bytes[s..<e] { out.append(byteIds[Int(c)]) }
                continue
            }
            out.append(unknownId)
        }
    }
}

/// Byte-pair encoding as Hugging Face `tokenizers` runs it: each character of a pre-token (with the
/// continuation prefix / end-of-word suffix when set) becomes its vocabulary id (or byte-fallback
/// pieces, or the unknown token, fused when `fuse_unk`), then merges are applied lowest rank first
/// (leftmost among equal ranks).
struct BPEModel: Sendable {
    let vocabulary: ByteTrie
    /// (left id << 32 | right id) → (rank, merged id).
    let merges: [UInt64: (rank: Int32, id: Int32)]
    let unknownId: Int32?
    let fuseUnknown: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    let prefix: [UInt8]
    let suffix: [UInt8]
    let byteIds: [Int32]

    init(
        vocabulary: ByteTrie, merges: [UInt64: (rank: Int32, id: Int32)], unknownId: Int32?, fuseUnknown: Bool,
        byteFallback: Bool, ignoreMerges: Bool, prefix: String, suffix: String
    ) {
        self.vocabulary = vocabulary
        self.merges = merges
        self.unknownId = unknownId
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        self.prefix = Array(prefix.utf8)
        self.suffix = Array(suffix.utf8)
        byteIds = (0..<256).map { b in
            let v = vocabulary.walk(ByteTrie.root, Array(String(format: "<0x%02X>", b).utf8))
            return v >= 0 ? vocabulary.value(at: v) : -1
        }
    }

    @inline(__always) func id(_ bytes: some Sequence<UInt8>) -> Int32? {
        let n = vocabulary.walk(ByteTrie.root, bytes)
        guard n >= 0 else { return nil }
        let v = vocabulary.value(at: n)
        return v >= 0 ? v : nil
    }

    func tokenize(_ bytes: [UInt8], into out: inout [Int32]) {
        guard !bytes.isEmpty else { return }
        if ignoreMerges, let whole = id(bytes) {
            out.append(whole)
            return
        }
        var symbols: [Int32] = []
        symbols.reserveCapacity(bytes.count)
        var pendingUnknown = false
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            let width = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            let end = min(bytes.count, i + width)
            var piece: [UInt8] = []
            if i > 0 { piece += prefix }
            piece += bytes[i..<end]
            if end == bytes.count { piece += suffix }
            i = end
            if let v = id(piece) {
                if pendingUnknown, let u = unknownId { symbols.append(u) }
                pendingUnknown = false
                symbols.append(v)
                continue
            }
            if byteFallback, piece.allSatisfy({ byteIds[Int($0)] >= 0 }) {
                // tokenizers adds these without flushing a pending unknown first.
                for c in piece { symbols.append(byteIds[Int(c)]) }
                continue
            }
            guard let u = unknownId else { continue }
            if pendingUnknown && !fuseUnknown { symbols.append(u) }
            pendingUnknown = true
        }
        if pendingUnknown, let u = unknownId { symbols.append(u) }
        merge(&symbols)
        out.append(contentsOf: symbols)
    }

    /// Applies the merges with a min-heap of (rank, position) over a linked list of symbols.
    private func merge(_ symbols: inout [Int32]) {
        let n = symbols.count
        guard n > 1 else { return }
        var ids = symbols
        var next = Array(1...n)
        next[n - 1] = -1
        var prev = Array(-1..<(n - 1))
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        for p in 0..<(n - 1) {
            if let m = merges[UInt64(UInt32(bitPattern: ids[p])) << 32 | UInt64(UInt32(bitPattern: ids[p + 1]))] {
                heap.push(.init(rank: m.rank, pos: Int32(p), id: m.id))
            }
        }
        while let top = heap.pop() {
            let p = Int(top.pos)
            guard alive[p], next[p] >= 0 else { continue }
            let q = next[p]
            guard let m = merges[UInt64(UInt32(bitPattern: ids[p])) << 32 | UInt64(UInt32(bitPattern: ids[q]))],
                m.id == top.id
            else { continue }
            ids[p] = top.id
            alive[q] = false
            next[p] = next[q]
            if next[q] >= 0 { prev[next[q]] = p }
            if prev[p] >= 0, let m = merges[UInt64(UInt32(bitPattern: ids[prev[p]])) << 32 | UInt64(UInt32(bitPattern: ids[p]))] {
                heap.push(.init(rank: m.rank, pos: Int32(prev[p]), id: m.id))
            }
            if next[p] >= 0, let m = merges[UInt64(UInt32(bitPattern: ids[p])) << 32 | UInt64(UInt32(bitPattern: ids[next[p]]))] {
                heap.push(.init(rank: m.rank, pos: Int32(p), id: m.id))
            }
        }
        symbols.removeAll(keepingCapacity: true)
        var p = 0
        while p >= 0 {
            symbols.append(ids[p])
            p = next[p]
        }
    }
}

/// A binary min-heap of merge candidates ordered by (rank, position).
struct MergeHeap {
    struct Entry {
        var rank: Int32
        var pos: Int32
        var id: Int32
        @inline(__always) func before(_ o: Entry) -> Bool { rank != o.rank ? rank < o.rank : pos < o.pos }
    }
    private var items: [Entry] = []

    mutating func push(_ e: Entry) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].before(items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < items.count && items[l].before(items[m]) { m = l }
                if r < items.count && items[r].before(items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return first
    }
}
