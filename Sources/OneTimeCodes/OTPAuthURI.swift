internal import OpenSSLWrapper

/// An `otpauth://` URI in the Key URI format that authenticator apps scan from a QR code.
///
/// `otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`
///
/// The issuer and the account name are percent-encoded as RFC 3986 requires (a space is `%20`, never `+`);
/// the colon between them stays literal. Neither may contain a colon of its own. The parser accepts the
/// label separator as `:` or `%3A`, spaces before the account name, the parameters in any order, unknown
/// parameters (ignored), and lower-case algorithm names; it refuses an `issuer` parameter that disagrees
/// with the label's issuer prefix.
public struct OTPAuthURI: Sendable, Equatable {
    /// The generator the URI describes.
    public enum Kind: Sendable, Hashable {
        /// Time-based (RFC 6238), with its period in seconds.
        case totp(period: Int64)
        /// Counter-based (RFC 4226), with the initial counter.
        case hotp(counter: UInt64)
    }

    /// TOTP or HOTP, with the period or the counter.
    public var kind: Kind
    /// The shared secret.
    public var secret: OTPSecret
    /// The provider or service, shown above the account name in the app; nil when absent.
    public var issuer: String?
    /// The user's account name, for example an email address.
    public var accountName: String
    /// The HMAC hash function.
    public var algorithm: OTPAlgorithm
    /// 6 to 8.
    public var digits: Int

    /// A TOTP URI for `secret`.
    ///
    /// - Parameters:
    ///   - secret: The shared secret.
    ///   - configuration: Algorithm, digits and period.
    ///   - issuer: The provider, for example `KeyBridge`.
    ///   - accountName: The user's account, for example `alice@example.org`.
    /// - Throws: ``OneTimeCodeError/Code/invalidParameter`` when the issuer or the account name is empty or
    ///   contains a colon, or the configuration is out of range.
    public init(
        totpSecret secret: OTPSecret, configuration: TOTPConfiguration = .default, issuer: String?, accountName: String
    ) throws(OneTimeCodeError) {
        try configuration.validate()
        try Self.checkLabelPart(accountName, "account name")
        if let issuer { try Self.checkLabelPart(issuer, "issuer") }
        self.kind = .totp(period: configuration.period)
        self.secret = secret
        self.issuer = issuer
        self.accountName = accountName
        self.algorithm = configuration.algorithm
        self.digits = configuration.digits
    }

    /// The TOTP configuration, or nil for a HOTP URI.
    public var totpConfiguration: TOTPConfiguration? {
        guard case .totp(let period) = kind else { return nil }
        return TOTPConfiguration(algorithm: algorithm, digits: digits, period: period)
    }

    /// The URI text.
    public var uriString: String {
        var text = "otpauth://"
        switch kind {
        case .totp: text += "totp/"
        case .hotp: text += "hotp/"
        }
        if let issuer { text += PercentEncoding.encode(issuer, keepingAt: true) + ":" }
        text += PercentEncoding.encode(accountName, keepingAt: true)
        text += "?secret=" + secret.base32
        if let issuer { text += "&issuer=" + PercentEncoding.encode(issuer, keepingAt: false) }
        text += "&algorithm=" + algorithm.rawValue + "&digits=\(digits)"
        switch kind {
        case .totp(let period): text += "&period=\(period)"
        case .hotp(let counter): text += "&counter=\(counter)"
        }
        return text
    }

