internal import CLibdeflate

/// CRC-32 (zlib's polynomial, reflected 0xEDB88320) of a buffer, e.g. for Parquet page checksums.
///
/// `seed` is the CRC of the bytes before this buffer, so a checksum can be computed piecewise:
/// `crc32(b, seed: crc32(a))` equals the CRC of `a` followed by `b`. libdeflate's implementation (PCLMULQDQ where
/// available) is several times faster than zlib's and gives the same values.
public func crc32(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return seed }
    return libdeflate_crc32(seed, base, bytes.count)
}
