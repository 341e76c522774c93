"""Row notes to one group, merged while they queue: one message (one send, one frame) for many."""

ROW_TYPES = ("live.update", "live.updates")


def is_row_note(message: dict) -> bool:
    return message["type"] in ROW_TYPES and message.get("kind") != "refresh"


def coalesced(messages: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """(group, message) in arrival order, a group's consecutive row notes merged into one message.

    Another message to the group (a refresh, a frame, a close) ends the run: it is delivered after
    the notes before it and before the notes after it.
    """
    work: list[tuple[str, dict]] = []
    last_rows: dict[str, dict] = {}
    for group, message in messages:
        if not is_row_note(message):
            last_rows.pop(group, None)
            work.append((group, message))
            continue
        notes = message["notes"] if message["type"] == "live.updates" else [message]
        merged = last_rows.get(group)
        if merged is None:
            merged = {"type": "live.updates", "group": group, "notes": list(notes)}
            last_rows[group] = merged
            work.append((group, merged))
        else:
            merged["notes"] += notes
    return work