    /// Parses a Key URI.
    ///
    /// - Parameter uriString: `otpauth://totp/…` or `otpauth://hotp/…`.
    /// - Throws: ``OneTimeCodeError/Code/invalidURI`` for anything outside the format (wrong scheme or type,
    ///   bad percent-encoding, missing or repeated parameters, an issuer mismatch, an empty account name, a
    ///   HOTP URI without a counter, out-of-range digits or period), ``OneTimeCodeError/Code/invalidBase32``
    ///   or ``OneTimeCodeError/Code/invalidSecret`` for a bad or empty secret.
    /// - Warning: The secret may be shorter than ``OTPSecret/minimumLength`` (the Key URI format's own
    ///   example has 80 bits). Check ``OTPSecret/byteCount`` before enrolling a secret taken from a URI.
    public init(parsing uriString: String) throws(OneTimeCodeError) {
        let utf8 = Array(uriString.utf8)
        let prefix = Array("otpauth://".utf8)
        guard utf8.count > prefix.count, Self.lowercased(Array(utf8[0..<prefix.count])) == prefix else {
            throw OneTimeCodeError(.invalidURI, "the URI does not start with otpauth://")
        }
        guard !utf8.contains(UInt8(ascii: "#")) else {
            throw OneTimeCodeError(.invalidURI, "the URI has a fragment")
        }
        let rest = utf8[prefix.count...]
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else {
            throw OneTimeCodeError(.invalidURI, "the URI has no label")
        }
        let type = String(decoding: Self.lowercased(Array(rest[rest.startIndex..<slash])), as: UTF8.self)
        let afterType = rest[(slash + 1)...]
        let question = afterType.firstIndex(of: UInt8(ascii: "?")) ?? afterType.endIndex
        let label = try PercentEncoding.decode(afterType[afterType.startIndex..<question])
        let query = question < afterType.endIndex ? afterType[(question + 1)...] : []

        var parameters: [String: String] = [:]
        for pair in query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let name = try PercentEncoding.decode(pair[pair.startIndex..<equals]).lowercased()
            let value = equals < pair.endIndex ? try PercentEncoding.decode(pair[(equals + 1)...]) : ""
            guard parameters[name] == nil else {
                throw OneTimeCodeError(.invalidURI, "the parameter \(name) appears twice")
            }
            parameters[name] = value
        }

        // The label: "issuer:account" or "account"; spaces may precede the account name.
        var labelIssuer: String? = nil
        var account = label
        if let colon = label.firstIndex(of: ":") {
            labelIssuer = String(label[label.startIndex..<colon])
            account = String(label[label.index(after: colon)...].drop { $0 == " " })
        }
        guard !account.isEmpty, !account.contains(":") else {
            throw OneTimeCodeError(.invalidURI, "the label has no account name, or more than one colon")
        }
        let parameterIssuer = parameters["issuer"]
        if let labelIssuer, let parameterIssuer, labelIssuer != parameterIssuer {
            throw OneTimeCodeError(.invalidURI, "the issuer parameter disagrees with the label's issuer prefix")
        }
        let issuer = parameterIssuer ?? labelIssuer
        if let issuer, issuer.isEmpty || issuer.contains(":") {
            throw OneTimeCodeError(.invalidURI, "the issuer is empty or contains a colon")
        }

        guard let secretText = parameters["secret"] else {
            throw OneTimeCodeError(.invalidURI, "the secret parameter is missing")
        }
        // Secrets from elsewhere may be shorter than this module generates (the format's own example is 80
        // bits); the parser takes them as they are and leaves the policy to the caller.
        var secretBytes = try Base32.decode(secretText)
        defer { secureZero(&secretBytes) }
        let secret = try OTPSecret(uncheckedBytes: secretBytes)

        var algorithm = OTPAlgorithm.sha1
        if let name = parameters["algorithm"] {
            guard let parsed = OTPAlgorithm(keyURIName: name) else {
                throw OneTimeCodeError(.invalidURI, "unknown algorithm \(name)")
            }
            algorithm = parsed
        }
        var digits = 6
        if let text = parameters["digits"] {
            guard let value = Self.decimal(text), (6...8).contains(value) else {
                throw OneTimeCodeError(.invalidURI, "digits must be 6, 7 or 8")
            }
            digits = Int(value)
        }
        switch type {
        case "totp":
            var period: Int64 = 30
            if let text = parameters["period"] {
                guard let value = Self.decimal(text), (1...86_400).contains(value) else {
                    throw OneTimeCodeError(.invalidURI, "period must be 1 to 86400 seconds")
                }
                period = Int64(value)
            }
            kind = .totp(period: period)
        case "hotp":
            guard let text = parameters["counter"], let counter = Self.decimal(text) else {
                throw OneTimeCodeError(.invalidURI, "a hotp URI needs a decimal counter parameter")
            }
            kind = .hotp(counter: counter)
        default:
            throw OneTimeCodeError(.invalidURI, "the type is neither totp nor hotp")
        }
        self.secret = secret
        self.issuer = issuer
        self.accountName = account
        self.algorithm = algorithm
        self.digits = digits
    }

    private static func checkLabelPart(_ text: String, _ what: String) throws(OneTimeCodeError) {
        guard !text.isEmpty, !text.contains(":") else {
            throw OneTimeCodeError(.invalidParameter, "the \(what) is empty or contains a colon")
        }
    }

    private static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
    }

    /// An unsigned decimal of 1 to 19 ASCII digits.
    private static func decimal(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return UInt64(text)
    }
}
