/// A problem with a dataset on disk: which file, what was expected, what was found.
public struct DataError: Error, CustomStringConvertible, Sendable {
    private enum Reason: Sendable {
        case missing(path: String, expected: String)
        case unreadable(path: String, detail: String)
        case truncated(path: String, expectedBytes: Int, foundBytes: Int)
        case wrongMagic(path: String, expected: String, found: String)
        case mismatch(path: String, detail: String)
        case unsupported(detail: String)
    }

    private let reason: Reason

    static func missing(_ path: String, expected: String) -> DataError {
        DataError(reason: .missing(path: path, expected: expected))
    }

    static func unreadable(_ path: String, _ detail: String) -> DataError {
        DataError(reason: .unreadable(path: path, detail: detail))
    }

    static func truncated(_ path: String, expectedBytes: Int, foundBytes: Int) -> DataError {
        DataError(reason: .truncated(path: path, expectedBytes: expectedBytes, foundBytes: foundBytes))
    }

    static func wrongMagic(_ path: String, expected: String, found: String) -> DataError {
        DataError(reason: .wrongMagic(path: path, expected: expected, found: found))
    }

    static func mismatch(_ path: String, _ detail: String) -> DataError {
        DataError(reason: .mismatch(path: path, detail: detail))
    }

    static func unsupported(_ detail: String) -> DataError {
        DataError(reason: .unsupported(detail: detail))
    }

    public var description: String {
        switch reason {
        case .missing(let path, let expected):
            "\(path): no such file; expected \(expected)"
        case .unreadable(let path, let detail):
            "\(path): cannot be read: \(detail)"
        case .truncated(let path, let expectedBytes, let foundBytes):
            "\(path): truncated: expected \(expectedBytes) bytes of data after the header, found \(foundBytes)"
        case .wrongMagic(let path, let expected, let found):
            "\(path): not \(expected) (magic number \(found))"
        case .mismatch(let path, let detail):
            "\(path): \(detail)"
        case .unsupported(let detail):
            detail
        }
    }
}
