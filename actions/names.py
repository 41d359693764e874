"""Names shared between domain.yml, the actions and the tests: written once here."""

from typing import Final


class Slot:
    """Slot names in domain.yml."""

    ROLE: Final = "role"
    AGE_BAND: Final = "age_band"
    RISK_SIGNALS: Final = "risk_signals"
    ESCALATION_REASONS: Final = "escalation_reasons"
    TOPIC: Final = "topic"


class Entity:
    """Entity names in the NLU data."""

    AGE: Final = "age"
    USER_ROLE: Final = "user_role"
    AGE_BAND: Final = "age_band"
    PLATFORM: Final = "platform"
    LAW_TOPIC: Final = "law_topic"  # a law guide question id, set by the law question buttons


class Intent:
    """Intent names the actions branch on."""

    START: Final = "start"
    GREET: Final = "greet"
    INFORM_ROLE: Final = "inform_role"
    INFORM_AGE: Final = "inform_age"
    LAW_QUESTION: Final = "law_question"


class Response:
    """Response names in domain.yml."""

    PRIVACY_NOTICE: Final = "utter_privacy_notice"
    ASK_ROLE: Final = "utter_ask_role"
    ASK_ROLE_AFTER_ADVICE: Final = "utter_ask_role_after_advice"
    ASK_AGE_BAND: Final = "utter_ask_age_band"
    ASK_WHAT_HAPPENED: Final = "utter_ask_what_happened"
    WELCOME_BACK: Final = "utter_welcome_back"
    ADULT_USER: Final = "utter_adult_user"
    PLEASE_REPHRASE: Final = "utter_please_rephrase"
    OUT_OF_SCOPE: Final = "utter_out_of_scope"
    PICK_LAW_QUESTION: Final = "utter_pick_law_question"


class ActionName:
    """Custom action names in domain.yml."""

    WELCOME: Final = "action_welcome"
    SET_PROFILE: Final = "action_set_profile"
    GIVE_ADVICE: Final = "action_give_advice"
    UNCLEAR_MESSAGE: Final = "action_unclear_message"
    OUT_OF_SCOPE: Final = "action_out_of_scope"
