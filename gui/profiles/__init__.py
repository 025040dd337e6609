"""The Profiles view: edit a capacity profile, preview its day, deploy it and verify it.

`editor_model` and `preview` hold no Qt widgets (tested alone); `deploy` is the
conversation with the pole; `profile_view` only binds widgets to them.
"""
