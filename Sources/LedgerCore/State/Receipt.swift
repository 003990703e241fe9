import LedgerCrypto

/// The outcome of one transaction in a block. A failed transaction changes nothing but the
/// sender's nonce, and its receipt says why in words.
public struct Receipt: Hashable, Sendable {
    public let transactionID: Digest
    public let outcome: Outcome

    public enum Outcome: Hashable, Sendable {
        case success
        case failure(TransactionFailure)
    }

    public init(transactionID: Digest, outcome: Outcome) {
        self.transactionID = transactionID
        self.outcome = outcome
    }

    public var succeeded: Bool { outcome == .success }

    public var failure: TransactionFailure? {
        if case .failure(let failure) = outcome { return failure }
        return nil
    }

    /// The leaf of the receipts Merkle tree.
    public var hash: Digest { SHA256.hash(canonicalBytes) }

    public static func root(of receipts: [Receipt]) -> Digest { MerkleTree.root(of: receipts.map(\.hash)) }
}

/// Why a transaction failed: a stable code for programs and a sentence for people. Both are
/// produced deterministically by the state machine and are part of the receipts root.
public struct TransactionFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: FailureCode
    public let message: String

    public init(_ code: FailureCode, _ message: String) {
        self.code = code
        self.message = String(message.utf8.prefix(Limits.receiptReasonLengthMaxBytes)) ?? "\(code)"
    }

    public var description: String { "\(code.name): \(message)" }
}

public enum FailureCode: UInt16, Sendable, CaseIterable {
    case badNonce = 1
    case roleNotPermitted = 2
    case zeroAmount = 3
    case insufficientFunds = 4
    case amountOverflow = 5
    case unknownRecipient = 6
    case projectExists = 7
    case unknownProject = 8
    case exceedsAttested = 9
    case serialNotNext = 10
    case unknownCreditBlock = 11
    case notOwner = 12
    case creditsRetired = 13
    case quantityExceedsBlock = 14
    case bondExists = 15
    case unknownBond = 16
    case notBondIssuer = 17
    case categoryNotEligible = 18
    case exceedsProceeds = 19
    case invalidBond = 20
    /// The next three only appear in a block that more than f faulty validators certified: honest
    /// replicas never PREPARE such a block (`TransactionRules`), but executing a certified block
    /// never stops a node, so the transaction fails instead and changes nothing.
    case notAMember = 21
    case invalidSignature = 22
    case wrongChain = 23
    /// The next five are the rules of a format-2 genesis (`LedgerRules`); a format-1 chain never
    /// produces them.
    case selfTransfer = 24
    case unknownCurrency = 25
    case exceedsLimit = 26
    case reportAlreadyAttested = 27
    case emptyField = 28
    /// A payload of the other genesis format, only in a block more than f faulty validators
    /// certified (like the three above).
    case payloadFormat = 29
    /// The next six are the corrections (format 2).
    case unknownAttestation = 30
    case notAttester = 31
    case attestationRevoked = 32
    case attestationBacksIssued = 33
    case creditsCancelled = 34
    case creditsSuspended = 35
    case creditsNotSuspended = 36

    public var name: String {
        switch self {
        case .badNonce: "bad-nonce"
        case .roleNotPermitted: "role-not-permitted"
        case .zeroAmount: "zero-amount"
        case .insufficientFunds: "insufficient-funds"
        case .amountOverflow: "amount-overflow"
        case .unknownRecipient: "unknown-recipient"
        case .projectExists: "project-exists"
        case .unknownProject: "unknown-project"
        case .exceedsAttested: "exceeds-attested"
        case .serialNotNext: "serial-not-next"
        case .unknownCreditBlock: "unknown-credit-block"
        case .notOwner: "not-owner"
        case .creditsRetired: "credits-retired"
        case .quantityExceedsBlock: "quantity-exceeds-block"
        case .bondExists: "bond-exists"
        case .unknownBond: "unknown-bond"
        case .notBondIssuer: "not-bond-issuer"
        case .categoryNotEligible: "category-not-eligible"
        case .exceedsProceeds: "exceeds-proceeds"
        case .invalidBond: "invalid-bond"
        case .notAMember: "not-a-member"
        case .invalidSignature: "invalid-signature"
        case .wrongChain: "wrong-chain"
        case .selfTransfer: "self-transfer"
        case .unknownCurrency: "unknown-currency"
        case .exceedsLimit: "exceeds-limit"
        case .reportAlreadyAttested: "report-already-attested"
        case .emptyField: "empty-field"
        case .payloadFormat: "payload-format"
        case .unknownAttestation: "unknown-attestation"
        case .notAttester: "not-attester"
        case .attestationRevoked: "attestation-revoked"
        case .attestationBacksIssued: "attestation-backs-issued"
        case .creditsCancelled: "credits-cancelled"
        case .creditsSuspended: "credits-suspended"
        case .creditsNotSuspended: "credits-not-suspended"
        }
    }
}

extension Receipt: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(transactionID)
        switch outcome {
        case .success:
            writer.write(UInt8(0))
        case .failure(let failure):
            writer.write(UInt8(1))
            writer.write(failure.code.rawValue)
            writer.write(failure.message, maximum: Limits.receiptReasonLengthMaxBytes)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        transactionID = try reader.readDigest("receipt transaction id")
        switch try reader.readUInt8("receipt outcome") {
        case 0:
            outcome = .success
        case 1:
            let raw = try reader.readUInt16("failure code")
            guard let code = FailureCode(rawValue: raw) else { throw .unknownTag(type: "failure code", tag: UInt8(truncatingIfNeeded: raw)) }
            let message = try reader.readString(maximum: Limits.receiptReasonLengthMaxBytes, "failure message")
            outcome = .failure(TransactionFailure(code, message))
        case let other:
            throw .unknownTag(type: "receipt outcome", tag: other)
        }
    }
}
