import LedgerCore
import LedgerCrypto

/// Domain values → JSON bodies. Hex fields always carry canonical bytes, so a client can check
/// them without trusting the JSON renderings next to them.
extension HeaderBody {
    public init(_ header: BlockHeader) {
        let bytes = header.canonicalBytes
        self.init(
            chainId: header.chainID.value, height: header.height, parentHash: header.parentHash.hex,
            timestampMillis: header.timestampMillis, transactionsRoot: header.transactionsRoot.hex,
            transactionCount: header.transactionCount, stateRoot: header.stateRoot.hex, receiptsRoot: header.receiptsRoot.hex,
            hash: SHA256.hash(bytes).hex, hex: Hex.encode(bytes))
    }
}

extension CertificateBody {
    public init(_ certificate: CommitCertificate) {
        self.init(
            view: certificate.view, height: certificate.height, blockHash: certificate.blockHash.hex,
            signatures: certificate.signatures.map {
                ValidatorSignatureBody(validatorIndex: $0.validatorIndex, signature: Hex.encode($0.signature.canonicalBytes))
            },
            hex: Hex.encode(certificate.canonicalBytes))
    }
}

extension ReceiptBody {
    public init(_ receipt: Receipt) {
        self.init(
            success: receipt.succeeded,
            failure: receipt.failure.map { ErrorDetail(code: $0.code.name, message: $0.message) },
            hex: Hex.encode(receipt.canonicalBytes))
    }
}

extension ProofBody {
    public init(_ proof: MerkleProof) {
        self.init(index: proof.index, leafCount: proof.leafCount, siblings: proof.siblings.map(\.hex), hex: Hex.encode(proof.canonicalBytes))
    }
}

extension TransactionBody {
    public init(id: Digest, status: TransactionStatus) {
        switch status {
        case .pending:
            self.init(id: id.hex, status: "pending")
        case .unknown:
            self.init(id: id.hex, status: "unknown")
        case .committed(let commit):
            self.init(
                id: id.hex, status: "committed", height: commit.height, position: commit.position,
                receipt: ReceiptBody(commit.receipt), header: HeaderBody(commit.header),
                certificate: CertificateBody(commit.certificate), proof: ProofBody(commit.proof))
        }
    }
}

extension BlockBody {
    public init(_ committed: CommittedBlock) {
        let header = HeaderBody(committed.block.header)
        self.init(
            height: committed.block.height, hash: header.hash, header: header,
            transactionIds: committed.block.transactions.map(\.id.hex), certificate: CertificateBody(committed.certificate))
    }
}

extension AccountBody {
    public init(address: Address, account: Account) {
        self.init(
            address: address.description, nonce: account.nonce,
            balances: account.balances.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map {
                BalanceBody(currency: $0.key.value, amount: String($0.value))
            })
    }
}

extension StatusBody {
    public init(_ status: NodeStatus) {
        self.init(
            chainId: status.chainID.value, genesisHash: status.genesisHash.hex, nodeName: status.nodeName, height: status.height,
            lastBlockHash: status.lastBlockHash.hex, view: status.view, primary: status.primary,
            peersConnected: status.peersConnected, peersTotal: status.peersTotal, mempoolSize: status.mempoolSize,
            mempoolBytes: status.mempoolBytes, secondsSinceCommit: status.secondsSinceCommit,
            health: status.health.isHealthy ? "ok" : "degraded",
            problems: status.health.isHealthy ? nil : status.health.problems.map(HealthProblemBody.init))
    }
}

extension HealthProblemBody {
    public init(_ problem: NodeHealth.Problem) { self.init(code: problem.code, message: problem.description) }
}

extension HealthBody {
    public init(_ health: NodeHealth) {
        self.init(status: health.isHealthy ? "ok" : "degraded", problems: health.isHealthy ? nil : health.problems.map(HealthProblemBody.init))
    }
}

extension SubmissionResultBody {
    public init(_ result: AdmissionResult, commit: TransactionBody? = nil) {
        switch result.outcome {
        case .accepted: self.init(id: result.transactionID.hex, status: "accepted", commit: commit)
        case .duplicate: self.init(id: result.transactionID.hex, status: "duplicate", commit: commit)
        case .rejected(let rejection):
            self.init(
                id: result.transactionID.hex, status: "rejected", error: ErrorDetail(code: rejection.code, message: rejection.description))
        }
    }
}
