"""Arrow columns behind corpus DataFrames: zero-copy access, and row gathers that copy only what they gather.

A corpus's abstracts (about 1 GB per million papers) stay in the chunks they were read into
(one per listing file). Arrow's ``take`` on a chunked array first joins all chunks, which for
such a column costs a full copy per call; :func:`take` gathers from each chunk instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa


def known(value) -> bool:
    """Whether a cell holds a value (not None, ``pd.NA`` or NaN)."""
    import pandas as pd

    return value is not None and value is not pd.NA and value == value  # NaN != NaN


def pandas_type(arrow_type):
    """``types_mapper`` for ``to_pandas``: strings stay in Arrow, integers become nullable ``Int64``."""
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_large_string(arrow_type) or pa.types.is_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=float("nan"))
    return None


def strings(values) -> pa.Array:
    """``values`` (a list, Series or Arrow data) as one flat Arrow array of large strings."""
    import pyarrow as pa

    values = pa.array(values, pa.large_string())
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def offsets(values: pa.Array) -> np.ndarray:
    """Where each string of a large-string array starts in its data buffer, and where the last ends."""
    import numpy as np

    return np.frombuffer(values.buffers()[1], dtype=np.int64)[values.offset : values.offset + len(values) + 1]


def text_bytes(values: pa.Array) -> memoryview:
    """The UTF-8 bytes of all ``values`` (large strings, no nulls) back to back, from the Arrow buffer (no copy)."""
    if values.null_count:
        raise ValueError("text to write cannot be null")
    bounds = offsets(values)
    return memoryview(values.buffers()[2] or b"")[bounds[0] : bounds[-1]]


def apply_where(values: pa.Array, mask, fn, inputs: pa.Array | None = None) -> pa.Array:
    """``values`` with ``fn(input)`` in the rows where ``mask`` holds (inputs default to the values).

    The way column-wise steps hand the rows Arrow cannot decide to a Python function.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = np.asarray(mask, dtype=bool)
    rows = np.flatnonzero(mask)
    if not len(rows):
        return values
    source = (values if inputs is None else inputs).take(pa.array(rows))
    fixed = pa.array([fn(v) for v in source.to_pylist()], values.type)
    return pc.replace_with_mask(values, pa.array(mask), fixed)


def arrow(series: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The Arrow data of a string column (no copy when pandas already holds it in Arrow)."""
    import pyarrow as pa

    return pa.array(series, type=pa.large_string()) if series.dtype == object else pa.array(series)


def take_sorted(values: pa.ChunkedArray, rows: np.ndarray) -> pa.ChunkedArray:
    """``values[rows]`` for ascending ``rows``, gathered chunk by chunk into a chunked array."""
    import numpy as np
    import pyarrow as pa

    bounds = np.cumsum([0] + [len(c) for c in values.chunks])
    cut = np.searchsorted(rows, bounds)
    unique = len(rows) < 2 or bool((rows[1:] > rows[:-1]).all())
    pieces = []
    for k, chunk in enumerate(values.chunks):
        if cut[k + 1] == cut[k]:
            continue
        local = rows[cut[k] : cut[k + 1]] - bounds[k]
        if unique:  # a filter: for strings ten times faster than the same take
            keep = np.zeros(len(chunk), dtype=bool)
            keep[local] = True
            pieces.append(chunk.filter(pa.array(keep)))
        else:
            pieces.append(chunk.take(pa.array(local)))
    return pa.chunked_array(pieces, values.type)


def take(values: pa.Array | pa.ChunkedArray, rows) -> pa.Array:
    """``values[rows]`` (rows in any order) as one array."""
    import numpy as np
    import pyarrow as pa

    rows = np.asarray(rows, dtype=np.int64)
    if isinstance(values, pa.ChunkedArray):
        if values.num_chunks != 1:
            order = np.argsort(rows, kind="stable")
            gathered = take_sorted(values, rows[order]).combine_chunks()
            inverse = np.empty_like(order)
            inverse[order] = np.arange(len(order))
            return gathered.take(pa.array(inverse))
        values = values.chunk(0)
    return values.take(pa.array(rows))


def sort_order(series: pd.Series) -> np.ndarray:
    """Positions that sort ``series`` (stable; missing values last)."""
    import pyarrow.compute as pc

    return pc.sort_indices(arrow(series)).to_numpy().astype("int64")  # stable; nulls at the end
