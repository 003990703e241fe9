import LedgerCore

/// Green capital flows per period, taxonomy category and currency: successful fund transfers,
/// and bond proceeds allocated to a project (under the project's category). Amounts are
/// exact minor units (`ExactAmount`: decimal strings in JSON, never saturated).
public struct FlowReport: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var period: String
        public var category: String
        public var currency: String
        public var amount: ExactAmount
        public var transfers: UInt64
    }

    public struct Total: Codable, Sendable, Equatable {
        public var category: String
        public var currency: String
        public var amount: ExactAmount
        public var transfers: UInt64
    }

    public var scope: ReportScope
    public var period: ReportPeriod
    /// The inclusive UTC date range the flows were filtered to, when one was asked for.
    public var fromDate: String?
    public var toDate: String?
    public var lines: [Line]
    public var totals: [Total]

    public init(
        _ activity: GreenActivity, scope: ReportScope, period: ReportPeriod, fromDate: CalendarDay? = nil, toDate: CalendarDay? = nil
    ) {
        self.scope = scope
        self.period = period
        self.fromDate = fromDate?.description
        self.toDate = toDate?.description
        struct Key: Hashable { var period: String, category: TaxonomyCategory, currency: String }
        var lines: [Key: Line] = [:]
        var totals: [Key: Total] = [:]
        for (key, flow) in activity.dailyFlows {
            if let fromDate, key.day < fromDate.daysSinceEpoch { continue }
            if let toDate, key.day > toDate.daysSinceEpoch { continue }
            let label = period.label(of: CalendarDay(daysSinceEpoch: key.day))
            let lineKey = Key(period: label, category: key.category, currency: key.currency)
            var line = lines[lineKey] ?? Line(period: label, category: key.category.name, currency: key.currency, amount: 0, transfers: 0)
            line.amount += flow.amount
            line.transfers += flow.transfers
            lines[lineKey] = line
            let totalKey = Key(period: "", category: key.category, currency: key.currency)
            var total = totals[totalKey] ?? Total(category: key.category.name, currency: key.currency, amount: 0, transfers: 0)
            total.amount += flow.amount
            total.transfers += flow.transfers
            totals[totalKey] = total
        }
        self.lines = lines.sorted { ($0.key.period, $0.key.category.rawValue, $0.key.currency) < ($1.key.period, $1.key.category.rawValue, $1.key.currency) }
            .map(\.value)
        self.totals = totals.sorted { ($0.key.category.rawValue, $0.key.currency) < ($1.key.category.rawValue, $1.key.currency) }.map(\.value)
    }

    public var table: ReportTable {
        ReportTable(
            columns: [.init("period"), .init("category"), .init("currency"), .init("amount_minor", rightAligned: true), .init("transfers", rightAligned: true)],
            rows: lines.map { [$0.period, $0.category, $0.currency, $0.amount.description, String($0.transfers)] }
                + totals.map { ["total", $0.category, $0.currency, $0.amount.description, String($0.transfers)] })
    }

    public var text: String {
        var out = [scope.title("Green capital flows by \(period.rawValue) (UTC)")]
        if fromDate != nil || toDate != nil { out.append("dates \(fromDate ?? "start")…\(toDate ?? "end") (UTC, inclusive)") }
        let amountColumns: [ReportTable.Column] = [.init("amount", rightAligned: true), .init("transfers", rightAligned: true)]
        out.append(ReportTable(
            columns: [.init("period"), .init("category")] + amountColumns,
            rows: lines.map { [$0.period, $0.category, AmountFormat.money($0.amount, $0.currency), String($0.transfers)] }
        ).text)
        out.append("totals by category:")
        out.append(ReportTable(
            columns: [.init("category")] + amountColumns,
            rows: totals.map { [$0.category, AmountFormat.money($0.amount, $0.currency), String($0.transfers)] }
        ).text)
        return out.joined(separator: "\n")
    }
}
