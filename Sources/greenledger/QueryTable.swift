import LedgerCore
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

/// An API amount (a decimal string of minor units) of `currency` for people, in the one amount
/// format (`AmountFormat`): `2,500,125.00 EUR`. Text that is not digits is shown as it is.
func money(_ minorDigits: String, _ currency: String) -> String {
    guard let value = UInt128(minorDigits) else { return "\(minorDigits) \(currency)" }
    return AmountFormat.money(ExactAmount(value), currency)
}

/// An API quantity of kg CO2e for people: `5,000 kg CO2e`.
func kg(_ digits: String) -> String {
    guard let value = UInt128(digits) else { return "\(digits) kg CO2e" }
    return AmountFormat.kg(ExactAmount(value))
}
