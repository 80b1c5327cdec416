"""Entry point of the ``vedomost`` command.

Sub-commands live in their own modules under ``service/cli/`` and are listed in ``COMMAND_MODULES``;
each module exposes ``commands``: a list of click commands. Django is set up before any of them
runs, and a bad configuration stops start-up with the variable named (exit code 3).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from service.config import ConfigError

# One line per module; each exports ``commands: list[click.Command]``.
COMMAND_MODULES: list[str] = [
    "service.cli.journal",
    "service.cli.documents",
    "service.cli.web",
    "service.cli.sample",
    "service.cli.signing",
    "service.cli.archive",
    "service.cli.orders",
    "service.cli.statements",
]

EXIT_INVALID_INPUT = 2
EXIT_BAD_CONFIG = 3


def setup_django() -> None:
    """Configure Django (settings from the environment) and create or update the catalog schema."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Vedomost: school journal records — import, documents, signatures, archive."""


def _register() -> None:
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        for command in module.commands:
            cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; used by the ``vedomost`` console script."""
    try:
        setup_django()
    except ConfigError as exc:
        click.echo(f"Ошибка конфигурации: переменная {exc.variable}: {exc.problem}", err=True)
        sys.exit(EXIT_BAD_CONFIG)
    _register()
    cli.main(args=argv, prog_name="vedomost")


if __name__ == "__main__":
    main()
