import Logging
import HTTPTypes
import Hummingbird
import MFA

extension SiteController {
    /// The development outboxes: every text message and email the registry "sent", newest first, so the
    /// whole journey can be walked without a phone. Served only when development tools are on.
    func getOutbox(_ request: Request, _ context: SiteRequestContext) async throws -> Response {
        guard configuration.developmentTools else {
            throw APIError(.notFound, "not-found", "Development tools are turned off on this server.")
        }
        let texts: [OutboxMessage]
        let mails: [MFANotification]
        do {
            texts = try smsOutbox.messages()
            mails = try mailOutbox.notifications()
        } catch {
            SiteLog.logger.error("outbox unreadable: \(error)")
            throw APIError(.internalServerError, "outbox-unreadable", "The outbox could not be read.")
        }
        return json([
            (
                "sms",
                .array(
                    texts.reversed().prefix(100).map {
                        .object([("id", .string($0.id)), ("to", .string($0.to)), ("body", .string($0.body)), ("time", .int($0.time))])
                    })
            ),
            (
                "email",
                .array(
                    mails.reversed().prefix(100).map {
                        .object([
                            ("to", .string($0.to)), ("subject", .string($0.subject)), ("body", .string($0.body)),
                            ("event", .string($0.event.rawValue)), ("time", .int($0.time)),
                        ])
                    })
            ),
        ])
    }
}
