"""What every layer shares, importing nothing else of ours: errors and exit codes
(:mod:`.errors`), redaction of secrets (:mod:`.redaction`), atomic file writes (:mod:`.files`),
the GitHub Actions environment (:mod:`.ci`), repository names (:mod:`.repository`) and the
deployment facts read from AWS (:mod:`.deployments`)."""
