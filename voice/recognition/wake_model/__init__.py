"""The trained "hey hearth" wake model: openWakeWord features, Hearth's own head, a streaming detector."""
