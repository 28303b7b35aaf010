import Foundation

// KeyBridge benchmark (issue 2, point 10): verification rates against OpenSSL's own ECDSA P-256 verify rate.
//
//   swift run -c release KeyBridgeBenchmarks [--quick]
//
// Every row is measured in each of three rounds, the rows interleaved within a round so that a noisy moment on the
// machine hurts one round of every row rather than every round of one row; the table shows each row's best round.

let usage = """
    usage: swift run -c release KeyBridgeBenchmarks [--quick] [--only webauthn|totp|device|replay|mfa ...]

      --quick   0.2 s per row and round instead of 1 s (a smoke run; the numbers are noisier)
      --only    measure only these groups (repeatable; default: all)
      --help    this text

    """

var quick = false
var groups: Set<String> = []
let allGroups: Set<String> = ["webauthn", "totp", "device", "replay", "mfa"]
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--quick": quick = true
    case "--only":
        guard let group = arguments.popFirst(), allGroups.contains(group) else {
            FileHandle.standardError.write(Data("error: --only needs one of \(allGroups.sorted())\n\(usage)".utf8))
            exit(64)
        }
        groups.insert(group)
    case "--help", "-h":
        print(usage, terminator: "")
        exit(0)
    default:
        FileHandle.standardError.write(Data("error: unknown option '\(argument)'\n\(usage)".utf8))
        exit(64)
    }
}

let rounds = 3
let duration: Duration = quick ? .milliseconds(200) : .seconds(1)
if groups.isEmpty { groups = allGroups }
let rerun = "swift run -c release KeyBridgeBenchmarks" + (quick ? " --quick" : "")
    + (groups == allGroups ? "" : groups.sorted().map { " --only \($0)" }.joined())

func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

#if DEBUG
note("warning: this is a debug build; run with -c release for meaningful numbers")
#endif

let started = ContinuousClock.now
let loadBefore = loadAverage()
let rows: [BenchmarkRow]
var best: [Double]
do {
    var selected: [BenchmarkRow] = []
    if groups.contains("webauthn") {
        note("building fixtures (\(Fixtures.registrationPoolSize) credentials per registration row, attestation PKI)...")
        selected += BenchmarkSuite.rows(try Fixtures.make())
    }
    if groups.contains("totp") { selected += BenchmarkSuite.oneTimeCodeRows() }
    if groups.contains("device") { selected += BenchmarkSuite.deviceRows() }
    if groups.contains("replay") { selected += BenchmarkSuite.replayRows() }
    if groups.contains("mfa") { selected += BenchmarkSuite.mfaRows() }
    rows = selected
    best = Array(repeating: 0, count: rows.count)
    for round in 1...rounds {
        for (index, row) in rows.enumerated() {
            note("round \(round)/\(rounds): \(row.name)\(row.threads > 1 ? " (\(row.threads) threads)" : "")")
            best[index] = max(best[index], try row.measure(duration))
        }
    }
} catch {
    note("error: \(error)")
    exit(1)
}

let processInfo = ProcessInfo.processInfo
#if DEBUG
let configuration = "DEBUG build (numbers meaningless)"
#else
let configuration = "release build"
#endif
print("""
    KeyBridge benchmark: \(configuration), \(processInfo.processorCount) cores \
    (\(processInfo.activeProcessorCount) active), load average \(loadBefore) before and \(loadAverage()) after
    Each row: the best of \(rounds) interleaved rounds of at least \(RateMeter.seconds(duration)) s, on one thread \
    unless Threads says 2. Total \(Int(RateMeter.seconds(ContinuousClock.now - started))) s.
    """)
if groups.contains("webauthn") {
    print("""
        Assertions and registrations run the full public path per operation: parse the JSON request body, make a \
        fresh expert-SPI ceremony state, finish the ceremony (the relying party's single-use ledger included). \
        Registrations cycle through \(Fixtures.registrationPoolSize) credentials, more than the COSE key cache holds.

        """)
} else {
    print("")
}
print(BenchmarkTable(rows: rows, rates: best).render())
print("""

    vs reference: in the WebAuthn sections, the row's rate over OpenSSL's own ECDSA P-256 verify rate with as many \
    threads (for parts: one call's cost as a share of one raw verification); in the other sections, the rate over \
    that section's own reference row, measured in the same run. Targets from issue 2: ES256 assertion >= 0.90, \
    packed full registration >= 0.45; from issue 4: TOTP wrong-code verify >= 300,000/s on one core.
    Device path: each round trip opens no device; it runs makeCredential then getAssertion through libfido2's real \
    code over KeyBridge's io hooks into the software authenticator in the same process, so the ratio shows what \
    CTAPHID framing, CBOR, libfido2 and the authenticator's bookkeeping add to the bare cryptography.
    Packed full with a new leaf: OpenSSL validates the path each time, so x5c leaf + intermediate costs three ECDSA \
    verifications (ceiling 0.33) and leaf only two (ceiling 0.50), plus certificate parsing, key decoding and \
    X509_STORE set-up. The verifier remembers validated paths by certificate fingerprints, so registrations from an \
    authenticator model it has seen (one attestation certificate per batch of devices) pay the "same leaf" row.

    Rerun: \(rerun)
    """)
