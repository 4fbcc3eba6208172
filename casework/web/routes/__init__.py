"""One router per feature; `casework.web.app.create_app` includes them all."""
