"""Evaluators (classifiers trained and shipped like any checkpoint) and the metrics built on them."""
