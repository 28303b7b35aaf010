// MARK: - Reading

extension CTAPRecording {
    /// The most steps a file may hold.
    public static let maximumSteps = 1024
    /// The most frames a step may hold (a real key sends a KEEPALIVE every 100 ms while it waits for a touch).
    public static let maximumFramesPerStep = 16384
    /// The most credential IDs an exclude or allow list may hold.
    public static let maximumCredentialList = 256

    /// Reads a recording file: strict JSON, every member checked, nothing unknown accepted.
    ///
    /// Besides the types, it checks that frames have the report sizes (65 bytes with report ID 0 out, 64
    /// in), that each request is one the key would accept (``RegistrationRequest`` limits), and that the
    /// stored `clientDataJSON` is exactly the client data the inputs make.
    ///
    /// - Parameter jsonBytes: The file's bytes (UTF-8 JSON, at most 8 MiB).
    /// - Throws: ``FIDOError`` with ``FIDOError/Code/recordingInvalid`` (the reason names the member),
    ///   ``FIDOError/Code/recordingTooLarge`` or ``FIDOError/Code/recordingUnsupportedFormat``.
    public init(jsonBytes: [UInt8]) throws(FIDOError) {
        let root = try RecordingJSON.parse(jsonBytes)
        let object = try Reader(root, path: "")
        let format = try object.string("format")
        guard format == Self.formatIdentifier else {
            throw FIDOError(
                .recordingUnsupportedFormat,
                "format \"\(format)\" is not \"\(Self.formatIdentifier)\", the only format this version reads")
        }
        try object.onlyMembers(["format", "device", "steps"])
        device = try Self.readDevice(try object.object("device"))
        let stepValues = try object.array("steps")
        guard stepValues.count <= Self.maximumSteps else {
            throw FIDOError(.recordingTooLarge, "steps holds \(stepValues.count) steps; at most \(Self.maximumSteps)")
        }
        var steps: [Step] = []
        for (index, value) in stepValues.enumerated() {
            steps.append(try Self.readStep(try Reader(value, path: "steps[\(index)]")))
        }
        self.steps = steps
    }

    private static func readDevice(_ object: Reader) throws(FIDOError) -> Device {
        try object.onlyMembers(["kind", "description", "aaguid", "versions", "usb", "virtual", "attestationRoots"])
        let kindText = try object.string("kind")
        guard let kind = Device.Kind(rawValue: kindText) else {
            throw object.invalid("kind", "must be \"hardware\" or \"virtual\", not \"\(kindText)\"")
        }
        var aaguid: [UInt8]?
        if let text = try object.optionalString("aaguid") {
            let hex = String(text.filter { $0 != "-" })
            guard text.count == 36, let bytes = HexDigits.decodeLowercase(hex), bytes.count == 16,
                HexText.uuid(bytes) == text
            else { throw object.invalid("aaguid", "must be a lowercase 8-4-4-4-12 UUID or null") }
            aaguid = bytes
        }
        let versions = try object.stringList("versions")
        var usb: Device.USBIdentity?
        if let usbObject = try object.optionalObject("usb") {
            try usbObject.onlyMembers(["vendorId", "productId", "manufacturer", "product"])
            usb = Device.USBIdentity(
                vendorID: try usbObject.integer("vendorId", in: 0...0xFFFF, as: UInt16.self),
                productID: try usbObject.integer("productId", in: 0...0xFFFF, as: UInt16.self),
                manufacturer: try usbObject.string("manufacturer"), product: try usbObject.string("product"))
        }
        var virtualSettings: Device.VirtualSettings?
        if let virtualObject = try object.optionalObject("virtual") {
            try virtualObject.onlyMembers(["protocols", "attestation"])
            let protocols = try virtualObject.stringList("protocols")
            guard !protocols.isEmpty, protocols.allSatisfy({ $0 == "ctap2" || $0 == "u2f" }), Set(protocols).count == protocols.count
            else { throw virtualObject.invalid("protocols", "must list \"ctap2\" and/or \"u2f\"") }
            let attestation = try virtualObject.string("attestation")
            guard ["packed", "self", "none"].contains(attestation) else {
                throw virtualObject.invalid("attestation", "must be \"packed\", \"self\" or \"none\"")
            }
            virtualSettings = Device.VirtualSettings(protocols: protocols, attestation: attestation)
        }
        switch kind {
        case .hardware where usb == nil || virtualSettings != nil:
            throw object.invalid("usb", "a hardware device has \"usb\" and no \"virtual\"")
        case .virtual where virtualSettings == nil || usb != nil:
            throw object.invalid("virtual", "a virtual device has \"virtual\" and no \"usb\"")
        default: break
        }
        let roots = try object.stringList("attestationRoots")
        for (index, pem) in roots.enumerated() where !pem.hasPrefix("-----BEGIN CERTIFICATE-----") {
            throw object.invalid("attestationRoots[\(index)]", "is not a PEM certificate")
        }
        return Device(
            kind: kind, description: try object.string("description"), aaguid: aaguid, versions: versions, usb: usb,
            virtualSettings: virtualSettings, attestationRoots: roots)
    }

