import Logging
import HTTPTypes
import Foundation

/// How the server is set up: where it listens, its public origin, where it keeps state.
public struct SiteConfiguration: Sendable {
    /// The address to bind; loopback by default.
    public var host: String
    /// The port; 8080 by default.
    public var port: Int
    /// The origin browsers use (`http://localhost:8080`); the WebAuthn relying party accepts only this
    /// origin, the CSRF check refuses any other, and an `https://` origin turns on `Secure` cookies.
    public var publicOrigin: String
    /// The folder for the database, its key file and the outboxes.
    public var dataDirectory: String
    /// The folder with the pages, styles and scripts.
    public var publicDirectory: String
    /// Serves the SMS and email outboxes at `/api/dev/outbox` (on by default: the gateways are outboxes).
    public var developmentTools: Bool
    /// Seconds before another text message may be sent to a number (the registry's default is 60); the
    /// end-to-end journey lowers it so that it need not wait.
    public var smsResendCooldown: Int64?

    /// The defaults for `swift run` in the example folder.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, publicOrigin: String? = nil, dataDirectory: String = "var",
        publicDirectory: String = SiteConfiguration.bundledPublicDirectory, developmentTools: Bool = true
    ) {
        self.host = host
        self.port = port
        self.publicOrigin = publicOrigin ?? "http://localhost:\(port)"
        self.dataDirectory = dataDirectory
        self.publicDirectory = publicDirectory
        self.developmentTools = developmentTools
        self.smsResendCooldown = nil
    }

    /// `Public/` in the example's source tree.
    public static let bundledPublicDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // RelyingPartySite/, Sources/, then the package root
        return url.appendingPathComponent("Public").path
    }()

    /// Whether the public origin is `https://` (then cookies carry `Secure`).
    public var usesHTTPS: Bool { publicOrigin.hasPrefix("https://") }

    /// The relying-party identifier: the public origin's host name.
    public var rpID: String {
        URL(string: publicOrigin)?.host ?? "localhost"
    }

    /// The SQLite file: the MFA store's tables and the site's `site_users`.
    public var databasePath: String { dataDirectory + "/keybridge.sqlite" }
    /// The registry's master key file (created on first start, mode 0600).
    public var keyFilePath: String { dataDirectory + "/keybridge.key" }
    /// The SMS outbox (JSON lines), shown on the development page.
    public var smsOutboxPath: String { dataDirectory + "/sms-outbox.jsonl" }
    /// The email outbox (JSON lines), shown on the development page.
    public var mailOutboxPath: String { dataDirectory + "/mail-outbox.jsonl" }

    /// Reads `--host`, `--port`, `--origin`, `--data-dir`, `--public-dir`, `--no-dev-tools` and
    /// `--sms-resend-cooldown`.
    ///
    /// - Parameter arguments: The command line without the program name.
    /// - Returns: The configuration.
    /// - Throws: ``SiteConfigurationError`` for an unknown option or a bad value.
    public static func parse(_ arguments: [String]) throws(SiteConfigurationError) -> SiteConfiguration {
        var configuration = SiteConfiguration()
        var origin: String?
        var index = 0
        func value(_ option: String) throws(SiteConfigurationError) -> String {
            index += 1
            guard index < arguments.count else { throw SiteConfigurationError("\(option) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let option = arguments[index]
            switch option {
            case "--host": configuration.host = try value(option)
            case "--port":
                let text = try value(option)
                guard let port = Int(text), (0...65_535).contains(port) else {
                    throw SiteConfigurationError("--port must be a number from 0 to 65535, not \(text)")
                }
                configuration.port = port
            case "--origin": origin = try value(option)
            case "--data-dir": configuration.dataDirectory = try value(option)
            case "--public-dir": configuration.publicDirectory = try value(option)
            case "--no-dev-tools": configuration.developmentTools = false
            case "--sms-resend-cooldown":
                let text = try value(option)
                guard let seconds = Int64(text), (0...3_600).contains(seconds) else {
                    throw SiteConfigurationError("--sms-resend-cooldown must be 0 to 3600 seconds, not \(text)")
                }
                configuration.smsResendCooldown = seconds
            case "--help", "-h": throw SiteConfigurationError(usage, isHelp: true)
            default: throw SiteConfigurationError("unknown option \(option)\n\(usage)")
            }
            index += 1
        }
        configuration.publicOrigin = origin ?? "http://localhost:\(configuration.port)"
        guard let url = URL(string: configuration.publicOrigin), url.scheme == "http" || url.scheme == "https",
            url.host != nil, url.path.isEmpty
        else { throw SiteConfigurationError("--origin must look like http://localhost:8080 or https://example.com") }
        return configuration
    }

    /// The usage text.
    public static let usage = """
        usage: RelyingPartyServer [--host 127.0.0.1] [--port 8080] [--origin http://localhost:8080]
                                  [--data-dir var] [--public-dir PATH] [--no-dev-tools]
                                  [--sms-resend-cooldown SECONDS]
        """
}

/// A bad command line.
public struct SiteConfigurationError: Error, CustomStringConvertible {
    /// What is wrong, or the usage text for `--help`.
    public let description: String
    /// True for `--help`: print to stdout and exit 0.
    public let isHelp: Bool
    init(_ description: String, isHelp: Bool = false) {
        self.description = description
        self.isHelp = isHelp
    }
}
