"""python manage.py train_extraction: learn which event candidates are news, from labelled articles.

Reads the annotated development half of the real articles (tests/extraction_eval/real/, split.json's "dev": never
the test half) and the self-written set (tests/extraction_eval/gold.json: clean wire copy of 2018, so the model
does not learn the corpus' flattened pages as the only shape of news), runs the rules on each article keeping
every candidate, labels a candidate 1 when it matches an annotated event (type,
sub-type and place, as eval_extraction scores it), and fits a logistic regression (scikit-learn, L2, fixed seed)
on events/extract/scoring.py's features. The regularisation and the keep threshold are chosen by 5-fold
cross-validation grouped by article, for the best F1 of events; the weights are written to
events/extract/rules/event_model.json, which extraction applies without scikit-learn.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.extract.corpus import _as_gold, _name_index, _resolved, annotations_load, corpus_load, split_load
from events.extract.evaluation import Evaluation, Prediction, _score_events, article_text, gold_load
from events.extract.gazetteer import gazetteer_from_files
from events.extract.matcher import Matcher
from events.extract.pipeline import extract
from events.extract.rules import rules_load
from events.extract.scoring import MODEL_FILE, candidate_features
from events.management.commands.eval_extraction import ACTORS_FILE, CORPUS_FILE, DEFAULT_SET, PLACES_FILE, REAL_SET

SEED = 20261203


class Command(BaseCommand):
    help = "Train the event-candidate model on the real development half and write rules/event_model.json."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--corpus", default=str(CORPUS_FILE))
        parser.add_argument("--real", default=str(REAL_SET))
        parser.add_argument("--output", default=str(MODEL_FILE))
        parser.add_argument("--dry-run", action="store_true", help="Report the cross-validation only.")
        parser.add_argument("--real-only", action="store_true", help="Leave the self-written set out.")

    def handle(
        self, *args, corpus: str, real: str, output: str, dry_run: bool, real_only: bool, **options,
    ) -> None:
        try:
            import numpy as np
            from sklearn.feature_extraction import DictVectorizer
            from sklearn.linear_model import LogisticRegression
            from sklearn.model_selection import GroupKFold
        except ImportError as exc:
            raise CommandError("Training needs scikit-learn: pip install -r requirements-dev.txt") from exc
        if not Path(corpus).exists():
            raise CommandError(f"{corpus} is missing (../shared beside the checkout).")
        matcher = Matcher(gazetteer_from_files(ACTORS_FILE, PLACES_FILE), rules_load())
        rows, labels, groups, gold_counts = self._examples(Path(corpus), Path(real), matcher, not real_only)
        vectorizer = DictVectorizer()
        x = vectorizer.fit_transform(rows)
        y = np.array(labels)
        best = None
        for c in (0.03, 0.1, 0.3, 1.0, 3.0):
            scores = np.zeros(len(y))
            for train, test in GroupKFold(n_splits=5).split(x, y, groups):
                model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
                model.fit(x[train], y[train])
                scores[test] = model.predict_proba(x[test])[:, 1]
            for threshold in np.arange(0.1, 0.75, 0.05):
                kept = scores >= threshold
                tp = int((kept & (y == 1)).sum())
                fp = int((kept & (y == 0)).sum())
                fn = sum(gold_counts.values()) - tp
                p = tp / (tp + fp) if tp + fp else 1.0
                r = tp / (tp + fn) if tp + fn else 1.0
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                if best is None or f1 > best[0]:
                    best = (f1, c, float(threshold), p, r)
        f1, c, threshold, p, r = best
        all_tp = int(y.sum())
        total = sum(gold_counts.values())
        self.stdout.write(
            f"candidates={len(y)} matching={all_tp} gold_events={total} articles={len(gold_counts)}; "
            f"rules alone: precision={all_tp / len(y):.3f} recall={all_tp / total:.3f}"
        )
        self.stdout.write(
            f"cross-validated with the model: C={c} threshold={threshold:.2f} precision={p:.3f} recall={r:.3f} "
            f"f1={f1:.3f}"
        )
        if dry_run:
            return
        model = LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit(x, y)
        weights = {
            name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
            if abs(w) >= 1e-4
        }
        Path(output).write_text(json.dumps({
            "about": "Weights of the event-candidate model (events/extract/scoring.py), written by "
                     "`python manage.py train_extraction` from the real development half and the self-written "
                     "set; do not edit by hand.",
            "trained_on": f"{len(gold_counts)} articles, {len(y)} candidates, {total} annotated events",
            "cross_validated": {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "C": c},
            "bias": round(float(model.intercept_[0]), 4),
            "threshold": round(threshold, 2),
            "weights": dict(sorted(weights.items())),
        }, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(f"wrote {output}: {len(weights)} weights")

    def _examples(self, corpus: Path, real: Path, matcher: Matcher, self_written: bool):
        articles = corpus_load(corpus)
        records = annotations_load(real)
        names = _name_index(matcher.gazetteer)
        labelled = [
            (unit_id, articles[unit_id].text, articles[unit_id].published, _resolved(_as_gold(records[unit_id]), names))
            for unit_id in split_load(real)["dev"] if unit_id in records
        ]
        if self_written:
            labelled += [
                (item["id"], article_text(DEFAULT_SET, settings.BASE_DIR, item), date.fromisoformat(item["published"]),
                 item)
                for item in gold_load(DEFAULT_SET)
            ]
        gazetteer = matcher.gazetteer
        rows, labels, groups, gold_counts = [], [], [], {}
        for unit_id, text, published, gold in labelled:
            title, _, body = text.partition("\n")
            result = extract(title, body, published, matcher, keep_all=True)
            triples = [
                (e.event_type, e.sub_event_type, gazetteer.places[e.place_id].slug if e.place_id else None)
                for e in result.events
            ]
            prediction = Prediction(relevant=True, actors=set(), places=set(), statements=[], events=triples)
            matched = _score_events(unit_id, gold["events"], prediction, Evaluation())
            gold_counts[unit_id] = len(gold["events"])
            for index, candidate in enumerate(result.events):
                rows.append(candidate_features(candidate, result.sentences, title, published, gazetteer))
                labels.append(int(index in matched))
                groups.append(unit_id)
        return rows, labels, groups, gold_counts


