import Foundation
import FIDODevices

/// `keybridge reset`: erases every credential and the PIN on a key.
struct ResetCommand: Command {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Factory-reset a key: every credential and the PIN are erased.",
        usage: "keybridge reset [--yes] [--device PATH | --virtual STATEFILE] [--wait]",
        discussion: """
            Keys accept a reset only within a few seconds of being plugged in (10 seconds on most keys): replug
            the key, then run this at once and touch the key. Without --yes it asks for confirmation on the
            terminal.
            """,
        options: [.flag("yes", help: "Do not ask for confirmation.")] + DeviceOptions.specs)

    let device: DeviceOptions
    let confirmed: Bool

    init(arguments: ParsedArguments) throws(ValidationError) {
        try DeviceCommandSupport.rejectPositionals(arguments)
        device = try DeviceOptions(arguments)
        confirmed = arguments.flag("yes")
        if !confirmed && isatty(0) == 0 {
            throw ValidationError("reset erases every credential on the key: confirm with --yes when stdin is not a terminal")
        }
    }

    func run() async throws -> ExitCode {
        let (device, confirmed) = (device, confirmed)
        return try await Interruptible.run {
            let key = try await device.open()
            if !confirmed {
                Output.standardError("This erases every credential and the PIN on the key. Type 'yes' to continue: ")
                guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    Output.standardError("Nothing was changed.\n")
                    return .failure
                }
            }
            do {
                try await key.reset()
            } catch let error as FIDOError {
                throw Self.explained(error)
            }
            Output.standardError("The key is reset: its credentials and PIN are gone.\n")
            return .success
        }
    }

    /// The key's refusal, with the power-up time limit explained when that is why it refused.
    static func explained(_ error: FIDOError) -> any Error {
        guard error.code == .resetNotAllowed || error.code == .notAllowed else { return error }
        return CommandFailure(
            "\(error.reason)\nKeys accept a reset only within about 10 seconds of power-up: unplug the key, "
                + "plug it back in, run `keybridge reset` at once and touch the key when asked.")
    }
}
