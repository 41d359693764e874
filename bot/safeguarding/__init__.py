"""Safeguarding logic shared by the custom actions, the front ends and the triage CLI.

Kept free of Rasa, Telegram and web imports so every process can use it and tests can run it directly.
"""
