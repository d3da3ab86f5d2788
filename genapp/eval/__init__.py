"""Evaluation: the metrics built on the evaluator nets (`models/classifier.py`, `models/language_model.py`,
trained and shipped like any checkpoint) and the `eval` and `augment` commands."""
