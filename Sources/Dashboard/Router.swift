import FlyingFox
import Foundation
import Journal
import LotteryCore

/// Every request: bounded, read-only, allowed by the token rule, then routed. A request the
/// dashboard cannot serve gets a 4xx with a sentence saying why, never a crash.
struct Router: HTTPHandler {
    /// Longest request target (path and query) served.
    static let maxTarget = 2048
    static let maxQueryItems = 16

    let dashboard: DashboardServer

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        if request.target.rawValue.utf8.count > Self.maxTarget {
            return Self.problem(.uriTooLong, "the request target is longer than \(Self.maxTarget) bytes")
        }
        if request.query.count > Self.maxQueryItems {
            return Self.problem(.badRequest, "more than \(Self.maxQueryItems) query parameters")
        }
        if request.headers[.transferEncoding] != nil || (Int(request.headers[.contentLength] ?? "0") ?? 1) != 0 {
            return Self.problem(.payloadTooLarge, "the dashboard is read-only and takes no request bodies")
        }
        guard request.method == .GET || request.method == .HEAD else {
            var response = Self.problem(.methodNotAllowed, "the dashboard is read-only: GET only")
            response.headers[HTTPHeader("Allow")] = "GET, HEAD"
            return response
        }
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
        var query: [String: String] = [:]
        for item in request.query {
            guard query[item.name] == nil else { return Self.problem(.badRequest, "the parameter '\(item.name)' is given twice") }
            query[item.name] = item.value
        }
        switch dashboard.access.decide(path: request.path, query: query, headers: headers) {
        case .allow:
            break
        case .logIn(let cookie):
            return HTTPResponse(statusCode: .seeOther, headers: [.location: "/", HTTPHeader("Set-Cookie"): cookie])
        case .deny(let reason):
            var response = Self.problem(.unauthorized, reason)
            response.headers[HTTPHeader("WWW-Authenticate")] = "Bearer realm=\"lottery\""
            return response
        }
        do {
            return try await route(request.path, query: query)
        } catch let error as RequestProblem {
            return Self.problem(error.status, error.message)
        }
    }

    private func route(_ path: String, query: [String: String]) async throws -> HTTPResponse {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        let state = dashboard.watcher.current
        if parts.count >= 3, parts.count <= 4, parts[0] == "api", parts[1] == "trials" {
            try Self.noParameters(query)
            let id = parts[2]
            guard let row = try Self.row(id, in: state) else { throw RequestProblem(.notFound, "no trial \(id) in this sweep") }
            if parts.count == 3 { return try Self.json(TrialJSON(row)) }
            guard parts[3] == "curves" else { throw RequestProblem(.notFound, "nothing at \(path); a trial has /curves") }
            let reader = dashboard.curves
            let curve = try await offThePool { try reader.curve(of: row) }
            return try Self.json(curve)
        }
        if parts.count == 3, parts[0] == "api", parts[1] == "tables" {
            try Self.noParameters(query)
            let name = parts[2]
            guard let table = ReportTableName(rawValue: name) else {
                throw RequestProblem(.notFound, "no table '\(name.prefix(40))': there are trials.csv, summary.csv and metrics.csv")
            }
            let tables = dashboard.tables
            let file = try await offThePool { try tables.write(table) }
            return HTTPResponse(statusCode: .ok, headers: [
                .contentType: "text/csv; charset=utf-8",
                HTTPHeader("Content-Disposition"): "attachment; filename=\"\(table.rawValue)\"",
            ], body: try HTTPBodySequence(file: URL(fileURLWithPath: file), suggestedBufferSize: 65536))
        }
        switch parts {
        case [""], ["index.html"]:
            try Self.noParameters(query)
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8",
                                                           HTTPHeader("Cache-Control"): "no-store"],
                                body: Data(Page.html.utf8))
        case ["metrics"]:
            try Self.noParameters(query)
            let text = dashboard.exporter.text(state, snapshots: dashboard.configuration.snapshots)
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: Data(text.utf8))
        case ["api", "sweep"]:
            try Self.noParameters(query)
            return try Self.json(SweepResponse(sweep: state.sweep, progress: state.progress))
        case ["api", "levels"]:
            try Self.noParameters(query)
            return try Self.json(LevelsResponse(version: state.levelsVersion, levels: state.levels))
        case ["api", "workers"]:
            try Self.noParameters(query)
            return try Self.json(WorkersResponse(live: state.sweep.live, workers: state.workers))
        case ["api", "failures"]:
            try Self.noParameters(query)
            return try Self.json(FailuresResponse(failures: state.failures, dropped: state.dropped))
        case ["api", "trials"]:
            let selection = try TrialQuery(query)
            return try Self.json(selection.page(of: state.rows, version: state.rowsVersion))
        case ["api", "stream"]:
            try Self.noParameters(query)
            guard let ticket = dashboard.streams.enter() else {
                throw RequestProblem(.serviceUnavailable, "too many open streams (\(StreamCount.limit)); close a page")
            }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/event-stream",
                                                           HTTPHeader("Cache-Control"): "no-store"],
                                body: HTTPBodySequence(from: EventStream(watcher: dashboard.watcher, ticket: ticket)))
        default:
            throw RequestProblem(.notFound, "nothing at \(path); the API is under /api/ (docs/DASHBOARD.md)")
        }
    }

    private static func row(_ id: String, in state: DashboardState) throws -> TrialRow? {
        guard TrialID(id) != nil else {
            throw RequestProblem(.badRequest, "'\(id.prefix(80))' is not a trial id (16 hexadecimal digits)")
        }
        return state.rows.first { $0.id == id }
    }

    private static func noParameters(_ query: [String: String]) throws {
        if let name = query.keys.sorted().first {
            throw RequestProblem(.badRequest, "unknown parameter '\(name.prefix(40))' (docs/DASHBOARD.md lists each endpoint's)")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func json(_ value: some Encodable) throws -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json", HTTPHeader("Cache-Control"): "no-store"],
                     body: try encoder.encode(value))
    }

    static func problem(_ status: HTTPStatusCode, _ message: String) -> HTTPResponse {
        let body = (try? encoder.encode(["error": message])) ?? Data()
        return HTTPResponse(statusCode: status, headers: [.contentType: "application/json"], body: body)
    }
}

/// A request the dashboard refuses, with the status and the sentence to send.
struct RequestProblem: Error {
    var status: HTTPStatusCode
    var message: String

    init(_ status: HTTPStatusCode, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// Runs blocking work (SQLite reads, CSV writing) on a thread of Dispatch's, not the
/// cooperative pool that serves the other requests.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try work() })
        }
    }
}
