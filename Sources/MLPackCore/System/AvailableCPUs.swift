import Foundation

/// How many CPUs this process may use: the smallest of the online processors, the affinity mask
/// (`Cpus_allowed_list` in `/proc/self/status`, what `taskset` and Kubernetes' static CPU manager
/// set) and the cgroup CPU quota (`cpu.max` of cgroup v2, `cpu.cfs_quota_us / cpu.cfs_period_us` of
/// v1, rounded up: what `docker --cpus` and Kubernetes limits set). The one definition every
/// command's thread default uses.
public enum AvailableCPUs {
    /// The CPUs this process may use now (at least 1).
    public static var count: Int {
        count(processors: ProcessInfo.processInfo.activeProcessorCount,
              status: try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              quota: cgroupQuota())
    }

    /// The rule, on given readings (for tests).
    public static func count(processors: Int, status: String?, quota: Double?) -> Int {
        var result = max(1, processors)
        if let status, let allowed = allowedCPUs(status: status) { result = min(result, allowed) }
        if let quota { result = min(result, max(1, Int(quota.rounded(.up)))) }
        return max(1, result)
    }

    /// The number of CPUs in `Cpus_allowed_list:` (`0-3,6` → 5), or nil.
    public static func allowedCPUs(status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return nil }
        let list = line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
        var total = 0
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch bounds.count {
            case 1:
                guard bounds[0] != nil else { return nil }
                total += 1
            case 2:
                guard let low = bounds[0], let high = bounds[1], high >= low else { return nil }
                total += high - low + 1
            default:
                return nil
            }
        }
        return total > 0 ? total : nil
    }

    /// CPUs a cgroup v2 `cpu.max` line allows (`"150000 100000"` → 1.5), nil for `max` or unreadable.
    public static func quota(cpuMax: String) -> Double? {
        let fields = cpuMax.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let quota = Double(fields[0]), let period = Double(fields[1]), quota > 0, period > 0 else { return nil }
        return quota / period
    }

    /// The quota of this process's cgroup (v2, then v1), in CPUs, or nil when unlimited.
    static func cgroupQuota() -> Double? {
        let membership = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        // v2: "0::/some/path"; the limit of the process's own group, else the root's view.
        if let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) {
            let path = String(line.dropFirst(3))
            for candidate in ["/sys/fs/cgroup" + path + "/cpu.max", "/sys/fs/cgroup/cpu.max"] {
                if let text = try? String(contentsOfFile: candidate, encoding: .utf8) { return quota(cpuMax: text) }
            }
        }
        // v1: the group of the `cpu` controller ("4:cpu,cpuacct:/path"), under either mount name.
        let v1Path = membership.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, fields[1].split(separator: ",").contains("cpu") else { return nil }
            return String(fields[2])
        }.first ?? "/"
        for mount in ["/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpu"] {
            for directory in [mount + v1Path, mount] {
                guard let q = try? String(contentsOfFile: directory + "/cpu.cfs_quota_us", encoding: .utf8),
                      let p = try? String(contentsOfFile: directory + "/cpu.cfs_period_us", encoding: .utf8) else { continue }
                guard let quota = Double(q.trimmingCharacters(in: .whitespacesAndNewlines)),
                      let period = Double(p.trimmingCharacters(in: .whitespacesAndNewlines)), quota > 0, period > 0 else { return nil }
                return quota / period
            }
        }
        return nil
    }
}
