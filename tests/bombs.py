"""Hostile ZIP files for the tests, built by hand in well under a second: a real zip bomb (a part
that inflates to 1 GB of zeros from about 1 MB), and parts whose declared sizes lie.

Python's zipfile would take seconds to compress a gigabyte; a deflate block of 1 MB of zeros,
flushed so that it stands alone, is the same 1 KB every time, so the gigabyte is that block
repeated."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

MB = 1024 * 1024


@functools.cache
def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """Raw deflate data of ``megabytes`` MB of zeros, and their CRC-32."""
    block = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    return piece * megabytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush(), crc


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def build_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of (name, raw deflate data, CRC-32, declared unpacked size) members, written as is:
    what the directory declares is whatever the caller says."""
    out = io.BytesIO()
    directory = []
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
        directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                                     len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(b"".join(directory))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), out.tell() - start, start, 0))
    return out.getvalue()


def members_of(zip_bytes: bytes) -> list[tuple[str, bytes, int, int]]:
    """The members of a real ZIP (an XLSX, a DOCX), ready to be rebuilt by ``build_zip``."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        return [(info.filename, _deflate(content := archive.read(info)), zlib.crc32(content), len(content))
                for info in archive.infolist()]


def replace_member(zip_bytes: bytes, name: str, *, data: bytes, crc: int, size: int) -> bytes:
    """``zip_bytes`` with member ``name`` (added if missing) made of raw deflate ``data`` declaring
    ``size`` unpacked bytes and checksum ``crc``."""
    members = [member for member in members_of(zip_bytes) if member[0] != name]
    return build_zip([*members, (name, data, crc, size)])


def with_bomb(zip_bytes: bytes, name: str, *, megabytes: int = 1024) -> bytes:
    """``zip_bytes`` with member ``name`` a real bomb: ``megabytes`` MB of zeros, correctly declared."""
    data, crc = deflated_zeros(megabytes)
    return replace_member(zip_bytes, name, data=data, crc=crc, size=megabytes * MB)


def with_lying_member(zip_bytes: bytes, name: str, *, megabytes: int = 64, declared: int = 1000) -> bytes:
    """``zip_bytes`` with member ``name`` inflating to ``megabytes`` MB while declaring ``declared``
    bytes (and the checksum of those), which passes every check made on the directory."""
    data, _crc = deflated_zeros(megabytes)
    return replace_member(zip_bytes, name, data=data, crc=zlib.crc32(bytes(declared)), size=declared)
