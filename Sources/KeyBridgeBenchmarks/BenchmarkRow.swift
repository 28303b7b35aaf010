/// One line of the table: what it measures and how to measure it once.
struct BenchmarkRow {
    /// How the row relates to the raw verify rate, which decides the columns it fills.
    enum Kind {
        /// The yardstick: OpenSSL's own ECDSA P-256 verification.
        case reference
        /// A full verification; its rate is compared with the raw rate, against `target` when the issue sets one.
        case verification(target: Double?)
        /// A rate compared with the one-thread rate of the row named `reference` (another section's yardstick,
        /// measured in the same run), against `target` when set; `absoluteTarget` is a rate the issue sets.
        case versus(reference: String, target: Double?, absoluteTarget: Double?)
        /// A part of the work, shown as its cost per call and as a share of one raw verification.
        case cost
        /// Decoding throughput over an input of `bytes` bytes holding `items` CBOR data items.
        case throughput(bytes: Int, items: Int)
    }

    let section: String
    let name: String
    let threads: Int
    let kind: Kind
    /// The name of the one-thread row this row's scaling is computed against, for multi-thread rows.
    let scalingBaseline: String?
    /// Measures once for at least the given duration and returns operations per second.
    let measure: (Duration) throws -> Double

    init(
        _ section: String, _ name: String, threads: Int = 1, kind: Kind, scalingBaseline: String? = nil,
        measure: @escaping (Duration) throws -> Double
    ) {
        self.section = section
        self.name = name
        self.threads = threads
        self.kind = kind
        self.scalingBaseline = scalingBaseline
        self.measure = measure
    }
}
