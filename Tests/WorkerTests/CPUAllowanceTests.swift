import Testing
@testable import Worker

/// The CPUs a worker is given, from sample file contents (never this machine's).
struct CPUAllowanceTests {
    @Test func theSmallestKnownLimitWinsRoundedDownAndAtLeastOne() {
        #expect(CPUAllowance.count(affinity: nil, quota: nil, online: 64) == 64)
        #expect(CPUAllowance.count(affinity: 8, quota: nil, online: 64) == 8)
        #expect(CPUAllowance.count(affinity: 8, quota: 2.0, online: 64) == 2)
        #expect(CPUAllowance.count(affinity: 2, quota: 6.0, online: 64) == 2)
        #expect(CPUAllowance.count(affinity: nil, quota: 1.5, online: 64) == 1)
        #expect(CPUAllowance.count(affinity: nil, quota: 0.25, online: 64) == 1)
        #expect(CPUAllowance.count(affinity: 0, quota: nil, online: 0) == 1)
    }

    @Test func affinityFromProcSelfStatus() {
        let status = "Name:\tlottery\nCpus_allowed:\tff\nCpus_allowed_list:\t0-3,8,10-11\nMems_allowed_list:\t0\n"
        #expect(CPUAllowance.affinity(procSelfStatus: status) == 7)
        #expect(CPUAllowance.affinity(procSelfStatus: "Cpus_allowed_list:\t5\n") == 1)
        #expect(CPUAllowance.affinity(procSelfStatus: "Cpus_allowed_list:\t0-63\n") == 64)
        #expect(CPUAllowance.affinity(procSelfStatus: "Cpus_allowed_list:\t3-1\n") == nil)
        #expect(CPUAllowance.affinity(procSelfStatus: "Name:\tx\n") == nil)
    }

    @Test func cgroupV2CPUMax() {
        #expect(CPUAllowance.quota(cpuMax: "max 100000\n") == nil)
        #expect(CPUAllowance.quota(cpuMax: "200000 100000\n") == 2.0)
        #expect(CPUAllowance.quota(cpuMax: "150000 100000") == 1.5)
        #expect(CPUAllowance.quota(cpuMax: "50000 50000\n") == 1.0)
        #expect(CPUAllowance.quota(cpuMax: "") == nil)
        #expect(CPUAllowance.quota(cpuMax: "garbage") == nil)
    }

    @Test func cgroupV1CFSQuota() {
        #expect(CPUAllowance.quota(cfsQuota: "-1\n", cfsPeriod: "100000\n") == nil)
        #expect(CPUAllowance.quota(cfsQuota: "400000\n", cfsPeriod: "100000\n") == 4.0)
        #expect(CPUAllowance.quota(cfsQuota: "50000", cfsPeriod: "0") == nil)
    }

    @Test func aDockerContainerOnCgroupV2WithItsOwnNamespace() {
        // docker run --cpus 3: the container's cgroup is the mount's root.
        let quota = CPUAllowance.quota(
            procSelfCgroup: "0::/\n",
            mountInfo: "667 661 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate\n",
            read: files(["/sys/fs/cgroup/cpu.max": "300000 100000\n"]))
        #expect(quota == 3.0)
    }

