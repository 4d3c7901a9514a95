"""Live Google Trends through pytrends, behind the same interface as the CSV reader.

pytrends is fragile: Google answers HTTP 429 to bursts, changes endpoints
without notice, and (as pytrends' maintainer reported when stepping down in
2025) may return *altered* data to clients it suspects are bots. So this source
is optional and defensive:

- every successful answer is cached on disk, keyed by a hash of the query
  (terms, geo, timeframe, category), as a CSV plus a JSON sidecar, each written
  to a temporary name and moved into place with ``os.replace`` so a crash never
  leaves a half-written cache;
- a fresh cache (younger than ``max_age``) is used without calling Google;
- HTTP 429 and 5xx are retried with exponential backoff,
  ``delay = base_delay * 2**attempt``;
- when Google is unreachable or refuses, a cached copy is returned with a
  one-line ``attrs['caveat']`` saying so; without one, :class:`DataError`.

``attrs['caveat']`` always carries the warning that live data may have been
altered for suspected bots; the Trends CSV downloaded by a person stays the
primary input (:func:`toolkit.sources.trends.read_trends_csv`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import requests

from toolkit.errors import DataError, InputError
from toolkit.sources.trends import read_trends_csv

__all__ = ["fetch_trends", "cache_key", "cached_at", "BOT_CAVEAT"]

logger = logging.getLogger("toolkit")

BOT_CAVEAT = "live pytrends data may be altered by Google for suspected bots; prefer a CSV downloaded from trends.google.com"
_MAX_TERMS = 5  # Google Trends compares at most five terms per request


def fetch_trends(
    terms: Sequence[str],
    geo: str = "",
    timeframe: str = "today 5-y",
    *,
    cache_dir: str | os.PathLike,
    category: int = 0,
    client: object | None = None,
    max_retries: int = 4,
    base_delay: float = 2.0,
    max_age: timedelta | None = timedelta(hours=24),
    sleep: Callable[[float], None] = time.sleep,
) -> pd.DataFrame:
    """Fetch interest over time from Google Trends, with cache, backoff and offline fallback.

    Parameters
    ----------
    terms : sequence of str
        One to five search terms.
    geo : str
        Region code (``'US'``, ``'FR-75'``); ``''`` for worldwide.
    timeframe : str
        pytrends timeframe (``'today 5-y'``, ``'2024-01-01 2024-12-31'``).
    cache_dir : str or os.PathLike
        Directory of the on-disk cache (created if missing).
    category : int
        Google Trends category id (0 = all categories).
    client : object, optional
        A ``pytrends.request.TrendReq``-like object with ``build_payload`` and
        ``interest_over_time``; created on first use when None. Tests inject a
        fake that replays recorded answers.
    max_retries : int
        Retries after an HTTP 429 or 5xx before giving up.
    base_delay : float
        Seconds before the first retry; doubled each time.
    max_age : datetime.timedelta or None
        A cache younger than this is returned without calling Google; None
        always asks Google first.
    sleep : callable
        Waits between retries (injected by tests).

    Returns
    -------
    pandas.DataFrame
        Same shape as :func:`~toolkit.sources.trends.read_trends_csv`: a
        ``DatetimeIndex`` named ``date``, one float column per term. ``attrs``:
        ``source='live'``, ``region`` (geo, ``'Worldwide'`` when empty),
        ``category`` (the id), ``frequency``, ``partial``, ``timeframe``,
        ``fetched_at`` (ISO UTC), ``from_cache`` (bool) and ``caveat`` (one line).

    Raises
    ------
    InputError
        No terms, more than five, or an empty term.
    DataError
        Google is unreachable, refuses, or returns no data, and no cached copy
        of this query exists.
    """
    terms = _check_terms(terms)
    query = {"terms": terms, "geo": geo, "timeframe": timeframe, "category": int(category)}
    csv_path, meta_path = _cache_paths(Path(cache_dir), cache_key(query))

    cached_meta = _read_meta(meta_path) if csv_path.exists() else None
    if cached_meta is not None and max_age is not None and _age(cached_meta) < max_age:
        logger.debug("Trends cache hit for %s (%s)", terms, csv_path.name)
        return _from_cache(csv_path, cached_meta, query, caveat=BOT_CAVEAT)

    try:
        raw = _download(client, query, max_retries=max_retries, base_delay=base_delay, sleep=sleep)
    except _Unavailable as why:
        if cached_meta is not None:
            logger.warning("Google Trends unavailable (%s); using cache from %s", why, cached_meta["fetched_at"])
            caveat = f"Google Trends unavailable ({why}); using cached data fetched {cached_meta['fetched_at']}; {BOT_CAVEAT}"
            return _from_cache(csv_path, cached_meta, query, caveat=caveat)
        raise DataError(
            f"Google Trends unavailable for {terms} (geo={geo or 'worldwide'}, timeframe={timeframe!r}): {why}; "
            f"no cached copy in {cache_dir}; download the CSV from trends.google.com and name it in market.trends"
        ) from None

    if raw is None or raw.empty:
        raise DataError(f"Google Trends returned no data for {terms} (geo={geo or 'worldwide'}, timeframe={timeframe!r})")
    fetched_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    meta = {**query, "fetched_at": fetched_at}
    try:
        _write_cache(raw, csv_path, meta_path, meta)
    except OSError as exc:
        # The data is good even if the cache is not writable: convert via a scratch dir.
        logger.warning("could not write the Trends cache in %s (%s); continuing without it", cache_dir, exc)
        with tempfile.TemporaryDirectory() as scratch:
            csv_path, meta_path = _cache_paths(Path(scratch), csv_path.stem.removeprefix("trends-"))
            _write_cache(raw, csv_path, meta_path, meta)
            return _from_cache(csv_path, meta, query, caveat=BOT_CAVEAT, from_cache=False)
    return _from_cache(csv_path, meta, query, caveat=BOT_CAVEAT, from_cache=False)


def cached_at(terms: Sequence[str], geo: str = "", timeframe: str = "today 5-y", *, cache_dir: str | os.PathLike,
              category: int = 0) -> str | None:
    """When this query's cached answer was fetched (ISO UTC), or None when there is none; no network."""
    query = {"terms": _check_terms(terms), "geo": geo, "timeframe": timeframe, "category": int(category)}
    csv_path, meta_path = _cache_paths(Path(cache_dir), cache_key(query))
    meta = _read_meta(meta_path) if csv_path.exists() else None
    return meta["fetched_at"] if meta else None


