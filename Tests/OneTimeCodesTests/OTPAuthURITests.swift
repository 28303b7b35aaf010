import Testing
import OneTimeCodes

@Suite struct OTPAuthURITests {
    @Test("The URI matches the Key Uri Format wiki's full example (ACME Co, john.doe@email.com)")
    func keyURIFormatExample() throws {
        // github.com/google/google-authenticator/wiki/Key-Uri-Format, "Examples".
        let secret = try OTPSecret(base32: "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")
        let uri = try OTPAuthURI(totpSecret: secret, issuer: "ACME Co", accountName: "john.doe@email.com")
        #expect(
            uri.uriString
                == "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
                + "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30")
        #expect(try OTPAuthURI(parsing: uri.uriString) == uri)
    }

    @Test("The wiki's minimal example parses, with defaults and an 80-bit secret")
    func minimalExample() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
        #expect(uri.issuer == "Example")
        #expect(uri.accountName == "alice@google.com")
        #expect(uri.totpConfiguration == .default)
        #expect(uri.secret.byteCount == 10)
        #expect(uri.kind == .totp(period: 30))
    }

    @Test("Parsing accepts %3A, spaces before the account, any parameter order, lower case and unknown parameters")
    func lenientParsing() throws {
        let uri = try OTPAuthURI(
            parsing: "OTPAUTH://TOTP/Big%20Corp%3A%20%20bob?period=60&digits=8&algorithm=sha256&image=x&secret=mzxw6ytboi"
                + "mzxw6ytboi")
        #expect(uri.issuer == "Big Corp")
        #expect(uri.accountName == "bob")
        #expect(uri.totpConfiguration == TOTPConfiguration(algorithm: .sha256, digits: 8, period: 60))
        let hotp = try OTPAuthURI(parsing: "otpauth://hotp/alice?secret=MZXW6YTBOIMZXW6YTBOI&counter=42")
        #expect(hotp.kind == .hotp(counter: 42))
        #expect(hotp.issuer == nil)
    }

    @Test("Malformed URIs are refused with invalid-uri", arguments: [
        "http://totp/a?secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://sotp/a?secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://totp/a",
        "otpauth://totp/?secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://totp/A:B:C?secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://totp/A:b?secret=MZXW6YTBOIMZXW6YTBOI&issuer=B",
        "otpauth://totp/a?secret=MZXW6YTBOIMZXW6YTBOI&secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://totp/a?secret=MZXW6YTBOIMZXW6YTBOI&algorithm=MD5",
        "otpauth://totp/a?secret=MZXW6YTBOIMZXW6YTBOI&digits=10",
        "otpauth://totp/a?secret=MZXW6YTBOIMZXW6YTBOI&period=0",
        "otpauth://totp/a%2?secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://totp/a%FF?secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://totp/a b?secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://hotp/a?secret=MZXW6YTBOIMZXW6YTBOI",
        "otpauth://totp/a?secret=MZXW6YTBOIMZXW6YTBOI#x",
    ])
    func malformed(text: String) {
        #expect(throws: OneTimeCodeError(.invalidURI, "")) { try OTPAuthURI(parsing: text) }
    }

    @Test("A bad secret in a URI is an invalid-base32 error")
    func badSecret() {
        #expect(throws: OneTimeCodeError(.invalidBase32, "")) {
            try OTPAuthURI(parsing: "otpauth://totp/a?secret=MZXW1YTBOI")
        }
    }

    @Test("Issuers and accounts with colons or nothing in them are refused when building a URI")
    func labelRules() {
        let secret = OTPSecret.generate()
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) {
            try OTPAuthURI(totpSecret: secret, issuer: "A:B", accountName: "x")
        }
        #expect(throws: OneTimeCodeError(.invalidParameter, "")) {
            try OTPAuthURI(totpSecret: secret, issuer: "A", accountName: "")
        }
    }

    @Test("Special and non-ASCII characters survive a round trip and Python's urllib decodes them the same")
    func percentEncoding() throws {
        let secret = OTPSecret.generate(for: .sha512)
        let issuer = "Ünïcode & Sons / 100% + more?#"
        let account = "jürgen+mfa@example.org"
        let uri = try OTPAuthURI(
            totpSecret: secret, configuration: .init(algorithm: .sha512, digits: 7, period: 45), issuer: issuer,
            accountName: account)
        #expect(try OTPAuthURI(parsing: uri.uriString) == uri)
        #expect(uri.uriString.unicodeScalars.allSatisfy { $0.isASCII && $0 != " " })
        let decoded = try Tool.python(
            """
            import sys, urllib.parse
            u = urllib.parse.urlsplit(sys.argv[1])
            label = urllib.parse.unquote(u.path[1:], errors='strict')
            q = urllib.parse.parse_qs(u.query, strict_parsing=True)
            print(u.scheme, u.netloc)
            print(label)
            print(q['issuer'][0])
            print(q['secret'][0], q['algorithm'][0], q['digits'][0], q['period'][0])
            """, [uri.uriString])
        #expect(decoded == ["otpauth totp", "\(issuer):\(account)", issuer, "\(secret.base32) SHA512 7 45"])
    }
}
