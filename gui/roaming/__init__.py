"""The Roaming partners screen (issue 21): OCPI partners of the CSMS."""
