import Logging

/// Log lines go to standard error; standard output is for results.
func makeLogger(_ label: String, level: Logger.Level = .info) -> Logger {
    LoggingBootstrap.once
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
}

private enum LoggingBootstrap {
    static let once: Void = {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
    }()
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

import ArgumentParser
