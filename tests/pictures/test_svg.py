"""The server-drawn pictures show the tensor's real values: colours follow the values cell by cell."""

import base64
import re
import struct
import zlib

import torch

from app.pictures.png import encode_indexed
from app.pictures.svg import (
    LEVELS,
    MAX_CELLS_PER_SIDE,
    _colour_of_level,
    _palette,
    _palette_indices,
    as_grid,
    heatmap,
    histogram_bins,
    line_chart,
)


def chunks(data: bytes) -> dict[bytes, bytes]:
    """Split a PNG into its chunks by type, checking each chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found, position = {}, 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        assert struct.unpack(">I", data[position + 8 + length : position + 12 + length])[0] == zlib.crc32(kind + body)
        found[kind] = body
        position += 12 + length
    return found


def decode_png(data: bytes) -> torch.Tensor:
    """Decode the 8-bit RGB or palette, filter-0 PNGs app.pictures.png writes into a (height, width, 3) tensor."""
    parts = chunks(data)
    width, height, depth, colour_type = struct.unpack(">IIBB", parts[b"IHDR"][:10])
    assert depth == 8 and colour_type in (2, 3) and list(parts)[-1] == b"IEND"
    channels = 3 if colour_type == 2 else 1
    rows = torch.frombuffer(bytearray(zlib.decompress(parts[b"IDAT"])), dtype=torch.uint8)
    rows = rows.reshape(height, 1 + width * channels)
    assert torch.all(rows[:, 0] == 0)
    if colour_type == 2:
        return rows[:, 1:].reshape(height, width, 3)
    palette = torch.frombuffer(bytearray(parts[b"PLTE"]), dtype=torch.uint8).reshape(-1, 3)
    return palette[rows[:, 1:].long()]


def expected_colour(value: float, limit: float) -> str:
    return _colour_of_level(round(value / limit * LEVELS))


def test_small_maps_colour_every_cell_by_its_value_and_label_it():
    tensor = torch.tensor([[-2.0, 0.0, 1.0], [2.0, -1.0, 0.5]])
    svg = str(heatmap(tensor, "w").svg)
    cells = re.findall(
        r'<rect x="(\d+)" y="(\d+)" width="1" height="1" fill="(#[0-9a-f]{6})"><title>\[\d+, \d+\] = ([^<]+)</title>',
        svg,
    )
    assert len(cells) == 6
    for x, y, colour, label in cells:
        value = tensor[int(y), int(x)].item()
        assert colour == expected_colour(value, 2.0) and float(label) == value


def test_large_maps_are_block_averages_drawn_pixel_for_cell():
    torch.manual_seed(0)
    tensor = torch.randn(256, 512)
    picture = heatmap(tensor, "w")
    assert picture.block_averages
    png = base64.b64decode(re.search(r'href="data:image/png;base64,([^"]+)"', str(picture.svg)).group(1))
    pixels = decode_png(png)
    grid, pooled = as_grid(tensor)
    assert pooled and pixels.shape == (MAX_CELLS_PER_SIDE, MAX_CELLS_PER_SIDE, 3)
    limit = grid.abs().max().item()
    for r, c in [(0, 0), (5, 17), (63, 63), (31, 2)]:
        colour = "#{:02x}{:02x}{:02x}".format(*pixels[r, c].tolist())
        assert colour == expected_colour(grid[r, c].item(), limit)


def test_large_maps_colour_a_value_as_small_maps_do():
    torch.manual_seed(1)
    grid = torch.randn(64, 64, dtype=torch.float64)
    limit = grid.abs().max().item()
    indices = _palette_indices(grid, limit)
    assert indices.dtype == torch.uint8
    assert indices.flatten().tolist() == [round(value / limit * LEVELS) + LEVELS for value in grid.flatten().tolist()]
    assert torch.all(_palette_indices(torch.zeros(3, 3, dtype=torch.float64), 0.0) == LEVELS)


def test_palette_png_decodes_to_each_index_colour():
    torch.manual_seed(0)
    indices = torch.randint(0, 2 * LEVELS + 1, (7, 5), dtype=torch.uint8)
    palette = _palette()
    assert torch.equal(decode_png(encode_indexed(indices, palette.numpy().tobytes())), palette[indices.long()])


def test_zero_tensor_is_all_neutral():
    pixels = decode_png(
        base64.b64decode(re.search(r"base64,([^\"]+)", str(heatmap(torch.zeros(20, 20), "z").svg)).group(1))
    )
    assert torch.all(pixels == pixels[0, 0]) and "#{:02x}{:02x}{:02x}".format(
        *pixels[0, 0].tolist()
    ) == _colour_of_level(0)


def test_histogram_counts_every_value_and_line_chart_marks_every_point():
    values = torch.tensor([0.0, 0.1, 0.2, 0.9, 1.0])
    bins = histogram_bins(values, bins=5)
    assert sum(count for _, _, count in bins) == 5 and bins[0][2] == 2 and bins[-1][2] == 2
    assert str(line_chart([3.0, 2.0, 1.0], "loss")).count("<circle") == 3