    @Test func aHostCgroupV2ServiceWithALimitOnItsSlice() {
        let mountInfo = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """
        let files = files([
            "/sys/fs/cgroup/research.slice/cpu.max": "400000 100000\n",
            "/sys/fs/cgroup/research.slice/lottery.service/cpu.max": "max 100000\n",
        ])
        let quota = CPUAllowance.quota(procSelfCgroup: "0::/research.slice/lottery.service\n", mountInfo: mountInfo,
                                       read: files)
        #expect(quota == 4.0)
    }

    @Test func aCgroupV1ContainerWithoutANamespaceSeesTheHostsPathAndItsLimitAtTheMountRoot() {
        let id = "/docker/8f2c1e"
        let procSelfCgroup = """
            12:memory:\(id)
            4:cpu,cpuacct:\(id)
            3:cpuset:\(id)
            0::/system.slice/containerd.service
            """
        let mountInfo = """
            400 390 0:33 \(id) /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime master:15 - cgroup cgroup rw,cpu,cpuacct
            401 390 0:34 \(id) /sys/fs/cgroup/cpuset ro,nosuid,nodev,noexec,relatime master:16 - cgroup cgroup rw,cpuset
            402 390 0:35 \(id) /sys/fs/cgroup/cpuacct ro,nosuid,nodev,noexec,relatime master:17 - cgroup cgroup rw,cpuacct
            """
        let files = files([
            "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "250000\n",
            "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
        ])
        #expect(CPUAllowance.quota(procSelfCgroup: procSelfCgroup, mountInfo: mountInfo, read: files) == 2.5)
    }

    @Test func noLimitAnywhereIsNoQuota() {
        // This project's development machines: cgroup v1 with an unlimited cpu controller.
        let mountInfo = """
            100 99 0:40 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            101 99 0:41 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            102 99 0:42 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """
        let files = files([
            "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
            "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
        ])
        #expect(CPUAllowance.quota(procSelfCgroup: "2:cpuacct:/\n1:cpu:/\n0::/\n", mountInfo: mountInfo, read: files) == nil)
        #expect(CPUAllowance.quota(procSelfCgroup: "", mountInfo: "", read: { _ in nil }) == nil)
    }

    @Test func mountInfoParsing() {
        let mounts = CgroupMount.parse(mountInfo: """
            30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw
            31 22 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:5 - cgroup cgroup rw,cpu,cpuacct
            32 22 0:28 / /sys/fs/cgroup/cpuset rw,nosuid shared:6 - cgroup cgroup rw,cpuset
            33 22 0:29 / /mnt/odd\\040name rw - cgroup2 cgroup2 rw
            truncated line
            """)
        #expect(mounts == [
            CgroupMount(version: 2, mountPoint: "/sys/fs/cgroup", root: "/"),
            CgroupMount(version: 1, mountPoint: "/sys/fs/cgroup/cpu,cpuacct", root: "/"),
            CgroupMount(version: 2, mountPoint: "/mnt/odd name", root: "/"),
        ])
        let mount = CgroupMount(version: 2, mountPoint: "/sys/fs/cgroup", root: "/")
        #expect(mount.directories(forCgroup: "/a/b") == ["/sys/fs/cgroup/a/b", "/sys/fs/cgroup/a", "/sys/fs/cgroup"])
        #expect(mount.directories(forCgroup: "/") == ["/sys/fs/cgroup"])
    }

    @Test func defaultsGiveOneSingleThreadedTrialPerCPUAndKeepWhatIsGiven() {
        let eight = CPUAllowance(affinity: 8, quota: nil, online: 8)
        #expect(eight.split(slots: nil, threads: nil) == (8, 1))
        #expect(eight.split(slots: 2, threads: nil) == (2, 4))
        #expect(eight.split(slots: 3, threads: nil) == (3, 2))
        #expect(eight.split(slots: nil, threads: 4) == (2, 4))
        #expect(eight.split(slots: 16, threads: nil) == (16, 1))
        #expect(eight.split(slots: 1, threads: 1) == (1, 1))
        let one = CPUAllowance(affinity: 4, quota: 1.5, online: 16)
        #expect(one.count == 1)
        #expect(one.split(slots: nil, threads: nil) == (1, 1))
        #expect(one.split(slots: nil, threads: 2) == (1, 2))
    }

    @Test func theDescriptionSaysWhereTheCountComesFrom() {
        #expect(CPUAllowance(affinity: 4, quota: 1.5, online: 16).description == "1 CPU (affinity 4, cgroup quota 1.5)")
        #expect(CPUAllowance(affinity: nil, quota: nil, online: 2).description == "2 CPUs (affinity unknown, cgroup quota none)")
    }

    @Test func thisProcessIsGivenAtLeastOneCPU() {
        let current = CPUAllowance.current()
        #expect(current.count >= 1)
        if let affinity = current.affinity { #expect(current.count <= affinity) }
    }

    private func files(_ contents: [String: String]) -> (String) -> String? { { contents[$0] } }
}
