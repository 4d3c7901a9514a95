"""The ``goalcheck`` command: a thin shell over the package.

Exit codes: 0 ok, 2 bad input (one clear line on stderr), 1 anything else.
"""

from __future__ import annotations

import json
import logging
import sys
from functools import wraps
from pathlib import Path

import click

from toolkit.errors import InputError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _fail(message: str, code: int) -> None:
    click.echo(f"goalcheck: {message}", err=True)
    sys.exit(code)


def _guarded(command):
    """Turn errors into one line on stderr and the contract's exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            _fail(str(exc).splitlines()[0], EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            _fail("interrupted", EXIT_FAILED)
        except Exception as exc:  # noqa: BLE001 - the CLI promises one line, not a traceback
            logging.getLogger("toolkit").debug("failure", exc_info=True)
            _fail(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", EXIT_FAILED)

    return wrapper


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
def main(verbose: bool) -> None:
    """goalcheck: is this goal attainable, and when?"""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@_guarded
def check(client_dir: Path) -> None:
    """Validate CLIENT_DIR (client.yaml and the files it names) without running anything."""
    from toolkit.spec import load_client

    spec = load_client(client_dir)
    click.echo(f"{spec.client.id}: ok ({len(spec.goals)} goal(s), {len(spec.kpis)} months of history)")


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("reports"), show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--n-paths", default=2000, show_default=True)
@click.option("--confidence", default=0.8, show_default=True)
@click.option("--as-of", default=None, help="Re-run as of an earlier month (YYYY-MM).")
@_guarded
def report(client_dir: Path, out_dir: Path, seed: int, n_paths: int, confidence: float, as_of: str | None) -> None:
    """Write OUT/<client-id>.html for CLIENT_DIR."""
    from toolkit.batch import run_report

    outcome = run_report(client_dir, out_dir, seed=seed, n_paths=n_paths, confidence=confidence, as_of=as_of)
    if outcome.status != "ok":
        _fail(outcome.error or "report failed", EXIT_BAD_INPUT if outcome.bad_input else EXIT_FAILED)
    click.echo(str(outcome.html))


@main.command()
@click.argument("clients_dir", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), required=True)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Parallel workers (default: all cores).")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:port) to run on a cluster.")
@click.option("--force", is_flag=True, help="Re-render clients whose inputs and code have not changed.")
@click.option("--seed", default=0, show_default=True)
@click.option("--n-paths", default=2000, show_default=True)
@click.option("--confidence", default=0.8, show_default=True)
@click.option("--timeout", default=300, show_default=True, help="Seconds a report cell may run before its kernel is replaced.")
@_guarded
def batch(clients_dir: Path, out_dir: Path, jobs: int | None, scheduler: str | None, force: bool, seed: int,
          n_paths: int, confidence: float, timeout: int) -> None:
    """Write a report per client folder in CLIENTS_DIR, plus index.html and summary.csv."""
    from toolkit.batch import find_clients, run_batch
    from toolkit.progress_display import BatchProgress

    with BatchProgress(total=len(find_clients(clients_dir))) as progress:
        outcomes = run_batch(clients_dir, out_dir, jobs=jobs, seed=seed, n_paths=n_paths, confidence=confidence,
                             scheduler=scheduler, force=force, timeout=timeout, progress=progress)
    failed = [o for o in outcomes if o.status != "ok"]
    skipped = sum(o.skipped for o in outcomes)
    click.echo(f"{len(outcomes) - len(failed)} report(s) in {out_dir} ({skipped} unchanged), {len(failed)} failed; "
               f"see {out_dir / 'index.html'}")
    if failed:
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@click.option("--seed", default=0, show_default=True)
@click.option("--n", "n_draws", default=20000, show_default=True, help="Monte Carlo draws.")
@click.option("--json", "as_json", is_flag=True, help="Print capacity, ceiling and drivers as JSON.")
@_guarded
def capacity(client_dir: Path, seed: int, n_draws: int, as_json: bool) -> None:
    """Market capacity and the client's ceiling per month (P10/P50/P90), with drivers."""
    from toolkit.capacity import capacity_json, estimate_client
    from toolkit.report import keyword_tables
    from toolkit.spec import load_client

    spec = load_client(client_dir)
    estimate = estimate_client(spec, keywords=keyword_tables(spec), n=n_draws, seed=seed)
    if as_json:
        click.echo(json.dumps(capacity_json(estimate), indent=2, ensure_ascii=False))
    else:
        click.echo(estimate.summary().round(1).to_string())


@main.command()
@click.option("--history", "history_csv", type=click.Path(path_type=Path), required=True, help="Monthly KPI CSV.")
@click.option("--metric", required=True)
@click.option("--target", type=float, required=True)
@click.option("--deadline", required=True, help="YYYY-MM")
@click.option("--kind", type=click.Choice(["level", "cumulative"]), default="level", show_default=True)
@click.option("--ceiling-low", type=float, default=None)
@click.option("--ceiling-high", type=float, default=None)
@click.option("--confidence", default=0.8, show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--n-paths", default=2000, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
@_guarded
def assess(history_csv, metric, target, deadline, kind, ceiling_low, ceiling_high, confidence, seed, n_paths, as_json):
    """Assess one goal from a history CSV (no client folder needed)."""
    from toolkit.quick import assess_from_csv

    result = assess_from_csv(history_csv, metric=metric, target=target, deadline=deadline, kind=kind,
                             ceiling_low=ceiling_low, ceiling_high=ceiling_high, confidence=confidence,
                             seed=seed, n_paths=n_paths)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(f"P(met) {result['probability']:.0%}: {result['verdict']}; realistic maximum "
                   f"{result['realistic_max']}; reached P50 {result['reach_p50']}, P80 {result['reach_p80']}")


if __name__ == "__main__":
    main()
