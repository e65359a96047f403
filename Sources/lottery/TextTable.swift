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
