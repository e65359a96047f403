@testable import Coordinator
import LotteryCore
import Testing

/// The words a worker with other data is turned away with.
struct DatasetMismatchTests {
    private static func digest(_ character: Character) -> String { String(repeating: character, count: 64) }

    private static let sweeps = DatasetFingerprint(combined: digest("0"), files: [
        "train-images-idx3-ubyte": digest("1"), "train-labels-idx1-ubyte": digest("2"),
        "t10k-images-idx3-ubyte": digest("3"), "t10k-labels-idx1-ubyte": digest("4"),
    ])

    private func mismatch(_ found: DatasetFingerprint, expected: DatasetFingerprint = sweeps) throws -> String {
        try #require(DatasetMismatch(dataset: "fashion-mnist", location: "node-7", expected: expected, found: found)).description
    }

    @Test func theSameDataIsNoMismatch() {
        #expect(DatasetMismatch(dataset: "fashion-mnist", location: "node-7", expected: Self.sweeps, found: Self.sweeps) == nil)
        // Files are only for naming the difference: the combined digest decides.
        let sameWithoutFiles = DatasetFingerprint(combined: Self.sweeps.combined)
        #expect(DatasetMismatch(dataset: "fashion-mnist", location: "node-7", expected: Self.sweeps, found: sameWithoutFiles) == nil)
    }

    @Test func oneFileThatDiffersIsNamedWithShortDigests() throws {
        var found = Self.sweeps
        found.combined = Self.digest("9")
        found.files["t10k-labels-idx1-ubyte"] = Self.digest("8")
        #expect(try mismatch(found) == "dataset fashion-mnist on node-7 differs from the sweep's (fingerprint 999999999999…, "
            + "the sweep's 000000000000…): t10k-labels-idx1-ubyte differs (SHA-256 888888888888…, the sweep's 444444444444…)")
    }

    @Test func missingAndExtraFilesAreNamed() throws {
        var found = Self.sweeps
        found.combined = Self.digest("9")
        found.files["train-images-idx3-ubyte"] = nil
        found.files["train-labels-idx1-ubyte"] = Self.digest("7")
        found.files["README"] = Self.digest("6")
        let text = try mismatch(found)
        #expect(text.hasSuffix("): README is not in the sweep's copy (SHA-256 666666666666…); "
            + "train-images-idx3-ubyte is missing (the sweep's has SHA-256 111111111111…); "
            + "train-labels-idx1-ubyte differs (SHA-256 777777777777…, the sweep's 222222222222…)"), "\(text)")
        #expect(!text.contains("t10k"))
    }

    @Test func withoutFileDigestsItSaysWhichSideLacksThem() throws {
        let old = DatasetFingerprint(combined: Self.digest("9"))
        #expect(try mismatch(old).hasSuffix("; this worker does not report its files' digests, so which file differs is not known"))
        var found = Self.sweeps
        found.combined = Self.digest("9")
        found.files["t10k-labels-idx1-ubyte"] = Self.digest("8")
        #expect(try mismatch(found, expected: DatasetFingerprint(combined: Self.digest("0")))
            .hasSuffix("; the sweep's files' digests are not known, so which file differs is not known"))
    }

    /// Each file agrees and the fingerprints do not. Files hashed together in the order
    /// the protocol fixes give one fingerprint, so one of the two was computed some other
    /// way: in another order, of other files, or wrongly. Which, nothing here tells, and
    /// the words must not guess (they used to say the files were out of order).
    @Test func filesThatAllMatchUnderDifferentFingerprintsAreNotCalledOutOfOrder() throws {
        var found = Self.sweeps
        found.combined = Self.digest("9")
        let text = try mismatch(found)
        #expect(!text.contains("order"), "\(text)")
        #expect(text == "dataset fashion-mnist on node-7 differs from the sweep's (fingerprint 999999999999…, "
            + "the sweep's 000000000000…): each of its 4 files has the sweep's SHA-256, so one of the two fingerprints "
            + "was not computed from these files as docs/PROTOCOL.md (HELLO) says", "\(text)")
    }
}
