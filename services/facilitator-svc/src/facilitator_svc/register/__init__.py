"""The public register: the facilitators who chose to be listed, showing what each chose to publish."""
