"""The Cards screen for the helpdesk (issue 16): look up a card, see where it charged,
block or unblock it. `lookup` holds the state without Qt; `view` shows it."""
