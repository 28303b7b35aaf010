/// A country where SMS codes may be sent, with its E.164 calling code (ITU-T E.164 assignments).
public struct SMSCountry: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The English short name, for example `Jamaica`.
    public let name: String
    /// ISO 3166-1 alpha-2, for example `JM`.
    public let regionCode: String
    /// The E.164 country code without `+`, for example `1` or `387`.
    public let callingCode: String
    /// For a country inside the North American Numbering Plan (`+1`) other than the United States and
    /// Canada: its area codes. Empty otherwise.
    public let nanpAreaCodes: [String]

    /// A country.
    ///
    /// - Parameters:
    ///   - name: The English short name.
    ///   - regionCode: ISO 3166-1 alpha-2.
    ///   - callingCode: The country code without `+`.
    ///   - nanpAreaCodes: For a `+1` country other than the US and Canada, its area codes.
    public init(name: String, regionCode: String, callingCode: String, nanpAreaCodes: [String] = []) {
        self.name = name
        self.regionCode = regionCode
        self.callingCode = callingCode
        self.nanpAreaCodes = nanpAreaCodes
    }

    /// `Name (+code)`.
    public var description: String { "\(name) (+\(callingCode))" }

    /// Afghanistan (+93).
    public static let afghanistan = SMSCountry(name: "Afghanistan", regionCode: "AF", callingCode: "93")
    /// Australia (+61).
    public static let australia = SMSCountry(name: "Australia", regionCode: "AU", callingCode: "61")
    /// Bosnia and Herzegovina (+387).
    public static let bosniaAndHerzegovina = SMSCountry(
        name: "Bosnia and Herzegovina", regionCode: "BA", callingCode: "387")
    /// Bulgaria (+359).
    public static let bulgaria = SMSCountry(name: "Bulgaria", regionCode: "BG", callingCode: "359")
    /// Canada (+1, the Canadian area codes).
    public static let canada = SMSCountry(name: "Canada", regionCode: "CA", callingCode: "1")
    /// Colombia (+57).
    public static let colombia = SMSCountry(name: "Colombia", regionCode: "CO", callingCode: "57")
    /// Egypt (+20).
    public static let egypt = SMSCountry(name: "Egypt", regionCode: "EG", callingCode: "20")
    /// Germany (+49).
    public static let germany = SMSCountry(name: "Germany", regionCode: "DE", callingCode: "49")
    /// India (+91).
    public static let india = SMSCountry(name: "India", regionCode: "IN", callingCode: "91")
    /// Ireland (+353).
    public static let ireland = SMSCountry(name: "Ireland", regionCode: "IE", callingCode: "353")
    /// Jamaica (+1, area codes 876 and 658).
    public static let jamaica = SMSCountry(name: "Jamaica", regionCode: "JM", callingCode: "1", nanpAreaCodes: ["876", "658"])
    /// Lithuania (+370).
    public static let lithuania = SMSCountry(name: "Lithuania", regionCode: "LT", callingCode: "370")
    /// Mexico (+52).
    public static let mexico = SMSCountry(name: "Mexico", regionCode: "MX", callingCode: "52")
    /// Moldova (+373).
    public static let moldova = SMSCountry(name: "Moldova", regionCode: "MD", callingCode: "373")
    /// Morocco (+212).
    public static let morocco = SMSCountry(name: "Morocco", regionCode: "MA", callingCode: "212")
    /// Netherlands (+31).
    public static let netherlands = SMSCountry(name: "Netherlands", regionCode: "NL", callingCode: "31")
    /// North Macedonia (+389).
    public static let northMacedonia = SMSCountry(name: "North Macedonia", regionCode: "MK", callingCode: "389")
    /// Norway (+47).
    public static let norway = SMSCountry(name: "Norway", regionCode: "NO", callingCode: "47")
    /// Philippines (+63).
    public static let philippines = SMSCountry(name: "Philippines", regionCode: "PH", callingCode: "63")
    /// Poland (+48).
    public static let poland = SMSCountry(name: "Poland", regionCode: "PL", callingCode: "48")
    /// Serbia (+381).
    public static let serbia = SMSCountry(name: "Serbia", regionCode: "RS", callingCode: "381")
    /// Spain (+34).
    public static let spain = SMSCountry(name: "Spain", regionCode: "ES", callingCode: "34")
    /// Turkey (+90).
    public static let turkey = SMSCountry(name: "Turkey", regionCode: "TR", callingCode: "90")
    /// Ukraine (+380).
    public static let ukraine = SMSCountry(name: "Ukraine", regionCode: "UA", callingCode: "380")
    /// United Kingdom (+44).
    public static let unitedKingdom = SMSCountry(name: "United Kingdom", regionCode: "GB", callingCode: "44")
    /// United States (+1, every area code not assigned elsewhere).
    public static let unitedStates = SMSCountry(name: "United States", regionCode: "US", callingCode: "1")
    /// Uzbekistan (+998).
    public static let uzbekistan = SMSCountry(name: "Uzbekistan", regionCode: "UZ", callingCode: "998")
}
