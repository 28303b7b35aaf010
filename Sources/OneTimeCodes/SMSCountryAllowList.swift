/// The countries whose numbers may receive SMS codes, matched by calling code.
///
/// Inside the North American Numbering Plan (`+1`) the area code decides: the Caribbean and Pacific
/// members and the US territories with area codes of their own (``nonContinentalNANPAreaCodes``) are
/// countries of their own, so a `+1 876` number is Jamaica and a `+1 242` number (the Bahamas) is not the
/// United States. Every other valid `+1` area code is Canada's (``canadianAreaCodes``) or else the United
/// States'.
public struct SMSCountryAllowList: Sendable, Hashable {
    /// The allowed countries.
    public let countries: [SMSCountry]

    /// An allow-list of `countries`.
    ///
    /// - Parameter countries: The allowed countries.
    public init(_ countries: [SMSCountry]) {
        self.countries = countries
    }

    /// The 27 countries of the logistics help-center article: Afghanistan, Australia, Bosnia and
    /// Herzegovina, Bulgaria, Canada, Colombia, Egypt, Germany, India, Ireland, Jamaica, Lithuania, Mexico,
    /// Moldova, Morocco, Netherlands, North Macedonia, Norway, Philippines, Poland, Serbia, Spain, Turkey,
    /// Ukraine, United Kingdom, United States and Uzbekistan.
    public static let `default` = SMSCountryAllowList([
        .afghanistan, .australia, .bosniaAndHerzegovina, .bulgaria, .canada, .colombia, .egypt, .germany, .india,
        .ireland, .jamaica, .lithuania, .mexico, .moldova, .morocco, .netherlands, .northMacedonia, .norway,
        .philippines, .poland, .serbia, .spain, .turkey, .ukraine, .unitedKingdom, .unitedStates, .uzbekistan,
    ])

    /// The country of `number`, when it is on the list.
    ///
    /// - Parameter number: A validated number.
    /// - Returns: The allowed country.
    /// - Throws: ``OneTimeCodeError/Code/unsupportedCountry`` (whose ``OneTimeCodeError/userMessage`` points
    ///   to the authenticator app) when the number's country is not on the list, and
    ///   ``OneTimeCodeError/Code/invalidPhoneNumber`` for a `+1` number that is not 10 digits with valid
    ///   area and exchange codes.
    public func country(of number: PhoneNumber) throws(OneTimeCodeError) -> SMSCountry {
        let digits = number.digits
        if digits.hasPrefix("1") {
            let national = Array(digits.dropFirst().utf8)
            // NANP: NXX-NXX-XXXX, where N is 2-9.
            guard national.count == 10, national[0] >= UInt8(ascii: "2"), national[3] >= UInt8(ascii: "2") else {
                throw OneTimeCodeError(.invalidPhoneNumber, "a +1 number is a 3-digit area code and 7 digits")
            }
            let area = String(decoding: national[0..<3], as: UTF8.self)
            let region: String
            if let match = countries.first(where: { $0.callingCode == "1" && $0.nanpAreaCodes.contains(area) }) {
                return match
            } else if let other = Self.nonContinentalNANPAreaCodes[area] {
                region = other
            } else if Self.canadianAreaCodes.contains(area) {
                region = "CA"
            } else {
                region = "US"
            }
            if let match = countries.first(where: { $0.callingCode == "1" && $0.regionCode == region }) {
                return match
            }
            throw Self.unsupported(number)
        }
        // Country codes form a prefix code (no code is a prefix of another), so the first match is the one.
        if let match = countries.first(where: { $0.callingCode != "1" && digits.hasPrefix($0.callingCode) }) {
            return match
        }
        throw Self.unsupported(number)
    }

    private static func unsupported(_ number: PhoneNumber) -> OneTimeCodeError {
        OneTimeCodeError(
            .unsupportedCountry,
            "SMS codes are not offered for \(number.masked); enroll an authenticator app instead")
    }

    /// Area codes of `+1` that belong to NANP members other than the United States and Canada, and to US
    /// territories with their own ISO 3166 codes, mapped to those codes (NANPA area code assignments).
    public static let nonContinentalNANPAreaCodes: [String: String] = [
        "242": "BS", "246": "BB", "264": "AI", "268": "AG", "284": "VG", "340": "VI", "345": "KY", "441": "BM",
        "473": "GD", "649": "TC", "658": "JM", "664": "MS", "670": "MP", "671": "GU", "684": "AS", "721": "SX",
        "758": "LC", "767": "DM", "784": "VC", "787": "PR", "809": "DO", "829": "DO", "849": "DO", "868": "TT",
        "869": "KN", "876": "JM", "939": "PR",
    ]

    /// Canada's geographic area codes (NANPA, Canadian Numbering Administrator).
    public static let canadianAreaCodes: Set<String> = [
        "204", "226", "236", "249", "250", "257", "263", "289", "306", "343", "354", "365", "367", "368", "382",
        "403", "416", "418", "428", "431", "437", "438", "450", "460", "468", "474", "506", "514", "519", "548",
        "579", "581", "584", "587", "604", "613", "639", "647", "672", "683", "705", "709", "742", "753", "778",
        "780", "782", "807", "819", "825", "867", "873", "879", "902", "905", "942",
    ]
}
