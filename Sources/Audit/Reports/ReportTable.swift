import LedgerCore

/// A table the reports print: aligned text for people, RFC 4180 CSV for spreadsheets.
public struct ReportTable: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var title: String
        public var rightAligned: Bool

        public init(_ title: String, rightAligned: Bool = false) {
            self.title = title
            self.rightAligned = rightAligned
        }
    }

    public var columns: [Column]
    public var rows: [[String]]

    public init(columns: [Column], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// Columns padded to their widest cell (in characters), two spaces apart; "(none)" for no rows.
    public var text: String {
        let widths = columns.indices.map { index in
            ([columns[index].title] + rows.map { index < $0.count ? $0[index] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            columns.indices.map { index in
                let cell = index < cells.count ? cells[index] : ""
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return columns[index].rightAligned ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
        var lines = ["  " + line(columns.map(\.title))]
        lines += rows.isEmpty ? ["  (none)"] : rows.map { "  " + line($0) }
        return lines.joined(separator: "\n")
    }

    /// RFC 4180: a header row, CRLF after every record, a field quoted when it holds a comma,
    /// a double quote, CR or LF, with its double quotes doubled.
    public var csv: String {
        ([columns.map(\.title)] + rows).map { $0.map(ReportTable.csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    public static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        var quoted = "\""
        for character in value {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// Shares for reports (amounts are formatted by `AmountFormat`, LedgerCore).
public enum ReportFormat {
    /// `part` of `whole` as a percentage with two decimals, rounded down: 1 of 3 → 33.33.
    /// Exact for any values (the product is taken in 256 bits).
    public static func percent(_ part: ExactAmount, of whole: ExactAmount) -> String {
        guard whole.value > 0 else { return "0.00" }
        let product = part.value.multipliedFullWidth(by: 10_000)
        guard product.high < whole.value else { return "overflow" }
        let basisPoints = whole.value.dividingFullWidth(product).quotient
        let fraction = basisPoints % 100
        return "\(basisPoints / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
