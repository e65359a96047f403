import ArgumentParser
import Coordinator
import Foundation
import Logging

/// Log lines go to standard error (standard output is for results), above the
/// coordinator's live status line when there is one.
func makeLogger(_ label: String, level: Logger.Level = .info) -> Logger {
    LoggingBootstrap.once
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
}

private enum LoggingBootstrap {
    static let once: Void = {
        LoggingSystem.bootstrap { StatusAwareLogHandler(label: $0) }
    }()
}

/// swift-log's stream format, written through `TerminalLine`.
struct StatusAwareLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let merged = metadata.merging(explicit ?? [:]) { $1 }
        let details = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601)
        TerminalLine.standardError.print("\(time) \(level) \(label):\(details) [\(source)] \(message)\n")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
