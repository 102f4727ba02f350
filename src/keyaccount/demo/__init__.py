"""The demo company and the scale data set: the top of the house, nothing imports it.

``generator`` writes a believable company through every app's services (so it is audited and
validated like real data); ``scale`` streams throw-away volume for benchmarks straight into the
tables. ``kam demo`` and ``kam generate`` are its commands. It has no models, views or API of its
own: it is a loader, which is why it has none of the other apps' furniture.
"""
