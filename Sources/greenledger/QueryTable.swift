/// A plain-text table: a header row and rows, columns padded to their widest cell (numbers
/// right-aligned), two spaces apart.
struct QueryTable {
    let headers: [String]
    var rows: [[String]] = []
    /// Columns whose cells are right-aligned (amounts, heights).
    var numeric: Set<Int> = []

    init(_ headers: [String], numeric: Set<Int> = []) {
        self.headers = headers
        self.numeric = numeric
    }

    mutating func add(_ cells: [String]) {
        precondition(cells.count == headers.count, "a table row has \(cells.count) cells for \(headers.count) columns")
        rows.append(cells)
    }

    func rendered() -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return numeric.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// Groups digits in threes for people: 1234567 → 1 234 567 (machine output uses --json).
func grouped(_ digits: String) -> String {
    guard digits.count > 3, digits.allSatisfy(\.isNumber) else { return digits }
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(" ") }
        result.append(character)
    }
    return result
}
