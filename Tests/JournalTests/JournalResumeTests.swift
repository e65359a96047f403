import Foundation
import Journal
import LotteryCore
import SweepPlan
import Testing

struct JournalResumeTests {
    @Test func aChangedFileRefreshesThePlannedFormOfTrialsItKeeps() throws {
        let folder = NSTemporaryDirectory() + "lottery-journal-resume-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/sweep.sqlite"
        let before = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {rates: {fc: [0.2], output: 0.1}}
            levels: 1
            """)
        // A new rate before the old one: the fc 0.2 chain becomes chain 1, and the dense run is
        // shared by two chains that disagree on the rate.
        let after = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {rates: {fc: [0.1, 0.2], output: 0.1}}
            levels: 1
            """)
        _ = try Journal(path: path).begin(sweep: before, plan: Plan(before), at: 1)
        let journal = try Journal(path: path)
        let plan = Plan(after)
        _ = try journal.begin(sweep: after, plan: plan, at: 2)

        let records = try journal.trials()
        #expect(records.map(\.id) == plan.trials.map(\.id))
        #expect(records.map(\.planned.chains) == plan.trials.map(\.chains))
        #expect(records.map(\.planned.parameters) == plan.trials.map(\.parameters))
        #expect(records[0].planned.chains == [0, 1])
        #expect(records[0].planned.parameter("pruning.rates.fc") == nil)
    }
}
