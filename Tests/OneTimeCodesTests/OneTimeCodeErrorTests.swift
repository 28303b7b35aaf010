import Testing
import OneTimeCodes

@Suite struct OneTimeCodeErrorTests {
    @Test("Codes have distinct stable strings, and errors compare by code only")
    func codes() {
        let raw = OneTimeCodeError.Code.allCodes.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for expected in ["invalid-code", "code-expired", "code-reused", "too-many-attempts", "unsupported-country",
                         "invalid-phone-number", "invalid-secret", "invalid-uri", "resend-too-soon",
                         "daily-limit-reached", "locked", "throttled"] {
            #expect(raw.contains(expected))
        }
        #expect(OneTimeCodeError(.invalidCode, "a") == OneTimeCodeError(.invalidCode, "b"))
        #expect(OneTimeCodeError(.invalidCode, "a") != OneTimeCodeError(.codeReused, "a"))
        #expect(OneTimeCodeError(.locked, "why").description == "locked: why")
    }

    @Test("Wrong and reused codes show exactly the articles' message")
    func userMessages() {
        #expect(OneTimeCodeError(.invalidCode, "x").userMessage == "Code is not valid. Try again, or view troubleshooting tips")
        #expect(OneTimeCodeError(.codeReused, "x").userMessage == "Code is not valid. Try again, or view troubleshooting tips")
        #expect(OneTimeCodeError(.resendTooSoon, "x", retryAfter: 42).userMessage.contains("42"))
    }
}
