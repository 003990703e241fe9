import ArgumentParser
import Audit
import Foundation

/// `greenledger report flows|credits|bonds`: green-finance reports computed from an audit's own
/// replay; printed only when that audit passes.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Green-finance reports from an audited chain: capital flows, carbon credits, bond allocations.",
        discussion: """
            Every report first audits the chain exactly like `greenledger verify` (offline with \
            --data-dir, online with --node) and is computed from that audit's replay; if the audit \
            fails, no report is printed and the command exits 1 with the failure. Text output is for \
            people; --json and --csv (RFC 4180) keep amounts exact in minor units.

            Examples:
              greenledger report flows --node https://127.0.0.1:8100 --ca testnet/ca.pem --genesis testnet/genesis.json --period month
              greenledger report credits --data-dir testnet/node-0/data --genesis testnet/genesis.json --csv > credits.csv
              greenledger report bonds --node https://127.0.0.1:8100 --ca testnet/ca.pem --genesis testnet/genesis.json --json
            """,
        subcommands: [Flows.self, Credits.self, Bonds.self]
    )

    /// Output format and source, shared by every report.
    struct Common: ParsableArguments {
        @OptionGroup var target: AuditTarget

        @Flag(help: "Print the report as JSON.")
        var json = false

        @Flag(help: "Print the report as CSV (RFC 4180: header row, CRLF, quoted when needed).")
        var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("choose one output format: --json or --csv (or neither, for text)") }
        }

        /// Audits with a report observer; the activity only when the audit passed.
        func auditedActivity() async throws -> (GreenActivity, ReportScope) {
            let activity = GreenActivity()
            let report = try await target.audit(observer: activity) { line in
                ProgressOutput.line(line)
            }
            if let unreadable = report.unreadable {
                throw CLIError("no report: could not read the chain from height \(unreadable.height) (\(unreadable.problem)); this is no finding about the chain, try again")
            }
            guard let failure = report.failure else {
                guard activity.finalState != nil else { throw CLIError("no report: the audit ended without a replayed state") }
                return (activity, ReportScope(report))
            }
            throw CLIError("no report: the audit FAILED at height \(failure.height): \(failure.problem)")
        }

        func emit<Report: Encodable>(_ report: Report, table: ReportTable, text: String) throws {
            if json {
                print(try CLIJSON.render(report))
            } else if csv {
                FileHandle.standardOutput.write(Data(table.csv.utf8))
            } else {
                print(text)
            }
        }
    }

    struct Flows: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Green capital flows per period, taxonomy category and currency, with totals per category.",
            discussion: """
                Counts successful fund transfers (under their category) and bond proceeds allocated \
                to a project (under the project's category). Periods are calendar months, quarters \
                or years in UTC, from each block's timestamp.

                Example:
                  greenledger report flows --node https://127.0.0.1:8100 --ca testnet/ca.pem --genesis testnet/genesis.json \\
                    --period quarter --from-date 2026-01-01 --to-date 2026-12-31 --csv > flows.csv
                """
        )

        @OptionGroup var common: Common

        @Option(help: "Group by month, quarter or year (UTC).")
        var period: ReportPeriod = .quarter

        @Option(help: "First day to include, YYYY-MM-DD (UTC).")
        var fromDate: String?

        @Option(help: "Last day to include, YYYY-MM-DD (UTC).")
        var toDate: String?

        func validate() throws {
            for (name, value) in [("--from-date", fromDate), ("--to-date", toDate)] {
                if let value, CalendarDay(text: value) == nil {
                    throw ValidationError("\(name) \"\(value)\" is not a date; expected YYYY-MM-DD, e.g. 2026-01-31")
                }
            }
            if let from = fromDate.flatMap(CalendarDay.init(text:)), let to = toDate.flatMap(CalendarDay.init(text:)), to < from {
                throw ValidationError("--to-date \(to) is before --from-date \(from)")
            }
        }

        func run() async throws {
            let (activity, scope) = try await common.auditedActivity()
            let report = FlowReport(
                activity, scope: scope, period: period, fromDate: fromDate.flatMap(CalendarDay.init(text:)),
                toDate: toDate.flatMap(CalendarDay.init(text:)))
            try common.emit(report, table: report.table, text: report.text)
        }
    }

    struct Credits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Carbon credits per project and vintage: attested, issued, held, retired; and every retirement.",
            discussion: """
                Quantities are kg CO2e. Held = issued − retired. Text and JSON also list each \
                retirement (beneficiary, serial range, height, transaction); CSV has the per-vintage table.

                Example:
                  greenledger report credits --data-dir testnet/node-0/data --genesis testnet/genesis.json
                """
        )

        @OptionGroup var common: Common

        func run() async throws {
            let (activity, scope) = try await common.auditedActivity()
            let report = CreditReport(activity.finalState!, scope: scope)
            try common.emit(report, table: report.table, text: report.text)
        }
    }

    struct Bonds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Green bond allocation report (ICMA shape): proceeds allocated per project and eligible category.",
            discussion: """
                Per bond: issuer, currency, face value, allocated and unallocated proceeds; per \
                project its amount and share of proceeds; per eligible category its amount and share.

                Example:
                  greenledger report bonds --node https://127.0.0.1:8100 --ca testnet/ca.pem --genesis testnet/genesis.json --json
                """
        )

        @OptionGroup var common: Common

        func run() async throws {
            let (activity, scope) = try await common.auditedActivity()
            let report = BondReport(activity.finalState!, scope: scope)
            try common.emit(report, table: report.table, text: report.text)
        }
    }
}

extension ReportPeriod: ExpressibleByArgument {}
