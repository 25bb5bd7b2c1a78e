import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from events.services.exports import breakdown_xlsx
from events.services.report import annual_paragraph, report_figures
from events.services.tally import DIMENSIONS, ReachFilter, breakdown, totals
from org.models import Place

REPORT_DIMENSIONS = ("type", "county", "platform")


class Command(BaseCommand):
    help = (
        "Print the year's 场次, 人次 and 人 by type, county and platform, and the "
        "annual-report paragraph with the query behind each figure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--county", help="A county or city by name (e.g. 博乐市)")
        parser.add_argument(
            "--format", choices=("text", "json", "xlsx"), default="text"
        )
        parser.add_argument(
            "--output", help="File for --format xlsx (default: reach-YEAR.xlsx)"
        )
        parser.add_argument(
            "--dimension",
            choices=list(DIMENSIONS),
            default="type",
            help="Breakdown written by --format xlsx",
        )

    def handle(self, *args, year, county, format, output, dimension, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self.report(year, county, format, output, dimension)

    def report(self, year, county_name, output_format, output, dimension):
        county_id = None
        if county_name:
            county = Place.objects.counties().filter(name=county_name).first()
            if county is None:
                raise CommandError(f"No county or city named {county_name!r}.")
            county_id = county.pk
        reach_filter = ReachFilter(year=year, county_id=county_id)
        total = totals(reach_filter)
        sections = {dim: breakdown(reach_filter, dim) for dim in REPORT_DIMENSIONS}
        figures = report_figures(reach_filter)
        paragraph = annual_paragraph(reach_filter, figures)
        if output_format == "json":
            payload = {
                "year": year,
                "county": county_name,
                "total": total.as_dict(),
                "breakdowns": {
                    dim: [line.as_dict() for line in lines]
                    for dim, lines in sections.items()
                },
                "paragraph": paragraph,
                "figures": {
                    key: {
                        "label": str(f.label),
                        "value": f.value,
                        "text": f.text,
                        "query": f.query,
                    }
                    for key, f in figures.items()
                },
            }
            self.stdout.write(
                json.dumps(payload, ensure_ascii=False, indent=2, default=str)
            )
            return
        if output_format == "xlsx":
            path = output or f"reach-{year}.xlsx"
            with open(path, "wb") as handle:
                handle.write(
                    breakdown_xlsx(
                        f"{year} {county_name or ''}",
                        DIMENSIONS[dimension],
                        breakdown(reach_filter, dimension),
                        total,
                    )
                )
            self.stdout.write(path)
            return
        out = self.stdout
        out.write(f"{year} {county_name or ''}".strip())
        out.write(
            f"场次 {total.events}  人次 {total.person_times}  人 {total.persons}  "
            f"({total.anonymous_share}% of 人次 anonymous)"
        )
        for dim, lines in sections.items():
            out.write("")
            out.write(f"== {DIMENSIONS[dim]}")
            out.write(f"{'':<24}{'场次':>8}{'人次':>10}{'人':>8}")
            for line in lines:
                label = str(line.label)[:22]
                out.write(
                    f"{label:<24}{line.events:>8}{line.person_times:>10}"
                    f"{line.persons:>8}"
                )
        out.write("")
        out.write(paragraph)
        out.write("")
        for key, figure in figures.items():
            out.write(f"[{key}] {figure.label}: {figure.value} → {figure.text}")
            out.write(f"    {figure.query}")
        sys.stdout.flush()
