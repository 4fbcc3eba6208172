"""Notifications: rendering messages from templates and delivering them over SMTP.

This layer knows nothing of phases or the database: the service layer hands it plain values
(a template name, a context dict, addresses) and gets back rendered messages and send results.
`notifications.smtp` is the only module that talks SMTP; `notifications.catcher` is the embedded
mail catcher that stores what it receives.
"""
