import Testing
import OpenSSLWrapper

@Suite struct HMACKeyTests {
    @Test("Precomputed-key HMACs equal Python's hmac for SHA-1, SHA-256 and SHA-512, for short, long and empty keys")
    func matchesPython() throws {
        var random = SplitMix64(state: 2104)
        var arguments: [String] = []
        var ours: [String] = []
        for (index, algorithm) in [DigestAlgorithm.sha1, .sha256, .sha512].enumerated() {
            for keyLength in [0, 1, 20, 64, 65, 128, 200] {
                let key = random.bytes(keyLength)
                let hmacKey = try HMACKey(algorithm, key: key)
                for messageLength in [0, 8, 100] {
                    let message = random.bytes(messageLength)
                    arguments.append("\(["sha1", "sha256", "sha512"][index]):\(key.hex):\(message.hex)")
                    ours.append(hmacKey.authenticationCode(message).hex)
                    // The same key object gives the same answer again (its working contexts are reset).
                    #expect(hmacKey.authenticationCode(message) == HMAC.authenticationCode(algorithm, key: key, message: message))
                }
            }
        }
        let expected = try Tool.python(
            """
            import sys, hmac
            for arg in sys.argv[1:]:
                name, key, message = arg.split(':')
                print(hmac.new(bytes.fromhex(key), bytes.fromhex(message), name).hexdigest())
            """, arguments)
        #expect(expected == ours)
    }

    @Test("One key used from many tasks at once gives the right code every time")
    func concurrent() async throws {
        let key = try HMACKey(.sha1, key: Array("12345678901234567890".utf8))
        let expected = HMAC.authenticationCode(.sha1, key: Array("12345678901234567890".utf8), message: [0, 0, 0, 0, 0, 0, 0, 1])
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<500).allSatisfy { _ in key.authenticationCode([0, 0, 0, 0, 0, 0, 0, 1]) == expected }
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}
