import Foundation
import Synchronization
import Testing
@testable import OneTimeCodes

/// A random source that replays scripted bytes, then repeats a fallback byte.
final class ScriptedRandom: Sendable {
    private let queue: Mutex<[UInt8]>

    init(_ bytes: [UInt8]) { queue = Mutex(bytes) }

    var source: RandomSource {
        RandomSource { [self] count in
            queue.withLock { queue in
                let taken = Array(queue.prefix(count))
                queue.removeFirst(taken.count)
                return taken + [UInt8](repeating: 0x42, count: count - taken.count)
            }
        }
    }
}

@Suite struct PhoneNumberTests {
    @Test("E.164 numbers are accepted and normalised", arguments: [
        ("+4915112345678", "+4915112345678"), ("+1 (876) 555-0123", "+18765550123"), ("+44 20.7946.0958", "+442079460958"),
        ("+93701234567", "+93701234567"), ("+12025550123", "+12025550123"),
    ])
    func valid(input: String, expected: String) throws {
        #expect(try PhoneNumber(input).e164 == expected)
    }

    @Test("Numbers that are not E.164 are refused", arguments: [
        "4915112345678", "+0915112345678", "+1234567", "+1234567890123456", "+49 151 abc", "", "+", "++4915112345678",
        "+49+15112345678", "0049 151 12345678",
    ])
    func invalid(input: String) {
        #expect(throws: OneTimeCodeError(.invalidPhoneNumber, "")) { try PhoneNumber(input) }
    }

    @Test("A stored number decodes only when it is still E.164")
    func codable() throws {
        let number = try PhoneNumber("+353 1 234 5678")
        let data = try JSONEncoder().encode(number)
        #expect(String(decoding: data, as: UTF8.self) == "\"+35312345678\"")
        #expect(try JSONDecoder().decode(PhoneNumber.self, from: data) == number)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(PhoneNumber.self, from: Data("\"12345\"".utf8)) }
        #expect(number.masked == "+•••••••••78")
    }
}

@Suite struct SMSCountryTests {
    /// One number per supported country, with the ITU-T E.164 calling code (and NANP area code where it
    /// decides the country).
    static let examples: [(String, String)] = [
        ("+93701234567", "AF"), ("+61412345678", "AU"), ("+38761123456", "BA"), ("+359888123456", "BG"),
        ("+14165550123", "CA"), ("+573001234567", "CO"), ("+201001234567", "EG"), ("+4915112345678", "DE"),
        ("+919812345678", "IN"), ("+353851234567", "IE"), ("+18765550123", "JM"), ("+16585550123", "JM"),
        ("+37061234567", "LT"), ("+5215512345678", "MX"), ("+37369123456", "MD"), ("+212612345678", "MA"),
        ("+31612345678", "NL"), ("+38970123456", "MK"), ("+4791234567", "NO"), ("+639171234567", "PH"),
        ("+48512345678", "PL"), ("+381601234567", "RS"), ("+34612345678", "ES"), ("+905321234567", "TR"),
        ("+380501234567", "UA"), ("+447700900123", "GB"), ("+12025550123", "US"), ("+998901234567", "UZ"),
    ]

    @Test("The default allow-list has the 27 countries of the article and finds each by calling code")
    func supported() throws {
        #expect(SMSCountryAllowList.default.countries.count == 27)
        #expect(Set(SMSCountryAllowList.default.countries.map(\.regionCode)).count == 27)
        for (number, region) in Self.examples {
            #expect(try SMSCountryAllowList.default.country(of: PhoneNumber(number)).regionCode == region, "\(number)")
        }
    }

    @Test("Other countries, other NANP members and US territories are unsupported, pointing to the authenticator app",
          arguments: [
            "+33612345678", "+861381234567", "+79161234567", "+12425550123", "+18095550123", "+17875550123",
            "+16715550123", "+38512345678", "+3811", "+99512345678",
          ])
    func unsupported(number: String) throws {
        guard let phone = try? PhoneNumber(number) else {
            // "+3811" is too short to be E.164 at all.
            #expect(throws: OneTimeCodeError(.invalidPhoneNumber, "")) { try PhoneNumber(number) }
            return
        }
        do {
            _ = try SMSCountryAllowList.default.country(of: phone)
            Issue.record("\(number) was accepted")
        } catch {
            #expect(error.code == .unsupportedCountry)
            #expect(error.userMessage.contains("authenticator app"))
        }
    }

