import LotteryCore

#if canImport(Glibc)
import Glibc
#endif

/// CIFAR-10's binary version: each file is a run of 3,073-byte records, a label
/// byte (0–9) and then a 32×32 image as three planes (red, green, blue), row by
/// row: already the channel-plane layout the trainer uses.
enum CIFAR10File {
    static let trainFileNames = (1...5).map { "data_batch_\($0).bin" }
    static let testFileNames = ["test_batch.bin"]
    static var fileNames: [String] { trainFileNames + testFileNames }

    /// The examples of `names` in `folder`, in order, fed to `fingerprint` as read.
    static func read(folder: String, names: [String], info: DatasetInfo,
                     fingerprint: inout SHA256) throws -> Examples {
        let features = info.inputShape.reduce(1, *)
        let recordSize = 1 + features
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        for name in names {
            let path = Dataset.locate(folder: folder, name: name)
            guard access(path, F_OK) == 0 else {
                throw DataError.missing(path, expected: "one of CIFAR-10's binary batches "
                    + "(\(fileNames.joined(separator: ", "))) from cifar-10-binary.tar.gz, unpacked")
            }
            let bytes = try CompressedFile.read(path, limit: 1 << 30)
            fingerprint.update(bytes)
            guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
                throw DataError.mismatch(path, "\(bytes.count) bytes is not a whole number of \(recordSize)-byte "
                    + "records (a label byte and a \(info.inputShape.map(String.init).joined(separator: "×")) image); "
                    + "is it the binary version of CIFAR-10, not the Python or MATLAB one?")
            }
            let count = bytes.count / recordSize
            pixels.reserveCapacity(pixels.count + count * features)
            for record in 0..<count {
                let start = record * recordSize
                let label = bytes[start]
                guard Int(label) < info.classes else {
                    throw DataError.mismatch(path, "record \(record) has label \(label), not one of the "
                        + "\(info.classes) classes 0–\(info.classes - 1)")
                }
                labels.append(label)
                pixels.append(contentsOf: bytes[(start + 1)..<(start + recordSize)])
            }
        }
        return Examples(pixels: pixels, labels: labels, featuresPerExample: features)
    }
}
