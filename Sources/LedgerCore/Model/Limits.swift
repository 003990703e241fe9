/// Every bound the ledger's formats enforce, in one place. Decoders check these before
/// allocating; the state machine and genesis validation use the same numbers.
public enum Limits {
    public static let identifierLengthMaxBytes = 64
    public static let textLengthMaxBytes = 256
    public static let chainIDLengthMaxBytes = 64
    public static let eligibleCategoriesMax = TaxonomyCategory.allCases.count
    public static let transactionSizeMaxBytes = 4_096
    public static let blockTransactionsMax = 10_000
    public static let validatorsMax = 256
    public static let membersMax = 10_000
    public static let genesisSizeMaxBytes = 4 * 1_024 * 1_024
    public static let receiptReasonLengthMaxBytes = 512
}
