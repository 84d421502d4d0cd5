"""Encode small images as PNG bytes (zlib and crc32 from the standard library; no image package)."""

import struct
import zlib

import torch

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, colour_type: int, rows: torch.Tensor, *extra: bytes) -> bytes:
    # Each scanline starts with its filter type; 0 (none) keeps encoding trivial.
    scanlines = torch.cat([torch.zeros(height, 1, dtype=torch.uint8), rows], dim=1)
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    # Level 1: these images are a few kilobytes either way, and level 6 cost ten times the time.
    idat = zlib.compress(scanlines.numpy().tobytes(), 1)
    return SIGNATURE + _chunk(b"IHDR", header) + b"".join(extra) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def encode_indexed(indices: torch.Tensor, palette: bytes) -> bytes:
    """Encode a (height, width) uint8 tensor of palette indices as an 8-bit palette PNG.

    `palette` is the colours' RGB bytes in index order (at most 256 colours). One byte per pixel
    instead of three: a third of the data to compress and about a third of the PNG.
    """
    height, width = indices.shape
    return _png(width, height, 3, indices.contiguous(), _chunk(b"PLTE", palette))