    private static func readStep(_ object: Reader) throws(FIDOError) -> Step {
        try object.onlyMembers(["command", "time", "inputs", "frames", "expected"])
        let command = try object.string("command")
        let time = try object.integer("time", in: 0...Int64(Int32.max) * 4, as: Int64.self)
        let inputs = try object.object("inputs")
        let operation: Operation
        let pin: PINUse
        switch command {
        case "register":
            try inputs.onlyMembers([
                "rpId", "rpName", "origin", "challenge", "userId", "userName", "userDisplayName", "algorithm",
                "residentKey", "excludeCredentials", "hmacSecret", "credProtect", "pin", "clientDataJSON",
            ])
            var request = RegistrationRequest(
                rpID: try inputs.string("rpId"), userID: try inputs.base64URL("userId"),
                userName: try inputs.string("userName"), challenge: try inputs.base64URL("challenge"))
            request.rpName = try inputs.string("rpName")
            request.origin = try inputs.string("origin")
            request.userDisplayName = try inputs.string("userDisplayName")
            let algorithm = try inputs.integer("algorithm", in: -65536...65536, as: Int32.self)
            guard let known = CredentialAlgorithm(rawValue: algorithm) else {
                throw inputs.invalid("algorithm", "must be -7 (ES256), -8 (EdDSA) or -257 (RS256)")
            }
            request.algorithm = known
            request.residentKey = try inputs.bool("residentKey")
            request.excludeCredentials = try inputs.credentialList("excludeCredentials")
            request.hmacSecret = try inputs.bool("hmacSecret")
            if let level = try inputs.optionalInteger("credProtect", in: 1...3, as: Int32.self) {
                request.credentialProtection = CredentialProtection(rawValue: level)
            }
            do {
                try request.validate()
            } catch {
                throw FIDOError(.recordingInvalid, "\(inputs.path("")) is not a valid registration: \(error.reason)")
            }
            operation = .registration(request)
            pin = try inputs.pinUse("pin")
        case "authenticate":
            try inputs.onlyMembers([
                "rpId", "origin", "challenge", "allowCredentials", "userPresence", "pin", "clientDataJSON",
            ])
            var request = AssertionRequest(rpID: try inputs.string("rpId"), challenge: try inputs.base64URL("challenge"))
            request.origin = try inputs.string("origin")
            request.allowCredentials = try inputs.credentialList("allowCredentials")
            request.userPresence = try inputs.bool("userPresence")
            do {
                try request.validate()
            } catch {
                throw FIDOError(.recordingInvalid, "\(inputs.path("")) is not a valid authentication: \(error.reason)")
            }
            operation = .authentication(request)
            pin = try inputs.pinUse("pin")
        default:
            throw object.invalid("command", "must be \"register\" or \"authenticate\", not \"\(command)\"")
        }
        let frameValues = try object.array("frames")
        guard frameValues.count <= maximumFramesPerStep else {
            throw FIDOError(
                .recordingTooLarge,
                "\(object.path("frames")) holds \(frameValues.count) frames; at most \(maximumFramesPerStep)")
        }
        var frames: [Frame] = []
        frames.reserveCapacity(frameValues.count)
        for (index, value) in frameValues.enumerated() {
            frames.append(try readFrame(try Reader(value, path: object.path("frames[\(index)]"))))
        }
        let expectedObject = try object.object("expected")
        let expected: Expected
        if let response = try expectedObject.optionalObject("response") {
            try expectedObject.onlyMembers(["response"])
            expected = .response(ResponseDocument(value: response.value))
        } else {
            try expectedObject.onlyMembers(["error"])
            let text = try expectedObject.string("error")
            guard let code = FIDOError.Code.allCodes.first(where: { $0.rawValue == text }) else {
                throw expectedObject.invalid("error", "\"\(text)\" is not a FIDOError code")
            }
            expected = .error(code)
        }
        let step = Step(operation: operation, pin: pin, time: time, frames: frames, expected: expected)
        // The stored client data is there for people and other tools; it must be what the inputs make.
        guard try inputs.base64URL("clientDataJSON") == step.clientDataJSON else {
            throw inputs.invalid("clientDataJSON", "is not the client data of this step's type, challenge and origin")
        }
        return step
    }

