import LotteryCore

/// A worker's copy of a dataset that is not the sweep's, and the words that say so: the
/// `REJECT` detail, the coordinator's log line and the journal event all use them.
///
/// ```text
/// dataset fashion-mnist on node-7 differs from the sweep's (fingerprint 0c2b0d2a6ce5…,
/// the sweep's 8d4fb7e6c68d…): t10k-labels-idx1-ubyte differs (SHA-256 3fa9c2e1ab12…,
/// the sweep's 1ad4ca7d2ac1…)
/// ```
struct DatasetMismatch: CustomStringConvertible {
    /// The dataset's name.
    var dataset: String
    /// Where the worker's copy is: its host, or its name when it gave no host.
    var location: String
    var expected: DatasetFingerprint
    var found: DatasetFingerprint

    /// Nil when `found` is the sweep's data (the combined digests agree).
    init?(dataset: String, location: String, expected: DatasetFingerprint, found: DatasetFingerprint) {
        guard found.combined != expected.combined else { return nil }
        self.dataset = dataset
        self.location = location
        self.expected = expected
        self.found = found
    }

    var differences: [FileDifference] { expected.fileDifferences(in: found) }

    var description: String {
        let head = "dataset \(dataset) on \(location) differs from the sweep's (fingerprint \(found), the sweep's \(expected))"
        let differences = differences
        if !differences.isEmpty {
            return head + ": " + differences.map(\.description).joined(separator: "; ")
        }
        if found.files.isEmpty {
            return head + "; this worker does not report its files' digests, so which file differs is not known"
        }
        if expected.files.isEmpty {
            return head + "; the sweep's files' digests are not known, so which file differs is not known"
        }
        // Each file agrees, the fingerprints do not. The same files hashed together in the
        // order the protocol fixes give the same fingerprint, so one side computed its
        // fingerprint some other way (another order, other files, a bug): which, and how,
        // nothing here tells.
        return head + ": each of its \(found.files.count) files has the sweep's SHA-256, so one of the two fingerprints "
            + "was not computed from these files as docs/PROTOCOL.md (HELLO) says"
    }
}
