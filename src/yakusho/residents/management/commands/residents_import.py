"""Load the resident registry mirror from a file the city's core system exported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yakusho.residents.importing import ENCODINGS, RegistryFileError, decode_registry_file, read_csv
from yakusho.residents.services import registry_import

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Load the resident registry (住民基本台帳) from a CSV file exported by the core system: "
        "宛名番号,世帯番号,続柄,氏名,氏名カナ,生年月日,性別,郵便番号,住所. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--encoding",
            choices=ENCODINGS,
            default="auto",
            help="auto: UTF-8 (with or without BOM), else cp932 (Shift_JIS)",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file is the whole registry: records not in it stop being current",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("ファイルを読めません：%(file)s（%(reason)s）")
                % {"file": path, "reason": exc.strerror or exc}
            ) from None
        try:
            rows = read_csv(decode_registry_file(data, options["encoding"]))
            report = registry_import(
                rows, full=options["full"], dry_run=options["dry_run"], source=path.name
            )
        except RegistryFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from None

        if report.errors:
            self.stdout.write(
                _("%(file)s: %(read)d件を読み込みました。")
                % {"file": path.name, "read": report.read}
            )
            for error in report.errors[:SHOWN_ERRORS]:
                self.stdout.write(str(error))
            if len(report.errors) > SHOWN_ERRORS:
                self.stdout.write(
                    _("…ほか%(count)d件") % {"count": len(report.errors) - SHOWN_ERRORS}
                )
            raise CommandError(
                _(
                    "%(count)d件の誤りがあるため、何も書き込んでいません。直してからもう一度実行してください。"
                )
                % {"count": len(report.errors)}
            )
        self.stdout.write(
            _(
                "%(file)s: %(read)d件を読み込み、新規 %(created)d・更新 %(updated)d・"
                "変更なし %(unchanged)d・住民でなくなった %(ended)d"
            )
            % {"file": path.name, **report.counts()}
        )
        if report.dry_run:
            self.stdout.write(_("確認のみ（--dry-run）のため、何も書き込んでいません。"))
