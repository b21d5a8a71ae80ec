"""Consistency validation of use cases: the rules (`base.py` says what a rule is; `document_rules.py` and
`step_rules.py` define them; `rules.py` holds them all), running them and storing the findings (`services.py`),
the use case's findings and the repository report (`selectors.py`).

For other apps: `services.usecase_validation_errors(use_case=...)` lists the errors a use case has now (the review
workflow refuses a submission while there are any); `services.usecase_findings(use_case_id=...)` every finding.
"""
