"""Front ends (Telegram, web chat), launcher, triage CLI and the safeguarding code they share with the actions."""
