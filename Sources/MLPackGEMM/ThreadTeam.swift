import CGEMM
import Synchronization  // Atomic

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A caller and `size − 1` worker threads that run the parallel regions of one forward pass.
///
/// A forward pass of a short sentence is some thirty parallel regions (four products and attention
/// per layer) of tens of microseconds each: waking a thread for each (`DispatchQueue.concurrentPerform`)
/// costs as much as the work. A team's workers stay awake between regions, polling (x86 `pause`) for
/// the next one for up to ``spinNanoseconds``, then sleep on a condition variable until one comes;
/// so a region starts within about a microsecond during a pass and idle workers use no CPU.
///
/// The parts of a region are claimed, not assigned: each member (the caller too) takes the next
/// unclaimed part until none is left. A worker the OS has descheduled (a busy machine) delays only
/// the part it already took; the others take the rest. Which thread runs a part never changes its
/// result.
///
/// Teams come from a process-wide pool (``with(size:_:)``): a caller checks one out for a pass and
/// returns it, so concurrent passes each have their own threads and never wait for each other, and
/// threads are created only when more passes run at once than ever before. Worker threads are plain
/// POSIX threads: never the Swift concurrency pool's, whose threads must not block.
public final class ThreadTeam: @unchecked Sendable {  // shared state: atomics, `sleepers` under `mutex`, `body` published by `ticket`
    /// Threads of the team, the caller included.
    public let size: Int

    /// How long an idle worker polls for the next region before it sleeps.
    public static let spinNanoseconds: UInt64 = 200_000

    /// The current region: generation (bits 32…63), its number of parts (16…31), the next part to
    /// claim (0…15). One word, so a claim can never take a part of a region that has ended.
    private let ticket = Atomic<UInt64>(0)
    /// Parts of the current region finished.
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var sleepers = 0  // under `mutex`
    /// The current region's body: written by the caller before it publishes the region's ticket,
    /// read by members after they claimed a part of it.
    private var body: ((Int) -> Void)?
    private var threads: [pthread_t] = []

    /// Most parts of one region.
    public static let maxParts = 0xFFFF

    /// A team of `size` threads (the caller and `size − 1` new workers).
    public init(size: Int) {
        precondition(size >= 1 && size <= 256, "team size \(size): expected 1...256")
        self.size = size
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        for index in 1..<size {
            let context = Unmanaged.passRetained(WorkerContext(team: self)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.team.work()
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed: \(status) (worker \(index))")
            threads.append(thread)
        }
    }

    deinit {
        stopping.store(true, ordering: .sequentiallyConsistent)
        publish(parts: 0)
        for thread in threads { pthread_join(thread, nil) }
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(mutex)
        wake.deallocate()
        mutex.deallocate()
    }

    /// Runs `body(i)` for every `i` in `0..<n` (at most ``maxParts``) and returns when all have, each
    /// part on one member of the team. One region at a time: `body` must not call `run` on the same
    /// team.
    public func run(_ n: Int, _ body: (Int) -> Void) {
        precondition(n <= Self.maxParts, "\(n) parts: at most \(Self.maxParts)")
        guard n > 1 && size > 1 else {
            for i in 0..<n { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            finished.store(0, ordering: .relaxed)
            let generation = publish(parts: n)
            claimParts(generation: generation)
            var spins = 0
            while finished.load(ordering: .acquiring) != n {
                mlpack_spin_pause()
                spins += 1
                // A worker holding a part was descheduled: let it have this CPU.
                if spins & 1023 == 0 { sched_yield() }
            }
            self.body = nil
        }
    }

    /// Starts a new generation of `parts` parts (0: stopping) and wakes the workers that sleep.
    @discardableResult
    private func publish(parts: Int) -> UInt64 {
        let generation = (ticket.load(ordering: .relaxed) >> 32) &+ 1
        ticket.store(generation << 32 | UInt64(parts) << 16, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        if sleepers > 0 { pthread_cond_broadcast(wake) }
        pthread_mutex_unlock(mutex)
        return generation & 0xFFFF_FFFF
    }

    /// Claims and runs parts of region `generation` until none is left.
    private func claimParts(generation: UInt64) {
        var t = ticket.load(ordering: .acquiring)
        while t >> 32 == generation {
            let parts = (t >> 16) & 0xFFFF
            let next = t & 0xFFFF
            guard next < parts else { return }
            let (exchanged, current) = ticket.compareExchange(
                expected: t, desired: t + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                runPart(Int(next))
                finished.add(1, ordering: .releasing)
                t = ticket.load(ordering: .acquiring)
            } else {
                t = current
            }
        }
    }

    /// Runs one claimed part (a separate frame: this member's reference to the body ends before the
    /// part counts as finished).
    @inline(never)
    private func runPart(_ i: Int) {
        body?(i)
    }

    /// A worker's loop: wait for a new region, take parts of it, again.
    private func work() {
        var seen: UInt64 = 0
        while true {
            seen = waitForGeneration(after: seen)
            if stopping.load(ordering: .acquiring) { return }
            claimParts(generation: seen)
        }
    }

    /// Polls, then sleeps, until the generation differs from `seen`; returns it.
    private func waitForGeneration(after seen: UInt64) -> UInt64 {
        var g = ticket.load(ordering: .acquiring) >> 32
        if g != seen { return g }
        let deadline = Self.now() &+ Self.spinNanoseconds
        var spins = 0
        while true {
            mlpack_spin_pause()
            g = ticket.load(ordering: .acquiring) >> 32
            if g != seen { return g }
            spins += 1
            if spins & 127 == 0 && Self.now() > deadline { break }
        }
        pthread_mutex_lock(mutex)
        sleepers += 1
        while true {
            g = ticket.load(ordering: .sequentiallyConsistent) >> 32
            if g != seen { break }
            pthread_cond_wait(wake, mutex)
        }
        sleepers -= 1
        pthread_mutex_unlock(mutex)
        return g
    }

    private static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    /// What a worker thread starts with; it does not keep its team alive (the team's `deinit` stops
    /// and joins its workers).
    private final class WorkerContext {
        unowned(unsafe) let team: ThreadTeam
        init(team: ThreadTeam) { self.team = team }
    }

    // MARK: - The pool

    /// The free teams by size, under `poolLock`: a pthread mutex, which ThreadSanitizer can follow
    /// (the standard library's `Mutex` hands a contended lock over inside the kernel on Linux, where
    /// TSan sees no synchronisation).
    nonisolated(unsafe) private static var pool: [Int: [ThreadTeam]] = [:]
    nonisolated(unsafe) private static let poolLock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    private static func withPool<R>(_ body: (inout [Int: [ThreadTeam]]) -> R) -> R {
        pthread_mutex_lock(poolLock)
        defer { pthread_mutex_unlock(poolLock) }
        return body(&pool)
    }

    /// Runs `body` with a team of `size` threads checked out of the process-wide pool (made when
    /// none is free) and returns the team to it afterwards. `size` 1 needs no threads.
    public static func with<R>(size: Int, _ body: (ThreadTeam) throws -> R) rethrows -> R {
        let team = withPool { $0[size]?.popLast() } ?? ThreadTeam(size: size)
        defer { withPool { $0[size, default: []].append(team) } }
        return try body(team)
    }
}