    private static func readFrame(_ object: Reader) throws(FIDOError) -> Frame {
        try object.onlyMembers(["dir", "hex"])
        let directionText = try object.string("dir")
        guard let direction = Frame.Direction(rawValue: directionText) else {
            throw object.invalid("dir", "must be \"out\" or \"in\", not \"\(directionText)\"")
        }
        guard let bytes = HexDigits.decodeLowercase(try object.string("hex")) else {
            throw object.invalid("hex", "is not lowercase hexadecimal")
        }
        switch direction {
        case .request where bytes.count != CTAPHID.requestSize || bytes[0] != 0:
            throw object.invalid("hex", "an \"out\" report is 65 bytes starting with report ID 00, got \(bytes.count)")
        case .reply where bytes.count != CTAPHID.replySize:
            throw object.invalid("hex", "an \"in\" report is 64 bytes, got \(bytes.count)")
        default:
            return Frame(direction: direction, bytes: bytes)
        }
    }
}

// MARK: - Writing

extension CTAPRecording {
    /// The recording as a file: JSON, two-space indentation, one frame per line, a final line feed.
    ///
    /// - Returns: UTF-8 bytes that ``init(jsonBytes:)`` reads back to an equal recording.
    public func jsonBytes() -> [UInt8] {
        jsonValue.prettyBytes()
    }

    var jsonValue: RecordingJSON {
        .object([
            ("format", .string(Self.formatIdentifier)),
            ("device", device.jsonValue),
            ("steps", .array(steps.map(\.jsonValue))),
        ])
    }
}

extension CTAPRecording.Device {
    var jsonValue: RecordingJSON {
        var members: [(name: String, value: RecordingJSON)] = [
            ("kind", .string(kind.rawValue)), ("description", .string(description)),
            ("aaguid", aaguid.map { .string(HexText.uuid($0)) } ?? .null),
            ("versions", .array(versions.map { .string($0) })),
        ]
        if let usb {
            members.append((
                "usb",
                .object([
                    ("vendorId", .integer(usb.vendorID)), ("productId", .integer(usb.productID)),
                    ("manufacturer", .string(usb.manufacturer)), ("product", .string(usb.product)),
                ])
            ))
        }
        if let virtualSettings {
            members.append((
                "virtual",
                .object([
                    ("protocols", .array(virtualSettings.protocols.map { .string($0) })),
                    ("attestation", .string(virtualSettings.attestation)),
                ])
            ))
        }
        members.append(("attestationRoots", .array(attestationRoots.map { .string($0) })))
        return .object(members)
    }
}

extension CTAPRecording.Step {
    var jsonValue: RecordingJSON {
        let inputs: RecordingJSON
        switch operation {
        case .registration(let request):
            inputs = .object([
                ("rpId", .string(request.rpID)), ("rpName", .string(request.rpName)), ("origin", .string(request.origin)),
                ("challenge", .string(Base64URLText.encode(request.challenge))),
                ("userId", .string(Base64URLText.encode(request.userID))), ("userName", .string(request.userName)),
                ("userDisplayName", .string(request.userDisplayName)),
                ("algorithm", .integer(request.algorithm.rawValue)), ("residentKey", .bool(request.residentKey)),
                ("excludeCredentials", .array(request.excludeCredentials.map { .string(Base64URLText.encode($0)) })),
                ("hmacSecret", .bool(request.hmacSecret)),
                ("credProtect", request.credentialProtection.map { .integer($0.rawValue) } ?? .null),
                ("pin", .string(pin.rawValue)), ("clientDataJSON", .string(Base64URLText.encode(clientDataJSON))),
            ])
        case .authentication(let request):
            inputs = .object([
                ("rpId", .string(request.rpID)), ("origin", .string(request.origin)),
                ("challenge", .string(Base64URLText.encode(request.challenge))),
                ("allowCredentials", .array(request.allowCredentials.map { .string(Base64URLText.encode($0)) })),
                ("userPresence", .bool(request.userPresence)), ("pin", .string(pin.rawValue)),
                ("clientDataJSON", .string(Base64URLText.encode(clientDataJSON))),
            ])
        }
        let expectedValue: RecordingJSON
        switch expected {
        case .response(let document): expectedValue = .object([("response", document.value)])
        case .error(let code): expectedValue = .object([("error", .string(code.rawValue))])
        }
        return .object([
            ("command", .string(operation.commandName)), ("time", .integer(time)), ("inputs", inputs),
            (
                "frames",
                .array(frames.map { .object([("dir", .string($0.direction.rawValue)), ("hex", .string(HexText.encode($0.bytes)))]) })
            ),
            ("expected", expectedValue),
        ])
    }
}

// MARK: - A typed view of one JSON object

