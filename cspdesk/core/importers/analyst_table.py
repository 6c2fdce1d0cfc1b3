"""Checking the analyst's monthly figures and the population table, row by row, with pandas.

Cells arrive as text (CSV read as strings, Excel cells turned into the text a person sees) and
the frame's index is the row number in the file, so every rejection can point at row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import pandas as pd

from cspdesk.core.figures.months import MONTH_PATTERN
from cspdesk.core.importers.figures_results import DEFAULT_LIMITS, FileKind, ImportLimits, Rejection
from cspdesk.core.storage.field_limits import limit_of, text_problem
from cspdesk.core.storage.models.figures import CrimeFigure, Population

ANALYST_OUTPUT = ["month", "area", "category", "count", "row"]
# Where a problem in a given frame position is, as the user sees it: (file row, column heading).
Locator = Callable[[Hashable, str], tuple[int, str]]


def _columns(frame: pd.DataFrame, wanted: tuple[str, ...]) -> tuple[dict[str, str], list[str]]:
    """Map each wanted lower-case name to the file's own heading; list the headings not used."""
    by_lower: dict[str, str] = {}
    for heading in frame.columns:
        by_lower.setdefault(heading.lower(), heading)
    found = {name: by_lower[name] for name in wanted}
    return found, [h for h in frame.columns if h not in found.values()]


def _clean(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.replace(r"\s+", " ", regex=True)


# A count as a person writes it: digits, commas only between thousands, and ".0" from a spreadsheet.
WHOLE_NUMBER = r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.0+)?"  # [0-9]: \d takes any script's digits
DIGITS_AT_MOST = 15  # more digits than any bound; past it the text is refused before any arithmetic
AS_WRITTEN = (
    "is not a number as people write them: use digits, with commas only between thousands (1234 or 1,234)"
)


def _parse_whole_numbers(
    text: pd.Series, what: str, name: str, locate: Locator, rejections: list[Rejection], maximum: int
) -> tuple[pd.Series, pd.Series]:
    """Whole numbers from 0 to ``maximum`` as a person writes them; "1,234" is accepted because analysts
    format thousands that way, but "1,2,3", "1e3", "-3", "2.5" and "99999999999999999999999" are not."""
    plain = text.str.fullmatch(WHOLE_NUMBER)
    digits = text.str.replace(",", "", regex=False).str.replace(r"\.0+$", "", regex=True)
    fits = plain & (digits.str.len() <= DIGITS_AT_MOST)
    numbers = pd.Series(0, index=text.index, dtype="int64")
    if fits.any():
        numbers[fits] = digits[fits].astype("int64")
    problem = pd.Series(None, index=text.index, dtype=object)
    problem[~plain] = "is not a number"
    problem[~plain & text.str.contains(r"[0-9]") & text.str.fullmatch(r"[0-9,.eE+\s]+")] = AS_WRITTEN
    problem[~plain & text.str.fullmatch(r"[0-9,]*\.[0-9]+")] = "is not a whole number"
    problem[text.str.match(r"\s*-\s*[0-9.,]")] = f"is negative; a {what} cannot be below 0"
    problem[plain & (~fits | (numbers > maximum))] = (
        f"is more than {maximum:,}, the largest {what} CSPDesk accepts (an administrator can change this in "
        "Settings → Crime figures)"
    )
    problem[text == ""] = "empty"
    for position, message in problem.dropna().items():
        row, column = locate(position, what)
        value = text[position]
        shown = value if len(value) <= 40 else value[:40] + "…"
        words = f"the {what} is empty" if message == "empty" else f"{shown!r} {message}"
        rejections.append(Rejection(name, row, column, words))
    return numbers, problem.notna()


def _unfit_text(
    column: pd.Series, what: str, limit: int | None, name: str, locate: Locator, rejections: list[Rejection]
) -> pd.Series:
    """Rows whose text the database cannot hold (too long, or a NUL), by the one rule in field_limits."""
    problems = {v: text_problem(v, limit, f"the {what}") for v in column.unique()}
    bad = column.map(problems).notna()
    for position in column.index[bad]:
        rejections.append(Rejection(name, *locate(position, what), problems[column[position]] or ""))
    return bad


