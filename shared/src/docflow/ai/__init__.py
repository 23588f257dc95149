"""AI services: category suggestions and a checked second reading of hard receipts, through an
OpenAI-compatible Chat Completions endpoint (``OPENAI_BASE_URL``) with structured outputs.

The model's answers are untrusted input: every value is checked on our side with the receipt engine's
own checks before anything is written, and the receipt text sent to it is scrubbed of personal data.
"""
