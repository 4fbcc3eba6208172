"""The service layer: one function per user action, the only place that opens a transaction.

Every function takes the `Database` first and keyword arguments after; it returns plain pydantic
read models (never ORM objects), and raises `casework.errors.CaseworkError` subclasses with a
Dutch message when it refuses.
"""
