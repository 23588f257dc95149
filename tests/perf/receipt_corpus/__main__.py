"""``python -m tests.perf.receipt_corpus``: render a corpus."""

import sys

from tests.perf.receipt_corpus.corpus import main

sys.exit(main())
