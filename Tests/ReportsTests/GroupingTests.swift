import LotteryCore
import SweepPlan
import Testing

@testable import Reports

@Suite struct GroupingTests {
    static let twoAxes = """
        dataset: fashion-mnist
        model: lenet-300-100
        training: {lr: [1e-3, 3e-3]}
        pruning: {rates: {fc: [0.2, 0.5], output: 0.1}}
        levels: 1
        seeds: 2
        """

    @Test func byDefaultAGroupIsAConfig() throws {
        let plan = Plan(try Sweep(yaml: Self.twoAxes))
        let grouping = try Grouping(plan: plan, axes: nil)
        #expect(grouping.isByConfig)
        #expect(grouping.axes == ["training.lr", "pruning.rates.fc"])
        #expect(grouping.groups.map(\.configs) == [[0], [1], [2], [3]])
        #expect(grouping.title(of: grouping.groups[1]) == "config 1 (training.lr=1e-3, pruning.rates.fc=0.5)")
        #expect(grouping.legendLabel(of: grouping.groups[1]) == "lr=1e-3, fc=0.5")
    }

    @Test func groupingByOneAxisPoolsTheOthers() throws {
        let plan = Plan(try Sweep(yaml: Self.twoAxes))
        let grouping = try Grouping(plan: plan, axes: ["pruning.rates.fc"])
        #expect(!grouping.isByConfig)
        #expect(grouping.groups.map(\.configs) == [[0, 2], [1, 3]])
        #expect(grouping.groups(ofConfigs: [3, 2]) == [0, 1])
        #expect(grouping.title(of: grouping.groups[1]) == "group 1 (pruning.rates.fc=0.5)")
        #expect(grouping.legendLabel(of: grouping.groups[0]) == "fc=0.2")
    }

    @Test func groupingByNothingPoolsEverything() throws {
        let plan = Plan(try Sweep(yaml: Self.twoAxes))
        let grouping = try Grouping(plan: plan, axes: [])
        #expect(grouping.groups.map(\.configs) == [[0, 1, 2, 3]])
        #expect(grouping.title(of: grouping.groups[0]) == "group 0")
        #expect(grouping.legendLabel(of: grouping.groups[0]) == "")
    }

    @Test func aSweepWithoutAxesHasOneConfig() throws {
        let plan = Plan(try Sweep(yaml: "dataset: fashion-mnist\nmodel: lenet-300-100\nlevels: 1\nseeds: 3"))
        let grouping = try Grouping(plan: plan, axes: nil)
        #expect(grouping.isByConfig && grouping.axes.isEmpty)
        #expect(grouping.title(of: grouping.groups[0]) == "config 0")
    }

    @Test func unknownAxesAndSeedsAreClearErrors() throws {
        let plan = Plan(try Sweep(yaml: Self.twoAxes))
        let unknown = #expect(throws: ReportError.self) { try Grouping(plan: plan, axes: ["pruning.rate.fc"]) }
        #expect(unknown?.description ==
                "--group-by pruning.rate.fc: not an axis of this sweep; its axes are training.lr, pruning.rates.fc")
        let seeds = #expect(throws: ReportError.self) { try Grouping(plan: plan, axes: ["seeds"]) }
        #expect(seeds?.description.contains("aggregates over seeds") == true)
    }
}
