import ArgumentParser
import Foundation
import LedgerCore
import LedgerCrypto
import Node

// The green-finance payloads. Each validates its arguments before signing and, with --wait,
// prints the receipt — a refusal in the state machine's own words.

func address(_ text: String, _ flag: String) throws -> Address {
    guard let address = Address(text: text) else { throw CLIError("\(flag) \(text) is not an address (gl followed by 40 lowercase hex digits)") }
    return address
}

func category(_ text: String, _ flag: String) throws -> TaxonomyCategory {
    guard let category = TaxonomyCategory(name: text) else {
        throw CLIError("\(flag) \(text) is not one of: \(TaxonomyCategory.allCases.map(\.name).joined(separator: ", "))")
    }
    return category
}

func positive(_ value: UInt64, _ flag: String) throws -> UInt64 {
    guard value > 0 else { throw CLIError("\(flag) must be above zero") }
    return value
}

extension TxCommand {
    struct RegisterProject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-project",
            abstract: "Register a green project owned by a member (participant or issuer).",
            discussion: """
                A ledger of genesis format 2 (every \u{60}genesis init\u{60} and \u{60}testnet up\u{60}) needs the host country, \
                methodology and program; a format-1 ledger refuses them.

                Example: greenledger tx register-project --key keys/solar-owner.pem --id solar-gansu-1 --name "Gansu PV 50 MW" \\
                  --category renewable-energy --location "Gansu" --host-country CN --methodology ACM0002 --program cdm \\
                  --owner gl9c82… --node URL --genesis genesis.json --wait
                """)

        @OptionGroup var common: Common
        @Option(help: "Project id (1–64 of A–Z a–z 0–9 . _ : -).") var id: String
        @Option(help: "Project name.") var name: String
        @Option(help: "Taxonomy category.") var category: String
        @Option(help: "Location.") var location: String = ""
        @Option(help: "Owner's address (default: the signer).") var owner: String?
        @Option(help: "Host country: ISO 3166-1 alpha-2 code, e.g. CN, DE, BR.") var hostCountry: String?
        @Option(help: "Crediting methodology id, e.g. ACM0002, VM0042.") var methodology: String?
        @Option(help: "Registry program the project is listed under, e.g. verra-vcs, gold-standard, cdm.") var program: String?

        func run() async throws {
            let key = try KeyFiles.readPrivateKey(common.key)
            let payload = Payload.registerProject(LedgerCore.RegisterProject(
                projectID: try identifier(id, "--id"), name: try text(name, "--name"), category: try greenledger.category(category, "--category"),
                location: try text(location, "--location"), owner: try owner.map { try address($0, "--owner") } ?? key.publicKey.address,
                details: try details()))
            try await TransactionSubmitter(common).submit(payload)
        }

        private func details() throws -> ProjectDetails? {
            switch (hostCountry, methodology, program) {
            case (nil, nil, nil): return nil
            case (let country?, let methodology?, let program?):
                let code: CountryCode
                do { code = try CountryCode(country) } catch { throw CLIError("--host-country \(error.reason)") }
                return ProjectDetails(hostCountry: code, methodology: try identifier(methodology, "--methodology"), program: try identifier(program, "--program"))
            default: throw CLIError("give --host-country, --methodology and --program together")
            }
        }
    }

    struct AttestReduction: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "attest-reduction",
            abstract: "As a verifier, attest a project's measured emission reductions for a vintage (MRV).",
            discussion: """
                The verification report's SHA-256 is recorded on the ledger; a report counts once. A ledger of genesis \
                format 2 needs the monitoring period the report covers (the vintage is one of its years).

                Example: greenledger tx attest-reduction --key keys/tuv-verifier.pem --project solar-gansu-1 --vintage 2025 \\
                  --quantity-kg 120000 --report report.pdf --monitoring-start 2025-01-01 --monitoring-end 2025-12-31 \\
                  --node URL --genesis genesis.json --wait
                """)

        @OptionGroup var common: Common
        @Option(help: "Project id.") var project: String
        @Option(parsing: .unconditional, help: "Vintage (the year the reductions happened), e.g. 2025.", transform: WholeNumber.vintage) var vintage: UInt16
        @Option(parsing: .unconditional, help: "Verified reduction in whole kg CO2e.", transform: WholeNumber.positive) var quantityKg: UInt64
        @Option(help: "The verification report file; its SHA-256 is recorded.") var report: String
        @Option(help: "First day the verification covered, YYYY-MM-DD.") var monitoringStart: String?
        @Option(help: "Last day the verification covered, YYYY-MM-DD.") var monitoringEnd: String?

        func run() async throws {
            let period = try monitoringPeriod()
            guard let data = FileManager.default.contents(atPath: report) else { throw CLIError("--report \(report): cannot read the file") }
            let digest = SHA256.hash(Array(data))
            if !common.json { print("report \(report): SHA-256 \(digest)") }
            try await TransactionSubmitter(common).submit(.attestReduction(LedgerCore.AttestReduction(
                projectID: try identifier(project, "--project"), vintage: vintage, quantityKg: try positive(quantityKg, "--quantity-kg"),
                reportDigest: digest, monitoringPeriod: period)))
        }

        private func monitoringPeriod() throws -> MonitoringPeriod? {
            switch (monitoringStart, monitoringEnd) {
            case (nil, nil): return nil
            case (let start?, let end?):
                let period: MonitoringPeriod
                do {
                    period = try MonitoringPeriod(start: try LedgerDate(start), end: try LedgerDate(end))
                } catch { throw CLIError("--monitoring-start/--monitoring-end: \(error.reason)") }
                guard period.covers(vintage: vintage) else {
                    throw CLIError("--vintage \(vintage) is not within the monitoring period \(period.start) to \(period.end)")
                }
                return period
            default: throw CLIError("give --monitoring-start and --monitoring-end together")
            }
        }
    }

    struct IssueCredits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue-credits",
            abstract: "As a registry, issue serial-numbered credits (1 unit = 1 kg CO2e) against attested reductions.",
            discussion: "Serials of a project and vintage are issued contiguously from 1: --first-serial is the next unissued one. Example: greenledger tx issue-credits --key keys/cn-registry.pem --project solar-gansu-1 --vintage 2025 --first-serial 1 --quantity 100000 --owner gl… --node URL --genesis genesis.json --wait")

        @OptionGroup var common: Common
        @Option(help: "Project id.") var project: String
        @Option(parsing: .unconditional, help: "Vintage (monitoring year), e.g. 2025.", transform: WholeNumber.vintage) var vintage: UInt16
        @Option(parsing: .unconditional, help: "First serial of the new block (the next unissued serial; the first is 1).", transform: WholeNumber.positive) var firstSerial: UInt64
        @Option(parsing: .unconditional, help: "Credits to issue (1 credit = 1 kg CO2e).", transform: WholeNumber.positive) var quantity: UInt64
        @Option(help: "Who receives the credits.") var owner: String

        func run() async throws {
            try await TransactionSubmitter(common).submit(.issueCredits(LedgerCore.IssueCredits(
                projectID: try identifier(project, "--project"), vintage: vintage, firstSerial: try positive(firstSerial, "--first-serial"),
                quantity: try positive(quantity, "--quantity"), owner: try address(owner, "--owner"))))
        }
    }

    /// Names a credit block by project, vintage and first serial.
    struct CreditBlockOptions: ParsableArguments {
        @Option(help: "Project id of the credit block.") var project: String
        @Option(parsing: .unconditional, help: "Vintage of the credit block, e.g. 2025.", transform: WholeNumber.vintage) var vintage: UInt16
        @Option(parsing: .unconditional, help: "First serial of the credit block.", transform: WholeNumber.positive) var firstSerial: UInt64

        func blockID() throws -> CreditBlockID {
            CreditBlockID(projectID: try identifier(project, "--project"), vintage: vintage, firstSerial: firstSerial)
        }
    }

    struct TransferCredits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "transfer-credits",
            abstract: "Move the first QUANTITY credits of a block you own to another member (a partial move splits the block).",
            discussion: "Example: greenledger tx transfer-credits --key keys/solar-owner.pem --project solar-gansu-1 --vintage 2025 --first-serial 1 --quantity 5000 --to gl… --node URL --genesis genesis.json --wait")

        @OptionGroup var common: Common
        @OptionGroup var block: CreditBlockOptions
        @Option(parsing: .unconditional, help: "Credits to move.", transform: WholeNumber.positive) var quantity: UInt64
        @Option(help: "Recipient's address.") var to: String

        func run() async throws {
            try await TransactionSubmitter(common).submit(.transferCredits(LedgerCore.TransferCredits(
                block: try block.blockID(), quantity: try positive(quantity, "--quantity"), to: try address(to, "--to"))))
        }
    }

    struct RetireCredits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire-credits",
            abstract: "Retire the first QUANTITY credits of a block you own for a beneficiary; retired credits never move again.",
            discussion: "Prints a retirement certificate. Example: greenledger tx retire-credits --key keys/green-bank.pem --project solar-gansu-1 --vintage 2025 --first-serial 1 --quantity 5000 --beneficiary \"Acme Steel AG\" --reason \"2025 scope 1 offset\" --node URL --genesis genesis.json --wait")

        @OptionGroup var common: Common
        @OptionGroup var block: CreditBlockOptions
        @Option(parsing: .unconditional, help: "Credits to retire.", transform: WholeNumber.positive) var quantity: UInt64
        @Option(help: "On whose behalf.") var beneficiary: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            let id = try block.blockID()
            let commit = try await TransactionSubmitter(common).submit(.retireCredits(LedgerCore.RetireCredits(
                block: id, quantity: try positive(quantity, "--quantity"), beneficiary: try text(beneficiary, "--beneficiary"),
                reason: try text(reason, "--reason"))))
            guard let commit, !common.json else { return }
            print("""
                RETIREMENT CERTIFICATE
                  credits      \(id.projectID) vintage \(id.vintage), serials \(id.firstSerial)–\(id.firstSerial + quantity - 1) (\(AmountFormat.kg(quantity)))
                  beneficiary  \(beneficiary)
                  reason       \(reason)
                  block        \(commit.height), transaction \(commit.transactionID)
                  certified by \(commit.certificate.signatures.count) validators (view \(commit.certificate.view))
                """)
        }
    }

    struct IssueBond: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue-bond",
            abstract: "As an issuer, record a green bond whose proceeds may go only to eligible taxonomy categories.",
            discussion: "Example: greenledger tx issue-bond --key keys/city-issuer.pem --id GB-2026-01 --currency EUR --face-value 1000000000 --term-months 60 --eligible renewable-energy,clean-transportation --node URL --genesis genesis.json --wait")

        @OptionGroup var common: Common
        @Option(help: "Bond id.") var id: String
        @Option(help: "Currency of the proceeds.") var currency: String = "EUR"
        @Option(parsing: .unconditional, help: "Face value (proceeds) in whole minor units, e.g. 1000000000 for EUR 10,000,000.00.", transform: WholeNumber.minorUnits) var faceValue: UInt64
        @Option(parsing: .unconditional, help: "Term in months (1…1200).", transform: WholeNumber.months) var termMonths: UInt16
        @Option(help: "Eligible categories, comma-separated.") var eligible: String

        func run() async throws {
            let categories = try eligible.split(separator: ",").map { try category(String($0), "--eligible") }
            guard !categories.isEmpty else { throw CLIError("--eligible needs at least one category") }
            try await TransactionSubmitter(common).submit(.issueBond(LedgerCore.IssueBond(
                bondID: try identifier(id, "--id"), currency: try identifier(currency, "--currency"),
                faceValue: try positive(faceValue, "--face-value"), termMonths: termMonths, eligibleCategories: categories)))
        }
    }

    struct AllocateProceeds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allocate-proceeds",
            abstract: "As the bond's issuer, allocate proceeds to a registered project in an eligible category (funds move to its owner).",
            discussion: "Example: greenledger tx allocate-proceeds --key keys/city-issuer.pem --bond GB-2026-01 --project solar-gansu-1 --amount 250000000 --node URL --genesis genesis.json --wait")

        @OptionGroup var common: Common
        @Option(help: "Bond id.") var bond: String
        @Option(help: "Project id.") var project: String
        @Option(parsing: .unconditional, help: "Amount in whole minor units, e.g. 25000000 for EUR 250,000.00.", transform: WholeNumber.minorUnits) var amount: UInt64

        func run() async throws {
            try await TransactionSubmitter(common).submit(.allocateProceeds(LedgerCore.AllocateProceeds(
                bondID: try identifier(bond, "--bond"), projectID: try identifier(project, "--project"), amount: try positive(amount, "--amount"))))
        }
    }
}
