"""casework: the workflow and case-management engine of the school quality support programmes."""

__version__ = "0.1.0"