    @Test("A +1 number must be a valid NANP number")
    func nanpShape() {
        for number in ["+1202555012", "+10025550123", "+12021550123", "+120255501234"] {
            #expect(throws: OneTimeCodeError(.invalidPhoneNumber, ""), "\(number)") {
                try SMSCountryAllowList.default.country(of: PhoneNumber(number))
            }
        }
    }

    @Test("A custom allow-list without the United States still allows Canada and Jamaica")
    func customList() throws {
        let list = SMSCountryAllowList([.canada, .jamaica])
        #expect(try list.country(of: PhoneNumber("+16045550123")) == .canada)
        #expect(try list.country(of: PhoneNumber("+18765550123")) == .jamaica)
        #expect(throws: OneTimeCodeError(.unsupportedCountry, "")) { try list.country(of: PhoneNumber("+12025550123")) }
    }
}

@Suite struct SMSCodeTests {
    static let key = try! CodeHashingKey(bytes: (0..<32).map { UInt8($0) })
    static let phone = try! PhoneNumber("+4915112345678")
    let start: Int64 = 1_700_000_000

    func issuer(_ random: RandomSource = .system, policy: SMSCodePolicy = .default) -> SMSCodeIssuer {
        SMSCodeIssuer(key: Self.key, policy: policy, allowList: .default, random: random)
    }

    @Test("Codes are six digits drawn by rejection sampling: draws at or above 4 294 000 000 are skipped")
    func rejectionSampling() throws {
        // First draw 4 294 000 000 = 0xFFF1_3D80 (rejected: it would make 000000 more likely), then
        // 4 293 999 999 = 0xFFF1_3D7F (accepted: 999 999 modulo 10^6).
        let random = ScriptedRandom([0xFF, 0xF1, 0x3D, 0x80, 0xFF, 0xF1, 0x3D, 0x7F])
        var ledger = SMSSendLedger()
        let issued = try issuer(random.source).issue(to: Self.phone, ledger: &ledger, at: start)
        #expect(issued.code == "999999")
        let small = ScriptedRandom([0, 0, 0, 42])
        var other = SMSSendLedger()
        #expect(try issuer(small.source).issue(to: Self.phone, ledger: &other, at: start).code == "000042")
    }

    @Test("The stored challenge holds the code only as the HMAC-SHA-256 Python computes for it")
    func storedAsHMAC() throws {
        var ledger = SMSSendLedger()
        let issued = try issuer().issue(to: Self.phone, ledger: &ledger, at: start)
        #expect(issued.code.count == 6 && issued.code.allSatisfy(\.isASCII) && issued.code.allSatisfy(\.isNumber))
        let json = String(decoding: try JSONEncoder().encode(issued.challenge), as: UTF8.self)
        #expect(!json.contains(issued.code))
        let expected = try Tool.python(
            """
            import sys, hmac, hashlib, struct
            key = bytes(range(32))
            parts = [b'KeyBridge SMS code v1'] + [a.encode() for a in sys.argv[1:]]
            print(hmac.new(key, b''.join(struct.pack('>I', len(p)) + p for p in parts), hashlib.sha256).hexdigest())
            """, [issued.challenge.id, Self.phone.e164, issued.code])
        #expect(expected == [issued.challenge.codeHash.hex])
    }

    @Test("The right code is accepted once; a second use is refused as reused")
    func singleUse() throws {
        var ledger = SMSSendLedger()
        let issued = try issuer().issue(to: Self.phone, ledger: &ledger, at: start)
        let code = issued.code
        var challenge = issued.challenge
        try challenge.verify(code, key: Self.key, at: start + 10)
        #expect(challenge.state == .consumed)
        #expect(throws: OneTimeCodeError(.codeReused, "")) { try challenge.verify(code, key: Self.key, at: start + 11) }
    }

    @Test("A code expires after five minutes by default")
    func expiry() throws {
        var ledger = SMSSendLedger()
        let (code, challenge) = try issuer().issue(to: Self.phone, ledger: &ledger, at: start)
        var late = challenge
        #expect(throws: OneTimeCodeError(.codeExpired, "")) { try late.verify(code, key: Self.key, at: start + 300) }
        var inTime = challenge
        try inTime.verify(code, key: Self.key, at: start + 299)
    }

