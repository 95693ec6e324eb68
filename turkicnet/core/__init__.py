"""What every feature relies on: errors, audit, mail outbox, storage, transactions."""