def _reshape_wide(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    keys, others = _columns(frame, ("area", "category"))
    month_columns = [h for h in others if MONTH_PATTERN.match(h)]
    wide = frame[[keys["area"], keys["category"], *month_columns]].copy()
    wide.columns = ["area", "category", *month_columns]
    wide["row"] = wide.index
    long = wide.melt(id_vars=["area", "category", "row"], var_name="month", value_name="count")
    long = long[long["count"].astype(str).str.strip() != ""]  # an empty month cell is no figure, not 0
    return long, keys, [h for h in others if h not in month_columns]


def validate_analyst(
    frame: pd.DataFrame, kind: FileKind, name: str, limits: ImportLimits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, list[Rejection], list[str]]:
    """Long rows ``month, area, category, count, row`` that passed, the rejections, unused headings."""
    if kind is FileKind.ANALYST_WIDE:
        long, keys, ignored = _reshape_wide(frame)
        headings = {"area": keys["area"], "category": keys["category"]}
    else:
        keys, ignored = _columns(frame, ("month", "area", "category", "count"))
        long = frame[[keys[c] for c in ("month", "area", "category", "count")]].copy()
        long.columns = ["month", "area", "category", "count"]
        long["row"] = long.index
        headings = keys
    long = long.reset_index(drop=True)
    wide = kind is FileKind.ANALYST_WIDE

    def locate(position: Hashable, column: str) -> tuple[int, str]:
        # In the wide layout a count lives under its month's heading.
        if wide and column == "count":
            return int(long.at[position, "row"]), str(long.at[position, "month"])
        return int(long.at[position, "row"]), headings[column]

    for column in ("month", "area", "category"):
        long[column] = _clean(long[column])
    long["count"] = long["count"].astype(str).str.strip()
    rejections: list[Rejection] = []
    bad = pd.Series(False, index=long.index)
    for position in long.index[~long["month"].str.match(MONTH_PATTERN)]:
        month = long.at[position, "month"]
        message = (
            "the month is empty"
            if month == ""
            else (f"{month!r} is not a month in the form YYYY-MM (e.g. 2022-01)")
        )
        rejections.append(Rejection(name, *locate(position, "month"), message))
        bad[position] = True
    for column in ("area", "category"):
        empty = long[column] == ""
        rejections.extend(
            Rejection(name, *locate(p, column), f"the {column} is empty") for p in long.index[empty]
        )
        bad |= empty
        bad |= _unfit_text(
            long[column], column, limit_of(getattr(CrimeFigure, column)), name, locate, rejections
        )
    numbers, bad_count = _parse_whole_numbers(
        long["count"], "count", name, locate, rejections, limits.max_count
    )
    good = long[~(bad | bad_count)].copy()
    good["count"] = numbers[good.index]
    duplicated = good.duplicated(["month", "area", "category"], keep="first")
    if duplicated.any():
        first_row = good[~duplicated].set_index(["month", "area", "category"])["row"]
        for position in good.index[duplicated]:
            month, area, category = (good.at[position, c] for c in ("month", "area", "category"))
            rejections.append(
                Rejection(
                    name,
                    *locate(position, "count"),
                    f"{area}, {category}, {month} is already given in row "
                    f"{first_row[(month, area, category)]}",
                )
            )
        good = good[~duplicated]
    rejections.sort(key=lambda r: (r.row or 0, r.column or ""))
    return good[ANALYST_OUTPUT].reset_index(drop=True), rejections, ignored


def validate_population(
    frame: pd.DataFrame, name: str, limits: ImportLimits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, list[Rejection], list[str]]:
    """Rows ``area, population, row`` that passed, the rejections, unused headings."""
    keys, ignored = _columns(frame, ("area", "population"))
    table = pd.DataFrame(
        {
            "area": _clean(frame[keys["area"]]),
            "population": frame[keys["population"]].astype(str).str.strip(),
            "row": frame.index,
        },
        index=frame.index,
    )

    def locate(position: Hashable, column: str) -> tuple[int, str]:
        return int(position), keys[column]  # type: ignore[call-overload]

    rejections: list[Rejection] = []
    empty_area = table["area"] == ""
    rejections.extend(
        Rejection(name, *locate(p, "area"), "the area is empty") for p in table.index[empty_area]
    )
    unfit_area = _unfit_text(table["area"], "area", limit_of(Population.area), name, locate, rejections)
    numbers, bad_number = _parse_whole_numbers(
        table["population"], "population", name, locate, rejections, limits.max_population
    )
    zero = (numbers == 0) & ~bad_number
    rejections.extend(
        Rejection(name, *locate(p, "population"), "a population of 0 cannot give a rate per 1,000")
        for p in table.index[zero]
    )
    good = table[~(empty_area | unfit_area | bad_number | zero)].copy()
    good["population"] = numbers[good.index]
    duplicated = good.duplicated("area", keep="first")
    rejections.extend(
        Rejection(name, *locate(p, "area"), f"{good.at[p, 'area']} is already given above")
        for p in good.index[duplicated]
    )
    rejections.sort(key=lambda r: (r.row or 0, r.column or ""))
    return good[~duplicated][["area", "population", "row"]].reset_index(drop=True), rejections, ignored
