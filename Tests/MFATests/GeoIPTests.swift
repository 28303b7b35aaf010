import Foundation
import Glibc
import MFA
import Testing

/// IP addresses, CIDR ranges, the IP access policy and the MaxMind DB locator.
///
/// Independent references: glibc's `inet_pton`/`inet_ntop` for address text, Python's `ipaddress`
/// module for range membership, RFC 5952 §4 examples for canonical text, and a `.mmdb` written at test
/// time by the `mmdb-writer` Python package (Support/make_test_mmdb.py) whose records the lookups must
/// return.
@Suite struct GeoIPTests {
    // MARK: - IPAddress

    /// RFC 5952 §4 (and §5 for the IPv4-mapped form): input text and its recommended representation.
    static let rfc5952Examples: [(String, String)] = [
        ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1"),               // §4.2.1: shorten as much as possible
        ("2001:0db8::0001", "2001:db8::1"),                      // §4.1: no leading zeros
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),        // §4.2.2: one 0 group is not compressed
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),                 // §4.2.3: the longest run
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),           // §4.2.3: the first of equal runs
        ("2001:DB8::AbCd", "2001:db8::abcd"),                    // §4.3: lowercase
        ("0:0:0:0:0:ffff:c000:0280", "::ffff:192.0.2.128"),      // §5: IPv4-mapped in mixed notation
        ("::", "::"), ("::1", "::1"), ("1::", "1::"),
        ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
    ]

    @Test("IPv6 text is canonicalised as RFC 5952 recommends", arguments: rfc5952Examples)
    func canonicalText(input: String, expected: String) throws {
        let address = try IPAddress(parsing: input)
        #expect(address.family == .ipv6)
        #expect(address.description == expected)
        #expect(try IPAddress(parsing: expected) == address)
    }

    /// Text that glibc's inet_pton refuses too (checked in `agreesWithInetPton`).
    static let invalidTexts = [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..3.4", " 1.2.3.4", "1.2.3.4 ", "0x1.2.3.4",
        "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1::2:", "1:::2", "12345::", "1.2.3.4::", "fe80::1%eth0",
        "::ffff:1.2.3", "::ffff:01.2.3.4", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "G::1", "00000::1",
        "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", ":", "1:2",
    ]

    @Test("malformed addresses are refused with .invalidAddress", arguments: invalidTexts)
    func invalidAddress(text: String) {
        #expect(throws: MFAError(.invalidAddress, "")) { try IPAddress(parsing: text) }
        #expect(IPAddress(text) == nil)
    }

    /// glibc's parse of `text` as bytes, or nil when it refuses.
    static func inetPton(_ text: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &buffer) == 1 { return Array(buffer[0..<4]) }
        if inet_pton(AF_INET6, text, &buffer) == 1 { return buffer }
        return nil
    }

    @Test("parsing agrees with glibc inet_pton on valid, invalid and edge-case text")
    func agreesWithInetPton() {
        let corpus = Self.invalidTexts + Self.rfc5952Examples.map(\.0) + [
            "0.0.0.0", "255.255.255.255", "192.0.2.1", "::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5::1.2.3.4",
            "0000:0000::1", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        ]
        for text in corpus {
            #expect((try? IPAddress(parsing: text))?.bytes == Self.inetPton(text), "\(text)")
        }
    }

    @Test("random IPv6 addresses print as glibc inet_ntop prints them, and parse back to the same bytes")
    func agreesWithInetNtop() throws {
        var random = GeoTestRandom(seed: 0x5EED_1234)
        var checked = 0
        for _ in 0..<3000 {
            // Many zero groups, so that compression is exercised.
            let groups = (0..<8).map { _ in random.next() % 2 == 0 ? UInt16(0) : UInt16(truncatingIfNeeded: random.next()) }
            let bytes = groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            let address = try IPAddress(bytes: bytes)
            #expect(try IPAddress(parsing: address.description) == address)
            // glibc prints ::a.b.c.d for the deprecated IPv4-compatible block; RFC 5952 does not ask for it.
            if bytes[0..<12].allSatisfy({ $0 == 0 }) && (bytes[12] != 0 || bytes[13] != 0) { continue }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var raw = bytes
            try #require(inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil)
            let glibcText = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(address.description == glibcText)
            checked += 1
        }
        #expect(checked > 2500)
    }

    @Test("IPv4 round-trips through bytes and text, and IPv4-mapped IPv6 unmaps to it")
    func ipv4AndMapped() throws {
        let address = try IPAddress(parsing: "192.0.2.33")
        #expect(address == IPAddress(ipv4: 0xC000_0221))
        #expect(address.bytes == [192, 0, 2, 33])
        #expect(address.description == "192.0.2.33")
        let mapped = try IPAddress(parsing: "::FFFF:192.0.2.33")
        #expect(mapped.family == .ipv6)
        #expect(mapped.embeddedIPv4 == address)
        #expect(mapped.unmapped == address)
        #expect(try IPAddress(parsing: "2001:db8::1").embeddedIPv4 == nil)
        #expect(throws: MFAError(.invalidAddress, "")) { try IPAddress(bytes: [1, 2, 3]) }
        #expect(try IPAddress(parsing: "10.0.0.1") < IPAddress(parsing: "10.0.0.2"))
        #expect(try IPAddress(parsing: "255.255.255.255") < IPAddress(parsing: "::"))
        let encoded = try JSONEncoder().encode([mapped])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["::ffff:192.0.2.33"]"#)
        #expect(try JSONDecoder().decode([IPAddress].self, from: encoded) == [mapped])
    }

    // MARK: - IPRange

    @Test("CIDR parsing is strict: host bits, prefix bounds, malformed prefixes")
    func rangeParsing() throws {
        #expect(try IPRange(parsing: "10.0.0.0/8").description == "10.0.0.0/8")
        #expect(try IPRange(parsing: "2001:DB8::/32").description == "2001:db8::/32")
        #expect(try IPRange(parsing: "198.51.100.7").prefixLength == 32)
        #expect(try IPRange(parsing: "::1").prefixLength == 128)
        #expect(try IPRange(parsing: "0.0.0.0/0").contains(IPAddress(parsing: "203.0.113.9")))
        for text in ["10.0.0.1/8", "10.0.0.0/33", "2001:db8::/129", "2001:db8::1/64", "10.0.0.0/", "10.0.0.0/08",
                     "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/ 8"]
        {
            #expect(throws: MFAError(.invalidRange, "")) { try IPRange(parsing: text) }
        }
        #expect(throws: MFAError(.invalidAddress, "")) { try IPRange(parsing: "10.0.0/8") }
    }

    @Test("range membership agrees with Python's ipaddress on 600 random ranges and addresses")
    func membershipAgreesWithPython() throws {
        let lines = try ReferenceTools.python(
            """
            import ipaddress, random
            r = random.Random(20240601)
            for _ in range(600):
                v6 = r.random() < 0.5
                bits = 128 if v6 else 32
                kind = ipaddress.IPv6Address if v6 else ipaddress.IPv4Address
                p = r.randint(0, bits)
                net = ipaddress.ip_network((kind(r.getrandbits(bits)), p), strict=False)
                if r.random() < 0.6:
                    a = int(net.network_address) | (r.getrandbits(bits - p) if bits > p else 0)
                else:
                    a = r.getrandbits(bits)
                addr = kind(a)
                if v6 and addr.ipv4_mapped is not None:
                    continue
                print(net, addr.exploded if r.random() < 0.5 else addr.compressed, int(addr in net))
            """)
        #expect(lines.count > 590)
        var inside = 0
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            try #require(fields.count == 3)
            let range = try IPRange(parsing: fields[0])
            let address = try IPAddress(parsing: fields[1])
            #expect(range.contains(address) == (fields[2] == "1"), "\(line)")
            if fields[2] == "1" { inside += 1 }
        }
        #expect(inside > 200)
    }

    @Test("an IPv4 range contains the IPv4-mapped form of its addresses, and never plain IPv6")
    func mappedMembership() throws {
        let range = try IPRange(parsing: "192.0.2.0/24")
        #expect(range.contains(try IPAddress(parsing: "::ffff:192.0.2.77")))
        #expect(!range.contains(try IPAddress(parsing: "::ffff:192.0.3.1")))
        #expect(!range.contains(try IPAddress(parsing: "::c000:24d")))   // IPv4-compatible is not mapped
        #expect(!(try IPRange(parsing: "::/0")).contains(try IPAddress(parsing: "192.0.2.1")))
    }

    // MARK: - IPAccessPolicy

    @Test("the deny list wins over the allow list; an address outside a set allow list is denied")
    func accessPolicy() throws {
        let policy = IPAccessPolicy(
            denyList: [try IPRange(parsing: "203.0.113.0/24"), try IPRange(parsing: "2001:db8:bad::/48")],
            allowList: [try IPRange(parsing: "203.0.0.0/8"), try IPRange(parsing: "2001:db8::/32")])
        #expect(policy.evaluate(try IPAddress(parsing: "203.0.113.9")) == .denied(by: try IPRange(parsing: "203.0.113.0/24")))
        #expect(policy.evaluate(try IPAddress(parsing: "203.1.2.3")) == .allowed)
        #expect(policy.evaluate(try IPAddress(parsing: "198.51.100.1")) == .outsideAllowList)
        #expect(policy.evaluate(try IPAddress(parsing: "2001:db8:bad::1")) == .denied(by: try IPRange(parsing: "2001:db8:bad::/48")))
        #expect(policy.evaluate(try IPAddress(parsing: "2001:db8:900d::1")).isAllowed)
        #expect(policy.evaluate(try IPAddress(parsing: "::ffff:203.0.113.200")) == .denied(by: try IPRange(parsing: "203.0.113.0/24")))
    }

    @Test("no allow list allows everything not denied; an empty allow list allows nothing")
    func allowListPresence() throws {
        let address = try IPAddress(parsing: "198.51.100.1")
        #expect(IPAccessPolicy.unrestricted.evaluate(address) == .allowed)
        #expect(IPAccessPolicy(allowList: []).evaluate(address) == .outsideAllowList)
        let decoded = try JSONDecoder().decode(
            IPAccessPolicy.self, from: Data(#"{"denyList":["10.0.0.0/8"],"allowList":null}"#.utf8))
        #expect(decoded.evaluate(try IPAddress(parsing: "10.1.1.1")) == .denied(by: try IPRange(parsing: "10.0.0.0/8")))
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(IPAccessPolicy.self, from: Data(#"{"denyList":["10.0.0.1/8"]}"#.utf8))
        }
    }

    // MARK: - MaxMind DB

    /// The directory holding test-city.mmdb and test-city-ipv4.mmdb, built once per test run by
    /// Support/make_test_mmdb.py; nil when the writer is not installed.
    static let databases: URL? = {
        guard let python = ReferenceTools.mmdbWriterPython,
            let directory = try? ReferenceTools.temporaryDirectory(),
            (try? ReferenceTools.run(
                python, [ReferenceTools.supportDirectory.appendingPathComponent("make_test_mmdb.py").path, directory.path]))
                != nil
        else { return nil }
        return directory
    }()

    static var writerAvailable: Bool { ReferenceTools.mmdbWriterPython != nil }

    static func locator(_ name: String = "test-city.mmdb") throws -> MaxMindIPLocator {
        let directory = try #require(databases, "make_test_mmdb.py failed")
        return try MaxMindIPLocator(path: directory.appendingPathComponent(name).path)
    }

    @Test("lookups return the generator's records: coordinates, accuracy, country and UTF-8 city names",
          .enabled(if: writerAvailable, "needs the mmdb-writer Python package (pip install mmdb-writer)"))
    func cityRecords() throws {
        let locator = try Self.locator()
        #expect(locator.metadata.databaseType == "KeyBridge-Test-City")
        #expect(locator.metadata.ipVersion == 6)
        #expect(abs(locator.metadata.buildEpoch - Int64(Date().timeIntervalSince1970)) < 86_400)

        let london = try #require(try locator.lookup(IPAddress(parsing: "192.0.2.10")))
        #expect(london == GeoLocation(
            coordinate: try GeoCoordinate(latitude: 51.5074, longitude: -0.1278), accuracyRadiusKilometres: 20,
            countryCode: "GB", city: "London"))
        #expect(london.displayName == "London, GB")

        let zurich = try #require(locator.locate(try IPAddress(parsing: "192.0.2.255")))
        #expect(zurich.city == "Zürich")
        #expect(zurich.countryCode == "CH")

        let newYork = try #require(locator.locate(try IPAddress(parsing: "::ffff:198.51.100.200")))
        #expect(newYork.city == "New York")
        #expect(newYork.coordinate == (try GeoCoordinate(latitude: 40.7128, longitude: -74.0060)))

        let tokyo = try #require(locator.locate(try IPAddress(parsing: "2001:db8:1:ffff::1")))
        #expect(tokyo.city == "Tokyo")
        #expect(tokyo.accuracyRadiusKilometres == 100)
    }

    @Test("sparse records keep what they have; addresses outside every network have no location",
          .enabled(if: writerAvailable, "needs the mmdb-writer Python package (pip install mmdb-writer)"))
    func sparseAndMissing() throws {
        let locator = try Self.locator()
        #expect(locator.locate(try IPAddress(parsing: "203.0.113.5")) == GeoLocation(countryCode: "AU"))
        #expect(locator.locate(try IPAddress(parsing: "2001:db8:2::9"))
            == GeoLocation(coordinate: try GeoCoordinate(latitude: -33.8688, longitude: 151.2093)))
        #expect(try locator.lookup(IPAddress(parsing: "10.0.0.1")) == nil)
        #expect(try locator.lookup(IPAddress(parsing: "203.0.113.128")) == nil)
        #expect(try locator.lookup(IPAddress(parsing: "2001:db8:3::1")) == nil)
    }

    @Test("an IPv4-only database answers IPv4 and mapped addresses, and has no record for IPv6",
          .enabled(if: writerAvailable, "needs the mmdb-writer Python package (pip install mmdb-writer)"))
    func ipv4OnlyDatabase() throws {
        let locator = try Self.locator("test-city-ipv4.mmdb")
        #expect(locator.metadata.ipVersion == 4)
        #expect(locator.locate(try IPAddress(parsing: "192.0.2.1"))?.city == "London")
        #expect(locator.locate(try IPAddress(parsing: "::ffff:192.0.2.1"))?.city == "London")
        #expect(try locator.lookup(IPAddress(parsing: "2001:db8:1::5")) == nil)
    }

    @Test("concurrent lookups on one locator all return the right record",
          .enabled(if: writerAvailable, "needs the mmdb-writer Python package (pip install mmdb-writer)"))
    func concurrentLookups() async throws {
        let locator = try Self.locator()
        let addresses = try ["192.0.2.1", "192.0.2.130", "198.51.100.1", "2001:db8:1::1"].map { try IPAddress(parsing: $0) }
        let cities = ["London", "Zürich", "New York", "Tokyo"]
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<2000 {
                group.addTask { locator.locate(addresses[index % 4])?.city == cities[index % 4] }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 2000 && results.allSatisfy { $0 })
    }

    @Test("a missing file is .databaseUnreadable; a file that is not a MaxMind DB is .invalidDatabase")
    func openErrors() throws {
        #expect(throws: MFAError(.databaseUnreadable, "")) {
            try MaxMindIPLocator(path: "/nonexistent-\(UUID().uuidString).mmdb")
        }
        let directory = try ReferenceTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let garbage = directory.appendingPathComponent("garbage.mmdb")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: garbage)
        #expect(throws: MFAError(.invalidDatabase, "")) { try MaxMindIPLocator(path: garbage.path) }
        let empty = directory.appendingPathComponent("empty.mmdb")
        try Data().write(to: empty)
        #expect(throws: MFAError.self) { try MaxMindIPLocator(path: empty.path) }
    }
}

/// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): reproducible test inputs, never secrets.
struct GeoTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
