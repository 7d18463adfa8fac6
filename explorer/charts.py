"""Bar charts drawn on the server as SVG, from the cached aggregates (nkhr/stats.py), each
with its numbers as a table beside it: readable without JavaScript, and by screen readers
(the SVG has a title and a description; the table is the text alternative).

Bars are stacked by series (an authority, a kind, a treaty), one column per year; colours
come from the stylesheet by series number (`series-0` …), never from inline styles, which
the Content-Security-Policy refuses.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from nkhr.stats import per_year

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 30
SERIES_COLOURS = 8


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str


@dataclass
class Chart:
    key: str
    title: str
    description: str
    series: list[str]
    years: list[int]
    table: list[tuple[str, list[int], int]]
    bars: list[Bar]
    ticks: list[tuple[float, int]]
    year_labels: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def empty(self) -> bool:
        return not self.bars

    @property
    def totals(self) -> list[int]:
        return [sum(row[1][i] for row in self.table) for i in range(len(self.years))]

    @property
    def by_year(self) -> list[tuple[int, list[int], int]]:
        """The table's rows: a year, its count in each series, its total."""
        totals = self.totals
        return [
            (year, [row[1][i] for row in self.table], totals[i])
            for i, year in enumerate(self.years)
        ]

    @property
    def several(self) -> bool:
        return len(self.series) > 1

    @property
    def legend(self) -> list[tuple[str, int]]:
        return [(name, number % SERIES_COLOURS) for number, name in enumerate(self.series)]


# Steps between the four grid lines: the smallest whose four steps reach the tallest bar.
STEPS = (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 80)


def _step(value: int) -> int:
    scale = 1
    while True:
        for step in STEPS:
            if step * scale * 4 >= value:
                return step * scale
        scale *= 100


def stacked(key: str, title, description, table: dict[str, dict[int, int]]) -> Chart:
    """A chart of `table` ({series: {year: count}}): years from the first to the last."""
    series = sorted(table, key=lambda name: (-sum(table[name].values()), name))
    all_years = sorted({year for counts in table.values() for year in counts})
    years = list(range(all_years[0], all_years[-1] + 1)) if all_years else []
    rows = [(name, [table[name].get(year, 0) for year in years]) for name in series]
    rows = [(name, counts, sum(counts)) for name, counts in rows]
    chart = Chart(key, str(title), str(description), series, years, rows, [], [], [])
    if not years:
        return chart
    step = _step(max(chart.totals))
    top = step * 4
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(years)
    bar_width = min(max(slot * 0.7, 1), 60)
    for index, year in enumerate(years):
        x = LEFT + index * slot + (slot - bar_width) / 2
        base = 0
        for number, (name, counts, _total) in enumerate(rows):
            count = counts[index]
            if not count:
                continue
            height = plot_height * count / top
            y = TOP + plot_height - plot_height * base / top - height
            chart.bars.append(
                Bar(
                    round(x, 1),
                    round(y, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    number % SERIES_COLOURS,
                    f"{name}, {year}: {count}",
                )
            )
            base += count
        # Every year labelled when they fit, else every few.
        every = max(1, round(len(years) / 12))
        if index % every == 0:
            chart.year_labels.append((round(LEFT + index * slot + slot / 2, 1), str(year)))
    for tick in range(5):
        y = TOP + plot_height - plot_height * tick / 4
        chart.ticks.append((round(y, 1), step * tick))
    return chart


def designations_by_authority(stats: dict) -> Chart:
    rows = [r for r in stats["links"] if r["type"] == "designations" and r["field"] == "authority"]
    return stacked(
        "designations",
        _("Designations per authority per year"),
        _("Sanctions designations each year, stacked by the authority that made them."),
        per_year(rows, lambda row: row["name"]),
    )


def rounds_by_authority(stats: dict) -> Chart:
    rows = [
        r for r in stats["links"] if r["type"] == "designation-rounds" and r["field"] == "authority"
    ]
    return stacked(
        "designation-rounds",
        _("Designation rounds per authority per year"),
        _("Occasions on which an authority announced designations, each year."),
        per_year(rows, lambda row: row["name"]),
    )


# The kinds of report the UN's bodies and officers produce.
UN_REPORTS = (
    "hc_report",
    "oral_update",
    "special_procedure_report",
    "inquiry_report",
    "sg_report",
    "upr_document",
)


def un_actions(stats: dict, labels: dict) -> Chart:
    """Resolutions and decisions, mechanisms established and the UN's reports, per year and
    kind (state-party reports apart: charted by treaty)."""
    rows = []
    for row in stats["kinds"]:
        if (
            (row["type"] == "instruments" and row["kind"] in ("resolution", "decision"))
            or row["type"] == "mechanisms"
            or (row["type"] == "reports" and row["kind"] in UN_REPORTS)
        ):
            rows.append(row)
    return stacked(
        "un-actions",
        _("UN actions per year by kind"),
        _("Resolutions and decisions adopted, mechanisms established and reports, each year."),
        per_year(rows, lambda row: labels.get((row["type"], row["kind"]), row["kind"])),
    )


def state_party_reports(stats: dict) -> Chart:
    rows = [r for r in stats["links"] if r["type"] == "reports" and r["field"] == "treaty"]
    return stacked(
        "state-party-reports",
        _("State-party reports by treaty over time"),
        _("Reports of the state party under each treaty, by the year they are dated."),
        per_year(rows, lambda row: row["name"]),
    )
