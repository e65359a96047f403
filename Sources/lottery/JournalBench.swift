import ArgumentParser
import Benchmarks
import Foundation
import Journal
import LotteryCore
import SimulatedWorkers
import SweepPlan
import Trainer
import Wire

struct JournalBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "A synthetic journal of TRIALS trials and POINTS metric points, and report, status and resume timed on it.",
        discussion: """
            Writes OUT/bench-journal.yaml (LeNet-300-100, 3 levels, a reinit and a random-prune control \
            at each: 10 trials per seed) and its journal OUT/runs/bench-journal/sweep.sqlite through the \
            journal's own API, as a coordinator would, without training: every trial but those of the \
            last PENDING-CHAINS chains done, with a learning curve of POINTS / finished trials points \
            (rounded up to whole evaluations of the 3 splits). Then, each in a process of its own: \
            `lottery status`, `lottery report` (into OUT/report), and a `lottery coordinator` restarted \
            on the journal, timed until a simulated worker gets its first trial. Prints wall time and \
            peak resident memory of each, and the journal's bytes per metric point.
            """)

    @Option(help: "Trials in the sweep (a multiple of 10).")
    var trials = 10_000

    @Option(help: "Metric points streamed in all (at least; rounded up to whole evaluations).")
    var points = 10_000_000

    @Option(help: "Chains (10 trials each) left pending, for the restarted coordinator to hand out.")
    var pendingChains = 10

    @Option(help: "A folder that does not exist yet, for the sweep file, the journal and the report.")
    var out = ""

    @Flag(inversion: .prefixedNo, help: "Time status, report and resume on the journal once written.")
    var measure = true

    @Option(help: "Runs of each measurement; the median is printed.")
    var repeats = 3

    @Option(help: "Measure on an existing journal written by this command (its --out folder) instead of writing one.")
    var reuse: String?

    @Option(help: "The lottery executable measured (default: this one), to compare builds on the same journal.")
    var executable = "/proc/self/exe"

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        if let reuse {
            for file in ["/bench-journal.yaml", "/runs/bench-journal/sweep.sqlite"]
            where !FileManager.default.fileExists(atPath: reuse + file) {
                throw ValidationError("--reuse \(reuse): no \(reuse + file); give a folder this command wrote with --out")
            }
            return
        }
        guard !out.isEmpty else { throw ValidationError("--out: give a new folder for the sweep file, the journal and the report") }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw ValidationError("--out \(out): exists already; give a new folder (the journal is big: put it where there is room)")
        }
        do {
            _ = try SyntheticJournal(trials: trials, points: points, pendingChains: pendingChains)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    private var folder: String { reuse ?? out }
    private var runFolder: String { folder + "/runs/bench-journal" }

    func run() throws {
        if reuse != nil {
            try measureAll()
            return
        }
        let synthetic = try SyntheticJournal(trials: trials, points: points, pendingChains: pendingChains)
        try FileManager.default.createDirectory(atPath: runFolder, withIntermediateDirectories: true)
        let sweepFile = out + "/bench-journal.yaml"
        try synthetic.sweepText.write(toFile: sweepFile, atomically: true, encoding: .utf8)
        let sweep = try Sweep(yaml: synthetic.sweepText, file: sweepFile)
        let plan = Plan(sweep)
        print("lottery bench journal: \(trials) trials (\(pendingChains) chains pending), \(synthetic.evaluations) "
              + "evaluations of 3 splits per finished trial")
        let started = ContinuousClock.now
        var lastShown = started
        let written = try synthetic.write(to: runFolder + "/sweep.sqlite", sweep: sweep, plan: plan) { count in
            if ContinuousClock.now - lastShown > .seconds(10) {
                lastShown = ContinuousClock.now
                print("  \(count) trials written")
            }
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        let bytes = journalBytes()
        print("wrote \(runFolder)/sweep.sqlite in " + String(format: "%.0f s", seconds) + ": \(written.finished) trials done, "
              + "\(groupedNumber(Double(written.metricPoints))) metric points, "
              + String(format: "%.0f MB, %.1f bytes per metric point", Double(bytes) / 1e6,
                       Double(bytes) / Double(max(1, written.metricPoints))))
        guard measure else { return }
        try measureAll()
    }

    private func measureAll() throws {
        let sweepFile = folder + "/bench-journal.yaml"
        print("")
        print("medians of \(repeats) runs, each in a process of its own:")
        let status = try median { try ChildRun.time(executable, ["status", runFolder]) }
        print("  lottery status:  " + status.description)
        let report = try median { try ChildRun.time(executable, ["report", runFolder, "--out", folder + "/report"]) }
        print("  lottery report:  " + report.description)
        let resume = try median { try timeResume(sweepFile: sweepFile) }
        print("  coordinator restarted, until its first assignment: " + resume.description)
    }

    /// Bytes of the journal and its write-ahead log.
    private func journalBytes() -> Int {
        ["", "-wal"].reduce(0) { total, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: runFolder + "/sweep.sqlite" + suffix)
            return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }

    private func median(_ measurement: () throws -> ChildRun.Figures) throws -> ChildRun.Figures {
        var runs: [ChildRun.Figures] = []
        for _ in 0..<repeats { runs.append(try measurement()) }
        let seconds = runs.map(\.seconds).sorted()[runs.count / 2]
        let peak = runs.map(\.peakKilobytes).sorted()[runs.count / 2]
        return ChildRun.Figures(seconds: seconds, peakKilobytes: peak)
    }

    /// A coordinator started on the journal, and one simulated worker that holds the trial
    /// it is given: the time from starting the process to that first assignment.
    private func timeResume(sweepFile: String) throws -> ChildRun.Figures {
        let endpoint = "tcp://127.0.0.1:\(10_000 + Int.random(in: 0..<20_000))"
        let fingerprint = Dataset.fingerprint(of: DataSpec(dataset: "fashion-mnist")).flatMap { SHA256Digest(hex: $0) }
        var configuration = WorkerCrowd.Configuration(endpoint: endpoint, count: 1,
                                                      datasets: fingerprint.map { ["fashion-mnist": $0] } ?? [:])
        configuration.prefix = "resume"
        configuration.trainingTime = .seconds(3600)
        let crowd = try WorkerCrowd(configuration, answer: SimulatedResult.mlp(inputs: 784, hidden: [300, 100], classes: 10))
        let child = try ChildRun(executable, ["coordinator", sweepFile, "--bind", endpoint, "--runs", folder + "/runs",
                                  "--log-level", "error", "--no-report"])
        let started = ContinuousClock.now
        crowd.start()
        let deadline = started + .seconds(120)
        while crowd.report.firstAssignment == nil && ContinuousClock.now < deadline && child.isRunning {
            Thread.sleep(forTimeInterval: 0.005)
        }
        let first = crowd.report.firstAssignment
        child.terminate()
        _ = crowd.stop()
        let peak = child.wait().peakKilobytes
        guard let first else { throw ValidationError("the restarted coordinator assigned nothing within 120 s") }
        return ChildRun.Figures(seconds: (first - started).inSeconds, peakKilobytes: peak)
    }
}

/// This executable run again as a child process, and what it cost: wall time and peak
/// resident memory (from `wait4`).
private final class ChildRun {
    struct Figures: CustomStringConvertible {
        var seconds: Double
        var peakKilobytes: Int
        var description: String {
            String(format: "%.2f s, peak RSS %.0f MB", seconds, Double(peakKilobytes) / 1024)
        }
    }

    let pid: pid_t
    let started = ContinuousClock.now
    private var finished: Figures?

    init(_ executable: String, _ arguments: [String]) throws {
        let argv = ([CommandLine.arguments[0]] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard code == 0 else { throw ValidationError("cannot start \(arguments[0]): \(String(cString: strerror(code)))") }
        self.pid = pid
    }

    /// Runs `lottery ARGUMENTS` to its end.
    static func time(_ executable: String, _ arguments: [String]) throws -> Figures {
        let child = try ChildRun(executable, arguments)
        let figures = child.wait()
        guard child.status == 0 else { throw ValidationError("lottery \(arguments.joined(separator: " ")) failed") }
        return figures
    }

    private(set) var status: Int32 = -1

    var isRunning: Bool {
        guard finished == nil else { return false }
        var status: Int32 = 0
        var usage = rusage()
        let result = wait4(pid, &status, WNOHANG, &usage)
        guard result == pid else { return true }
        record(status: status, usage: usage)
        return false
    }

    func terminate() {
        if finished == nil { kill(pid, SIGTERM) }
    }

    func wait() -> Figures {
        if let finished { return finished }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        record(status: status, usage: usage)
        return finished!
    }

    private func record(status: Int32, usage: rusage) {
        self.status = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        finished = Figures(seconds: (ContinuousClock.now - started).inSeconds, peakKilobytes: Int(usage.ru_maxrss))
    }
}
