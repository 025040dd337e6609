"""OCPI 2.2.1, the CPO side (issue 21, eis 60–62): roaming partners (eMSPs, hubs) reach
Paalwerk's poles through ``/ocpi``, with their own credentials tokens rather than the
operator API's accounts."""
