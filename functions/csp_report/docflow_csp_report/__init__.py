"""CSP violation reports from browsers: validated, scrubbed, rate limited, logged as events."""
