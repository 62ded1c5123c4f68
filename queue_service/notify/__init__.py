"""Telling citizens when their turn is near, when they are called and where to go next.

`triggers` decides (pure), `store` keeps contacts sealed and the outbox durable,
`notifier` fills the outbox from the service's committed batches, `sender` drains it per
channel in its own threads, `channels` speak Web Push, SMTP and the LINE Messaging API.
"""
