"""The "hey hearth" wake model's training pipeline: voices, data, features, head, export.

``python -m tools.wake`` (``make wake-model``) regenerates the shipped head,
``voice/recognition/wake_model/hey_hearth.npz``, from nothing but the synthesisers
and the feature models of the ``pyopen-wakeword`` wheel.
"""
