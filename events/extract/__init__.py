"""Extraction: pure functions of (article text, gazetteer, rules).

pipeline.extract() is the entry point; events/extract/store.py writes what it returns. Nothing here touches
the database, so the evaluation (manage.py eval_extraction) and the unit tests run it on plain values.
"""
