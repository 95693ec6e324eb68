"""The cooperation protocol: versions, texts, signing, the ledger and its checkpoints."""
