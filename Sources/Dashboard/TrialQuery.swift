import LotteryCore
import Journal

/// `/api/trials`' parameters: which trials (level, branch, seed, state), in which order, and
/// which page of them. Sorting and filtering happen here, so a page of a 10,000-trial sweep
/// is all the page ever receives.
struct TrialQuery: Equatable {
    enum Key: String, CaseIterable {
        case position, level, branch, seed, state, attempts, worker, weights, accuracy, iteration, finished
    }

    static let maxLimit = 500

    var level: Int?
    /// A branch as the plan names it (`reinit#0`), or its kind (`reinit` matches every replicate).
    var branch: String?
    var seed: String?
    var states: Set<TrialState>?
    var sort = Key.position
    var descending = false
    var offset = 0
    var limit = 100

    /// - Throws: `RequestProblem` (400) naming the parameter and what it takes.
    init(_ query: [String: String]) throws {
        for (name, value) in query {
            switch name {
            case "level":
                guard let level = Int(value), level >= 0, level < 10_000 else {
                    throw RequestProblem(.badRequest, "level must be a whole number from 0, not '\(value.prefix(40))'")
                }
                self.level = level
            case "branch":
                guard !value.isEmpty, value.count <= 64 else { throw RequestProblem(.badRequest, "branch must be 1 to 64 characters") }
                branch = value
            case "seed":
                guard !value.isEmpty, value.count <= 64 else { throw RequestProblem(.badRequest, "seed must be 1 to 64 characters") }
                seed = value
            case "state":
                var states: Set<TrialState> = []
                for word in value.split(separator: ",") {
                    guard let state = TrialState(rawValue: String(word)) else {
                        throw RequestProblem(.badRequest, "state '\(word.prefix(40))' is none of "
                                             + TrialState.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    states.insert(state)
                }
                guard !states.isEmpty else { throw RequestProblem(.badRequest, "state is empty") }
                self.states = states
            case "sort":
                guard let key = Key(rawValue: value) else {
                    throw RequestProblem(.badRequest, "sort '\(value.prefix(40))' is none of "
                                         + Key.allCases.map(\.rawValue).joined(separator: ", "))
                }
                sort = key
            case "order":
                guard value == "asc" || value == "desc" else { throw RequestProblem(.badRequest, "order is asc or desc") }
                descending = value == "desc"
            case "offset":
                guard let offset = Int(value), offset >= 0, offset <= 10_000_000 else {
                    throw RequestProblem(.badRequest, "offset must be a whole number from 0")
                }
                self.offset = offset
            case "limit":
                guard let limit = Int(value), limit >= 1, limit <= Self.maxLimit else {
                    throw RequestProblem(.badRequest, "limit must be from 1 to \(Self.maxLimit)")
                }
                self.limit = limit
            default:
                throw RequestProblem(.badRequest, "unknown parameter '\(name.prefix(40))'; /api/trials takes "
                                     + "level, branch, seed, state, sort, order, offset, limit")
            }
        }
    }

    func matches(_ row: TrialRow) -> Bool {
        if let level, row.level != level { return false }
        if let branch, row.branch != branch, !row.branch.hasPrefix(branch + "#") { return false }
        if let seed, row.seed != seed { return false }
        if let states, !states.contains(row.state) { return false }
        return true
    }

    func page(of rows: [TrialRow], version: Int) -> TrialsResponse {
        var selected = rows.filter(matches)
        if sort != .position || descending {
            // Missing values last whichever the order; ties in plan order.
            selected.sort { a, b in
                let (x, y) = (value(a), value(b))
                switch (x, y) {
                case (nil, nil): return a.position < b.position
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?):
                    if x == y { return a.position < b.position }
                    return descending ? y < x : x < y
                }
            }
        }
        let page = selected.dropFirst(offset).prefix(limit)
        return TrialsResponse(version: version, total: rows.count, matching: selected.count, offset: offset, limit: limit,
                              trials: page.map(TrialJSON.init))
    }

    private func value(_ row: TrialRow) -> SortValue? {
        switch sort {
        case .position: .number(Double(row.position))
        case .level: .number(Double(row.level))
        case .branch: .text(row.branch)
        case .seed: Double(row.seed).map(SortValue.number) ?? .text(row.seed)
        case .state: .text(row.state.rawValue)
        case .attempts: .number(Double(row.attempts))
        case .worker: row.worker.map(SortValue.text)
        case .weights: row.weightsRemaining.map(SortValue.number)
        case .accuracy: row.earlyStopTestAccuracy.map(SortValue.number)
        case .iteration: row.earlyStopIteration.map { .number(Double($0)) }
        case .finished: row.finishedAt.map(SortValue.number)
        }
    }
}

private enum SortValue: Comparable {
    case number(Double)
    case text(String)
}