    @Test("Wrong codes count: after five bad tries the code is dead, even for the right code")
    func attempts() throws {
        var ledger = SMSSendLedger()
        let issued = try issuer().issue(to: Self.phone, ledger: &ledger, at: start)
        let code = issued.code
        var challenge = issued.challenge
        let wrong = code == "000000" ? "000001" : "000000"
        for attempt in 1...4 {
            do {
                try challenge.verify(attempt == 2 ? "12ab" : wrong, key: Self.key, at: start + Int64(attempt))
                Issue.record("a wrong code was accepted")
            } catch {
                #expect(error.code == .invalidCode)
                #expect(error.userMessage == OneTimeCodeError.wrongCodeMessage)
            }
            #expect(challenge.remainingAttempts == 5 - attempt)
        }
        #expect(throws: OneTimeCodeError(.tooManyAttempts, "")) { try challenge.verify(wrong, key: Self.key, at: start + 5) }
        #expect(challenge.state == .exhausted)
        #expect(throws: OneTimeCodeError(.tooManyAttempts, "")) { try challenge.verify(code, key: Self.key, at: start + 6) }
    }

    @Test("A code does not verify under another server key")
    func otherKey() throws {
        var ledger = SMSSendLedger()
        let issued = try issuer().issue(to: Self.phone, ledger: &ledger, at: start)
        var challenge = issued.challenge
        #expect(throws: OneTimeCodeError(.invalidCode, "")) {
            try challenge.verify(issued.code, key: CodeHashingKey.generate(), at: start + 1)
        }
    }

    @Test("A new code waits 60 seconds after the last one")
    func cooldown() throws {
        var ledger = SMSSendLedger()
        let issuer = issuer()
        _ = try issuer.issue(to: Self.phone, ledger: &ledger, at: start)
        do {
            _ = try issuer.issue(to: Self.phone, ledger: &ledger, at: start + 45)
            Issue.record("resend inside the cooldown")
        } catch {
            #expect(error.code == .resendTooSoon)
            #expect(error.retryAfter == 15)
        }
        #expect(ledger.sentOnDay == 1)
        _ = try issuer.issue(to: Self.phone, ledger: &ledger, at: start + 60)
        #expect(ledger.sentOnDay == 2)
    }

    @Test("At most ten codes a UTC day go to one number; the count starts again the next day")
    func dailyCap() throws {
        var ledger = SMSSendLedger()
        let issuer = issuer()
        let midnight: Int64 = 1_700_006_400  // 2023-11-15T00:00:00Z, a multiple of 86 400
        for index in 0..<10 {
            _ = try issuer.issue(to: Self.phone, ledger: &ledger, at: midnight + Int64(index) * 600)
        }
        do {
            _ = try issuer.issue(to: Self.phone, ledger: &ledger, at: midnight + 20_000)
            Issue.record("an eleventh code was sent")
        } catch {
            #expect(error.code == .dailyLimitReached)
            let untilMidnight: Int64 = 86_400 - 20_000
            #expect(error.retryAfter == untilMidnight)
        }
        _ = try issuer.issue(to: Self.phone, ledger: &ledger, at: midnight + 86_400)
        #expect(ledger.sentOnDay == 1)
    }

    @Test("Unsupported countries get no code and leave the ledger untouched")
    func unsupportedCountry() throws {
        var ledger = SMSSendLedger()
        #expect(throws: OneTimeCodeError(.unsupportedCountry, "")) {
            try issuer().issue(to: PhoneNumber("+33612345678"), ledger: &ledger, at: start)
        }
        #expect(ledger == SMSSendLedger())
    }

    @Test("Challenges and ledgers survive a JSON round trip, so a store can persist them")
    func persistence() throws {
        var ledger = SMSSendLedger()
        let issued = try issuer(policy: .init(maximumAttempts: 3)).issue(to: Self.phone, ledger: &ledger, at: start)
        var challenge = issued.challenge
        #expect(throws: OneTimeCodeError(.invalidCode, "")) { try challenge.verify("x", key: Self.key, at: start + 1) }
        var restored = try JSONDecoder().decode(SMSChallenge.self, from: JSONEncoder().encode(challenge))
        #expect(restored == challenge)
        #expect(restored.remainingAttempts == 2)
        #expect(try JSONDecoder().decode(SMSSendLedger.self, from: JSONEncoder().encode(ledger)) == ledger)
        try restored.verify(issued.code, key: Self.key, at: start + 2)
        #expect(restored.state == .consumed)
    }

    @Test("Codes are spread over all six-digit values (no bias towards small ones)")
    func distribution() throws {
        var buckets = [Int](repeating: 0, count: 10)
        let issuer = issuer(policy: .init(resendCooldown: 0, dailyLimit: .max))
        var ledger = SMSSendLedger()
        for index in 0..<2000 {
            let code = try issuer.issue(to: Self.phone, ledger: &ledger, at: start + Int64(index)).code
            buckets[try #require(Int(code.prefix(1)))] += 1
        }
        // Each leading digit is expected 200 times; 100 is over 7 standard deviations away.
        #expect(buckets.allSatisfy { (100...300).contains($0) }, "\(buckets)")
    }
}
