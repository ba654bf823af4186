"""The form engine: versioned JSON form definitions, evaluated on the server.

A definition has steps of fields, conditions that show or require fields, and computed values.
Everything a resident sees and every rule that checks their answers is decided here, the same
with or without JavaScript; only the current step's rules run when a step is sent.
"""

from .definition import DefinitionError, FormDefinition

__all__ = ["DefinitionError", "FormDefinition"]
