"""The Telegram front end's durable delivery: every update is stored before Telegram is told it
arrived, answered once in each chat's order, and every reply waits in an outbox until Telegram has
accepted it (see docs/telegram.md)."""
