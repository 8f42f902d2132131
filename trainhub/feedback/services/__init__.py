"""Feedback and reporting rules: questionnaires, responses, statistics, budget, publication."""
