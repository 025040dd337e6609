"""The Grid groups page (issue 22): a grid operator's forecast against the group's draw."""
