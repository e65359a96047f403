import Foundation

/// The CPUs this process is given: the fewest of the CPUs it may run on (its
/// affinity mask: `taskset`, Slurm's `--cpus-per-task`, Kubernetes' static CPU
/// manager) and the CPU time its cgroup allows (Docker's `--cpus`, a Kubernetes
/// CPU limit, systemd's `CPUQuota`), at least 1. Not the machine's core count: a
/// container limited to 2 CPUs on a 64-core node that trained 64 trials at once
/// would spend its time throttled.
public struct CPUAllowance: Sendable, Equatable, CustomStringConvertible {
    /// Whole CPUs to use, at least 1.
    public var count: Int
    /// CPUs in the affinity mask; nil if it could not be read.
    public var affinity: Int?
    /// CPUs' worth of time per second the cgroup allows (cgroup v2 `cpu.max`, v1
    /// `cpu.cfs_quota_us / cpu.cfs_period_us`), the tightest along the cgroup's
    /// ancestors; nil when unlimited.
    public var quota: Double?

    public init(affinity: Int?, quota: Double?, online: Int) {
        self.affinity = affinity
        self.quota = quota
        self.count = Self.count(affinity: affinity, quota: quota, online: online)
    }

    /// What this process is given now.
    public static func current() -> CPUAllowance {
        let quota = Self.quota(procSelfCgroup: read("/proc/self/cgroup") ?? "",
                               mountInfo: read("/proc/self/mountinfo") ?? "", read: read)
        return CPUAllowance(affinity: affinityCount(), quota: quota,
                            online: ProcessInfo.processInfo.activeProcessorCount)
    }

    public var description: String {
        var reasons = ["affinity " + (affinity.map(String.init) ?? "unknown")]
        reasons.append("cgroup quota " + (quota.map { String(format: "%g", $0) } ?? "none"))
        return "\(count) CPU\(count == 1 ? "" : "s") (\(reasons.joined(separator: ", ")))"
    }

    /// The smallest of the limits that are known, rounded down (a quota of 1.5
    /// CPUs runs one trial unthrottled, not two throttled), at least 1.
    static func count(affinity: Int?, quota: Double?, online: Int) -> Int {
        var limit = max(1, online)
        if let affinity, affinity >= 1 { limit = min(limit, affinity) }
        if let quota, quota > 0 { limit = min(limit, Int(quota.rounded(.down))) }
        return max(1, limit)
    }

    // MARK: Splitting the allowance into trials and threads

    /// A worker's trials at once (`slots`) and OpenBLAS threads, those given
    /// explicitly kept: by default one 1-thread trial per CPU (two 1-thread trials
    /// train 2.15× faster than one 2-thread trial, docs/BENCHMARKS.md); with only
    /// `slots` given, the CPUs are shared among them as threads; with only
    /// `threads`, as many trials as fit.
    public func split(slots: Int?, threads: Int?) -> (slots: Int, threads: Int) {
        switch (slots, threads) {
        case let (slots?, threads?): (slots, threads)
        case let (slots?, nil): (slots, max(1, count / slots))
        case let (nil, threads?): (max(1, count / threads), threads)
        case (nil, nil): (count, 1)
        }
    }

    // MARK: cgroups (pure: they take the files' text)

    /// cgroup v2 `cpu.max`: `"max 100000"` (no limit) or `"QUOTA PERIOD"` in
    /// microseconds, e.g. `"150000 100000"` for 1.5 CPUs.
    static func quota(cpuMax: String) -> Double? {
        let fields = cpuMax.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 1, fields[0] != "max", let quota = Double(fields[0]), quota > 0 else { return nil }
        let period = fields.count >= 2 ? Double(fields[1]) ?? 100_000 : 100_000
        guard period > 0 else { return nil }
        return quota / period
    }

    /// cgroup v1 `cpu.cfs_quota_us` (`-1`: no limit) and `cpu.cfs_period_us`.
    static func quota(cfsQuota: String, cfsPeriod: String) -> Double? {
        guard let quota = Double(cfsQuota.trimmingCharacters(in: .whitespacesAndNewlines)), quota > 0,
              let period = Double(cfsPeriod.trimmingCharacters(in: .whitespacesAndNewlines)), period > 0
        else { return nil }
        return quota / period
    }