/// Reads the members of one JSON object of a recording, each failure naming the member's path.
private struct Reader {
    let value: RecordingJSON
    let members: [(name: String, value: RecordingJSON)]
    let base: String

    init(_ value: RecordingJSON, path: String) throws(FIDOError) {
        guard case .object(let members) = value else {
            throw FIDOError(.recordingInvalid, "\(path.isEmpty ? "the document" : path) must be a JSON object")
        }
        self.value = value
        self.members = members
        self.base = path
    }

    func path(_ name: String) -> String {
        if name.isEmpty { return base.isEmpty ? "the document" : base }
        return base.isEmpty ? name : "\(base).\(name)"
    }

    func invalid(_ name: String, _ reason: String) -> FIDOError {
        FIDOError(.recordingInvalid, "\(path(name)) \(reason)")
    }

    func onlyMembers(_ allowed: Set<String>) throws(FIDOError) {
        for member in members where !allowed.contains(member.name) {
            throw FIDOError(.recordingInvalid, "\(path("")) has an unknown member \"\(member.name)\"")
        }
    }

    func member(_ name: String) throws(FIDOError) -> RecordingJSON {
        guard let found = members.first(where: { $0.name == name }) else {
            throw FIDOError(.recordingInvalid, "\(path("")) lacks the member \"\(name)\"")
        }
        return found.value
    }

    static func string(_ value: RecordingJSON, path: String) throws(FIDOError) -> String {
        guard case .string(let text) = value else { throw FIDOError(.recordingInvalid, "\(path) must be a string") }
        return text
    }

    func string(_ name: String) throws(FIDOError) -> String {
        try Self.string(try member(name), path: path(name))
    }

    func optionalString(_ name: String) throws(FIDOError) -> String? {
        let value = try member(name)
        if value == .null { return nil }
        return try Self.string(value, path: path(name))
    }

    func bool(_ name: String) throws(FIDOError) -> Bool {
        guard case .bool(let flag) = try member(name) else { throw invalid(name, "must be true or false") }
        return flag
    }

    func integer<T: FixedWidthInteger>(_ name: String, in range: ClosedRange<Int64>, as type: T.Type)
        throws(FIDOError) -> T
    {
        guard case .number(let text) = try member(name), let number = Int64(text), range.contains(number),
            let value = T(exactly: number)
        else { throw invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)") }
        return value
    }

    func optionalInteger<T: FixedWidthInteger>(_ name: String, in range: ClosedRange<Int64>, as type: T.Type)
        throws(FIDOError) -> T?
    {
        if try member(name) == .null { return nil }
        return try integer(name, in: range, as: type)
    }

    func array(_ name: String) throws(FIDOError) -> [RecordingJSON] {
        guard case .array(let elements) = try member(name) else { throw invalid(name, "must be an array") }
        return elements
    }

    func stringList(_ name: String) throws(FIDOError) -> [String] {
        var strings: [String] = []
        for (index, element) in try array(name).enumerated() {
            strings.append(try Self.string(element, path: path("\(name)[\(index)]")))
        }
        return strings
    }

    func object(_ name: String) throws(FIDOError) -> Reader {
        try Reader(try member(name), path: path(name))
    }

    func optionalObject(_ name: String) throws(FIDOError) -> Reader? {
        guard let found = members.first(where: { $0.name == name }), found.value != .null else { return nil }
        return try Reader(found.value, path: path(name))
    }

    func base64URL(_ name: String) throws(FIDOError) -> [UInt8] {
        guard let bytes = Base64URLDecoding.decode(try string(name)) else {
            throw invalid(name, "is not unpadded base64url")
        }
        return bytes
    }

    func credentialList(_ name: String) throws(FIDOError) -> [[UInt8]] {
        let elements = try array(name)
        guard elements.count <= CTAPRecording.maximumCredentialList else {
            throw FIDOError(.recordingTooLarge, "\(path(name)) holds more than \(CTAPRecording.maximumCredentialList) IDs")
        }
        var ids: [[UInt8]] = []
        for (index, element) in elements.enumerated() {
            let text = try Self.string(element, path: path("\(name)[\(index)]"))
            guard let id = Base64URLDecoding.decode(text), !id.isEmpty, id.count <= 1023 else {
                throw invalid("\(name)[\(index)]", "is not a credential ID in unpadded base64url (1 to 1023 bytes)")
            }
            ids.append(id)
        }
        return ids
    }

    func pinUse(_ name: String) throws(FIDOError) -> CTAPRecording.PINUse {
        let text = try string(name)
        guard let use = CTAPRecording.PINUse(rawValue: text) else {
            throw invalid(name, "must be \"none\", \"given\" or \"after-pin-required\", not \"\(text)\"")
        }
        return use
    }
}
