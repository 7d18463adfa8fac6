"""Deterministic synthetic records at scale, for benchmarks (`manage.py seed_synthetic`).

`seed(scale, seed)` writes, beside whatever else the database holds:

* `scale` actors: ~70% people, the rest organisations (companies, bureaus, ten designating
  authorities, and positions such as "Director of …"). Each has 2-3 aliases: its name in
  Hangul and in Revised Romanization, plus McCune-Reischauer where that spelling differs,
  so that searching one romanization must find the name written in another;
* ~50 sanctions regimes, a few hundred designation rounds and `scale` designations, each
  with its measures;
* `scale / 10` bills with a sponsor and 5 actions, `scale / 5` reports, `scale / 2` events
  with an organiser, a position held by every tenth person;
* one citation for every record, of one of five synthetic sources.

Every public id starts with `syn-` (`syn-person-000123`), every record is published, and
the same `seed` gives the same rows, timestamps included. Rows go in with `bulk_create`,
which skips signals, so derived keys are computed here (`refresh_derived()`) and no history
is written: these rows are generated, not the work of a curator, and a first version of
each would double the rows written for nothing anyone will read.
"""

import datetime
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from mechanisms.models import Report
from nkhr.dates import DatePrecision
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    Event,
    EventParticipant,
    Instrument,
    Legislation,
    LegislativeAction,
    PositionHeld,
    Publication,
    Source,
    Sponsorship,
)
from sanctions.models import Designation, DesignationMeasure, DesignationRound

PREFIX = "syn-"
BATCH_SIZE = 5000
DEFAULT_SEED = 1
# Fixed, so that the same seed gives the same rows down to the timestamps.
STAMP = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
PUBLISHED = Publication.PUBLISHED
DAY, YEAR = DatePrecision.DAY, DatePrecision.YEAR

# --- Korean names --------------------------------------------------------------------------
# (Hangul, the spelling sanctions lists use, Revised Romanization, McCune-Reischauer)
SURNAMES = [
    ("김", "Kim", "Kim", "Kim"),
    ("리", "Ri", "Ri", "Ri"),
    ("박", "Pak", "Bak", "Pak"),
    ("최", "Choe", "Choe", "Ch'oe"),
    ("정", "Jong", "Jeong", "Chŏng"),
    ("강", "Kang", "Gang", "Kang"),
    ("조", "Jo", "Jo", "Cho"),
    ("윤", "Yun", "Yun", "Yun"),
    ("장", "Jang", "Jang", "Chang"),
    ("한", "Han", "Han", "Han"),
    ("오", "O", "O", "O"),
    ("서", "So", "Seo", "Sŏ"),
    ("신", "Sin", "Sin", "Sin"),
    ("황", "Hwang", "Hwang", "Hwang"),
    ("안", "An", "An", "An"),
    ("송", "Song", "Song", "Song"),
    ("류", "Ryu", "Ryu", "Ryu"),
    ("홍", "Hong", "Hong", "Hong"),
    ("전", "Jon", "Jeon", "Chŏn"),
    ("고", "Ko", "Go", "Ko"),
]
# Roughly how common each surname is (Kim about one in five), so "Kim" is a common search.
SURNAME_WEIGHTS = [22, 15, 8, 5, 5, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2]

# (Hangul, Revised Romanization, McCune-Reischauer) of syllables used in given names
SYLLABLES = [
    ("영", "yeong", "yŏng"),
    ("철", "cheol", "ch'ŏl"),
    ("수", "su", "su"),
    ("민", "min", "min"),
    ("성", "seong", "sŏng"),
    ("호", "ho", "ho"),
    ("혁", "hyeok", "hyŏk"),
    ("남", "nam", "nam"),
    ("일", "il", "il"),
    ("광", "gwang", "kwang"),
    ("명", "myeong", "myŏng"),
    ("준", "jun", "chun"),
    ("현", "hyeon", "hyŏn"),
    ("경", "gyeong", "kyŏng"),
    ("택", "taek", "t'aek"),
    ("은", "eun", "ŭn"),
    ("희", "hui", "hŭi"),
    ("국", "guk", "kuk"),
    ("진", "jin", "chin"),
    ("용", "yong", "yong"),
    ("학", "hak", "hak"),
    ("만", "man", "man"),
    ("석", "seok", "sŏk"),
    ("훈", "hun", "hun"),
    ("혜", "hye", "hye"),
    ("옥", "ok", "ok"),
    ("순", "sun", "sun"),
    ("춘", "chun", "ch'un"),
    ("룡", "ryong", "ryong"),
    ("길", "gil", "kil"),
    ("봉", "bong", "pong"),
    ("선", "seon", "sŏn"),
    ("원", "won", "wŏn"),
    ("태", "tae", "t'ae"),
    ("향", "hyang", "hyang"),
    ("금", "geum", "kŭm"),
    ("동", "dong", "tong"),
]

