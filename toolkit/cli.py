"""The ``goalcheck`` command: a thin shell over the package.

Exit codes: 0 ok, 2 bad input (one clear line on stderr), 1 anything else.
"""

from __future__ import annotations

import json
import logging
import os
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


class _OneLineGroup(click.Group):
    """click's usage errors (an unknown choice, a missing option) as one line and exit 2, like every other
    bad input, instead of click's three-line usage block."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `goalcheck` alone: the help, as click prints it
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
            sys.exit(EXIT_BAD_INPUT)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "goalcheck"
            _fail(f"{exc.format_message()} (see {command} --help)", EXIT_BAD_INPUT)
        except click.exceptions.Abort:
            _fail("interrupted", EXIT_FAILED)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)


def _run_options(seed: int, n_paths: int, confidence: float) -> None:
    """The report's own checks of its run options, made before any kernel starts (exit 2, one line)."""
    if seed < 0:
        raise InputError.at("--seed", None, seed, "a non-negative integer")
    if n_paths < 1:
        raise InputError.at("--n-paths", None, n_paths, "a positive number of paths")
    if not 0 < confidence < 1:
        raise InputError.at("--confidence", None, confidence, "a probability strictly between 0 and 1")


@click.group(cls=_OneLineGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
def main(verbose: bool) -> None:
    """goalcheck: is this goal attainable, and when?"""
    # The process starts here, so its choices are made here, not on import of the library:
    # charts are drawn off screen (a server has no display). Through the environment, so
    # matplotlib is not imported for commands that draw nothing; a user's MPLBACKEND wins.
    os.environ.setdefault("MPLBACKEND", "Agg")
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@_guarded
def check(client_dir: Path) -> None:
    """Validate CLIENT_DIR (client.yaml and the files it names) without running anything."""
    from toolkit.demand.view import check_demand, trends_cache_dir
    from toolkit.sources.trends_live import cached_at
    from toolkit.spec.client import load_client

    spec = load_client(client_dir)
    check_demand(spec)  # what the report meets turning a Trends export into months
    note = ""
    live = spec.market.trends_live if spec.market is not None else None
    if live is not None:
        fetched = cached_at(live.terms, live.geo, live.timeframe, category=live.category, cache_dir=trends_cache_dir())
        note = (f"; live Trends cached {fetched}" if fetched else
                "; live Trends not cached yet: the report needs Google Trends reachable, or it fails with exit 2")
    click.echo(f"{spec.client.id}: ok ({len(spec.goals)} goal(s), {len(spec.kpis)} months of history{note})")


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
    from toolkit.batch.run import run_report

    _run_options(seed, n_paths, confidence)
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
    from toolkit.batch.progress_bar import BatchProgress
    from toolkit.batch.run import find_clients, run_batch

    _run_options(seed, n_paths, confidence)
    if timeout < 1:
        raise InputError.at("--timeout", None, timeout, "a positive number of seconds")
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
    from toolkit.capacity.market import capacity_json, estimate_client, keyword_tables
    from toolkit.spec.client import load_client

    spec = load_client(client_dir)
    estimate = estimate_client(spec, keywords=keyword_tables(spec), n=n_draws, seed=seed)
    if as_json:
        click.echo(json.dumps(capacity_json(estimate), indent=2, ensure_ascii=False))
    else:
        click.echo(estimate.summary().round(1).to_string())


@main.command()
@click.option("--history", "history_csv", type=click.Path(path_type=Path), default=None,
              help="Monthly KPI CSV (optional with --launch: the months since the launch).")
@click.option("--launch", default=None, help="YYYY-MM: a launch, forecast by diffusion toward the ceiling.")
@click.option("--purchases-per-year", type=float, default=12.0, show_default=True,
              help="With --launch: purchases per customer a year.")
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
def assess(history_csv, launch, purchases_per_year, metric, target, deadline, kind, ceiling_low, ceiling_high,
           confidence, seed, n_paths, as_json):
    """Assess one goal from a history CSV, or a launch from its ceiling (no client folder needed)."""
    from toolkit.engine.quick import assess_from_csv, assess_launch

    _run_options(seed, n_paths, confidence)
    if launch is not None:
        if ceiling_low is None or ceiling_high is None:
            raise InputError("--launch: no ceiling; expected --ceiling-low and --ceiling-high (the market's 90% range)")
        result = assess_launch(launch=launch, metric=metric, target=target, deadline=deadline, kind=kind,
                               ceiling_low=ceiling_low, ceiling_high=ceiling_high, history_csv=history_csv,
                               purchases_per_year=purchases_per_year, confidence=confidence, seed=seed,
                               n_paths=n_paths)
    elif history_csv is None:
        raise InputError("--history: missing; expected a monthly KPI CSV (or --launch YYYY-MM for a launch)")
    else:
        result = assess_from_csv(history_csv, metric=metric, target=target, deadline=deadline, kind=kind,
                                 ceiling_low=ceiling_low, ceiling_high=ceiling_high, confidence=confidence,
                                 seed=seed, n_paths=n_paths)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(f"P(met) {result['probability']:.0%}: {result['verdict']}; realistic maximum "
                   f"{result['realistic_max']}; reached P50 {result['reach_p50']}, P80 {result['reach_p80']}")


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@click.option("--goal", "goal_id", required=True, help="Id of the approved goal in client.yaml.")
@click.option("--as-of", default=None, help="Plan as of this month (YYYY-MM); default client.as_of.")
@click.option("--seed", default=0, show_default=True)
@click.option("--n-paths", default=2000, show_default=True)
@click.option("--confidence", default=0.8, show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing plan for this goal.")
@click.option("--toward-max", is_flag=True,
              help="Save a plan toward the realistic maximum when the goal is neither attainable nor a stretch "
                   "(otherwise refused: a plan toward less than the target is never saved silently).")
@click.option("--json", "as_json", is_flag=True, help="Print the saved plan as JSON.")
@_guarded
def plan(client_dir: Path, goal_id: str, as_of: str | None, seed: int, n_paths: int, confidence: float,
         force: bool, toward_max: bool, as_json: bool) -> None:
    """Save the approved plan of goal ID to CLIENT_DIR/plans/<goal-id>.json."""
    from toolkit.cycle.plan import make_plan, plan_path, save_plan
    from toolkit.spec.client import load_client

    if not 0 < confidence < 1:
        raise InputError.at("--confidence", None, confidence, "a probability strictly between 0 and 1")
    if n_paths < 1:
        raise InputError.at("--n-paths", None, n_paths, "a positive number of paths")
    spec = load_client(client_dir, as_of=as_of)
    spec.goal(goal_id)
    target = plan_path(client_dir, goal_id)
    if target.exists() and not force:
        raise InputError(f"{target}: a plan for goal {goal_id!r} already exists; expected --force to replace it")
    saved = make_plan(spec, goal_id, seed=seed, n_paths=n_paths, confidence=confidence, toward_max=toward_max)
    path = save_plan(saved, client_dir, force=force)
    if as_json:
        click.echo(json.dumps(saved.to_dict(), indent=2, ensure_ascii=False))
    else:
        a = saved.assessment
        toward = (f"toward the realistic maximum {saved.plan_target:,.4g}, not the target {saved.goal['target']:,.6g}"
                  if saved.toward == "realistic_max" else f"toward the target {saved.goal['target']:,.6g}")
        click.echo(f"{path}: plan as of {saved.as_of} {toward}, P(met) {a['probability']:.1%} ({a['verdict']}), "
                   f"{len(saved.milestones)} milestone(s) to {saved.goal['deadline']}")


@main.command()
@click.argument("client_dir", type=click.Path(path_type=Path))
@click.option("--as-of", default=None, help="Last month of actuals to use (YYYY-MM); default the last in history.")
@click.option("--seed", type=int, default=None, help="Default: each plan's seed.")
@click.option("--n-paths", type=int, default=None, help="Default: each plan's number of paths.")
@click.option("--json", "as_json", is_flag=True, help="Print the reviews as JSON.")
@_guarded
def review(client_dir: Path, as_of: str | None, seed: int | None, n_paths: int | None, as_json: bool) -> None:
    """Progress of each planned goal of CLIENT_DIR against its saved plan, and next goals when due."""
    from toolkit.cycle.plan import PLAN_DIR, load_plans
    from toolkit.cycle.review import load_for_review, review_client

    if n_paths is not None and n_paths < 1:
        raise InputError.at("--n-paths", None, n_paths, "a positive number of paths")
    plans = load_plans(client_dir)
    if not plans:
        raise InputError(f"{Path(client_dir) / PLAN_DIR}: no saved plan; expected one written by "
                         f"'goalcheck plan {client_dir} --goal ID' first")
    spec = load_for_review(client_dir, plans)
    reviews = review_client(spec, plans=plans, as_of=as_of, seed=seed, n_paths=n_paths)
    if as_json:
        doc = {"client_id": spec.client.id, "as_of": reviews[0].as_of if reviews else as_of,
               "goals": [r.to_dict() for r in reviews]}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    for r in reviews:
        now = "n/a" if r.probability_now is None else f"{r.probability_now:.0%}"
        click.echo(f"{r.goal_id}: {r.status} as of {r.as_of} (plan of {r.plan_as_of}); P(met) "
                   f"{r.probability_at_approval:.0%} at approval, {now} now; reach P50 {r.reach_p50_now or 'n/a'}")
        for m in r.milestones.itertuples(index=False):
            click.echo(f"  {m.month.strftime('%Y-%m')} target {m.target:,.6g}: {m.status}"
                       + ("" if m.actual != m.actual else f" (actual {m.actual:,.6g})"))
        if r.main_lever:
            click.echo(f"  shortfall mostly from: {r.main_lever}")
        if r.main_stage:
            click.echo(f"  funnel stage furthest short: {r.main_stage}")
        for p in r.proposals:
            click.echo(f"  next ({p.proposal}): {p.statement}, P(met) {p.probability:.0%}, {p.verdict}"
                       + (f", {p.expediency}" if p.expediency else ""))


if __name__ == "__main__":
    main()
