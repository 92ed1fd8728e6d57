"""From text to meaning: normalising, slots, crisis, the matcher and its classifier."""
