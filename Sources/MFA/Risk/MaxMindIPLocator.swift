internal import CMaxMindDB
import Glibc

/// An ``IPLocator`` over a MaxMind DB (`.mmdb`) file, read with Debian's libmaxminddb.
///
/// Point it at GeoLite2 City, DB-IP City Lite, or any database with the GeoIP2 City layout. It reads
/// `location.latitude`, `location.longitude`, `location.accuracy_radius`, `country.iso_code` and
/// `city.names.en`, and ignores everything else. The file is memory-mapped once at ``init(path:)`` and
/// unmapped when the locator goes away; lookups share it across threads (libmaxminddb is thread-safe for
/// lookups on one open database). An IPv4-mapped IPv6 address is looked up as its IPv4 address.
///
/// To pick up a new database release, make a new locator and swap it in; an open one never rereads its
/// file.
public final class MaxMindIPLocator: IPLocator {
    private let database: MaxMindDatabase
    /// What the database's metadata section says about it.
    public let metadata: MaxMindMetadata

    /// Opens and memory-maps the database at `path`.
    ///
    /// - Parameter path: The `.mmdb` file.
    /// - Throws: ``MFAError/Code/databaseUnreadable`` when the file cannot be opened or mapped;
    ///   ``MFAError/Code/invalidDatabase`` when it is not a MaxMind DB or its metadata or search tree is
    ///   damaged.
    public init(path: String) throws(MFAError) {
        database = try MaxMindDatabase(path: path)
        metadata = database.metadata()
    }

    /// ``lookup(_:)``, with a damaged record treated as no record.
    ///
    /// - Parameter address: The client's address.
    /// - Returns: The location, or nil when there is no usable record.
    public func locate(_ address: IPAddress) -> GeoLocation? {
        (try? lookup(address)) ?? nil
    }

    /// The record for `address`, reporting a damaged database instead of hiding it.
    ///
    /// - Parameter address: The client's address.
    /// - Returns: The location; nil when the database has no record for the address (or holds IPv4 only
    ///   and the address is IPv6), or when the record has none of the members this reads.
    /// - Throws: ``MFAError/Code/lookupFailed`` when the search tree or data section is damaged.
    public func lookup(_ address: IPAddress) throws(MFAError) -> GeoLocation? {
        let address = address.unmapped
        if address.family == .ipv6 && metadata.ipVersion == 4 { return nil }
        return try database.lookup(address.description)
    }
}

/// The metadata of a MaxMind DB file.
public struct MaxMindMetadata: Sendable, Hashable {
    /// The database's type, for example `GeoLite2-City`.
    public let databaseType: String
    /// 4 for an IPv4-only database, 6 for one that holds IPv6 (and usually IPv4 too).
    public let ipVersion: Int
    /// When the database was built, in Unix seconds.
    public let buildEpoch: Int64
}

// MARK: - The MMDB_s owner

/// Owns one open `MMDB_s`: opened in init, closed exactly once in deinit.
///
/// libmaxminddb only reads the structure after `MMDB_open` returns, and its lookups are thread-safe, so
/// sharing this object across threads is safe.
private final class MaxMindDatabase: @unchecked Sendable {
    /// Allocated and owned by this object; `MMDB_close`d, deinitialized and freed in deinit.
    private let handle: UnsafeMutablePointer<MMDB_s>

    init(path: String) throws(MFAError) {
        let handle = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        handle.initialize(to: MMDB_s())
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        guard status == MMDB_SUCCESS else {
            let savedErrno = errno
            // On failure MMDB_open has already freed everything it allocated (libmaxminddb(3), "MMDB_open"),
            // so MMDB_close must not run; only the struct's own memory is ours to release.
            handle.deinitialize(count: 1)
            handle.deallocate()
            throw Self.openError(status, errno: savedErrno, path: path)
        }
        self.handle = handle
    }

    deinit {
        MMDB_close(handle)
        handle.deinitialize(count: 1)
        handle.deallocate()
    }

    func metadata() -> MaxMindMetadata {
        let raw = handle.pointee.metadata
        return MaxMindMetadata(
            databaseType: raw.database_type.map { String(cString: $0) } ?? "",
            ipVersion: Int(raw.ip_version),
            buildEpoch: Int64(clamping: raw.build_epoch))
    }

