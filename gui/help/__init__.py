"""The Help menu: the window's keyboard shortcuts and what the app is made of.

Both are derived when asked, from the running window and the installed packages, so
they cannot drift from what the app really does or really ships.
"""
