import LotteryCore
import Wire

/// Artifacts this worker has received or made, by digest, up to a byte budget;
/// the least recently used go first.
struct ArtifactCache {
    private var entries: [SHA256Digest: (artifact: Artifact, used: Int)] = [:]
    private var clock = 0
    private(set) var bytes = 0
    let budget: Int

    init(budget: Int) {
        self.budget = budget
    }

    mutating func get(_ digest: SHA256Digest) -> Artifact? {
        guard let entry = entries[digest] else { return nil }
        clock += 1
        entries[digest] = (entry.artifact, clock)
        return entry.artifact
    }

    mutating func put(_ artifact: Artifact) {
        clock += 1
        if entries[artifact.sha256] == nil { bytes += artifact.bytes.count }
        entries[artifact.sha256] = (artifact, clock)
        while bytes > budget, entries.count > 1,
              let oldest = entries.min(by: { $0.value.used < $1.value.used }) {
            entries[oldest.key] = nil
            bytes -= oldest.value.artifact.bytes.count
        }
    }
}
