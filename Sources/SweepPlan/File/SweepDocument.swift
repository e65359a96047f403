import LotteryCore

/// A sweep file read against the schema: every setting it gives, the grid rules, and the
/// problems found so far. Preset defaults are not applied yet (see `ConfigResolver`).
struct SweepDocument: Sendable {
    var file: String
    /// Where the top-level mapping starts; missing keys are reported here.
    var rootLocation: SourceLocation
    var name: String?
    var description: String?
    /// Every setting given, in file order; `seeds` is among them (a default one when absent).
    var settings: [Setting]
    var zips: [ZipGroup]
    var exclusions: [Exclusion]
    /// False when the text is not YAML or not a mapping: there is nothing further to check.
    var isReadable: Bool
    /// Settings that were given but had a problem; later checks stay quiet about them.
    var invalidPaths: Set<String>
    var diagnostics: [SweepDiagnostic]

    func setting(_ path: String) -> Setting? {
        settings.first { $0.path == path }
    }

    /// The settings with several values, in file order.
    var axes: [Setting] { settings.filter(\.isAxis) }
}

/// Axes that vary together: the i-th values of each belong to one grid point.
struct ZipGroup: Sendable {
    var location: SourceLocation
    /// Canonical paths of the zipped axes.
    var paths: [String]
}

/// One entry of `exclude:`: a grid point is removed when, for every path, its value is one
/// of the listed values.
struct Exclusion: Sendable {
    var location: SourceLocation
    var conditions: [(path: String, values: Set<SettingValue>)]

    func matches(_ point: [String: ParsedValue]) -> Bool {
        conditions.allSatisfy { condition in
            point[condition.path].map { condition.values.contains($0.value) } ?? false
        }
    }
}
