import LotteryCore

/// Which configs pool into one group of the summary, the plots and the text: the configs
/// that agree on the grouping axes. By default every axis but the seeds, so a group is a
/// config.
public struct Grouping: Sendable, Hashable {
    /// One group: the grouping axes' values and the configs that have them.
    public struct Group: Sendable, Hashable {
        /// Position in `Grouping.groups`.
        public var index: Int
        /// The value of each grouping axis, in plan order.
        public var parameters: [SweepParameter]
        /// The configs pooled in it, ascending.
        public var configs: [Int]
    }

    /// The axes grouped by, in plan order.
    public let axes: [String]
    /// The groups, ordered by their first config.
    public let groups: [Group]
    /// True when a group is exactly a config (grouping by every axis).
    public let isByConfig: Bool
    private let groupOfConfig: [Int]

    /// - Parameter axes: the axes to group by; nil for every axis but the seeds.
    /// - Throws: `ReportError` for a name that is not an axis, or for `seeds`.
    public init(plan: Plan, axes requested: [String]?) throws {
        let available = plan.axes.map(\.name).filter { $0 != "seeds" }
        if let requested {
            for name in requested where !available.contains(name) {
                if name == "seeds" || name == "seed" { throw ReportError.groupedBySeeds }
                throw ReportError.unknownAxis(name, known: available)
            }
        }
        let axes = requested.map { wanted in available.filter(wanted.contains) } ?? available
        self.axes = axes
        var groups: [Group] = []
        var byKey: [[SweepParameter]: Int] = [:]
        var groupOfConfig: [Int] = []
        for config in plan.configs {
            let key = axes.map { name in
                SweepParameter(name: name, value: config.parameters.first { $0.name == name }?.value ?? "")
            }
            if let known = byKey[key] {
                groups[known].configs.append(config.index)
                groupOfConfig.append(known)
            } else {
                byKey[key] = groups.count
                groupOfConfig.append(groups.count)
                groups.append(Group(index: groups.count, parameters: key, configs: [config.index]))
            }
        }
        self.groups = groups
        self.groupOfConfig = groupOfConfig
        isByConfig = groups.count == plan.configs.count && groups.allSatisfy { $0.configs == [$0.index] }
    }

    /// The groups that the given configs fall in, ascending.
    public func groups(ofConfigs configs: [Int]) -> [Int] {
        Array(Set(configs.compactMap { groupOfConfig.indices.contains($0) ? groupOfConfig[$0] : nil })).sorted()
    }

    /// `config 2` or `group 1`, with the grouping axes' values: `config 2 (pruning.rates.fc=0.4)`.
    public func title(of group: Group) -> String {
        let name = isByConfig ? "config \(group.configs[0])" : "group \(group.index)"
        return group.parameters.isEmpty ? name : name + " (" + group.parameters.map(\.description).joined(separator: ", ") + ")"
    }

    /// A short legend label: the values of the axes that differ between groups, named by the
    /// last part of their key path (`fc=0.2, lr=0.001`) unless that would be ambiguous. Empty
    /// when there is one group.
    public func legendLabel(of group: Group) -> String {
        let varying = axes.filter { name in Set(groups.map { $0.value(of: name) }).count > 1 }
        let short = varying.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
        let names = Set(short).count == short.count ? short : varying
        return zip(varying, names).map { "\($1)=\(group.value(of: $0))" }.joined(separator: ", ")
    }
}

extension Grouping.Group {
    /// The group's value of the axis `name` (empty when it is not a grouping axis).
    public func value(of name: String) -> String {
        parameters.first { $0.name == name }?.value ?? ""
    }
}
