"""Prefect flows: thin wrappers that call casework's services with ids and values.

Business rules never live here; a flow schedules, retries, batches and names its runs.
"""
