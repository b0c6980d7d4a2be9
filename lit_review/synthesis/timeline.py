"""Papers per month per sub-topic, for the papers whose month is known."""

from __future__ import annotations

import pandas as pd

UNDATED = "no month"


def month_of(papers: pd.DataFrame) -> pd.Series:
    """Each paper's ``YYYY-MM`` (missing where its year or month is unknown)."""
    year = pd.to_numeric(papers.get("year"), errors="coerce") if "year" in papers else None
    month = pd.to_numeric(papers.get("month"), errors="coerce") if "month" in papers else None
    if year is None or month is None:
        return pd.Series(pd.NA, index=papers.index, dtype="object")
    ok = year.notna() & month.between(1, 12)
    text = (
        year.where(ok).astype("Int64").astype(str)
        + "-"
        + month.where(ok).astype("Int64").astype(str).str.zfill(2)
    )
    return text.where(ok, pd.NA).astype("object")


def monthly(papers: pd.DataFrame, groups: pd.Series, order: list | None = None) -> pd.DataFrame:
    """Papers per month (rows, ``YYYY-MM`` in order, every month between the first and the last) and
    sub-topic (columns: ``order``, else ``groups``' values in order of first appearance); papers without
    a month are counted in a last row :data:`UNDATED`. ``groups``: each paper's sub-topic, aligned to ``papers``."""
    months = month_of(papers)
    names = list(order) if order is not None else list(dict.fromkeys(groups.tolist()))
    dated = months.notna()
    table = pd.crosstab(months[dated], groups[dated]) if dated.any() else pd.DataFrame(columns=names)
    if dated.any():
        span = pd.period_range(min(months[dated]), max(months[dated]), freq="M").strftime("%Y-%m")
        table = table.reindex(index=list(span), fill_value=0)
    table = table.reindex(columns=names, fill_value=0)
    undated = groups[~dated].value_counts().reindex(names, fill_value=0)
    table.loc[UNDATED] = undated.to_numpy()
    table.index.name, table.columns.name = "month", "sub-topic"
    return table.fillna(0).astype("int64")