    /// The tightest CPU quota of this process's cgroup and its ancestors, from
    /// `/proc/self/cgroup` and `/proc/self/mountinfo` (v2 and v1 hierarchies,
    /// on a host or in a container, with or without a cgroup namespace); `read`
    /// returns a file's text or nil.
    static func quota(procSelfCgroup: String, mountInfo: String, read: (String) -> String?) -> Double? {
        var limits: [Double] = []
        for mount in CgroupMount.parse(mountInfo: mountInfo) {
            guard let path = mount.cgroupPath(procSelfCgroup: procSelfCgroup) else { continue }
            for directory in mount.directories(forCgroup: path) {
                let quota: Double?
                if mount.version == 2 {
                    quota = read(directory + "/cpu.max").flatMap { Self.quota(cpuMax: $0) }
                } else if let cfsQuota = read(directory + "/cpu.cfs_quota_us"),
                          let cfsPeriod = read(directory + "/cpu.cfs_period_us") {
                    quota = Self.quota(cfsQuota: cfsQuota, cfsPeriod: cfsPeriod)
                } else {
                    quota = nil
                }
                if let quota { limits.append(quota) }
            }
        }
        return limits.min()
    }

    // MARK: The process's own view

    /// CPUs in the process's affinity mask, from `/proc/self/status` (Swift's
    /// Glibc does not import `sched_getaffinity`: it is a GNU extension).
    static func affinityCount() -> Int? {
        read("/proc/self/status").flatMap(affinity(procSelfStatus:))
    }

    /// The size of `Cpus_allowed_list` in `/proc/self/status`, e.g. `0-3,8,10-11` → 7.
    static func affinity(procSelfStatus: String) -> Int? {
        guard let line = procSelfStatus.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })
        else { return nil }
        var count = 0
        for range in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = range.trimmingCharacters(in: .whitespaces).split(separator: "-")
            guard let first = bounds.first.flatMap({ Int($0) }), let last = bounds.last.flatMap({ Int($0) }),
                  bounds.count <= 2, last >= first else { return nil }
            count += last - first + 1
        }
        return count > 0 ? count : nil
    }

    /// A small file's text (procfs and cgroupfs files report size 0, so this
    /// reads to the end rather than trusting the size).
    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[..<count]
            if bytes.count > 1 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A cgroup file system mounted in this process's mount namespace, as
/// `/proc/self/mountinfo` describes it (proc(5)).
struct CgroupMount: Equatable {
    /// 2 for the unified hierarchy; 1 for a v1 hierarchy with the `cpu` controller.
    var version: Int
    /// Where the mount shows the cgroup tree, e.g. `/sys/fs/cgroup/cpu,cpuacct`.
    var mountPoint: String
    /// The cgroup that is the mount's root (`/` on a host or with a cgroup
    /// namespace; the container's own cgroup in a v1 container without one).
    var root: String

    /// The cgroup v2 mount and the v1 mounts carrying the `cpu` controller.
    static func parse(mountInfo: String) -> [CgroupMount] {
        var mounts: [CgroupMount] = []
        for line in mountInfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // id parent major:minor root mount-point options [optional…] - type source super-options
            guard let dash = fields.firstIndex(of: "-"), dash >= 6, fields.count > dash + 1 else { continue }
            let type = fields[dash + 1]
            let superOptions = fields.count > dash + 3 ? fields[dash + 3].split(separator: ",") : []
            let root = unescape(fields[3]), mountPoint = unescape(fields[4])
            if type == "cgroup2" {
                mounts.append(CgroupMount(version: 2, mountPoint: mountPoint, root: root))
            } else if type == "cgroup", superOptions.contains("cpu") {
                mounts.append(CgroupMount(version: 1, mountPoint: mountPoint, root: root))
            }
        }
        return mounts
    }

    /// This process's cgroup in this mount's hierarchy, from `/proc/self/cgroup`
    /// (`0::/path` for v2; `N:cpu,cpuacct:/path` for v1).
    func cgroupPath(procSelfCgroup: String) -> String? {
        for line in procSelfCgroup.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if version == 2, fields[0] == "0", fields[1].isEmpty { return String(fields[2]) }
            if version == 1, fields[1].split(separator: ",").contains("cpu") { return String(fields[2]) }
        }
        return nil
    }

    /// The folders holding the limits on `cgroup`: its own and its ancestors' up
    /// to the mount's root. A cgroup outside the mount's root (a container
    /// without a cgroup namespace sees the host's path) has its limits at the root.
    func directories(forCgroup cgroup: String) -> [String] {
        let base = mountPoint.hasSuffix("/") ? String(mountPoint.dropLast()) : mountPoint
        let rootPrefix = root == "/" ? "" : root
        guard cgroup == root || rootPrefix.isEmpty || cgroup.hasPrefix(rootPrefix + "/") else { return [base] }
        let relative = cgroup.dropFirst(rootPrefix.count).split(separator: "/").map(String.init)
        var directories = [base]
        var path = base
        for component in relative where component != "." && component != ".." {
            path += "/" + component
            directories.append(path)
        }
        return directories.reversed()
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes (`\040`).
    private static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count,
               let value = UInt8(String(decoding: utf8[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
