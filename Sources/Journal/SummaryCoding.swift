import LotteryCore

/// A trial's `RunSummary` as the journal stores it since schema 4: a few bytes in a fixed
/// little-endian layout (a BLOB in `trials.summary`), instead of JSON. Decoding 10,000
/// summaries with Foundation's JSONDecoder was most of `lottery status` (2 s) and a good
/// part of a coordinator's restart; this takes milliseconds. Summaries journaled as JSON
/// (TEXT) by earlier versions still read, and are rewritten in this form when a writer
/// opens the journal.
///
/// Layout: a format byte (1); iterations and the early-stop iteration as Int64; the eleven
/// Doubles in declaration order (bit patterns, so NaN and infinities survive); the layer
/// count (UInt32), and per layer its name and kind (each a UInt16 length and UTF-8 bytes)
/// and remaining and total weights (Int64).
enum SummaryCoding {
    static let format: UInt8 = 1

    static func encode(_ summary: RunSummary) -> [UInt8] {
        var bytes: [UInt8] = [format]
        bytes.reserveCapacity(1 + 2 * 8 + 11 * 8 + 4 + summary.layers.count * 32)
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        func append(_ text: String) {
            let utf8 = Array(text.utf8.prefix(Int(UInt16.max)))
            append(UInt16(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        append(Int64(summary.iterations))
        append(Int64(summary.earlyStopIteration))
        for value in doubles(of: summary) { append(value.bitPattern) }
        append(UInt32(summary.layers.count))
        for layer in summary.layers {
            append(layer.name)
            append(layer.kind.rawValue)
            append(Int64(layer.remaining))
            append(Int64(layer.total))
        }
        return bytes
    }

    /// Nil for bytes that are not a summary in this layout.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> RunSummary? {
        var reader = Reader(bytes: bytes)
        guard reader.read(UInt8.self) == format,
              let iterations = reader.read(Int64.self), let earlyStop = reader.read(Int64.self) else { return nil }
        var values: [Double] = []
        for _ in 0..<11 {
            guard let bits = reader.read(UInt64.self) else { return nil }
            values.append(Double(bitPattern: bits))
        }
        guard let count = reader.read(UInt32.self), Int(count) <= bytes.count else { return nil }
        var layers: [LayerDensity] = []
        layers.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let name = reader.string(), let kind = reader.string().flatMap(LayerKind.init(rawValue:)),
                  let remaining = reader.read(Int64.self), let total = reader.read(Int64.self) else { return nil }
            layers.append(LayerDensity(name: name, kind: kind, remaining: Int(remaining), total: Int(total)))
        }
        guard reader.isAtEnd else { return nil }
        return RunSummary(
            iterations: Int(iterations), earlyStopIteration: Int(earlyStop), minValidationLoss: values[0],
            earlyStopTestAccuracy: values[1], finalValidationLoss: values[2], finalValidationAccuracy: values[3],
            finalTestLoss: values[4], finalTestAccuracy: values[5], earlyStopTrainAccuracy: values[6],
            earlyStopTrainLoss: values[7], finalTrainAccuracy: values[8], finalTrainLoss: values[9],
            layers: layers, seconds: values[10])
    }

    /// The Doubles of `summary` in the order `decode` reads them.
    private static func doubles(of summary: RunSummary) -> [Double] {
        [summary.minValidationLoss, summary.earlyStopTestAccuracy, summary.finalValidationLoss,
         summary.finalValidationAccuracy, summary.finalTestLoss, summary.finalTestAccuracy,
         summary.earlyStopTrainAccuracy, summary.earlyStopTrainLoss, summary.finalTrainAccuracy,
         summary.finalTrainLoss, summary.seconds]
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        mutating func read<T: FixedWidthInteger>(_ type: T.Type) -> T? {
            let size = MemoryLayout<T>.size
            guard offset + size <= bytes.count else { return nil }
            let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
            offset += size
            return T(littleEndian: value)
        }

        mutating func string() -> String? {
            guard let length = read(UInt16.self), offset + Int(length) <= bytes.count else { return nil }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)]), as: UTF8.self)
            offset += Int(length)
            return text
        }
    }
}
