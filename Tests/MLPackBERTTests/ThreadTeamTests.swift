import Foundation
import MLPackGEMM
import Synchronization
import Testing

/// The thread team of the forward pass: every part of every region runs exactly once, before `run`
/// returns, whatever the team size, the number of parts and how long the workers idled; teams are
/// reused from the pool and concurrent callers get different ones.
@Suite struct ThreadTeamTests {
    @Test(arguments: [1, 2, 3, 5])
    func everyPartRunsOnceBeforeRunReturns(size: Int) {
        let team = ThreadTeam(size: size)
        for n in [0, 1, 2, 3, 7, 64, 1000] {
            for _ in 0..<50 {
                let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, n))
                counts.initialize(repeating: 0)
                team.run(n) { i in counts[i] += 1 }  // parts touch disjoint elements
                #expect(counts.prefix(n).allSatisfy { $0 == 1 }, "size \(size), \(n) parts")
                counts.deallocate()
            }
        }
    }

    // Parts write disjoint slots (no lock): the team's own ordering is what makes them visible to
    // the caller after `run`, which ThreadSanitizer checks in CI. (The standard library's `Mutex`
    // would hide that, and on Linux TSan cannot follow its contended hand-over.)

    @Test func workersThatSleptWakeForTheNextRegion() throws {
        let team = ThreadTeam(size: 3)
        let ran = UnsafeMutableBufferPointer<Int>.allocate(capacity: 3)
        defer { ran.deallocate() }
        ran.initialize(repeating: 0)
        // Longer than the spin period: the workers are asleep on the condition variable.
        Thread.sleep(forTimeInterval: Double(ThreadTeam.spinNanoseconds) / 1e9 * 5)
        team.run(3) { i in ran[i] += 1 }
        #expect(Array(ran) == [1, 1, 1])
    }

    @Test func partsRunOnSeveralThreadsWhenTheyWait() {
        // Each part waits until every part has started: only possible if the team runs them at once.
        let team = ThreadTeam(size: 3)
        let started = Atomic<Int>(0)
        let threads = UnsafeMutableBufferPointer<pthread_t>.allocate(capacity: 3)
        defer { threads.deallocate() }
        threads.initialize(repeating: 0)
        team.run(3) { i in
            started.add(1, ordering: .sequentiallyConsistent)
            threads[i] = pthread_self()
            let deadline = Date().addingTimeInterval(30)
            while started.load(ordering: .sequentiallyConsistent) < 3 && Date() < deadline { sched_yield() }
        }
        #expect(started.load(ordering: .sequentiallyConsistent) == 3)
        #expect(Set(threads).count == 3)
    }

    @Test func thePoolReusesTeamsAndGivesConcurrentCallersTheirOwn() {
        let first = ThreadTeam.with(size: 4) { ObjectIdentifier($0) }
        let again = ThreadTeam.with(size: 4) { ObjectIdentifier($0) }
        #expect(first == again)
        let nested = ThreadTeam.with(size: 4) { outer in
            ThreadTeam.with(size: 4) { inner in ObjectIdentifier(outer) != ObjectIdentifier(inner) }
        }
        #expect(nested)
    }

    @Test func aDroppedTeamStopsItsWorkers() {
        // deinit joins the workers: it returns only once they have left their loop.
        for _ in 0..<20 {
            var team: ThreadTeam? = ThreadTeam(size: 4)
            team?.run(8) { _ in }
            team = nil
            #expect(team == nil)
        }
    }
}
