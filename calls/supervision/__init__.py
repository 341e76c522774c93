"""One-click supervision: a supervisor's phone dialled onto a live call (Telnyx's
`supervise_call_control_id` + `supervisor_role`), followed from dial to hang-up."""
