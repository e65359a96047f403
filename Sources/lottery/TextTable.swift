import Foundation

/// Right-aligned columns for tables printed as rows arrive.
struct TextTable {
    let columns: [String]
    let widths: [Int]

    init(columns: [String], minimumWidth: Int = 8) {
        self.columns = columns
        widths = columns.map { max($0.count, minimumWidth) }
    }

    var header: String { line(columns) }

    func line(_ cells: [String]) -> String {
        zip(cells, widths).map { cell, width in
            String(repeating: " ", count: max(0, width - cell.count)) + cell
        }.joined(separator: "  ")
    }
}

/// A count or rate for a benchmark table: whole, with thousands grouped (`79,252`).
func groupedNumber(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
}
