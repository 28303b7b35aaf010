import Foundation

/// Renders the measured rows as one Markdown table (it reads in a terminal and pastes into the README).
struct BenchmarkTable {
    let rows: [BenchmarkRow]
    /// The best rate of each row, in the order of `rows`.
    let rates: [Double]

    /// The best rate of the row named `name` running on `threads` threads.
    private func rate(named name: String, threads: Int) -> Double? {
        zip(rows, rates).first { $0.0.name == name && $0.0.threads == threads }?.1
    }

    /// The raw verify rate with `threads` threads.
    private func referenceRate(threads: Int) -> Double? {
        rate(named: BenchmarkSuite.referenceName, threads: threads)
    }

    func render() -> String {
        var lines: [[String]] = [["Benchmark", "Threads", "Rate", "µs/op", "vs reference", "Target", "Notes"]]
        var sectionStarts: [Int: String] = [:]
        var lastSection = ""
        for (row, rate) in zip(rows, rates) {
            if row.section != lastSection {
                sectionStarts[lines.count] = row.section
                lastSection = row.section
            }
            lines.append(cells(row, rate))
        }
        var widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        widths[0] = max(widths[0], sectionStarts.values.map { $0.count + 4 }.max() ?? 0)
        func format(_ cells: [String]) -> String {
            "| " + zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: " | ") + " |"
        }
        var out: [String] = [format(lines[0]), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
        for index in 1..<lines.count {
            if let section = sectionStarts[index] {
                out.append(format(["**\(section)**"] + Array(repeating: "", count: widths.count - 1)))
            }
            out.append(format(lines[index]))
        }
        return out.joined(separator: "\n")
    }

    private func cells(_ row: BenchmarkRow, _ rate: Double) -> [String] {
        let perOperation = row.threads == 1 ? Self.fixed(1e6 / rate, 2) : "—"
        var versusRaw = ""
        var target = ""
        var notes: [String] = []
        var rateText = "\(Self.grouped(rate))/s"
        switch row.kind {
        case .reference:
            if row.threads == 1 { versusRaw = "1.00" }
        case .verification(let goal):
            if let raw = referenceRate(threads: row.threads) {
                let ratio = rate / raw
                versusRaw = Self.fixed(ratio, 3)
                if let goal {
                    target = "≥ \(Self.fixed(goal, 2)): " + (ratio >= goal ? "pass" : "miss")
                }
            }
        case .versus(let reference, let goal, let absoluteGoal):
            if let base = self.rate(named: reference, threads: 1) {
                let ratio = rate / base
                versusRaw = Self.fixed(ratio, 3)
                if let goal { target = "≥ \(Self.fixed(goal, 2)): " + (ratio >= goal ? "pass" : "miss") }
            }
            if let absoluteGoal {
                target = "≥ \(Self.grouped(absoluteGoal))/s: " + (rate >= absoluteGoal ? "pass" : "miss")
            }
        case .cost:
            if let raw = referenceRate(threads: 1) {
                versusRaw = "\(Self.fixed(100 * raw / rate, 1))% of one"
            }
        case .throughput(let bytes, let items):
            rateText = "\(Self.fixed(rate * Double(bytes) / 1e6, 1)) MB/s"
            notes.append("\(Self.grouped(rate * Double(items))) items/s, \(Self.grouped(rate)) decodes/s")
        }
        if let baseline = row.scalingBaseline, let single = self.rate(named: baseline, threads: 1) {
            notes.append("scaling ×\(Self.fixed(rate / single, 2)) vs 1 thread")
        }
        return [row.name, "\(row.threads)", rateText, perOperation, versusRaw, target, notes.joined(separator: "; ")]
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// `value` rounded, with thin groups of three digits (12 345).
    static func grouped(_ value: Double) -> String {
        let digits = Array(String(Int(value.rounded())))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
