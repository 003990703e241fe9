import ArgumentParser
import LedgerCore
import Node

// The corrections (genesis format 2): nothing on the ledger is deleted; a correction is a
// transaction with its receipt, recorded on what it corrects, with a reason.

extension TxCommand {
    struct RevokeAttestation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-attestation",
            abstract: "As the verifier who made it, withdraw an attestation (with a reason) while the credits it backs are not issued.",
            discussion: """
                The vintage's attested total drops by the attestation's quantity, which must still cover every credit \\
                issued; the attestation stays on record, marked revoked, and its report may be attested again. \\
                `greenledger query attestations --project P` lists the sequence numbers.

                Example: greenledger tx revoke-attestation --key keys/tuv-verifier.pem --project solar-gansu-1 --vintage 2025 \\
                  --sequence 0 --reason "quantity misread from the report" --node URL --genesis genesis.json --wait
                """)

        @OptionGroup var common: Common
        @Option(help: "Project id.") var project: String
        @Option(parsing: .unconditional, help: "Vintage of the attestation.", transform: WholeNumber.vintage) var vintage: UInt16
        @Option(parsing: .unconditional, help: "The attestation's sequence in its project and vintage (0 for the first).", transform: WholeNumber.sequence) var sequence: UInt32
        @Option(help: "Why it is withdrawn.") var reason: String

        func run() async throws {
            try await TransactionSubmitter(common).submit(.revokeAttestation(LedgerCore.RevokeAttestation(
                projectID: try identifier(project, "--project"), vintage: vintage, sequence: sequence, reason: try text(reason, "--reason"))))
        }
    }

    /// What the three registry corrections take.
    struct CreditCorrectionOptions: ParsableArguments {
        @OptionGroup var block: CreditBlockOptions
        @Option(parsing: .unconditional, help: "Credits to correct: the first QUANTITY of the block (a part splits off).", transform: WholeNumber.positive) var quantity: UInt64
        @Option(help: "Why (recorded on the credits).") var reason: String

        func correction() throws -> CreditCorrection {
            CreditCorrection(block: try block.blockID(), quantity: try positive(quantity, "--quantity"), reason: try text(reason, "--reason"))
        }
    }

    struct CancelCredits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel-credits",
            abstract: "As a registry, cancel issued, unretired credits (with a reason): final, they never move or retire again.",
            discussion: "Example: greenledger tx cancel-credits --key keys/cn-registry.pem --project solar-gansu-1 --vintage 2025 --first-serial 90001 --quantity 10000 --reason \"issued against a revoked verification\" --node URL --genesis genesis.json --wait")

        @OptionGroup var common: Common
        @OptionGroup var options: CreditCorrectionOptions

        func run() async throws { try await TransactionSubmitter(common).submit(.cancelCredits(try options.correction())) }
    }

    struct SuspendCredits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suspend-credits",
            abstract: "As a registry, suspend issued, unretired credits (with a reason): frozen until reinstated or cancelled.",
            discussion: "Example: greenledger tx suspend-credits --key keys/cn-registry.pem --project solar-gansu-1 --vintage 2025 --first-serial 1 --quantity 5000 --reason \"ownership dispute under review\" --node URL --genesis genesis.json --wait")

        @OptionGroup var common: Common
        @OptionGroup var options: CreditCorrectionOptions

        func run() async throws { try await TransactionSubmitter(common).submit(.suspendCredits(try options.correction())) }
    }

    struct ReinstateCredits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reinstate-credits",
            abstract: "As a registry, lift the suspension of suspended credits (with a reason).",
            discussion: "Example: greenledger tx reinstate-credits --key keys/cn-registry.pem --project solar-gansu-1 --vintage 2025 --first-serial 1 --quantity 5000 --reason \"dispute settled\" --node URL --genesis genesis.json --wait")

        @OptionGroup var common: Common
        @OptionGroup var options: CreditCorrectionOptions

        func run() async throws { try await TransactionSubmitter(common).submit(.reinstateCredits(try options.correction())) }
    }
}
