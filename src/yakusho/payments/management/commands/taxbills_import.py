"""yakusho manage taxbills_import FILE — tax bills and their payment status from the core
tax system (CSV, UTF-8 or CP932). All or nothing; bad lines are listed by number."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from yakusho.payments.services import tax_bills_import


class Command(BaseCommand):
    help = "Import tax bills (with eL番号 and eL-QR data) from the core tax system."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        try:
            content = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        try:
            count = tax_bills_import(content=content)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(f"imported {count} tax bills")
