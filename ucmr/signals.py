"""Signals the base layer sends for the apps above it to act on, so that it imports none of them."""

from django.dispatch import Signal

# An object of a shared library (an actor, a requirement, an information object) changed, or was merged into:
# sent with `sender` its model and `obj` the object. The use-case analysis (usecases.analysis.followup) validates
# again the use cases that use it.
library_object_changed = Signal()
