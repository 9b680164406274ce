"""Real news as the measure: the FA-KES articles in ../shared, our annotations of them, and their crowd labels.

The texts stay in `../shared/corpus/fakes/articles.csv` (they belong to their publishers); the project keeps only
ids and labels (`tests/extraction_eval/real/`):
- `coder_*.json`: articles annotated by docs/coding-guide.md, in the gold format of evaluation.py plus actor1,
  fatalities and the names the gazetteer lacks;
- `overlap_*.json`: articles a second coder annotated blind, for agreement;
- `split.json`: the development and test halves, drawn once at random. Rules are tuned on `dev` only.

The crowd labels (one main event per article: governorate, cause of death, perpetrator, tolls) are compared with
what extraction finds in all 594 articles (`crowd_agreement`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from events.extract.evaluation import Evaluation, Prediction, Ratio, predict, score_article
from events.extract.folding import fold_key
from events.extract.matcher import Matcher, place_spellings

# The crowd's governorate names -> the admin1 names of our gazetteer.
CROWD_GOVERNORATES = {
    "aleppo": "Aleppo", "damascus": "Damascus", "idlib": "Idlib", "deir ezzor": "Deir ez-Zor", "raqqa": "Raqqa",
    "homs": "Homs", "hasakeh": "Hasakah", "hama": "Hama", "daraa": "Daraa", "lattakia": "Latakia",
    "quneitra": "Quneitra",
}
# Damascus stories often place the event in its countryside and the reverse: the crowd did not tell them apart.
GOVERNORATE_NEIGHBOURS = {"Damascus": {"Damascus", "Rif Dimashq"}}
NORTH_WEST = {"idlib", "aleppo", "hama", "lattakia"}
# The crowd's cause of death -> the event types that tell it.
CROWD_CAUSES = {
    "shelling": {"Explosions/Remote violence"},
    "explosion": {"Explosions/Remote violence"},
    "chemical and toxic gases": {"Explosions/Remote violence"},
    "shooting": {"Battles", "Violence against civilians"},
    "execution": {"Violence against civilians"},
    "unknown": {"Battles", "Explosions/Remote violence", "Violence against civilians"},
}
# The crowd's perpetrator -> the gazetteer actors that are that perpetrator ("unknown" is not scored).
CROWD_ACTORS = {
    "syrian government or russian troops": {
        "syria", "syrian-government", "syrian-arab-army", "tiger-forces", "bashar-al-assad", "suheil-al-hassan",
        "russia", "russian-armed-forces", "russian-defence-ministry", "pro-government-militias",
        "national-defence-forces", "hezbollah", "iran", "irgc",
    },
    "the organization of the islamic state in iraq and the levant - isis": {"islamic-state"},
    "international coalition forces": {"us-led-coalition", "united-states", "us-armed-forces", "france",
                                       "united-kingdom"},
    "armed opposition groups": {
        "syrian-opposition", "free-syrian-army", "national-front-for-liberation", "syrian-national-army",
        "ahrar-al-sham", "nour-al-din-al-zenki", "jabhat-tahrir-souria", "faylaq-al-sham", "jaysh-al-izza",
        "jaysh-al-nasr", "jaysh-al-islam", "jaysh-al-fatah", "turkey", "turkish-armed-forces",
    },
    "self administration forces": {"syrian-democratic-forces", "ypg"},
    "al-nusra front": {"hayat-tahrir-al-sham", "al-qaeda", "jabhat-al-nusra"},
}


@dataclass(frozen=True)
class CorpusArticle:
    unit_id: str
    published: date
    source: str
    title: str
    text: str  # the title on the first line, then the article
    crowd: dict[str, str]


def corpus_load(path: Path) -> dict[str, CorpusArticle]:
    articles = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            month, day, year = (int(part) for part in row["date"].split("/"))
            articles[row["unit_id"]] = CorpusArticle(
                unit_id=row["unit_id"], published=date(2000 + year if year < 100 else year, month, day),
                source=row["source"], title=row["article_title"].strip(),
                text=f"{row['article_title'].strip()}\n{row['article_content']}",
                crowd={k: row[k] for k in ("location", "actor", "cause_of_death", "nb_civilians", "nb_noncivilians")},
            )
    return articles


def annotations_load(directory: Path, prefix: str = "coder_") -> dict[str, dict]:
    """Every annotated article by its unit id (one coder's record each; files are read in name order)."""
    records: dict[str, dict] = {}
    for path in sorted(directory.glob(f"{prefix}*.json")):
        for record in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            record.setdefault("coder", path.stem)
            records.setdefault(str(record["unit_id"]), record)
    return records


def split_load(directory: Path) -> dict[str, list[str]]:
    data = json.loads((directory / "split.json").read_text(encoding="utf-8"))
    return {"dev": data["dev"], "test": data["test"]}


def evaluate_real(
    records: dict[str, dict], unit_ids: Iterable[str], corpus: dict[str, CorpusArticle], matcher: Matcher,
) -> Evaluation:
    evaluation = Evaluation()
    names = _name_index(matcher)
    for unit_id in unit_ids:
        record = records.get(unit_id)
        if record is None:
            continue  # drawn into the split but not annotated (yet)
        article = corpus[unit_id]
        gold = _resolved(_as_gold(record), names)
        score_article(record["id"], gold, predict(article.text, article.published, matcher), evaluation)
    return evaluation


def _name_index(matcher: Matcher) -> dict[str, dict[str, str]]:
    """Folded name -> slug, for the names coders wrote down as missing from the gazetteer. A place's other
    transliterations count as its name here as they do when text is read ("Kfar Nabl" is Kafr Nabl)."""
    gazetteer = matcher.gazetteer
    actors = {fold_key(name): gazetteer.actors[i].slug for name, i in gazetteer.actor_names}
    places = {fold_key(name): gazetteer.places[i].slug for name, i in gazetteer.place_names}
    taken = set(actors) | set(places)
    for key, place in place_spellings(gazetteer, matcher.rules, taken).items():
        places.setdefault(key, gazetteer.places[place].slug)
    return {"actors": actors, "places": places}


def _resolved(gold: dict, names: dict[str, dict[str, str]]) -> dict:
    """A name the coder found missing from the gazetteer counts as the actor or place once the gazetteer has it:
    growing the gazetteer is how such misses are fixed, and the label (the name in the text) stays the coder's."""
    gold = dict(gold)
    for kind in ("actors", "places"):
        known, still = list(gold[kind]), []
        for item in gold.get(f"{kind}_unlisted", []):
            name = item["name"] if isinstance(item, dict) else item
            slug = names[kind].get(fold_key(name or ""))
            if slug and slug not in known:
                known.append(slug)
            elif not slug:
                still.append(item)
        gold[kind], gold[f"{kind}_unlisted"] = known, still
    gold["statements"] = [
        {**s, "speaker": names["actors"].get(fold_key(s["speaker_unlisted"]))}
        if not s.get("speaker") and s.get("speaker_unlisted") else s
        for s in gold["statements"]
    ]
    events = []
    for event in gold["events"]:
        if not event.get("actor1") and event.get("actor1_unlisted"):
            slug = names["actors"].get(fold_key(event["actor1_unlisted"]))
            event = {**event, "actor1": slug, "actor1_unlisted": None if slug else event["actor1_unlisted"]}
        if event.get("place_unlisted"):
            # The exact place, once the gazetteer has it, is right beside the coder's fallbacks (its governorate).
            slug = names["places"].get(fold_key(event["place_unlisted"]))
            if slug:
                event = {**event, "place": [slug, *(event.get("place") or [])], "place_unlisted": None}
        events.append(event)
    gold["events"] = events
    return gold


def _as_gold(record: dict) -> dict:
    gold = dict(record)
    gold.setdefault("statements", [])
    gold.setdefault("events", [])
    return gold


def agreement(
    first: dict[str, dict], second: dict[str, dict], corpus: dict[str, CorpusArticle], matcher: Matcher,
) -> Evaluation:
    """One coder's labels scored against another's, with extraction's own measure (the first coder is the gold).
    Names outside the gazetteer count as labels of their own, so two coders who wrote down the same unlisted
    name agree."""
    evaluation = Evaluation()
    names = _name_index(matcher)
    for unit_id, other in second.items():
        if unit_id not in first:
            continue
        text = fold_key(corpus[unit_id].text)
        gold, other = _with_unlisted(_resolved(_as_gold(first[unit_id]), names)), _resolved(_as_gold(other), names)
        other = _with_unlisted(other)
        prediction = Prediction(
            relevant=other["relevant"], actors=set(other["actors"]), places=set(other["places"]),
            statements=[(s.get("speaker"), _said_around(text, s["contains"])) for s in other["statements"]],
            events=[(e["event_type"], e["sub_event_type"], (e.get("place") or [None])[0]) for e in other["events"]],
            event_actor1=[e.get("actor1") for e in other["events"]],
            event_fatalities=[e.get("fatalities") for e in other["events"]],
        )
        score_article(gold["id"], gold, prediction, evaluation)
    return evaluation


def _with_unlisted(record: dict) -> dict:
    record = dict(record)
    for kind in ("actors", "places"):
        unlisted = [item["name"] if isinstance(item, dict) else item for item in record.get(f"{kind}_unlisted", [])]
        record[kind] = list(record[kind]) + [f"unlisted:{fold_key(name)}" for name in unlisted if name]
        record[f"{kind}_unlisted"] = []
    return record


def _said_around(folded_text: str, phrase: str) -> str:
    """The stretch of text around a coder's phrase, so two coders' phrases from one statement match."""
    key = fold_key(phrase)
    at = folded_text.find(key)
    return key if at < 0 else folded_text[max(0, at - 120): at + len(key) + 120]


@dataclass
class CrowdAgreement:
    articles: int = 0
    found: Ratio = field(default_factory=Ratio)
    tolls: Ratio = field(default_factory=Ratio)
    perpetrators: Ratio = field(default_factory=Ratio)

    def summary(self) -> str:
        return (
            f"main_event={self.found.value:.3f} toll={self.tolls.value:.3f} perpetrator={self.perpetrators.value:.3f} "
            f"articles={self.articles} with_toll={self.tolls.total} with_perpetrator={self.perpetrators.total}"
        )


def crowd_agreement(articles: Iterable[CorpusArticle], matcher: Matcher) -> CrowdAgreement:
    """Does extraction find each article's main event as the crowd coded it (governorate and kind of violence),
    with the crowd's toll (civilians + others) and a perpetrator of the crowd's side?

    The toll and the perpetrator are scored on the articles whose main event was found."""
    gazetteer = matcher.gazetteer
    result = CrowdAgreement()
    for article in articles:
        crowd = article.crowd
        governorate = CROWD_GOVERNORATES.get(crowd["location"])
        if governorate is None:
            continue
        result.articles += 1
        prediction = predict(article.text, article.published, matcher)
        governorates = GOVERNORATE_NEIGHBOURS.get(governorate, {governorate})
        types = CROWD_CAUSES.get(crowd["cause_of_death"], CROWD_CAUSES["unknown"])
        slugs = {p.slug: p for p in gazetteer.places.values()}
        candidates = [
            i for i, (event_type, _, place) in enumerate(prediction.events)
            if event_type in types and place and slugs[place].admin1 in governorates
        ]
        result.found.total += 1
        if not candidates:
            continue
        result.found.right += 1
        toll = _int(crowd["nb_civilians"]) + _int(crowd["nb_noncivilians"])
        if toll > 0:
            result.tolls.total += 1
            result.tolls.right += any(prediction.event_fatalities[i] == toll for i in candidates)
        sides = CROWD_ACTORS.get(crowd["actor"])
        if sides:
            result.perpetrators.total += 1
            result.perpetrators.right += any(prediction.event_actor1[i] in sides for i in candidates)
    return result


def _int(value: str) -> int:
    try:
        return int(float(value))
    except ValueError:
        return 0