def cache_key(query: dict) -> str:
    """Stable hash of a query (terms, geo, timeframe, category) naming its cache files."""
    blob = json.dumps(query, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


# --------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------


class _Unavailable(Exception):
    """Google could not be asked or refused; the message is the one-line reason."""


def _download(client, query: dict, *, max_retries: int, base_delay: float, sleep) -> pd.DataFrame:
    from pytrends.exceptions import ResponseError  # optional dependency, needed only here

    for attempt in range(max_retries + 1):
        try:
            if client is None:
                from pytrends.request import TrendReq

                # Inside the try: TrendReq asks Google for a cookie as it is built, so offline it fails here.
                client = TrendReq(hl="en-US", tz=0)
            client.build_payload(query["terms"], cat=query["category"], timeframe=query["timeframe"], geo=query["geo"])
            return client.interest_over_time()
        except ResponseError as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None)
            retryable = status == 429 or (status is not None and status >= 500)
            if not retryable:
                raise _Unavailable(f"blocked: HTTP {status}") from None
            if attempt == max_retries:
                raise _Unavailable(f"HTTP {status} after {max_retries + 1} attempts") from None
            delay = base_delay * 2**attempt
            logger.info("Google Trends HTTP %s; retrying in %.0f s (%d/%d)", status, delay, attempt + 1, max_retries)
            sleep(delay)
        except requests.exceptions.RequestException as exc:
            # No retry: being offline does not pass in seconds, and the cache answers at once.
            raise _Unavailable(f"offline: {type(exc).__name__}") from None
        except (ValueError, KeyError, IndexError) as exc:
            # What pytrends raises when Google changes the response format.
            raise _Unavailable(f"unexpected response ({type(exc).__name__}); pytrends may be out of date") from None
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------


def _cache_paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    return cache_dir / f"trends-{key}.csv", cache_dir / f"trends-{key}.json"


def _write_cache(raw: pd.DataFrame, csv_path: Path, meta_path: Path, meta: dict) -> None:
    """Write CSV then JSON, each atomically; the JSON marks the entry complete."""
    frame = raw.copy()
    frame.index.name = "date"
    if "isPartial" in frame.columns:
        # astype(bool) would turn the string "False" into True.
        frame["isPartial"] = frame["isPartial"].map(lambda v: str(v).strip().lower() == "true")
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(csv_path, frame.to_csv(date_format="%Y-%m-%dT%H:%M:%S" if _subdaily(frame.index) else "%Y-%m-%d"))
    _atomic_write(meta_path, json.dumps(meta, ensure_ascii=False, indent=1))


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read_meta(meta_path: Path) -> dict | None:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        datetime.fromisoformat(meta["fetched_at"])
        return meta
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged sidecar: treat as no cache


def _age(meta: dict) -> timedelta:
    return datetime.now(timezone.utc) - datetime.fromisoformat(meta["fetched_at"])


def _from_cache(csv_path: Path, meta: dict, query: dict, *, caveat: str, from_cache: bool = True) -> pd.DataFrame:
    """Read the cached CSV with the CSV reader, so live and downloaded data share one shape."""
    frame = read_trends_csv(csv_path)
    # Columns come back in pytrends' order, which follows the requested terms.
    frame.attrs.update(
        source="live",
        layout="pytrends",
        region=query["geo"] or "Worldwide",
        regions={t: query["geo"] or "Worldwide" for t in frame.columns},
        category=query["category"],
        timeframe=query["timeframe"],
        fetched_at=meta["fetched_at"],
        from_cache=from_cache,
        caveat=caveat,
        file=str(csv_path),
    )
    return frame


def _subdaily(index: pd.Index) -> bool:
    return isinstance(index, pd.DatetimeIndex) and bool(np.any(index.normalize() != index))


def _check_terms(terms: Sequence[str]) -> list[str]:
    if isinstance(terms, str):
        terms = [terms]
    terms = [str(t).strip() for t in terms]
    if not 1 <= len(terms) <= _MAX_TERMS or not all(terms):
        raise InputError.at(None, "terms", terms, f"1 to {_MAX_TERMS} non-empty search terms")
    return terms
