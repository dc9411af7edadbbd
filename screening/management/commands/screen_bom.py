"""python manage.py screen_bom FILE [FILE ...] [--restricted LIST ...] [--trusted LIST ...] [--subcontractors FILE]
[--format table|json|xlsx] [--output PATH] [--fail-on review|fail]

Exit status: 0 when the screening completed, 1 with --fail-on when the verdict reaches that level, 2 when an
input cannot be read (the reason goes to stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from screening import conf
from screening.engine.bom import header_mapping
from screening.engine.policy import PolicyConfig
from screening.engine.records import BomReadError, Verdict
from screening.exports import write_findings_xlsx
from screening.services.matching import indexed_lists, list_versions_in_force, versions_key
from screening.services.offline import files_screen, list_files_load
from screening.services.screenings import read_limits

_VERDICT_LEVEL = {Verdict.PASS: 0, Verdict.REVIEW: 1, Verdict.FAIL: 2}
_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


class Command(BaseCommand):
    help = (
        "Screen BOM spreadsheets (xlsx, xlsm, xls, ods, csv) for restricted and untrusted vendors. With list files "
        "it screens offline against those files only; without, against the active lists in the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--restricted", nargs="+", type=Path, default=[], metavar="LIST")
        parser.add_argument("--trusted", nargs="+", type=Path, default=[], metavar="LIST")
        parser.add_argument(
            "--subcontractors",
            action="append",
            type=Path,
            default=[],
            metavar="FILE",
            help="A subcontractor declaration (contractor and subcontractor columns).",
        )
        parser.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
        parser.add_argument("--output", type=Path, help="Write the result here instead of standard output.")
        parser.add_argument("--fail-on", choices=("review", "fail"), help="Exit 1 when the verdict reaches this.")
        parser.add_argument("--domain", default="", help="Network domain for lines that name none (core, ran...).")
        parser.add_argument("--threshold", type=float, default=None, help="Fuzzy review threshold, 0-1.")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help='A column the header tables do not know, e.g. --column "Firma=manufacturer" (FIELD "ignore" '
            "leaves a column out). Repeat for several.",
        )

    def handle(self, *args, **options):
        fmt = options["format"]
        if fmt == "xlsx" and not options["output"]:
            raise CommandError("--format xlsx needs --output PATH.", returncode=2)
        config = PolicyConfig(
            review_threshold=options["threshold"] or conf.get("REVIEW_THRESHOLD"),
            default_domain=options["domain"],
            extra_headers=self._columns(options["column"]),
        )
        try:
            if options["restricted"] or options["trusted"]:
                list_set = list_files_load(restricted=options["restricted"], trusted=options["trusted"])
            else:
                versions = list_versions_in_force()
                if not versions:
                    raise CommandError(
                        "No list files given and no active lists in the database: pass --restricted/--trusted "
                        "files, or import lists with `manage.py import_list`.",
                        returncode=2,
                    )
                list_set, _index = indexed_lists(versions_key(v.pk for v in versions), config.review_threshold)
            with self._progress() as on_rows:
                result = files_screen(
                    boms=options["files"],
                    declarations=options["subcontractors"],
                    list_set=list_set,
                    config=config,
                    limits=read_limits(),
                    on_rows=on_rows,
                )
        except BomReadError as error:
            raise CommandError(f"{error}", returncode=2) from error

        if fmt == "json":
            self._emit(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n", options["output"])
        elif fmt == "xlsx":
            summary = [
                ("Verdict", str(result.verdict)),
                ("Rows screened", result.rows_screened),
                ("Files", ", ".join(p.name for p in options["files"])),
                *((f"{item['kind'].capitalize()} list", f"{item['name']} {item['version']}") for item in result.lists),
                *((f"{severity.capitalize()} findings", count) for severity, count in sorted(result.counts.items())),
            ]
            write_findings_xlsx(str(options["output"]), summary=summary, findings=result.as_dict()["findings"])
            self.stderr.write(f"Wrote {len(result.findings)} findings to {options['output']}.")
        else:
            self._table(result, options["output"])

        if options["fail_on"] and _VERDICT_LEVEL[result.verdict] >= _VERDICT_LEVEL[Verdict(options["fail_on"])]:
            sys.exit(1)

    def _columns(self, pairs: list[str]) -> dict[str, str]:
        columns: dict[str, str] = {}
        for pair in pairs:
            header, sep, name = pair.rpartition("=")
            if not sep or not header.strip():
                raise CommandError(f'--column {pair!r}: write it as HEADER=FIELD, e.g. "Firma=manufacturer".',
                                   returncode=2)
            columns[header.strip()] = name.strip()
        try:
            header_mapping(columns)
        except ValueError as error:
            raise CommandError(f"--column: {error}", returncode=2) from error
        return columns

    def _emit(self, text: str, output: Path | None) -> None:
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def _progress(self):
        from contextlib import contextmanager

        @contextmanager
        def progress():
            if not sys.stderr.isatty():
                yield None
                return
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True
            ) as bar:
                task = bar.add_task("Screening: 0 rows", total=None)
                yield lambda n: bar.update(task, description=f"Screening: {n:,} rows")

        return progress()

    def _table(self, result, output: Path | None) -> None:
        from rich.console import Console
        from rich.table import Table

        console = Console(file=output.open("w", encoding="utf-8") if output else self.stdout._out, width=200)
        table = Table(title=f"{len(result.findings)} findings", show_lines=False, expand=False)
        for column in ("Severity", "Where", "Field", "Value", "Listed entity", "Score", "Path"):
            table.add_column(column, overflow="fold")
        for finding in sorted(result.findings, key=lambda f: (-f.severity.rank, f.location.file, f.location.row or 0)):
            where = ":".join(str(p) for p in (finding.location.file, finding.location.sheet, finding.location.row) if p)
            entity = f"{finding.entity.name} ({finding.entity.list_name})" if finding.entity else "—"
            score = f"{finding.score:.2f}" if finding.score is not None else ""
            table.add_row(
                f"[{_SEVERITY_STYLE.get(str(finding.severity), '')}]{finding.severity}[/]",
                where,
                finding.field,
                finding.value,
                entity,
                score,
                " → ".join(finding.path),
            )
        console.print(table)
        for error in result.errors:
            location = error.location
            where = ", ".join(
                str(p)
                for p in (location.file, location.sheet, location.row and f"row {location.row}", location.column)
                if p
            )
            console.print(f"[yellow]warning[/] {where}: {error.message}")
        lists = "; ".join(f"{item['name']} ({item['kind']}, {item['version']})" for item in result.lists)
        counts = ", ".join(f"{n} {severity}" for severity, n in sorted(result.counts.items())) or "no findings"
        console.print(f"Verdict: [bold]{result.verdict.upper()}[/] — {result.rows_screened} rows screened; {counts}.")
        console.print(f"Lists: {lists}")
