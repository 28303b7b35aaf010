/// A command line that cannot run: unknown option, missing value, unreadable file. Printed to stderr, exit 64.
struct ValidationError: Error, CustomStringConvertible, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
