"""Custom actions for the Rasa assistant. rasa-sdk registers every Action subclass in this package."""
