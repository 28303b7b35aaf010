import MFA
import Testing

/// The module's one error type: its published codes, and the delivery and GeoIP codes folded into it.
@Suite struct MFAErrorTests {
    @Test("Every code's raw value is published and unique, the delivery and GeoIP codes included")
    func rawValues() {
        let raw = MFAError.Code.allCodes.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        #expect(raw == [
            "not-found", "already-exists", "invalid-transition", "invalid-argument", "corrupt-record",
            "transaction-ended", "storage-failure", "code-not-valid", "code-expired", "too-many-attempts", "throttled",
            "locked", "invalid-phone-number", "unsupported-country", "resend-cooldown", "daily-limit-reached",
            "last-method", "enrollment-required", "delivery-failed", "security-key-rejected", "sign-count-conflict",
            "security-key-clone-suspected", "invalid-key", "internal-error",
            "invalid-message", "invalid-configuration", "timeout", "connection-failed", "rejected",
            "authentication-failed", "rate-limited", "provider-unavailable", "invalid-response", "outbox-unavailable",
            "outbox-corrupt", "cancelled",
            "invalid-address", "invalid-range", "invalid-coordinate", "database-unreadable", "invalid-database",
            "lookup-failed",
        ])
    }

    @Test("A delivery failure describes the provider's HTTP status and code; other errors read code: reason")
    func descriptions() {
        let rejected = MFAError(
            .rejected, "answered HTTP 400", httpStatus: 400, providerCode: "21211", providerMessage: "bad To")
        #expect(rejected.description == "rejected: answered HTTP 400 (HTTP 400) [provider code 21211]")
        #expect(rejected.providerMessage == "bad To")
        #expect(MFAError(.notFound, "no account bob").description == "not-found: no account bob")
        #expect(MFAError(.timeout, "x") == MFAError(.timeout, "y", httpStatus: 504))
    }

    @Test("Only transient delivery failures are retryable")
    func retryable() {
        let retryable = MFAError.Code.allCodes.filter { MFAError($0, "x").isRetryable }
        #expect(retryable == [.timeout, .connectionFailed, .rateLimited, .providerUnavailable, .outboxUnavailable])
    }

    @Test("User messages never show internals: no code, no reason, no provider text")
    func userMessages() {
        for code in MFAError.Code.allCodes {
            let error = MFAError(
                code, "SECRET-REASON", httpStatus: 500, providerCode: "PROVIDER-CODE", providerMessage: "PROVIDER-TEXT")
            let message = error.userMessage
            #expect(!message.isEmpty)
            #expect(!message.contains("SECRET-REASON") && !message.contains("PROVIDER"))
            #expect(!message.contains(code.rawValue), "\(code)")
        }
        #expect(MFAError(.rateLimited, "x", retryAfter: 42).userMessage.contains("42 seconds"))
        #expect(MFAError(.timeout, "x").userMessage == MFAError(.deliveryFailed, "x").userMessage)
    }
}