# (English, Hangul, Revised Romanization, McCune-Reischauer, actor kind) of organisations
ORGANISATION_TYPES = [
    ("Trading Corporation", "무역회사", "Muyeok Hoesa", "Muyŏk Hoesa", Actor.Kind.COMPANY),
    ("Shipping Company", "해운회사", "Haeun Hoesa", "Haeun Hoesa", Actor.Kind.COMPANY),
    ("Mining Company", "광업회사", "Gwangeop Hoesa", "Kwangŏp Hoesa", Actor.Kind.COMPANY),
    ("Bank", "은행", "Eunhaeng", "Ŭnhaeng", Actor.Kind.COMPANY),
    ("Technology Company", "기술회사", "Gisul Hoesa", "Kisul Hoesa", Actor.Kind.COMPANY),
    ("General Bureau", "총국", "Chongguk", "Ch'ongguk", Actor.Kind.DEPARTMENT),
    ("Committee", "위원회", "Wiwonhoe", "Wiwŏnhoe", Actor.Kind.COMMITTEE),
    ("Security Department", "보위부", "Bowibu", "Powibu", Actor.Kind.AGENCY),
]
KOREA = ("조선", "Joseon", "Chosŏn")

# (country, name) of the authorities that designate; a regime belongs to one of them.
AUTHORITIES = [
    ("US", "Synthetic Office of Sanctions (United States)"),
    ("EU", "Synthetic Council Sanctions Unit (European Union)"),
    ("GB", "Synthetic Sanctions Implementation Office (United Kingdom)"),
    ("KR", "Synthetic Sanctions Directorate (Republic of Korea)"),
    ("JP", "Synthetic Sanctions Bureau (Japan)"),
    ("AU", "Synthetic Sanctions Office (Australia)"),
    ("CA", "Synthetic Sanctions Division (Canada)"),
    ("CH", "Synthetic Sanctions Section (Switzerland)"),
    ("NZ", "Synthetic Sanctions Unit (New Zealand)"),
    ("FR", "Synthetic Directorate of Restrictive Measures (France)"),
]
PERSON_COUNTRIES = ["KP"] * 18 + ["CN", "RU"]
ORGANISATION_COUNTRIES = ["KP"] * 14 + ["CN", "RU", "HK", "AE", "SG", "MY"]
BILL_JURISDICTIONS = ["US", "KR", "JP", "GB", "CA", "AU", "DE", "FR"]
BILL_THEMES = [
    "North Korean Human Rights",
    "Separated Families Reunion",
    "Refugee Protection",
    "Accountability for Abuses",
    "Freedom of Information",
    "Detainee Release",
    "Forced Labour Prevention",
]
ACTION_KINDS = [
    LegislativeAction.Kind.INTRODUCED,
    LegislativeAction.Kind.REFERRED,
    LegislativeAction.Kind.REPORTED,
    LegislativeAction.Kind.PASSED_CHAMBER,
    LegislativeAction.Kind.PASSED_CHAMBER,
]
REPORT_KINDS = [k for k in Report.Kind.values if k != Report.Kind.STATE_PARTY_REPORT]
SOURCE_KINDS = [
    Source.Kind.UN_DOCUMENT,
    Source.Kind.OFFICIAL_NOTICE,
    Source.Kind.PRESS_RELEASE,
    Source.Kind.NEWS,
    Source.Kind.GOVERNMENT_PUBLICATION,
]
SOURCES = 5
FIRST_DAY = datetime.date(2005, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days


@dataclass(frozen=True)
class Plan:
    """How many of each thing a scale means; every count follows from `scale` alone."""

    scale: int

    @property
    def persons(self) -> int:
        return self.scale * 7 // 10

    @property
    def organisations(self) -> int:
        """Every actor that is not a person: authorities, positions and other bodies."""
        return self.scale - self.persons

    @property
    def authorities(self) -> int:
        return max(1, min(len(AUTHORITIES), self.organisations // 4))

    @property
    def positions(self) -> int:
        return max(1, self.organisations // 6)

    @property
    def bodies(self) -> int:
        return self.organisations - self.authorities - self.positions

    @property
    def regimes(self) -> int:
        return min(50, max(2, self.scale // 100))

    @property
    def rounds(self) -> int:
        return min(300, max(self.regimes, self.scale // 30))

    @property
    def targets(self) -> int:
        """Persons and bodies can be designated (not authorities nor positions)."""
        return self.persons + self.bodies

    @property
    def bills(self) -> int:
        return self.scale // 10

    @property
    def reports(self) -> int:
        return self.scale // 5

    @property
    def events(self) -> int:
        return self.scale // 2

    @property
    def width(self) -> int:
        return max(6, len(str(self.scale)))


def public_id(kind: str, number: int, width: int = 6) -> str:
    return f"{PREFIX}{kind}-{number:0{width}d}"


@dataclass
class Progress:
    """Rows written so far, reported per model through `report(label, rows, seconds)`."""

    report: Callable[[str, int, float], None] = lambda label, rows, seconds: None
    rows: int = 0
    counts: dict = field(default_factory=dict)

    def insert(self, model: type[models.Model], objects: Iterable, batch_size=BATCH_SIZE):
        started, written = time.perf_counter(), 0
        iterator = iter(objects)
        while batch := list(islice(iterator, batch_size)):
            for obj in batch:
                obj.refresh_derived()
            model._base_manager.bulk_create(batch, batch_size=batch_size)
            written += len(batch)
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + written
        self.rows += written
        self.report(label, written, time.perf_counter() - started)


def _stamps() -> dict:
    return {"created": STAMP, "updated": STAMP}


def _record() -> dict:
    return {**_stamps(), "publication": PUBLISHED}


def _day(rng: random.Random, start: int = 0, span: int = DAYS) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=start + rng.randrange(span))


def _year(value: datetime.date) -> datetime.date:
    return value.replace(month=1, day=1)


def _capitalised(syllables: list[str], joiner: str) -> str:
    word = joiner.join(syllables)
    return word[:1].upper() + word[1:]


def _unmarked(mccune_reischauer: str) -> str:
    """McCune-Reischauer as sanctions lists print it: no breves, no apostrophes."""
    return mccune_reischauer.replace("'", "").replace("ŏ", "o").replace("ŭ", "u")


def korean_person_name(rng: random.Random) -> dict:
    """A person's name as a list spells it, in Hangul, and in two romanizations."""
    hangul_surname, listed_surname, rr_surname, mr_surname = rng.choices(
        SURNAMES, weights=SURNAME_WEIGHTS
    )[0]
    given = [rng.choice(SYLLABLES) for _ in range(2)]
    plain_mr = [_unmarked(syllable[2]) for syllable in given]
    return {
        "name": f"{listed_surname} {' '.join(part.capitalize() for part in plain_mr)}",
        "hangul": hangul_surname + "".join(syllable[0] for syllable in given),
        "rr": f"{rr_surname} {_capitalised([s[1] for s in given], '-')}",
        "mr": f"{mr_surname} {_capitalised([s[2] for s in given], '-')}",
    }


def korean_organisation_name(rng: random.Random) -> dict:
    english, hangul_type, rr_type, mr_type, kind = rng.choice(ORGANISATION_TYPES)
    word = [rng.choice(SYLLABLES) for _ in range(2)]
    plain_mr = [_unmarked(s[2]) for s in word]
    return {
        "name": f"Korea {_capitalised(plain_mr, '')} {english}",
        "hangul": KOREA[0] + "".join(s[0] for s in word) + hangul_type,
        "rr": f"{KOREA[1]} {_capitalised([s[1] for s in word], '')} {rr_type}",
        "mr": f"{KOREA[2]} {_capitalised([s[2] for s in word], '')} {mr_type}",
        "kind": kind,
    }


def _aliases(actor_id: str, names: dict, source_id: str) -> Iterator[Alias]:
    """Hangul and Revised Romanization always; McCune-Reischauer where it is spelt apart."""
    common = {**_stamps(), "actor_id": actor_id, "source_id": source_id}
    yield Alias(name=names["hangul"], kind=Alias.Kind.NATIVE, language="ko", **common)
    yield Alias(name=names["rr"], kind=Alias.Kind.ROMANIZATION, language="ko-Latn", **common)
    if names["mr"] != names["rr"]:
        yield Alias(name=names["mr"], kind=Alias.Kind.ROMANIZATION, language="ko-Latn", **common)


class Seeder:
    """Writes one scale's worth of synthetic records; see the module docstring."""

    def __init__(self, scale: int, seed: int = DEFAULT_SEED, progress: Progress | None = None):
        self.plan = Plan(scale)
        self.seed = seed
        self.progress = progress or Progress()
        self.width = self.plan.width

    def rng(self, section: str) -> random.Random:
        # One generator per section, so each section's rows depend on the seed alone.
        return random.Random(f"{self.seed}:{section}")

    # ids ------------------------------------------------------------------------------------
    def source_id(self, i: int) -> str:
        return f"{PREFIX}source-{i + 1}"

    def authority_id(self, i: int) -> str:
        return public_id("authority", i, 2)

    def person_id(self, i: int) -> str:
        return public_id("person", i, self.width)

    def body_id(self, i: int) -> str:
        return public_id("org", i, self.width)

    def position_id(self, i: int) -> str:
        return public_id("position", i, self.width)

    def regime_id(self, i: int) -> str:
        return public_id("regime", i, 2)

    def round_id(self, i: int) -> str:
        return public_id("round", i, 3)

    def target_id(self, i: int) -> str:
        persons = self.plan.persons
        return self.person_id(i) if i < persons else self.body_id(i - persons)

    def regime_authority(self, regime: int) -> int:
        return regime % self.plan.authorities

    # sections -------------------------------------------------------------------------------
    def run(self) -> Progress:
        with transaction.atomic():
            self.citations: list[tuple[type[models.Model], str]] = []
            self.sources()
            self.actors()
            self.positions_held()
            self.regimes_and_rounds()
            self.designations()
            self.legislation()
            self.reports()
            self.events()
            self.write_citations()
        return self.progress

    def sources(self):
        rng = self.rng("sources")
        self.progress.insert(
            Source,
            (
                Source(
                    id=self.source_id(i),
                    title=f"Synthetic source {i + 1} (benchmark data, not a real document)",
                    kind=SOURCE_KINDS[i],
                    publisher="NKHR Records benchmark",
                    url=f"https://example.org/nkhr-synthetic/{i + 1}",
                    published=_day(rng),
                    published_precision=DAY,
                    language="en",
                    **_record(),
                )
                for i in range(SOURCES)
            ),
        )

    def actors(self):
        plan = self.plan
        self.progress.insert(
            Actor,
            (
                Actor(
                    id=self.authority_id(i),
                    name=name,
                    kind=Actor.Kind.GOVERNMENT,
                    country=country,
                    **_record(),
                )
                for i, (country, name) in enumerate(AUTHORITIES[: plan.authorities])
            ),
        )
        self._cite(Actor, (self.authority_id(i) for i in range(plan.authorities)))

        # Bodies before positions, which belong to them.
        rng = self.rng("bodies")
        position_bodies = {}
        for start in range(0, plan.bodies, BATCH_SIZE):
            bodies, aliases = [], []
            for i in range(start, min(start + BATCH_SIZE, plan.bodies)):
                names = korean_organisation_name(rng)
                actor_id = self.body_id(i)
                # A parent is an earlier body, so the hierarchy can never be a cycle.
                parent = self.body_id(rng.randrange(i)) if i and rng.random() < 0.2 else None
                bodies.append(
                    Actor(
                        id=actor_id,
                        name=names["name"],
                        kind=names["kind"],
                        country=rng.choice(ORGANISATION_COUNTRIES),
                        parent_id=parent,
                        established=_year(_day(rng, -20 * 365, 40 * 365)),
                        established_precision=YEAR,
                        **_record(),
                    )
                )
                aliases.extend(_aliases(actor_id, names, self.source_id(i % SOURCES)))
                if i < plan.positions:
                    position_bodies[i] = names["name"]
            self.progress.insert(Actor, bodies)
            self.progress.insert(Alias, aliases)
        self._cite(Actor, (self.body_id(i) for i in range(plan.bodies)))

        # A position is an office inside a body ("Director of …"), so it can be held.
        self.progress.insert(
            Actor,
            (
                Actor(
                    id=self.position_id(i),
                    name=f"Director of {position_bodies.get(i, 'a synthetic body')}",
                    kind=Actor.Kind.POSITION,
                    country="KP",
                    parent_id=self.body_id(i) if i < plan.bodies else None,
                    **_record(),
                )
                for i in range(plan.positions)
            ),
        )
        self._cite(Actor, (self.position_id(i) for i in range(plan.positions)))

        rng = self.rng("persons")
        for start in range(0, plan.persons, BATCH_SIZE):
            persons, aliases = [], []
            for i in range(start, min(start + BATCH_SIZE, plan.persons)):
                names = korean_person_name(rng)
                actor_id = self.person_id(i)
                born = rng.random() < 0.6
                persons.append(
                    Actor(
                        id=actor_id,
                        name=names["name"],
                        kind=Actor.Kind.PERSON,
                        country=rng.choice(PERSON_COUNTRIES),
                        established=_year(_day(rng, -60 * 365, 40 * 365)) if born else None,
                        established_precision=YEAR if born else "",
                        **_record(),
                    )
                )
                aliases.extend(_aliases(actor_id, names, self.source_id(i % SOURCES)))
            self.progress.insert(Actor, persons)
            self.progress.insert(Alias, aliases)
        self._cite(Actor, (self.person_id(i) for i in range(plan.persons)))

    def positions_held(self):
        """Every tenth person holds a position, from a day to (sometimes) a later one."""
        rng = self.rng("positions-held")
        holders = range(0, self.plan.persons, 10)

        def rows():
            for n, person in enumerate(holders):
                start = _day(rng)
                ended = rng.random() < 0.3
                yield PositionHeld(
                    id=public_id("held", n, self.width),
                    person_id=self.person_id(person),
                    position_id=self.position_id(n % self.plan.positions),
                    start=start,
                    start_precision=DAY,
                    end=start + datetime.timedelta(days=rng.randrange(1, 2000)) if ended else None,
                    end_precision=DAY if ended else "",
                    **_record(),
                )

        self.progress.insert(PositionHeld, rows())
        self._cite(PositionHeld, (public_id("held", n, self.width) for n in range(len(holders))))

    def regimes_and_rounds(self):
        plan, rng = self.plan, self.rng("regimes")
        regimes = []
        for i in range(plan.regimes):
            country, _ = AUTHORITIES[self.regime_authority(i) % len(AUTHORITIES)]
            thematic = i % 5 == 4
            adopted = _day(rng, 0, 365 * 8)
            regimes.append(
                Instrument(
                    id=self.regime_id(i),
                    kind=Instrument.Kind.SANCTIONS_REGIME,
                    title=f"Synthetic {'global human rights' if thematic else 'North Korea'} "
                    f"sanctions regime {i + 1:02d} ({country})",
                    symbol=f"SYN-REG-{i + 1:02d}",
                    status=Instrument.Status.IN_FORCE,
                    adopted_by_id=self.authority_id(self.regime_authority(i)),
                    adopted=adopted,
                    adopted_precision=DAY,
                    scope=Instrument.Scope.GLOBAL if thematic else Instrument.Scope.COUNTRY,
                    target_country="" if thematic else "KP",
                    **_record(),
                )
            )
        self.progress.insert(Instrument, regimes)
        self._cite(Instrument, (r.id for r in regimes))

        # Round j belongs to regime j % regimes, announced after the regime was adopted.
        rounds, self.round_days = [], []
        self.rounds_of_regime: list[list[int]] = [[] for _ in range(plan.regimes)]
        for j in range(plan.rounds):
            regime = j % plan.regimes
            announced = regimes[regime].adopted + datetime.timedelta(days=rng.randrange(3650))
            reported = rng.random() < 0.3
            rounds.append(
                DesignationRound(
                    id=self.round_id(j),
                    regime_id=self.regime_id(regime),
                    authority_id=self.authority_id(self.regime_authority(regime)),
                    title=f"Synthetic designations {j + 1:03d} under regime {regime + 1:02d}",
                    announced=announced,
                    announced_precision=DAY,
                    reported_persons=rng.randrange(1, 40) if reported else None,
                    reported_entities=rng.randrange(0, 20) if reported else None,
                    notice_url=f"https://example.org/nkhr-synthetic/notice/{j + 1}",
                    **_record(),
                )
            )
            self.round_days.append(announced)
            self.rounds_of_regime[regime].append(j)
        self.progress.insert(DesignationRound, rounds)
        self._cite(DesignationRound, (r.id for r in rounds))

    def designations(self):
        """`scale` designations; the k-th of one target is under the regime after its
        (k-1)-th, so (regime, target, listed) never repeats."""
        plan, rng = self.plan, self.rng("designations")
        first_regime: list[int] = []

        def rows():
            for i in range(plan.scale):
                target, k = i % plan.targets, i // plan.targets
                if k == 0:
                    first_regime.append(rng.randrange(plan.regimes))
                regime = (first_regime[target] + k) % plan.regimes
                round_ = rng.choice(self.rounds_of_regime[regime])
                listed = self.round_days[round_]
                delisted = rng.random() < 0.05
                yield Designation(
                    id=public_id("designation", i, self.width),
                    regime_id=self.regime_id(regime),
                    authority_id=self.authority_id(self.regime_authority(regime)),
                    target_id=self.target_id(target),
                    round_id=self.round_id(round_),
                    listed=listed,
                    listed_precision=DAY,
                    delisted=listed + datetime.timedelta(days=rng.randrange(30, 3000))
                    if delisted
                    else None,
                    delisted_precision=DAY if delisted else "",
                    basis="Synthetic basis: involvement in serious human rights abuses.",
                    reference=f"SYN-{i:0{self.width}d}",
                    **_record(),
                )

        def measures():
            for i in range(plan.scale):
                designation = public_id("designation", i, self.width)
                yield DesignationMeasure(
                    designation_id=designation,
                    measure=DesignationMeasure.Measure.ASSET_FREEZE,
                    **_stamps(),
                )
                if i % plan.targets < plan.persons:
                    yield DesignationMeasure(
                        designation_id=designation,
                        measure=DesignationMeasure.Measure.TRAVEL_BAN,
                        **_stamps(),
                    )

        self.progress.insert(Designation, rows())
        self.progress.insert(DesignationMeasure, measures())
        self._cite(
            Designation, (public_id("designation", i, self.width) for i in range(plan.scale))
        )

    def legislation(self):
        plan, rng = self.plan, self.rng("legislation")
        bills, actions, sponsorships = [], [], []
        for i in range(plan.bills):
            bill_id = public_id("bill", i, self.width)
            introduced = _day(rng, 0, DAYS - 400)
            theme = rng.choice(BILL_THEMES)
            bills.append(
                Legislation(
                    id=bill_id,
                    jurisdiction=rng.choice(BILL_JURISDICTIONS),
                    chamber="lower",
                    session=f"Synthetic session {i % 10 + 1}",
                    kind=Legislation.Kind.BILL,
                    bill_number=f"SYN {i}",
                    title=f"{theme} Act of {introduced.year} (synthetic bill {i})",
                    status=Legislation.Status.PASSED_LOWER,
                    introduced=introduced,
                    introduced_precision=DAY,
                    summary="A synthetic bill for benchmarks.",
                    **_record(),
                )
            )
            day = introduced
            for order, kind in enumerate(ACTION_KINDS, start=1):
                actions.append(
                    LegislativeAction(
                        legislation_id=bill_id,
                        order=order,
                        date=day,
                        date_precision=DAY,
                        kind=kind,
                        chamber="upper" if order == 5 else "lower",
                        description=f"Synthetic step {order}",
                        source_id=self.source_id(i % SOURCES),
                        **_stamps(),
                    )
                )
                day += datetime.timedelta(days=rng.randrange(1, 60))
            sponsorships.append(
                Sponsorship(
                    legislation_id=bill_id,
                    actor_id=self.person_id(i % plan.persons),
                    role=Sponsorship.Role.SPONSOR,
                    date=introduced,
                    date_precision=DAY,
                    **_stamps(),
                )
            )
            if len(bills) == BATCH_SIZE or i == plan.bills - 1:
                self.progress.insert(Legislation, bills)
                self.progress.insert(LegislativeAction, actions)
                self.progress.insert(Sponsorship, sponsorships)
                bills, actions, sponsorships = [], [], []
        self._cite(Legislation, (public_id("bill", i, self.width) for i in range(plan.bills)))

    def reports(self):
        plan, rng = self.plan, self.rng("reports")

        def rows():
            for i in range(plan.reports):
                yield Report(
                    id=public_id("report", i, self.width),
                    title=f"Synthetic report {i} on the human rights situation in North Korea",
                    kind=rng.choice(REPORT_KINDS),
                    symbol=f"SYN/R/{i}",
                    author_id=self.authority_id(i % plan.authorities),
                    date=_day(rng),
                    date_precision=DAY,
                    country="KP",
                    summary="A synthetic report for benchmarks.",
                    **_record(),
                )

        self.progress.insert(Report, rows())
        self._cite(Report, (public_id("report", i, self.width) for i in range(plan.reports)))

    def events(self):
        plan, rng = self.plan, self.rng("events")
        kinds = Event.Kind.values

        def rows():
            for i in range(plan.events):
                yield Event(
                    id=public_id("event", i, self.width),
                    title=f"Synthetic {rng.choice(BILL_THEMES).lower()} meeting {i}",
                    kind=rng.choice(kinds),
                    start=_day(rng),
                    start_precision=DAY,
                    location="Synthetic City",
                    country=rng.choice(BILL_JURISDICTIONS),
                    **_record(),
                )

        def participants():
            for i in range(plan.events):
                yield EventParticipant(
                    event_id=public_id("event", i, self.width),
                    actor_id=self.authority_id(i % plan.authorities),
                    role=EventParticipant.Role.ORGANISER,
                    **_stamps(),
                )

        self.progress.insert(Event, rows())
        self.progress.insert(EventParticipant, participants())
        self._cite(Event, (public_id("event", i, self.width) for i in range(plan.events)))

    # citations ------------------------------------------------------------------------------
    def _cite(self, model: type[models.Model], ids: Iterable[str]):
        self.citations.append((model, ids))

    def write_citations(self):
        def rows():
            n = 0
            for model, ids in self.citations:
                content_type = ContentType.objects.get_for_model(model)
                for object_id in ids:
                    yield Citation(
                        source_id=self.source_id(n % SOURCES),
                        content_type=content_type,
                        object_id=object_id,
                        page=str(n % 400 + 1),
                        **_stamps(),
                    )
                    n += 1

        self.progress.insert(Citation, rows())


# --- removal ----------------------------------------------------------------------------------

# What to delete, children before parents: (model, lookup naming a synthetic row).
REMOVAL_ORDER = [
    (Citation, "object_id__startswith"),
    (DesignationMeasure, "designation__pk__startswith"),
    (Designation, "pk__startswith"),
    (DesignationRound, "pk__startswith"),
    (Instrument, "pk__startswith"),
    (LegislativeAction, "legislation__pk__startswith"),
    (Sponsorship, "legislation__pk__startswith"),
    (Legislation, "pk__startswith"),
    (Report, "pk__startswith"),
    (EventParticipant, "event__pk__startswith"),
    (Event, "pk__startswith"),
    (PositionHeld, "pk__startswith"),
    (Alias, "actor__pk__startswith"),
    (Actor, "pk__startswith"),
    (Source, "pk__startswith"),
]


def synthetic_exists() -> bool:
    return Actor._base_manager.filter(pk__startswith=PREFIX).exists()


def synthetic_scale() -> int:
    """The scale the database holds now (its number of synthetic designations)."""
    return Designation._base_manager.filter(pk__startswith=PREFIX).count()


def remove() -> int:
    """Delete every synthetic row in one transaction; return how many went.

    A plain DELETE per table: Django's collector would load every row to send delete
    signals, and history would then record a deletion of each generated row."""
    deleted = 0
    with transaction.atomic():
        for model, lookup in REMOVAL_ORDER:
            queryset = model._base_manager.filter(**{lookup: PREFIX})
            deleted += queryset._raw_delete(queryset.db)
    return deleted


def seed(scale: int, seed: int = DEFAULT_SEED, progress: Progress | None = None) -> Progress:
    return Seeder(scale, seed, progress).run()
