"""Synthetic wire stories for bench_ingest: realistic news articles about north-west Syria in 2018, not word salad.

A benchmark of extraction is only honest on text shaped like what the feeds carry. Each story here is built like a
wire report: a dateline lead about one of the day's happenings, one to three happenings in all (air strikes,
shelling, clashes, a village taken, arrests, a protest, a car bomb, a new observation post, reinforcements, talks),
a few quotes (named officials from the gazetteer, unnamed residents and spokesmen, "according to" attributions),
background and humanitarian paragraphs that report nothing new, and the site furniture real feeds wrap around
the text (share tools, byline, photo caption, related links, scripts). About one story in ten is off-topic (a
general news feed's business or sports items). Places, actors and their names come from the shipped gazetteers
(actors/data/actors.json, events/data/places.json), drawn with the skew real coverage has (Idlib, Saraqib and
Khan Shaykhun far more often than a hamlet). Several outlets report the same happening on the same or the next
day in different words, so clustering sees corroborating reports as it does in production. Dates in the text are
relative to the story's publication date ("on Tuesday", "yesterday", "on September 4").

Everything is drawn from a seeded ``random.Random``: the same seed gives the same bytes.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings

START = datetime(2018, 8, 1, 6, 0, tzinfo=UTC)
# Stories of the whole set are spread over this many days, oldest first (a feed set read over half a year).
SPAN_DAYS = 180
OFF_TOPIC_SHARE = 0.1
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
AGENCIES = ("Reuters", "AFP", "AP", "Anadolu Agency", "Enab Baladi", "Syria Direct")
DATELINES = ("BEIRUT", "AMMAN", "ISTANBUL", "ANKARA", "MOSCOW", "IDLIB, Syria", "REYHANLI, Turkey", "DAMASCUS")


@dataclass(frozen=True)
class Gazetteer:
    """The names a story can use, from the shipped data files."""

    towns: tuple[tuple[str, str], ...]  # (name, governorate), in Idlib, Hama, Aleppo and Latakia
    weights: tuple[float, ...]  # how often each town is in the news
    venues: tuple[str, ...]  # places abroad where talks happen


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    data = json.loads((settings.BASE_DIR / "events" / "data" / "places.json").read_text(encoding="utf-8"))
    rows = data["places"] if isinstance(data, dict) else data
    weight_of_kind = {"city": 12.0, "town": 4.0, "village": 1.0, "site": 1.5, "crossing": 1.5}
    towns, weights = [], []
    for row in rows:
        if row.get("country", "Syria") != "Syria" or row.get("admin1") not in ("Idlib", "Hama", "Aleppo", "Latakia"):
            continue
        if row.get("kind") not in weight_of_kind:
            continue
        towns.append((row["name"], row["admin1"]))
        # Idlib's own towns make most of the news in 2018.
        weights.append(weight_of_kind[row["kind"]] * (2.0 if row["admin1"] == "Idlib" else 1.0))
    venues = tuple(r["name"] for r in rows if r.get("country", "Syria") != "Syria")
    return Gazetteer(tuple(towns), tuple(weights), venues)


# --- Who does what ------------------------------------------------------------------------------------------------
AIR_ATTACKERS = (
    "Russian warplanes", "Syrian government warplanes", "Syrian army helicopters", "Russian and Syrian jets",
    "warplanes believed to be Russian", "the Russian air force", "Syrian government aircraft",
)
GROUND_FORCES = (
    "Syrian government forces", "the Syrian army", "Syrian Arab Army troops", "the Tiger Forces",
    "pro-government militias", "Syrian troops backed by Russian air power",
)
INSURGENTS = (
    "Hayat Tahrir al-Sham", "HTS fighters", "the National Front for Liberation", "rebels", "rebel fighters",
    "Jaysh al-Izza", "Hurras al-Din", "fighters of the Turkistan Islamic Party", "Ahrar al-Sham", "Faylaq al-Sham",
    "Nour al-Din al-Zenki",
)
MONITORS = (
    "the Syrian Observatory for Human Rights", "the Britain-based Syrian Observatory for Human Rights",
    "the White Helmets", "the Syrian Network for Human Rights", "local activists", "rescue workers",
)
OFFICIALS = (
    ("Russian Foreign Minister Sergei Lavrov", "he"), ("Kremlin spokesman Dmitry Peskov", "he"),
    ("Turkish Foreign Minister Mevlut Cavusoglu", "he"), ("Turkish Defence Minister Hulusi Akar", "he"),
    ("UN envoy Staffan de Mistura", "he"), ("Maria Zakharova, the Russian foreign ministry spokeswoman", "she"),
    ("Syrian Foreign Minister Walid Muallem", "he"), ("Iranian Foreign Minister Mohammad Javad Zarif", "he"),
    ("UN humanitarian chief Mark Lowcock", "he"), ("the US State Department", "it"),
    ("Panos Moumtzis, the UN regional humanitarian coordinator", "he"), ("the Russian Defence Ministry", "it"),
    ("Turkey's defence ministry", "it"), ("the Syrian Observatory for Human Rights", "it"),
    ("UNICEF", "it"), ("the World Food Programme", "it"), ("Save the Children", "it"),
)
UNNAMED = (
    "a resident of {town}", "a rescue worker in {town}", "a doctor at a hospital in {town}",
    "a commander in the National Front for Liberation", "an opposition official", "a local council member",
    "a teacher who fled {town} last month", "an aid worker in {town}", "a spokesman for the rebels",
)
NAMED_LOCALS = (
    "Abu Khaled", "Mohammed Rashid", "Umm Ahmad", "Ibrahim al-Idlibi", "Hassan Hamadi", "Fatima Sayed",
    "Naji Mustafa", "Abdul Rahman Haj Ahmad", "Yasser al-Hamwi", "Omar Haj Kadour", "Mustafa al-Ali",
)
CAPTIONS = (
    "A man inspects the damage to his home in {town} after an air strike.",
    "Displaced children stand outside a tent at a camp near {town}.",
    "Members of the civil defence search the rubble of a destroyed building in {town}.",
    "A fighter looks through binoculars from a position on the front line near {town}.",
    "Smoke rises over {town}, seen from a hill to the north.",
)
DEAD = ("civilians", "people", "children", "members of one family", "fighters", "soldiers")


@dataclass
class Happening:
    kind: str
    on: date
    town: str
    governorate: str
    actor: str
    target: str
    dead: int
    extra: dict = field(default_factory=dict)


def _happening(rng: random.Random, on: date, geo: Gazetteer) -> Happening:
    town, governorate = rng.choices(geo.towns, weights=geo.weights)[0]
    kind = rng.choices(
        ("air", "shelling", "clash", "capture", "arrests", "protest", "bomb", "post", "buildup", "talks", "drones"),
        weights=(22, 16, 14, 5, 6, 6, 5, 4, 8, 8, 3),
    )[0]
    actor = {
        "air": rng.choice(AIR_ATTACKERS), "shelling": rng.choice(GROUND_FORCES + INSURGENTS[:4]),
        "clash": rng.choice(GROUND_FORCES), "capture": rng.choice(GROUND_FORCES + INSURGENTS[:2]),
        "arrests": rng.choice(("Hayat Tahrir al-Sham", "HTS", "the Salvation Government's police")),
        "protest": "residents", "bomb": "", "post": rng.choice(("Turkish troops", "the Turkish military")),
        "buildup": rng.choice((*GROUND_FORCES, "Turkey", "the Turkish army")),
        "talks": rng.choice(("Russia and Turkey", "Russia, Turkey and Iran", "Putin and Erdogan")),
        "drones": rng.choice(("the Russian military", "the Russian Defence Ministry")),
    }[kind]
    target = rng.choice(INSURGENTS) if actor in GROUND_FORCES else rng.choice(GROUND_FORCES)
    dead = rng.choice((0, 0, 1, 2, 3, 4, 5, 7, 9, 12, 15))
    extra = {"venue": rng.choice(geo.venues), "count": rng.randint(3, 40)}
    return Happening(kind, on, town, governorate, actor, target, dead, extra)


def _cap(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _when(on: date, published: date, rng: random.Random) -> str:
    days = (published - on).days
    if days == 0:
        return rng.choice(("on " + WEEKDAYS[on.weekday()], "today", "early on " + WEEKDAYS[on.weekday()]))
    if days == 1:
        return rng.choice(("yesterday", "late on " + WEEKDAYS[on.weekday()], "on " + WEEKDAYS[on.weekday()]))
    return rng.choice((f"on {WEEKDAYS[on.weekday()]}", f"on {MONTHS[on.month - 1]} {on.day}"))


def _toll(h: Happening, rng: random.Random) -> str:
    if not h.dead:
        return rng.choice(("", ", causing no casualties", ", damaging homes and a bakery"))
    if h.dead == 1:
        return rng.choice((", killing a civilian", ", killing one person"))
    return rng.choice((f", killing {h.dead} {rng.choice(DEAD)}", f", killing at least {h.dead} people and wounding "
                       f"{h.dead * 2 + rng.randint(1, 9)}", f" and killed {h.dead} {rng.choice(DEAD)}"))


def _report(h: Happening, published: date, rng: random.Random, lead: bool) -> list[str]:
    """One happening in a few sentences; a lead names its source, a later mention may not."""
    when = _when(h.on, published, rng)
    source = rng.choice(MONITORS)
    said = f", {source} said" if lead or rng.random() < 0.5 else ""
    region = f"{rng.choice(('southern', 'northern', 'eastern', 'western', 'rural'))} {h.governorate}"
    t = h.town
    if h.kind == "air":
        main = rng.choice((
            f"{_cap(h.actor)} carried out air strikes on {t} in {region} {when}{_toll(h, rng)}{said}.",
            f"Air strikes by {h.actor} hit {t} and nearby villages {when}{_toll(h, rng)}{said}.",
            f"{_cap(h.actor)} bombed residential areas of {t} {when}{_toll(h, rng)}{said}.",
        ))
        more = (f"The strikes hit a market and a school building in the centre of {t}, and rescue teams were still "
                f"searching the rubble hours later.", "Residents said the planes circled for hours before the raids.")
    elif h.kind == "shelling":
        main = rng.choice((
            f"{_cap(h.actor)} shelled {t} in {region} {when}{_toll(h, rng)}{said}.",
            f"Artillery fire by {h.actor} struck the outskirts of {t} {when}{_toll(h, rng)}{said}.",
            f"Rockets fired by {h.actor} landed in {t} {when}{_toll(h, rng)}{said}.",
        ))
        more = (f"Several houses on the edge of {t} were destroyed.",
                "The shells fell near a bakery where people were queuing for bread.")
    elif h.kind == "clash":
        main = rng.choice((
            f"Fighting broke out between {h.actor} and {h.target} near {t} {when}{said}.",
            f"{_cap(h.actor)} clashed with {h.target} on the front line near {t} {when}{said}.",
            f"{_cap(h.target)} ambushed {h.actor} near {t} {when}, triggering hours of fighting{said}.",
        ))
        more = (f"{h.dead + 3} fighters were killed on both sides, according to a tally by {source}.",
                "Both sides sent reinforcements to the area during the night.")
    elif h.kind == "capture":
        main = rng.choice((
            f"{_cap(h.actor)} captured the village of {t} from {h.target} {when}{said}.",
            f"{_cap(h.actor)} took control of {t} after two days of heavy fighting {when}{said}.",
        ))
        more = (f"It was the first change on the front line around {t} in months.",
                f"Hundreds of families fled {t} towards the Turkish border as the fighting approached.")
    elif h.kind == "arrests":
        main = rng.choice((
            f"{h.actor} arrested {h.extra['count']} people in {t} {when}, accusing them of working for the "
            f"government{said}.",
            f"{h.actor} detained several men in raids on homes in {t} {when}{said}.",
        ))
        more = ("Their families said they had not been told where the men were taken.",
                f"The arrests came after a wave of assassinations in {h.governorate} province.")
    elif h.kind == "protest":
        main = rng.choice((
            f"Hundreds of people protested in {t} {when} against the threatened offensive{said}.",
            f"Residents of {t} took to the streets {when} carrying the flag of the revolution{said}.",
        ))
        more = ("The crowd chanted slogans against the government and its Russian and Iranian allies.",
                "Organisers said similar protests were planned across the province on Friday.")
    elif h.kind == "bomb":
        main = rng.choice((
            f"A car bomb exploded near a mosque in {t} {when}{_toll(h, rng)}{said}.",
            f"An improvised explosive device went off in the main street of {t} {when}{_toll(h, rng)}{said}.",
        ))
        more = ("No group claimed responsibility for the blast.",
                "The explosion shattered windows several streets away.")
    elif h.kind == "post":
        main = rng.choice((
            f"{_cap(h.actor)} set up a new observation post near {t} {when}{said}.",
            f"A convoy of {h.actor} established a military post on a hill overlooking {t} {when}{said}.",
        ))
        more = ("The convoy included armoured vehicles and engineering equipment.",
                f"It was the latest Turkish position in {h.governorate} under the de-escalation deal.")
    elif h.kind == "buildup":
        main = rng.choice((
            f"{_cap(h.actor)} sent reinforcements to the front lines around {t} {when}{said}.",
            f"{_cap(h.actor)} were massing troops and armour near {t} {when}{said}.",
        ))
        more = ("Satellite images showed dozens of tanks and rocket launchers moving north.",
                "The build-up has raised fears of an imminent assault.")
    elif h.kind == "talks":
        venue = h.extra["venue"]
        main = rng.choice((
            f"{h.actor} held talks in {venue} {when} on the future of Idlib, {rng.choice(AGENCIES)} reported.",
            f"Officials of {h.actor} met in {venue} {when} and agreed to extend the ceasefire in Idlib.",
        ))
        more = (f"The meeting in {venue} lasted more than four hours.",
                "A joint statement was expected later in the week.")
    else:  # drones
        main = (f"{_cap(h.actor)} said it shot down {h.extra['count'] % 6 + 2} drones launched from {t} "
                f"towards the Hmeimim air base {when}.")
        more = ("It said the base was not damaged.",
                "The base has come under repeated drone attacks this year.")
    sentences = [main]
    if rng.random() < 0.6:
        sentences.append(rng.choice(more))
    return sentences


# --- What people say, and everything around it --------------------------------------------------------------------
QUOTES = (
    "There is no military solution to the conflict in Syria",
    "We will not allow {town} to become another Aleppo",
    "The situation in {town} is catastrophic and people have nowhere left to go",
    "A full-scale offensive would be a humanitarian disaster for three million people",
    "The terrorists in {gov} must be eliminated, and the army will do it",
    "Our observation posts will stay where they are",
    "We are ready to defend our land and our families",
    "The hospitals are full and we are running out of medicine",
    "We have asked all sides to respect the ceasefire",
    "Nobody slept last night because of the bombing",
    "The children are afraid every time they hear a plane",
    "We left everything behind in {town}",
    "The agreement is holding despite the violations",
    "We need an urgent and unconditional ceasefire",
    "Turkey cannot take in another wave of refugees",
    "The camps near the border are already overcrowded",
    "We documented the attack and sent the evidence to the United Nations",
    "Civilians must be protected under international law",
)
REPORTED = (
    "the attacks on {town} were a violation of the de-escalation agreement",
    "talks with Turkey on the future of Idlib would continue next week",
    "aid convoys had been unable to reach {town} for ten days",
    "more than {n},000 people had fled their homes in {gov} since the start of the month",
    "the militants were preparing a provocation with chemical weapons",
    "the offensive would be limited to the areas held by jihadists",
    "the bakeries in {town} had stopped working because of the bombardment",
    "it was ready to evacuate the wounded if the fighting stopped",
    "the rebels had moved heavy weapons out of the buffer zone",
    "the hospital in {town} had been put out of service",
)
# Background as wire stories carry it: the same facts in many wordings ([a|b] picks one), with places and figures.
BACKGROUND = (
    "[Idlib and adjacent parts of {gov2}|The province and neighbouring parts of {gov2}|Idlib, with slivers of "
    "{gov2},] [are|form] the last [major|big|significant] stronghold of the rebels who [rose up|took up arms] "
    "against President Bashar al-Assad in 2011.",
    "[About|Some|Nearly] three million people live in the [region|province|enclave], [around|roughly|about] half of "
    "them [displaced from|people who fled] other parts of Syria.",
    "{town} lies on the [M5|M4] highway, which [links Damascus with Aleppo|runs from Latakia to Aleppo] and has "
    "been [closed to traffic|too dangerous to use] for [years|months].",
    "The [demilitarised|buffer] zone along the front line, 15 to 20 km deep, was the [centrepiece|core|heart] of "
    "the Sochi [memorandum|deal] [of September|signed in September|agreed on September 17].",
    "The war, now in its eighth year, has killed [hundreds of thousands of people|more than 350,000 people|at "
    "least 360,000 people] and [driven half of the country's pre-war population from their homes|displaced "
    "millions].",
    "[Many|Tens of thousands] of the displaced live in [tents|makeshift shelters|unfinished buildings] in camps "
    "near the Turkish border, where aid agencies warn of a [hard|harsh|difficult] winter.",
    "Government forces have [recaptured|retaken|regained] most of the country with the [help|backing|support] "
    "of Russia and Iran since [2015|Moscow intervened in 2015].",
    "Hayat Tahrir al-Sham, [formerly known as the Nusra Front|once al Qaeda's Syrian branch|led by former al "
    "Qaeda fighters], [controls|dominates|holds] [much|most|large parts] of the province.",
    "Prices of [bread|sugar|rice] and [fuel|diesel] in {town} have [doubled|risen by half|gone up sharply] since "
    "[the summer|July|the spring], traders say.",
    "The United Nations has [repeatedly|again] warned that an all-out [assault|offensive] could cause the worst "
    "humanitarian [crisis|catastrophe|disaster] of the war.",
    "Schools in {town} reopened [this month|last week|in September] after being closed for [most of the previous "
    "year|several months].",
    "[Turkey|Ankara], which already hosts more than [three|3.5] million Syrian refugees, has [closed|sealed|shut] "
    "its border to new arrivals[| and built a wall along much of it| and says it cannot take more].",
    "[Water and electricity have|Electricity has|Running water has] been cut in [much|most|parts] of {town} for "
    "[weeks|days|a month].",
    "Local councils in {gov2} have struggled to pay [teachers and doctors|teachers|medical staff] since donors "
    "cut their funding [last year|in the spring].",
    "The region has been shaken by [a series|a wave|a string] of [assassinations|killings] of rebel commanders "
    "[this year|since the spring].",
    "Before the war, {town} was known for its [olive groves|fig orchards|cotton fields] and its weekly market, "
    "which drew traders from across the [north|province].",
    "The [province's|local] health directorate says [fewer than half|only a third|{n} percent] of its [hospitals|"
    "clinics|health centres] are fully working, and most of those depend on [foreign donors|aid groups] for "
    "[fuel and salaries|medicine and fuel|salaries].",
    "[Aid|Most UN aid|Food and medicine] [reaches|reach|comes into] the [region|province] through the Bab al-Hawa "
    "crossing [on the Turkish border|from Turkey] under a [UN Security Council|Security Council] resolution that "
    "[has to be renewed every year|expires in January|Russia has threatened to veto].",
    "[Thousands|Tens of thousands] of fighters and their families were bused to Idlib from [Eastern Ghouta|Daraa"
    "|the countryside of Homs] after [those areas|the area] fell to the government [this year|in the spring].",
    "[Diplomats|Western diplomats|Analysts] say [Moscow and Ankara|Russia and Turkey] remain [divided|at odds] over "
    "how to deal with the [jihadist|hardline] groups that [dominate|control|hold] parts of the province.",
    "Many families in {town} have moved [three or four|several|five] times since [2012|2013], each time with "
    "fewer belongings.",
    "Teachers in {town} say attendance has fallen by [half|a third] since the start of the school year, as "
    "parents keep children at home when planes are heard.",
    "[The government|Damascus|Assad's government] says it [wants|intends|is determined] to restore its "
    "[authority|control] over every inch of Syrian territory, and state media [regularly|routinely|always] "
    "[describes|calls] the armed groups in Idlib [as terrorists|terrorists].",
    "Farmers around {town} say they could not harvest their [wheat|olives|barley] this [summer|year] because the "
    "fields lie within range of government artillery.",
    "Rents in [the towns along the Turkish border|Sarmada and Atmeh|Dana and Harim] have [tripled|doubled] as "
    "families from the south of the province look for somewhere safer to live.",
    "The price of a cylinder of cooking gas in {town} has risen to more than {n},000 Syrian pounds, [a tenth|a "
    "large part] of a teacher's monthly salary.",
    "[Most|Much|Nearly all] of [the province's|{town}'s] electricity now comes from [private generators|"
    "neighbourhood generators|diesel generators] and from solar panels bought with [remittances sent from abroad|"
    "money sent by relatives in Turkey and Europe|savings].",
    "The Turkish lira, not the Syrian pound, is [increasingly|now widely|more and more] used in [shops|markets|"
    "petrol stations] in [the north of the province|{town}|the border towns].",
    "Doctors in {gov} say they treat [dozens of|scores of|{n}] children for malnutrition every month, a problem "
    "that was rare before the war.",
    "[Humanitarian agencies|Aid groups|UN agencies] have [stockpiled|prepared|positioned] [food, tents and medical "
    "supplies|food and tents|winter kits|enough food for {n}0,000 people] [on the Turkish side of the border|in "
    "warehouses near Reyhanli|near the crossings] in case of a mass [displacement|exodus].",
)
_CHOICE = re.compile(r"\[([^\[\]]*)\]")


def _vary(template: str, rng: random.Random) -> str:
    """One wording of a template: each [a|b|c] becomes one of its options."""
    return _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)


OFF_TOPIC = (
    ("Central bank raises rates as lira slides", (
        "The central bank raised its main interest rate by six percentage points on {weekday}, more than "
        "economists had expected.",
        "The currency has lost about forty percent of its value against the dollar this year.",
        "\"Price stability is our priority,\" the bank said in a statement.",
        "Analysts said the move should ease pressure on the currency for now.",
        "Inflation reached its highest level in fifteen years last month, official figures showed.",
        "Shares of banks rose sharply after the announcement, while bond yields fell.",
    )),
    ("Late goal sends league leaders to the top of the table", (
        "A header in the ninety-second minute gave the visitors a 2-1 win on {weekday}.",
        "The home side had taken the lead before half-time through a penalty.",
        "\"We never stopped believing,\" the coach told reporters after the match.",
        "The win puts them three points clear with ten games left to play.",
        "More than forty thousand fans watched the match in the rain.",
    )),
    ("New phone goes on sale with a bigger screen and a higher price", (
        "The company's new flagship went on sale on {weekday} at a starting price of 999 dollars.",
        "Reviewers praised the camera but said the battery life had barely improved.",
        "\"This is the best phone we have ever made,\" the chief executive told a launch event.",
        "Queues formed outside stores in several capitals before dawn.",
        "Analysts expect sales to slow as customers keep their phones for longer.",
    )),
)


def _fill(template: str, rng: random.Random, geo: Gazetteer, governorate: str) -> str:
    town, gov = rng.choices(geo.towns, weights=geo.weights)[0]
    return _vary(template, rng).format(
        town=town, gov=governorate or gov, gov2=rng.choice(("Hama", "Aleppo", "Latakia")), n=rng.randint(2, 90),
        weekday=rng.choice(WEEKDAYS),
    )


def _quote(rng: random.Random, geo: Gazetteer, governorate: str, published: date) -> str:
    shape = rng.randrange(5)
    if shape == 0:
        speaker, _ = rng.choice(OFFICIALS)
        return f"\u201c{_fill(rng.choice(QUOTES), rng, geo, governorate)},\u201d {speaker} said."
    if shape == 1:
        speaker, _ = rng.choice(OFFICIALS)
        verb = rng.choice(("said", "told reporters", "warned", "said in a statement"))
        return f"{_cap(speaker)} {verb} that {_fill(rng.choice(REPORTED), rng, geo, governorate)}."
    if shape == 2:
        who = _fill(rng.choice(UNNAMED), rng, geo, governorate)
        quote = _fill(rng.choice(QUOTES), rng, geo, governorate)
        return f"\u201c{quote},\u201d said {rng.choice(NAMED_LOCALS)}, {who}."
    if shape == 3:
        who = _fill(rng.choice(UNNAMED), rng, geo, governorate)
        return (f"\u201c{_fill(rng.choice(QUOTES), rng, geo, governorate)},\u201d {who} told "
                f"{rng.choice(AGENCIES)}, asking not to be named.")
    source = rng.choice((*MONITORS[:3], "the UN humanitarian office", "local officials"))
    return f"According to {source}, {_fill(rng.choice(REPORTED), rng, geo, governorate)}."


def _inline(rng: random.Random, sentence: str) -> str:
    """A sentence with the inline markup news HTML carries: a tag link, emphasis."""
    words = sentence.split(" ")
    if len(words) < 6:
        return sentence
    at = rng.randrange(1, len(words) - 3)
    kind = rng.randrange(3)
    if kind == 0:
        words[at] = f'<a href="https://news.example.org/tag/{escape(words[at].strip(",.").lower())}">{words[at]}</a>'
    elif kind == 1:
        words[at : at + 2] = [f"<em>{words[at]} {words[at + 1]}</em>"]
    else:
        words[at : at + 3] = [f"<strong>{' '.join(words[at : at + 3])}</strong>"]
    return " ".join(words)


@dataclass
class Newsroom:
    """The happenings of each day, so that several stories report the same one."""

    rng: random.Random
    geo: Gazetteer = field(default_factory=gazetteer)
    days: dict[date, list[Happening]] = field(default_factory=dict)

    def happenings(self, on: date) -> list[Happening]:
        if on not in self.days:
            self.days[on] = [_happening(self.rng, on, self.geo) for _ in range(self.rng.randint(4, 9))]
        return self.days[on]

    def story(self, published: datetime) -> tuple[str, list[str]]:
        """(title, paragraphs of plain text) of one story published at that moment."""
        rng, geo, day = self.rng, self.geo, published.date()
        if rng.random() < OFF_TOPIC_SHARE:
            title, sentences = rng.choice(OFF_TOPIC)
            body = [s.format(weekday=WEEKDAYS[day.weekday()]) for s in sentences]
            rng.shuffle(body)
            return title, [" ".join(body[i:i + 2]) for i in range(0, len(body), 2)]
        recent = self.happenings(day) + self.happenings(day - timedelta(days=1))
        reported = rng.sample(recent, k=rng.choice((1, 1, 2, 2, 2, 3)))
        first = reported[0]
        lead = _report(first, day, rng, lead=True)
        title = {
            "air": f"Air strikes hit {first.town} as fears of offensive grow",
            "shelling": f"Shelling kills civilians in {first.town}",
            "clash": f"Fighting flares near {first.town}",
            "capture": f"Syrian front line shifts near {first.town}",
            "arrests": f"Arrests in {first.town} as militants tighten grip",
            "protest": f"Thousands protest in {first.town} against offensive",
            "bomb": f"Blast rocks {first.town}",
            "post": f"Turkey sets up new post near {first.town}",
            "buildup": f"Troops mass around {first.town}",
            "talks": f"Talks on Idlib in {first.extra['venue']}",
            "drones": "Russia says drones shot down near its base",
        }[first.kind]
        if first.dead and first.kind in ("air", "shelling", "bomb"):
            title += f", {first.dead} dead"
        dateline = f"{rng.choice(DATELINES)} ({rng.choice(AGENCIES)}) - "
        paragraphs = [dateline + lead[0], *lead[1:]]
        body: list[list[str]] = [[_quote(rng, geo, first.governorate, day)]]
        for h in reported[1:]:
            body.append(_report(h, day, rng, lead=False))
        for _ in range(rng.randint(1, 3)):
            body.append([_quote(rng, geo, first.governorate, day)])
        background = rng.sample(BACKGROUND, k=rng.randint(12, 18))
        body += [[_fill(s, rng, geo, first.governorate)] for s in background]
        order = [body[0], *rng.sample(body[1:], k=len(body) - 1)]
        # Wire copy: one to three sentences a paragraph.
        flat = [s for group in order for s in group]
        while flat:
            size = min(len(flat), rng.choice((1, 2, 2, 3)))
            paragraphs.append(" ".join(flat[:size]))
            flat = flat[size:]
        return title, paragraphs


def _entry(newsroom: Newsroom, slug: str, published: datetime) -> str:
    rng = newsroom.rng
    title, paragraphs = newsroom.story(published)
    caption = escape(_fill(rng.choice(CAPTIONS), rng, newsroom.geo, ""))
    body = [
        '<div class="share-tools"><a href="https://www.facebook.com/sharer.php">Share</a> | '
        '<a href="#" onclick="window.print()">Print</a></div>',
        f'<p class="byline">By <a href="https://news.example.org/author/staff">{rng.choice(NAMED_LOCALS)}</a></p>',
        f'<figure><img src="https://news.example.org/img/{slug}.jpg" alt="{escape(title)}" width="800" '
        f'height="450" loading="lazy" onerror="this.remove()"><figcaption>{caption} '
        "(Photo: AFP)</figcaption></figure>",
    ]
    for n, paragraph in enumerate(paragraphs):
        text = _inline(rng, escape(paragraph)) if n % 3 == 1 else escape(paragraph)
        if n == len(paragraphs) // 2 and "\u201c" in paragraph:
            body.append(f"<blockquote><p>{text}</p></blockquote>")
        else:
            body.append(f"<p>{text}</p>")
    body.append("<h3>Related</h3><ul>")
    body += [
        f'<li><a href="https://news.example.org/story/{rng.getrandbits(32)}">{escape(newsroom.story(published)[0])}'
        "</a></li>"
        for _ in range(3)
    ]
    body.append('</ul><p>Read more: <a href="https://news.example.org/syria">Syria coverage</a></p>')
    body.append(f"<p><em>Reporting by {rng.choice(NAMED_LOCALS)}; writing by {rng.choice(NAMED_LOCALS)}; editing by "
                f"{rng.choice(NAMED_LOCALS)}</em></p>")
    body.append('<script>trackPageView("story")</script><iframe src="https://www.youtube.com/embed/x"></iframe>')
    return (
        f"<item><title>{escape(title)}</title>"
        f"<link>https://news.example.org/story/{slug}?utm_source=rss&amp;utm_medium=feed</link>"
        f'<guid isPermaLink="false">bench-{slug}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{escape(paragraphs[0][:300])}</description>"
        f"<content:encoded><![CDATA[{''.join(body)}]]></content:encoded></item>"
    )


def wire_feed(newsroom: Newsroom, feed_no: int, first: int, entries: int, total: int) -> bytes:
    """An RSS document of ``entries`` stories, numbers ``first``.. of ``total`` spread over SPAN_DAYS days."""
    step = timedelta(days=SPAN_DAYS) / max(total, 1)
    items = []
    for n in range(first, first + entries):
        slug = f"{feed_no}-{n}-{newsroom.rng.getrandbits(48):012x}"
        items.append(_entry(newsroom, slug, START + step * n))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Bench feed {feed_no}</title><link>https://news.example.org/</link>"
        f"<description>Synthetic wire stories</description>{''.join(items)}</channel></rss>"
    ).encode()

