import Foundation
import MLPackCore
import Testing

/// The one definition of "the CPUs this process may use": processors, affinity, cgroup quota.
struct AvailableCPUsTests {
    @Test func affinityListsAreCounted() {
        #expect(AvailableCPUs.allowedCPUs(status: "Name:\tx\nCpus_allowed_list:\t0-3,6\n") == 5)
        #expect(AvailableCPUs.allowedCPUs(status: "Cpus_allowed_list:\t2\n") == 1)
        #expect(AvailableCPUs.allowedCPUs(status: "Cpus_allowed_list:\t0-1,4-5,8\n") == 5)
        #expect(AvailableCPUs.allowedCPUs(status: "Cpus_allowed_list:\tbogus\n") == nil)
        #expect(AvailableCPUs.allowedCPUs(status: "Name:\tx\n") == nil)
    }

    @Test func cgroupQuotasRoundUp() {
        #expect(AvailableCPUs.quota(cpuMax: "max 100000\n") == nil)
        #expect(AvailableCPUs.quota(cpuMax: "150000 100000\n") == 1.5)
        #expect(AvailableCPUs.count(processors: 8, status: nil, quota: 1.5) == 2)
        #expect(AvailableCPUs.count(processors: 8, status: "Cpus_allowed_list:\t0-2\n", quota: nil) == 3)
        #expect(AvailableCPUs.count(processors: 8, status: "Cpus_allowed_list:\t0-7\n", quota: 0.2) == 1)
        #expect(AvailableCPUs.count(processors: 2, status: "Cpus_allowed_list:\t0-63\n", quota: 16) == 2)
    }

    /// On this machine: the same answer as coreutils' `nproc` (which reads the affinity mask).
    @Test func agreesWithNproc() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nproc")
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let nproc = try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(AvailableCPUs.count <= nproc)
        #expect(AvailableCPUs.count >= 1)
    }
}
