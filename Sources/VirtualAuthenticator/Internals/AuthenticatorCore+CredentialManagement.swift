import CBOR
import Foundation
import OpenSSLWrapper

/// An enumeration started by enumerateRPsBegin or enumerateCredentialsBegin, continued by the GetNext
/// subcommands (CTAP 2.1 §6.8.3, §6.8.4).
enum PendingEnumeration {
    case relyingParties([String])
    case credentials([ResidentCredential])
}

extension AuthenticatorCore {
    /// authenticatorCredentialManagement (CTAP 2.1 §6.8), on 0x0A and on the preview command 0x41.
    func credentialManagement(_ request: CTAPRequest) throws(CTAP2Status) -> [UInt8] {
        let subCommand = try request.unsigned(0x01)
        let parameters = try request.optionalSubmap(0x02)
        guard (0x01...0x07).contains(subCommand) else { throw CTAP2Status.invalidSubcommand }
        let needsAuthentication = ![0x03, 0x05].contains(subCommand)
        if !needsAuthentication {
            return try enumerationStep(subCommand)
        }
        pendingEnumeration = nil
        // §6.8.1: pinUvAuthParam = authenticate(token, subCommand || subCommandParams), with the cm permission.
        guard let param = try request.optionalBytes(0x04) else { throw CTAP2Status.pinUvAuthTokenRequired }
        guard let protocolNumber = try request.optionalUnsigned(0x03) else { throw CTAP2Status.missingParameter }
        var message: [UInt8] = [UInt8(subCommand)]
        if let parameters { message += CBOREncoder.encode(.map(parameters.map)) }
        let pinProtocol = try PINUVAuthProtocol(requested: protocolNumber)
        guard let token = pinToken, pinProtocol.verify(key: token.token, message, signature: param),
            token.permissions & PINUVAuthTokenState.credentialManagement != 0
        else { throw CTAP2Status.pinAuthInvalid }

        switch subCommand {
        case 0x01:
            // getCredsMetadata: not with a token bound to one RP.
            guard token.rpID == nil else { throw CTAP2Status.pinAuthInvalid }
            let remaining = max(0, configuration.maximumDiscoverableCredentials - state.residentCredentials.count)
            return ctapResponse(intKeyedMap([
                (0x01, CBORValue(state.residentCredentials.count)), (0x02, CBORValue(remaining)),
            ]))
        case 0x02:
            // enumerateRPsBegin.
            guard token.rpID == nil else { throw CTAP2Status.pinAuthInvalid }
            var rpIDs: [String] = []
            for credential in state.residentCredentials where !rpIDs.contains(credential.rpID) {
                rpIDs.append(credential.rpID)
            }
            guard let first = rpIDs.first else { throw CTAP2Status.noCredentials }
            pendingEnumeration = rpIDs.count > 1 ? .relyingParties(Array(rpIDs.dropFirst())) : nil
            return relyingPartyResponse(first, total: rpIDs.count)
        case 0x04:
            // enumerateCredentialsBegin.
            guard let parameters else { throw CTAP2Status.missingParameter }
            let rpIDHash = try parameters.bytes(0x01)
            let credentials = state.residentCredentials.filter { Digest.sha256(Array($0.rpID.utf8)) == rpIDHash }
            guard let first = credentials.first else { throw CTAP2Status.noCredentials }
            if let bound = token.rpID, Digest.sha256(Array(bound.utf8)) != rpIDHash { throw CTAP2Status.pinAuthInvalid }
            pendingEnumeration = credentials.count > 1 ? .credentials(Array(credentials.dropFirst())) : nil
            return try credentialResponse(first, total: credentials.count)
        case 0x06:
            // deleteCredential.
            let id = try credentialIDParameter(parameters)
            guard let index = state.residentCredentials.firstIndex(where: { Array($0.credentialID) == id }) else {
                throw CTAP2Status.noCredentials
            }
            if let bound = token.rpID, bound != state.residentCredentials[index].rpID { throw CTAP2Status.pinAuthInvalid }
            try mutateState { $0.residentCredentials.remove(at: index) }
            return [CTAP2Status.ok.rawValue]
        default:
            // updateUserInformation (0x07): the user ID must match; name and displayName are replaced.
            let id = try credentialIDParameter(parameters)
            guard let parameters else { throw CTAP2Status.missingParameter }
            let user = try parameters.submap(0x03)
            guard let userID = user.map[text: "id"]?.bytesValue else { throw CTAP2Status.missingParameter }
            let name = try user.textMember("name")
            let displayName = try user.textMember("displayName")
            guard let index = state.residentCredentials.firstIndex(where: { Array($0.credentialID) == id }) else {
                throw CTAP2Status.noCredentials
            }
            if let bound = token.rpID, bound != state.residentCredentials[index].rpID { throw CTAP2Status.pinAuthInvalid }
            guard Array(state.residentCredentials[index].userID) == userID else { throw CTAP2Status.invalidParameter }
            try mutateState { state in
                state.residentCredentials[index].userName = name
                state.residentCredentials[index].userDisplayName = displayName
            }
            return [CTAP2Status.ok.rawValue]
        }
    }

    /// enumerateRPsGetNextRP (0x03) and enumerateCredentialsGetNextCredential (0x05).
    private func enumerationStep(_ subCommand: Int) throws(CTAP2Status) -> [UInt8] {
        switch (subCommand, pendingEnumeration) {
        case (0x03, .relyingParties(var rest)?):
            let next = rest.removeFirst()
            pendingEnumeration = rest.isEmpty ? nil : .relyingParties(rest)
            return relyingPartyResponse(next, total: nil)
        case (0x05, .credentials(var rest)?):
            let next = rest.removeFirst()
            pendingEnumeration = rest.isEmpty ? nil : .credentials(rest)
            return try credentialResponse(next, total: nil)
        default:
            pendingEnumeration = nil
            throw CTAP2Status.notAllowed
        }
    }

    private func credentialIDParameter(_ parameters: CTAPRequest?) throws(CTAP2Status) -> [UInt8] {
        guard let parameters, let value = parameters.map[int: 0x02] else { throw CTAP2Status.missingParameter }
        return try CredentialDescriptor(value).id
    }

    private func relyingPartyResponse(_ rpID: String, total: Int?) -> [UInt8] {
        var rp = CBORMap([(.text("id"), .text(rpID))])
        if let name = state.residentCredentials.first(where: { $0.rpID == rpID })?.rpName { rp[.text("name")] = .text(name) }
        return ctapResponse(intKeyedMap([
            (0x03, .map(rp)), (0x04, .bytes(Digest.sha256(Array(rpID.utf8)))), (0x05, total.map { CBORValue($0) }),
        ]))
    }

    private func credentialResponse(_ credential: ResidentCredential, total: Int?) throws(CTAP2Status) -> [UInt8] {
        let id = Array(credential.credentialID)
        guard let handle = KeyHandle.open(id, rpIDHash: Digest.sha256(Array(credential.rpID.utf8)), masterKey: masterKey)
        else { throw CTAP2Status.other }
        var user = CBORMap([(.text("id"), .bytes(Array(credential.userID)))])
        if let name = credential.userName { user[.text("name")] = .text(name) }
        if let displayName = credential.userDisplayName { user[.text("displayName")] = .text(displayName) }
        return ctapResponse(intKeyedMap([
            (0x06, .map(user)), (0x07, CredentialDescriptor.encode(id: id)), (0x08, handle.key.coseKey),
            (0x09, total.map { CBORValue($0) }), (0x0A, CBORValue(handle.credProtect)),
        ]))
    }
}
