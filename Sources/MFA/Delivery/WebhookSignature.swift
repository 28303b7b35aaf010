internal import OpenSSLWrapper

/// The signature ``WebhookSMSGateway`` puts on each request: `sha256=` and the lowercase hex
/// HMAC-SHA256 (RFC 2104, FIPS 198-1) of the exact body bytes under the shared secret.
///
/// A receiver recomputes the HMAC over the raw body it received, before parsing it, and compares in
/// constant time; ``isValid(headerValue:body:secret:)`` does exactly that. Any HMAC-SHA256
/// implementation verifies it, for example Python's `hmac.new(secret, body, "sha256").hexdigest()`.
public enum WebhookSignature {
    /// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
    ///
    /// - Parameters:
    ///   - body: The exact request body bytes.
    ///   - secret: The shared secret.
    /// - Returns: The header value, for example `sha256=5d5d…`.
    public static func headerValue(body: [UInt8], secret: GatewaySecret) -> String {
        "sha256=" + MessageIdentifier.hex(HMAC.authenticationCode(.sha256, key: secret.bytes, message: body))
    }

    /// Whether `headerValue` is the signature of `body` under `secret`, compared in constant time.
    ///
    /// - Parameters:
    ///   - headerValue: The received header value.
    ///   - body: The raw received body, before any parsing.
    ///   - secret: The shared secret.
    /// - Returns: True only for an exact match (the `sha256=` prefix and 64 lowercase hex digits).
    /// - Warning: A valid signature proves who sent the body, not when: also check the signed `timestamp`
    ///   against a short window and refuse an `id` seen before.
    public static func isValid(headerValue: String, body: [UInt8], secret: GatewaySecret) -> Bool {
        constantTimeEquals(Array(headerValue.utf8), Array(Self.headerValue(body: body, secret: secret).utf8))
    }
}
