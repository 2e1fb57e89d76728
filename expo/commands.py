"""`flask expo ...`: shell commands for operators; `flask db ...`: the migrations."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app, g
from flask.cli import AppGroup, with_appcontext

from expo.extensions import db

expo_cli = AppGroup("expo", help="Expo administration commands.")


def init_migrations(app: Flask) -> None:
    """Flask-Migrate on ``app``, for `flask db ...` and code that migrates (the migration tests).

    Not a start-up step: Flask-Migrate imports Alembic, Mako and Pygments, some 8 MB in every web
    worker and Celery worker, which nothing but a migration uses.
    """
    from expo import MIGRATIONS_PATH

    # Alembic announces each of its plugins as it is imported: now after logging is set up at INFO.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(MIGRATIONS_PATH), render_as_batch=True)


class MigrationCommands(click.Group):
    """Flask-Migrate's `flask db` commands, set up on the app when one of them is asked for."""

    def _commands(self) -> click.Group:
        if "migrate" not in current_app.extensions:
            init_migrations(current_app._get_current_object())
        from flask_migrate.cli import db as flask_migrate_commands

        return flask_migrate_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._commands().get_command(ctx, name)


@click.group("db", cls=MigrationCommands)
@click.option("-d", "--directory", default=None, help='Migration script directory (default is "migrations")')
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by custom env.py scripts")
@with_appcontext
def migration_cli(directory: str | None, x_arg: tuple[str, ...]) -> None:
    """Perform database migrations (Flask-Migrate)."""
    # Flask-Migrate's own `db` group does this; its commands read both from g.
    g.directory = directory
    g.x_arg = x_arg


@expo_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True, default="Administrator")
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator (or make an existing account one)."""
    from expo.accounts import services

    try:
        user = services.create_admin(email=email, password=password, name=name)
    except services.WeakPassword as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")


@expo_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo edition, its pavilions and forums, and one account per role."""
    from expo.accounts.services import count_users
    from expo.demo.seed import DEMO_ACCOUNTS, load_demo_data

    if if_empty and count_users() > 0:
        click.echo("Database already has data; demo data not loaded.")
    else:
        load_demo_data()
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo("Demo accounts (e-mail / password):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role:<22} {account.email:<28} {account.password}")


@expo_cli.command("generate-exhibition")
@click.option("--booths", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--products", type=click.IntRange(min=0), default=10000, show_default=True)
@click.option("--seed", type=int, default=None, help="The same seed gives the same exhibitors and products.")
def generate_exhibition(booths: int, products: int, seed: int | None) -> None:
    """Fill the online exhibition with generated exhibitors and products (for benchmarks and trials)."""
    import time

    from flask import current_app

    from expo.demo.volume import generate_exhibition as generate

    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Generated exhibitors would be public; this command refuses to run in production.")
    started = time.perf_counter()
    volume = generate(booths=booths, products=products, seed=seed, progress=click.echo)
    db.session.commit()
    click.echo(
        f"Added {volume.booths} booths ({volume.published_booths} published), {volume.products} products "
        f"and {volume.placements} placements in {time.perf_counter() - started:.1f} s."
    )


@expo_cli.command("reindex-search")
def reindex_search() -> None:
    """Recompute what every booth and product is found by (after a new or changed catalogue: the
    category names in every language are part of it; record edits re-index themselves)."""
    import time

    from expo.exhibition.search_index import rebuild_search_text

    started = time.perf_counter()
    changed = rebuild_search_text(db.session.connection())
    db.session.commit()
    click.echo(f"Re-indexed {changed} booths and products in {time.perf_counter() - started:.1f} s.")