    /// Looks up the canonical text of an address and reads the members of ``GeoLocation``.
    func lookup(_ addressText: String) throws(MFAError) -> GeoLocation? {
        var gaiError: Int32 = 0
        var mmdbError: Int32 = 0
        let result = MMDB_lookup_string(handle, addressText, &gaiError, &mmdbError)
        guard gaiError == 0 else {
            // The text is this module's own canonical form, so getaddrinfo refusing it is a library fault.
            throw MFAError(.lookupFailed, "getaddrinfo refused \(addressText): \(String(cString: gai_strerror(gaiError)))")
        }
        if mmdbError == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR { return nil }
        guard mmdbError == MMDB_SUCCESS else {
            throw MFAError(.lookupFailed, "looking up \(addressText): \(Self.message(mmdbError))")
        }
        guard result.found_entry else { return nil }
        var entry = result.entry

        var location = GeoLocation()
        if let latitude = try double(&entry, ["location", "latitude"]),
            let longitude = try double(&entry, ["location", "longitude"])
        {
            // A record with an out-of-range point has no usable coordinate; the rest of it still counts.
            location.coordinate = try? GeoCoordinate(latitude: latitude, longitude: longitude)
        }
        location.accuracyRadiusKilometres = try integer(&entry, ["location", "accuracy_radius"])
        location.countryCode = try string(&entry, ["country", "iso_code"])
        location.city = try string(&entry, ["city", "names", "en"])
        guard location.coordinate != nil || location.countryCode != nil || location.city != nil else { return nil }
        return location
    }

    // MARK: Reading values

    /// The data at `path` below `entry`, or nil when the record has nothing there.
    private func value(_ entry: inout MMDB_entry_s, _ path: [String]) throws(MFAError) -> MMDB_entry_data_s? {
        // strdup'd copies owned here, freed by the defer; MMDB_aget_value only reads them during the call.
        let keys = path.map { strdup($0) }
        defer { keys.forEach { free($0) } }
        guard keys.allSatisfy({ $0 != nil }) else {
            throw MFAError(.lookupFailed, "out of memory building a lookup path")
        }
        var pointers: [UnsafePointer<CChar>?] = keys.map { $0.map { UnsafePointer($0) } } + [nil]
        var data = MMDB_entry_data_s()
        let status = pointers.withUnsafeMutableBufferPointer { MMDB_aget_value(&entry, &data, $0.baseAddress) }
        switch status {
        case MMDB_SUCCESS:
            return data.has_data ? data : nil
        case MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR, MMDB_INVALID_LOOKUP_PATH_ERROR:
            // The record is laid out differently (for example, no `city` map): it has nothing here.
            return nil
        default:
            throw MFAError(.lookupFailed, "reading \(path.joined(separator: ".")): \(Self.message(status))")
        }
    }

    private func double(_ entry: inout MMDB_entry_s, _ path: [String]) throws(MFAError) -> Double? {
        guard let data = try value(&entry, path) else { return nil }
        switch Int32(bitPattern: data.type) {
        case MMDB_DATA_TYPE_DOUBLE: return data.double_value
        case MMDB_DATA_TYPE_FLOAT: return Double(data.float_value)
        default: return nil
        }
    }

    private func integer(_ entry: inout MMDB_entry_s, _ path: [String]) throws(MFAError) -> Int? {
        guard let data = try value(&entry, path) else { return nil }
        switch Int32(bitPattern: data.type) {
        case MMDB_DATA_TYPE_UINT16: return Int(data.uint16)
        case MMDB_DATA_TYPE_UINT32: return Int(data.uint32)
        case MMDB_DATA_TYPE_INT32: return Int(data.int32)
        default: return nil
        }
    }

    private func string(_ entry: inout MMDB_entry_s, _ path: [String]) throws(MFAError) -> String? {
        guard let data = try value(&entry, path), Int32(bitPattern: data.type) == MMDB_DATA_TYPE_UTF8_STRING,
            let start = data.utf8_string
        else { return nil }
        // Not NUL-terminated: a pointer into the mapped data section, valid while the database is open,
        // with its length in data_size. Copied into a Swift String here.
        let bytes = UnsafeRawBufferPointer(start: start, count: Int(data.data_size))
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Errors

    /// The one mapping of `MMDB_open` statuses to ``MFAError``.
    private static func openError(_ status: Int32, errno: Int32, path: String) -> MFAError {
        switch status {
        case MMDB_FILE_OPEN_ERROR, MMDB_IO_ERROR, MMDB_OUT_OF_MEMORY_ERROR:
            return MFAError(
                .databaseUnreadable, "cannot open \(path): \(message(status)) (\(String(cString: strerror(errno))))")
        default:
            return MFAError(.invalidDatabase, "\(path) is not a usable MaxMind DB: \(message(status))")
        }
    }

    private static func message(_ status: Int32) -> String {
        MMDB_strerror(status).map { String(cString: $0) } ?? "libmaxminddb error \(status)"
    }
}
