import LedgerCore
import Node

/// `tx … --json`: what happened to the transaction. `status` is `accepted` (submitted, not
/// waited for) or `committed` (with `--wait`: its block, position, the certificate checked
/// against your genesis, and the receipt). A refusal prints no JSON: the command fails with
/// the node's reason on stderr and exit status 1; a failed receipt exits with status 2.
struct TxOutcome: Encodable {
    struct ReceiptOutcome: Encodable {
        var success: Bool
        var failureCode: String?
        var failureMessage: String?
    }

    var id: String
    var kind: String
    var sender: String
    var nonce: UInt64
    var status: String
    var height: UInt64?
    var position: Int?
    var view: UInt64?
    var certificateSignatures: Int?
    var receipt: ReceiptOutcome?

    mutating func commit(_ commit: TransactionCommit) {
        status = "committed"
        height = commit.height
        position = commit.position
        view = commit.certificate.view
        certificateSignatures = commit.certificate.signatures.count
        receipt = ReceiptOutcome(
            success: commit.receipt.succeeded, failureCode: commit.receipt.failure?.code.name, failureMessage: commit.receipt.failure?.message)
    }
}
