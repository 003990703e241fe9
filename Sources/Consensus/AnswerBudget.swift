/// How many answers of one kind (a block body, a NEW-VIEW re-send, a checkpoint answer) each
/// validator may draw from this replica per period of ticks. Answers cost a signature and
/// bandwidth, and a faulty validator's requests must not buy them without end. One entry per
/// validator, so the table is bounded by the validator count.
struct AnswerBudget: Sendable {
    let answersPerPeriod: Int
    private var periods: [UInt16: (startTick: UInt64, spent: Int)] = [:]

    init(answersPerPeriod: Int) {
        self.answersPerPeriod = answersPerPeriod
    }

    /// True, and counted, when `sender` may get one more answer in the period containing `tick`.
    mutating func spend(for sender: UInt16, atTick tick: UInt64, periodTicks: UInt64) -> Bool {
        var period = periods[sender] ?? (startTick: tick, spent: 0)
        if tick >= period.startTick + periodTicks { period = (tick, 0) }
        guard period.spent < answersPerPeriod else { return false }
        period.spent += 1
        periods[sender] = period
        return true
    }
}
