"""Which event a statement is about, where the article makes it plain. Pure: no database.

A statement is tied, by the first rule that names any candidate event of its article:
- to the events its own sentence reports;
- else to the events its paragraph reports ("Jets struck Ariha on Monday. Nine civilians were killed, the
  Observatory said.");
- else to the events its speaker, or an actor the speaker belongs to, takes part in (Putin on the Sochi deal he
  signed, or on a summit of Russia's), narrowed to the paragraph's when the paragraph reports several. Not the
  other way round: the Kremlin's spokesman does not speak for every Russian unit's strike.

Callers tie a statement only when its candidates are one event (the service, once clustering has given them ids):
no link is better than a wrong one.
"""

from __future__ import annotations

from events.extract.events import EventCandidate
from events.extract.gazetteer import Gazetteer
from events.extract.sentences import Sentence
from events.extract.statements import StatementCandidate


def _lineage(actor_id: int, gazetteer: Gazetteer) -> set[int]:
    """The actor and everyone above it (Shoigu -> Russian Ministry of Defence -> Russia)."""
    seen: set[int] = set()
    current: int | None = actor_id
    while current is not None and current not in seen and current in gazetteer.actors:
        seen.add(current)
        current = gazetteer.actors[current].parent_id
    return seen


def statement_links(
    statements: list[StatementCandidate], events: list[EventCandidate], sentences: list[Sentence], gazetteer: Gazetteer
) -> list[tuple[int, ...]]:
    """Per statement, the indexes (into ``events``) of the candidates it may be about; () for none."""
    if not events:
        return [() for _ in statements]
    of_sentence: dict[int, list[int]] = {}
    of_paragraph: dict[int, set[int]] = {}
    for n, event in enumerate(events):
        for index in event.sentences:
            of_sentence.setdefault(index, []).append(n)
            of_paragraph.setdefault(sentences[index].paragraph, set()).add(n)
    links = []
    for statement in statements:
        own = of_sentence.get(statement.sentence)
        if own:
            links.append(tuple(own))
            continue
        paragraph = of_paragraph.get(sentences[statement.sentence].paragraph, set())
        if len(paragraph) != 1 and statement.speaker_id is not None:
            speaker = _lineage(statement.speaker_id, gazetteer)
            party = {n for n, event in enumerate(events) if any(a in speaker for a, _ in event.actors)}
            paragraph = paragraph & party if paragraph else party
        links.append(tuple(sorted(paragraph)))
    return links
