import Foundation
import LotteryCore
import Testing

@testable import SweepPlan

/// What `lottery expand` prints in each format.
@Suite struct PlanFormatTests {
    static let yaml = """
        name: small
        dataset: fashion-mnist
        model: lenet-300-100
        training: {length: 1000it}
        pruning: {rates: {fc: [0.2, 0.4]}}
        levels: 2
        controls: {reinit: 1}
        seeds: 2
        """

    @Test func summary() throws {
        let text = try makePlan(Self.yaml).rendered(as: .summary)
        #expect(text == """
            sweep    small (test.yaml)
            axis     pruning.rates.fc: 0.2, 0.4
            axis     seeds: 0, 1
            configs  2
            chains   4 (configs × seeds)
            trials   18 to run: 2 dense, 8 ticket, 8 reinit
            shared   2 (the chains ask for 20 trials; 18 are unique)
            depth    4 trials in a row on the longest path
            work     1,080,000 training samples (Σ iterations × batch over all trials)

            """)
    }

    @Test func tableHasOneColumnPerAxis() throws {
        let plan = try makePlan(Self.yaml)
        let text = plan.rendered(as: .table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(lines.first { $0.hasPrefix("id ") })
        #expect(header.split(separator: " ", omittingEmptySubsequences: true) == [
            "id", "parent", "level", "branch", "chains", "pruning.rates.fc", "seeds", "pruning", "remaining%",
            "iterations", "batch", "samples",
        ])
        #expect(text.contains("fc 20% output 10%"))
    }

    @Test func csvHasAHeaderAndOneRowPerTrial() throws {
        let plan = try makePlan(Self.yaml)
        let rows = plan.rendered(as: .csv).split(separator: "\n")
        #expect(rows.count == plan.trials.count + 1)
        #expect(rows[0] == "id,parent,level,branch,chains,pruning.rates.fc,seeds,pruning,remaining%,iterations,batch,samples")
        #expect(rows[1] == "\(plan.trials[0].id),,0,dense,0 2,,0,,100.0,1000,60,60000")
    }

    @Test func csvQuotesFieldsThatNeedIt() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: {preset: lenet-300-100, hidden: [[300, 100], [50]]}
            levels: 0
            """)
        let rows = plan.rendered(as: .csv).split(separator: "\n")
        #expect(rows[1].contains(",\"[300, 100]\","))
    }

    @Test func jsonHasEveryTrialWithItsRecipe() throws {
        let plan = try makePlan(Self.yaml)
        let data = Data(plan.rendered(as: .json).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let trials = try #require(object["trials"] as? [[String: Any]])
        #expect(trials.count == 18)
        #expect(trials[1]["parent"] as? String == plan.trials[0].id.rawValue)
        #expect(trials[1]["recipe"] != nil)
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["sharedTrials"] as? Int == 2)
    }

    @Test func dotHasANodePerTrialAndAnEdgePerParent() throws {
        let plan = try makePlan(Self.yaml)
        let dot = plan.rendered(as: .dot)
        #expect(dot.hasPrefix("digraph \"small\" {"))
        #expect(dot.split(separator: "\n").filter { $0.contains(" -> ") }.count == plan.trials.count - 2)
        #expect(dot.contains("\"\(plan.trials[0].id)\" -> \"\(plan.trials[1].id)\";"))
        #expect(dot.contains("style=dashed"))
    }
}
