public import OneTimeCodes

extension MFAMethodRegistry {
    /// The registry's policies. Every default is the one issue 4 and the help-center articles describe.
    public struct Configuration: Sendable {
        /// The service name: the `issuer` of `otpauth://` URIs and the sender named in SMS texts.
        /// Default `KeyBridge`; no colon.
        public var issuer: String
        /// Which accounts must use MFA; every interactive account by default.
        public var enforcement: MFAEnforcementPolicy
        /// Algorithm, digits and period of new authenticator apps: SHA-1, 6 digits, 30 s by default (what
        /// every app accepts).
        public var totp: TOTPConfiguration
        /// TOTP steps accepted either side of the current one, 0 to ``OneTimeCodes/TOTP/maximumWindow``;
        /// 1 by default.
        public var totpWindow: Int
        /// SMS code expiry, attempts, resend cooldown and daily cap: 5 minutes, 5, 60 s and 10 by default.
        public var sms: SMSCodePolicy
        /// Countries SMS codes may be sent to: the 27 of ``OneTimeCodes/SMSCountryAllowList/default``.
        public var smsCountries: SMSCountryAllowList
        /// Whether a wrong SMS code makes the registry send a fresh one at once (and the old one stop
        /// working), as the provider-portal article describes. Off by default. The fresh send skips the
        /// resend cooldown but not the daily cap.
        public var sendsFreshSMSCodeAfterWrongEntry: Bool
        /// How failed second-factor attempts slow an account down: 5 free, then 30 s doubling to 15 min,
        /// hard lock at 100.
        public var throttle: ThrottlePolicy
        /// Risk-signal thresholds and the IP deny and allow lists.
        public var risk: RiskPolicy
        /// How long a trusted-device token lets a device skip the prompt: 5 days (432 000 s) by default.
        public var trustedDeviceLifetime: Int64
        /// How many recent sign-ins the risk signals compare with; 100 by default.
        public var riskHistoryLength: Int
        /// Where an account's notifications go: by default the account identifier itself (an email
        /// address in most deployments).
        public var notificationAddress: @Sendable (MFAAccount) -> String

        /// The defaults.
        public init() {
            issuer = "KeyBridge"
            enforcement = .allAccounts
            totp = .default
            totpWindow = 1
            sms = .default
            smsCountries = .default
            sendsFreshSMSCodeAfterWrongEntry = false
            throttle = .default
            risk = .default
            trustedDeviceLifetime = 5 * 86_400
            riskHistoryLength = 100
            notificationAddress = { $0.id }
        }
    }
}
