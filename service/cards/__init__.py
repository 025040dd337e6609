"""The card register (issue 16): who may charge, as the CSMS answers poles and as the
helpdesk keeps it — judgement (`authority`), CSV exchange (`csv_io`) and the poles'
local authorisation lists (`local_list`)."""
