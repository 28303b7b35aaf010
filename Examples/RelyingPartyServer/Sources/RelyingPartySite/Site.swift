import HTTPTypes
import Foundation
public import Hummingbird
import Logging
import MFA
import OneTimeCodes
import WebAuthn

/// The assembled web site: registry, user directory, sessions and the router.
public struct Site: Sendable {
    /// Where the site listens and keeps its state.
    public let configuration: SiteConfiguration
    let controller: SiteController

    /// Opens (or creates) the state in `configuration.dataDirectory`: the SQLite database shared by the MFA
    /// store and the site's user table, the registry's key file, and the SMS and email outboxes.
    ///
    /// - Parameter configuration: Where to listen and keep state.
    /// - Throws: ``SiteStartupError`` when the state cannot be opened.
    public init(configuration: SiteConfiguration) throws {
        self.configuration = configuration
        let manager = FileManager.default
        do {
            try manager.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw SiteStartupError("cannot create \(configuration.dataDirectory): \(error)")
        }
        if !manager.fileExists(atPath: configuration.keyFilePath) {
            do {
                _ = try MFAServerKeys.createKeyFile(atPath: configuration.keyFilePath)
            } catch {
                throw SiteStartupError("cannot create the key file \(configuration.keyFilePath): \(error)")
            }
        }
        var relyingPartyConfiguration = RelyingParty.Configuration(
            rpID: configuration.rpID, rpName: "KeyBridge", allowedOrigins: [configuration.publicOrigin])
        relyingPartyConfiguration.counterPolicy = .strict
        var registryConfiguration = MFAMethodRegistry.Configuration()
        registryConfiguration.enforcement = .allAccounts
        if let cooldown = configuration.smsResendCooldown { registryConfiguration.sms.resendCooldown = cooldown }
        let registry: MFAMethodRegistry
        do {
            registry = try MFAMethodRegistry(
                databasePath: configuration.databasePath, keyFile: configuration.keyFilePath,
                smsOutboxPath: configuration.smsOutboxPath, notificationOutboxPath: configuration.mailOutboxPath,
                relyingParty: RelyingParty(configuration: relyingPartyConfiguration), configuration: registryConfiguration)
        } catch {
            throw SiteStartupError("cannot open the MFA registry: \(error)")
        }
        let users: UserDirectory
        do {
            users = try UserDirectory(path: configuration.databasePath)
        } catch {
            throw SiteStartupError("cannot open the user table: \(error.code)")
        }
        controller = SiteController(
            registry: registry, users: users, sessions: SessionStore(), passwords: PasswordHasher(),
            configuration: configuration, smsOutbox: OutboxSMSGateway(path: configuration.smsOutboxPath),
            mailOutbox: OutboxNotifier(path: configuration.mailOutboxPath))
    }

    /// The router: security headers, sessions and CSRF, the static pages, then the API.
    public func makeRouter() -> Router<SiteRequestContext> {
        let router = Router(context: SiteRequestContext.self)
        router.add(middleware: SiteErrorMiddleware())
        router.add(
            middleware: SessionMiddleware(
                sessions: controller.sessions, allowedOrigins: [configuration.publicOrigin],
                clock: { Int64(Date().timeIntervalSince1970) }))
        router.add(
            middleware: FileMiddleware(
                configuration.publicDirectory, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true))
        controller.addRoutes(to: router)
        return router
    }

    /// The API routes as `METHOD /path/{param}`, for the OpenAPI check.
    public static var apiRoutes: [String] {
        SiteController.routes.map { "\($0.method.rawValue) \($0.path)" }
    }

    /// The Hummingbird application, bound to the configured address.
    public func makeApplication() -> some ApplicationProtocol {
        var logger = Logger(label: "keybridge.relying-party")
        logger.logLevel = .info
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            logger: logger)
    }
}

/// The server could not start.
public struct SiteStartupError: Error, CustomStringConvertible {
    /// What failed, with the path involved.
    public let description: String
    init(_ description: String) { self.description = description }
}
