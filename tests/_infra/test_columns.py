"""Row gathers over chunked Arrow columns."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=6), st.data())
def test_gathering_rows_from_chunks_equals_arrow_take_on_the_joined_array(sizes, data):
    import pyarrow as pa

    from lit_review._infra.columns import take, take_sorted

    chunks = [pa.array([f"r{k}-{i}" for i in range(n)], pa.large_string()) for k, n in enumerate(sizes)]
    values = pa.chunked_array(chunks, pa.large_string())
    n = len(values)
    if n == 0:
        return
    rows = data.draw(st.lists(st.integers(0, n - 1), max_size=20))
    joined = pa.concat_arrays(chunks)
    assert take(values, rows).to_pylist() == joined.take(pa.array(rows, pa.int64())).to_pylist()
    for ordered in (sorted(rows), sorted(set(rows))):  # repeated rows (a take), or not (a filter)
        assert take_sorted(values, np.array(ordered, dtype=np.int64)).to_pylist() == [
            joined[i].as_py() for i in ordered
        ]
