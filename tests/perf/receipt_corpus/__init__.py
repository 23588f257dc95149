"""A receipt benchmark corpus: many layout families, fonts and damage tiers, with held-out families.

See ``README.md`` in this folder. ``python -m tests.perf.receipt_corpus --help`` renders a corpus.
"""
