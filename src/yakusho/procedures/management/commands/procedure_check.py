"""Check procedure files (JSON or YAML) before importing or sharing them."""

from django.core.management.base import BaseCommand, CommandError

from yakusho.procedures.engine import DefinitionError, FormDefinition
from yakusho.procedures.exchange import loads


class Command(BaseCommand):
    help = "Check yakusho procedure files (format yakusho-procedure/1) and their forms."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")

    def handle(self, *args, **options):
        failed = 0
        for path in options["files"]:
            try:
                with open(path, encoding="utf-8") as handle:
                    data = loads(handle.read())
                FormDefinition.parse(data.get("form"))
            except DefinitionError as exc:
                failed += 1
                for problem in exc.problems:
                    self.stdout.write(f"{path}: {problem}")
            except Exception as exc:  # a file that cannot be read at all
                failed += 1
                self.stdout.write(f"{path}: {exc}")
            else:
                self.stdout.write(f"{path}: ok")
        if failed:
            raise CommandError(f"{failed} file(s) with problems")
