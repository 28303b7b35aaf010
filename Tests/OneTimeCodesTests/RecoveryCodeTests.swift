import Foundation
import Testing
@testable import OneTimeCodes

@Suite struct RecoveryCodeTests {
    static let key = try! CodeHashingKey(bytes: [UInt8](repeating: 0x5A, count: 32))
    let now: Int64 = 1_700_000_000

    @Test("Ten distinct codes of 60 bits in xxxx-xxxx-xxxx from the unambiguous alphabet")
    func format() {
        let (codes, set) = RecoveryCodeSet.generate(key: Self.key, at: now)
        #expect(codes.count == 10)
        #expect(set.entries.count == 10 && set.remaining == 10)
        #expect(Set(codes).count == 10)
        let alphabet = Set("0123456789abcdefghjkmnpqrstvwxyz")
        #expect(alphabet.count == 32)  // 12 characters × 5 bits = 60 bits
        for code in codes {
            let groups = code.split(separator: "-", omittingEmptySubsequences: false)
            #expect(groups.count == 3 && groups.allSatisfy { $0.count == 4 }, "\(code)")
            #expect(code.filter { $0 != "-" }.allSatisfy { alphabet.contains($0) }, "\(code)")
        }
    }

    @Test("Each code works once; a second use is refused as reused")
    func singleUse() throws {
        var (codes, set) = RecoveryCodeSet.generate(key: Self.key, at: now)
        #expect(try set.redeem(codes[3], key: Self.key, at: now + 5) == 3)
        #expect(set.entries[3].usedAt == now + 5)
        #expect(set.remaining == 9)
        #expect(throws: OneTimeCodeError(.codeReused, "")) { try set.redeem(codes[3], key: Self.key, at: now + 6) }
        #expect(try set.redeem(codes[9], key: Self.key, at: now + 7) == 9)
        codes.removeAll()
    }

    @Test("Input is normalised: case, hyphens, spaces, and o/i/l read as 0/1")
    func normalisation() throws {
        var (codes, set) = RecoveryCodeSet.generate(key: Self.key, at: now)
        let code = codes[0]
        let plain = code.replacingOccurrences(of: "-", with: "")
        let spaced = plain.uppercased().enumerated().map { "\($0.offset % 3 == 0 ? " " : "")\($0.element)" }.joined()
        let confusable = plain.replacingOccurrences(of: "0", with: "O").replacingOccurrences(of: "1", with: "l")
        #expect(RecoveryCodeSet.normalize(spaced) == plain)
        #expect(RecoveryCodeSet.normalize(confusable) == plain)
        #expect(RecoveryCodeSet.normalize("abcd-efgh-jkmu") == nil)
        #expect(RecoveryCodeSet.normalize("abcd-efgh-jkm") == nil)
        #expect(RecoveryCodeSet.normalize("abcd-efgh-jkmnp") == nil)
        #expect(try set.redeem(" " + confusable.uppercased() + " ", key: Self.key, at: now) == 0)
        codes.removeAll()
    }

    @Test("Codes of an old set, wrong codes and malformed input are invalid; regenerating invalidates the old set")
    func invalid() throws {
        let (oldCodes, _) = RecoveryCodeSet.generate(key: Self.key, at: now)
        var (_, newSet) = RecoveryCodeSet.generate(key: Self.key, at: now + 100)
        for input in oldCodes + ["", "not a code", "0000-0000-0000"] {
            #expect(throws: OneTimeCodeError(.invalidCode, "")) { try newSet.redeem(input, key: Self.key, at: now + 200) }
        }
        #expect(newSet.remaining == 10)
    }

    @Test("The stored hash is the HMAC-SHA-256 Python computes, bound to the set ID; the codes are not stored")
    func storedHashed() throws {
        let (codes, set) = RecoveryCodeSet.generate(key: Self.key, at: now)
        let json = String(decoding: try JSONEncoder().encode(set), as: UTF8.self)
        for code in codes {
            #expect(!json.contains(code) && !json.contains(code.replacingOccurrences(of: "-", with: "")))
        }
        let expected = try Tool.python(
            """
            import sys, hmac, hashlib, struct
            key = bytes([0x5A] * 32)
            for code in sys.argv[2:]:
                parts = [b'KeyBridge recovery code v1', sys.argv[1].encode(), code.replace('-', '').encode()]
                print(hmac.new(key, b''.join(struct.pack('>I', len(p)) + p for p in parts), hashlib.sha256).hexdigest())
            """, [set.id] + codes)
        #expect(expected == set.entries.map(\.hash.hex))
        let restored = try JSONDecoder().decode(RecoveryCodeSet.self, from: Data(json.utf8))
        #expect(restored == set)
    }

    @Test("Injected randomness gives reproducible codes drawn uniformly from the alphabet")
    func injectedRandomness() {
        let first = RecoveryCodeSet.generate(key: Self.key, count: 2, at: now, random: ScriptedRandom([]).source)
        let second = RecoveryCodeSet.generate(key: Self.key, count: 2, at: now, random: ScriptedRandom([]).source)
        #expect(first.codes == second.codes)
        // Fallback bytes 0x42424242 = 1 111 638 594; 1 111 638 594 mod 32 = 2, the third symbol: "2".
        #expect(first.codes[0] == "2222-2222-2222")
    }
}
