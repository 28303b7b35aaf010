import HTTPTypes
import Logging

/// The site's logger. Messages name accounts and codes, never passwords, one-time codes, tokens or cookies.
enum SiteLog {
    static let logger = Logger(label: "keybridge.relying-party")
}
