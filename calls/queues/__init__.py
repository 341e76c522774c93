"""The queue view: who waits in which queue, for how long, and what happened to those who left."""
