import Foundation
import Synchronization

/// The live status line at the bottom of a terminal, and everything else printed
/// above it: a log line first clears the status line, then the status line is
/// drawn again under it, so the two never run into each other.
public final class TerminalLine: Sendable {
    public static let standardError = TerminalLine()

    private let status = Mutex<String>("")

    /// Replaces the status line.
    public func show(_ line: String) {
        status.withLock { current in
            current = line
            write("\r\u{1B}[K" + line)
        }
    }

    /// Prints `text` (a whole line, newline included) above the status line.
    public func print(_ text: String) {
        status.withLock { current in
            write(current.isEmpty ? text : "\r\u{1B}[K" + text + current)
        }
    }

    /// Removes the status line for good.
    public func clear() {
        status.withLock { current in
            if !current.isEmpty { write("\r\u{1B}[K") }
            current = ""
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
