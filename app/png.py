"""Encode an RGB image as PNG bytes (zlib and crc32 from the standard library; no image package)."""

import struct
import zlib

import torch

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_rgb(pixels: torch.Tensor) -> bytes:
    """Encode a (height, width, 3) uint8 tensor as an 8-bit RGB PNG."""
    height, width, _ = pixels.shape
    # Each scanline starts with its filter type; 0 (none) keeps encoding trivial.
    rows = torch.cat([torch.zeros(height, 1, dtype=torch.uint8), pixels.reshape(height, width * 3)], dim=1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    # Level 1: these images are a few kilobytes either way, and level 6 cost ten times the time.
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.numpy().tobytes(), 1)) + _chunk(b"IEND", b"")
